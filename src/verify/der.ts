// A strict DER view over asn1js. asn1js parses BER leniently (indefinite lengths, constructed strings,
// non-minimal lengths only warn), so its tree is copied into plain nodes here and every BER-only
// liberty is refused on the way. Everything else in src/verify reads these nodes, never asn1js.
import * as asn1js from "asn1js";

/** asn1js's numbering of tag classes. */
export const TagClass = { Universal: 1, Application: 2, Context: 3, Private: 4 } as const;
export type TagClass = (typeof TagClass)[keyof typeof TagClass];

/** Universal tag numbers used by X.509. */
export const Tag = {
  Boolean: 1,
  Integer: 2,
  BitString: 3,
  OctetString: 4,
  Null: 5,
  Oid: 6,
  Utf8String: 12,
  Sequence: 16,
  Set: 17,
  PrintableString: 19,
  TeletexString: 20,
  Ia5String: 22,
  UtcTime: 23,
  GeneralizedTime: 24,
  UniversalString: 28,
  BmpString: 30,
} as const;

export interface DerNode {
  readonly tagClass: TagClass;
  readonly tagNumber: number;
  readonly constructed: boolean;
  /** The whole TLV, as it appeared in the input. */
  readonly raw: Uint8Array;
  /** The content octets (for constructed nodes, the children's encodings back to back). */
  readonly content: Uint8Array;
  readonly children: readonly DerNode[];
}

/**
 * Every parse failure in src/verify is this one error; parseCertificate turns it into
 * InvalidCertificate("BadEncoding") with the certificate's position attached.
 */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DerError";
  }
}

export function bad(detail: string): never {
  throw new DerError(detail);
}

export interface DerLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
  readonly maxContentLength: number;
}

// Bounds on what a certificate may look like; generous for real certificates, tight for hostile ones.
export const CERTIFICATE_LIMITS: DerLimits = { maxDepth: 24, maxNodes: 4096, maxContentLength: 1 << 20 };

/**
 * Parses exactly one DER element spanning all of `bytes`. The nodes view `bytes` without copying:
 * callers pass bytes nobody will change (parseCertificate copies its input once).
 */
export function parseDer(bytes: Uint8Array, what: string, limits: DerLimits = CERTIFICATE_LIMITS): DerNode {
  if (bytes.length === 0) bad(`${what}: empty`);
  let parsed: asn1js.FromBerResult;
  try {
    // parseEmbedded: false keeps asn1js from guessing at the insides of OCTET and BIT STRINGs.
    parsed = asn1js.fromBER(bytes, { ...limits, parseEmbedded: false, copyInput: false });
  } catch {
    bad(`${what}: not DER`);
  }
  if (parsed.offset === -1 || parsed.result.error) bad(`${what}: not DER (${parsed.result.error || "truncated"})`);
  if (parsed.offset !== bytes.length) bad(`${what}: ${bytes.length - parsed.offset} trailing bytes`);
  return convert(parsed.result, what);
}

interface Asn1Children {
  value?: unknown;
}

// Universal types that DER always encodes in primitive form.
const PRIMITIVE_ONLY = new Set<number>([1, 2, 3, 4, 5, 6, 10, 12, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 30]);

function convert(block: asn1js.AsnType, what: string): DerNode {
  const id = block.idBlock;
  const len = block.lenBlock;
  if (block.error) bad(`${what}: ${block.error}`);
  if (len.isIndefiniteForm) bad(`${what}: indefinite length`);
  if (len.warnings.length > 0 || (len.longFormUsed && len.length < 128)) bad(`${what}: non-minimal length`);
  if (id.warnings.length > 0) bad(`${what}: non-minimal tag`);
  const tagClass = id.tagClass as TagClass;
  const constructed = id.isConstructed;
  if (tagClass === TagClass.Universal && constructed && PRIMITIVE_ONLY.has(id.tagNumber)) {
    bad(`${what}: constructed form of universal type ${id.tagNumber}`);
  }
  const raw = block.valueBeforeDecodeView;
  const header = id.blockLength + len.blockLength;
  if (header + len.length !== raw.length) bad(`${what}: inconsistent length`);
  const children: DerNode[] = [];
  if (constructed) {
    const value = (block.valueBlock as Asn1Children).value;
    if (!Array.isArray(value)) bad(`${what}: constructed element without contents`);
    for (const child of value as asn1js.AsnType[]) children.push(convert(child, what));
  }
  return { tagClass, tagNumber: id.tagNumber, constructed, raw, content: raw.subarray(header), children };
}

function describe(n: DerNode): string {
  return `${["", "universal", "application", "context", "private"][n.tagClass] ?? "?"} ${n.tagNumber}`;
}

export function isUniversal(n: DerNode | undefined, tag: number): n is DerNode {
  return n !== undefined && n.tagClass === TagClass.Universal && n.tagNumber === tag;
}

export function isContext(n: DerNode | undefined, tag: number): n is DerNode {
  return n !== undefined && n.tagClass === TagClass.Context && n.tagNumber === tag;
}

