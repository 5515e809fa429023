// Key containers (SPKI, PKCS#8, SEC1, PKCS#1) and ECDSA signature encodings, shared by both
// providers. Runtime-agnostic: parsing uses the strict DER reader, building uses the small DER writer
// (der-writer.ts), so the bytes we emit are exactly the ones we mean. Error messages never quote key material.
import { type DerNode, DerSyntaxError, TagClass, oidText, readDer } from "../codec/der.js";
import { fromHex } from "../codec/bytes.js";
import { decodePem } from "../codec/pem.js";
import type { CurveName, EcdhGroupName, SignatureType } from "./provider.js";
import { bitString, derInteger, tlv } from "./der-writer.js";

export { ecdsaDerToRaw, ecdsaRawToDer } from "./ecdsa.js";

export type KeyType = "ec" | "rsa" | "rsa-pss" | "ed25519" | "x25519";

/** What a SubjectPublicKeyInfo holds. */
export interface KeyInfo {
  readonly type: KeyType;
  /** Set for "ec" keys. */
  readonly curve?: CurveName;
  /** Set for RSA keys. */
  readonly modulusBits?: number;
  /** The raw BIT STRING contents: a point, 32 bytes, or a DER RSAPublicKey. */
  readonly publicKey: Uint8Array;
}

/** What a PKCS#8 PrivateKeyInfo holds, minus the secret. */
export interface PrivateKeyInfo {
  readonly type: KeyType;
  readonly curve?: CurveName;
  readonly modulusBits?: number;
  /** The public key as an SPKI BIT STRING would carry it, when the PKCS#8 contains or implies it. */
  readonly publicKey?: Uint8Array;
  /** The matching SubjectPublicKeyInfo (same AlgorithmIdentifier), when `publicKey` is known. */
  readonly spki?: Uint8Array;
}

const OID_RSA = "1.2.840.113549.1.1.1";
const OID_RSA_PSS = "1.2.840.113549.1.1.10";
const OID_EC = "1.2.840.10045.2.1";
const OID_ED25519 = "1.3.101.112";
const OID_X25519 = "1.3.101.110";

const CURVE_BY_OID: Readonly<Record<string, CurveName>> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
};

// DER encodings of the OIDs above (tag, length, contents), for building structures.
const DER_OID_RSA = fromHex("06092a864886f70d010101");
const DER_OID_EC = fromHex("06072a8648ce3d0201");
const DER_OID_ED25519 = fromHex("06032b6570");
const DER_OID_X25519 = fromHex("06032b656e");
const DER_CURVE_OID: Readonly<Record<CurveName, Uint8Array>> = {
  "P-256": fromHex("06082a8648ce3d030107"),
  "P-384": fromHex("06052b81040022"),
  "P-521": fromHex("06052b81040023"),
};
const DER_NULL = fromHex("0500");

/** Bytes of one field element (and of r and s in a raw ECDSA signature). */
export const CURVE_FIELD_BYTES: Readonly<Record<CurveName, number>> = { "P-256": 32, "P-384": 48, "P-521": 66 };

