// Verifies a stapled OCSP response (RFC 6960) for the leaf of an already verified path: the
// response names the leaf (CertID), is signed by the leaf's issuer or by a responder the issuer
// delegated to (RFC 6960 4.2.2.2), with an algorithm the policy allows, is current, and says "good".
// Every failure is an InvalidCertificate naming the check; all cryptography goes through the provider.
import { equalBytes } from "../codec/bytes.js";
import type { CryptoProvider } from "../crypto/provider.js";
import { ConfigError, type CertificateErrorReason, type InvalidCertificate } from "../errors.js";
import { signatureAlgorithmFromIdentifier } from "./algorithms.js";
import { type Certificate, parseCertificate, validityAt } from "./certificate.js";
import { type Placed, checkPublicKey, checkStructure, fail, judgeAlgorithm, usableSignatureAlgorithm } from "./checks.js";
import { DerError, bitString, parseDer, sequence, smallUint } from "./der.js";
import { type BasicOcspResponse, type CertIdHash, OcspOid, type SingleResponse, parseOcspResponse } from "./ocsp-response.js";
import { DEFAULT_VERIFICATION_POLICY, type VerificationPolicy, validateVerificationPolicy } from "./policy.js";

/** Seconds a response's thisUpdate may lie ahead of our clock (OpenSSL's OCSP_check_validity allows 300). */
export const DEFAULT_OCSP_CLOCK_SKEW = 300;

export interface OcspCheckOptions {
  /** The DER OCSPResponse the server stapled. */
  readonly response: Uint8Array;
  /** The verified path, leaf first (as verifyServerCertificate returns it); the leaf's issuer is path[1]. */
  readonly path: readonly Certificate[];
  readonly time: Date;
  readonly provider: CryptoProvider;
  /** Signature algorithms and keys accepted; default DEFAULT_VERIFICATION_POLICY. */
  readonly policy?: VerificationPolicy;
  /** Seconds thisUpdate may be ahead of `time`; default 300. nextUpdate gets no grace. */
  readonly clockSkew?: number;
}

export interface OcspGood {
  readonly status: "good";
  readonly producedAt: Date;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** Who signed: the leaf's issuer itself, or a responder certificate it issued. */
  readonly responder: "issuer" | "delegated";
}

// TLS Feature (RFC 7633), whose status_request (5) entry is "must staple".
const TLS_FEATURE = "1.3.6.1.5.5.7.1.24";
const STATUS_REQUEST = 5;

/**
 * Whether `cert` demands a stapled OCSP response (RFC 7633 TLS Feature listing status_request). A
 * malformed extension counts as demanding one: failing closed costs only a missing staple.
 */
export function mustStaple(cert: Certificate): boolean {
  const ext = cert.extensions.find((e) => e.oid === TLS_FEATURE);
  if (ext === undefined) return false;
  try {
    return sequence(parseDer(ext.value, "TLS Feature"), "TLS Feature").some((n) => smallUint(n, "TLS Feature") === STATUS_REQUEST);
  } catch (e) {
    if (e instanceof DerError) return true;
    throw e;
  }
}

const REASONS = ["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation", "certificateHold", "", "removeFromCRL", "privilegeWithdrawn", "aACompromise"];

/**
 * Checks `response` for the leaf of `path`. Resolves when it proves the leaf good; rejects with
 * InvalidCertificate: Revoked, OcspStatusUnknown, or an Ocsp* reason for a response that cannot be used.
 */
