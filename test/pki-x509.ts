// A fast, fully controllable PKI for verifier tests, made in memory with @peculiar/x509 over
// WebCrypto: every field a rule looks at (validity, extensions and their criticality, name
// constraints, signature algorithm, serial, CRLs) is a parameter. Extension values are written with
// the tiny DER writer below, so tests can also build what no CA should ever issue.
//
//   const pki = new X509Pki();
//   const root = await pki.root({ subject: "CN=Root" });
//   const leaf = await pki.issue(root, { dns: ["example.com"] });
//   const crl = await pki.crl(root, { revoked: [leaf] });
import * as x509 from "@peculiar/x509";
import { encodePem } from "../src/codec/pem.js";
import { ecdsaRawToDer } from "../src/crypto/ecdsa.js";
import { parseDer, sequence } from "../src/verify/der.js";

x509.cryptoProvider.set(globalThis.crypto);
const subtle = globalThis.crypto.subtle;

export type KeyKind = "ec-p256" | "ec-p384" | "ec-p521" | "rsa-2048" | "rsa-1024" | "ed25519";
export type Hash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

export interface Made {
  readonly der: Uint8Array;
  readonly pem: string;
  readonly subject: string;
  readonly serial: string;
  readonly kind: KeyKind;
  readonly keys: CryptoKeyPair;
  readonly x509: x509.X509Certificate;
}

export type Subtree = { dns: string } | { ip: string } | { dn: string } | { email: string } | { uri: string };

export interface CertSpec {
  /** RFC 4514-style; default a unique CN. */
  readonly subject?: string;
  /** Reuse a key pair (cross-signing), or choose a new key's type; default a fresh P-256 key. */
  readonly key?: KeyKind | Made;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Hex; default random and positive. */
  readonly serial?: string;
  /** basicConstraints: cA (default: true for roots and `ca`), null to omit the extension. */
  readonly ca?: boolean | null;
  readonly pathLen?: number;
  /** keyUsage bits (x509.KeyUsageFlags), null to omit; default by role. */
  readonly keyUsage?: number | null;
  /** extKeyUsage OIDs, null to omit; default serverAuth+clientAuth for leaves, none for CAs. */
  readonly eku?: readonly string[] | null;
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
  readonly emails?: readonly string[];
  readonly uris?: readonly string[];
  readonly nameConstraints?: { readonly permitted?: readonly Subtree[]; readonly excluded?: readonly Subtree[]; readonly critical?: boolean };
  /** authorityKeyIdentifier: null omits it; otherwise its criticality and which fields it carries. */
  readonly aki?: null | { readonly critical?: boolean; readonly keyId?: boolean; readonly issuerAndSerial?: boolean };
  /** subjectKeyIdentifier: null omits it, or mark it critical. */
  readonly ski?: null | { readonly critical: boolean };
  /** Criticality overrides for the extensions made from the fields above. */
  readonly sanCritical?: boolean;
  readonly ekuCritical?: boolean;
  readonly basicConstraintsCritical?: boolean;
  /** More extensions, e.g. rawExtension("1.2.3.4", true, der.nul()). */
  readonly extensions?: readonly x509.Extension[];
  readonly hash?: Hash;
  /** Sign with RSASSA-PSS (RSA issuers only). */
  readonly pss?: boolean;
  /** Flip a bit in the signature value after signing. */
  readonly corruptSignature?: boolean;
}

export interface CrlSpec {
  readonly revoked?: readonly (Made | string)[];
  readonly reason?: x509.X509CrlReason;
  readonly thisUpdate?: Date;
  /** null omits nextUpdate. */
  readonly nextUpdate?: Date | null;
  readonly extensions?: readonly x509.Extension[];
  readonly hash?: Hash;
  /** cRLNumber: null omits it (a non-conforming CRL), or mark it critical. */
  readonly crlNumber?: null | { readonly critical: boolean };
  /** Sign with this key instead of the issuer's (a forged CRL). */
  readonly signer?: Made;
}

export const EKU = { serverAuth: "1.3.6.1.5.5.7.3.1", clientAuth: "1.3.6.1.5.5.7.3.2", any: "2.5.29.37.0", codeSigning: "1.3.6.1.5.5.7.3.3" } as const;
export const KU = x509.KeyUsageFlags;

