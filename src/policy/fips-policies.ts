// The fips-140-3 policies (see definitions.ts for how dated policies and aliases work):
import { type Allow, type PolicySpec, makePolicy } from "./policy.js";
import {
  CHACHA,
  ECDHE_MLKEM,
  EDDSA_SCHEMES,
  FFDHE,
  FIPS140_3_IG,
  FIPS186_5,
  FIPS203,
  HYBRID_GROUPS,
  NIST_GROUPS,
  RFC7919,
  RFC8996,
  SHA1_CERTS,
  SHA1_SCHEMES,
  SHA2_CERT_SIGNATURES,
  SHA2_SCHEMES,
  SP800_131A,
  SP800_227,
  SP800_52R2,
  SP800_56A,
  SP800_56C,
  TDEA,
  TLS12_DHE,
  TLS12_ECDHE_CBC,
  TLS12_ECDHE_GCM,
  TLS12_RSA_KX,
  TLS13_AES_GCM,
  TLS13_CCM,
} from "./references.js";


// fips-140-3: NIST SP 800-52r2 for TLS, FIPS 140-3 IG D.Q for the TLS 1.2 KDF, algorithms and key
// sizes from FIPS 186-5 and SP 800-131Ar2. The dated versions share these rules; they differ only
// where a decision changed (EdDSA and the hybrid groups in -20261130, the ffdhe groups in -20261201).

