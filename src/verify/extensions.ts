// Decoders for the certificate extensions the verifier acts on (RFC 5280 section 4.2.1).
import {
  type DerNode,
  Tag,
  bad,
  bitString,
  boolean,
  isContext,
  isUniversal,
  latin1,
  oid,
  parseDer,
  sequence,
  smallUint,
} from "./der.js";

export const ExtensionOid = {
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  nameConstraints: "2.5.29.30",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
} as const;

export const ExtKeyUsageOid = {
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  any: "2.5.29.37.0",
} as const;

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The contents of extnValue: the DER of the extension's own structure. */
  readonly value: Uint8Array;
}

export interface SubjectAltName {
  /** dNSName entries as written in the certificate (ASCII, case preserved). */
  readonly dnsNames: readonly string[];
  /** iPAddress entries: 4 bytes (IPv4) or 16 bytes (IPv6). */
  readonly ipAddresses: readonly Uint8Array[];
}

export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLen?: number;
}

export interface KeyUsage {
  readonly digitalSignature: boolean;
  readonly nonRepudiation: boolean;
  readonly keyEncipherment: boolean;
  readonly dataEncipherment: boolean;
  readonly keyAgreement: boolean;
  readonly keyCertSign: boolean;
  readonly cRLSign: boolean;
  readonly encipherOnly: boolean;
  readonly decipherOnly: boolean;
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension; duplicates are refused (RFC 5280 4.2). */
export function parseExtensions(node: DerNode): Extension[] {
  const list = sequence(node, "extensions", 1);
  const seen = new Set<string>();
  return list.map((ext) => {
    const fields = sequence(ext, "extension", 2, 3);
    const id = oid(fields[0], "extension id");
    if (seen.has(id)) bad(`duplicate extension ${id}`);
    seen.add(id);
    // An explicit FALSE is not DER, but old CAs wrote it and it means the same thing.
    const critical = fields.length === 3 ? boolean(fields[1], `extension ${id} critical`) : false;
    const value = fields[fields.length - 1]!;
    if (!isUniversal(value, Tag.OctetString)) bad(`extension ${id}: extnValue is not an OCTET STRING`);
    return { oid: id, critical, value: value.content };
  });
}

export function decodeSubjectAltName(value: Uint8Array): SubjectAltName {
  const names = sequence(parseDer(value, "subjectAltName"), "subjectAltName", 1);
  const dnsNames: string[] = [];
  const ipAddresses: Uint8Array[] = [];
  for (const name of names) {
    if (isContext(name, 2) && !name.constructed) {
      dnsNames.push(ia5(name.content, "dNSName"));
    } else if (isContext(name, 7) && !name.constructed) {
      if (name.content.length !== 4 && name.content.length !== 16) bad("iPAddress of odd length");
      ipAddresses.push(name.content.slice());
    } else if (name.tagClass !== 3 || name.tagNumber > 8) {
      bad("subjectAltName: not a GeneralName");
    }
    // Other GeneralName forms (email, URI, directoryName, …) play no part in server identity.
  }
  return { dnsNames, ipAddresses };
}

function ia5(bytes: Uint8Array, what: string): string {
  // Odd-but-ASCII names are kept: they simply never match a valid server name (names.ts).
  for (const b of bytes) if (b > 0x7f) bad(`${what}: not IA5 (ASCII)`);
  return latin1(bytes);
}

export function decodeBasicConstraints(value: Uint8Array): BasicConstraints {
  const fields = sequence(parseDer(value, "basicConstraints"), "basicConstraints", 0, 2);
  let i = 0;
  let ca = false;
  if (isUniversal(fields[i], Tag.Boolean)) ca = boolean(fields[i++], "basicConstraints cA");
  if (i < fields.length) {
    const pathLen = smallUint(fields[i++], "basicConstraints pathLenConstraint");
    if (i !== fields.length) bad("basicConstraints: trailing fields");
    return { ca, pathLen };
  }
  return { ca };
}

const KEY_USAGE_BITS: readonly (keyof KeyUsage)[] = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];

export function decodeKeyUsage(value: Uint8Array): KeyUsage {
  const bits = bitString(parseDer(value, "keyUsage"), "keyUsage");
  const usage: Record<keyof KeyUsage, boolean> = Object.fromEntries(KEY_USAGE_BITS.map((k) => [k, false])) as Record<
    keyof KeyUsage,
    boolean
  >;
  let any = false;
  KEY_USAGE_BITS.forEach((name, bit) => {
    // Bit 0 is the most significant bit of the first byte.
    const byte = bits.bytes[bit >> 3];
    const set = byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
    usage[name] = set;
    any ||= set;
  });
  if (!any) bad("keyUsage with no bit set"); // RFC 5280 4.2.1.3: at least one bit is set
  return usage;
}

export function decodeExtKeyUsage(value: Uint8Array): string[] {
  const purposes = sequence(parseDer(value, "extKeyUsage"), "extKeyUsage", 1);
  return purposes.map((p) => oid(p, "extKeyUsage purpose"));
}
