// fipstls certificate verification: the public surface of src/verify.
export {
  verifyServerCertificate,
  verifyClientCertificate,
  verifyCertificatePath,
  type VerifyOptions,
  type ServerVerifyOptions,
  type ClientVerifyOptions,
  type PathOptions,
} from "./verifier.js";
export {
  DEFAULT_VERIFICATION_POLICY,
  CERTIFICATE_SIGNATURE_ALGORITHMS,
  validateVerificationPolicy,
  type VerificationPolicy,
  type AnchorProfile,
  type CertificateSignatureAlgorithmName,
} from "./policy.js";
export { DEFAULT_REVOCATION_OPTIONS, type RevocationOptions } from "./revocation.js";
export { parseCrl, type Crl, type CrlScope, type RevokedEntry } from "./crl.js";
export { TrustStore, createTrustStore, type CertificateSource, type TrustAnchors, type TrustStoreOptions } from "./trust.js";
export { MAX_PATH_DEPTH, MAX_SIGNATURE_CHECKS } from "./path.js";
export { MAX_NAME_CONSTRAINT_COMPARISONS } from "./name-constraints.js";
export type { Purpose } from "./checks.js";
export {
  parseCertificate,
  validityAt,
  type Certificate,
  type AlgorithmIdentifier,
  type BasicConstraints,
  type Extension,
  type KeyUsage,
  type NameConstraints,
  type SubjectAltName,
} from "./certificate.js";
export { matchesServerName, isIpLiteral } from "./names.js";
export { verifyOcspResponse, DEFAULT_OCSP_CLOCK_SKEW, type OcspCheckOptions, type OcspGood } from "./ocsp.js";
export {
  parseOcspResponse,
  type OcspResponse,
  type OcspResponseStatus,
  type BasicOcspResponse,
  type SingleResponse,
  type CertId,
  type CertStatus,
  type ResponderId,
} from "./ocsp-response.js";
