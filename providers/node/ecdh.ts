// ECDHE key shares over node:crypto: the NIST curves and X25519 (RFC 8446 4.2.8.2). Public values
// cross the border as JWK coordinates, not DER: OpenSSL 3.0's DER encoder and decoder cost 0.2 ms a
// call here (export and import of a P-256 SubjectPublicKeyInfo), JWK a few microseconds to export.
// Outside FIPS mode the NIST curves use node's ECDH class, which skips the EVP key objects and costs
// about a quarter of a full handshake's key exchange; under FIPS mode every step stays on the EVP
// path, whose key generation and derivation OpenSSL routes to the FIPS provider.
import type { JsonWebKey, KeyObject } from "node:crypto";
import type { CurveName, EcdhGroupName, KeyShare } from "../../src/crypto/provider.js";
import { CURVE_FIELD_BYTES, NIST_GROUP_CURVE, isUncompressedPoint } from "../../src/crypto/keyinfo.js";
import { nodeCrypto } from "./builtins.js";
const { createECDH, createPublicKey, diffieHellman, generateKeyPairSync, getFips } = nodeCrypto;

/** OpenSSL's names for node's ECDH class. */
export const OPENSSL_CURVE: Readonly<Record<CurveName, string>> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1" };
const X25519_LENGTH = 32;

export function ecdhShare(group: Exclude<EcdhGroupName, "x448">): KeyShare {
  const curve = NIST_GROUP_CURVE[group];
  if (curve === undefined) return x25519Share();
  return getFips() === 1 ? evpNistShare(group, curve) : ecdhClassShare(group, curve);
}

/** RFC 8446 4.2.8.2: an uncompressed point of the curve's size, and nothing else (OpenSSL would take compressed ones). */
function checkUncompressed(group: EcdhGroupName, curve: CurveName, peer: Uint8Array): void {
  if (!isUncompressedPoint(curve, peer)) throw new TypeError(`invalid ${group} public key`);
}

function ecdhClassShare(group: EcdhGroupName, curve: CurveName): KeyShare {
  const ecdh = createECDH(OPENSSL_CURVE[curve]);
  const publicKey = new Uint8Array(ecdh.generateKeys());
  return {
    group,
    publicKey,
    async agree(peer: Uint8Array): Promise<Uint8Array> {
      checkUncompressed(group, curve, peer);
      try {
        // OpenSSL refuses a point that is not on the curve (EC_POINT_oct2point), and the point at infinity.
        return new Uint8Array(ecdh.computeSecret(peer));
      } catch {
        throw new TypeError(`invalid ${group} public key`);
      }
    },
  };
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64url");

/** A JWK coordinate as exactly `length` bytes (OpenSSL pads them to the field size; check anyway). */
function coordinate(value: string | undefined, length: number): Uint8Array {
  const raw = Buffer.from(value ?? "", "base64url");
  if (raw.length !== length) throw new TypeError("unexpected JWK coordinate length");
  return raw;
}

function evpNistShare(group: EcdhGroupName, curve: CurveName): KeyShare {
  const pair = generateKeyPairSync("ec", { namedCurve: curve });
  const field = CURVE_FIELD_BYTES[curve];
  const jwk = pair.publicKey.export({ format: "jwk" });
  const publicKey = new Uint8Array(1 + 2 * field);
  publicKey[0] = 0x04;
  publicKey.set(coordinate(jwk.x, field), 1);
  publicKey.set(coordinate(jwk.y, field), 1 + field);
  return {
    group,
    publicKey,
    async agree(peer: Uint8Array): Promise<Uint8Array> {
      checkUncompressed(group, curve, peer);
      const peerJwk: JsonWebKey = { kty: "EC", crv: curve, x: b64(peer.subarray(1, 1 + field)), y: b64(peer.subarray(1 + field)) };
      return derive(group, pair.privateKey, peerJwk);
    },
  };
}

function x25519Share(): KeyShare {
  const pair = generateKeyPairSync("x25519");
  const publicKey = coordinate(pair.publicKey.export({ format: "jwk" }).x, X25519_LENGTH);
  return {
    group: "x25519",
    publicKey: new Uint8Array(publicKey),
    async agree(peer: Uint8Array): Promise<Uint8Array> {
      if (peer.length !== X25519_LENGTH) throw new TypeError("invalid x25519 public key");
      const secret = await derive("x25519", pair.privateKey, { kty: "OKP", crv: "X25519", x: b64(peer) });
      // RFC 7748 6.1 / RFC 8446 7.4.2: reject the all-zero X25519 output (OpenSSL already does).
      if (secret.every((b) => b === 0)) throw new TypeError("invalid x25519 public key (small order)");
      return secret;
    },
  };
}

async function derive(group: EcdhGroupName, privateKey: KeyObject, peer: JsonWebKey): Promise<Uint8Array> {
  try {
    // OpenSSL checks that an EC point is on the curve as it imports it.
    const publicKey = createPublicKey({ key: peer, format: "jwk" });
    return new Uint8Array(diffieHellman({ privateKey, publicKey }));
  } catch {
    throw new TypeError(`invalid ${group} public key`);
  }
}
