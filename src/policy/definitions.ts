// Named, versioned compliance policies in the style of s2n-tls: a dated id whose meaning (which
// items it allows and refuses) never changes, plus a moving alias. Every allowed or refused item
// carries its rule and reference. The rule text of an old id may be corrected (a wrong citation is
// not a meaning); a changed decision is a new dated id, and the alias moves to it.
//
// References cite the requirement itself. Where fipstls refuses what the text allows, the rule says
// "stricter than <reference>: <reason>" rather than citing the text as if it forbade the item.
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
  RFC8446,
  RFC8996,
  RFC9151,
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

// ---------------------------------------------------------------------------------------------
// fips-140-3: NIST SP 800-52r2 for TLS, FIPS 140-3 IG D.Q for the TLS 1.2 KDF, algorithms and key
// sizes from FIPS 186-5 and SP 800-131Ar2. Both dated versions share these rules; they differ only
// where a decision changed (EdDSA, the hybrid groups).

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
const FIPS_EXTENSIONS: readonly Allow[] = [
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
    rule: "stricter than NIST SP 800-52r2 §3.3.1, which lists DHE_RSA suites: this policy takes ECDHE only and fipstls implements no finite-field DH",
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
    kind: "group",
    names: FFDHE,
    rule: "stricter than NIST SP 800-52r2 §3.4.2.2 and SP 800-56Ar3, which allow the ffdhe groups: this policy takes ECDHE on NIST P-curves only (as rustls-fips and Go's FIPS mode do) and fipstls implements no finite-field DH",
    reference: "NIST SP 800-52r2 §3.4.2.2; NIST SP 800-56Ar3",
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

/** fips-140-3 since 2026-11-30: EdDSA allowed (FIPS 186-5), the hybrid ML-KEM groups recorded as allowed. */
export const FIPS_140_3 = makePolicy({
  id: "fips-140-3-20261130",
  aliases: ["fips-140-3"],
  title: "FIPS 140-3: NIST SP 800-52r2 with FIPS 140-3 IG D.Q (AES-GCM, NIST P-curves, ECDSA/RSA/EdDSA, SHA-2)",
  references: [SP800_52R2, FIPS140_3_IG, FIPS186_5, SP800_131A, SP800_56A, FIPS203, SP800_56C, SP800_227, ECDHE_MLKEM, RFC8996],
  notes: [
    "Stricter than SP 800-52r2 where a rule says so: no AES-CBC, no AES-CCM, no finite-field DH (fipstls implements none of them; rustls-fips and Go's FIPS mode make the same choice).",
    "The hybrid groups X25519MLKEM768, SecP256r1MLKEM768 and SecP384r1MLKEM1024 are offered where the provider runs ML-KEM and the ECDH part (the node provider on Node >= 24; in OpenSSL's FIPS provider, which refuses X25519, SecP256r1MLKEM768 and SecP384r1MLKEM1024).",
    "Replaces fips-140-3-20261127 (still resolvable, with its old decisions), which refused EdDSA and the hybrid groups.",
  ],
  ...FIPS_COMMON,
  ed25519Keys: true,
  allow: {
    version: [FIPS_VERSIONS],
    cipher_suite: [FIPS_SUITES],
    group: [
      FIPS_GROUPS,
      {
        names: HYBRID_GROUPS,
        rule: "hybrid key establishment: ML-KEM (FIPS 203) with ECDH, one shared secret into the TLS 1.3 key schedule (SP 800-56Cr2 hybrid Z' = Z || T; SP 800-227); the OpenSSL 3.5 FIPS provider and Go's fips140 offer these groups",
        reference: "FIPS 203; NIST SP 800-56Cr2; NIST SP 800-227; draft-ietf-tls-ecdhe-mlkem",
      },
    ],
    signature_scheme: [
      FIPS_SCHEMES,
      { names: EDDSA_SCHEMES, rule: "EdDSA, approved by FIPS 186-5 (SP 800-52r2 predates it); used where the provider offers it", reference: "FIPS 186-5" },
    ],
    certificate_signature: [FIPS_CERT_SIGNATURES, { names: ["ed25519"], rule: "certificate signed with Ed25519, approved by FIPS 186-5", reference: "FIPS 186-5" }],
    extension: FIPS_EXTENSIONS,
  },
  refuse: FIPS_REFUSALS,
  otherwise: { ...FIPS_OTHERWISE, key: { rule: "key below 112-bit security strength, or not on an approved curve", reference: "NIST SP 800-131Ar2 §3 (Table 2); FIPS 186-5; NIST SP 800-52r2 §3.2" } },
});

/** fips-140-3 from 2026-11-27 to 2026-11-30: refuses EdDSA and the hybrid groups. Kept so that the id keeps its meaning. */
export const FIPS_140_3_20261127 = makePolicy({
  id: "fips-140-3-20261127",
  aliases: [],
  title: "FIPS 140-3 (superseded by fips-140-3-20261130): NIST SP 800-52r2 with FIPS 140-3 IG D.Q (AES-GCM, NIST P-curves, ECDSA/RSA, SHA-2)",
  references: [SP800_52R2, FIPS140_3_IG, FIPS186_5, SP800_131A, SP800_56A, RFC8996],
  notes: ["Superseded: the fips-140-3 alias points at fips-140-3-20261130, which allows EdDSA (FIPS 186-5) and records the hybrid ML-KEM groups as allowed."],
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
    { kind: "group", names: HYBRID_GROUPS, rule: "hybrid post-quantum groups are not enabled in this policy version (fips-140-3-20261130 allows them)", reference: "FIPS 203; NIST SP 800-56Cr2" },
    { kind: "signature_scheme", names: EDDSA_SCHEMES, rule: "stricter than FIPS 186-5, which approves EdDSA: refused in this policy version (fips-140-3-20261130 allows it)", reference: "FIPS 186-5" },
    { kind: "certificate_signature", names: ["ed25519"], rule: "stricter than FIPS 186-5, which approves EdDSA: refused in this policy version (fips-140-3-20261130 allows it)", reference: "FIPS 186-5" },
  ],
  otherwise: FIPS_OTHERWISE,
});