/** The curve of each NIST ECDHE group, by its TLS name. */
export const NIST_GROUP_CURVE: Readonly<Partial<Record<EcdhGroupName, CurveName>>> = { secp256r1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

/** An uncompressed point of `curve`'s size (0x04 || x || y): the only form TLS (RFC 8446 4.2.8.2) and WebCrypto exchange. */
export function isUncompressedPoint(curve: CurveName, point: Uint8Array): boolean {
  return point.length === 1 + 2 * CURVE_FIELD_BYTES[curve] && point[0] === 0x04;
}

// ---------------------------------------------------------------------------------------------
// Public API

export function describeSpki(der: Uint8Array): KeyInfo {
  const top = parseDer(der, "SubjectPublicKeyInfo");
  const [alg, bits] = children(top, "SubjectPublicKeyInfo", 2, 2);
  const algorithm = parseAlgorithm(alg!, "SubjectPublicKeyInfo");
  const publicKey = bitStringBytes(bits!, "SubjectPublicKeyInfo public key");
  return { ...describeAlgorithm(algorithm, publicKey, "SubjectPublicKeyInfo"), publicKey };
}

export function describePkcs8(der: Uint8Array): PrivateKeyInfo {
  const top = parseDer(der, "PKCS#8 private key");
  const items = children(top, "PKCS#8 private key", 3, 5);
  const version = integerValue(items[0]!, "PKCS#8 version");
  if (version !== 0 && version !== 1) throw new TypeError("PKCS#8 private key: unsupported version");
  const algorithm = parseAlgorithm(items[1]!, "PKCS#8 private key");
  const inner = octetStringBytes(items[2]!, "PKCS#8 private key");
  let publicKey: Uint8Array | undefined;
  for (const extra of items.slice(3)) {
    // OneAsymmetricKey (RFC 5958): [0] attributes, [1] IMPLICIT BIT STRING publicKey.
    if (extra.tagClass === TagClass.Context && extra.tagNumber === 1 && !extra.constructed) {
      publicKey = implicitBitStringBytes(extra, "PKCS#8 public key");
    }
  }
  const type = keyTypeOf(algorithm.oid, "PKCS#8 private key");
  let curve: CurveName | undefined;
  let modulusBits: number | undefined;
  if (type === "rsa" || type === "rsa-pss") {
    const rsa = parseRsaPrivateKey(inner);
    modulusBits = bitLength(rsa.n);
    publicKey = rsaPublicKeyDer(rsa.n, rsa.e);
  } else if (type === "ec") {
    curve = namedCurve(algorithm.params, "PKCS#8 private key");
    const sec1 = parseSec1(inner);
    if (sec1.curve !== undefined && sec1.curve !== curve) throw new TypeError("PKCS#8 EC key: curve parameters disagree");
    publicKey ??= sec1.publicKey;
  } else {
    if (algorithm.params !== undefined) throw new TypeError(`PKCS#8 ${type} key: unexpected algorithm parameters`);
    const seed = octetStringBytes(parseDer(inner, `PKCS#8 ${type} key`), `PKCS#8 ${type} key`);
    if (seed.length !== 32) throw new TypeError(`PKCS#8 ${type} key: private key must be 32 bytes`);
  }
  if (publicKey !== undefined) checkPublicKey(type, curve, publicKey, "PKCS#8 public key");
  const spki = publicKey === undefined ? undefined : tlv(0x30, algorithm.der, bitString(publicKey));
  return {
    type,
    ...(curve !== undefined ? { curve } : {}),
    ...(modulusBits !== undefined ? { modulusBits } : {}),
    ...(publicKey !== undefined ? { publicKey, spki } : {}),
  };
}

/**
 * Normalises a private key to PKCS#8 DER. `label` is the PEM label: "PRIVATE KEY" passes through,
 * "EC PRIVATE KEY" (SEC1, RFC 5915) and "RSA PRIVATE KEY" (PKCS#1, RFC 8017) are wrapped.
 */
export function toPkcs8(label: string, der: Uint8Array): Uint8Array {
  switch (label) {
    case "PRIVATE KEY":
      describePkcs8(der);
      return der.slice();
    case "EC PRIVATE KEY": {
      const sec1 = parseSec1(der);
      if (sec1.curve === undefined) throw new TypeError("SEC1 EC key names no curve; cannot wrap it as PKCS#8");
      return tlv(0x30, fromHex("020100"), tlv(0x30, DER_OID_EC, DER_CURVE_OID[sec1.curve]), tlv(0x04, der));
    }
    case "RSA PRIVATE KEY":
      parseRsaPrivateKey(der);
      return tlv(0x30, fromHex("020100"), tlv(0x30, DER_OID_RSA, DER_NULL), tlv(0x04, der));
    case "ENCRYPTED PRIVATE KEY":
      throw new TypeError("encrypted private keys are not supported; decrypt the key first");
    default:
      throw new TypeError(`unsupported private key label "${label}"`);
  }
}

const PRIVATE_KEY_LABELS = new Set(["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]);

/** Reads the first private key in a PEM text (other blocks, such as EC PARAMETERS, are skipped). */
export function importPrivateKeyPem(text: string): Uint8Array {
  const block = decodePem(text).find((b) => PRIVATE_KEY_LABELS.has(b.label));
  if (block === undefined) throw new TypeError("no PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block in the PEM text");
  return toPkcs8(block.label, block.der);
}

/** Builds a SubjectPublicKeyInfo. For RSA, `publicKey` is a DER RSAPublicKey. */
export function encodeSpki(key: { readonly type: KeyType; readonly curve?: CurveName }, publicKey: Uint8Array): Uint8Array {
  let alg: Uint8Array;
  if (key.type === "ec") {
    if (key.curve === undefined) throw new TypeError("an EC public key needs a curve");
    alg = tlv(0x30, DER_OID_EC, DER_CURVE_OID[key.curve]);
  } else if (key.type === "rsa") alg = tlv(0x30, DER_OID_RSA, DER_NULL);
  else if (key.type === "ed25519") alg = tlv(0x30, DER_OID_ED25519);
  else if (key.type === "x25519") alg = tlv(0x30, DER_OID_X25519);
  else throw new TypeError("cannot build an RSASSA-PSS SubjectPublicKeyInfo without its parameters");
  checkPublicKey(key.type, key.curve, publicKey, "public key");
  return tlv(0x30, alg, bitString(publicKey));
}

/**
 * Rewrites an id-RSASSA-PSS SPKI as rsaEncryption with the same key bits. WebCrypto cannot import
 * the former; the hash/salt constraints its parameters may carry are dropped, so callers choose them.
 */
export function spkiAsRsaEncryption(der: Uint8Array): Uint8Array {
  const info = describeSpki(der);
  if (info.type !== "rsa" && info.type !== "rsa-pss") throw new TypeError("not an RSA public key");
  return encodeSpki({ type: "rsa" }, info.publicKey);
}

/** The PKCS#8 counterpart of spkiAsRsaEncryption. */
export function pkcs8AsRsaEncryption(der: Uint8Array): Uint8Array {
  const info = describePkcs8(der);
  if (info.type !== "rsa" && info.type !== "rsa-pss") throw new TypeError("not an RSA private key");
  const items = children(parseDer(der, "PKCS#8 private key"), "PKCS#8 private key", 3, 5);
  const inner = octetStringBytes(items[2]!, "PKCS#8 private key");
  return tlv(0x30, fromHex("020100"), tlv(0x30, DER_OID_RSA, DER_NULL), tlv(0x04, inner));
}

/** Which key types each signature algorithm may use (RFC 8446 4.2.3: PSS keys never sign PKCS#1). */
export function keyFitsSignature(key: KeyType, signature: SignatureType): boolean {
  switch (signature) {
    case "ecdsa":
      return key === "ec";
    case "rsa-pss":
      return key === "rsa" || key === "rsa-pss";
    case "rsa-pkcs1":
      return key === "rsa";
    case "ed25519":
      return key === "ed25519";
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing helpers

interface Algorithm {
  readonly oid: string;
  readonly params?: DerNode;
  /** The AlgorithmIdentifier exactly as encoded, reused when building the matching SPKI. */
  readonly der: Uint8Array;
}

// Keys are small and shallow; these bounds only keep hostile input cheap.
const KEY_LIMITS = { maxDepth: 16, maxNodes: 256, maxContentLength: 1 << 16 };

// Universal tags read here.
const INTEGER = 2;
const BIT_STRING = 3;
const OCTET_STRING = 4;
const OID = 6;
const SEQUENCE = 16;

function parseDer(der: Uint8Array, what: string): DerNode {
  try {
    return readDer(der, KEY_LIMITS);
  } catch (e) {
    if (e instanceof DerSyntaxError) throw new TypeError(`${what}: malformed DER (${e.detail})`);
    throw e;
  }
}

function isUniversal(block: DerNode | undefined, tag: number): block is DerNode {
  return block !== undefined && block.tagClass === TagClass.Universal && block.tagNumber === tag;
}

function children(block: DerNode, what: string, min: number, max: number): readonly DerNode[] {
  if (!isUniversal(block, SEQUENCE)) throw new TypeError(`${what}: expected SEQUENCE`);
  const items = block.children;
  if (items.length < min || items.length > max) throw new TypeError(`${what}: wrong number of fields`);
  return items;
}

function oidOf(block: DerNode | undefined, what: string): string {
  if (!isUniversal(block, OID)) throw new TypeError(`${what}: algorithm is not an OID`);
  try {
    return oidText(block.content);
  } catch (e) {
    if (e instanceof DerSyntaxError) throw new TypeError(`${what}: malformed OID`);
    throw e;
  }
}

function parseAlgorithm(block: DerNode, what: string): Algorithm {
  const items = children(block, `${what} algorithm`, 1, 2);
  const params = items[1];
  return { oid: oidOf(items[0], what), ...(params ? { params } : {}), der: block.raw.slice() };
}

function keyTypeOf(oid: string, what: string): KeyType {
  switch (oid) {
    case OID_RSA:
      return "rsa";
    case OID_RSA_PSS:
      return "rsa-pss";
    case OID_EC:
      return "ec";
    case OID_ED25519:
      return "ed25519";
    case OID_X25519:
      return "x25519";
    default:
      throw new TypeError(`${what}: unsupported key algorithm ${oid}`);
  }
}

function describeAlgorithm(alg: Algorithm, publicKey: Uint8Array, what: string): Omit<KeyInfo, "publicKey"> {
  const type = keyTypeOf(alg.oid, what);
  if (type === "ec") {
    const curve = namedCurve(alg.params, what);
    checkPublicKey(type, curve, publicKey, `${what} public key`);
    return { type, curve };
  }
  if (type === "rsa" || type === "rsa-pss") {
    const [n] = children(parseDer(publicKey, "RSAPublicKey"), "RSAPublicKey", 2, 2).map((b) => integerBytes(b, "RSAPublicKey"));
    return { type, modulusBits: bitLength(n!) };
  }
  if (alg.params !== undefined) throw new TypeError(`${what}: unexpected ${type} algorithm parameters`);
  checkPublicKey(type, undefined, publicKey, `${what} public key`);
  return { type };
}

function namedCurve(params: DerNode | undefined, what: string): CurveName {
  if (!isUniversal(params, OID)) throw new TypeError(`${what}: EC parameters must be a named curve`);
  const name = oidOf(params, what);
  const curve = CURVE_BY_OID[name];
  if (curve === undefined) throw new TypeError(`${what}: unsupported curve ${name}`);
  return curve;
}

function checkPublicKey(type: KeyType, curve: CurveName | undefined, key: Uint8Array, what: string): void {
  if (type === "ec") {
    if (!isUncompressedPoint(curve!, key)) throw new TypeError(`${what}: not an uncompressed ${curve} point`);
  } else if ((type === "ed25519" || type === "x25519") && key.length !== 32) {
    throw new TypeError(`${what}: ${type} keys are 32 bytes`);
  }
}

function parseSec1(der: Uint8Array): { curve?: CurveName; publicKey?: Uint8Array } {
  // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters, [1] publicKey }
  const items = children(parseDer(der, "SEC1 EC private key"), "SEC1 EC private key", 2, 4);
  if (integerValue(items[0]!, "SEC1 version") !== 1) throw new TypeError("SEC1 EC private key: unsupported version");
  const scalar = octetStringBytes(items[1]!, "SEC1 EC private key");
  let curve: CurveName | undefined;
  let publicKey: Uint8Array | undefined;
  for (const extra of items.slice(2)) {
    if (extra.tagClass !== TagClass.Context || !extra.constructed) throw new TypeError("SEC1 EC private key: unexpected field");
    const [inner] = extra.children;
    if (extra.tagNumber === 0) curve = namedCurve(inner, "SEC1 EC private key");
    else if (extra.tagNumber === 1 && inner) publicKey = bitStringBytes(inner, "SEC1 public key");
    else throw new TypeError("SEC1 EC private key: unexpected field");
  }
  if (curve !== undefined && scalar.length !== CURVE_FIELD_BYTES[curve]) throw new TypeError("SEC1 EC private key: wrong scalar length");
  if (curve !== undefined && publicKey !== undefined) checkPublicKey("ec", curve, publicKey, "SEC1 public key");
  return { ...(curve ? { curve } : {}), ...(publicKey ? { publicKey } : {}) };
}

function parseRsaPrivateKey(der: Uint8Array): { n: Uint8Array; e: Uint8Array } {
  // RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv, otherPrimeInfos OPTIONAL }
  const items = children(parseDer(der, "PKCS#1 RSA private key"), "PKCS#1 RSA private key", 9, 10);
  if (integerValue(items[0]!, "PKCS#1 version") !== 0) throw new TypeError("PKCS#1 RSA private key: multi-prime keys are not supported");
  const ints = items.slice(1, 9).map((b) => integerBytes(b, "PKCS#1 RSA private key"));
  return { n: ints[0]!, e: ints[1]! };
}

function rsaPublicKeyDer(n: Uint8Array, e: Uint8Array): Uint8Array {
  return tlv(0x30, derInteger(n), derInteger(e));
}

function integerContent(block: DerNode, what: string): Uint8Array {
  if (!isUniversal(block, INTEGER)) throw new TypeError(`${what}: expected INTEGER`);
  const c = block.content;
  if (c.length === 0) throw new TypeError(`${what}: empty INTEGER`);
  if (c.length > 1 && ((c[0] === 0x00 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) throw new TypeError(`${what}: non-minimal INTEGER`);
  return c;
}

function integerBytes(block: DerNode, what: string): Uint8Array {
  const bytes = integerContent(block, what);
  if (bytes[0]! & 0x80) throw new TypeError(`${what}: INTEGER must be positive`);
  return bytes[0] === 0 && bytes.length > 1 ? bytes.slice(1) : bytes.slice();
}

function integerValue(block: DerNode, what: string): number {
  const bytes = integerContent(block, what);
  return bytes.length === 1 ? bytes[0]! : -1;
}

function octetStringBytes(block: DerNode, what: string): Uint8Array {
  if (!isUniversal(block, OCTET_STRING)) throw new TypeError(`${what}: expected OCTET STRING`);
  return block.content.slice();
}

function bitStringBytes(block: DerNode, what: string): Uint8Array {
  if (!isUniversal(block, BIT_STRING)) throw new TypeError(`${what}: expected BIT STRING`);
  if (block.content.length === 0 || block.content[0] !== 0) throw new TypeError(`${what}: BIT STRING has unused bits`);
  return block.content.slice(1);
}

function implicitBitStringBytes(block: DerNode, what: string): Uint8Array {
  const content = block.content;
  if (content.length < 1 || content[0] !== 0) throw new TypeError(`${what}: malformed BIT STRING`);
  return content.slice(1);
}

function bitLength(magnitude: Uint8Array): number {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  if (i === magnitude.length) return 0;
  return (magnitude.length - i - 1) * 8 + (32 - Math.clz32(magnitude[i]!));
}
