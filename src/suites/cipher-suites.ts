// Cipher suites, each tagged with the version it is valid for, and what each needs from a provider:
// the TLS 1.3 suites (RFC 8446 appendix B.4) and the TLS 1.2 ECDHE AEAD suites (RFC 5289, RFC 7905).
import type { AeadAlgorithm, HashAlgorithm } from "../crypto/provider.js";
import { CipherSuite, type CipherSuiteName } from "../msgs/enums.js";

interface SuiteCommon {
  readonly id: number;
  readonly name: CipherSuiteName;
  /** OpenSSL's name (for TLS 1.3 suites, the IANA name). */
  readonly openSslName: string;
  readonly aead: AeadAlgorithm;
  /** The HKDF hash in TLS 1.3, the PRF hash in TLS 1.2. */
  readonly hash: HashAlgorithm;
}

export interface Tls13Suite extends SuiteCommon {
  readonly versions: readonly ["TLSv1.3"];
}

export interface Tls12Suite extends SuiteCommon {
  readonly hash: "SHA-256" | "SHA-384";
  readonly versions: readonly ["TLSv1.2"];
  /** The certificate's key type the suite needs: ECDHE_ECDSA or ECDHE_RSA. */
  readonly authentication: "ECDSA" | "RSA";
}

export type SuiteInfo = Tls13Suite | Tls12Suite;

const v13 = (name: CipherSuiteName, aead: AeadAlgorithm, hash: HashAlgorithm): Tls13Suite => ({ id: CipherSuite[name], name, openSslName: name, aead, hash, versions: ["TLSv1.3"] });
const v12 = (name: CipherSuiteName, openSslName: string, aead: AeadAlgorithm, hash: Tls12Suite["hash"]): Tls12Suite => ({
  id: CipherSuite[name],
  name,
  openSslName,
  aead,
  hash,
  versions: ["TLSv1.2"],
  authentication: name.startsWith("TLS_ECDHE_ECDSA_") ? "ECDSA" : "RSA",
});

export const TLS13_SUITES: readonly Tls13Suite[] = [
  v13("TLS_AES_128_GCM_SHA256", "AES-128-GCM", "SHA-256"),
  v13("TLS_AES_256_GCM_SHA384", "AES-256-GCM", "SHA-384"),
  v13("TLS_CHACHA20_POLY1305_SHA256", "CHACHA20-POLY1305", "SHA-256"),
];

/** ECDHE with AEAD only: no RSA key transport, CBC, static DH, RC4, NULL or export suites. */
export const TLS12_SUITES: readonly Tls12Suite[] = [
  v12("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", "AES-128-GCM", "SHA-256"),
  v12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "AES-128-GCM", "SHA-256"),
  v12("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", "AES-256-GCM", "SHA-384"),
  v12("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "AES-256-GCM", "SHA-384"),
  v12("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", "CHACHA20-POLY1305", "SHA-256"),
  v12("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", "CHACHA20-POLY1305", "SHA-256"),
];

export const ALL_SUITES: readonly SuiteInfo[] = [...TLS13_SUITES, ...TLS12_SUITES];

export const isTls13Suite = (s: SuiteInfo): s is Tls13Suite => s.versions[0] === "TLSv1.3";
export const isTls12Suite = (s: SuiteInfo): s is Tls12Suite => s.versions[0] === "TLSv1.2";

/** A TLS 1.3 suite by code point (the TLS 1.3 handshake's lookup). */
export function suiteById(id: number): Tls13Suite | undefined {
  return TLS13_SUITES.find((s) => s.id === id);
}

export function tls12SuiteById(id: number): Tls12Suite | undefined {
  return TLS12_SUITES.find((s) => s.id === id);
}

export function suiteByName(name: string): SuiteInfo | undefined {
  return ALL_SUITES.find((s) => s.name === name);
}