const FIPS_VERSIONS: Allow = {
  names: ["TLSv1.2", "TLSv1.3"],
  rule: "TLS 1.2 shall be supported (with the Extended Master Secret: IG D.Q) and TLS 1.3 shall be supported (agencies by January 1, 2024)",
  reference: "NIST SP 800-52r2 §3.1; FIPS 140-3 IG D.Q",
};
const FIPS_SUITES: Allow = {
  names: [...TLS13_AES_GCM, ...TLS12_ECDHE_GCM],
  rule: "AES-GCM suite (TLS 1.2: with ECDHE), listed by SP 800-52r2",
  reference: "NIST SP 800-52r2 §3.3.1",
};
const FIPS_GROUPS: Allow = { names: NIST_GROUPS, rule: "NIST P-curve approved for ECDH key agreement", reference: "NIST SP 800-56Ar3; NIST SP 800-52r2 §3.4.2.2" };
const FIPS_SCHEMES: Allow = {
  names: SHA2_SCHEMES,
  rule: "ECDSA (P-256, P-384, P-521) or RSA (PSS; PKCS#1 v1.5 where TLS allows it) with SHA-2, keys of at least 112-bit strength",
  reference: "FIPS 186-5; NIST SP 800-131Ar2 §3 (Table 2)",
};
const FIPS_CERT_SIGNATURES: Allow = {
  names: SHA2_CERT_SIGNATURES,
  rule: "certificate signed with ECDSA or RSA over SHA-256 or stronger",
  reference: "FIPS 186-5; NIST SP 800-131Ar2 §3 (Table 2), §9 (Table 8)",
};
export const FIPS_EXTENSIONS: readonly Allow[] = [
  {
    names: ["extended_master_secret"],
    rule: "required extension for TLS 1.2 (the TLS 1.2 KDF is approved only with the Extended Master Secret)",
    reference: "FIPS 140-3 IG D.Q; NIST SP 800-52r2 §3.4.1",
  },
  {
    names: ["renegotiation_info"],
    rule: "required extension for TLS 1.2 (renegotiation indication ties a renegotiation to the connection it renegotiates)",
    reference: "RFC 5746; NIST SP 800-52r2 §3.4.1",
  },
];
const FIPS_REFUSALS: PolicySpec["refuse"] = [
  {
    kind: "version",
    names: ["TLSv1.0"],
    rule: "TLS 1.0 shall not be used by servers of government-only applications (citizen- or business-facing servers may enable it when necessary); refused in every case, as RFC 8996 deprecates it",
    reference: "NIST SP 800-52r2 §3.1; RFC 8996",
  },
  {
    kind: "version",
    names: ["TLSv1.1"],
    rule: "stricter than NIST SP 800-52r2 §3.1 (TLS 1.1 \"should not\" be used, and citizen- or business-facing servers may enable it when necessary): refused outright, as RFC 8996 deprecates it",
    reference: "NIST SP 800-52r2 §3.1; RFC 8996",
  },
  { kind: "cipher_suite", names: CHACHA, rule: "ChaCha20-Poly1305 is not an approved algorithm", reference: "NIST SP 800-52r2 §3.3.1" },
  {
    kind: "cipher_suite",
    names: TLS13_CCM,
    rule: "stricter than NIST SP 800-52r2 §3.3.1, which lists the TLS 1.3 AES-CCM suites: this policy takes AES-GCM only (as rustls-fips and Go's FIPS mode do) and fipstls implements no CCM",
    reference: "NIST SP 800-52r2 §3.3.1",
  },
  {
    kind: "cipher_suite",
    names: TLS12_ECDHE_CBC,
    rule: "stricter than NIST SP 800-52r2 §3.3.1, which lists ECDHE with AES-CBC: this policy takes AEAD suites only (as rustls-fips does) and fipstls implements no CBC",
    reference: "NIST SP 800-52r2 §3.3.1",
  },
  {
    kind: "cipher_suite",
    names: TLS12_DHE,
    rule: "stricter than NIST SP 800-52r2 §3.3.1, which lists DHE_RSA suites: this policy takes ECDHE only in TLS 1.2 and fipstls implements no TLS 1.2 DHE suites (finite-field DH serves TLS 1.3 only, with the RFC 7919 groups)",
    reference: "NIST SP 800-52r2 §3.3.1",
  },
  {
    kind: "cipher_suite",
    names: TLS12_RSA_KX,
    rule: "RSA key transport with PKCS#1 v1.5 padding is disallowed after 2023 (SP 800-52r2 lists these suites only in Appendix D, for a transition)",
    reference: "NIST SP 800-131Ar2 §6 (Table 5); NIST SP 800-52r2 Appendix D",
  },
  { kind: "cipher_suite", names: TDEA, rule: "three-key TDEA encryption is disallowed after 2023", reference: "NIST SP 800-131Ar2 §2 (Table 1)" },
  { kind: "cipher_suite", names: ["TLS_RSA_WITH_RC4_128_SHA"], rule: "RC4 is not an approved algorithm", reference: "NIST SP 800-52r2 §3.3.1" },
  { kind: "cipher_suite", names: ["TLS_RSA_WITH_NULL_SHA256"], rule: "no encryption", reference: "NIST SP 800-52r2 §3.3.1" },
  {
    kind: "group",
    names: ["x25519", "x448"],
    rule: "not approved for key agreement: SP 800-56Ar3 approves the NIST P-curves and the finite-field groups, not X25519 or X448",
    reference: "NIST SP 800-56Ar3; NIST SP 800-52r2 §3.4.2.2",
  },
  {
    kind: "signature_scheme",
    names: SHA1_SCHEMES,
    rule: "SHA-1 signature generation is disallowed (verification is legacy use only), and a TLS peer signs at handshake time",
    reference: "NIST SP 800-131Ar2 §9 (Table 8)",
  },
  {
    kind: "certificate_signature",
    names: SHA1_CERTS,
    rule: "stricter than NIST SP 800-131Ar2 §9 (Table 8) for verification: SHA-1 signature generation is disallowed and verifying one is legacy use only; fipstls refuses them on every certificate it relies upon",
    reference: "NIST SP 800-131Ar2 §9 (Table 8)",
  },
  { kind: "certificate_signature", names: ["md5WithRSAEncryption"], rule: "MD5 is not an approved hash function", reference: "NIST SP 800-131Ar2 §9 (Table 8)" },
];
/** The ffdhe groups as the fips-140-3 versions before fips-140-3-20261201 judged them. */
const FIPS_FFDHE_REFUSED: PolicySpec["refuse"][number] = {
  kind: "group",
  names: FFDHE,
  rule: "stricter than NIST SP 800-52r2 §3.4.2.2 and SP 800-56Ar3, which allow the ffdhe groups: this policy version takes ECDHE on NIST P-curves only, as rustls-fips and Go's FIPS mode do (fipstls implemented no finite-field DH when it was dated; fips-140-3-20261201 allows them)",
  reference: "NIST SP 800-52r2 §3.4.2.2; NIST SP 800-56Ar3",
};
const FIPS_FFDHE: Allow = {
  names: FFDHE,
  rule: "finite-field DH with an RFC 7919 safe-prime group of 2048 bits or more (112-bit strength or more), approved for key agreement; used in TLS 1.3 only, as fipstls implements no TLS 1.2 DHE suites",
  reference: "NIST SP 800-52r2 §3.4.2.2; NIST SP 800-56Ar3 §5.5.2, Appendix D; RFC 7919",
};
const FIPS_HYBRIDS: Allow = {
  names: HYBRID_GROUPS,
  rule: "hybrid key establishment: ML-KEM (FIPS 203) with ECDH, one shared secret into the TLS 1.3 key schedule (SP 800-56Cr2 hybrid Z' = Z || T; SP 800-227); the OpenSSL 3.5 FIPS provider and Go's fips140 offer these groups",
  reference: "FIPS 203; NIST SP 800-56Cr2; NIST SP 800-227; draft-ietf-tls-ecdhe-mlkem",
};
const FIPS_OTHERWISE: PolicySpec["otherwise"] = {
  version: { rule: "not a TLS version this policy knows", reference: "NIST SP 800-52r2 §3.1" },
  cipher_suite: { rule: "not an AES-GCM suite with ephemeral ECDH key exchange", reference: "NIST SP 800-52r2 §3.3.1" },
  group: { rule: "not a NIST P-curve", reference: "NIST SP 800-56Ar3; NIST SP 800-52r2 §3.4.2.2" },
  signature_scheme: { rule: "not an approved signature scheme with SHA-2", reference: "FIPS 186-5; NIST SP 800-131Ar2 §9 (Table 8)" },
  certificate_signature: { rule: "not an approved signature algorithm with SHA-2", reference: "FIPS 186-5; NIST SP 800-131Ar2 §9 (Table 8)" },
  key: { rule: "key below 112-bit security strength", reference: "NIST SP 800-131Ar2 §3 (Table 2); NIST SP 800-52r2 §3.2" },
  extension: { rule: "not required by this policy", reference: "NIST SP 800-52r2 §3.4" },
};
const FIPS_COMMON = {
  requireFipsProvider: true,
  requireExtendedMasterSecret: true,
  minRsaBits: 2048,
  certificateCurves: ["P-256", "P-384", "P-521"],
} as const;

