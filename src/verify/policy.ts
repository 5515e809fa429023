// What the verifier accepts in certificates, as plain data: compliance/ builds these for named
// policies (fips-140-3, cnsa, …) and audit reports print them, so every field is a simple value.
import type { CurveName, SignatureAlgorithm } from "../crypto/provider.js";
import { ConfigError } from "../errors.js";

/** Certificate and CRL signature algorithms by their usual names (RFC 4055, RFC 5758, RFC 8410). */
export type CertificateSignatureAlgorithmName =
  | "ecdsa-with-SHA256"
  | "ecdsa-with-SHA384"
  | "ecdsa-with-SHA512"
  | "sha256WithRSAEncryption"
  | "sha384WithRSAEncryption"
  | "sha512WithRSAEncryption"
  | "rsassa-pss-sha256"
  | "rsassa-pss-sha384"
  | "rsassa-pss-sha512"
  | "ed25519";

export const CERTIFICATE_SIGNATURE_ALGORITHMS: readonly CertificateSignatureAlgorithmName[] = [
  "ecdsa-with-SHA256",
  "ecdsa-with-SHA384",
  "ecdsa-with-SHA512",
  "sha256WithRSAEncryption",
  "sha384WithRSAEncryption",
  "sha512WithRSAEncryption",
  "rsassa-pss-sha256",
  "rsassa-pss-sha384",
  "rsassa-pss-sha512",
  "ed25519",
];

export interface VerificationPolicy {
  /**
   * Signature algorithms accepted on certificates (other than a trust anchor's own self-signature,
   * which is never verified) and on CRLs. SHA-1 and MD5 are not expressible: they are never accepted.
   */
  readonly allowedSignatureAlgorithms: readonly CertificateSignatureAlgorithmName[];
  /** Smallest RSA modulus, in bits, for any key on the path, trust anchor included. */
  readonly minRsaModulusBits: number;
  /** Curves EC keys on the path may use. */
  readonly allowedCurves: readonly CurveName[];
  /** Whether Ed25519 keys may appear on the path. */
  readonly allowEd25519Keys: boolean;
  /**
   * Trust anchors are trusted by configuration, so their self-signature carries no weight. True keeps
   * legacy roots self-signed with SHA-1 (or MD5) usable; false refuses any anchor whose self-signature
   * algorithm is not in `allowedSignatureAlgorithms`.
   */
  readonly allowSha1OnAnchors: boolean;
  /**
   * What is checked on a trust anchor. "strict" (the default when absent, as pyca/cryptography): it must be a
   * well-formed CA like any intermediate — v3, basicConstraints critical with cA=TRUE, keyUsage with
   * keyCertSign, no unknown critical extension, an authorityKeyIdentifier (if any) by keyIdentifier
   * only, RFC 5280 time types, extKeyUsage (if any) naming the purpose — except that its
   * self-signature is not verified. "legacy" (as rustls-webpki and Go): only its
   * validity, key, cA=false, keyCertSign, pathLenConstraint and name constraints count, for private
   * PKIs (and five roots in Mozilla's store) whose roots break the profile.
   */
  readonly anchorProfile?: AnchorProfile;
}

export type AnchorProfile = "strict" | "legacy";

export const DEFAULT_VERIFICATION_POLICY: VerificationPolicy = Object.freeze({
  allowedSignatureAlgorithms: Object.freeze([...CERTIFICATE_SIGNATURE_ALGORITHMS]),
  minRsaModulusBits: 2048,
  allowedCurves: Object.freeze(["P-256", "P-384", "P-521"] as CurveName[]),
  allowEd25519Keys: true,
  allowSha1OnAnchors: true,
  anchorProfile: "strict",
});

const CURVES: readonly CurveName[] = ["P-256", "P-384", "P-521"];

/** Throws ConfigError naming the field when `policy` is not a usable VerificationPolicy. */
export function validateVerificationPolicy(policy: VerificationPolicy): VerificationPolicy {
  const p = policy as Partial<VerificationPolicy> | null;
  if (p === null || typeof p !== "object") throw new ConfigError("verification policy must be an object", "policy");
  if (!Array.isArray(p.allowedSignatureAlgorithms)) {
    throw new ConfigError("policy.allowedSignatureAlgorithms must be an array", "allowedSignatureAlgorithms");
  }
  for (const name of p.allowedSignatureAlgorithms) {
    if (!CERTIFICATE_SIGNATURE_ALGORITHMS.includes(name)) {
      throw new ConfigError(`policy.allowedSignatureAlgorithms: unknown algorithm "${String(name)}"`, String(name));
    }
  }
  const bits = p.minRsaModulusBits;
  // Below 1024 is no longer a policy choice but a mistake; above 16384 no real key qualifies.
  if (typeof bits !== "number" || !Number.isInteger(bits) || bits < 1024 || bits > 16384) {
    throw new ConfigError("policy.minRsaModulusBits must be an integer from 1024 to 16384", "minRsaModulusBits");
  }
  if (!Array.isArray(p.allowedCurves) || p.allowedCurves.some((c) => !CURVES.includes(c))) {
    throw new ConfigError(`policy.allowedCurves must list curves among ${CURVES.join(", ")}`, "allowedCurves");
  }
  if (typeof p.allowEd25519Keys !== "boolean") throw new ConfigError("policy.allowEd25519Keys must be a boolean", "allowEd25519Keys");
  if (typeof p.allowSha1OnAnchors !== "boolean") {
    throw new ConfigError("policy.allowSha1OnAnchors must be a boolean", "allowSha1OnAnchors");
  }
  if (p.anchorProfile !== undefined && p.anchorProfile !== "strict" && p.anchorProfile !== "legacy") {
    throw new ConfigError('policy.anchorProfile must be "strict" or "legacy"', "anchorProfile");
  }
  return policy;
}

/** The policy name of a parsed signature algorithm. */
export function signatureAlgorithmName(alg: SignatureAlgorithm): CertificateSignatureAlgorithmName {
  switch (alg.type) {
    case "ecdsa":
      return `ecdsa-with-${hashSuffix(alg.hash)}`;
    case "rsa-pkcs1":
      return `${hashSuffix(alg.hash).toLowerCase() as "sha256" | "sha384" | "sha512"}WithRSAEncryption`;
    case "rsa-pss":
      return `rsassa-pss-${hashSuffix(alg.hash).toLowerCase() as "sha256" | "sha384" | "sha512"}`;
    case "ed25519":
      return "ed25519";
  }
}

function hashSuffix(hash: "SHA-256" | "SHA-384" | "SHA-512"): "SHA256" | "SHA384" | "SHA512" {
  return hash.replace("-", "") as "SHA256" | "SHA384" | "SHA512";
}
