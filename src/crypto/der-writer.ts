// The small DER writer key containers and ECDSA signatures are built with: definite lengths in their
// shortest form, so the bytes we emit are exactly the ones we mean (X.690 10.1).
import { concat } from "../codec/bytes.js";

/** tag, length, contents; lengths up to 2^24 - 1, far beyond any key or signature. */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = concat(...contents);
  const n = body.length;
  let length: number[];
  if (n < 0x80) length = [n];
  else if (n < 0x100) length = [0x81, n];
  else if (n < 0x10000) length = [0x82, n >> 8, n & 0xff];
  else length = [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concat(new Uint8Array([tag, ...length]), body);
}

/** A BIT STRING with no unused bits. */
export function bitString(bytes: Uint8Array): Uint8Array {
  return tlv(0x03, new Uint8Array([0]), bytes);
}

/** The non-negative INTEGER whose minimal big-endian magnitude is `magnitude` (a 0x00 goes before a high bit). */
export function derInteger(magnitude: Uint8Array): Uint8Array {
  return magnitude[0]! & 0x80 ? tlv(0x02, new Uint8Array([0]), magnitude) : tlv(0x02, magnitude);
}
