// PKCS#12 (RFC 7292) files as `openssl pkcs12 -export` writes them by default in OpenSSL 3: an
// HMAC-SHA-256 integrity MAC keyed by the PKCS#12 KDF, certificates in a PBES2-encrypted bag and the
// key in a PBES2 shrouded key bag. Every algorithm is read before anything is decrypted, so a legacy
// file (RC2, 3DES, SHA-1 MAC: `-legacy`) fails with one error naming them all and how to re-export.
import type { HashAlgorithm } from "../crypto/provider.js";
import { HASH_LENGTH } from "../crypto/provider.js";
import { describePkcs8, describeSpki } from "../crypto/keyinfo.js";
import { equalBytes, utf8 } from "../codec/bytes.js";
import { KeyFileError } from "../errors.js";
import { parseCertificate } from "../verify/certificate.js";
import { type DerNode, DerError, isContext, octetString, oid, parseDer, sequence, smallUint, Tag, expectUniversal } from "../verify/der.js";
import { KEY_FILE_LIMITS, type UnwrapContext, badDecrypt, decryptPbes2, decryptPrivateKeyInfo, legacyAlgorithms, legacyError, malformed, readPbes2 } from "./pbes2.js";
import { bmpPassword, pkcs12Kdf } from "./pkcs12-kdf.js";

const OID_DATA = "1.2.840.113549.1.7.1";
const OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6";
const BAG = {
  key: "1.2.840.113549.1.12.10.1.1",
  shroudedKey: "1.2.840.113549.1.12.10.1.2",
  cert: "1.2.840.113549.1.12.10.1.3",
  safeContents: "1.2.840.113549.1.12.10.1.6",
} as const;
const OID_X509_CERT = "1.2.840.113549.1.9.22.1";
const OID_LOCAL_KEY_ID = "1.2.840.113549.1.9.21";
const OID_PBMAC1 = "1.2.840.113549.1.5.14";

const MAC_HASH: Readonly<Record<string, HashAlgorithm>> = {
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};
const LEGACY_MAC: Readonly<Record<string, string>> = { "1.3.14.3.2.26": "HMAC-SHA-1 MAC", "1.2.840.113549.2.5": "HMAC-MD5 MAC" };

/** MAC iterations beyond this are refused: each is one provider hash call. */
const MAX_MAC_ITERATIONS = 1_000_000;
/** Bags and certificates a file may hold; real ones hold a handful. */
const MAX_BAGS = 64;

export interface Pkcs12Contents {
  /** The certificate that matches the key first, then the others, each followed by its issuer where present. */
  readonly chain: readonly Uint8Array[];
  /** The private key, DER PKCS#8. */
  readonly pkcs8: Uint8Array;
}

interface Bag {
  readonly type: string;
  readonly value: DerNode;
  readonly localKeyId?: Uint8Array;
}

/** A part of the AuthenticatedSafe: plain bags, or bags encrypted under `algorithm`. */
type Part = { readonly bags: Bag[] } | { readonly algorithm: DerNode; readonly encrypted: Uint8Array };

/** Reads a PKCS#12 file: checks its MAC, decrypts it with `passphrase` and returns one key and its chain. */
export async function readPkcs12(der: Uint8Array, passphrase: string | null, ctx: UnwrapContext): Promise<Pkcs12Contents> {
  try {
    return await read(der, passphrase, ctx);
  } catch (e) {
    throw malformed(e, ctx.item);
  }
}

