// getPeerCertificate()'s object, shaped like node:tls's (subject/issuer as objects, OpenSSL-style
// dates, colon-separated fingerprints, the subjectaltname string node's own checkServerIdentity
// parses), built from our X.509 parser. It is built when first asked for, not after every handshake:
// fingerprints identify a certificate and protect nothing, so node:crypto hashes them here, SHA-1
// included, as node:tls's `fingerprint` has it.
import { describeSpki } from "../../crypto/keyinfo.js";
import { equalBytes, toHex } from "../../codec/bytes.js";
import { type Certificate, parseCertificate } from "../../verify/certificate.js";
import { type DerNode, Tag, integerBytes, isUniversal, latin1, oid, parseDer, sequence } from "../../verify/der.js";
import { nodeCrypto } from "../../../providers/node/builtins.js";
const { createHash } = nodeCrypto;

/** Attribute name (OpenSSL short name, else the OID) to its value, or values when repeated. */
export type CertificateName = Record<string, string | string[]>;

export interface PeerCertificate {
  subject: CertificateName;
  issuer: CertificateName;
  /** As node:tls: "DNS:a.example, IP Address:127.0.0.1, URI:…, email:…"; absent without a SAN. */
  subjectaltname?: string;
  ca: boolean;
  /** RSA: modulus in upper-case hex, exponent as "0x10001". */
  modulus?: string;
  exponent?: string;
  /** Key size in bits (RSA modulus, EC field). */
  bits?: number;
  /** RSA: the SubjectPublicKeyInfo DER; EC: the public point; as node:tls. */
  pubkey?: Buffer;
  asn1Curve?: string;
  nistCurve?: string;
  /** "Mmm dd HH:MM:SS YYYY GMT", as OpenSSL prints it. */
  valid_from: string;
  valid_to: string;
  /** SHA-1, SHA-256 and SHA-512 of the DER certificate, as colon-separated upper-case hex. */
  fingerprint: string;
  fingerprint256: string;
  fingerprint512: string;
  ext_key_usage?: string[];
  /** Upper-case hex without leading zero bytes. */
  serialNumber: string;
  raw: Buffer;
}

export interface DetailedPeerCertificate extends PeerCertificate {
  /**
   * The next certificate in the chain: the verified path, completed from the trust store, else the chain
   * the peer presented. A self-issued last certificate refers to itself (node:tls's end marker); any
   * other last one has none, as in node:tls.
   */
  issuerCertificate: DetailedPeerCertificate;
}

// OpenSSL's short names, which node:tls uses as keys.
const SHORT_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.15": "businessCategory",
  "2.5.4.17": "postalCode",
  "2.5.4.42": "GN",
  "2.5.4.43": "initials",
  "2.5.4.46": "dnQualifier",
  "2.5.4.97": "organizationIdentifier",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "emailAddress",
  "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL",
  "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
  "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
};

const CURVES: Readonly<Record<string, { asn1: string; nist: string; bits: number }>> = {
  "P-256": { asn1: "prime256v1", nist: "P-256", bits: 256 },
  "P-384": { asn1: "secp384r1", nist: "P-384", bits: 384 },
  "P-521": { asn1: "secp521r1", nist: "P-521", bits: 521 },
};

const SUBJECT_ALT_NAME = "2.5.29.17";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Builds the node-shaped objects for a chain, leaf first, linked through issuerCertificate. */
export function describeChain(chain: readonly Uint8Array[]): DetailedPeerCertificate | null {
  if (chain.length === 0) return null;
  const described = chain.map(describeCertificate);
  const linked = described as DetailedPeerCertificate[];
  linked.forEach((c, i) => {
    const next = linked[i + 1];
    if (next !== undefined) c.issuerCertificate = next;
    else if (isSelfIssued(chain[i]!)) c.issuerCertificate = c;
  });
  return linked[0]!;
}

/** A copy of `cert` without issuerCertificate, as getPeerCertificate() (not detailed) returns. */
export function withoutIssuer(cert: DetailedPeerCertificate): PeerCertificate {
  const { issuerCertificate: _, ...rest } = cert;
  return rest;
}

function describeCertificate(der: Uint8Array): PeerCertificate {
  // The chain already passed the handshake's parser, so this cannot throw for a connected peer.
  const cert = parseCertificate(der);
  const fingerprint = (alg: "sha1" | "sha256" | "sha512"): string => colonHex(new Uint8Array(createHash(alg).update(cert.der).digest()));
  const san = cert.extensions.find((e) => e.oid === SUBJECT_ALT_NAME);
  return {
    subject: nameObject(cert.subjectDer),
    issuer: nameObject(cert.issuerDer),
    ...(san ? { subjectaltname: altNameString(san.value) } : {}),
    ca: cert.basicConstraints?.ca ?? false,
    ...keyFields(cert),
    valid_from: opensslTime(cert.notBefore),
    valid_to: opensslTime(cert.notAfter),
    fingerprint: fingerprint("sha1"),
    fingerprint256: fingerprint("sha256"),
    fingerprint512: fingerprint("sha512"),
    ...(cert.extKeyUsage ? { ext_key_usage: [...cert.extKeyUsage] } : {}),
    serialNumber: serialHex(cert.serialNumber),
    raw: Buffer.from(cert.der),
  };
}

