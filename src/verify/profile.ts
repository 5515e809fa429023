// The certificate profile: what RFC 5280 4.1-4.2 and the CA/Browser Forum Baseline Requirements
// (7.1.2) require of a certificate in its role, modelled on pyca/cryptography's webpki extension
// policies (the strictest of the verifiers fipstls is compared with). A certificate that breaks it is
// refused whatever its signature says; each rule has its own reason.
import type { InvalidCertificate } from "../errors.js";
import type { Certificate } from "./certificate.js";
import { type Placed, fail, isSelfIssued } from "./placed.js";
import { type Extension, ExtensionOid } from "./extensions.js";

/** Where a certificate sits on the path: the profile differs for each. */
export type Role = "leaf" | "intermediate" | "anchor";

/** An empty Name is the DER SEQUENCE header alone. */
export function isEmptyName(nameDer: Uint8Array): boolean {
  return nameDer.length <= 2;
}

function extension(cert: Certificate, oid: string): Extension | undefined {
  return cert.extensions.find((e) => e.oid === oid);
}

function isCa(cert: Certificate): boolean {
  return cert.basicConstraints?.ca === true;
}

/** The profile rules for `at` in `role`; the first one broken, or null. */
export function checkProfile(at: Placed, role: Role): InvalidCertificate | null {
  const c = at.cert;
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  if (c.validityEncodingProblem !== undefined) return fail("BadEncoding", `validity: ${c.validityEncodingProblem}`, at);
  // RFC 5280 4.1.2.4: the issuer MUST be a non-empty distinguished name.
  if (isEmptyName(c.issuerDer)) return fail("EmptyName", "issuer is an empty name", at);
  // An issuer that is no CA is named as such before any finer rule of the CA profile.
  if (role !== "leaf" && !isCa(c)) return fail("EndEntityUsedAsCa", "basicConstraints lacks cA=true", at);
  return checkKeyIdentifiers(at, role) ?? checkCriticality(at) ?? checkUsage(at) ?? (role === "leaf" ? checkLeafNames(at) : checkCa(at));
}

// RFC 5280 4.2.1.1-4.2.1.2 and CA/B BR 7.1.2.11.1.
function checkKeyIdentifiers(at: Placed, role: Role): InvalidCertificate | null {
  const c = at.cert;
  const aki = extension(c, ExtensionOid.authorityKeyIdentifier);
  if (aki?.critical) return fail("CriticalAuthorityKeyIdentifier", "authorityKeyIdentifier MUST be non-critical", at);
  if (extension(c, ExtensionOid.subjectKeyIdentifier)?.critical) {
    return fail("CriticalSubjectKeyIdentifier", "subjectKeyIdentifier MUST be non-critical", at);
  }
  // Only a self-signed certificate (a root) may leave out the key identifier of its issuer.
  if (aki === undefined) {
    return role === "anchor" || isSelfIssued(c) ? null : fail("MissingAuthorityKeyIdentifier", "no authorityKeyIdentifier", at);
  }
  if (role === "leaf") return null;
  // A CA's (roots included) identifies its issuer's key by keyIdentifier alone: an issuer name and
  // serial would pin the issuing certificate and break re-issued and cross-signed CAs.
  if (c.authorityKeyIdentifier === undefined) return fail("InvalidAuthorityKeyIdentifier", "authorityKeyIdentifier of a CA lacks keyIdentifier", at);
  if (c.authorityCertIssuerAndSerial) {
    return fail("InvalidAuthorityKeyIdentifier", "authorityKeyIdentifier of a CA carries authorityCertIssuer and authorityCertSerialNumber", at);
  }
  return null;
}

function checkCriticality(at: Placed): InvalidCertificate | null {
  const c = at.cert;
  // RFC 5280 4.2.2.1: authorityInfoAccess MUST be non-critical.
  if (extension(c, ExtensionOid.authorityInfoAccess)?.critical) {
    return fail("InvalidExtensionCriticality", "authorityInfoAccess MUST be non-critical", at);
  }
  // CA/B BR 7.1.2.7.10 and 7.1.2.10.6 (as pyca/cryptography): extKeyUsage is not critical.
  if (extension(c, ExtensionOid.extKeyUsage)?.critical) return fail("InvalidExtensionCriticality", "extKeyUsage must be non-critical", at);
  return null;
}

function checkUsage(at: Placed): InvalidCertificate | null {
  const c = at.cert;
  // RFC 5280 4.2.1.3: keyCertSign asserted means cA MUST be asserted too.
  if (c.keyUsage?.keyCertSign && !isCa(c)) return fail("KeyCertSignWithoutCa", "keyUsage asserts keyCertSign without basicConstraints cA=TRUE", at);
  // RFC 5280 4.2.1.10: nameConstraints MUST be used only in a CA certificate.
  if (c.nameConstraints !== undefined && !isCa(c)) return fail("NameConstraintsOnEndEntity", "nameConstraints in a certificate that is not a CA", at);
  return null;
}

// RFC 5280 4.1.2.6 and 4.2.1.6: a subscriber named only by its subjectAltName marks it critical.
function checkLeafNames(at: Placed): InvalidCertificate | null {
  const san = extension(at.cert, ExtensionOid.subjectAltName);
  if (isEmptyName(at.cert.subjectDer)) {
    if (san === undefined) return fail("InvalidSubjectAltName", "empty subject and no subjectAltName", at);
    if (!san.critical) return fail("InvalidSubjectAltName", "subjectAltName MUST be critical when the subject is empty", at);
  } else if (san?.critical) {
    return fail("InvalidSubjectAltName", "subjectAltName must be non-critical when the subject is not empty", at);
  }
  return null;
}

// RFC 5280 4.1.2.6, 4.2.1.3 and 4.2.1.9 for issuers (pyca/cryptography's CA policy).
function checkCa(at: Placed): InvalidCertificate | null {
  const c = at.cert;
  if (isEmptyName(c.subjectDer)) return fail("EmptyName", "a CA's subject is an empty name", at);
  const bc = extension(c, ExtensionOid.basicConstraints);
  if (bc !== undefined && !bc.critical) return fail("InvalidExtensionCriticality", "basicConstraints of a CA MUST be critical", at);
  if (c.keyUsage === undefined) return fail("MissingKeyUsage", "a CA certificate without keyUsage", at);
  return null;
}