async function read(der: Uint8Array, passphrase: string | null, ctx: UnwrapContext): Promise<Pkcs12Contents> {
  if (der.length > 0 && der[0] !== 0x30) throw new KeyFileError("Malformed", `${ctx.item}: not a PKCS#12 file (DER); pass the file's bytes (a Buffer), not text`, ctx.item);
  // PFX ::= SEQUENCE { version 3, authSafe ContentInfo, macData MacData OPTIONAL }
  const [version, authSafe, macData] = sequence(parseDer(der, "PKCS#12", KEY_FILE_LIMITS), "PKCS#12", 2, 3);
  if (smallUint(version, "PKCS#12 version") !== 3) throw new DerError("PKCS#12: version is not 3");
  const safe = contentOf(authSafe!, "PKCS#12 authSafe");
  if (safe.type !== OID_DATA) {
    throw new KeyFileError("UnsupportedAlgorithm", `${ctx.item}: public-key integrity mode (authSafe ${safe.type}) is not supported; fipstls reads password-protected files`, ctx.item);
  }
  const authenticated = octetString(safe.content, "PKCS#12 authSafe data");
  const parts = sequence(parseDer(authenticated, "AuthenticatedSafe", KEY_FILE_LIMITS), "AuthenticatedSafe", 1, MAX_BAGS).map(readPart);

  // Every algorithm the file uses, before any is run.
  const legacy: string[] = [];
  const mac = macData === undefined ? null : readMac(macData, authenticated, legacy, ctx);
  for (const part of parts) {
    if ("algorithm" in part) legacy.push(...legacyAlgorithms(part.algorithm));
    else for (const bag of part.bags) if (bag.type === BAG.shroudedKey) legacy.push(...legacyAlgorithms(shroudedAlgorithm(bag)));
  }
  if (legacy.length > 0) throw legacyError(legacy, ctx, "pfx");

  // As OpenSSL's PKCS12_parse: no passphrase (or an empty one) may mean no password or an empty one.
  const candidates: (string | null)[] = passphrase === null || passphrase === "" ? ["", null] : [passphrase];
  let password: string | null = candidates[0]!;
  if (mac !== null) {
    const found = await firstMatching(candidates, (p) => macMatches(mac, p, ctx));
    if (found === undefined) {
      throw new KeyFileError(
        passphrase === null ? "PassphraseRequired" : "MacVerifyFailure",
        passphrase === null ? `${ctx.item}: the file is protected by a passphrase; pass passphrase` : `${ctx.item}: mac verify failure: the passphrase is wrong or the file is damaged`,
        passphrase === null ? "passphrase" : ctx.item,
      );
    }
    password = found;
  }
  // PBES2 inside PKCS#12 uses the passphrase's UTF-8 bytes, as OpenSSL writes it (RFC 7292's BMPString is for the PKCS#12 KDF only).
  const secret = utf8(password ?? "");

  const bags: Bag[] = [];
  for (const part of parts) {
    if ("bags" in part) bags.push(...part.bags);
    else bags.push(...readSafeContents(await decryptPbes2(readPbes2(part.algorithm, ctx), secret, part.encrypted, ctx), ctx, 0));
  }
  if (bags.length > MAX_BAGS) throw new DerError(`PKCS#12: more than ${MAX_BAGS} bags`);
  return assemble(bags, secret, ctx);
}

function contentOf(info: DerNode, what: string): { type: string; content: DerNode | undefined } {
  // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY OPTIONAL }
  const [type, explicit] = sequence(info, what, 1, 2);
  if (explicit !== undefined && (!isContext(explicit, 0) || explicit.children.length !== 1)) throw new DerError(`${what}: content is not [0] EXPLICIT`);
  return { type: oid(type, `${what} type`), content: explicit?.children[0] };
}

function readPart(info: DerNode): Part {
  const { type, content } = contentOf(info, "AuthenticatedSafe part");
  if (type === OID_DATA) return { bags: bagsOf(octetString(content, "SafeContents"), 0) };
  if (type !== OID_ENCRYPTED_DATA) throw new DerError(`AuthenticatedSafe part: content type ${type} is not data or encryptedData`);
  // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT OCTET STRING } , [1] attrs OPTIONAL }
  const [, eci] = sequence(content, "EncryptedData", 2, 3);
  const [, algorithm, encrypted] = sequence(eci, "EncryptedContentInfo", 3, 3);
  if (!isContext(encrypted, 0) || encrypted.constructed) throw new DerError("EncryptedContentInfo: encrypted content is not [0] IMPLICIT OCTET STRING");
  return { algorithm: algorithm!, encrypted: encrypted.content };
}

