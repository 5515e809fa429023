// The TLS 1.2 PRF (RFC 5246 section 5) and the secrets built on it: the master secret (section 8.1),
// the extended master secret (RFC 7627 section 4), the key block of the AEAD suites (section 6.3)
// and Finished's verify_data (section 7.4.9). Every HMAC goes through the provider (DESIGN.md rule 2).
// All functions are async, so a bad argument (a local bug, RangeError) arrives as a rejection too.
import type { AeadAlgorithm, CryptoProvider, HashAlgorithm } from "../crypto/provider.js";
import { AEAD_KEY_LENGTH, HASH_LENGTH } from "../crypto/provider.js";
import { concat, utf8 } from "../codec/bytes.js";

/** TLS 1.2 suites name SHA-256 (the default PRF) or SHA-384 (RFC 5289's *_SHA384 suites). */
export type Tls12PrfHash = Extract<HashAlgorithm, "SHA-256" | "SHA-384">;

/**
 * Upper bound on one PRF output. The largest the handshake needs is an 88-byte key block; the rest
 * of the room is for RFC 5705 exporters. Bounding it keeps a caller's mistake from looping for long.
 */
export const MAX_PRF_OUTPUT = 1024;
export const MASTER_SECRET_LENGTH = 48;
export const RANDOM_LENGTH = 32;
/** verify_data_length for every suite this library offers (RFC 5246 section 7.4.9). */
export const VERIFY_DATA_LENGTH = 12;

/** The longest (EC)DHE or RSA pre-master secret: 1024 bytes, an ffdhe8192 shared secret (RFC 7919). */
export const MAX_PRE_MASTER = 1024;

export type FinishedLabel = "client finished" | "server finished";

function checkHash(hash: HashAlgorithm): void {
  // The type already says so; this guards JavaScript callers, since a SHA-512 PRF would silently interoperate with nobody.
  if (hash !== "SHA-256" && hash !== "SHA-384") throw new RangeError(`TLS 1.2 PRF: unsupported hash ${hash}`);
}

function checkPreMaster(preMaster: Uint8Array): void {
  if (preMaster.length === 0 || preMaster.length > MAX_PRE_MASTER) {
    throw new RangeError(`TLS 1.2 PRF: pre-master secret of ${preMaster.length} bytes outside 1..${MAX_PRE_MASTER}`);
  }
}

function checkLength(what: string, bytes: Uint8Array, expected: number): void {
  if (bytes.length !== expected) throw new RangeError(`TLS 1.2 PRF: ${what} must be ${expected} bytes, got ${bytes.length}`);
}

/**
 * P_hash(secret, seed) cut to `length` bytes. A(i) = HMAC(secret, A(i-1)) with A(0) = seed, and each
 * output block is HMAC(secret, A(i) || seed). Block i and A(i+1) both depend only on A(i), so the two
 * HMACs of a round run concurrently.
 */
async function pHash(p: CryptoProvider, hash: Tls12PrfHash, secret: Uint8Array, seed: Uint8Array, length: number): Promise<Uint8Array> {
  const hashLength = HASH_LENGTH[hash];
  const out = new Uint8Array(length);
  let a = await p.hmac(hash, secret, seed);
  for (let filled = 0; filled < length; ) {
    const last = filled + hashLength >= length;
    const [block, next] = await Promise.all([p.hmac(hash, secret, concat(a, seed)), last ? undefined : p.hmac(hash, secret, a)]);
    out.set(block.subarray(0, Math.min(hashLength, length - filled)), filled);
    filled += hashLength;
    if (next) a = next;
  }
  return out;
}

