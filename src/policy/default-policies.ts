// The default policies (see definitions.ts for how dated policies and aliases work):
import { type Allow, type PolicySpec, makePolicy } from "./policy.js";
import {
  CHACHA,
  FFDHE,
  HYBRID_GROUPS,
  NIST_GROUPS,
  RFC7748,
  RFC7919,
  RFC8446,
  RFC8996,
  SHA1_CERTS,
  SHA1_SCHEMES,
  SHA2_CERT_SIGNATURES,
  SHA2_SCHEMES,
  SP800_131A,
  TLS12_ECDHE_GCM,
  TLS13_AES_GCM,
} from "./references.js";


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
const DEFAULT_HYBRIDS: Allow = {
  names: HYBRID_GROUPS,
  rule: "hybrid post-quantum key exchange: ML-KEM (FIPS 203) with ECDH, secure if either part is",
  reference: "draft-ietf-tls-ecdhe-mlkem; FIPS 203",
};
/** X448 and the ffdhe groups as the default versions before default-20261201 judged them. */
const DEFAULT_X448_FFDHE_REFUSED: PolicySpec["refuse"][number] = {
  kind: "group",
  names: ["x448", ...FFDHE],
  rule: "not in this policy version (fipstls implemented neither X448 nor finite-field DH when it was dated; default-20261201 allows them)",
  reference: "RFC 8446 §4.2.7",
};

/** default since 2026-12-01: default-20261130-pq's decisions, and X448 and the RFC 7919 ffdhe groups (TLS 1.3), offered last. */
export const DEFAULT = makePolicy({
  ...DEFAULT_SPEC,
  id: "default-20261201",
  aliases: ["default"],
  title: "fipstls defaults: TLS 1.2/1.3, AEAD suites with forward secrecy, hybrid ML-KEM, elliptic-curve and ffdhe groups, SHA-2 and EdDSA signatures, RSA >= 2048",
  references: [...DEFAULT_SPEC.references, RFC7748, RFC7919],
  notes: [
    "The hybrid post-quantum groups come first where the provider runs ML-KEM (the node provider on Node >= 24).",
    "X448 and the RFC 7919 groups ffdhe2048 to ffdhe8192 come last, where the provider has them (the node provider; not WebCrypto). The ffdhe groups serve TLS 1.3 only (fipstls has no TLS 1.2 DHE suites), are offered in supported_groups, and get no key share in a first ClientHello unless asked for: a server that wants one asks with a HelloRetryRequest.",
    "Replaces default-20261130-pq (still resolvable), which has the same decisions but for X448 and the ffdhe groups, which it refuses; the -pq suffix marked the hybrid groups against default-20261130, and this version has them too.",
  ],
  allow: {
    ...DEFAULT_ALLOW,
    group: [
      ...DEFAULT_ALLOW.group,
      DEFAULT_HYBRIDS,
      { names: ["x448"], rule: "elliptic-curve group (X448, about 224-bit strength)", reference: "RFC 8446 §4.2.7; RFC 7748" },
      {
        names: FFDHE,
        rule: "finite-field DH with an RFC 7919 group (2048 bits or more); TLS 1.3 only, as fipstls implements no TLS 1.2 DHE suites",
        reference: "RFC 8446 §4.2.7; RFC 7919",
      },
    ],
    certificate_signature: DEFAULT_CERTIFICATE_SIGNATURES,
  },
  refuse: DEFAULT_REFUSE,
  otherwise: DEFAULT_OTHERWISE,
});

/** default from 2026-11-30 to 2026-12-01 with the hybrid post-quantum groups. Kept so that the id keeps its meaning. */
export const DEFAULT_20261130_PQ = makePolicy({
  ...DEFAULT_SPEC,
  id: "default-20261130-pq",
  title: "fipstls defaults (superseded by default-20261201): TLS 1.2/1.3, AEAD suites with forward secrecy, hybrid ML-KEM and elliptic-curve groups, SHA-2 and EdDSA signatures, RSA >= 2048",
  notes: [
    "Superseded: the default alias points at default-20261201, which also allows X448 and the ffdhe groups; this version refuses them.",
    "The hybrid post-quantum groups come first where the provider runs ML-KEM (the node provider on Node >= 24).",
    "Replaced default-20261130 (still resolvable), which has the same decisions but for the hybrid groups, which it refuses.",
  ],
  allow: {
    ...DEFAULT_ALLOW,
    group: [...DEFAULT_ALLOW.group, DEFAULT_HYBRIDS],
    certificate_signature: DEFAULT_CERTIFICATE_SIGNATURES,
  },
  refuse: [...DEFAULT_REFUSE, DEFAULT_X448_FFDHE_REFUSED],
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
  refuse: [...DEFAULT_REFUSE, DEFAULT_X448_FFDHE_REFUSED],
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
    DEFAULT_X448_FFDHE_REFUSED,
    { kind: "certificate_signature", names: ["ed25519"], rule: "not in this policy version's list (an omission; default-20261130 accepts Ed25519-signed certificates)", reference: "fipstls default-20261130" },
  ],
  otherwise: DEFAULT_OTHERWISE,
});
