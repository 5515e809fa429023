// The DER view src/verify reads: the strict reader of src/codec/der.ts, its failures turned into
// DerError (and so into BadEncoding), and the typed accessors for X.509's universal types.
import { type DerLimits, type DerNode, DerSyntaxError, TagClass, oidText, readDer } from "../codec/der.js";

export { type DerLimits, type DerNode, TagClass };

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

// Bounds on what a certificate may look like; generous for real certificates, tight for hostile ones.
export const CERTIFICATE_LIMITS: DerLimits = { maxDepth: 24, maxNodes: 4096, maxContentLength: 1 << 20 };

/**
 * Parses exactly one DER element spanning all of `bytes`. The nodes view `bytes` without copying:
 * callers pass bytes nobody will change (parseCertificate copies its input once).
 */
export function parseDer(bytes: Uint8Array, what: string, limits: DerLimits = CERTIFICATE_LIMITS): DerNode {
  try {
    return readDer(bytes, limits);
  } catch (e) {
    if (e instanceof DerSyntaxError) bad(`${what}: ${e.detail}`);
    throw e;
  }
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
  try {
    return oidText(c);
  } catch (e) {
    if (e instanceof DerSyntaxError) bad(`${what}: ${e.detail}`);
    throw e;
  }
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
