// AEAD over node:crypto. node:crypto computes synchronously, so the Aead carries a `sync` face that the
// record layer uses for bulk data: no promise per record, and the ciphertext written straight into the
// record buffer. node:crypto cannot re-key a cipher object with a new nonce, so one is made per record.
import { type CipherGCMTypes, type KeyObject, createCipheriv, createDecipheriv } from "node:crypto";
import type { Aead, AeadAlgorithm, SyncAead } from "../../src/crypto/provider.js";

export const AEAD_CIPHER_NAME: Readonly<Record<AeadAlgorithm, string>> = {
  "AES-128-GCM": "aes-128-gcm",
  "AES-256-GCM": "aes-256-gcm",
  "CHACHA20-POLY1305": "chacha20-poly1305",
};
export const AEAD_TAG = 16;

export function nodeAead(algorithm: AeadAlgorithm, key: KeyObject): Aead {
  // Typed as a GCM name only to reach the setAAD/getAuthTag overloads, which ChaCha20-Poly1305 shares.
  const name = AEAD_CIPHER_NAME[algorithm] as CipherGCMTypes;
  const check = (nonce: Uint8Array): void => {
    // TLS always uses 96-bit nonces; anything else is a caller bug, not a peer's doing.
    if (nonce.length !== 12) throw new TypeError("AEAD nonce must be 12 bytes");
  };
  const sync: SyncAead = {
    sealInto(nonce, aad, plaintext, out, offset) {
      check(nonce);
      const cipher = createCipheriv(name, key, nonce, { authTagLength: AEAD_TAG });
      cipher.setAAD(aad);
      let at = offset;
      for (const part of plaintext) {
        const c = cipher.update(part);
        out.set(c, at);
        at += c.length;
      }
      const tail = cipher.final();
      out.set(tail, at);
      at += tail.length;
      out.set(cipher.getAuthTag(), at);
      return at + AEAD_TAG - offset;
    },
    open(nonce, aad, ciphertext) {
      check(nonce);
      if (ciphertext.length < AEAD_TAG) return null;
      const decipher = createDecipheriv(name, key, nonce, { authTagLength: AEAD_TAG });
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - AEAD_TAG));
      decipher.setAAD(aad);
      const head = decipher.update(ciphertext.subarray(0, ciphertext.length - AEAD_TAG));
      let tail: Uint8Array;
      try {
        tail = decipher.final();
      } catch {
        return null; // final() is where OpenSSL checks the tag
      }
      // GCM and ChaCha20-Poly1305 are stream modes: final() adds nothing, and head is the whole plaintext.
      if (tail.length === 0) return head;
      const out = new Uint8Array(head.length + tail.length);
      out.set(head, 0);
      out.set(tail, head.length);
      return out;
    },
  };
  return {
    algorithm,
    sync,
    async seal(nonce, aad, plaintext) {
      const out = new Uint8Array(plaintext.length + AEAD_TAG);
      sync.sealInto(nonce, aad, [plaintext], out, 0);
      return out;
    },
    async open(nonce, aad, ciphertext) {
      return sync.open(nonce, aad, ciphertext);
    },
  };
}