// ---------------------------------------------------------------------------------------------
// A DER writer just big enough for extension values.

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat([new Uint8Array([tag, ...len]), body]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

export const der = {
  tlv,
  seq: (...parts: Uint8Array[]) => tlv(0x30, ...parts),
  bool: (v: boolean) => tlv(0x01, new Uint8Array([v ? 0xff : 0])),
  int: (n: number) => tlv(0x02, new Uint8Array(n < 0x80 ? [n] : [n >> 8, n & 0xff])),
  nul: () => new Uint8Array([0x05, 0x00]),
  oid: (dotted: string) => {
    const [a, b, ...rest] = dotted.split(".").map(Number);
    const bytes = [a! * 40 + b!];
    for (const arc of rest) {
      const groups = [arc & 0x7f];
      for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
      bytes.push(...groups);
    }
    return tlv(0x06, new Uint8Array(bytes));
  },
  ia5: (tag: number, s: string) => tlv(tag, ascii(s)),
};

/** An extension with any OID, criticality and DER value. */
export function rawExtension(oid: string, critical: boolean, value: Uint8Array): x509.Extension {
  return new x509.Extension(oid, critical, value.slice().buffer as ArrayBuffer);
}

/** IPv4 or IPv6 text to bytes (test input only: trusted to be well formed). */
export function ipBytes(text: string): Uint8Array {
  if (text.includes(".") && !text.includes(":")) return new Uint8Array(text.split(".").map(Number));
  const [head, tail] = text.split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return new Uint8Array(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

function subtreeDer(s: Subtree): Uint8Array {
  if ("dns" in s) return der.seq(der.ia5(0x82, s.dns));
  if ("email" in s) return der.seq(der.ia5(0x81, s.email));
  if ("uri" in s) return der.seq(der.ia5(0x86, s.uri));
  if ("dn" in s) return der.seq(tlv(0xa4, new Uint8Array(new x509.Name(s.dn).toArrayBuffer())));
  const [addr, bits] = s.ip.split("/") as [string, string];
  const a = ipBytes(addr);
  const mask = new Uint8Array(a.length);
  for (let i = 0; i < Number(bits); i++) mask[i >> 3]! |= 0x80 >> (i & 7);
  return der.seq(tlv(0x87, a, mask));
}

export function nameConstraintsExtension(nc: NonNullable<CertSpec["nameConstraints"]>): x509.Extension {
  const parts: Uint8Array[] = [];
  if (nc.permitted?.length) parts.push(tlv(0xa0, ...nc.permitted.map(subtreeDer)));
  if (nc.excluded?.length) parts.push(tlv(0xa1, ...nc.excluded.map(subtreeDer)));
  return rawExtension("2.5.29.30", nc.critical ?? true, der.seq(...parts));
}

function keyUsageExtension(bits: number): x509.Extension {
  return new x509.KeyUsagesExtension(bits, true);
}

function basicConstraints(ca: boolean, pathLen: number | undefined, critical = true): x509.Extension {
  const parts = [ca ? der.bool(true) : new Uint8Array(0), pathLen !== undefined ? der.int(pathLen) : new Uint8Array(0)];
  return rawExtension("2.5.29.19", critical, der.seq(...parts));
}

async function keyId(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array((await x509.SubjectKeyIdentifierExtension.create(key)).keyId.match(/../g)!.map((h) => parseInt(h, 16)));
}

async function akiExtension(issuer: Made, spec: NonNullable<CertSpec["aki"]>): Promise<x509.Extension> {
  const parts: Uint8Array[] = [];
  if (spec.keyId !== false) parts.push(tlv(0x80, await keyId(issuer.keys.publicKey)));
  if (spec.issuerAndSerial) {
    parts.push(tlv(0xa1, tlv(0xa4, new Uint8Array(issuer.x509.subjectName.toArrayBuffer()))));
    parts.push(tlv(0x82, new Uint8Array(issuer.serial.match(/../g)!.map((h) => parseInt(h, 16)))));
  }
  return rawExtension("2.5.29.35", spec.critical ?? false, der.seq(...parts));
}

// ---------------------------------------------------------------------------------------------
// Keys and signing

const RSA_POOL = new Map<KeyKind, Promise<CryptoKeyPair>>();

function keyParams(kind: KeyKind): RsaHashedKeyGenParams | EcKeyGenParams | Algorithm {
  switch (kind) {
    case "ec-p256":
      return { name: "ECDSA", namedCurve: "P-256" } as EcKeyGenParams;
    case "ec-p384":
      return { name: "ECDSA", namedCurve: "P-384" } as EcKeyGenParams;
    case "ec-p521":
      return { name: "ECDSA", namedCurve: "P-521" } as EcKeyGenParams;
    case "ed25519":
      return { name: "Ed25519" };
    default:
      return { name: "RSASSA-PKCS1-v1_5", modulusLength: kind === "rsa-1024" ? 1024 : 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
  }
}

/** A key pair of `kind`; RSA keys come from a per-type singleton because generating them is slow. */
export async function newKeys(kind: KeyKind): Promise<CryptoKeyPair> {
  const make = () => subtle.generateKey(keyParams(kind), true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
  if (!kind.startsWith("rsa")) return make();
  let pooled = RSA_POOL.get(kind);
  if (pooled === undefined) RSA_POOL.set(kind, (pooled = make()));
  return pooled;
}

function signingAlgorithm(kind: KeyKind, hash: Hash | undefined, pss: boolean): Algorithm {
  if (kind === "ed25519") return { name: "Ed25519" };
  if (kind.startsWith("rsa")) {
    const h = hash ?? "SHA-256";
    return pss ? ({ name: "RSA-PSS", hash: h, saltLength: h === "SHA-1" ? 20 : Number(h.slice(4)) / 8 } as RsaPssParams & { hash: string }) : ({ name: "RSASSA-PKCS1-v1_5", hash: h } as Algorithm);
  }
  const h = hash ?? (kind === "ec-p384" ? "SHA-384" : kind === "ec-p521" ? "SHA-512" : "SHA-256");
  return { name: "ECDSA", hash: h } as EcdsaParams;
}

// WebCrypto's RSA-PSS signing needs a key imported for PSS; re-import the PKCS#1 private key.
async function signingKeyFor(keys: CryptoKeyPair, alg: Algorithm): Promise<CryptoKey> {
  if (alg.name !== "RSA-PSS") return keys.privateKey;
  const pkcs8 = await subtle.exportKey("pkcs8", keys.privateKey);
  const hash = (alg as unknown as { hash: string }).hash;
  return subtle.importKey("pkcs8", pkcs8, { name: "RSA-PSS", hash }, false, ["sign"]);
}

let serialCounter = 0;
function freshSerial(): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(8));
  b[0] = 0x10 | (b[0]! & 0x3f);
  b[7] = ++serialCounter & 0xff;
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

let nameCounter = 0;
let crlCounter = 0;
const HOUR = 3_600_000;

export class X509Pki {
  /** Default validity: from an hour before `now` to a year after. */
  constructor(readonly now: Date = new Date()) {}

  /** A self-signed certificate (a CA unless `ca: false`). */
  root(spec: CertSpec = {}): Promise<Made> {
    return this.make(undefined, { ca: true, ...spec });
  }

  /** A certificate signed by `issuer` (a leaf unless `ca` is set). */
  issue(issuer: Made, spec: CertSpec = {}): Promise<Made> {
    return this.make(issuer, spec);
  }

  private async make(issuer: Made | undefined, spec: CertSpec): Promise<Made> {
    const kind = typeof spec.key === "object" ? spec.key.kind : (spec.key ?? "ec-p256");
    const keys = typeof spec.key === "object" ? spec.key.keys : await newKeys(kind);
    const subject = spec.subject ?? `CN=fipstls ${spec.ca ? "CA" : "leaf"} ${++nameCounter}`;
    const isCa = spec.ca === true;
    const extensions: x509.Extension[] = [];
    if (spec.ca !== null) extensions.push(basicConstraints(isCa, spec.pathLen, spec.basicConstraintsCritical ?? true));
    const ku = spec.keyUsage !== undefined ? spec.keyUsage : isCa ? KU.keyCertSign | KU.cRLSign : KU.digitalSignature;
    if (ku !== null) extensions.push(keyUsageExtension(ku));
    const eku = spec.eku !== undefined ? spec.eku : isCa ? null : [EKU.serverAuth, EKU.clientAuth];
    if (eku !== null) extensions.push(new x509.ExtendedKeyUsageExtension([...eku], spec.ekuCritical ?? false));
    const sans: x509.JsonGeneralName[] = [
      ...(spec.dns ?? []).map((value) => ({ type: "dns" as const, value })),
      ...(spec.ip ?? []).map((value) => ({ type: "ip" as const, value })),
      ...(spec.emails ?? []).map((value) => ({ type: "email" as const, value })),
      ...(spec.uris ?? []).map((value) => ({ type: "url" as const, value })),
    ];
    if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans, spec.sanCritical ?? false));
    if (spec.nameConstraints) extensions.push(nameConstraintsExtension(spec.nameConstraints));
    if (spec.ski !== null) extensions.push(rawExtension("2.5.29.14", spec.ski?.critical ?? false, tlv(0x04, await keyId(keys.publicKey))));
    if (issuer && spec.aki !== null) extensions.push(await akiExtension(issuer, spec.aki ?? {}));
    else if (!issuer && spec.aki) extensions.push(await akiExtension({ keys, x509: { subjectName: new x509.Name(subject) }, serial: spec.serial ?? "01" } as Made, spec.aki));
    extensions.push(...(spec.extensions ?? []));

    const signer = issuer ?? { kind, keys };
    const alg = signingAlgorithm(signer.kind, spec.hash, spec.pss === true);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: spec.serial ?? freshSerial(),
      subject,
      issuer: issuer ? issuer.x509.subjectName : subject,
      notBefore: spec.notBefore ?? new Date(this.now.getTime() - HOUR),
      notAfter: spec.notAfter ?? new Date(this.now.getTime() + 365 * 24 * HOUR),
      signingAlgorithm: alg,
      publicKey: keys.publicKey,
      signingKey: await signingKeyFor(signer.keys, alg),
      extensions,
    });
    let bytes = new Uint8Array(cert.rawData);
    if (spec.corruptSignature) {
      bytes = bytes.slice();
      bytes[bytes.length - 3]! ^= 0x01;
    }
    const made = new x509.X509Certificate(bytes);
    return { der: bytes, pem: encodePem("CERTIFICATE", bytes), subject, serial: made.serialNumber.toLowerCase(), kind, keys, x509: made };
  }

  /** A CRL from `issuer` (v2, thisUpdate an hour ago, nextUpdate in a week unless given). */
  async crl(issuer: Made, spec: CrlSpec = {}): Promise<{ der: Uint8Array; pem: string }> {
    const signer = spec.signer ?? issuer;
    const alg = signingAlgorithm(signer.kind, spec.hash, false);
    const crl = await x509.X509CrlGenerator.create({
      issuer: issuer.x509.subjectName,
      thisUpdate: spec.thisUpdate ?? new Date(this.now.getTime() - HOUR),
      ...(spec.nextUpdate !== null ? { nextUpdate: spec.nextUpdate ?? new Date(this.now.getTime() + 7 * 24 * HOUR) } : {}),
      signingAlgorithm: alg,
      signingKey: signer.keys.privateKey,
      entries: (spec.revoked ?? []).map((r) => ({
        serialNumber: typeof r === "string" ? r : r.serial,
        revocationDate: new Date(this.now.getTime() - 2 * HOUR),
        ...(spec.reason !== undefined ? { reason: spec.reason } : {}),
      })),
      // RFC 5280 5.2.3: conforming CRLs carry a cRLNumber.
      extensions: [
        ...(spec.crlNumber === null ? [] : [rawExtension("2.5.29.20", spec.crlNumber?.critical ?? false, der.int(++crlCounter))]),
        ...(spec.extensions ?? []),
      ],
    });
    const bytes = new Uint8Array(crl.rawData);
    return { der: bytes, pem: encodePem("X509 CRL", bytes) };
  }
}

