// CryptoProvider over node:crypto. Every call is synchronous OpenSSL work wrapped in a resolved
// promise, which is faster than crypto.subtle's thread-pool hop for TLS-sized inputs. Algorithms
// are probed at creation, so under a FIPS-enforcing OpenSSL the ones it refuses (ChaCha20-Poly1305,
// X25519, X448; Ed25519 in some provider versions) are left out of `supports` instead of failing
// mid-handshake. fips() names the FIPS module from what OpenSSL read at startup (fips-evidence.ts).
import type { CipherGCMTypes, Hash, KeyObject } from "node:crypto";
import type {
  Aead,
  AeadAlgorithm,
  CmvpStatus,
  CryptoProvider,
  FipsStatus,
  HashAlgorithm,
  ProviderGroupName,
  KemAlgorithm,
  KemEncapsulation,
  KemKeyPair,
  KeyShare,
  ProviderSupport,
  RunningHash,
  SignatureAlgorithm,
  SigningKey,
  SigningKeyType,
  SignatureType,
} from "../../src/crypto/provider.js";
import { AEAD_KEY_LENGTH } from "../../src/crypto/provider.js";
import { RandomPool } from "../../src/crypto/random-pool.js";
import { mlKemAlgorithms, mlKemEncapsulate, mlKemKeyPair } from "./mlkem.js";
import { ffdheGroupsThatWork, ffdheShare } from "./ffdhe.js";
import { x448Share, x448Works } from "./x448.js";
import { OPENSSL_CURVE, ecdhShare } from "./ecdh.js";
import { isFfdhe } from "../../src/suites/ffdhe.js";
import { AEAD_CIPHER_NAME, AEAD_TAG, nodeAead } from "./aead.js";
import {
  CURVE_FIELD_BYTES,
  describePkcs8,
  describeSpki,
  ecdsaDerToRaw,
  keyFitsSignature,
  NIST_GROUP_CURVE,
  type KeyInfo,
} from "../../src/crypto/keyinfo.js";
import { type ModuleEvidence, readModuleEvidence } from "./fips-evidence.js";
import { decryptAesCbc, pbkdf2 } from "./pbe.js";
import { nodeCrypto } from "./builtins.js";
const { constants, createCipheriv, createHash, createHmac, createPrivateKey, createPublicKey, createSecretKey, diffieHellman, generateKeyPairSync, getCurves, getFips, randomFillSync, sign: nodeSign, verify: nodeVerify } = nodeCrypto;

