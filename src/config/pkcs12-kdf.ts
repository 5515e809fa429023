// The PKCS#12 key derivation (RFC 7292 Appendix B.2), which keys a PKCS#12 file's integrity MAC. It
// is composed here from the provider's hash, as the TLS key schedule is composed from its HMAC: the
// core never hashes by itself. Only the SHA-2 hashes the provider has; SHA-1 files are legacy.
import type { CryptoProvider, HashAlgorithm } from "../crypto/provider.js";
import { HASH_LENGTH } from "../crypto/provider.js";

/** Purpose bytes of B.3: 1 key material, 2 IV, 3 MAC key. */
export type Pkcs12KeyPurpose = 1 | 2 | 3;

/** The hash's input block size v, in bytes (B.2). */
const BLOCK_BYTES: Readonly<Record<HashAlgorithm, number>> = { "SHA-256": 64, "SHA-384": 128, "SHA-512": 128 };

/** The password as B.1 wants it: BMPString (UTF-16 big-endian) and two zero bytes; none at all for no password. */
export function bmpPassword(password: string | null): Uint8Array {
  if (password === null) return new Uint8Array(0);
  const out = new Uint8Array(2 * password.length + 2);
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    out[2 * i] = unit >> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

/** `s` repeated to fill a whole number of v-byte blocks (the empty string stays empty). */
function fill(s: Uint8Array, v: number): Uint8Array {
  const out = new Uint8Array(v * Math.ceil(s.length / v));
  for (let i = 0; i < out.length; i++) out[i] = s[i % s.length]!;
  return out;
}

export async function pkcs12Kdf(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  purpose: Pkcs12KeyPurpose,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Promise<Uint8Array> {
  const u = HASH_LENGTH[hash];
  const v = BLOCK_BYTES[hash];
  const d = new Uint8Array(v).fill(purpose);
  const i = new Uint8Array([...fill(salt, v), ...fill(password, v)]);
  const out = new Uint8Array(Math.ceil(length / u) * u);
  for (let block = 0; block * u < length; block++) {
    let a = await provider.hash(hash, new Uint8Array([...d, ...i]));
    for (let r = 1; r < iterations; r++) a = await provider.hash(hash, a);
    out.set(a, block * u);
    if ((block + 1) * u >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, B being A repeated to v bytes.
    const b = fill(a, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k]! + b[k]! + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out.slice(0, length);
}