const FIPS_EDDSA_SCHEMES: Allow = { names: EDDSA_SCHEMES, rule: "EdDSA, approved by FIPS 186-5 (SP 800-52r2 predates it); used where the provider offers it", reference: "FIPS 186-5" };
const FIPS_EDDSA_CERTS: Allow = { names: ["ed25519"], rule: "certificate signed with Ed25519, approved by FIPS 186-5", reference: "FIPS 186-5" };
const FIPS_KEY_OTHERWISE = { rule: "key below 112-bit security strength, or not on an approved curve", reference: "NIST SP 800-131Ar2 §3 (Table 2); FIPS 186-5; NIST SP 800-52r2 §3.2" };

/** fips-140-3 since 2026-12-01: as fips-140-3-20261130, and the RFC 7919 ffdhe groups allowed (TLS 1.3). */
export const FIPS_140_3 = makePolicy({
  id: "fips-140-3-20261201",
  aliases: ["fips-140-3"],
  title: "FIPS 140-3: NIST SP 800-52r2 with FIPS 140-3 IG D.Q (AES-GCM, NIST P-curves and ffdhe groups, ECDSA/RSA/EdDSA, SHA-2)",
  references: [SP800_52R2, FIPS140_3_IG, FIPS186_5, SP800_131A, SP800_56A, RFC7919, FIPS203, SP800_56C, SP800_227, ECDHE_MLKEM, RFC8996],
  notes: [
    "Stricter than SP 800-52r2 where a rule says so: no AES-CBC, no AES-CCM, no TLS 1.2 DHE suites (fipstls implements none of them; rustls-fips and Go's FIPS mode make the same choice).",
    "The RFC 7919 groups ffdhe2048 to ffdhe8192 (SP 800-52r2 §3.4.2.2; safe-prime groups of SP 800-56Ar3 Appendix D) are allowed in TLS 1.3, where the provider has them (the node provider; not WebCrypto). They are offered after the elliptic-curve groups and get no key share in a first ClientHello unless asked for; a peer's value must be 1 < Y < p-1 (RFC 8446 §4.2.8.1). X448 stays refused: it is not an SP 800-56Ar3 key-agreement scheme.",
    "The hybrid groups X25519MLKEM768, SecP256r1MLKEM768 and SecP384r1MLKEM1024 are offered where the provider runs ML-KEM and the ECDH part (the node provider on Node >= 24; in OpenSSL's FIPS provider, which refuses X25519, SecP256r1MLKEM768 and SecP384r1MLKEM1024).",
    "Replaces fips-140-3-20261130 (still resolvable, with its old decisions), which refused the ffdhe groups.",
  ],
  ...FIPS_COMMON,
  ed25519Keys: true,
  allow: {
    version: [FIPS_VERSIONS],
    cipher_suite: [FIPS_SUITES],
    group: [FIPS_GROUPS, FIPS_FFDHE, FIPS_HYBRIDS],
    signature_scheme: [FIPS_SCHEMES, FIPS_EDDSA_SCHEMES],
    certificate_signature: [FIPS_CERT_SIGNATURES, FIPS_EDDSA_CERTS],
    extension: FIPS_EXTENSIONS,
  },
  refuse: FIPS_REFUSALS,
  otherwise: {
    ...FIPS_OTHERWISE,
    group: { rule: "neither a NIST P-curve, an RFC 7919 ffdhe group nor an allowed hybrid group", reference: "NIST SP 800-56Ar3; NIST SP 800-52r2 §3.4.2.2" },
    key: FIPS_KEY_OTHERWISE,
  },
});

