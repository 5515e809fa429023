// Signature verification and signing keys over crypto.subtle. WebCrypto binds a key to one
// algorithm (and, for RSA, one hash) at import time, so imports are keyed by that pair; and it
// speaks IEEE P1363 r||s for ECDSA where TLS and X.509 speak DER, so we convert at the border.
import { toHex } from "../../src/codec/bytes.js";
import type { CurveName, HashAlgorithm, SignatureAlgorithm, SigningKey, SigningKeyType } from "../../src/crypto/provider.js";
import {
  CURVE_FIELD_BYTES,
  describePkcs8,
  describeSpki,
  ecdsaDerToRaw,
  ecdsaRawToDer,
  encodeSpki,
  keyFitsSignature,
  pkcs8AsRsaEncryption,
  spkiAsRsaEncryption,
  type KeyInfo,
  type PrivateKeyInfo,
} from "../../src/crypto/keyinfo.js";

/** Imported public keys by algorithm and SPKI. Public keys only; bounded. */
export type VerifyKeyCache = Map<string, CryptoKey>;
const VERIFY_CACHE_LIMIT = 64;

const HASHES: readonly HashAlgorithm[] = ["SHA-256", "SHA-384", "SHA-512"];

/** WebCrypto's typings want ArrayBuffer-backed views; copy only in the rare shared-buffer case. */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** Import parameters for a verifying key of `info`'s type under `algorithm`. */
function importParams(info: KeyInfo | PrivateKeyInfo, algorithm: SignatureAlgorithm): RsaHashedImportParams | EcKeyImportParams | Algorithm {
  switch (algorithm.type) {
    case "ecdsa":
      return { name: "ECDSA", namedCurve: info.curve! };
    case "rsa-pss":
      return { name: "RSA-PSS", hash: algorithm.hash };
    case "rsa-pkcs1":
      return { name: "RSASSA-PKCS1-v1_5", hash: algorithm.hash };
    case "ed25519":
      return { name: "Ed25519" };
  }
}

function operationParams(algorithm: SignatureAlgorithm): EcdsaParams | RsaPssParams | Algorithm {
  switch (algorithm.type) {
    case "ecdsa":
      return { name: "ECDSA", hash: algorithm.hash };
    case "rsa-pss":
      return { name: "RSA-PSS", saltLength: algorithm.saltLength };
    case "rsa-pkcs1":
      return { name: "RSASSA-PKCS1-v1_5" };
    case "ed25519":
      return { name: "Ed25519" };
  }
}

export async function verifySignature(
  subtle: SubtleCrypto,
  cache: VerifyKeyCache,
  algorithm: SignatureAlgorithm,
  spki: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const info = describeSpki(spki);
  // A key that cannot make this kind of signature makes no valid ones.
  if (!keyFitsSignature(info.type, algorithm.type)) return false;
  let sig = signature;
  if (algorithm.type === "ecdsa") {
    try {
      sig = ecdsaDerToRaw(signature, CURVE_FIELD_BYTES[info.curve!]);
    } catch {
      return false;
    }
  }
  const key = await verifyingKey(subtle, cache, info, algorithm, spki);
  try {
    return await subtle.verify(operationParams(algorithm), key, bufferSource(sig), bufferSource(message));
  } catch {
    return false;
  }
}

