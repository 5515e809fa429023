// RFC 7919 finite-field Diffie-Hellman key shares over node:crypto, for TLS 1.3 (RFC 8446 4.2.8.1,
// 7.4.1). The primes are data in src/suites/ffdhe.ts. Keys are KeyObjects: generateKeyPairSync("dh",
// { prime, generator: 2 }), which OpenSSL recognises as the named group (and then uses its short
// exponent: a 225-bit private key for ffdhe2048, 400 bits for ffdhe8192, as RFC 7919 5.2 allows), and
// diffieHellman() with the peer's value imported as a SubjectPublicKeyInfo. Not the older
// createDiffieHellman(prime): from Node 24 (OpenSSL 3.5) it tests p for primality on every call, 0.27 s
// at 2048 bits and 39 s at 8192.
//
// Encodings TLS fixes and node:crypto does not give by itself:
// - the public value Y is big-endian and left-padded with zeros to the length of the prime (RFC 8446
//   4.2.8.1); the SPKI holds it as a minimal DER INTEGER;
// - the shared secret Z is left-padded to the length of the prime (RFC 8446 7.4.1), which node's
//   diffieHellman() does in the versions we checked (20, 22, 24); padding here keeps that true anywhere.
// The peer's value must be exactly the prime's length and 1 < Y < p-1 (RFC 8446 4.2.8.1), checked
// before OpenSSL sees it; OpenSSL then validates it again: OpenSSL 3.0 (Debian's Node 20 links 3.0.19)
// fully, with Y^q = 1 mod p (SP 800-56Ar3 §5.6.2.3's full validation), so that a value outside the prime-order subgroup,
// such as p-2, is refused there too (and an 8192-bit agreement costs 0.14 s rather than 0.01 s);
// OpenSSL 3.5 (Node 22 and 24) with the range check only. No honest peer sends such a value: 2
// generates the prime-order subgroup.
import type { KeyObject } from "node:crypto";
import type { FfdheGroupName, KeyShare } from "../../src/crypto/provider.js";
import { FFDHE_GENERATOR, FFDHE_GROUPS, ffdhePrime, ffdhePublicValueProblem } from "../../src/suites/ffdhe.js";
import { nodeCrypto } from "./builtins.js";
const { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } = nodeCrypto;

/** `value` left-padded with zeros to `length` bytes (a copy). */
export function leftPad(value: Uint8Array, length: number): Uint8Array {
  if (value.length > length) throw new TypeError(`a ${value.length}-byte value does not fit ${length} bytes`);
  const out = new Uint8Array(length);
  out.set(value, length - value.length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Just enough DER for a DH SubjectPublicKeyInfo:
//   SEQUENCE { AlgorithmIdentifier (dhKeyAgreement, DHParameter { p, g }), BIT STRING { INTEGER y } }

/** The tag, header length and content of the TLV at `at`. */
function tlv(der: Uint8Array, at: number): { tag: number; start: number; end: number } {
  const tag = der[at]!;
  let len = der[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 3) throw new TypeError("unexpected DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | der[start + i]!;
    start += n;
  }
  if (start + len > der.length) throw new TypeError("truncated DER");
  return { tag, start, end: start + len };
}

function header(tag: number, length: number): Uint8Array {
  if (length < 0x80) return new Uint8Array([tag, length]);
  if (length < 0x100) return new Uint8Array([tag, 0x81, length]);
  return new Uint8Array([tag, 0x82, length >> 8, length & 0xff]);
}

/** Our SPKI's AlgorithmIdentifier, and Y from its BIT STRING (a minimal unsigned integer). */
function splitSpki(spki: Uint8Array): { algorithm: Uint8Array; y: Uint8Array } {
  const outer = tlv(spki, 0);
  const alg = tlv(spki, outer.start);
  const bits = tlv(spki, alg.end);
  if (outer.tag !== 0x30 || alg.tag !== 0x30 || bits.tag !== 0x03 || spki[bits.start] !== 0) throw new TypeError("unexpected DH SubjectPublicKeyInfo");
  const int = tlv(spki, bits.start + 1);
  if (int.tag !== 0x02) throw new TypeError("unexpected DH public key");
  let y = spki.subarray(int.start, int.end);
  while (y.length > 1 && y[0] === 0) y = y.subarray(1);
  return { algorithm: spki.subarray(outer.start, alg.end), y };
}

/** A DER INTEGER of the unsigned big-endian `n`, minimally encoded. */
function integer(n: Uint8Array): Uint8Array {
  let i = 0;
  while (i < n.length - 1 && n[i] === 0) i++;
  const value = n[i]! & 0x80 ? Buffer.concat([Buffer.from([0]), n.subarray(i)]) : n.subarray(i);
  return Buffer.concat([header(0x02, value.length), value]);
}

/** A SubjectPublicKeyInfo for `y` (unpadded or padded) under `algorithm`. */
function joinSpki(algorithm: Uint8Array, y: Uint8Array): Uint8Array {
  const int = integer(y);
  const bitString = Buffer.concat([header(0x03, int.length + 1), Buffer.from([0]), int]);
  return Buffer.concat([header(0x30, algorithm.length + bitString.length), algorithm, bitString]);
}

/** node:crypto's "dh" key generation, which @types/node does not declare. */
const generateDhKeyPair = generateKeyPairSync as unknown as (type: "dh", options: { prime: Buffer; generator: number }) => { publicKey: KeyObject; privateKey: KeyObject };

/** Each group's AlgorithmIdentifier as this OpenSSL writes it, learnt from our first key. */
const algorithms = new Map<FfdheGroupName, Uint8Array>();

function keyPair(group: FfdheGroupName, x?: Uint8Array): { privateKey: KeyObject; spki: Uint8Array } {
  if (x === undefined) {
    const pair = generateDhKeyPair("dh", { prime: Buffer.from(ffdhePrime(group)), generator: FFDHE_GENERATOR });
    return { privateKey: pair.privateKey, spki: new Uint8Array(pair.publicKey.export({ format: "der", type: "spki" })) };
  }
  // Tests only: PrivateKeyInfo { version 0, AlgorithmIdentifier, OCTET STRING { INTEGER x } }.
  const algorithm = algorithms.get(group) ?? splitSpki(keyPair(group).spki).algorithm;
  const secret = integer(x);
  const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x00]), algorithm, header(0x04, secret.length), secret]);
  const privateKey = createPrivateKey({ key: Buffer.concat([header(0x30, body.length), body]), format: "der", type: "pkcs8" });
  return { privateKey, spki: new Uint8Array(createPublicKey(privateKey).export({ format: "der", type: "spki" })) };
}