/** fips-140-3 from 2026-11-30 to 2026-12-01: EdDSA and the hybrid groups allowed, the ffdhe groups refused. Kept so that the id keeps its meaning. */
export const FIPS_140_3_20261130 = makePolicy({
  id: "fips-140-3-20261130",
  aliases: [],
  title: "FIPS 140-3 (superseded by fips-140-3-20261201): NIST SP 800-52r2 with FIPS 140-3 IG D.Q (AES-GCM, NIST P-curves, ECDSA/RSA/EdDSA, SHA-2)",
  references: [SP800_52R2, FIPS140_3_IG, FIPS186_5, SP800_131A, SP800_56A, FIPS203, SP800_56C, SP800_227, ECDHE_MLKEM, RFC8996],
  notes: [
    "Superseded: the fips-140-3 alias points at fips-140-3-20261201, which also allows the RFC 7919 ffdhe groups (TLS 1.3).",
    "Stricter than SP 800-52r2 where a rule says so: no AES-CBC, no AES-CCM, no finite-field DH (rustls-fips and Go's FIPS mode make the same choice).",
    "The hybrid groups X25519MLKEM768, SecP256r1MLKEM768 and SecP384r1MLKEM1024 are offered where the provider runs ML-KEM and the ECDH part (the node provider on Node >= 24; in OpenSSL's FIPS provider, which refuses X25519, SecP256r1MLKEM768 and SecP384r1MLKEM1024).",
    "Replaced fips-140-3-20261127 (still resolvable, with its old decisions), which refused EdDSA and the hybrid groups.",
  ],
  ...FIPS_COMMON,
  ed25519Keys: true,
  allow: {
    version: [FIPS_VERSIONS],
    cipher_suite: [FIPS_SUITES],
    group: [FIPS_GROUPS, FIPS_HYBRIDS],
    signature_scheme: [FIPS_SCHEMES, FIPS_EDDSA_SCHEMES],
    certificate_signature: [FIPS_CERT_SIGNATURES, FIPS_EDDSA_CERTS],
    extension: FIPS_EXTENSIONS,
  },
  refuse: [...FIPS_REFUSALS, FIPS_FFDHE_REFUSED],
  otherwise: { ...FIPS_OTHERWISE, key: FIPS_KEY_OTHERWISE },
});

/** fips-140-3 from 2026-11-27 to 2026-11-30: refuses EdDSA and the hybrid groups. Kept so that the id keeps its meaning. */
export const FIPS_140_3_20261127 = makePolicy({
  id: "fips-140-3-20261127",
  aliases: [],
  title: "FIPS 140-3 (superseded by fips-140-3-20261130): NIST SP 800-52r2 with FIPS 140-3 IG D.Q (AES-GCM, NIST P-curves, ECDSA/RSA, SHA-2)",
  references: [SP800_52R2, FIPS140_3_IG, FIPS186_5, SP800_131A, SP800_56A, RFC8996],
  notes: ["Superseded: fips-140-3-20261130 allowed EdDSA (FIPS 186-5) and the hybrid ML-KEM groups; the fips-140-3 alias now points at fips-140-3-20261201, which also allows the ffdhe groups."],
  ...FIPS_COMMON,
  ed25519Keys: false,
  allow: {
    version: [FIPS_VERSIONS],
    cipher_suite: [FIPS_SUITES],
    group: [FIPS_GROUPS],
    signature_scheme: [FIPS_SCHEMES],
    certificate_signature: [FIPS_CERT_SIGNATURES],
    extension: FIPS_EXTENSIONS,
  },
  refuse: [
    ...FIPS_REFUSALS,
    FIPS_FFDHE_REFUSED,
    { kind: "group", names: HYBRID_GROUPS, rule: "hybrid post-quantum groups are not enabled in this policy version (fips-140-3-20261130 allows them)", reference: "FIPS 203; NIST SP 800-56Cr2" },
    { kind: "signature_scheme", names: EDDSA_SCHEMES, rule: "stricter than FIPS 186-5, which approves EdDSA: refused in this policy version (fips-140-3-20261130 allows it)", reference: "FIPS 186-5" },
    { kind: "certificate_signature", names: ["ed25519"], rule: "stricter than FIPS 186-5, which approves EdDSA: refused in this policy version (fips-140-3-20261130 allows it)", reference: "FIPS 186-5" },
  ],
  otherwise: FIPS_OTHERWISE,
});