// ---------------------------------------------------------------------------------------------
// cnsa: the CNSA 1.0 profile of RFC 9151. Its decisions are unchanged since cnsa-20261127; the rule
// texts now say where fipstls is stricter than the RFC.

export const CNSA = makePolicy({
  id: "cnsa-20261127",
  aliases: ["cnsa"],
  title: "CNSA Suite 1.0 profile for TLS (RFC 9151): P-384, AES-256-GCM, SHA-384, RSA >= 3072; not CNSA 2.0",
  references: [RFC9151, SP800_52R2, FIPS140_3_IG, SP800_131A],
  notes: [
    "CNSA 1.0 (RFC 9151 §4.1) also allows TLS 1.2 key establishment by DHE with a 3072-bit or larger group and by RSA key transport with RSA >= 3072; this policy refuses both (fipstls implements no finite-field DH, and RSA key transport has no forward secrecy and is disallowed after 2023 by SP 800-131Ar2).",
    "No cnsa-2.0 policy yet: CNSA 2.0 requires ML-KEM-1024 key establishment and ML-DSA-87 signatures, which fipstls does not implement; a policy under which fipstls could negotiate nothing would not be a policy.",
  ],
  requireFipsProvider: true,
  requireExtendedMasterSecret: true,
  minRsaBits: 3072,
  certificateCurves: ["P-384"],
  ed25519Keys: false,
  allow: {
    version: [{ names: ["TLSv1.2", "TLSv1.3"], rule: "TLS 1.2 (with EMS) or TLS 1.3, the versions RFC 9151 profiles", reference: "RFC 9151; FIPS 140-3 IG D.Q" }],
    cipher_suite: [{ names: ["TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"], rule: "AES-256-GCM with SHA-384 and (TLS 1.2) ECDHE", reference: "RFC 9151 §4" }],
    group: [{ names: ["secp384r1"], rule: "ECDH on P-384", reference: "RFC 9151 §4.1" }],
    signature_scheme: [{ names: ["ecdsa_secp384r1_sha384", "rsa_pss_rsae_sha384", "rsa_pss_pss_sha384", "rsa_pkcs1_sha384"], rule: "ECDSA P-384 or RSA >= 3072 with SHA-384", reference: "RFC 9151 §4.2" }],
    certificate_signature: [{ names: ["ecdsa-with-SHA384", "sha384WithRSAEncryption", "rsassa-pss-sha384"], rule: "certificate signed with SHA-384", reference: "RFC 9151 §4.2" }],
    extension: FIPS_EXTENSIONS,
  },
  refuse: [
    { kind: "version", names: ["TLSv1.0", "TLSv1.1"], rule: "RFC 9151 profiles TLS 1.2 and 1.3 only", reference: "RFC 9151; RFC 8996" },
    {
      kind: "cipher_suite",
      names: ["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"],
      rule: "stricter than RFC 9151 §4.1, which allows DHE with a 3072-bit or larger group: fipstls implements no finite-field DH",
      reference: "RFC 9151 §4.1",
    },
    {
      kind: "cipher_suite",
      names: ["TLS_RSA_WITH_AES_256_GCM_SHA384"],
      rule: "stricter than RFC 9151 §4.1, which allows RSA key transport with RSA >= 3072: it has no forward secrecy, and PKCS#1 v1.5 key transport is disallowed after 2023",
      reference: "RFC 9151 §4.1; NIST SP 800-131Ar2 §6 (Table 5)",
    },
    {
      kind: "group",
      names: ["ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"],
      rule: "stricter than RFC 9151 §4.1, which allows DH groups of 3072 bits or more: fipstls implements no finite-field DH",
      reference: "RFC 9151 §4.1",
    },
    { kind: "group", names: ["ffdhe2048"], rule: "below CNSA 1.0's 3072-bit minimum for DH", reference: "RFC 9151 §4.1" },
    {
      kind: "group",
      names: ["SecP384r1MLKEM1024"],
      rule: "not in RFC 9151 (CNSA 1.0 predates ML-KEM): P-384 with ML-KEM-1024 is the natural CNSA 1.0 to 2.0 transition group, left to a future policy; fipstls does not implement ML-KEM yet",
      reference: "RFC 9151 §4.1",
    },
    { kind: "group", names: ["X25519MLKEM768", "SecP256r1MLKEM768"], rule: "not in RFC 9151, and below CNSA's levels (P-384; ML-KEM-1024 in CNSA 2.0)", reference: "RFC 9151 §4.1" },
    { kind: "signature_scheme", names: EDDSA_SCHEMES, rule: "EdDSA is not a CNSA 1.0 algorithm", reference: "RFC 9151 §4.2" },
  ],
  otherwise: {
    version: { rule: "not permitted by the CNSA profile", reference: "RFC 9151" },
    cipher_suite: { rule: "only AES-256-GCM with SHA-384 is permitted", reference: "RFC 9151 §4" },
    group: { rule: "only P-384 is permitted", reference: "RFC 9151 §4.1" },
    signature_scheme: { rule: "only SHA-384 signatures with P-384 or RSA >= 3072 are permitted", reference: "RFC 9151 §4.2" },
    certificate_signature: { rule: "only SHA-384 certificate signatures are permitted", reference: "RFC 9151 §4.2" },
    key: { rule: "CNSA requires P-384 or RSA >= 3072", reference: "RFC 9151 §5" },
    extension: { rule: "not required by this policy", reference: "RFC 9151" },
  },
});

