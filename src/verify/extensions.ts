// Decoders for the certificate extensions the verifier acts on (RFC 5280 section 4.2.1).
import {
  type DerNode,
  Tag,
  bad,
  bitString,
  boolean,
  isContext,
  isUniversal,
  octetString,
  oid,
  parseDer,
  sequence,
  smallUint,
} from "./der.js";
import { nameToString } from "./dn.js";
import { generalName, ia5 } from "./extension-syntax.js";

export const ExtensionOid = {
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  nameConstraints: "2.5.29.30",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  crlDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
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
  /** directoryName entries: the DER of each Name (name constraints apply to them). */
  readonly directoryNames?: readonly Uint8Array[];
  /** rfc822Name entries (ASCII), for rfc822Name name constraints. */
  readonly rfc822Names?: readonly string[];
  /** Tags of the other GeneralName forms present (URI = 6, otherName = 0, …), each once. */
  readonly otherForms?: readonly number[];
}

/** GeneralName tags (RFC 5280 4.2.1.6). */
export const GeneralNameTag = {
  otherName: 0,
  rfc822Name: 1,
  dNSName: 2,
  x400Address: 3,
  directoryName: 4,
  ediPartyName: 5,
  uniformResourceIdentifier: 6,
  iPAddress: 7,
  registeredID: 8,
} as const;

export type GeneralSubtree =
  | { readonly form: 2; readonly dns: string }
  | { readonly form: 7; readonly address: Uint8Array; readonly mask: Uint8Array }
  | { readonly form: 4; readonly name: Uint8Array }
  | { readonly form: 1; readonly email: string }
  /** A form the verifier does not evaluate; kept so that it can fail closed. */
  | { readonly form: 0 | 3 | 5 | 6 | 8 };

export interface NameConstraints {
  readonly critical: boolean;
  readonly permitted: readonly GeneralSubtree[];
  readonly excluded: readonly GeneralSubtree[];
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
  const directoryNames: Uint8Array[] = [];
  const rfc822Names: string[] = [];
  const otherForms = new Set<number>();
  for (const name of names) {
    if (isContext(name, 2) && !name.constructed) {
      dnsNames.push(ia5(name.content, "dNSName"));
    } else if (isContext(name, 1) && !name.constructed) {
      rfc822Names.push(ia5(name.content, "rfc822Name"));
    } else if (isContext(name, 7) && !name.constructed) {
      if (name.content.length !== 4 && name.content.length !== 16) bad("iPAddress of odd length");
      ipAddresses.push(name.content.slice());
    } else if (isContext(name, 4) && name.constructed && name.children.length === 1) {
      nameToString(name.children[0]!, "subjectAltName directoryName");
      directoryNames.push(name.children[0]!.raw.slice());
    } else {
      generalName(name, "subjectAltName");
      // URI and the rest play no part in TLS identity; name constraints need to know they exist.
      otherForms.add(name.tagNumber);
    }
  }
  return { dnsNames, ipAddresses, directoryNames, rfc822Names, otherForms: [...otherForms] };
}

/** NameConstraints (RFC 5280 4.2.1.10); `critical` is carried along because unknown forms fail closed only then. */
export function decodeNameConstraints(value: Uint8Array, critical: boolean): NameConstraints {
  const fields = sequence(parseDer(value, "nameConstraints"), "nameConstraints", 1, 2);
  let permitted: GeneralSubtree[] = [];
  let excluded: GeneralSubtree[] = [];
  let i = 0;
  if (isContext(fields[i], 0)) permitted = subtrees(fields[i++]!, "permittedSubtrees");
  if (isContext(fields[i], 1)) excluded = subtrees(fields[i++]!, "excludedSubtrees");
  if (i !== fields.length) bad("nameConstraints: unexpected field");
  return { critical, permitted, excluded };
}

function subtrees(node: DerNode, what: string): GeneralSubtree[] {
  if (!node.constructed || node.children.length === 0) bad(`${what}: empty`);
  return node.children.map((subtree) => {
    const [base, ...rest] = sequence(subtree, what, 1, 3);
    // minimum MUST be zero (so DER omits it) and maximum MUST be absent: any range is unsupported.
    if (rest.length > 0) bad(`${what}: minimum/maximum are not allowed`);
    return generalSubtree(base!, what);
  });
}