/** PRF(secret, label, seed) = P_<hash>(secret, label || seed), `length` bytes (RFC 5246 section 5). */
export async function prf(p: CryptoProvider, hash: Tls12PrfHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Promise<Uint8Array> {
  checkHash(hash);
  if (!Number.isInteger(length) || length < 1 || length > MAX_PRF_OUTPUT) {
    throw new RangeError(`TLS 1.2 PRF: output length ${length} outside 1..${MAX_PRF_OUTPUT}`);
  }
  // Labels are fixed ASCII strings of the protocol; an empty one would mean a caller bug.
  if (label.length === 0) throw new RangeError("TLS 1.2 PRF: empty label");
  return pHash(p, hash, secret, concat(utf8(label), seed), length);
}

/** master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]. */
export async function masterSecret(
  p: CryptoProvider,
  hash: Tls12PrfHash,
  preMaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Promise<Uint8Array> {
  checkLength("client random", clientRandom, RANDOM_LENGTH);
  checkLength("server random", serverRandom, RANDOM_LENGTH);
  checkPreMaster(preMaster);
  return prf(p, hash, preMaster, "master secret", concat(clientRandom, serverRandom), MASTER_SECRET_LENGTH);
}

/**
 * RFC 7627: the master secret bound to the whole handshake up to ClientKeyExchange, so that two
 * sessions with different peers can never share one (the triple handshake attack).
 * `sessionHash` is Hash(ClientHello .. ClientKeyExchange) under the suite's PRF hash.
 */
export async function extendedMasterSecret(p: CryptoProvider, hash: Tls12PrfHash, preMaster: Uint8Array, sessionHash: Uint8Array): Promise<Uint8Array> {
  checkHash(hash);
  checkLength("session hash", sessionHash, HASH_LENGTH[hash]);
  checkPreMaster(preMaster);
  return prf(p, hash, preMaster, "extended master secret", sessionHash, MASTER_SECRET_LENGTH);
}

/** The write keys and IVs of an AEAD suite; the MAC keys have length 0 and are omitted. */
export interface Tls12KeyBlock {
  readonly clientWriteKey: Uint8Array;
  readonly serverWriteKey: Uint8Array;
  readonly clientWriteIv: Uint8Array;
  readonly serverWriteIv: Uint8Array;
}

/**
 * The implicit IV each AEAD takes from the key block: AES-GCM's 4-byte salt (RFC 5288 section 3; the
 * other 8 nonce bytes travel in each record), ChaCha20-Poly1305's full 12-byte IV (RFC 7905 section 2).
 */
export const TLS12_FIXED_IV_LENGTH: Readonly<Record<AeadAlgorithm, number>> = {
  "AES-128-GCM": 4,
  "AES-256-GCM": 4,
  "CHACHA20-POLY1305": 12,
};

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), split in the order
 * of RFC 5246 section 6.3. Note the randoms swap places relative to the master secret's seed.
 */
export async function keyBlock(
  p: CryptoProvider,
  hash: Tls12PrfHash,
  aead: AeadAlgorithm,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Promise<Tls12KeyBlock> {
  checkLength("master secret", master, MASTER_SECRET_LENGTH);
  checkLength("client random", clientRandom, RANDOM_LENGTH);
  checkLength("server random", serverRandom, RANDOM_LENGTH);
  const keyLength = AEAD_KEY_LENGTH[aead];
  const ivLength = TLS12_FIXED_IV_LENGTH[aead];
  if (keyLength === undefined || ivLength === undefined) throw new RangeError(`TLS 1.2 key block: unknown AEAD ${aead}`);
  const block = await prf(p, hash, master, "key expansion", concat(serverRandom, clientRandom), 2 * (keyLength + ivLength));
  // Copies, not views: each key ends up in its own AEAD object and must not pin the others.
  let at = 0;
  const take = (n: number): Uint8Array => block.slice(at, (at += n));
  return {
    clientWriteKey: take(keyLength),
    serverWriteKey: take(keyLength),
    clientWriteIv: take(ivLength),
    serverWriteIv: take(ivLength),
  };
}

/**
 * verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]. The hash is the
 * suite's PRF hash over every handshake message up to, not including, this Finished.
 */
export async function verifyData(
  p: CryptoProvider,
  hash: Tls12PrfHash,
  master: Uint8Array,
  label: FinishedLabel,
  handshakeHash: Uint8Array,
): Promise<Uint8Array> {
  checkHash(hash);
  checkLength("master secret", master, MASTER_SECRET_LENGTH);
  checkLength("handshake hash", handshakeHash, HASH_LENGTH[hash]);
  if (label !== "client finished" && label !== "server finished") throw new RangeError(`TLS 1.2 Finished: bad label ${String(label)}`);
  return prf(p, hash, master, label, handshakeHash, VERIFY_DATA_LENGTH);
}
