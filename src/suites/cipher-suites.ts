// Cipher suites, each tagged with the versions it is valid for, and what each needs from a provider.
// Today: the TLS 1.3 suites (RFC 8446 appendix B.4).
import type { AeadAlgorithm, HashAlgorithm } from "../crypto/provider.js";
import { CipherSuite, type CipherSuiteName } from "../msgs/enums.js";
import type { TlsVersionName } from "./versions.js";

export interface Tls13Suite {
  readonly id: number;
  readonly name: CipherSuiteName;
  /** OpenSSL's name, which for TLS 1.3 suites is the IANA name. */
  readonly openSslName: string;
  readonly aead: AeadAlgorithm;
  readonly hash: HashAlgorithm;
  readonly versions: readonly TlsVersionName[];
}

export const TLS13_SUITES: readonly Tls13Suite[] = [
  { id: CipherSuite.TLS_AES_128_GCM_SHA256, name: "TLS_AES_128_GCM_SHA256", openSslName: "TLS_AES_128_GCM_SHA256", aead: "AES-128-GCM", hash: "SHA-256", versions: ["TLSv1.3"] },
  { id: CipherSuite.TLS_AES_256_GCM_SHA384, name: "TLS_AES_256_GCM_SHA384", openSslName: "TLS_AES_256_GCM_SHA384", aead: "AES-256-GCM", hash: "SHA-384", versions: ["TLSv1.3"] },
  { id: CipherSuite.TLS_CHACHA20_POLY1305_SHA256, name: "TLS_CHACHA20_POLY1305_SHA256", openSslName: "TLS_CHACHA20_POLY1305_SHA256", aead: "CHACHA20-POLY1305", hash: "SHA-256", versions: ["TLSv1.3"] },
];

export function suiteById(id: number): Tls13Suite | undefined {
  return TLS13_SUITES.find((s) => s.id === id);
}

export function suiteByName(name: string): Tls13Suite | undefined {
  return TLS13_SUITES.find((s) => s.name === name);
}
