// The only door to cryptography (DESIGN.md rule 2). The protocol core composes these calls;
// it never hashes, MACs, encrypts or signs by itself.

export type HashAlgorithm = "SHA-256" | "SHA-384" | "SHA-512";

/**
 * The PRFs PBKDF2 runs with (RFC 8018 B.1): SHA-2, and SHA-1 only because older key files name it
 * (the config refuses it under a FIPS policy before asking a provider).
 */
export type Pbkdf2Hash = "SHA-1" | HashAlgorithm;

/** AES-CBC key sizes in bytes (16, 24 or 32 select AES-128, -192, -256). */
export const AES_CBC_KEY_LENGTHS: readonly number[] = [16, 24, 32];

export type AeadAlgorithm = "AES-128-GCM" | "AES-256-GCM" | "CHACHA20-POLY1305";

/** The elliptic-curve (ECDH) groups a provider computes, by their IANA (TLS) names. */
export type EcdhGroupName = "secp256r1" | "secp384r1" | "secp521r1" | "x25519" | "x448";

/** The RFC 7919 finite-field (FFDHE) groups, by their IANA (TLS) names. fipstls uses them in TLS 1.3 only. */
export type FfdheGroupName = "ffdhe2048" | "ffdhe3072" | "ffdhe4096" | "ffdhe6144" | "ffdhe8192";

/** The groups a provider computes itself (key shares): ECDH and finite-field DH. */
export type ProviderGroupName = EcdhGroupName | FfdheGroupName;

/** Hybrid post-quantum groups (draft-ietf-tls-ecdhe-mlkem): the core composes them from an ECDH group and a KEM. */
export type HybridGroupName = "X25519MLKEM768" | "SecP256r1MLKEM768" | "SecP384r1MLKEM1024";

/** Key-exchange groups by their IANA (TLS) names. */
export type GroupName = ProviderGroupName | HybridGroupName;

/** Key-encapsulation mechanisms (FIPS 203). */
export type KemAlgorithm = "ML-KEM-768" | "ML-KEM-1024";

/** Curves a signing or verifying key may be on. */
export type CurveName = "P-256" | "P-384" | "P-521";

/**
 * A signature primitive, independent of TLS's SignatureScheme codes (which tie a curve to a hash):
 * certificates may combine any ECDSA curve with any hash, so verification works at this level.
 * ECDSA signatures are always DER-encoded `Ecdsa-Sig-Value`, as in TLS and X.509.
 */
export type SignatureAlgorithm =
  | { readonly type: "ecdsa"; readonly hash: HashAlgorithm }
  | { readonly type: "rsa-pss"; readonly hash: HashAlgorithm; readonly saltLength: number }
  | { readonly type: "rsa-pkcs1"; readonly hash: HashAlgorithm }
  | { readonly type: "ed25519" };

export type SignatureType = SignatureAlgorithm["type"];

export interface FipsStatus {
  /** True only when the underlying module reports that it enforces FIPS mode. */
  readonly enforced: boolean;
  /** False when nothing about the module's FIPS state can be learned (e.g. WebCrypto). */
  readonly attestable: boolean;
  /**
   * The module's name and version as the module itself states them, e.g. "OpenSSL FIPS Provider 3.5.7";
   * never the version of a library that merely loads the module. Absent when it could not be read.
   */
  readonly module?: string;
  /** Plain-language account of how the status was determined. */
  readonly evidence: string;
  /** Each fact read about the module, with where it was read, so an auditor can check it. */
  readonly facts?: readonly FipsFact[];
  /** What the provider could not establish about its module, said plainly. */
  readonly notAttested?: readonly string[];
  /** CMVP validation: only ever "user-asserted" (a certificate number the user supplied) or "not established". */
  readonly cmvp?: CmvpStatus;
}

export interface FipsFact {
  /** Stable id, e.g. "module.version", "config.file". */
  readonly id: string;
  readonly value: string;
  /** Where the value came from: an API, a file and key, or "inferred: …" with the reasoning. */
  readonly source: string;
}

/** fipstls cannot read a module's CMVP certificate, so validation is either the user's word or unknown. */
export interface CmvpStatus {
  readonly status: "user-asserted" | "not established";
  /** The certificate number the user supplied, e.g. "#4985". */
  readonly certificate?: string;
  readonly statement: string;
}

export interface ProviderSupport {
  readonly hashes: readonly HashAlgorithm[];
  readonly aeads: readonly AeadAlgorithm[];
  readonly groups: readonly ProviderGroupName[];
  /** ML-KEM parameter sets the provider runs; absent or empty without ML-KEM (kemKeyPair and encapsulate then absent too). */
  readonly kems?: readonly KemAlgorithm[];
  readonly signatures: readonly SignatureType[];
  readonly curves: readonly CurveName[];
}

export interface Aead {
  readonly algorithm: AeadAlgorithm;
  /** Returns ciphertext || 16-byte tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Returns the plaintext, or null when authentication fails. Other failures throw. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | null>;
  /**
   * The same operations without a promise, where the platform computes synchronously (node:crypto).
   * The record layer then seals and opens bulk data with no promise, closure or extra copy per record.
   */
  readonly sync?: SyncAead;
}