function generalSubtree(base: DerNode, what: string): GeneralSubtree {
  if (base.tagClass !== 3 || base.tagNumber > 8) bad(`${what}: not a GeneralName`);
  switch (base.tagNumber) {
    case GeneralNameTag.dNSName:
      if (base.constructed) bad(`${what}: constructed dNSName`);
      return { form: 2, dns: ia5(base.content, `${what} dNSName`) };
    case GeneralNameTag.iPAddress: {
      const c = base.content;
      if (base.constructed || (c.length !== 8 && c.length !== 32)) bad(`${what}: iPAddress is not address and mask`);
      const half = c.length / 2;
      const mask = c.slice(half);
      if (!contiguousMask(mask)) bad(`${what}: iPAddress mask is not a prefix`);
      return { form: 7, address: c.slice(0, half), mask };
    }
    case GeneralNameTag.directoryName:
      if (!base.constructed || base.children.length !== 1) bad(`${what}: malformed directoryName`);
      nameToString(base.children[0]!, `${what} directoryName`);
      return { form: 4, name: base.children[0]!.raw.slice() };
    case GeneralNameTag.rfc822Name:
      if (base.constructed) bad(`${what}: constructed rfc822Name`);
      return { form: 1, email: ia5(base.content, `${what} rfc822Name`) };
    default:
      generalName(base, what);
      return { form: base.tagNumber as 0 | 3 | 5 | 6 | 8 };
  }
}

// A mask is ones then zeros (RFC 4632 prefix); anything else has no clear meaning as a subtree.
function contiguousMask(mask: Uint8Array): boolean {
  let zeros = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = (byte >> bit) & 1;
      if (one && zeros) return false;
      if (!one) zeros = true;
    }
  }
  return true;
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

export function decodeSubjectKeyId(value: Uint8Array): Uint8Array {
  return octetString(parseDer(value, "subjectKeyIdentifier"), "subjectKeyIdentifier").slice();
}

export interface AuthorityKeyId {
  readonly keyIdentifier?: Uint8Array;
  /** authorityCertIssuer and authorityCertSerialNumber, which RFC 5280 allows only together. */
  readonly issuerAndSerial: boolean;
}

/** AuthorityKeyIdentifier (RFC 5280 4.2.1.1): [0] keyIdentifier, [1] issuer and [2] serial, in order. */
export function decodeAuthorityKeyIdentifier(value: Uint8Array): AuthorityKeyId {
  const fields = sequence(parseDer(value, "authorityKeyIdentifier"), "authorityKeyIdentifier", 0, 3);
  let i = 0;
  let keyIdentifier: Uint8Array | undefined;
  if (isContext(fields[i], 0)) {
    if (fields[i]!.constructed) bad("authorityKeyIdentifier: constructed keyIdentifier");
    keyIdentifier = fields[i++]!.content.slice();
  }
  let issuer = false;
  if (isContext(fields[i], 1)) {
    const names = fields[i++]!;
    if (!names.constructed || names.children.length === 0) bad("authorityKeyIdentifier: empty authorityCertIssuer");
    for (const n of names.children) generalName(n, "authorityCertIssuer");
    issuer = true;
  }
  let serial = false;
  if (isContext(fields[i], 2)) {
    if (fields[i++]!.constructed) bad("authorityKeyIdentifier: constructed authorityCertSerialNumber");
    serial = true;
  }
  if (i !== fields.length) bad("authorityKeyIdentifier: unexpected field");
  if (issuer !== serial) bad("authorityKeyIdentifier: authorityCertIssuer and authorityCertSerialNumber must come together");
  return keyIdentifier === undefined ? { issuerAndSerial: issuer } : { keyIdentifier, issuerAndSerial: issuer };
}

export function decodeExtKeyUsage(value: Uint8Array): string[] {
  const purposes = sequence(parseDer(value, "extKeyUsage"), "extKeyUsage", 1);
  return purposes.map((p) => oid(p, "extKeyUsage purpose"));
}