/** Replaces every occurrence of one signature OID's DER by another's (same length), e.g. to fake MD5. */
export function swapOid(certDer: Uint8Array, from: string, to: string): Uint8Array {
  const a = der.oid(from);
  const b = der.oid(to);
  if (a.length !== b.length) throw new Error("OIDs of different lengths");
  const out = certDer.slice();
  for (let i = 0; i + a.length <= out.length; i++) if (a.every((v, j) => out[i + j] === v)) out.set(b, i);
  return out;
}

/** PKCS#8 PEM of a key pair's private key (for openssl s_server). */
export async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  return encodePem("PRIVATE KEY", new Uint8Array(await subtle.exportKey("pkcs8", keys.privateKey)));
}

/**
 * Rewrites the tbsCertificate fields of `cert` (version?, serial, signature, issuer, validity,
 * subject, spki, extensions?) and signs the result with a P-256 `signer`: for certificates no
 * generator will make (v1, negative serials, …).
 */
export async function resign(cert: Made, signer: Made, edit: (fields: Uint8Array[]) => Uint8Array[]): Promise<Uint8Array> {
  if (signer.kind !== "ec-p256") throw new Error("resign signs with P-256 keys only");
  const [tbs, alg] = sequence(parseDer(cert.der, "certificate"), "certificate", 3, 3);
  const body = der.seq(...edit(tbs!.children.map((c) => c.raw)));
  const raw = new Uint8Array(await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, signer.keys.privateKey, body as Uint8Array<ArrayBuffer>));
  return der.seq(body, alg!.raw, tlv(0x03, new Uint8Array([0]), ecdsaRawToDer(raw, 32)));
}
