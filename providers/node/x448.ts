// X448 key shares over node:crypto (RFC 7748; TLS: RFC 8446 4.2.8.2, RFC 8422), the counterpart of
// X25519's in index.ts. The public value is the 56-byte u-coordinate; the SubjectPublicKeyInfo around it
// (RFC 8410, id-X448 1.3.101.111) is a fixed prefix, built here so that the shared key-container code
// need not know a key type that only key exchange uses.
import type { KeyShare } from "../../src/crypto/provider.js";
import { nodeCrypto } from "./builtins.js";
const { createPublicKey, diffieHellman, generateKeyPairSync } = nodeCrypto;

/** SEQUENCE { SEQUENCE { OID 1.3.101.111 }, BIT STRING (0 unused bits) of 56 bytes }. */
const SPKI_PREFIX = Buffer.from("3042300506032b656f033900", "hex");
export const X448_LENGTH = 56;

const raw = (spki: Buffer): Uint8Array => {
  if (spki.length !== SPKI_PREFIX.length + X448_LENGTH || !spki.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)) {
    throw new TypeError("unexpected X448 SubjectPublicKeyInfo");
  }
  return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
};

/** Whether this OpenSSL runs X448 (OpenSSL's FIPS provider does not). */
export function x448Works(): boolean {
  try {
    const a = generateKeyPairSync("x448");
    diffieHellman({ privateKey: a.privateKey, publicKey: a.publicKey });
    return true;
  } catch {
    return false;
  }
}

export function x448Share(): KeyShare {
  const pair = generateKeyPairSync("x448");
  return {
    group: "x448",
    publicKey: raw(pair.publicKey.export({ format: "der", type: "spki" })),
    async agree(peer: Uint8Array): Promise<Uint8Array> {
      if (peer.length !== X448_LENGTH) throw new TypeError("invalid x448 public key");
      let secret: Uint8Array;
      try {
        const publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, peer]), format: "der", type: "spki" });
        secret = new Uint8Array(diffieHellman({ privateKey: pair.privateKey, publicKey }));
      } catch {
        // OpenSSL refuses to derive an all-zero result (a small-order u, RFC 7748 6.2).
        throw new TypeError("invalid x448 public key");
      }
      // RFC 7748 6.2 / RFC 8446 7.4.2: reject the all-zero output, should a library not.
      if (secret.every((b) => b === 0)) throw new TypeError("invalid x448 public key (small order)");
      return secret;
    },
  };
}