function bagsOf(der: Uint8Array, depth: number): Bag[] {
  if (depth > 1) throw new DerError("PKCS#12: safe contents nested too deep");
  const out: Bag[] = [];
  for (const node of sequence(parseDer(der, "SafeContents", KEY_FILE_LIMITS), "SafeContents", 0, MAX_BAGS)) {
    // SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF Attribute OPTIONAL }
    const [id, explicit, attributes] = sequence(node, "SafeBag", 2, 3);
    if (!isContext(explicit, 0) || explicit.children.length !== 1) throw new DerError("SafeBag: value is not [0] EXPLICIT");
    const type = oid(id, "SafeBag type");
    const value = explicit.children[0]!;
    if (type === BAG.safeContents) {
      out.push(...bagsOf(expectUniversal(value, Tag.Sequence, "nested SafeContents").raw, depth + 1));
      continue;
    }
    const localKeyId = attributes === undefined ? undefined : localKeyIdOf(attributes);
    out.push({ type, value, ...(localKeyId !== undefined ? { localKeyId } : {}) });
  }
  return out;
}

function readSafeContents(der: Uint8Array, ctx: UnwrapContext, depth: number): Bag[] {
  try {
    return bagsOf(der, depth);
  } catch (e) {
    // Decrypted bytes that do not parse: padding that happened to look right under a wrong password.
    if (e instanceof DerError) throw badDecrypt(ctx);
    throw e;
  }
}

function localKeyIdOf(attributes: DerNode): Uint8Array | undefined {
  for (const attribute of expectUniversal(attributes, Tag.Set, "SafeBag attributes").children) {
    const [type, values] = sequence(attribute, "SafeBag attribute", 2, 2);
    if (oid(type, "attribute type") === OID_LOCAL_KEY_ID) return octetString(expectUniversal(values, Tag.Set, "localKeyId").children[0], "localKeyId");
  }
  return undefined;
}

function shroudedAlgorithm(bag: Bag): DerNode {
  return sequence(bag.value, "EncryptedPrivateKeyInfo", 2, 2)[0]!;
}

interface Mac {
  readonly hash: HashAlgorithm;
  readonly digest: Uint8Array;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly data: Uint8Array;
}

function readMac(node: DerNode, data: Uint8Array, legacy: string[], ctx: UnwrapContext): Mac | null {
  // MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
  const [digestInfo, salt, count] = sequence(node, "MacData", 2, 3);
  const [algorithm, digest] = sequence(digestInfo, "MacData digest", 2, 2);
  const id = oid(sequence(algorithm, "MacData algorithm", 1, 2)[0], "MacData algorithm");
  const iterations = count === undefined ? 1 : smallUint(count, "MacData iterations");
  if (iterations < 1 || iterations > MAX_MAC_ITERATIONS) throw new KeyFileError("Malformed", `${ctx.item}: MAC iteration count ${iterations} is outside 1 to ${MAX_MAC_ITERATIONS}`, ctx.item);
  const hash = MAC_HASH[id];
  if (hash === undefined) {
    if (LEGACY_MAC[id] !== undefined) {
      legacy.push(LEGACY_MAC[id]);
      return null;
    }
    if (id === OID_PBMAC1) throw new KeyFileError("UnsupportedAlgorithm", `${ctx.item}: PBMAC1 (RFC 9579) integrity is not supported; export without -pbmac1_pbkdf2`, ctx.item);
    throw new KeyFileError("UnsupportedAlgorithm", `${ctx.item}: MAC digest ${id} is not supported; fipstls checks HMAC-SHA-256/384/512 MACs`, ctx.item);
  }
  const bytes = octetString(digest, "MacData digest");
  if (bytes.length !== HASH_LENGTH[hash]) throw new DerError("MacData: digest length does not fit its hash");
  return { hash, digest: bytes, salt: octetString(salt, "MacData salt"), iterations, data };
}