// ---------------------------------------------------------------------------------------------
// default: modern TLS without a compliance regime.

const DEFAULT_SPEC = {
  aliases: [] as readonly string[],
  references: [RFC8446, RFC8996, SP800_131A],
  requireFipsProvider: false,
  requireExtendedMasterSecret: false,
  minRsaBits: 2048,
  certificateCurves: ["P-256", "P-384", "P-521"],
  ed25519Keys: true,
} as const;
const DEFAULT_ALLOW = {
  version: [{ names: ["TLSv1.2", "TLSv1.3"], rule: "current TLS versions", reference: "RFC 8996" }],
  cipher_suite: [{ names: [...TLS13_AES_GCM, ...TLS12_ECDHE_GCM, ...CHACHA], rule: "AEAD suite with forward secrecy", reference: "RFC 8446 §9.1" }],
  group: [{ names: [...NIST_GROUPS, "x25519"], rule: "modern elliptic-curve group", reference: "RFC 8446 §9.1" }],
  signature_scheme: [{ names: [...SHA2_SCHEMES, "ed25519"], rule: "signature with SHA-2 or EdDSA", reference: "RFC 8446 §9.1" }],
  extension: [{ names: ["extended_master_secret", "renegotiation_info"], rule: "recommended extension", reference: "RFC 7627; RFC 5746" }],
} as const;
const DEFAULT_REFUSE: PolicySpec["refuse"] = [
  { kind: "version", names: ["TLSv1.0", "TLSv1.1"], rule: "deprecated", reference: "RFC 8996" },
  { kind: "signature_scheme", names: SHA1_SCHEMES, rule: "SHA-1 signatures are broken (generation disallowed)", reference: "NIST SP 800-131Ar2 §9 (Table 8)" },
  { kind: "certificate_signature", names: [...SHA1_CERTS, "md5WithRSAEncryption"], rule: "SHA-1 and MD5 certificate signatures are broken", reference: "NIST SP 800-131Ar2 §9 (Table 8)" },
];
const DEFAULT_OTHERWISE: PolicySpec["otherwise"] = {
  version: { rule: "unknown version", reference: "RFC 8446" },
  cipher_suite: { rule: "not an AEAD suite with forward secrecy", reference: "RFC 8446 §9.1" },
  group: { rule: "not implemented by fipstls", reference: "RFC 8446 §4.2.7" },
  signature_scheme: { rule: "not implemented by fipstls", reference: "RFC 8446 §4.2.3" },
  certificate_signature: { rule: "not implemented by fipstls", reference: "RFC 5280" },
  key: { rule: "key below 112-bit security strength", reference: "NIST SP 800-131Ar2 §3 (Table 2)" },
  extension: { rule: "not required", reference: "RFC 8446" },
};

