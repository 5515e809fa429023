// A strict DER reader (ITU-T X.690 §8 and §10): one pass over the bytes, nodes that view the input
// without copying, and every BER-only liberty refused (indefinite lengths, non-minimal lengths and
// tags, constructed strings). Certificates, CRLs, OCSP responses and keys are all read through it.
// It replaced asn1js, which parsed BER leniently into heavy objects that were then re-checked and
// copied, and which took a third of the package's load time.

/** Tag classes, numbered as the verification code has always numbered them. */
export const TagClass = { Universal: 1, Application: 2, Context: 3, Private: 4 } as const;
export type TagClass = (typeof TagClass)[keyof typeof TagClass];

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

export interface DerLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
  readonly maxContentLength: number;
}

/** A malformed encoding; `detail` says which rule it breaks and never quotes the bytes. */
export class DerSyntaxError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = "DerSyntaxError";
  }
}

// Universal types that DER always encodes in primitive form (X.690 §10.2 and the string types).
const PRIMITIVE_ONLY = new Set<number>([1, 2, 3, 4, 5, 6, 10, 12, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 30]);
const CLASS_BY_BITS: readonly TagClass[] = [TagClass.Universal, TagClass.Application, TagClass.Context, TagClass.Private];
/** Tag numbers above this are not in any structure we read; refusing them keeps the arithmetic exact. */
const MAX_TAG_NUMBER = 2 ** 28;

/** Reads exactly one element spanning all of `bytes`; throws DerSyntaxError otherwise. */
export function readDer(bytes: Uint8Array, limits: DerLimits): DerNode {
  if (bytes.length === 0) throw new DerSyntaxError("empty");
  const budget = { nodes: limits.maxNodes };
  const [node, end] = readElement(bytes, 0, bytes.length, 0, limits, budget);
  if (end !== bytes.length) throw new DerSyntaxError(`${bytes.length - end} trailing bytes`);
  return node;
}

function readElement(bytes: Uint8Array, start: number, limit: number, depth: number, limits: DerLimits, budget: { nodes: number }): [DerNode, number] {
  if (depth > limits.maxDepth) throw new DerSyntaxError("nested too deeply");
  if (--budget.nodes < 0) throw new DerSyntaxError("too many elements");
  let at = start;
  if (at >= limit) throw new DerSyntaxError("truncated");
  const first = bytes[at++]!;
  const tagClass = CLASS_BY_BITS[first >> 6]!;
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    // High-tag-number form (X.690 8.1.2.4): base 128, no leading 0x80, and only for numbers above 30.
    tagNumber = 0;
    let b: number;
    do {
      if (at >= limit) throw new DerSyntaxError("truncated tag");
      b = bytes[at++]!;
      if (tagNumber === 0 && b === 0x80) throw new DerSyntaxError("non-minimal tag");
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (tagNumber > MAX_TAG_NUMBER) throw new DerSyntaxError("tag number too large");
    } while (b & 0x80);
    if (tagNumber < 0x1f) throw new DerSyntaxError("non-minimal tag");
  }
  if (tagClass === TagClass.Universal && tagNumber === 0) throw new DerSyntaxError("end-of-contents marker outside BER");
  if (at >= limit) throw new DerSyntaxError("truncated length");
  let length = bytes[at++]!;
  if (length === 0x80) throw new DerSyntaxError("indefinite length");
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 4) throw new DerSyntaxError("length too large");
    if (at + count > limit) throw new DerSyntaxError("truncated length");
    if (bytes[at] === 0) throw new DerSyntaxError("non-minimal length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[at++]!;
    if (length < 0x80) throw new DerSyntaxError("non-minimal length");
  }
  if (length > limits.maxContentLength) throw new DerSyntaxError("content too long");
  const contentStart = at;
  const end = contentStart + length;
  if (end > limit) throw new DerSyntaxError("truncated content");
  if (tagClass === TagClass.Universal && constructed && PRIMITIVE_ONLY.has(tagNumber)) {
    throw new DerSyntaxError(`constructed form of universal type ${tagNumber}`);
  }
  const children: DerNode[] = [];
  if (constructed) {
    let child = contentStart;
    while (child < end) {
      const [node, next] = readElement(bytes, child, end, depth + 1, limits, budget);
      children.push(node);
      child = next;
    }
  }
  return [{ tagClass, tagNumber, constructed, raw: bytes.subarray(start, end), content: bytes.subarray(contentStart, end), children }, end];
}

/** The dotted text of an OBJECT IDENTIFIER's content octets (X.690 8.19), minimal arcs only. */
export function oidText(c: Uint8Array): string {
  if (c.length === 0 || (c[c.length - 1]! & 0x80) !== 0) throw new DerSyntaxError("malformed OID");
  const arcs: number[] = [];
  let value = 0;
  let fresh = true;
  for (const b of c) {
    // A sub-identifier may not start with 0x80 (non-minimal) and must stay a safe integer.
    if (fresh && b === 0x80) throw new DerSyntaxError("non-minimal OID arc");
    if (value > 2 ** 45) throw new DerSyntaxError("OID arc too large");
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
