// ECDSA signature encodings: DER Ecdsa-Sig-Value (X.509, TLS) <-> IEEE P1363 r||s (WebCrypto).
// Parsing is strict DER on purpose: both providers accept exactly the same signature bytes.
import { derInteger, tlv } from "./der-writer.js";

/** Strict DER to fixed-width r||s. Throws TypeError on anything but minimal, in-range DER. */
export function ecdsaDerToRaw(der: Uint8Array, fieldBytes: number): Uint8Array {
  let pos = 0;
  const readLength = (): number => {
    const first = der[pos++];
    if (first === undefined) throw new TypeError("ECDSA signature: truncated");
    if (first < 0x80) return first;
    if (first !== 0x81) throw new TypeError("ECDSA signature: unsupported length form");
    const len = der[pos++];
    if (len === undefined || len < 0x80) throw new TypeError("ECDSA signature: non-minimal length");
    return len;
  };
  const readInteger = (): Uint8Array => {
    if (der[pos++] !== 0x02) throw new TypeError("ECDSA signature: expected INTEGER");
    const len = readLength();
    const value = der.subarray(pos, pos + len);
    pos += len;
    if (len === 0 || value.length !== len) throw new TypeError("ECDSA signature: bad INTEGER length");
    if (value[0]! & 0x80) throw new TypeError("ECDSA signature: negative INTEGER");
    if (len > 1 && value[0] === 0 && !(value[1]! & 0x80)) throw new TypeError("ECDSA signature: non-minimal INTEGER");
    const magnitude = value[0] === 0 ? value.subarray(1) : value;
    if (magnitude.length > fieldBytes) throw new TypeError("ECDSA signature: INTEGER too large for the curve");
    if (magnitude.every((b) => b === 0)) throw new TypeError("ECDSA signature: zero INTEGER");
    return magnitude;
  };
  if (der[pos++] !== 0x30) throw new TypeError("ECDSA signature: expected SEQUENCE");
  const seqLen = readLength();
  if (pos + seqLen !== der.length) throw new TypeError("ECDSA signature: length mismatch");
  const r = readInteger();
  const s = readInteger();
  if (pos !== der.length) throw new TypeError("ECDSA signature: trailing data");
  const raw = new Uint8Array(2 * fieldBytes);
  raw.set(r, fieldBytes - r.length);
  raw.set(s, 2 * fieldBytes - s.length);
  return raw;
}

/** Fixed-width r||s to DER. */
export function ecdsaRawToDer(raw: Uint8Array, fieldBytes: number): Uint8Array {
  if (raw.length !== 2 * fieldBytes) throw new TypeError("ECDSA signature: raw form has the wrong length");
  const integer = (half: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < half.length - 1 && half[i] === 0) i++;
    const magnitude = half.subarray(i);
    if (magnitude.length === 1 && magnitude[0] === 0) throw new TypeError("ECDSA signature: zero INTEGER");
    return derInteger(magnitude);
  };
  return tlv(0x30, integer(raw.subarray(0, fieldBytes)), integer(raw.subarray(fieldBytes)));
}