const HASH_NAME: Readonly<Record<HashAlgorithm, string>> = { "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

/** A Transcript-Hash fed message by message: copy() forks OpenSSL's hash state, so a digest leaves the original open. */
function runningHash(state: Hash): RunningHash {
  return {
    update: (data) => void state.update(data),
    digest: () => bytes(state.copy().digest()),
    fork: () => runningHash(state.copy()),
  };
}
const KEY_CACHE_LIMIT = 64;

/**
 * Imported public keys by SPKI hex, shared by every provider instance (each connection may make its own,
 * and the same server and CA keys come back on every handshake); public data only, bounded, oldest
 * evicted first.
 */
const publicKeys = new Map<string, { info: KeyInfo; key: KeyObject }>();

/** What this OpenSSL offers; probed once per FIPS mode (crypto.setFips can switch it at runtime). */
const probed = new Map<number, ProviderSupport>();

function probeSupport(): ProviderSupport {
  const mode = getFips();
  const known = probed.get(mode);
  if (known !== undefined) return known;
  // Outside FIPS mode OpenSSL's default provider computes every curve libcrypto lists (getCurves());
  // a FIPS provider may refuse some, so there each is tried (P-521 key generation alone is 2 ms).
  const listed = new Set(getCurves());
  const curves = (["P-256", "P-384", "P-521"] as const).filter((c) =>
    mode === 0 ? listed.has(OPENSSL_CURVE[c]) : works(() => generateKeyPairSync("ec", { namedCurve: c })),
  );
  const x25519 = works(() => {
    const a = generateKeyPairSync("x25519");
    diffieHellman({ privateKey: a.privateKey, publicKey: a.publicKey });
  });
  const ed25519 = works(() => nodeSign(null, new Uint8Array(1), generateKeyPairSync("ed25519").privateKey));
  const aeads = (["AES-128-GCM", "AES-256-GCM", "CHACHA20-POLY1305"] as const).filter((a) =>
    works(() => createCipheriv(AEAD_CIPHER_NAME[a] as CipherGCMTypes, new Uint8Array(AEAD_KEY_LENGTH[a]), new Uint8Array(12), { authTagLength: AEAD_TAG }).final()),
  );
  const hashes = (["SHA-256", "SHA-384", "SHA-512"] as const).filter((h) => works(() => createHash(HASH_NAME[h]).digest()));
  const groups: ProviderGroupName[] = (["secp256r1", "secp384r1", "secp521r1"] as const).filter((g) => curves.includes(NIST_GROUP_CURVE[g]!));
  if (x25519) groups.push("x25519");
  if (x448Works()) groups.push("x448");
  groups.push(...ffdheGroupsThatWork());
  const kems = mlKemAlgorithms();
  const support: ProviderSupport = Object.freeze({
    hashes: Object.freeze(hashes),
    aeads: Object.freeze(aeads),
    groups: Object.freeze(groups),
    kems: Object.freeze(kems),
    signatures: Object.freeze<SignatureType[]>(["ecdsa", "rsa-pss", "rsa-pkcs1", ...(ed25519 ? (["ed25519"] as const) : [])]),
    curves: Object.freeze(curves),
  });
  probed.set(mode, support);
  return support;
}

export function nodeProvider(options: NodeProviderOptions = {}): CryptoProvider {
  const certificate = normalizeCertificate(options.fipsCertificate);
  const supports = probeSupport();
  const curves = supports.curves;
  const ed25519 = supports.signatures.includes("ed25519");
  const randomPool = new RandomPool((into) => randomFillSync(into));

  function publicKey(spki: Uint8Array): { info: KeyInfo; key: KeyObject } {
    const id = Buffer.from(spki.buffer, spki.byteOffset, spki.length).toString("hex");
    let entry = publicKeys.get(id);
    if (entry === undefined) {
      const info = describeSpki(spki);
      let key: KeyObject;
      try {
        key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
      } catch {
        throw new TypeError(`could not import the ${info.type} public key`);
      }
      entry = { info, key };
      if (publicKeys.size >= KEY_CACHE_LIMIT) publicKeys.delete(publicKeys.keys().next().value!);
      publicKeys.set(id, entry);
    }
    return entry;
  }

  return {
    name: "node",
    supports,
    fips: () => fipsStatus(supports, certificate),

    random: (length: number): Uint8Array => randomPool.take(length),

    async hash(algorithm: HashAlgorithm, data: Uint8Array): Promise<Uint8Array> {
      return bytes(createHash(HASH_NAME[algorithm]).update(data).digest());
    },

    async sha1(data: Uint8Array): Promise<Uint8Array> {
      return bytes(createHash("sha1").update(data).digest());
    },

    runningHash: (algorithm: HashAlgorithm): RunningHash => runningHash(createHash(HASH_NAME[algorithm])),

    async hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
      return bytes(createHmac(HASH_NAME[algorithm], key).update(data).digest());
    },

    async aead(algorithm: AeadAlgorithm, key: Uint8Array): Promise<Aead> {
      if (!supports.aeads.includes(algorithm)) throw new TypeError(`node provider: ${algorithm} is not available`);
      if (key.length !== AEAD_KEY_LENGTH[algorithm]) throw new TypeError(`${algorithm} needs a ${AEAD_KEY_LENGTH[algorithm]}-byte key`);
      // A KeyObject keeps the key inside OpenSSL-owned memory rather than a JS buffer we hold.
      return nodeAead(algorithm, createSecretKey(key));
    },

    async keyShare(group: ProviderGroupName): Promise<KeyShare> {
      if (!supports.groups.includes(group)) throw new TypeError(`node provider: group ${group} is not supported`);
      return isFfdhe(group) ? ffdheShare(group) : group === "x448" ? x448Share() : ecdhShare(group);
    },

    async kemKeyPair(algorithm: KemAlgorithm): Promise<KemKeyPair> {
      if (!supports.kems!.includes(algorithm)) throw new TypeError(`node provider: ${algorithm} is not available`);
      return mlKemKeyPair(algorithm);
    },

    async encapsulate(algorithm: KemAlgorithm, encapsulationKey: Uint8Array): Promise<KemEncapsulation> {
      if (!supports.kems!.includes(algorithm)) throw new TypeError(`node provider: ${algorithm} is not available`);
      return mlKemEncapsulate(algorithm, encapsulationKey);
    },

    async verify(algorithm: SignatureAlgorithm, spki: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
      if (!supports.signatures.includes(algorithm.type)) throw new TypeError(`node provider: ${algorithm.type} is not supported`);
      const { info, key } = publicKey(spki);
      if (!keyFitsSignature(info.type, algorithm.type)) return false;
      if (algorithm.type === "ecdsa") {
        // Same strict DER rules as the WebCrypto provider, so both accept exactly the same bytes.
        try {
          ecdsaDerToRaw(signature, CURVE_FIELD_BYTES[info.curve!]);
        } catch {
          return false;
        }
      }
      try {
        return nodeVerify(hashFor(algorithm), message, keyOptions(key, algorithm), signature);
      } catch {
        return false;
      }
    },

    async signingKey(pkcs8: Uint8Array): Promise<SigningKey> {
      const info = describePkcs8(pkcs8);
      if (info.type === "x25519") throw new TypeError("an X25519 key cannot sign");
      if (info.type === "ed25519" && !ed25519) throw new TypeError("node provider: Ed25519 is not available");
      if (info.type === "ec" && !curves.includes(info.curve!)) throw new TypeError(`node provider: curve ${info.curve} is not available`);
      let key: KeyObject;
      try {
        key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
      } catch {
        throw new TypeError(`could not import the ${info.type} private key`);
      }
      const type: SigningKeyType = info.type;
      const spki = bytes(createPublicKey(key).export({ format: "der", type: "spki" }));
      return {
        type,
        ...(info.curve !== undefined ? { curve: info.curve } : {}),
        ...(info.modulusBits !== undefined ? { modulusBits: info.modulusBits } : {}),
        spki,
        async sign(algorithm: SignatureAlgorithm, message: Uint8Array): Promise<Uint8Array> {
          if (!keyFitsSignature(type, algorithm.type)) throw new TypeError(`a ${type} key cannot make ${algorithm.type} signatures`);
          return bytes(nodeSign(hashFor(algorithm), message, keyOptions(key, algorithm)));
        },
      };
    },

    pbkdf2,
    decryptAesCbc,
  };
}