export async function verifyOcspResponse(o: OcspCheckOptions): Promise<OcspGood> {
  if (!(o.time instanceof Date) || Number.isNaN(o.time.getTime())) throw new ConfigError("time must be a valid Date", "time");
  const skew = o.clockSkew ?? DEFAULT_OCSP_CLOCK_SKEW;
  if (!Number.isFinite(skew) || skew < 0) throw new ConfigError("clockSkew must be a number of seconds >= 0", "clockSkew");
  if (o.path.length < 2) throw new ConfigError("an OCSP response is checked against a path with the leaf's issuer", "path");
  const policy = o.policy === undefined ? DEFAULT_VERIFICATION_POLICY : validateVerificationPolicy(o.policy);
  const leaf: Placed = { cert: o.path[0]!, position: 0 };
  const issuer = o.path[1]!;
  const hashes = new Hashes(o.provider);
  const err = (reason: CertificateErrorReason, detail: string): InvalidCertificate => fail(reason, `OCSP: ${detail}`, leaf);

  const parsed = parseOcspResponse(o.response);
  if (parsed.status !== "successful" || parsed.basic === undefined) throw err("OcspResponseInvalid", `responseStatus ${parsed.status}`);
  const basic = parsed.basic;
  const single = await matchingResponse(basic, leaf.cert, issuer, hashes, err);
  const delegated = await authorizeResponder(basic, issuer, hashes, o, policy, err);
  await checkSignature(basic, delegated ?? issuer, o.provider, policy, err);

  const t = o.time.getTime();
  if (single.thisUpdate.getTime() > t + skew * 1000) {
    throw err("OcspResponseNotYetValid", `thisUpdate ${single.thisUpdate.toISOString()} is after ${o.time.toISOString()}`);
  }
  if (single.nextUpdate !== undefined && single.nextUpdate.getTime() < t) {
    throw err("OcspResponseExpired", `nextUpdate ${single.nextUpdate.toISOString()} is before ${o.time.toISOString()}`);
  }
  const s = single.certStatus;
  if (s.status === "revoked") {
    const reason = s.reason !== undefined ? ` (${REASONS[s.reason] || `reason ${s.reason}`})` : "";
    throw fail("Revoked", `OCSP: serial ${leaf.cert.serialNumber} revoked on ${s.revocationTime.toISOString()}${reason}`, leaf);
  }
  if (s.status === "unknown") throw err("OcspStatusUnknown", `the responder does not know serial ${leaf.cert.serialNumber}`);
  return {
    status: "good",
    producedAt: basic.producedAt,
    thisUpdate: single.thisUpdate,
    ...(single.nextUpdate !== undefined ? { nextUpdate: single.nextUpdate } : {}),
    responder: delegated === null ? "issuer" : "delegated",
  };
}

type Fail = (reason: CertificateErrorReason, detail: string) => InvalidCertificate;

/** Hashes for CertIDs and key hashes, through the provider, each input hashed once. */
class Hashes {
  private readonly done = new Map<string, Promise<Uint8Array | null>>();
  constructor(private readonly provider: CryptoProvider) {}

  /** null when the provider cannot compute `hash`. */
  of(hash: CertIdHash, data: Uint8Array, key: string): Promise<Uint8Array | null> {
    const id = `${hash}/${key}`;
    let h = this.done.get(id);
    if (h === undefined) {
      const p = this.provider;
      h =
        hash === "SHA-1"
          ? p.sha1 === undefined ? Promise.resolve(null) : p.sha1(data)
          : p.supports.hashes.includes(hash) ? p.hash(hash, data) : Promise.resolve(null);
      this.done.set(id, h);
    }
    return h;
  }
}

/** The subjectPublicKey BIT STRING's bytes: what CertID and byKey hashes cover (RFC 6960 4.1.1, 4.2.1). */
function publicKeyBits(cert: Certificate): Uint8Array {
  try {
    return bitString(sequence(parseDer(cert.spki, "subjectPublicKeyInfo"), "subjectPublicKeyInfo", 2, 2)[1], "subjectPublicKey").bytes;
  } catch (e) {
    // The certificate parsed, so its SPKI did too; this only guards the invariant.
    if (e instanceof DerError) return new Uint8Array(0);
    throw e;
  }
}

/** The one SingleResponse whose CertID names the leaf (issuer name and key hashes and serial). */
async function matchingResponse(basic: BasicOcspResponse, leaf: Certificate, issuer: Certificate, hashes: Hashes, err: Fail): Promise<SingleResponse> {
  const matches: SingleResponse[] = [];
  const unhashable = new Set<string>();
  for (const r of basic.responses) {
    const id = r.certId;
    if (id.serialNumber !== leaf.serialNumber) continue;
    if (!["SHA-1", "SHA-256", "SHA-384", "SHA-512"].includes(id.hash)) {
      unhashable.add(id.hash);
      continue;
    }
    const hash = id.hash as CertIdHash;
    const name = await hashes.of(hash, leaf.issuerDer, "name");
    const key = await hashes.of(hash, publicKeyBits(issuer), "key");
    if (name === null || key === null) {
      unhashable.add(hash);
      continue;
    }
    if (equalBytes(name, id.issuerNameHash) && equalBytes(key, id.issuerKeyHash)) matches.push(r);
  }
  if (matches.length > 1) throw err("OcspResponseInvalid", `${matches.length} responses for serial ${leaf.serialNumber}`);
  if (matches.length === 0) {
    const why = unhashable.size > 0 ? ` (CertID hash ${[...unhashable].join(", ")} not available)` : "";
    throw err("OcspResponseInvalid", `no response for serial ${leaf.serialNumber} from ${issuer.subject}${why}`);
  }
  return matches[0]!;
}

