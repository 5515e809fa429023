// Password-based decryption as OpenSSL 3 writes it: PBES2 (RFC 8018 6.2) with PBKDF2 and AES-CBC, for
// encrypted PKCS#8 keys (RFC 5958 3) and the encrypted parts of PKCS#12 files. The provider derives
// and decrypts; here the parameters are read, bounded and judged. Older schemes (PKCS#12 PBE with
// 3DES/RC2/RC4, PBES1, DES-EDE3 in PBES2) are named in a KeyFileError, never run.
import type { CryptoProvider, Pbkdf2Hash } from "../crypto/provider.js";
import { describePkcs8 } from "../crypto/keyinfo.js";
import type { Policy } from "../policy/policy.js";
import { KeyFileError } from "../errors.js";
import { type DerNode, DerError, type DerLimits, isUniversal, octetString, oid, parseDer, sequence, smallUint, Tag } from "../verify/der.js";

/** Bounds for key files: larger than any real one, small enough for a hostile one. */
export const KEY_FILE_LIMITS: DerLimits = { maxDepth: 24, maxNodes: 8192, maxContentLength: 1 << 22 };

/** PBKDF2 iterations beyond this are refused rather than run (OpenSSL writes 2048; generous tools 600000). */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

const OID_PBES2 = "1.2.840.113549.1.5.13";
const OID_PBKDF2 = "1.2.840.113549.1.5.12";

const PRF: Readonly<Record<string, { hash: Pbkdf2Hash; name: string }>> = {
  "1.2.840.113549.2.7": { hash: "SHA-1", name: "hmacWithSHA1" },
  "1.2.840.113549.2.9": { hash: "SHA-256", name: "hmacWithSHA256" },
  "1.2.840.113549.2.10": { hash: "SHA-384", name: "hmacWithSHA384" },
  "1.2.840.113549.2.11": { hash: "SHA-512", name: "hmacWithSHA512" },
};

const AES_CBC: Readonly<Record<string, { keyLength: number; name: string }>> = {
  "2.16.840.1.101.3.4.1.2": { keyLength: 16, name: "aes-128-cbc" },
  "2.16.840.1.101.3.4.1.22": { keyLength: 24, name: "aes-192-cbc" },
  "2.16.840.1.101.3.4.1.42": { keyLength: 32, name: "aes-256-cbc" },
};

/** Schemes older files use, by name, so that an error can say exactly what the file holds. */
export const LEGACY_SCHEMES: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.12.1.1": "pbeWithSHAAnd128BitRC4",
  "1.2.840.113549.1.12.1.2": "pbeWithSHAAnd40BitRC4",
  "1.2.840.113549.1.12.1.3": "pbeWithSHAAnd3-KeyTripleDES-CBC",
  "1.2.840.113549.1.12.1.4": "pbeWithSHAAnd2-KeyTripleDES-CBC",
  "1.2.840.113549.1.12.1.5": "pbeWithSHAAnd128BitRC2-CBC",
  "1.2.840.113549.1.12.1.6": "pbeWithSHAAnd40BitRC2-CBC",
  "1.2.840.113549.1.5.1": "pbeWithMD2AndDES-CBC",
  "1.2.840.113549.1.5.3": "pbeWithMD5AndDES-CBC",
  "1.2.840.113549.1.5.4": "pbeWithMD2AndRC2-CBC",
  "1.2.840.113549.1.5.6": "pbeWithMD5AndRC2-CBC",
  "1.2.840.113549.1.5.10": "pbeWithSHA1AndDES-CBC",
  "1.2.840.113549.1.5.11": "pbeWithSHA1AndRC2-CBC",
  // Ciphers PBES2 may name.
  "1.2.840.113549.3.7": "des-ede3-cbc",
  "1.3.14.3.2.7": "des-cbc",
  "1.2.840.113549.3.2": "rc2-cbc",
};

/** Who asks, for errors and the policy decision. */
export interface UnwrapContext {
  readonly provider: CryptoProvider;
  readonly policy: Policy;
  /** The option the bytes came from ("key", "pfx"), named in errors. */
  readonly item: string;
}

export interface Pbes2Parameters {
  readonly prf: { hash: Pbkdf2Hash; name: string };
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly cipher: { keyLength: number; name: string };
  readonly iv: Uint8Array;
}

/** A policy that requires a FIPS provider takes only what such a provider approves. */
export const fipsOnly = (policy: Policy): boolean => policy.requireFipsProvider;

/** The scheme an AlgorithmIdentifier names, for messages: a legacy name, "PBES2", or the OID. */
export function schemeName(algorithm: DerNode): string {
  const id = oid(sequence(algorithm, "encryption algorithm", 1, 2)[0], "encryption algorithm");
  return id === OID_PBES2 ? "PBES2" : (LEGACY_SCHEMES[id] ?? id);
}