export interface NodeProviderOptions {
  /**
   * The CMVP certificate number of the module you deploy (e.g. "#4985"), if you rely on a validated
   * one. fipstls cannot check it: reports show it as user-asserted. Without it, CMVP status is
   * "not established".
   */
  readonly fipsCertificate?: string;
}

/** Evidence is read once per FIPS mode: OpenSSL read its configuration and loaded the module at startup. */
const evidenceByMode = new Map<number, ModuleEvidence>();

function fipsStatus(supports: ProviderSupport, certificate: string | undefined): FipsStatus {
  const value = getFips();
  const enforced = value === 1;
  let evidence = evidenceByMode.get(value);
  if (evidence === undefined) {
    // What probeSupport actually ran: AES-GCM encryption, EC key generation, hashing.
    const operational = [
      ...supports.aeads.filter((a) => a.startsWith("AES")).map((a) => `${a} encryption`),
      ...supports.curves.map((c) => `${c} key generation`),
      ...supports.hashes,
    ];
    evidence = readModuleEvidence(operational);
    evidenceByMode.set(value, evidence);
  }
  const text = enforced
    ? `node:crypto's crypto.getFips() returned 1 (FIPS mode on: OpenSSL fetches only fips=yes implementations by default); ` +
      (evidence.module !== undefined
        ? `the FIPS module is ${evidence.module}, as its module file states (see facts); process.versions.openssl (${process.versions.openssl}) is the libcrypto that loads it.`
        : `the FIPS module's name and version could not be read (see not attested); process.versions.openssl (${process.versions.openssl}) is only the libcrypto that loads it.`)
    : `node:crypto's crypto.getFips() returned ${value} (FIPS mode off); algorithms come from OpenSSL ${process.versions.openssl}'s default provider, built into libcrypto (process.versions.openssl), and ECDHE on the NIST curves from libcrypto's own EC code (node's ECDH class).`;
  return {
    enforced,
    attestable: true,
    ...(evidence.module !== undefined ? { module: evidence.module } : {}),
    evidence: text,
    facts: evidence.facts,
    notAttested: evidence.notAttested,
    cmvp: cmvpStatus(certificate, enforced ? evidence.module : undefined, enforced),
  };
}

function cmvpStatus(certificate: string | undefined, module: string | undefined, enforced: boolean): CmvpStatus {
  if (certificate === undefined) {
    return {
      status: "not established",
      statement:
        "CMVP status: not established. fipstls cannot read a module's CMVP certificate and does not take FIPS mode for validation; " +
        'name the certificate of the module you deploy (nodeProvider({ fipsCertificate: "#…" })) to record it as user-asserted.',
    };
  }
  return {
    status: "user-asserted",
    certificate,
    statement:
      `CMVP certificate ${certificate}: user-asserted. fipstls has not checked that it covers ${module ?? "the module in use"}, its version and build, ` +
      `or this operational environment; the certificate's security policy decides.${enforced ? "" : " The module is not in FIPS mode, so the certificate does not apply to these operations."}`,
  };
}

/** Accepts "#4985" or "4985"; CMVP certificate numbers are plain integers. */
function normalizeCertificate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*#?\s*([1-9]\d{0,5})\s*$/.exec(String(value));
  if (!m) throw new TypeError(`fipsCertificate must be a CMVP certificate number such as "#4985", not ${JSON.stringify(value)}`);
  return `#${m[1]}`;
}

function hashFor(algorithm: SignatureAlgorithm): string | null {
  return algorithm.type === "ed25519" ? null : HASH_NAME[algorithm.hash];
}

type KeyOptions = { key: KeyObject; dsaEncoding?: "der"; padding?: number; saltLength?: number };

function keyOptions(key: KeyObject, algorithm: SignatureAlgorithm): KeyOptions {
  switch (algorithm.type) {
    case "ecdsa":
      return { key, dsaEncoding: "der" };
    case "rsa-pss":
      return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength };
    case "rsa-pkcs1":
      return { key, padding: constants.RSA_PKCS1_PADDING };
    case "ed25519":
      return { key };
  }
}

/** A plain Uint8Array over a Buffer's bytes (Buffers are pooled and compare unequal in tests). */
function bytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer);
}

function works(probe: () => unknown): boolean {
  try {
    probe();
    return true;
  } catch {
    return false;
  }
}