/**
 * Who may sign: the issuer itself, or a certificate in `certs` named by the ResponderID, issued (and
 * signed) by the issuer, with extKeyUsage id-kp-OCSPSigning and valid now. Returns the delegated
 * responder, or null for the issuer.
 */
async function authorizeResponder(
  basic: BasicOcspResponse,
  issuer: Certificate,
  hashes: Hashes,
  o: OcspCheckOptions,
  policy: VerificationPolicy,
  err: Fail,
): Promise<Certificate | null> {
  const id = basic.responderId;
  // `slot` keys the hash cache: "key" is the issuer's, shared with the CertID check.
  const names = async (cert: Certificate, slot: string): Promise<boolean> => {
    if ("byName" in id) return equalBytes(id.byName, cert.subjectDer);
    const h = await hashes.of("SHA-1", publicKeyBits(cert), slot);
    if (h === null) throw err("OcspResponseInvalid", `responderID byKey needs SHA-1, which provider "${o.provider.name}" does not offer`);
    return equalBytes(h, id.byKey);
  };
  if (await names(issuer, "key")) return null;
  let responder: Certificate | undefined;
  for (const [i, der] of basic.certs.entries()) {
    let cert: Certificate;
    try {
      cert = parseCertificate(der);
    } catch (e) {
      throw err("OcspResponseInvalid", `a certificate in the response: ${(e as Error).message}`);
    }
    if (await names(cert, `certs[${i}]`)) {
      responder = cert;
      break;
    }
  }
  const who = "byName" in id ? "responderID byName" : "responderID byKey";
  if (responder === undefined) throw err("OcspUnauthorizedResponder", `${who} names neither ${issuer.subject} nor a certificate in the response`);
  const at: Placed = { cert: responder };
  const bad = (detail: string): InvalidCertificate => err("OcspUnauthorizedResponder", `responder ${responder.subject}: ${detail}`);
  if (!equalBytes(responder.issuerDer, issuer.subjectDer)) throw bad(`not issued by ${issuer.subject}`);
  if (!responder.extKeyUsage?.includes(OcspOid.ocspSigning)) throw bad("extKeyUsage lacks id-kp-OCSPSigning");
  const validity = validityAt(responder, o.time);
  if (validity !== "valid") throw bad(`${validity} at ${o.time.toISOString()}`);
  const structure = checkStructure(at, "leaf") ?? checkPublicKey(at, policy);
  if (structure !== null) throw bad(`${structure.reason}: ${structure.message}`);
  const alg = usableSignatureAlgorithm(at, issuer, policy, o.provider);
  if (!("type" in alg)) throw bad(alg.message);
  let ok = false;
  try {
    ok = await o.provider.verify(alg, issuer.spki, responder.tbs, responder.signatureValue);
  } catch {
    ok = false;
  }
  if (!ok) throw bad(`its signature does not verify with the key of ${issuer.subject}`);
  return responder;
}

async function checkSignature(basic: BasicOcspResponse, signer: Certificate, provider: CryptoProvider, policy: VerificationPolicy, err: Fail): Promise<void> {
  const alg = signatureAlgorithmFromIdentifier(basic.signatureAlgorithm);
  // SHA-1 and MD5 map to null here, like every unknown algorithm.
  if (alg === null) throw err("OcspUnsupportedSignatureAlgorithm", `signature algorithm ${basic.signatureAlgorithm.oid} is not accepted`);
  const judged = judgeAlgorithm(alg, signer, policy, provider, (reason, detail) =>
    err(reason === "BadSignature" ? "OcspBadSignature" : "OcspUnsupportedSignatureAlgorithm", `response signature: ${detail}`),
  );
  if (!("type" in judged)) throw judged;
  let ok = false;
  try {
    ok = await provider.verify(judged, signer.spki, basic.tbs, basic.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw err("OcspBadSignature", `the response signature does not verify with the key of ${signer.subject}`);
}