export function expectUniversal(n: DerNode | undefined, tag: number, what: string): DerNode {
  if (n === undefined) bad(`${what}: missing`);
  if (!isUniversal(n, tag)) bad(`${what}: expected universal ${tag}, found ${describe(n)}`);
  return n;
}

export function sequence(n: DerNode | undefined, what: string, min = 0, max = Infinity): readonly DerNode[] {
  const s = expectUniversal(n, Tag.Sequence, what);
  if (s.children.length < min || s.children.length > max) bad(`${what}: ${s.children.length} elements`);
  return s.children;
}

export function oid(n: DerNode | undefined, what: string): string {
  const c = expectUniversal(n, Tag.Oid, what).content;
  if (c.length === 0 || (c[c.length - 1]! & 0x80) !== 0) bad(`${what}: malformed OID`);
  const arcs: number[] = [];
  let value = 0;
  let fresh = true;
  for (const b of c) {
    // A sub-identifier may not start with 0x80 (non-minimal) and must stay a safe integer.
    if (fresh && b === 0x80) bad(`${what}: non-minimal OID arc`);
    if (value > 2 ** 45) bad(`${what}: OID arc too large`);
    value = value * 128 + (b & 0x7f);
    fresh = (b & 0x80) === 0;
    if (fresh) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join(".");
}

/** INTEGER content octets, checked for minimal two's-complement encoding. */
export function integerBytes(n: DerNode | undefined, what: string): Uint8Array {
  const c = expectUniversal(n, Tag.Integer, what).content;
  if (c.length === 0) bad(`${what}: empty INTEGER`);
  if (c.length > 1 && ((c[0] === 0x00 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) {
    bad(`${what}: non-minimal INTEGER`);
  }
  return c;
}

/** A non-negative INTEGER that fits comfortably in a JavaScript number. */
export function smallUint(n: DerNode | undefined, what: string): number {
  const c = integerBytes(n, what);
  if (c[0]! >= 0x80) bad(`${what}: negative`);
  if (c.length > 6) bad(`${what}: too large`);
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

export function boolean(n: DerNode | undefined, what: string): boolean {
  const c = expectUniversal(n, Tag.Boolean, what).content;
  if (c.length !== 1 || (c[0] !== 0x00 && c[0] !== 0xff)) bad(`${what}: BOOLEAN is not DER`);
  return c[0] === 0xff;
}

export interface BitString {
  readonly bytes: Uint8Array;
  readonly unusedBits: number;
}

export function bitString(n: DerNode | undefined, what: string): BitString {
  const c = expectUniversal(n, Tag.BitString, what).content;
  if (c.length === 0) bad(`${what}: empty BIT STRING`);
  const unusedBits = c[0]!;
  if (unusedBits > 7 || (c.length === 1 && unusedBits !== 0)) bad(`${what}: bad unused-bits count`);
  // DER: the unused bits are zero.
  if (unusedBits > 0 && (c[c.length - 1]! & ((1 << unusedBits) - 1)) !== 0) bad(`${what}: unused bits set`);
  return { bytes: c.subarray(1), unusedBits };
}

export function octetString(n: DerNode | undefined, what: string): Uint8Array {
  return expectUniversal(n, Tag.OctetString, what).content;
}

/** Bytes as code points 0-255, without spreading a possibly large array onto the stack. */
export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/**
 * RFC 5280 4.1.2.5: dates through 2049 MUST be UTCTime, from 2050 GeneralizedTime. Parsing accepts
 * either (old roots break this and must stay loadable); the certificate profile refuses it.
 */
export function timeTypeProblem(n: DerNode, at: Date): string | null {
  const year = at.getUTCFullYear();
  return isUniversal(n, Tag.GeneralizedTime) && year >= 1950 && year < 2050 ? `GeneralizedTime for ${year}, which must be UTCTime` : null;
}

/**
 * UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), the only forms RFC 5280 allows:
 * no fractional seconds, no offsets, seconds always present.
 */
export function time(n: DerNode | undefined, what: string): Date {
  if (n === undefined) bad(`${what}: missing`);
  const utc = isUniversal(n, Tag.UtcTime);
  if (!utc && !isUniversal(n, Tag.GeneralizedTime)) bad(`${what}: not a time`);
  const yearDigits = utc ? 2 : 4;
  if (n.content.length !== yearDigits + 11) bad(`${what}: time is not in DER form`);
  const s = latin1(n.content);
  if (s[s.length - 1] !== "Z") bad(`${what}: time "${s}" is not in UTC`);
  let year = digits(s, 0, yearDigits);
  if (utc) year += year >= 50 ? 1900 : 2000; // RFC 5280 4.1.2.5.1
  const [month, day, hour, minute, second] = [0, 2, 4, 6, 8].map((o) => digits(s, yearDigits + o, 2)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  // Date.UTC silently rolls 31 February into March; a round trip catches every out-of-range field.
  if (
    Number.isNaN(ms) ||
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    back.getUTCHours() !== hour ||
    back.getUTCMinutes() !== minute ||
    back.getUTCSeconds() !== second
  ) {
    bad(`${what}: invalid time "${s}"`);
  }
  return back;
}
