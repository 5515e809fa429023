// CertificateVerify signing input and checks (RFC 8446 section 4.4.3).
import type { CryptoProvider, SigningKey } from "../crypto/provider.js";
import { concat, utf8 } from "../codec/bytes.js";
import { PeerMisbehaved } from "../errors.js";
import { describeSpki } from "../crypto/keyinfo.js";
import { type SchemeInfo, schemeById } from "../suites/signature-schemes.js";

export type Side = "server" | "client";

export function signedContent(side: Side, transcriptHash: Uint8Array): Uint8Array {
  return concat(new Uint8Array(64).fill(0x20), utf8(`TLS 1.3, ${side} CertificateVerify`), new Uint8Array([0]), transcriptHash);
}

export async function signCertificateVerify(key: SigningKey, scheme: SchemeInfo, side: Side, transcriptHash: Uint8Array): Promise<Uint8Array> {
  return key.sign(scheme.algorithm, signedContent(side, transcriptHash));
}

/** Checks the peer's CertificateVerify; returns the scheme used. */
export async function verifyCertificateVerify(
  provider: CryptoProvider,
  accepted: readonly SchemeInfo[],
  schemeId: number,
  signature: Uint8Array,
  leafSpki: Uint8Array,
  side: Side,
  transcriptHash: Uint8Array,
): Promise<SchemeInfo> {
  const scheme = schemeById(schemeId);
  if (!scheme || !scheme.handshake || !accepted.some((s) => s.id === schemeId)) {
    throw new PeerMisbehaved("SignatureSchemeNotOffered", "illegal_parameter", `0x${schemeId.toString(16).padStart(4, "0")}`);
  }
  let key: ReturnType<typeof describeSpki>;
  try {
    key = describeSpki(leafSpki);
  } catch {
    throw new PeerMisbehaved("UnsupportedCertificateKey", "bad_certificate");
  }
  if (key.type !== scheme.keyType || (scheme.curve !== undefined && key.curve !== scheme.curve)) {
    throw new PeerMisbehaved("SignatureSchemeDoesNotMatchKey", "illegal_parameter", `${scheme.name} with a ${key.type}${key.curve ? ` ${key.curve}` : ""} key`);
  }
  const ok = await provider.verify(scheme.algorithm, leafSpki, signedContent(side, transcriptHash), signature);
  if (!ok) throw new PeerMisbehaved("BadSignature", "decrypt_error", `${side} CertificateVerify (${scheme.name}) does not verify`);
  return scheme;
}