/**
 * The legacy algorithms an AlgorithmIdentifier uses (a PKCS#12 PBE, PBES1, or a PBES2 whose cipher
 * is not AES), or none. Read before anything is decrypted, so that one error names all of them.
 */
export function legacyAlgorithms(algorithm: DerNode): string[] {
  const [id, params] = sequence(algorithm, "encryption algorithm", 1, 2);
  const scheme = oid(id, "encryption algorithm");
  if (scheme !== OID_PBES2) return LEGACY_SCHEMES[scheme] !== undefined ? [LEGACY_SCHEMES[scheme]] : [];
  const [, encryption] = sequence(params, "PBES2 parameters", 2, 2);
  const cipher = oid(sequence(encryption, "PBES2 encryption scheme", 1, 2)[0], "PBES2 encryption scheme");
  return LEGACY_SCHEMES[cipher] !== undefined ? [LEGACY_SCHEMES[cipher]] : [];
}

/** Reads PBES2 parameters, refusing what fipstls does not run and, under a FIPS policy, what is not approved. */
export function readPbes2(algorithm: DerNode, ctx: UnwrapContext): Pbes2Parameters {
  const [id, params] = sequence(algorithm, "encryption algorithm", 1, 2);
  const scheme = oid(id, "encryption algorithm");
  if (scheme !== OID_PBES2) {
    const name = LEGACY_SCHEMES[scheme];
    if (name !== undefined) throw legacyError([name], ctx, "key");
    throw new KeyFileError("UnsupportedAlgorithm", `${ctx.item}: encryption scheme ${scheme} is not supported; fipstls reads PBES2 (PBKDF2 with AES-CBC)`, ctx.item);
  }
  const [kdf, encryption] = sequence(params, "PBES2 parameters", 2, 2);
  const [kdfId, kdfParams] = sequence(kdf, "PBES2 key derivation", 1, 2);
  const kdfOid = oid(kdfId, "PBES2 key derivation");
  if (kdfOid !== OID_PBKDF2) {
    throw new KeyFileError("UnsupportedAlgorithm", `${ctx.item}: key derivation ${kdfOid} is not supported (scrypt and others); fipstls reads PBKDF2`, ctx.item);
  }
  // PBKDF2-params ::= SEQUENCE { salt CHOICE { specified OCTET STRING, ... }, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1 }
  const fields = sequence(kdfParams, "PBKDF2 parameters", 2, 4);
  if (!isUniversal(fields[0], Tag.OctetString)) throw new KeyFileError("UnsupportedAlgorithm", `${ctx.item}: PBKDF2 salt from another source is not supported`, ctx.item);
  const salt = octetString(fields[0], "PBKDF2 salt");
  const iterations = smallUint(fields[1], "PBKDF2 iteration count");
  if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new KeyFileError("Malformed", `${ctx.item}: PBKDF2 iteration count ${iterations} is outside 1 to ${MAX_PBKDF2_ITERATIONS}`, ctx.item);
  }
  let keyLength: number | undefined;
  let prfNode: DerNode | undefined;
  for (const f of fields.slice(2)) {
    if (isUniversal(f, Tag.Integer) && keyLength === undefined && prfNode === undefined) keyLength = smallUint(f, "PBKDF2 key length");
    else if (isUniversal(f, Tag.Sequence) && prfNode === undefined) prfNode = f;
    else throw new DerError("PBKDF2 parameters: unexpected field");
  }
  const prfOid = prfNode === undefined ? "1.2.840.113549.2.7" : oid(sequence(prfNode, "PBKDF2 PRF", 1, 2)[0], "PBKDF2 PRF");
  const prf = PRF[prfOid];
  if (prf === undefined) throw new KeyFileError("UnsupportedAlgorithm", `${ctx.item}: PBKDF2 PRF ${prfOid} is not supported; fipstls reads hmacWithSHA1/256/384/512`, ctx.item);
  const [cipherId, ivNode] = sequence(encryption, "PBES2 encryption scheme", 1, 2);
  const cipherOid = oid(cipherId, "PBES2 encryption scheme");
  const cipher = AES_CBC[cipherOid];
  if (cipher === undefined) {
    const name = LEGACY_SCHEMES[cipherOid];
    if (name !== undefined) throw legacyError([name], ctx, "key");
    throw new KeyFileError("UnsupportedAlgorithm", `${ctx.item}: PBES2 cipher ${cipherOid} is not supported; fipstls reads AES-128/192/256-CBC`, ctx.item);
  }
  const iv = octetString(ivNode, "AES-CBC IV");
  if (iv.length !== 16) throw new DerError("AES-CBC IV: not 16 bytes");
  if (keyLength !== undefined && keyLength !== cipher.keyLength) throw new DerError(`PBKDF2 key length ${keyLength} does not fit ${cipher.name}`);
  if (prf.hash === "SHA-1" && fipsOnly(ctx.policy)) {
    throw new KeyFileError(
      "NotApprovedByPolicy",
      `${ctx.item}: the key is encrypted with PBKDF2-${prf.name}, which policy ${ctx.policy.id} does not approve (PBKDF2 with HMAC-SHA-2 only); ` +
        `re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256`,
      ctx.item,
    );
  }
  return { prf, salt, iterations, cipher, iv };
}

