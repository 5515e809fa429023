// Password-based key unwrapping over crypto.subtle: PBKDF2 and AES-CBC decryption, the two primitives
// PBES2 (RFC 8018) needs. WebCrypto's AES-CBC always strips PKCS#7 padding and fails when there is
// none, so raw decryption appends one block that decrypts to a full padding block (see below).
import type { Pbkdf2Hash } from "../../src/crypto/provider.js";
import { AES_CBC_KEY_LENGTHS } from "../../src/crypto/provider.js";
import { bufferSource } from "./signatures.js";

export async function pbkdf2(subtle: SubtleCrypto, hash: Pbkdf2Hash, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Promise<Uint8Array> {
  if (!["SHA-1", "SHA-256", "SHA-384", "SHA-512"].includes(hash)) throw new TypeError(`webcrypto provider: PBKDF2 with ${String(hash)} is not available`);
  if (!Number.isSafeInteger(iterations) || iterations < 1 || !Number.isSafeInteger(length) || length < 1) {
    throw new TypeError("PBKDF2: iterations and length must be positive integers");
  }
  const base = await subtle.importKey("raw", bufferSource(password), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await subtle.deriveBits({ name: "PBKDF2", hash, salt: bufferSource(salt), iterations }, base, length * 8));
}

export async function decryptAesCbc(subtle: SubtleCrypto, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  if (!AES_CBC_KEY_LENGTHS.includes(key.length)) throw new TypeError("AES-CBC needs a 16-, 24- or 32-byte key");
  if (iv.length !== 16) throw new TypeError("AES-CBC needs a 16-byte IV");
  if (data.length % 16 !== 0) throw new TypeError("AES-CBC ciphertext must be whole 16-byte blocks");
  if (data.length === 0) return new Uint8Array(0);
  const cryptoKey = await subtle.importKey("raw", bufferSource(key), "AES-CBC", false, ["encrypt", "decrypt"]);
  // Encrypting nothing under IV = the last ciphertext block gives E(0x10^16 XOR last): appended, it
  // decrypts to a whole padding block, which WebCrypto strips, leaving exactly the raw plaintext.
  const last = data.subarray(data.length - 16);
  const extra = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv: bufferSource(last) }, cryptoKey, new Uint8Array(0)));
  const input = new Uint8Array(data.length + 16);
  input.set(data);
  input.set(extra.subarray(0, 16), data.length);
  return new Uint8Array(await subtle.decrypt({ name: "AES-CBC", iv: bufferSource(iv) }, cryptoKey, input));
}
