// Checks on one certificate at a time (RFC 5280 6.1.3-6.1.5 and the policy); each returns the
// InvalidCertificate naming the failed check, or null. Path building (path.ts) decides which apply.
import { type KeyInfo, describeSpki, keyFitsSignature } from "../crypto/keyinfo.js";
import type { CryptoProvider, SignatureAlgorithm } from "../crypto/provider.js";
import { type CertificateErrorReason, InvalidCertificate } from "../errors.js";
import { type Certificate, signatureAlgorithmFor, validityAt } from "./certificate.js";
import { ExtKeyUsageOid, ExtensionOid } from "./extensions.js";
import { type VerificationPolicy, signatureAlgorithmName } from "./policy.js";
import { type Placed, fail } from "./placed.js";
import { type Role, checkProfile } from "./profile.js";

export { type Placed, fail, isSelfIssued } from "./placed.js";

export type Purpose = "serverAuth" | "clientAuth";

// Extensions whose meaning the verifier enforces (or, for SAN, uses); any other critical one is refused.
// (Critical key identifiers and authorityInfoAccess are refused by the profile, with their own reasons.)
const UNDERSTOOD = new Set<string>([
  ExtensionOid.subjectAltName,
  ExtensionOid.basicConstraints,
  ExtensionOid.keyUsage,
  ExtensionOid.extKeyUsage,
  ExtensionOid.nameConstraints,
]);

export function checkValidity(at: Placed, time: Date): InvalidCertificate | null {
  const v = validityAt(at.cert, time);
  if (v === "expired") return fail("Expired", `notAfter ${at.cert.notAfter.toISOString()} is before ${time.toISOString()}`, at);
  if (v === "not-yet-valid") return fail("NotValidYet", `notBefore ${at.cert.notBefore.toISOString()} is after ${time.toISOString()}`, at);
  return null;
}

/**
 * Structure and profile rules for a certificate in `role`: presented certificates always, trust
 * anchors under anchorProfile "strict" (the path code decides).
 */
export function checkStructure(at: Placed, role: Role): InvalidCertificate | null {
  const c = at.cert;
  // Only v3 can carry the basicConstraints and SANs that path validation and naming rely on.
  if (c.version !== 3) return fail("UnsupportedCertVersion", `version ${c.version}`, at);
  // RFC 5280 4.1.2.2 asks for a positive integer but tells users to cope with zero and negative ones.
  // Negative is refused (as pyca/cryptography and Go); zero is accepted, as all three strict
  // verifiers accept it (six roots in Mozilla's store have serial 0).
  if (parseInt(c.serialNumber.slice(0, 2), 16) >= 0x80) return fail("BadEncoding", "serialNumber is negative", at);
  const profile = checkProfile(at, role);
  if (profile !== null) return profile;
  const unknown = c.extensions.find((e) => e.critical && !UNDERSTOOD.has(e.oid));
  if (unknown !== undefined) return fail("UnknownCriticalExtension", `extension ${unknown.oid}`, at);
  return null;
}

const EKU_OID: Readonly<Record<Purpose, string>> = {
  serverAuth: ExtKeyUsageOid.serverAuth,
  clientAuth: ExtKeyUsageOid.clientAuth,
};

/**
 * extKeyUsage, webpki-style: absent means unrestricted; present, it must name the purpose. On the
 * leaf anyExtendedKeyUsage does not count (a TLS certificate says what it is for); on a CA it does,
 * since there it only means "no restriction".
 */
function checkEku(at: Placed, purpose: Purpose, isCa: boolean): InvalidCertificate | null {
  const eku = at.cert.extKeyUsage;
  if (eku === undefined || eku.includes(EKU_OID[purpose])) return null;
  if (isCa && eku.includes(ExtKeyUsageOid.any)) return null;
  return fail("InvalidPurpose", `extKeyUsage lacks ${purpose}`, at);
}

export function checkEndEntity(at: Placed, purpose: Purpose): InvalidCertificate | null {
  const c = at.cert;
  if (c.basicConstraints?.ca === true) return fail("CaUsedAsEndEntity", "basicConstraints has cA=true", at);
  // TLS 1.3 (and ECDHE in 1.2) only ever uses the leaf key to sign.
  if (c.keyUsage !== undefined && !c.keyUsage.digitalSignature) {
    return fail("InvalidPurpose", "keyUsage lacks digitalSignature", at);
  }
  return checkEku(at, purpose, false);
}

/**
 * Whether `at` may issue the certificate below it, given the number of non-self-issued
 * intermediates between it and the leaf. `legacyAnchor`: an anchor under anchorProfile "legacy",
 * which may issue without basicConstraints (v1 roots) and whose extKeyUsage is not applied.
 */