/**
 * The groups this OpenSSL computes. ffdhe2048 is tried with a key generation (a DH key with that
 * prime, ~1 ms); the larger groups stand or fall with it (OpenSSL, its FIPS provider included, knows
 * all five as named safe-prime groups, SP 800-56Ar3 Appendix D). Not an agreement as well: OpenSSL
 * 3.0 validates a public value with a full-size exponentiation, which made the probe 8 ms of every
 * process's first connection; key generation and agreement come from the same DH implementation.
 */
export function ffdheGroupsThatWork(): FfdheGroupName[] {
  try {
    generateDhKeyPair("dh", { prime: Buffer.from(ffdhePrime("ffdhe2048")), generator: FFDHE_GENERATOR });
    return [...FFDHE_GROUPS];
  } catch {
    return [];
  }
}

/**
 * A fresh share for `group`: our Y, padded, and agreement with the peer's Y (`derive` is the same,
 * synchronous). `privateKeyForTests` (big-endian x) is for known-answer and padding tests only: a share
 * otherwise always has a fresh key from OpenSSL's key generation.
 */
export function ffdheShare(group: FfdheGroupName, privateKeyForTests?: Uint8Array): KeyShare & { readonly derive: (peer: Uint8Array) => Uint8Array } {
  const length = ffdhePrime(group).length;
  const { privateKey, spki } = keyPair(group, privateKeyForTests);
  const { algorithm, y } = splitSpki(spki);
  if (!algorithms.has(group)) algorithms.set(group, algorithm.slice());
  const derive = (peer: Uint8Array): Uint8Array => {
    const problem = ffdhePublicValueProblem(group, peer);
    if (problem !== null) throw new TypeError(`invalid ${group} public key: ${problem}`);
    let secret: Buffer;
    try {
      const publicKey = createPublicKey({ key: Buffer.from(joinSpki(algorithms.get(group)!, peer)), format: "der", type: "spki" });
      secret = diffieHellman({ privateKey, publicKey });
    } catch {
      throw new TypeError(`invalid ${group} public key`);
    }
    return leftPad(secret, length);
  };
  return {
    group,
    publicKey: leftPad(y, length),
    derive,
    async agree(peer: Uint8Array): Promise<Uint8Array> {
      return derive(peer);
    },
  };
}

/** For tests: the SPKI helpers, to build a peer key from Y and to read Y back. */
export const spkiForTests = { splitSpki, joinSpki };