function keyFields(cert: Certificate): Partial<PeerCertificate> {
  let info: ReturnType<typeof describeSpki>;
  try {
    info = describeSpki(cert.spki);
  } catch {
    return {};
  }
  if (info.type === "rsa" || info.type === "rsa-pss") {
    const [n, e] = sequence(parseDer(info.publicKey, "RSAPublicKey"), "RSAPublicKey", 2, 2);
    return {
      modulus: toHex(stripZeros(integerBytes(n, "modulus"))).toUpperCase(),
      bits: info.modulusBits ?? 0,
      exponent: `0x${BigInt(`0x${toHex(integerBytes(e, "exponent"))}`).toString(16)}`,
      pubkey: Buffer.from(cert.spki),
    };
  }
  if (info.type === "ec" && info.curve) {
    const c = CURVES[info.curve]!;
    return { bits: c.bits, pubkey: Buffer.from(info.publicKey), asn1Curve: c.asn1, nistCurve: c.nist };
  }
  return { pubkey: Buffer.from(info.publicKey) };
}

/** Name DER as node:tls's object: keys in encoded order, a repeated key collecting an array. */
function nameObject(der: Uint8Array): CertificateName {
  // A null prototype, as node:tls: attribute names come from the peer and must not reach Object.prototype.
  const out = Object.create(null) as CertificateName;
  for (const rdn of sequence(parseDer(der, "Name"), "Name")) {
    for (const atv of rdn.children) {
      const [type, value] = sequence(atv, "Name", 2, 2);
      const id = oid(type, "Name attribute type");
      const key = SHORT_NAMES[id] ?? id;
      const text = attributeText(value!);
      const prev = out[key];
      out[key] = prev === undefined ? text : Array.isArray(prev) ? [...prev, text] : [prev, text];
    }
  }
  return out;
}

function attributeText(value: DerNode): string {
  const c = value.content;
  if (isUniversal(value, Tag.Utf8String)) return new TextDecoder().decode(c);
  if (isUniversal(value, Tag.BmpString)) return codeUnits(c, 2);
  if (isUniversal(value, Tag.UniversalString)) return codeUnits(c, 4);
  return latin1(c);
}

function codeUnits(c: Uint8Array, width: 2 | 4): string {
  let s = "";
  for (let i = 0; i + width <= c.length; i += width) {
    let cp = 0;
    for (let j = 0; j < width; j++) cp = cp * 256 + c[i + j]!;
    s += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : "\ufffd";
  }
  return s;
}

/** The subjectAltName string node:tls builds (node's crypto_common.cc), including its escaping. */
function altNameString(value: Uint8Array): string {
  const parts: string[] = [];
  for (const name of sequence(parseDer(value, "subjectAltName"), "subjectAltName")) {
    const c = name.content;
    switch (name.tagClass === 3 ? name.tagNumber : -1) {
      case 1:
        parts.push(safeAltName("email", c));
        break;
      case 2:
        parts.push(safeAltName("DNS", c));
        break;
      case 6:
        parts.push(safeAltName("URI", c));
        break;
      case 7:
        parts.push(`IP Address:${ipText(c)}`);
        break;
      case 4:
        parts.push(`DirName:${name.children[0] ? onelineName(name.children[0].raw) : ""}`);
        break;
      case 8:
        parts.push(`Registered ID:${safeOid(name)}`);
        break;
      case 0:
        parts.push("othername:<unsupported>");
        break;
      case 3:
        parts.push("X400Name:<unsupported>");
        break;
      case 5:
        parts.push("EdiPartyName:<unsupported>");
        break;
      default:
        parts.push("<unsupported>");
    }
  }
  return parts.join(", ");
}

/** Plain "prefix:value" when unambiguous, else node's JSON-style quoting (commas could forge entries). */
function safeAltName(prefix: string, bytes: Uint8Array): string {
  const safe = bytes.every((b) => b >= 0x20 && b <= 0x7e && b !== 0x22 && b !== 0x5c && b !== 0x2c && b !== 0x27);
  if (safe) return `${prefix}:${latin1(bytes)}`;
  let out = `"${prefix}:`;
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b !== 0x2c && b <= 0x7e) out += String.fromCharCode(b);
    else out += `\\u00${b.toString(16).padStart(2, "0")}`;
  }
  return `${out}"`;
}

function ipText(b: Uint8Array): string {
  if (b.length === 4) return [...b].join(".");
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16).toUpperCase());
    return groups.join(":");
  }
  return `<invalid length=${b.length}>`;
}

function safeOid(node: DerNode): string {
  try {
    return oid({ ...node, tagClass: 1, tagNumber: Tag.Oid }, "registeredID");
  } catch {
    return "<invalid>";
  }
}

/** OpenSSL's X509_NAME_oneline form, "/O=…/CN=…", for DirName entries. */
function onelineName(der: Uint8Array): string {
  try {
    const name = nameObject(der);
    return Object.entries(name)
      .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `/${k}=${x}`))
      .join("");
  } catch {
    return "<invalid>";
  }
}

function opensslTime(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  const day = String(d.getUTCDate()).padStart(2, " ");
  return `${MONTHS[d.getUTCMonth()]} ${day} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

const colonHex = (b: Uint8Array): string => toHex(b).toUpperCase().replace(/(..)(?!$)/g, "$1:");

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** As OpenSSL's BN_bn2hex: upper case, leading zero bytes dropped, "0" for zero. */
function serialHex(hex: string): string {
  const bytes = stripZeros(Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)));
  return bytes.length === 1 && bytes[0] === 0 ? "0" : toHex(bytes).toUpperCase();
}

/** Subject and issuer are the same name (a root, or a self-signed leaf). */
function isSelfIssued(der: Uint8Array): boolean {
  const cert = parseCertificate(der);
  return equalBytes(cert.subjectDer, cert.issuerDer);
}
