// Named, versioned compliance policies in the style of s2n-tls: a dated id that never changes
// meaning, plus a moving alias. Every allowed or refused item carries its rule and reference.
import type { CurveName } from "../crypto/provider.js";
import { CERTIFICATE_SIGNATURE_ALGORITHMS, type VerificationPolicy } from "../verify/policy.js";
import { CERTIFICATE_SIGNATURES, CIPHER_SUITES, type CatalogItem, EXTENSIONS, GROUPS, type ItemKind, SIGNATURE_SCHEMES, VERSIONS } from "./catalog.js";

export type Decision = "allowed" | "refused";

export interface Judgement {
  readonly decision: Decision;
  readonly rule: string;
  readonly reference: string;
}

export interface PolicyReference {
  readonly id: string;
  readonly title: string;
  readonly url: string;
}

export interface Policy {
  /** Dated id; its meaning never changes. */
  readonly id: string;
  /** Moving names that point at this id today. */
  readonly aliases: readonly string[];
  readonly title: string;
  readonly references: readonly PolicyReference[];
  /** Whether building a config requires a provider that attests FIPS mode (Node entry points). */
  readonly requireFipsProvider: boolean;
  /** TLS 1.2 only with the Extended Master Secret (RFC 7627). */
  readonly requireExtendedMasterSecret: boolean;
  /** Smallest RSA modulus accepted for our and the peer's certificates. */
  readonly minRsaBits: number;
  /** EC curves accepted for certificate keys. */
  readonly certificateCurves: readonly string[];
  /** Whether Ed25519 certificate keys are accepted. */
  readonly ed25519Keys: boolean;
  judge(kind: ItemKind, name: string): Judgement;
}

interface Rule {
  readonly rule: string;
  readonly reference: string;
}

interface PolicySpec {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly title: string;
  readonly references: readonly PolicyReference[];
  readonly requireFipsProvider: boolean;
  readonly requireExtendedMasterSecret: boolean;
  readonly minRsaBits: number;
  readonly certificateCurves: readonly string[];
  readonly ed25519Keys: boolean;
  /** Allowed names per kind, with the rule that allows them. */
  readonly allow: Partial<Record<ItemKind, { readonly names: readonly string[] } & Rule>>;
  /** Specific refusals with their own reasons; anything else not allowed gets `otherwise`. */
  readonly refuse: readonly ({ readonly kind: ItemKind; readonly names: readonly string[] } & Rule)[];
  readonly otherwise: Record<ItemKind, Rule>;
}

function makePolicy(spec: PolicySpec): Policy {
  return {
    id: spec.id,
    aliases: spec.aliases,
    title: spec.title,
    references: spec.references,
    requireFipsProvider: spec.requireFipsProvider,
    requireExtendedMasterSecret: spec.requireExtendedMasterSecret,
    minRsaBits: spec.minRsaBits,
    certificateCurves: spec.certificateCurves,
    ed25519Keys: spec.ed25519Keys,
    judge(kind, name) {
      const allow = spec.allow[kind];
      if (allow?.names.includes(name)) return { decision: "allowed", rule: allow.rule, reference: allow.reference };
      const specific = spec.refuse.find((r) => r.kind === kind && r.names.includes(name));
      const why = specific ?? spec.otherwise[kind];
      return { decision: "refused", rule: why.rule, reference: why.reference };
    },
  };
}

