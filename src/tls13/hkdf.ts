// HKDF (RFC 5869) and TLS 1.3's HKDF-Expand-Label / Derive-Secret (RFC 8446 section 7.1), composed
// from the provider's HMAC: WebCrypto offers no HKDF-Expand on its own, and TLS needs Expand alone.
import type { CryptoProvider, HashAlgorithm } from "../crypto/provider.js";
import { HASH_LENGTH } from "../crypto/provider.js";
import { concat, utf8 } from "../codec/bytes.js";

export function hkdfExtract(p: CryptoProvider, hash: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array> {
  return p.hmac(hash, salt.length ? salt : new Uint8Array(HASH_LENGTH[hash]), ikm);
}

export async function hkdfExpand(
  p: CryptoProvider,
  hash: HashAlgorithm,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const hashLen = HASH_LENGTH[hash];
  if (length > 255 * hashLen) throw new RangeError("HKDF-Expand length too large");
  if (length <= hashLen) return firstBlock(p, hash, prk, concat(info, COUNTER_ONE), length);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, filled = 0; filled < length; i++) {
    previous = await p.hmac(hash, prk, concat(previous, info, new Uint8Array([i])));
    out.set(previous.subarray(0, Math.min(hashLen, length - filled)), filled);
    filled += hashLen;
  }
  return out;
}

/** T(1) = HMAC(PRK, info || 0x01), cut to `length`: every TLS 1.3 key, IV and secret fits in one block. */
async function firstBlock(p: CryptoProvider, hash: HashAlgorithm, prk: Uint8Array, infoAndCounter: Uint8Array, length: number): Promise<Uint8Array> {
  const block = await p.hmac(hash, prk, infoAndCounter);
  return length === block.length ? block : block.slice(0, length);
}

const COUNTER_ONE = new Uint8Array([1]);

/** "tls13 " + label, encoded once per label: the handshake's labels are a small fixed set (exporter labels, the caller's, are capped). */
const LABELS = new Map<string, Uint8Array>();
const LABELS_KEPT = 64;

function labelBytes(label: string): Uint8Array {
  let bytes = LABELS.get(label);
  if (bytes === undefined) {
    bytes = utf8(`tls13 ${label}`);
    if (LABELS.size < LABELS_KEPT) LABELS.set(label, bytes);
  }
  return bytes;
}

export function hkdfExpandLabel(
  p: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const name = labelBytes(label);
  if (name.length > 255 || context.length > 255 || length > 0xffff) throw new RangeError("HkdfLabel field too long");
  // HkdfLabel (RFC 8446 7.1) and, when one block suffices, HKDF-Expand's counter byte after it: one
  // array, which for most labels stays within V8's on-heap size (see Writer).
  const info = new Uint8Array(2 + 1 + name.length + 1 + context.length + 1);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = name.length;
  info.set(name, 3);
  info[3 + name.length] = context.length;
  info.set(context, 4 + name.length);
  info[info.length - 1] = 1;
  if (length <= HASH_LENGTH[hash]) return firstBlock(p, hash, secret, info, length);
  return hkdfExpand(p, hash, secret, info.subarray(0, info.length - 1), length);
}
