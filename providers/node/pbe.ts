// Password-based key unwrapping over node:crypto: PBKDF2 and raw AES-CBC decryption, the two
// primitives PBES2 (RFC 8018) needs. Under a FIPS-enforcing OpenSSL these come from the FIPS module,
// which applies its own minimums (SP 800-132: salt, iterations, key length) and says so in its error.
import type { Pbkdf2Hash } from "../../src/crypto/provider.js";
import { AES_CBC_KEY_LENGTHS } from "../../src/crypto/provider.js";
import { nodeCrypto } from "./builtins.js";
const { createDecipheriv, pbkdf2: nodePbkdf2 } = nodeCrypto;

const PBKDF2_DIGEST: Readonly<Record<Pbkdf2Hash, string>> = { "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

export function pbkdf2(hash: Pbkdf2Hash, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Promise<Uint8Array> {
  const digest = PBKDF2_DIGEST[hash];
  if (digest === undefined) return Promise.reject(new TypeError(`node provider: PBKDF2 with ${String(hash)} is not available`));
  if (!Number.isSafeInteger(iterations) || iterations < 1 || !Number.isSafeInteger(length) || length < 1) {
    return Promise.reject(new TypeError("PBKDF2: iterations and length must be positive integers"));
  }
  // The async form runs on libuv's pool: a high iteration count does not stall the event loop.
  return new Promise((resolve, reject) =>
    nodePbkdf2(password, salt, iterations, length, digest, (err, key) => (err ? reject(new TypeError(`PBKDF2-HMAC-${hash} refused by OpenSSL: ${err.message}`)) : resolve(new Uint8Array(key)))),
  );
}

export async function decryptAesCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  checkAesCbc(key, iv, data);
  const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  // Padding is the caller's to check (see CryptoProvider.decryptAesCbc).
  decipher.setAutoPadding(false);
  const first = decipher.update(data);
  const last = decipher.final();
  const out = new Uint8Array(first.length + last.length);
  out.set(first);
  out.set(last, first.length);
  return out;
}

export function checkAesCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array): void {
  if (!AES_CBC_KEY_LENGTHS.includes(key.length)) throw new TypeError("AES-CBC needs a 16-, 24- or 32-byte key");
  if (iv.length !== 16) throw new TypeError("AES-CBC needs a 16-byte IV");
  if (data.length % 16 !== 0) throw new TypeError("AES-CBC ciphertext must be whole 16-byte blocks");
}