const SP800_52R2: PolicyReference = { id: "NIST SP 800-52r2", title: "Guidelines for the Selection, Configuration, and Use of TLS Implementations", url: "https://doi.org/10.6028/NIST.SP.800-52r2" };
const IG_DQ: PolicyReference = { id: "FIPS 140-3 IG D.Q", title: "Implementation Guidance for FIPS 140-3, D.Q (TLS 1.2 KDF with Extended Master Secret)", url: "https://csrc.nist.gov/projects/cryptographic-module-validation-program/fips-140-3-ig-announcements" };
const SP800_131A: PolicyReference = { id: "NIST SP 800-131Ar2", title: "Transitioning the Use of Cryptographic Algorithms and Key Lengths", url: "https://doi.org/10.6028/NIST.SP.800-131Ar2" };
const SP800_56A: PolicyReference = { id: "NIST SP 800-56Ar3", title: "Pair-Wise Key-Establishment Schemes Using Discrete Logarithm Cryptography", url: "https://doi.org/10.6028/NIST.SP.800-56Ar3" };
const RFC8446: PolicyReference = { id: "RFC 8446", title: "The Transport Layer Security (TLS) Protocol Version 1.3", url: "https://www.rfc-editor.org/rfc/rfc8446" };
const RFC8996: PolicyReference = { id: "RFC 8996", title: "Deprecating TLS 1.0 and TLS 1.1", url: "https://www.rfc-editor.org/rfc/rfc8996" };
const RFC9151: PolicyReference = { id: "RFC 9151", title: "Commercial National Security Algorithm (CNSA) Suite Profile for TLS and DTLS 1.2 and 1.3", url: "https://www.rfc-editor.org/rfc/rfc9151" };