export function checkIssuer(at: Placed, intermediatesBelow: number, purpose: Purpose, legacyAnchor: boolean): InvalidCertificate | null {
  const c = at.cert;
  const bc = c.basicConstraints;
  if (bc === undefined ? !legacyAnchor : !bc.ca) return fail("EndEntityUsedAsCa", "basicConstraints lacks cA=true", at);
  if (c.keyUsage !== undefined && !c.keyUsage.keyCertSign) return fail("EndEntityUsedAsCa", "keyUsage lacks keyCertSign", at);
  if (bc?.pathLen !== undefined && intermediatesBelow > bc.pathLen) {
    return fail("PathLenConstraintViolated", `pathLenConstraint ${bc.pathLen}, ${intermediatesBelow} intermediates below`, at);
  }
  // A legacy anchor's extKeyUsage is configuration, not a constraint it imposes (as webpki); a strict
  // one is held to it like any CA (as pyca/cryptography).
  return legacyAnchor ? null : checkEku(at, purpose, true);
}

const keyInfoCache = new WeakMap<Certificate, KeyInfo | string>();

/** The certificate's key, or why it cannot be used (cached: a key is judged once per parse). */
function keyInfo(cert: Certificate): KeyInfo | string {
  let info = keyInfoCache.get(cert);
  if (info === undefined) {
    try {
      info = describeSpki(cert.spki);
    } catch (e) {
      info = e instanceof Error ? e.message : "unreadable public key";
    }
    keyInfoCache.set(cert, info);
  }
  return info;
}

/** The key on `at` against the policy: RSA size, EC curve, Ed25519 allowed. */
export function checkPublicKey(at: Placed, policy: VerificationPolicy): InvalidCertificate | null {
  const info = keyInfo(at.cert);
  if (typeof info === "string") return fail("UnsupportedPublicKey", info, at);
  switch (info.type) {
    case "rsa":
    case "rsa-pss":
      if ((info.modulusBits ?? 0) < policy.minRsaModulusBits) {
        return fail("WeakKey", `RSA-${info.modulusBits} is below the policy minimum of ${policy.minRsaModulusBits} bits`, at);
      }
      return null;
    case "ec":
      return policy.allowedCurves.includes(info.curve!) ? null : fail("UnsupportedPublicKey", `curve ${info.curve} is not allowed by the policy`, at);
    case "ed25519":
      return policy.allowEd25519Keys ? null : fail("UnsupportedPublicKey", "Ed25519 keys are not allowed by the policy", at);
    default:
      return fail("UnsupportedPublicKey", `${info.type} keys cannot sign`, at);
  }
}

/**
 * The algorithm `subject` is signed with, if the policy allows it, the provider can run it and the
 * issuer's key can make such signatures at all; otherwise the named failure.
 */
export function usableSignatureAlgorithm(
  subject: Placed,
  issuer: Certificate,
  policy: VerificationPolicy,
  provider: CryptoProvider,
): SignatureAlgorithm | InvalidCertificate {
  const alg = signatureAlgorithmFor(subject.cert);
  if (alg === null) return fail("UnsupportedSignatureAlgorithm", `algorithm ${subject.cert.signatureAlgorithmOid}`, subject);
  return judgeAlgorithm(alg, issuer, policy, provider, (reason, detail) => fail(reason, detail, subject));
}

/** The shared part of usableSignatureAlgorithm, also used for CRL signatures. */
export function judgeAlgorithm<E>(
  alg: SignatureAlgorithm,
  issuer: Certificate,
  policy: VerificationPolicy,
  provider: CryptoProvider,
  error: (reason: CertificateErrorReason, detail: string) => E,
): SignatureAlgorithm | E {
  const name = signatureAlgorithmName(alg);
  if (!policy.allowedSignatureAlgorithms.includes(name)) return error("UnsupportedSignatureAlgorithm", `${name} is not allowed by the policy`);
  const s = provider.supports;
  if (!s.signatures.includes(alg.type) || ("hash" in alg && !s.hashes.includes(alg.hash))) {
    return error("UnsupportedSignatureAlgorithm", `${name} is not available from provider "${provider.name}"`);
  }
  const key = keyInfo(issuer);
  if (typeof key === "string" || !keyFitsSignature(key.type, alg.type)) {
    // A key that cannot make this kind of signature made none of them.
    return error("BadSignature", `${name} cannot be made by the ${typeof key === "string" ? "unreadable" : key.type} key of ${issuer.subject}`);
  }
  if (key.curve !== undefined && !s.curves.includes(key.curve)) {
    return error("UnsupportedSignatureAlgorithm", `curve ${key.curve} is not available from provider "${provider.name}"`);
  }
  return alg;
}

/** With allowSha1OnAnchors false, an anchor self-signed with a refused algorithm is not used. */
export function checkAnchorSelfSignature(at: Placed, policy: VerificationPolicy): InvalidCertificate | null {
  if (policy.allowSha1OnAnchors) return null;
  const alg = signatureAlgorithmFor(at.cert);
  if (alg !== null && policy.allowedSignatureAlgorithms.includes(signatureAlgorithmName(alg))) return null;
  return fail("UnsupportedSignatureAlgorithm", `trust anchor self-signed with ${at.cert.signatureAlgorithmOid}`, at);
}
