// Signature schemes (RFC 8446 section 4.2.3), tagged with the versions whose handshake signatures may
// use them: what each means for a provider, and which key can make it. In TLS 1.3 rsa_pkcs1_* exist only
// for certificate signatures, never for CertificateVerify; TLS 1.2 signs with them too (RFC 5246 7.4.1.4.1).
import type { CurveName, SignatureAlgorithm, SigningKey, SigningKeyType } from "../crypto/provider.js";
import { SignatureScheme, type SignatureSchemeName } from "../msgs/enums.js";
import type { TlsVersionName } from "./versions.js";

export interface SchemeInfo {
  readonly name: SignatureSchemeName;
  readonly id: number;
  readonly algorithm: SignatureAlgorithm;
  readonly keyType: SigningKeyType;
  /** For ECDSA in TLS 1.3 the curve is bound to the scheme. */
  readonly curve?: CurveName;
  /** False for rsa_pkcs1_*: allowed in TLS 1.3 certificates only (RFC 8446 4.2.3). */
  readonly handshake: boolean;
  /** Versions whose handshake signatures (CertificateVerify, ServerKeyExchange) may use the scheme. */
  readonly versions: readonly TlsVersionName[];
}

const BOTH: readonly TlsVersionName[] = ["TLSv1.2", "TLSv1.3"];
const TLS12_ONLY: readonly TlsVersionName[] = ["TLSv1.2"];

const pss = (hash: "SHA-256" | "SHA-384" | "SHA-512"): SignatureAlgorithm => ({
  type: "rsa-pss",
  hash,
  saltLength: hash === "SHA-256" ? 32 : hash === "SHA-384" ? 48 : 64,
});

export const SCHEMES: readonly SchemeInfo[] = [
  { name: "ecdsa_secp256r1_sha256", id: SignatureScheme.ecdsa_secp256r1_sha256, algorithm: { type: "ecdsa", hash: "SHA-256" }, keyType: "ec", curve: "P-256", handshake: true, versions: BOTH },
  { name: "ecdsa_secp384r1_sha384", id: SignatureScheme.ecdsa_secp384r1_sha384, algorithm: { type: "ecdsa", hash: "SHA-384" }, keyType: "ec", curve: "P-384", handshake: true, versions: BOTH },
  { name: "ecdsa_secp521r1_sha512", id: SignatureScheme.ecdsa_secp521r1_sha512, algorithm: { type: "ecdsa", hash: "SHA-512" }, keyType: "ec", curve: "P-521", handshake: true, versions: BOTH },
  { name: "rsa_pss_rsae_sha256", id: SignatureScheme.rsa_pss_rsae_sha256, algorithm: pss("SHA-256"), keyType: "rsa", handshake: true, versions: BOTH },
  { name: "rsa_pss_rsae_sha384", id: SignatureScheme.rsa_pss_rsae_sha384, algorithm: pss("SHA-384"), keyType: "rsa", handshake: true, versions: BOTH },
  { name: "rsa_pss_rsae_sha512", id: SignatureScheme.rsa_pss_rsae_sha512, algorithm: pss("SHA-512"), keyType: "rsa", handshake: true, versions: BOTH },
  { name: "rsa_pss_pss_sha256", id: SignatureScheme.rsa_pss_pss_sha256, algorithm: pss("SHA-256"), keyType: "rsa-pss", handshake: true, versions: BOTH },
  { name: "rsa_pss_pss_sha384", id: SignatureScheme.rsa_pss_pss_sha384, algorithm: pss("SHA-384"), keyType: "rsa-pss", handshake: true, versions: BOTH },
  { name: "rsa_pss_pss_sha512", id: SignatureScheme.rsa_pss_pss_sha512, algorithm: pss("SHA-512"), keyType: "rsa-pss", handshake: true, versions: BOTH },
  { name: "ed25519", id: SignatureScheme.ed25519, algorithm: { type: "ed25519" }, keyType: "ed25519", handshake: true, versions: BOTH },
  { name: "rsa_pkcs1_sha256", id: SignatureScheme.rsa_pkcs1_sha256, algorithm: { type: "rsa-pkcs1", hash: "SHA-256" }, keyType: "rsa", handshake: false, versions: TLS12_ONLY },
  { name: "rsa_pkcs1_sha384", id: SignatureScheme.rsa_pkcs1_sha384, algorithm: { type: "rsa-pkcs1", hash: "SHA-384" }, keyType: "rsa", handshake: false, versions: TLS12_ONLY },
  { name: "rsa_pkcs1_sha512", id: SignatureScheme.rsa_pkcs1_sha512, algorithm: { type: "rsa-pkcs1", hash: "SHA-512" }, keyType: "rsa", handshake: false, versions: TLS12_ONLY },
];

export function schemeById(id: number): SchemeInfo | undefined {
  return SCHEMES.find((s) => s.id === id);
}

export function schemeByName(name: string): SchemeInfo | undefined {
  return SCHEMES.find((s) => s.name === name);
}

/** Whether `key` (our own) can produce `scheme` in a CertificateVerify. */
export function keyCanSign(key: Pick<SigningKey, "type" | "curve">, scheme: SchemeInfo): boolean {
  if (!scheme.handshake || scheme.keyType !== key.type) return false;
  return scheme.curve === undefined || scheme.curve === key.curve;
}
