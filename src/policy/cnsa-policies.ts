// The cnsa policies (see definitions.ts for how dated policies and aliases work):
import { type Allow, type PolicySpec, makePolicy } from "./policy.js";
import {
  EDDSA_SCHEMES,
  FIPS140_3_IG,
  RFC9151,
  SP800_131A,
  SP800_52R2,
} from "./references.js";

import { FIPS_EXTENSIONS } from "./fips-policies.js";
// cnsa: the CNSA 1.0 profile of RFC 9151. cnsa-20261201 adds the RFC 7919 groups of 3072 bits or more
// (TLS 1.3), which cnsa-20261127 refused while fipstls implemented no finite-field DH.

const CNSA_COMMON = {
  references: [RFC9151, SP800_52R2, FIPS140_3_IG, SP800_131A],
  requireFipsProvider: true,
  requireExtendedMasterSecret: true,
  minRsaBits: 3072,
  certificateCurves: ["P-384"],
  ed25519Keys: false,
} as const;
const CNSA_NO_CNSA2_NOTE =
  "No cnsa-2.0 policy yet: CNSA 2.0 requires ML-KEM-1024 key establishment and ML-DSA-87 signatures, and fipstls has no ML-DSA; a policy under which fipstls could negotiate nothing would not be a policy.";
const CNSA_FFDHE = ["ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"];
const CNSA_ALLOW = {
  version: [{ names: ["TLSv1.2", "TLSv1.3"], rule: "TLS 1.2 (with EMS) or TLS 1.3, the versions RFC 9151 profiles", reference: "RFC 9151; FIPS 140-3 IG D.Q" }],
  cipher_suite: [{ names: ["TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"], rule: "AES-256-GCM with SHA-384 and (TLS 1.2) ECDHE", reference: "RFC 9151 §4" }],
  signature_scheme: [{ names: ["ecdsa_secp384r1_sha384", "rsa_pss_rsae_sha384", "rsa_pss_pss_sha384", "rsa_pkcs1_sha384"], rule: "ECDSA P-384 or RSA >= 3072 with SHA-384", reference: "RFC 9151 §4.2" }],
  certificate_signature: [{ names: ["ecdsa-with-SHA384", "sha384WithRSAEncryption", "rsassa-pss-sha384"], rule: "certificate signed with SHA-384", reference: "RFC 9151 §4.2" }],
  extension: FIPS_EXTENSIONS,
};
const CNSA_P384: Allow = { names: ["secp384r1"], rule: "ECDH on P-384", reference: "RFC 9151 §4.1" };
/** Refusals every cnsa version shares; the ffdhe and TLS 1.2 DHE entries differ between versions. */
const CNSA_REFUSE: PolicySpec["refuse"] = [
  { kind: "version", names: ["TLSv1.0", "TLSv1.1"], rule: "RFC 9151 profiles TLS 1.2 and 1.3 only", reference: "RFC 9151; RFC 8996" },
  {
    kind: "cipher_suite",
    names: ["TLS_RSA_WITH_AES_256_GCM_SHA384"],
    rule: "stricter than RFC 9151 §4.1, which allows RSA key transport with RSA >= 3072: it has no forward secrecy, and PKCS#1 v1.5 key transport is disallowed after 2023",
    reference: "RFC 9151 §4.1; NIST SP 800-131Ar2 §6 (Table 5)",
  },
  { kind: "group", names: ["ffdhe2048"], rule: "below CNSA 1.0's 3072-bit minimum for DH", reference: "RFC 9151 §4.1" },
  {
    kind: "group",
    names: ["SecP384r1MLKEM1024"],
    rule: "not in RFC 9151 (CNSA 1.0 predates ML-KEM): P-384 with ML-KEM-1024 is the natural CNSA 1.0 to 2.0 transition group, left to a future policy",
    reference: "RFC 9151 §4.1",
  },
  { kind: "group", names: ["X25519MLKEM768", "SecP256r1MLKEM768"], rule: "not in RFC 9151, and below CNSA's levels (P-384; ML-KEM-1024 in CNSA 2.0)", reference: "RFC 9151 §4.1" },
  { kind: "signature_scheme", names: EDDSA_SCHEMES, rule: "EdDSA is not a CNSA 1.0 algorithm", reference: "RFC 9151 §4.2" },
];
const CNSA_OTHERWISE: PolicySpec["otherwise"] = {
  version: { rule: "not permitted by the CNSA profile", reference: "RFC 9151" },
  cipher_suite: { rule: "only AES-256-GCM with SHA-384 is permitted", reference: "RFC 9151 §4" },
  group: { rule: "only P-384 is permitted", reference: "RFC 9151 §4.1" },
  signature_scheme: { rule: "only SHA-384 signatures with P-384 or RSA >= 3072 are permitted", reference: "RFC 9151 §4.2" },
  certificate_signature: { rule: "only SHA-384 certificate signatures are permitted", reference: "RFC 9151 §4.2" },
  key: { rule: "CNSA requires P-384 or RSA >= 3072", reference: "RFC 9151 §5" },
  extension: { rule: "not required by this policy", reference: "RFC 9151" },
};