async function verifyingKey(
  subtle: SubtleCrypto,
  cache: VerifyKeyCache,
  info: KeyInfo,
  algorithm: SignatureAlgorithm,
  spki: Uint8Array,
): Promise<CryptoKey> {
  const id = `${algorithm.type}/${"hash" in algorithm ? algorithm.hash : ""}/${toHex(spki)}`;
  const cached = cache.get(id);
  if (cached !== undefined) return cached;
  const der = info.type === "rsa-pss" ? spkiAsRsaEncryption(spki) : spki;
  let key: CryptoKey;
  try {
    key = await subtle.importKey("spki", bufferSource(der), importParams(info, algorithm), false, ["verify"]);
  } catch {
    throw new TypeError(`could not import the ${info.type} public key`);
  }
  if (cache.size >= VERIFY_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(id, key);
  return key;
}

export async function importSigningKey(subtle: SubtleCrypto, pkcs8: Uint8Array, ed25519: boolean): Promise<SigningKey> {
  const info = describePkcs8(pkcs8);
  if (info.type === "x25519") throw new TypeError("an X25519 key cannot sign");
  if (info.type === "ed25519" && !ed25519) throw new TypeError("webcrypto provider: Ed25519 is not supported by this runtime");
  const type: SigningKeyType = info.type;
  const der = bufferSource(type === "rsa-pss" ? pkcs8AsRsaEncryption(pkcs8) : pkcs8);
  const spki = info.spki ?? (await spkiFromJwk(subtle, der, info));

  // One non-extractable CryptoKey per (algorithm, hash) the key may serve; imported up front so
  // that no copy of the private key bytes outlives this call.
  const keys = new Map<string, CryptoKey>();
  const load = async (algorithm: SignatureAlgorithm): Promise<void> => {
    const key = await subtle.importKey("pkcs8", der, importParams(info, algorithm), false, ["sign"]);
    keys.set(slot(algorithm), key);
  };
  try {
    if (type === "ec") await load({ type: "ecdsa", hash: "SHA-256" });
    else if (type === "ed25519") await load({ type: "ed25519" });
    else {
      for (const hash of HASHES) {
        await load({ type: "rsa-pss", hash, saltLength: 0 });
        if (type === "rsa") await load({ type: "rsa-pkcs1", hash });
      }
    }
  } catch {
    throw new TypeError(`could not import the ${type} private key`);
  }

  return {
    type,
    ...(info.curve !== undefined ? { curve: info.curve } : {}),
    ...(info.modulusBits !== undefined ? { modulusBits: info.modulusBits } : {}),
    spki,
    async sign(algorithm: SignatureAlgorithm, message: Uint8Array): Promise<Uint8Array> {
      if (!keyFitsSignature(type, algorithm.type)) throw new TypeError(`a ${type} key cannot make ${algorithm.type} signatures`);
      const key = keys.get(slot(algorithm))!;
      const sig = new Uint8Array(await subtle.sign(operationParams(algorithm), key, bufferSource(message)));
      return algorithm.type === "ecdsa" ? ecdsaRawToDer(sig, CURVE_FIELD_BYTES[info.curve as CurveName]) : sig;
    },
  };
}

/** Which imported key serves `algorithm`: ECDSA keys take the hash per call, RSA keys do not. */
function slot(algorithm: SignatureAlgorithm): string {
  return algorithm.type === "rsa-pss" || algorithm.type === "rsa-pkcs1" ? `${algorithm.type}/${algorithm.hash}` : algorithm.type;
}

/**
 * The public key of a PKCS#8 that does not carry it (EC without the optional SEC1 publicKey,
 * Ed25519 v1): a short-lived extractable import, read back as JWK, public fields only.
 */
async function spkiFromJwk(subtle: SubtleCrypto, der: Uint8Array<ArrayBuffer>, info: PrivateKeyInfo): Promise<Uint8Array> {
  const params = info.type === "ec" ? { name: "ECDSA", namedCurve: info.curve! } : { name: "Ed25519" };
  let jwk: JsonWebKey;
  try {
    const key = await subtle.importKey("pkcs8", der, params, true, ["sign"]);
    jwk = await subtle.exportKey("jwk", key);
  } catch {
    throw new TypeError(`could not import the ${info.type} private key`);
  }
  const x = fromBase64Url(jwk.x);
  if (info.type === "ed25519") return encodeSpki({ type: "ed25519" }, x);
  const y = fromBase64Url(jwk.y);
  const point = new Uint8Array([4, ...x, ...y]);
  return encodeSpki({ type: "ec", curve: info.curve! }, point);
}

/** JWK coordinates are unpadded base64url (RFC 7518); atob exists in every target runtime. */
function fromBase64Url(text: string | undefined): Uint8Array {
  const b64 = (text ?? "").replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}
