// CryptoProvider over WebCrypto (crypto.subtle). Uses nothing but globalThis.crypto, so the same
// file runs in browsers, workers, Deno, Bun and Node. What the runtime lacks (X25519, Ed25519 in
// older browsers) is detected once, at creation, and simply not advertised.
import type {
  Aead,
  AeadAlgorithm,
  CryptoProvider,
  CurveName,
  FipsStatus,
  EcdhGroupName,
  HashAlgorithm,
  KeyShare,
  ProviderSupport,
  SignatureAlgorithm,
  SignatureType,
} from "../../src/crypto/provider.js";
import { AEAD_KEY_LENGTH } from "../../src/crypto/provider.js";
import { CURVE_FIELD_BYTES, NIST_GROUP_CURVE, isUncompressedPoint } from "../../src/crypto/keyinfo.js";
import { decryptAesCbc, pbkdf2 } from "./pbe.js";
import { HmacKeys } from "./hmac.js";
import { RandomPool } from "../../src/crypto/random-pool.js";
import { bufferSource, importSigningKey, verifySignature, type VerifyKeyCache } from "./signatures.js";

const FIPS_STATUS: FipsStatus = {
  enforced: false,
  attestable: false,
  evidence:
    "WebCrypto reports no FIPS status: whether the module behind crypto.subtle is FIPS-validated, " +
    "or running in an approved mode, cannot be determined from JavaScript.",
};

/** getRandomValues fills at most 65536 bytes per call (WebCrypto spec). */
const RANDOM_CHUNK = 65536;

function fillRandom(out: Uint8Array): void {
  for (let offset = 0; offset < out.length; offset += RANDOM_CHUNK) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(out.length, offset + RANDOM_CHUNK)));
  }
}

/** Feature detection runs once per SubtleCrypto object. */
const features = new WeakMap<SubtleCrypto, Promise<[boolean, boolean]>>();