const DEFAULT_CERTIFICATE_SIGNATURES = [{ names: [...SHA2_CERT_SIGNATURES, "ed25519"], rule: "certificate signed with SHA-2 or EdDSA", reference: "NIST SP 800-131Ar2 §9 (Table 8); FIPS 186-5" }];

/** default since 2026-11-30 with the hybrid post-quantum groups, offered first where the provider runs ML-KEM. */
export const DEFAULT = makePolicy({
  ...DEFAULT_SPEC,
  id: "default-20261130-pq",
  aliases: ["default"],
  title: "fipstls defaults: TLS 1.2/1.3, AEAD suites with forward secrecy, hybrid ML-KEM and elliptic-curve groups, SHA-2 and EdDSA signatures, RSA >= 2048",
  notes: [
    "The hybrid post-quantum groups come first where the provider runs ML-KEM (the node provider on Node >= 24).",
    "Replaces default-20261130 (still resolvable), which has the same decisions but for the hybrid groups, which it refuses.",
  ],
  allow: {
    ...DEFAULT_ALLOW,
    group: [
      ...DEFAULT_ALLOW.group,
      {
        names: HYBRID_GROUPS,
        rule: "hybrid post-quantum key exchange: ML-KEM (FIPS 203) with ECDH, secure if either part is",
        reference: "draft-ietf-tls-ecdhe-mlkem; FIPS 203",
      },
    ],
    certificate_signature: DEFAULT_CERTIFICATE_SIGNATURES,
  },
  refuse: DEFAULT_REFUSE,
  otherwise: DEFAULT_OTHERWISE,
});

/** default from 2026-11-30, before the hybrid groups: accepts Ed25519-signed certificates, as its rule always said. */
export const DEFAULT_20261130 = makePolicy({
  ...DEFAULT_SPEC,
  id: "default-20261130",
  title: "fipstls defaults (superseded by default-20261130-pq): TLS 1.2/1.3, AEAD suites with forward secrecy, SHA-2 and EdDSA signatures, RSA >= 2048",
  notes: [
    "Superseded: default-20261130-pq also allows the hybrid post-quantum groups; this version refuses them.",
    "Replaces default-20261127 (still resolvable), which refused Ed25519-signed certificates although its rule named EdDSA.",
  ],
  allow: { ...DEFAULT_ALLOW, certificate_signature: DEFAULT_CERTIFICATE_SIGNATURES },
  refuse: DEFAULT_REFUSE,
  otherwise: DEFAULT_OTHERWISE,
});

/** default from 2026-11-27 to 2026-11-30; kept with its decisions, one of which was an omission. */
export const DEFAULT_20261127 = makePolicy({
  ...DEFAULT_SPEC,
  id: "default-20261127",
  title: "fipstls defaults (superseded by default-20261130): TLS 1.2/1.3, AEAD suites with forward secrecy, SHA-2 signatures, RSA >= 2048",
  notes: ["Superseded: this version refuses Ed25519-signed certificates; default-20261130 accepts them."],
  allow: { ...DEFAULT_ALLOW, certificate_signature: [{ names: SHA2_CERT_SIGNATURES, rule: "certificate signed with SHA-2", reference: "NIST SP 800-131Ar2 §9 (Table 8)" }] },
  refuse: [
    ...DEFAULT_REFUSE,
    { kind: "certificate_signature", names: ["ed25519"], rule: "not in this policy version's list (an omission; default-20261130 accepts Ed25519-signed certificates)", reference: "fipstls default-20261130" },
  ],
  otherwise: DEFAULT_OTHERWISE,
});