/** cnsa since 2026-12-01: P-384, and in TLS 1.3 the RFC 7919 groups of 3072 bits or more. */
export const CNSA = makePolicy({
  ...CNSA_COMMON,
  id: "cnsa-20261201",
  aliases: ["cnsa"],
  title: "CNSA Suite 1.0 profile for TLS (RFC 9151): P-384 or DH >= 3072 bits, AES-256-GCM, SHA-384, RSA >= 3072; not CNSA 2.0",
  notes: [
    "Key establishment is ECDH on P-384 or, in TLS 1.3, finite-field DH with ffdhe3072, ffdhe4096, ffdhe6144 or ffdhe8192 (RFC 9151 §4.1: DH with a modulus of at least 3072 bits, the RFC 7919 groups), where the provider has them (the node provider; not WebCrypto).",
    "CNSA 1.0 (RFC 9151 §4.1) also allows TLS 1.2 key establishment by DHE with a 3072-bit or larger group and by RSA key transport with RSA >= 3072; this policy refuses both (fipstls implements no TLS 1.2 DHE suites, and RSA key transport has no forward secrecy and is disallowed after 2023 by SP 800-131Ar2).",
    "CNSA 2.0 replaces both ECDH and finite-field DH with ML-KEM-1024 at the end of its transition; until then the CNSA 1.0 algorithms, DH >= 3072 among them, remain what RFC 9151 profiles.",
    CNSA_NO_CNSA2_NOTE,
    "Replaces cnsa-20261127 (still resolvable, with its old decisions), which refused the ffdhe groups.",
  ],
  allow: {
    ...CNSA_ALLOW,
    group: [
      CNSA_P384,
      {
        names: CNSA_FFDHE,
        rule: "finite-field DH with an RFC 7919 group of 3072 bits or more; used in TLS 1.3 only, as fipstls implements no TLS 1.2 DHE suites",
        reference: "RFC 9151 §4.1; RFC 7919",
      },
    ],
  },
  refuse: [
    ...CNSA_REFUSE,
    {
      kind: "cipher_suite",
      names: ["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"],
      rule: "stricter than RFC 9151 §4.1, which allows DHE with a 3072-bit or larger group in TLS 1.2: fipstls implements no TLS 1.2 DHE suites (TLS 1.3 takes the ffdhe groups)",
      reference: "RFC 9151 §4.1",
    },
    { kind: "group", names: ["x25519", "x448"], rule: "not a CNSA 1.0 algorithm: key establishment is ECDH on P-384 or DH of 3072 bits or more", reference: "RFC 9151 §4.1" },
  ],
  otherwise: { ...CNSA_OTHERWISE, group: { rule: "only P-384 and the ffdhe groups of 3072 bits or more are permitted", reference: "RFC 9151 §4.1" } },
});

/** cnsa from 2026-11-27 to 2026-12-01: P-384 only. Kept so that the id keeps its meaning. */
export const CNSA_20261127 = makePolicy({
  ...CNSA_COMMON,
  id: "cnsa-20261127",
  aliases: [],
  title: "CNSA Suite 1.0 profile for TLS (RFC 9151; superseded by cnsa-20261201): P-384, AES-256-GCM, SHA-384, RSA >= 3072; not CNSA 2.0",
  notes: [
    "Superseded: the cnsa alias points at cnsa-20261201, which also allows ffdhe3072 to ffdhe8192 in TLS 1.3.",
    "CNSA 1.0 (RFC 9151 §4.1) also allows TLS 1.2 key establishment by DHE with a 3072-bit or larger group and by RSA key transport with RSA >= 3072; this policy refuses both (fipstls implemented no finite-field DH when it was dated, and RSA key transport has no forward secrecy and is disallowed after 2023 by SP 800-131Ar2).",
    CNSA_NO_CNSA2_NOTE,
  ],
  allow: { ...CNSA_ALLOW, group: [CNSA_P384] },
  refuse: [
    ...CNSA_REFUSE,
    {
      kind: "cipher_suite",
      names: ["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"],
      rule: "stricter than RFC 9151 §4.1, which allows DHE with a 3072-bit or larger group: fipstls implements no TLS 1.2 DHE suites",
      reference: "RFC 9151 §4.1",
    },
    {
      kind: "group",
      names: CNSA_FFDHE,
      rule: "stricter than RFC 9151 §4.1, which allows DH groups of 3072 bits or more: refused in this policy version (fipstls implemented no finite-field DH when it was dated; cnsa-20261201 allows them)",
      reference: "RFC 9151 §4.1",
    },
  ],
  otherwise: CNSA_OTHERWISE,
});