export interface SyncAead {
  /**
   * Seals the concatenation of `plaintext` parts (so a caller can append a byte without copying the
   * rest) and writes ciphertext || 16-byte tag into `out` at `offset`, which must have room for it.
   * Returns the bytes written.
   */
  sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: readonly Uint8Array[], out: Uint8Array, offset: number): number;
  /** The plaintext, or null when authentication fails. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
}

export interface KeyShare {
  readonly group: GroupName;
  /**
   * The public value as TLS encodes it: uncompressed point for NIST curves, 32 bytes for X25519, 56 for
   * X448; for FFDHE, Y big-endian, left-padded with zeros to the length of the prime (RFC 8446 4.2.8.1).
   */
  readonly publicKey: Uint8Array;
  /**
   * The raw shared secret (the x-coordinate for NIST curves; for FFDHE, Z left-padded with zeros to the
   * length of the prime, RFC 8446 7.4.1). Rejects when the peer's value is not a valid point/key for the
   * group (for FFDHE: not exactly the prime's length, or not 1 < Y < p-1).
   */
  agree(peerPublicKey: Uint8Array): Promise<Uint8Array>;
}

/** A fresh ML-KEM key pair: the encapsulation key as FIPS 203 encodes it, and decapsulation with the private key. */
export interface KemKeyPair {
  readonly encapsulationKey: Uint8Array;
  /** The 32-byte shared secret for `ciphertext`; rejects when the ciphertext has the wrong length. */
  decapsulate(ciphertext: Uint8Array): Promise<Uint8Array>;
}

export interface KemEncapsulation {
  readonly ciphertext: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

export type SigningKeyType = "ec" | "rsa" | "rsa-pss" | "ed25519";

export interface SigningKey {
  readonly type: SigningKeyType;
  /** Set for "ec" keys. */
  readonly curve?: CurveName;
  /** Set for RSA keys. */
  readonly modulusBits?: number;
  /** DER SubjectPublicKeyInfo of the matching public key. */
  readonly spki: Uint8Array;
  sign(algorithm: SignatureAlgorithm, message: Uint8Array): Promise<Uint8Array>;
}

/** See CryptoProvider.runningHash. */
export interface RunningHash {
  update(data: Uint8Array): void;
  /** The digest of everything fed so far; the hash stays open for more. */
  digest(): Uint8Array;
  /** An independent copy of the state so far. */
  fork(): RunningHash;
}

export interface CryptoProvider {
  readonly name: string;
  readonly supports: ProviderSupport;
  fips(): FipsStatus;
  random(length: number): Uint8Array;
  hash(algorithm: HashAlgorithm, data: Uint8Array): Promise<Uint8Array>;
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /**
   * A hash fed piece by piece, whose digest so far can be read at any point and the feeding go on: the
   * handshake transcript then hashes each message once. Optional (WebCrypto has no incremental hash);
   * without it each Transcript-Hash hashes the whole transcript again.
   */
  runningHash?(algorithm: HashAlgorithm): RunningHash;
  /**
   * SHA-1, for identifiers only: OCSP CertIDs and responder key hashes name certificates with it
   * (RFC 6960 4.1.1). Never used for a signature. Without it, SHA-1 CertIDs cannot be matched.
   */
  sha1?(data: Uint8Array): Promise<Uint8Array>;
  aead(algorithm: AeadAlgorithm, key: Uint8Array): Promise<Aead>;
  keyShare(group: ProviderGroupName): Promise<KeyShare>;
  /** ML-KEM, where `supports.kems` lists the parameter set. */
  kemKeyPair?(algorithm: KemAlgorithm): Promise<KemKeyPair>;
  /** Encapsulates to a peer's encapsulation key; rejects when the key is not a valid one (FIPS 203 7.2). */
  encapsulate?(algorithm: KemAlgorithm, encapsulationKey: Uint8Array): Promise<KemEncapsulation>;
  /** Verifies `signature` over `message` with the key in DER SubjectPublicKeyInfo `spki`. */
  verify(algorithm: SignatureAlgorithm, spki: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** Imports a private key given as DER PKCS#8. */
  signingKey(pkcs8: Uint8Array): Promise<SigningKey>;
  /**
   * PBKDF2 (RFC 8018 5.2) with HMAC over `hash`: `length` bytes. Used to unwrap encrypted private keys
   * and PKCS#12 files (PBES2); optional, so providers without it simply cannot read such files.
   */
  pbkdf2?(hash: Pbkdf2Hash, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Promise<Uint8Array>;
  /**
   * AES-CBC decryption (NIST SP 800-38A 6.2) of whole blocks, with no padding removed: the caller
   * checks and strips PKCS#7 padding, so a wrong key is its error to name. Rejects when `data` is not
   * a multiple of 16 bytes, `iv` is not 16 bytes or the key not 16, 24 or 32 bytes.
   */
  decryptAesCbc?(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
}

export const HASH_LENGTH: Readonly<Record<HashAlgorithm, number>> = {
  "SHA-256": 32,
  "SHA-384": 48,
  "SHA-512": 64,
};

export const AEAD_KEY_LENGTH: Readonly<Record<AeadAlgorithm, number>> = {
  "AES-128-GCM": 16,
  "AES-256-GCM": 32,
  "CHACHA20-POLY1305": 32,
};
