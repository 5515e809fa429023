// Named, versioned compliance policies: resolved by dated id or alias, and the judgements every
// report and config shares (keys, catalog items, the verifier's certificate rules). The policies
// themselves are in definitions.ts, the mechanism in policy.ts.
import type { CurveName } from "../crypto/provider.js";
import { CERTIFICATE_SIGNATURE_ALGORITHMS, type VerificationPolicy } from "../verify/policy.js";
import { CERTIFICATE_SIGNATURES, CIPHER_SUITES, type CatalogItem, EXTENSIONS, GROUPS, SIGNATURE_SCHEMES, VERSIONS } from "./catalog.js";
import { CNSA, CNSA_20261127, DEFAULT, DEFAULT_20261127, DEFAULT_20261130, DEFAULT_20261130_PQ, FIPS_140_3, FIPS_140_3_20261127, FIPS_140_3_20261130 } from "./definitions.js";
import type { Judgement, Policy } from "./policy.js";

export type { Decision, Judgement, Policy, PolicyReference } from "./policy.js";
export { CNSA, CNSA_20261127, DEFAULT, DEFAULT_20261127, DEFAULT_20261130, DEFAULT_20261130_PQ, FIPS_140_3, FIPS_140_3_20261127, FIPS_140_3_20261130 } from "./definitions.js";

/** Current policies first (their aliases resolve), then superseded dated ids, which keep their meaning. */
export const POLICIES: readonly Policy[] = [
  DEFAULT,
  FIPS_140_3,
  CNSA,
  DEFAULT_20261130_PQ,
  DEFAULT_20261130,
  DEFAULT_20261127,
  FIPS_140_3_20261130,
  FIPS_140_3_20261127,
  CNSA_20261127,
];

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
