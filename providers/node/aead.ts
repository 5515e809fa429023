// AEAD over node:crypto. node:crypto computes synchronously, so the Aead carries a `sync` face that the
// record layer uses for bulk data: no promise per record, and the ciphertext written straight into the
// record buffer. node:crypto cannot re-key a cipher object with a new nonce, so one is made per record.
import type { CipherGCM, CipherGCMTypes, KeyObject } from "node:crypto";
import type { Aead, AeadAlgorithm, SyncAead } from "../../src/crypto/provider.js";
import { nodeCrypto } from "./builtins.js";
const { createCipheriv, createDecipheriv } = nodeCrypto;

export const AEAD_CIPHER_NAME: Readonly<Record<AeadAlgorithm, string>> = {
  "AES-128-GCM": "aes-128-gcm",
  "AES-256-GCM": "aes-256-gcm",
  "CHACHA20-POLY1305": "chacha20-poly1305",
};
export const AEAD_TAG = 16;

/** ArrayBuffer.prototype.transfer (ES2024; Node 22 and later), which lib ES2022 does not declare. */
type Transferable = ArrayBuffer & { transfer?: (newLength?: number) => ArrayBuffer };
const canTransfer = typeof (ArrayBuffer.prototype as Transferable).transfer === "function";

/**
 * Frees a large node:crypto output we have copied out of, now rather than at V8's next collection.
 * Each update() returns a buffer of its own outside the V8 heap, and V8 lets tens of MiB of such dead
 * buffers pile up before it collects them (a 32 MiB transfer raised peak RSS by about 35 MiB).
 * transfer(0) detaches the buffer and so drops its memory at once. This is done only to buffers of
 * 4 KiB or more, which node:crypto never takes from Buffer's shared pool (that one serves smaller
 * allocations), so no other view can see the detachment. Node 20 has no transfer(): see updateInto.
 */
function freeNow(output: Buffer): void {
  if (canTransfer && output.length >= 4096 && output.byteOffset === 0) (output.buffer as Transferable).transfer!(0);
}

/**
 * cipher.update(part) written into `out` at `at`; returns the bytes written. Where transfer() is missing
 * (Node 20), a large output comes as a latin1 string instead of a buffer: latin1 maps each byte to one
 * code unit and back, so nothing is lost, and the string lives on V8's heap and dies young, where each
 * buffer's memory would wait for a collection with tens of MiB of others (a server's 32 MiB download,
 * peak RSS 81-84 -> 67 MiB on Node 20, at the same CPU; on Node 24 the string costs throughput, and
 * transfer() frees the buffer anyway).
 */
function updateInto(cipher: CipherGCM, part: Uint8Array, out: Uint8Array, at: number): number {
  if (!canTransfer && part.length >= 4096) {
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(cipher.update(part, undefined, "latin1"), at, "latin1");
  }
  const c = cipher.update(part);
  const written = c.length; // read before freeNow(): a detached buffer's length is 0
  out.set(c, at);
  freeNow(c);
  return written;
}

/** Options of every cipher object: TLS's AEADs all carry a 16-byte tag. */
const TAG_OPTIONS = { authTagLength: AEAD_TAG } as const;

function checkNonce(nonce: Uint8Array): void {
  // TLS always uses 96-bit nonces; anything else is a caller bug, not a peer's doing.
  if (nonce.length !== 12) throw new TypeError("AEAD nonce must be 12 bytes");
}

/**
 * The synchronous face. A class rather than an object of closures: a connection holds two of these (one
 * per direction) for its whole life, and methods on a prototype cost it no closure or context each.
 */
class NodeSyncAead implements SyncAead {
  constructor(
    // Typed as a GCM name only to reach the setAAD/getAuthTag overloads, which ChaCha20-Poly1305 shares.
    private readonly name: CipherGCMTypes,
    private readonly key: KeyObject,
  ) {}

  sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: readonly Uint8Array[], out: Uint8Array, offset: number): number {
    checkNonce(nonce);
    const cipher = createCipheriv(this.name, this.key, nonce, TAG_OPTIONS);
    cipher.setAAD(aad);
    let at = offset;
    for (const part of plaintext) at += updateInto(cipher, part, out, at);
    const tail = cipher.final();
    out.set(tail, at);
    at += tail.length;
    out.set(cipher.getAuthTag(), at);
    return at + AEAD_TAG - offset;
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    checkNonce(nonce);
    if (ciphertext.length < AEAD_TAG) return null;
    const decipher = createDecipheriv(this.name, this.key, nonce, TAG_OPTIONS);
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
    // Handed on as a plain Uint8Array: a Buffer's slice() is a view, and the core's slice() means a copy
    // (a Finished or a certificate kept with it would otherwise keep the whole decrypted record).
    if (tail.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.length);
    const out = new Uint8Array(head.length + tail.length);
    out.set(head, 0);
    out.set(tail, head.length);
    return out;
  }
}

class NodeAead implements Aead {
  readonly sync: NodeSyncAead;

  constructor(
    readonly algorithm: AeadAlgorithm,
    key: KeyObject,
  ) {
    this.sync = new NodeSyncAead(AEAD_CIPHER_NAME[algorithm] as CipherGCMTypes, key);
  }

  async seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const out = new Uint8Array(plaintext.length + AEAD_TAG);
    this.sync.sealInto(nonce, aad, [plaintext], out, 0);
    return out;
  }

  async open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | null> {
    return this.sync.open(nonce, aad, ciphertext);
  }
}

export function nodeAead(algorithm: AeadAlgorithm, key: KeyObject): Aead {
  return new NodeAead(algorithm, key);
}
