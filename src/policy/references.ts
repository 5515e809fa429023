// What the policies cite and the algorithm families they name: the shared vocabulary of the dated
// policies in definitions.ts.
import { CERTIFICATE_SIGNATURES } from "./catalog.js";
import type { PolicyReference } from "./policy.js";

// Links go to the documents themselves (DOIs resolve to the PDFs), not to announcement pages.
export const SP800_52R2: PolicyReference = { id: "NIST SP 800-52r2", title: "Guidelines for the Selection, Configuration, and Use of Transport Layer Security (TLS) Implementations", url: "https://doi.org/10.6028/NIST.SP.800-52r2" };
export const FIPS140_3_IG: PolicyReference = {
  id: "FIPS 140-3 IG",
  title: "Implementation Guidance for FIPS 140-3 and the Cryptographic Module Validation Program (D.Q: TLS 1.2 KDF only with the Extended Master Secret; C.H: AES-GCM IVs)",
  url: "https://csrc.nist.gov/csrc/media/Projects/cryptographic-module-validation-program/documents/fips%20140-3/FIPS%20140-3%20IG.pdf",
};
export const SP800_131A: PolicyReference = { id: "NIST SP 800-131Ar2", title: "Transitioning the Use of Cryptographic Algorithms and Key Lengths", url: "https://doi.org/10.6028/NIST.SP.800-131Ar2" };
export const SP800_56A: PolicyReference = { id: "NIST SP 800-56Ar3", title: "Recommendation for Pair-Wise Key-Establishment Schemes Using Discrete Logarithm Cryptography", url: "https://doi.org/10.6028/NIST.SP.800-56Ar3" };
export const SP800_56C: PolicyReference = { id: "NIST SP 800-56Cr2", title: "Recommendation for Key-Derivation Methods in Key-Establishment Schemes", url: "https://doi.org/10.6028/NIST.SP.800-56Cr2" };
export const SP800_227: PolicyReference = { id: "NIST SP 800-227", title: "Recommendations for Key-Encapsulation Mechanisms", url: "https://doi.org/10.6028/NIST.SP.800-227" };
export const FIPS186_5: PolicyReference = { id: "FIPS 186-5", title: "Digital Signature Standard (DSS)", url: "https://doi.org/10.6028/NIST.FIPS.186-5" };
export const FIPS203: PolicyReference = { id: "FIPS 203", title: "Module-Lattice-Based Key-Encapsulation Mechanism Standard", url: "https://doi.org/10.6028/NIST.FIPS.203" };
export const ECDHE_MLKEM: PolicyReference = { id: "draft-ietf-tls-ecdhe-mlkem", title: "Post-quantum hybrid ECDHE-MLKEM Key Agreement for TLSv1.3", url: "https://datatracker.ietf.org/doc/draft-ietf-tls-ecdhe-mlkem/" };
export const RFC7748: PolicyReference = { id: "RFC 7748", title: "Elliptic Curves for Security", url: "https://www.rfc-editor.org/rfc/rfc7748" };
export const RFC7919: PolicyReference = { id: "RFC 7919", title: "Negotiated Finite Field Diffie-Hellman Ephemeral Parameters for Transport Layer Security (TLS)", url: "https://www.rfc-editor.org/rfc/rfc7919" };
export const RFC8446: PolicyReference = { id: "RFC 8446", title: "The Transport Layer Security (TLS) Protocol Version 1.3", url: "https://www.rfc-editor.org/rfc/rfc8446" };
export const RFC8996: PolicyReference = { id: "RFC 8996", title: "Deprecating TLS 1.0 and TLS 1.1", url: "https://www.rfc-editor.org/rfc/rfc8996" };
export const RFC9151: PolicyReference = { id: "RFC 9151", title: "Commercial National Security Algorithm (CNSA) Suite Profile for TLS and DTLS 1.2 and 1.3", url: "https://www.rfc-editor.org/rfc/rfc9151" };

export const TLS13_AES_GCM = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"];
export const TLS13_CCM = ["TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"];
export const TLS12_ECDHE_GCM = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
];
export const TLS12_ECDHE_CBC = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
];
export const TLS12_DHE = ["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"];
export const TLS12_RSA_KX = [
  "TLS_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_RSA_WITH_AES_256_CBC_SHA256",
  "TLS_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_256_CBC_SHA",
];
export const TDEA = ["TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"];
export const CHACHA = ["TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"];
export const NIST_GROUPS = ["secp256r1", "secp384r1", "secp521r1"];
export const FFDHE = ["ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"];
export const HYBRID_GROUPS = ["X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024"];
export const EDDSA_SCHEMES = ["ed25519", "ed448"];
export const SHA2_SCHEMES = [
  "ecdsa_secp256r1_sha256",
  "ecdsa_secp384r1_sha384",
  "ecdsa_secp521r1_sha512",
  "rsa_pss_rsae_sha256",
  "rsa_pss_rsae_sha384",
  "rsa_pss_rsae_sha512",
  "rsa_pss_pss_sha256",
  "rsa_pss_pss_sha384",
  "rsa_pss_pss_sha512",
  "rsa_pkcs1_sha256",
  "rsa_pkcs1_sha384",
  "rsa_pkcs1_sha512",
];
/** ECDSA and RSA certificate signatures over SHA-2 (the verifier's list, EdDSA aside). */
export const SHA2_CERT_SIGNATURES = CERTIFICATE_SIGNATURES.map((c) => c.name).filter((n) => /SHA(256|384|512)|sha(256|384|512)/.test(n));
export const SHA1_SCHEMES = ["rsa_pkcs1_sha1", "ecdsa_sha1"];
export const SHA1_CERTS = ["sha1WithRSAEncryption", "ecdsa-with-SHA1"];