export async function webcryptoProvider(subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<CryptoProvider> {
  let detected = features.get(subtle);
  if (detected === undefined) {
    detected = Promise.all([detectX25519(subtle), detectEd25519(subtle)]);
    features.set(subtle, detected);
  }
  const [x25519, ed25519] = await detected;
  const supports: ProviderSupport = Object.freeze({
    hashes: Object.freeze(["SHA-256", "SHA-384", "SHA-512"] as const),
    aeads: Object.freeze(["AES-128-GCM", "AES-256-GCM"] as const),
    groups: Object.freeze<EcdhGroupName[]>(["secp256r1", "secp384r1", "secp521r1", ...(x25519 ? (["x25519"] as const) : [])]),
    signatures: Object.freeze<SignatureType[]>(["ecdsa", "rsa-pss", "rsa-pkcs1", ...(ed25519 ? (["ed25519"] as const) : [])]),
    curves: Object.freeze(["P-256", "P-384", "P-521"] as const),
  });
  const verifyCache: VerifyKeyCache = new Map();
  const hmacKeys = new HmacKeys(subtle);
  const randomPool = new RandomPool(fillRandom);

  function requireSignature(type: SignatureType): void {
    if (!supports.signatures.includes(type)) throw new TypeError(`webcrypto provider: ${type} is not supported by this runtime`);
  }

  return {
    name: "webcrypto",
    supports,
    fips: () => FIPS_STATUS,

    random: (length: number): Uint8Array => randomPool.take(length),

    async hash(algorithm: HashAlgorithm, data: Uint8Array): Promise<Uint8Array> {
      return new Uint8Array(await subtle.digest(algorithm, bufferSource(data)));
    },

    async sha1(data: Uint8Array): Promise<Uint8Array> {
      return new Uint8Array(await subtle.digest("SHA-1", bufferSource(data)));
    },

    hmac: (algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> => hmacKeys.sign(algorithm, key, data),

    async aead(algorithm: AeadAlgorithm, key: Uint8Array): Promise<Aead> {
      if (algorithm !== "AES-128-GCM" && algorithm !== "AES-256-GCM") {
        throw new TypeError(`webcrypto provider: ${algorithm} is not available in WebCrypto`);
      }
      if (key.length !== AEAD_KEY_LENGTH[algorithm]) throw new TypeError(`${algorithm} needs a ${AEAD_KEY_LENGTH[algorithm]}-byte key`);
      const cryptoKey = await subtle.importKey("raw", bufferSource(key), "AES-GCM", false, ["encrypt", "decrypt"]);
      return gcm(subtle, algorithm, cryptoKey);
    },

    async keyShare(group: EcdhGroupName): Promise<KeyShare> {
      if (!supports.groups.includes(group)) throw new TypeError(`webcrypto provider: group ${group} is not supported`);
      return group === "x25519" ? x25519Share(subtle) : nistShare(subtle, group, NIST_GROUP_CURVE[group]!);
    },

    async verify(algorithm: SignatureAlgorithm, spki: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
      requireSignature(algorithm.type);
      return verifySignature(subtle, verifyCache, algorithm, spki, message, signature);
    },

    async signingKey(pkcs8: Uint8Array) {
      return importSigningKey(subtle, pkcs8, ed25519);
    },

    pbkdf2: (hash, password, salt, iterations, length) => pbkdf2(subtle, hash, password, salt, iterations, length),
    decryptAesCbc: (key, iv, data) => decryptAesCbc(subtle, key, iv, data),
  };
}

function gcm(subtle: SubtleCrypto, algorithm: AeadAlgorithm, key: CryptoKey): Aead {
  const params = (nonce: Uint8Array, aad: Uint8Array): AesGcmParams => {
    // TLS always uses 96-bit nonces; anything else is a caller bug, not a peer's doing.
    if (nonce.length !== 12) throw new TypeError("AEAD nonce must be 12 bytes");
    return { name: "AES-GCM", iv: bufferSource(nonce), additionalData: bufferSource(aad), tagLength: 128 };
  };
  return {
    algorithm,
    async seal(nonce, aad, plaintext) {
      return new Uint8Array(await subtle.encrypt(params(nonce, aad), key, bufferSource(plaintext)));
    },
    async open(nonce, aad, ciphertext) {
      const p = params(nonce, aad);
      if (ciphertext.length < 16) return null;
      try {
        return new Uint8Array(await subtle.decrypt(p, key, bufferSource(ciphertext)));
      } catch (e) {
        // OperationError is WebCrypto's (only) way of saying "tag mismatch".
        if (e instanceof Error && e.name === "OperationError") return null;
        throw e;
      }
    },
  };
}

async function nistShare(subtle: SubtleCrypto, group: EcdhGroupName, curve: CurveName): Promise<KeyShare> {
  const pair = (await subtle.generateKey({ name: "ECDH", namedCurve: curve }, false, ["deriveBits"])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  const field = CURVE_FIELD_BYTES[curve];
  return {
    group,
    publicKey,
    async agree(peer: Uint8Array): Promise<Uint8Array> {
      // RFC 8446 4.2.8.2: uncompressed points only (WebCrypto would also take compressed ones).
      if (!isUncompressedPoint(curve, peer)) throw new TypeError(`invalid ${group} public key`);
      let peerKey: CryptoKey;
      try {
        peerKey = await subtle.importKey("raw", bufferSource(peer), { name: "ECDH", namedCurve: curve }, false, []);
      } catch {
        throw new TypeError(`invalid ${group} public key`);
      }
      // deriveBits wants bits; P-521's 521-bit x-coordinate is 66 bytes = 528 bits.
      const bits = await subtle.deriveBits({ name: "ECDH", public: peerKey }, pair.privateKey, field * 8);
      return new Uint8Array(bits);
    },
  };
}

async function x25519Share(subtle: SubtleCrypto): Promise<KeyShare> {
  const pair = (await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  return {
    group: "x25519",
    publicKey,
    async agree(peer: Uint8Array): Promise<Uint8Array> {
      if (peer.length !== 32) throw new TypeError("invalid x25519 public key");
      let secret: Uint8Array;
      try {
        const peerKey = await subtle.importKey("raw", bufferSource(peer), { name: "X25519" }, false, []);
        secret = new Uint8Array(await subtle.deriveBits({ name: "X25519", public: peerKey }, pair.privateKey, 256));
      } catch {
        throw new TypeError("invalid x25519 public key");
      }
      // RFC 7748 section 6.1 / RFC 8446 7.4.2: a small-order peer key yields all zeros. Some
      // runtimes refuse it themselves, others return the zeros, so check here as well.
      if (secret.every((b) => b === 0)) throw new TypeError("invalid x25519 public key (small order)");
      return secret;
    },
  };
}

async function detectX25519(subtle: SubtleCrypto): Promise<boolean> {
  try {
    const pair = (await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"])) as CryptoKeyPair;
    const raw = await subtle.exportKey("raw", pair.publicKey);
    const peer = await subtle.importKey("raw", raw, { name: "X25519" }, false, []);
    return (await subtle.deriveBits({ name: "X25519", public: peer }, pair.privateKey, 256)).byteLength === 32;
  } catch {
    return false;
  }
}

async function detectEd25519(subtle: SubtleCrypto): Promise<boolean> {
  try {
    const pair = (await subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as CryptoKeyPair;
    const message = new Uint8Array(1);
    const signature = await subtle.sign("Ed25519", pair.privateKey, message);
    return await subtle.verify("Ed25519", pair.publicKey, signature, message);
  } catch {
    return false;
  }
}