const TLS13_AES_GCM = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"];
const TLS12_ECDHE_GCM = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
];
const CHACHA = ["TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"];
const NIST_GROUPS = ["secp256r1", "secp384r1", "secp521r1"];
const SHA2_SCHEMES = [
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
const SHA2_CERT_SIGNATURES = CERTIFICATE_SIGNATURES.map((c) => c.name).filter((n) => /SHA(256|384|512)|sha(256|384|512)/.test(n));
const SHA1_OR_WORSE = { schemes: ["rsa_pkcs1_sha1", "ecdsa_sha1"], certs: ["sha1WithRSAEncryption", "ecdsa-with-SHA1", "md5WithRSAEncryption"] };

export const FIPS_140_3 = makePolicy({
  id: "fips-140-3-20261127",
  aliases: ["fips-140-3"],
  title: "FIPS 140-3: NIST SP 800-52 Rev. 2 with FIPS 140-3 IG D.Q (AES-GCM, NIST P-curves, SHA-2)",
  references: [SP800_52R2, IG_DQ, SP800_131A, SP800_56A],
  requireFipsProvider: true,
  requireExtendedMasterSecret: true,
  minRsaBits: 2048,
  certificateCurves: ["P-256", "P-384", "P-521"],
  ed25519Keys: false,
  allow: {
    version: { names: ["TLSv1.2", "TLSv1.3"], rule: "TLS 1.2 shall and TLS 1.3 should be supported (TLS 1.2 only with EMS)", reference: "NIST SP 800-52r2 §3.1; FIPS 140-3 IG D.Q" },
    cipher_suite: { names: [...TLS13_AES_GCM, ...TLS12_ECDHE_GCM], rule: "AEAD suite built only from approved algorithms (ECDHE, AES-GCM, SHA-2)", reference: "NIST SP 800-52r2 §3.3.1" },
    group: { names: NIST_GROUPS, rule: "NIST P-curve approved for ECDH key agreement", reference: "NIST SP 800-52r2 §3.4.2.2; NIST SP 800-56Ar3" },
    signature_scheme: { names: SHA2_SCHEMES, rule: "ECDSA or RSA (PSS, PKCS#1 v1.5 where TLS allows it) with SHA-2", reference: "NIST SP 800-52r2 §3.3.2; FIPS 186-5" },
    certificate_signature: { names: SHA2_CERT_SIGNATURES.filter((n) => n !== "ed25519"), rule: "certificate signed with ECDSA or RSA over SHA-256 or stronger", reference: "NIST SP 800-52r2 §3.2; NIST SP 800-131Ar2 §3" },
    extension: { names: ["extended_master_secret", "renegotiation_info"], rule: "required extension for TLS 1.2", reference: "FIPS 140-3 IG D.Q; NIST SP 800-52r2 §3.4.1" },
  },
  refuse: [
    { kind: "version", names: ["TLSv1.0"], rule: "TLS 1.0 shall not be used", reference: "NIST SP 800-52r2 §3.1" },
    { kind: "version", names: ["TLSv1.1"], rule: "TLS 1.1 should not be used", reference: "NIST SP 800-52r2 §3.1" },
    { kind: "cipher_suite", names: CHACHA, rule: "ChaCha20-Poly1305 is not an approved algorithm", reference: "NIST SP 800-52r2 §3.3.1" },
    { kind: "cipher_suite", names: ["TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"], rule: "approved, but this policy allows AES-GCM suites only (as rustls-fips and Go's FIPS mode do)", reference: "NIST SP 800-52r2 §3.3.1" },
    { kind: "group", names: ["x25519", "x448"], rule: "not an approved key-agreement group (SP 800-56A r3 lists NIST curves and FFDHE only)", reference: "NIST SP 800-56Ar3; NIST SP 800-52r2 §3.4.2.2" },
    { kind: "group", names: ["ffdhe2048", "ffdhe3072"], rule: "approved, but this policy allows ECDHE on NIST P-curves only (as rustls-fips and Go's FIPS mode do)", reference: "NIST SP 800-52r2 §3.4.2.2; NIST SP 800-56Ar3" },
    { kind: "group", names: ["X25519MLKEM768", "SecP256r1MLKEM768"], rule: "hybrid post-quantum groups are not enabled in this policy version", reference: "NIST SP 800-56Cr2; FIPS 203" },
    { kind: "signature_scheme", names: ["ed25519", "ed448"], rule: "EdDSA is approved by FIPS 186-5 but not listed by SP 800-52r2; refused until a TLS guideline cites it", reference: "NIST SP 800-52r2 §3.3.2; FIPS 186-5" },
    { kind: "signature_scheme", names: SHA1_OR_WORSE.schemes, rule: "SHA-1 signatures are disallowed", reference: "NIST SP 800-131Ar2 §3" },
    { kind: "certificate_signature", names: SHA1_OR_WORSE.certs, rule: "SHA-1 and MD5 certificate signatures are disallowed", reference: "NIST SP 800-131Ar2 §3; NIST SP 800-52r2 §3.2" },
    { kind: "certificate_signature", names: ["ed25519"], rule: "EdDSA certificates are not in SP 800-52r2", reference: "NIST SP 800-52r2 §3.2" },
  ],
  otherwise: {
    version: { rule: "not a TLS version this policy knows", reference: "NIST SP 800-52r2 §3.1" },
    cipher_suite: { rule: "not an AES-GCM suite with ephemeral ECDH key exchange", reference: "NIST SP 800-52r2 §3.3.1" },
    group: { rule: "not a NIST P-curve", reference: "NIST SP 800-52r2 §3.4.2.2" },
    signature_scheme: { rule: "not ECDSA or RSA with SHA-2", reference: "NIST SP 800-52r2 §3.3.2" },
    certificate_signature: { rule: "not ECDSA or RSA with SHA-2", reference: "NIST SP 800-52r2 §3.2" },
    key: { rule: "key below 112-bit security strength", reference: "NIST SP 800-131Ar2 §2; NIST SP 800-52r2 §3.2" },
    extension: { rule: "not required by this policy", reference: "NIST SP 800-52r2 §3.4" },
  },
});

export const CNSA = makePolicy({
  id: "cnsa-20261127",
  aliases: ["cnsa"],
  title: "CNSA Suite 1.0 profile for TLS (RFC 9151): P-384, AES-256-GCM, SHA-384, RSA >= 3072",
  references: [RFC9151, SP800_52R2, IG_DQ],
  requireFipsProvider: true,
  requireExtendedMasterSecret: true,
  minRsaBits: 3072,
  certificateCurves: ["P-384"],
  ed25519Keys: false,
  allow: {
    version: { names: ["TLSv1.2", "TLSv1.3"], rule: "TLS 1.2 (with EMS) or TLS 1.3", reference: "RFC 9151 §4; FIPS 140-3 IG D.Q" },
    cipher_suite: { names: ["TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"], rule: "AES-256-GCM with SHA-384", reference: "RFC 9151 §5" },
    group: { names: ["secp384r1"], rule: "ECDH on P-384", reference: "RFC 9151 §6" },
    signature_scheme: { names: ["ecdsa_secp384r1_sha384", "rsa_pss_rsae_sha384", "rsa_pss_pss_sha384", "rsa_pkcs1_sha384"], rule: "ECDSA P-384 or RSA >= 3072 with SHA-384", reference: "RFC 9151 §7" },
    certificate_signature: { names: ["ecdsa-with-SHA384", "sha384WithRSAEncryption", "rsassa-pss-sha384"], rule: "certificate signed with SHA-384", reference: "RFC 9151 §7" },
    extension: { names: ["extended_master_secret", "renegotiation_info"], rule: "required extension for TLS 1.2", reference: "FIPS 140-3 IG D.Q; NIST SP 800-52r2 §3.4.1" },
  },
  refuse: [{ kind: "version", names: ["TLSv1.0", "TLSv1.1"], rule: "older TLS versions are not permitted", reference: "RFC 9151 §4" }],
  otherwise: {
    version: { rule: "not permitted by the CNSA profile", reference: "RFC 9151 §4" },
    cipher_suite: { rule: "only AES-256-GCM with SHA-384 is permitted", reference: "RFC 9151 §5" },
    group: { rule: "only P-384 is permitted", reference: "RFC 9151 §6" },
    signature_scheme: { rule: "only SHA-384 signatures with P-384 or RSA >= 3072 are permitted", reference: "RFC 9151 §7" },
    certificate_signature: { rule: "only SHA-384 certificate signatures are permitted", reference: "RFC 9151 §7" },
    key: { rule: "CNSA requires P-384 or RSA >= 3072", reference: "RFC 9151 §7" },
    extension: { rule: "not required by this policy", reference: "RFC 9151" },
  },
});

export const DEFAULT = makePolicy({
  id: "default-20261127",
  aliases: ["default"],
  title: "fipstls defaults: TLS 1.2/1.3, AEAD suites with forward secrecy, SHA-2 signatures, RSA >= 2048",
  references: [RFC8446, RFC8996, SP800_131A],
  requireFipsProvider: false,
  requireExtendedMasterSecret: false,
  minRsaBits: 2048,
  certificateCurves: ["P-256", "P-384", "P-521"],
  ed25519Keys: true,
  allow: {
    version: { names: ["TLSv1.2", "TLSv1.3"], rule: "current TLS versions", reference: "RFC 8996" },
    cipher_suite: { names: [...TLS13_AES_GCM, ...TLS12_ECDHE_GCM, ...CHACHA], rule: "AEAD suite with forward secrecy", reference: "RFC 8446 §9.1" },
    group: { names: [...NIST_GROUPS, "x25519"], rule: "modern elliptic-curve group", reference: "RFC 8446 §9.1" },
    signature_scheme: { names: [...SHA2_SCHEMES, "ed25519"], rule: "signature with SHA-2 or EdDSA", reference: "RFC 8446 §9.1" },
    certificate_signature: { names: SHA2_CERT_SIGNATURES, rule: "certificate signed with SHA-2 or EdDSA", reference: "NIST SP 800-131Ar2 §3" },
    extension: { names: ["extended_master_secret", "renegotiation_info"], rule: "recommended extension", reference: "RFC 7627; RFC 5746" },
  },
  refuse: [
    { kind: "version", names: ["TLSv1.0", "TLSv1.1"], rule: "deprecated", reference: "RFC 8996" },
    { kind: "signature_scheme", names: SHA1_OR_WORSE.schemes, rule: "SHA-1 signatures are broken", reference: "NIST SP 800-131Ar2 §3" },
    { kind: "certificate_signature", names: SHA1_OR_WORSE.certs, rule: "SHA-1 and MD5 certificate signatures are broken", reference: "NIST SP 800-131Ar2 §3" },
  ],
  otherwise: {
    version: { rule: "unknown version", reference: "RFC 8446" },
    cipher_suite: { rule: "not an AEAD suite with forward secrecy", reference: "RFC 8446 §9.1" },
    group: { rule: "not implemented by fipstls", reference: "RFC 8446 §4.2.7" },
    signature_scheme: { rule: "not implemented by fipstls", reference: "RFC 8446 §4.2.3" },
    certificate_signature: { rule: "not implemented by fipstls", reference: "RFC 5280" },
    key: { rule: "key below 112-bit security strength", reference: "NIST SP 800-131Ar2 §2" },
    extension: { rule: "not required", reference: "RFC 8446" },
  },
});

export const POLICIES: readonly Policy[] = [DEFAULT, FIPS_140_3, CNSA];

export type PolicyName = "default" | "fips-140-3" | "cnsa" | (string & {});

/** Resolves a dated id or an alias; throws a TypeError listing the known names otherwise. */
export function policyByName(name: PolicyName): Policy {
  const found = POLICIES.find((p) => p.id === name || p.aliases.includes(name));
  if (!found) {
    const known = POLICIES.flatMap((p) => [...p.aliases, p.id]).join(", ");
    throw new TypeError(`unknown policy "${name}" (known: ${known})`);
  }
  return found;
}

/** Judges a certificate key: RSA by modulus size, EC by curve, Ed25519 by the policy's choice. */
export function judgeKey(policy: Policy, key: { type: string; curve?: string; modulusBits?: number }): Judgement & { name: string } {
  const name = key.type === "ec" ? `ec-${key.curve}` : key.type.startsWith("rsa") ? `${key.type}-${key.modulusBits}` : key.type;
  const ok =
    key.type === "ec" ? policy.certificateCurves.includes(key.curve ?? "") :
    key.type === "rsa" || key.type === "rsa-pss" ? (key.modulusBits ?? 0) >= policy.minRsaBits :
    key.type === "ed25519" ? policy.ed25519Keys : false;
  const what =
    key.type === "ec" ? `curve must be one of ${policy.certificateCurves.join(", ")}` :
    key.type.startsWith("rsa") ? `RSA modulus must be at least ${policy.minRsaBits} bits` :
    key.type === "ed25519" ? (policy.ed25519Keys ? "Ed25519 keys allowed" : "Ed25519 keys are not allowed by this policy") : "unknown key type";
  const refusal = policy.judge("key", name);
  return ok
    ? { name, decision: "allowed", rule: what, reference: refusal.reference }
    : { name, decision: "refused", rule: what, reference: refusal.reference };
}

/** Every catalog item of one kind, judged. */
export function judgeAll(policy: Policy, items: readonly CatalogItem[]): (CatalogItem & Judgement)[] {
  return items.map((i) => ({ ...i, ...policy.judge(i.kind, i.name) }));
}

export const CATALOG = { VERSIONS, CIPHER_SUITES, GROUPS, SIGNATURE_SCHEMES, CERTIFICATE_SIGNATURES, EXTENSIONS };

/** The certificate rules of a policy, in the form the verifier takes (src/verify/policy.ts). */
export function verificationPolicyFor(policy: Policy): VerificationPolicy {
  return {
    allowedSignatureAlgorithms: CERTIFICATE_SIGNATURE_ALGORITHMS.filter((n) => policy.judge("certificate_signature", n).decision === "allowed"),
    minRsaModulusBits: policy.minRsaBits,
    allowedCurves: CURVES.filter((c) => policy.certificateCurves.includes(c)),
    allowEd25519Keys: policy.ed25519Keys,
    // A trust anchor's self-signature is never relied upon (RFC 5280 6.1), so its algorithm is not judged.
    allowSha1OnAnchors: true,
  };
}

const CURVES: readonly CurveName[] = ["P-256", "P-384", "P-521"];