async function macMatches(mac: Mac, password: string | null, ctx: UnwrapContext): Promise<boolean> {
  const key = await pkcs12Kdf(ctx.provider, mac.hash, 3, bmpPassword(password), mac.salt, mac.iterations, HASH_LENGTH[mac.hash]);
  return equalBytes(await ctx.provider.hmac(mac.hash, key, mac.data), mac.digest);
}

async function firstMatching<T>(candidates: readonly T[], test: (c: T) => Promise<boolean>): Promise<T | undefined> {
  for (const c of candidates) if (await test(c)) return c;
  return undefined;
}

async function assemble(bags: readonly Bag[], secret: Uint8Array, ctx: UnwrapContext): Promise<Pkcs12Contents> {
  const keys = bags.filter((b) => b.type === BAG.key || b.type === BAG.shroudedKey);
  if (keys.length === 0) throw new KeyFileError("Malformed", `${ctx.item}: the file holds no private key`, ctx.item);
  if (keys.length > 1) throw new KeyFileError("Malformed", `${ctx.item}: the file holds ${keys.length} private keys; fipstls serves one key per context (use SNICallback or addContext for more)`, ctx.item);
  const keyBag = keys[0]!;
  const pkcs8 = keyBag.type === BAG.key ? expectUniversal(keyBag.value, Tag.Sequence, "KeyBag").raw.slice() : await decryptPrivateKeyInfo(keyBag.value.raw, secret, ctx);
  const certs = bags.filter((b) => b.type === BAG.cert).map((b) => ({ der: certificateOf(b), localKeyId: b.localKeyId }));
  const publicKey = describePkcs8(pkcs8).publicKey;
  const matchesKey = (der: Uint8Array): boolean => publicKey !== undefined && equalBytes(describeSpki(parseCertificate(der).spki).publicKey, publicKey);
  // The leaf: the certificate the key's localKeyId names, else the one with the key's public key (as PKCS12_parse).
  const leaf =
    (keyBag.localKeyId !== undefined ? certs.find((c) => c.localKeyId !== undefined && equalBytes(c.localKeyId, keyBag.localKeyId!)) : undefined) ?? certs.find((c) => matchesKey(c.der));
  if (leaf === undefined) throw new KeyFileError("Malformed", `${ctx.item}: no certificate in the file belongs to its private key`, ctx.item);
  return { chain: orderChain(leaf.der, certs.filter((c) => c !== leaf).map((c) => c.der)), pkcs8 };
}

function certificateOf(bag: Bag): Uint8Array {
  // CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }
  const [id, explicit] = sequence(bag.value, "CertBag", 2, 2);
  if (oid(id, "CertBag type") !== OID_X509_CERT) throw new DerError("CertBag: not an X.509 certificate");
  if (!isContext(explicit, 0) || explicit.children.length !== 1) throw new DerError("CertBag: value is not [0] EXPLICIT");
  return octetString(explicit.children[0], "CertBag certificate").slice();
}

/** Leaf, then each issuer found among the others, then whatever is left (OpenSSL sends all extra certificates too). */
function orderChain(leaf: Uint8Array, others: readonly Uint8Array[]): Uint8Array[] {
  const chain = [leaf];
  const rest = [...others];
  for (;;) {
    const last = parseCertificate(chain[chain.length - 1]!);
    if (equalBytes(last.issuerDer, last.subjectDer)) break;
    const at = rest.findIndex((c) => equalBytes(parseCertificate(c).subjectDer, last.issuerDer));
    if (at < 0) break;
    chain.push(...rest.splice(at, 1));
  }
  return [...chain, ...rest];
}
