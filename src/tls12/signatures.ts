// TLS 1.2 handshake signatures (ServerKeyExchange, CertificateVerify; RFC 5246 7.4.3, 7.4.8): the
// signer signs the data itself, and an ECDSA scheme names only the hash, whatever the key's curve
// (the TLS 1.3 binding of curve to scheme does not apply).
import type { CryptoProvider, SigningKey } from "../crypto/provider.js";
import { describeSpki } from "../crypto/keyinfo.js";
import { PeerMisbehaved } from "../errors.js";
import { type SchemeInfo, schemeById } from "../suites/signature-schemes.js";
import type { Tls12Suite } from "../suites/cipher-suites.js";

/** Whether `scheme` can sign with a key of this type in TLS 1.2. */
export function tls12SchemeFitsKey(scheme: SchemeInfo, keyType: string): boolean {
  return scheme.versions.includes("TLSv1.2") && scheme.keyType === keyType;
}

/**
 * Whether a suite's authentication fits a certificate key: ECDHE_ECDSA takes ECDSA and EdDSA keys
 * (RFC 8422 5.1.1), ECDHE_RSA takes RSA keys, rsa-pss ones included (RFC 8446 4.2.3).
 */
export function suiteFitsKey(suite: Tls12Suite, keyType: string): boolean {
  return suite.authentication === "ECDSA" ? keyType === "ec" || keyType === "ed25519" : keyType === "rsa" || keyType === "rsa-pss";
}

/** Checks a peer's TLS 1.2 signature; returns the scheme. `what` names the message for errors. */
export async function verifyTls12Signature(
  provider: CryptoProvider,
  accepted: readonly SchemeInfo[],
  schemeId: number,
  signature: Uint8Array,
  leafSpki: Uint8Array,
  data: Uint8Array,
  what: string,
): Promise<SchemeInfo> {
  const scheme = schemeById(schemeId);
  if (!scheme || !scheme.versions.includes("TLSv1.2") || !accepted.some((s) => s.id === schemeId)) {
    throw new PeerMisbehaved("SignatureSchemeNotOffered", "illegal_parameter", `${what}: 0x${schemeId.toString(16).padStart(4, "0")}`);
  }
  let keyType: string;
  try {
    keyType = describeSpki(leafSpki).type;
  } catch {
    throw new PeerMisbehaved("UnsupportedCertificateKey", "bad_certificate");
  }
  if (!tls12SchemeFitsKey(scheme, keyType)) throw new PeerMisbehaved("SignatureSchemeDoesNotMatchKey", "illegal_parameter", `${what}: ${scheme.name} with a ${keyType} key`);
  if (!(await provider.verify(scheme.algorithm, leafSpki, data, signature))) throw new PeerMisbehaved("BadSignature", "decrypt_error", `${what} (${scheme.name}) does not verify`);
  return scheme;
}

export function signTls12(key: SigningKey, scheme: SchemeInfo, data: Uint8Array): Promise<Uint8Array> {
  return key.sign(scheme.algorithm, data);
}
