// CertificateVerify signing input and checks (RFC 8446 section 4.4.3), and the peer's read.
import type { CryptoProvider, SigningKey } from "../crypto/provider.js";
import { concat, utf8 } from "../codec/bytes.js";
import { PeerMisbehaved } from "../errors.js";
import { describeSpki } from "../crypto/keyinfo.js";
import { type SchemeInfo, schemeById } from "../suites/signature-schemes.js";
import type { HandshakeContext } from "../handshake/context.js";
import type { Transcript } from "../handshake/transcript.js";
import { HandshakeType } from "../msgs/enums.js";
import { decodeCertificateVerify } from "../msgs/handshake.js";
import { peerLeafSpki } from "../verify/certificate.js";

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

/** The peer's CertificateVerify checked, and its Finished's expected verify_data, computed meanwhile. */
export interface CheckedCertificateVerify {
  readonly scheme: SchemeInfo;
  readonly expectedFinished: Promise<Uint8Array>;
}

/**
 * Reads the peer's CertificateVerify and checks it with the key of its leaf certificate (`chain[0]`) over
 * `throughCertificate`. The message joins the transcript as soon as it is read, and the Finished after it
 * (`finishedOver` that transcript) is computed while the signature is checked (with WebCrypto, thread-pool
 * trips side by side rather than in a row); it is compared only once the signature verified. Callers
 * start this while the chain is verified, and await the chain first, so its errors still come first.
 */
export async function readCertificateVerify(
  ctx: HandshakeContext,
  provider: CryptoProvider,
  accepted: readonly SchemeInfo[],
  side: Side,
  chain: readonly Uint8Array[],
  transcript: Transcript,
  throughCertificate: Promise<Uint8Array>,
  finishedOver: (transcriptHash: Promise<Uint8Array>) => Promise<Uint8Array>,
): Promise<CheckedCertificateVerify> {
  const cvMsg = await ctx.expect(HandshakeType.CertificateVerify);
  const cv = decodeCertificateVerify(cvMsg.body);
  const spki = peerLeafSpki(chain);
  transcript.add(cvMsg.raw);
  const expectedFinished = finishedOver(transcript.hash());
  expectedFinished.catch(() => undefined);
  return { expectedFinished, scheme: await verifyCertificateVerify(provider, accepted, cv.scheme, cv.signature, spki, side, await throughCertificate) };
}