/**
 * Decrypts `data` under PBES2 with `password` (bytes as given: OpenSSL uses the passphrase's bytes).
 * A wrong password almost always breaks the PKCS#7 padding: that is "BadDecrypt", as OpenSSL says.
 */
export async function decryptPbes2(p: Pbes2Parameters, password: Uint8Array, data: Uint8Array, ctx: UnwrapContext): Promise<Uint8Array> {
  const { provider } = ctx;
  if (provider.pbkdf2 === undefined || provider.decryptAesCbc === undefined) {
    throw new KeyFileError("ProviderLacksAlgorithm", `${ctx.item}: provider "${provider.name}" has no PBKDF2 or AES-CBC, so it cannot decrypt keys`, ctx.item);
  }
  if (data.length === 0 || data.length % 16 !== 0) throw new KeyFileError("Malformed", `${ctx.item}: encrypted data is not whole AES blocks`, ctx.item);
  let plain: Uint8Array;
  try {
    const key = await provider.pbkdf2(p.prf.hash, password, p.salt, p.iterations, p.cipher.keyLength);
    plain = await provider.decryptAesCbc(key, p.iv, data);
  } catch (e) {
    // A FIPS module applies SP 800-132's minimums (salt, iterations) and says which it refused.
    throw new KeyFileError("ProviderRefused", `${ctx.item}: provider "${provider.name}" refused PBKDF2-${p.prf.name} / ${p.cipher.name}: ${(e as Error).message}`, ctx.item);
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > 16 || plain.subarray(plain.length - pad).some((b) => b !== pad)) throw badDecrypt(ctx);
  return plain.subarray(0, plain.length - pad);
}

export function badDecrypt(ctx: UnwrapContext): KeyFileError {
  return new KeyFileError("BadDecrypt", `${ctx.item}: bad decrypt: the passphrase is wrong or the ${ctx.item === "pfx" ? "file" : "key"} is damaged`, ctx.item === "pfx" ? "pfx" : "passphrase");
}

/** The error for files that use algorithms fipstls does not run (and a FIPS policy would not approve). */
export function legacyError(names: readonly string[], ctx: UnwrapContext, kind: "key" | "pfx"): KeyFileError {
  const list = [...new Set(names)].join(", ");
  const how =
    kind === "pfx"
      ? "re-export it with OpenSSL 3's defaults (PBES2, AES-256-CBC, HMAC-SHA-256 MAC): openssl pkcs12 -in old.p12 -nodes | openssl pkcs12 -export -out new.p12 (without -legacy)"
      : "re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256";
  if (fipsOnly(ctx.policy)) {
    return new KeyFileError("NotApprovedByPolicy", `${ctx.item}: uses ${list}, not approved under policy ${ctx.policy.id} (PBKDF2 with HMAC-SHA-2 and AES-CBC only); ${how}`, ctx.item);
  }
  return new KeyFileError("LegacyAlgorithm", `${ctx.item}: uses ${list} (legacy); fipstls decrypts only PBES2 with PBKDF2 and AES-CBC; ${how}`, ctx.item);
}

/** Decrypts an EncryptedPrivateKeyInfo (RFC 5958 3) to PKCS#8 DER, checked to parse. */
export async function decryptPrivateKeyInfo(der: Uint8Array, password: Uint8Array, ctx: UnwrapContext): Promise<Uint8Array> {
  const [algorithm, data] = sequence(parseDer(der, "EncryptedPrivateKeyInfo", KEY_FILE_LIMITS), "EncryptedPrivateKeyInfo", 2, 2);
  const params = readPbes2(algorithm!, ctx);
  const pkcs8 = await decryptPbes2(params, password, octetString(data, "EncryptedPrivateKeyInfo data"), ctx);
  try {
    describePkcs8(pkcs8);
  } catch {
    // Padding that happens to look right under a wrong key: the plaintext is not a key.
    throw badDecrypt(ctx);
  }
  return pkcs8;
}

/** A DerError (a file that does not parse) as the KeyFileError a caller sees. */
export function malformed(e: unknown, item: string): unknown {
  return e instanceof DerError ? new KeyFileError("Malformed", `${item}: ${e.message}`, item) : e;
}
