// Structural DER mutation: parse leniently into a tree, change the tree (tags, length encodings,
// deletions, duplications, swaps, splices, typed leaf values), re-encode with every enclosing length
// recomputed, so mutations reach deep fields instead of dying at the first outer length check.
import type { Rng } from "./rng.js";
import { concat, mutateBytes } from "./mutators.js";

export interface DerTree {
  /** Identifier octets, as found (high tag numbers included). */
  tag: Uint8Array;
  /** Children when the value is constructed and parses cleanly; otherwise null and `content` is used. */
  children: DerTree[] | null;
  content: Uint8Array;
  /** How to write the length: minimal, or a deliberate oddity. */
  lengthForm?: "long" | "long2" | "indefinite" | "huge" | "toomany" | { readonly delta: number };
}

const MAX_DEPTH = 24;

function parseOne(b: Uint8Array, at: number, end: number, depth: number): { node: DerTree; next: number } | null {
  if (at >= end) return null;
  let i = at + 1;
  if ((b[at]! & 0x1f) === 0x1f) {
    while (i < end && b[i]! & 0x80) i++;
    i++;
    if (i > end || i - at > 6) return null;
  }
  const tag = b.subarray(at, i);
  if (i >= end) return null;
  let len = b[i++]!;
  if (len & 0x80) {
    const k = len & 0x7f;
    if (k === 0 || k > 4 || i + k > end) return null;
    len = 0;
    for (let j = 0; j < k; j++) len = len * 256 + b[i++]!;
  }
  if (i + len > end) return null;
  const content = b.subarray(i, i + len);
  let children: DerTree[] | null = null;
  if (tag[0]! & 0x20 && depth < MAX_DEPTH) children = parseAll(content, depth + 1);
  return { node: { tag, children, content }, next: i + len };
}

function parseAll(b: Uint8Array, depth: number): DerTree[] | null {
  const out: DerTree[] = [];
  let at = 0;
  while (at < b.length) {
    const r = parseOne(b, at, b.length, depth);
    if (r === null) return null;
    out.push(r.node);
    at = r.next;
  }
  return out;
}

/** The tree of one DER value, or null when `der` does not even parse leniently. */
export function parseDerTree(der: Uint8Array): DerTree | null {
  const r = parseOne(der, 0, der.length, 0);
  return r && r.next === der.length ? r.node : null;
}

function encodeLength(len: number, form: DerTree["lengthForm"]): Uint8Array {
  if (form === "indefinite") return new Uint8Array([0x80]);
  if (form === "huge") return new Uint8Array([0x84, 0xff, 0xff, 0xff, 0xff]);
  if (form === "toomany") return new Uint8Array([0x89, 0, 0, 0, 0, 0, 0, 0, (len >> 8) & 0xff, len & 0xff]);
  if (typeof form === "object") len = Math.max(0, len + form.delta);
  if (form === "long" || form === "long2" || len >= 0x80) {
    const bytes: number[] = [];
    for (let v = len; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    if (bytes.length === 0) bytes.push(0);
    if (form === "long2") bytes.unshift(0);
    return new Uint8Array([0x80 | bytes.length, ...bytes]);
  }
  return new Uint8Array([len]);
}

export function encodeDerTree(t: DerTree): Uint8Array {
  const body = t.children ? concat(...t.children.map(encodeDerTree)) : t.content;
  const tail = t.lengthForm === "indefinite" ? new Uint8Array([0, 0]) : new Uint8Array(0);
  return concat(t.tag, encodeLength(body.length + tail.length, t.lengthForm), body, tail);
}

function clone(t: DerTree): DerTree {
  return { tag: t.tag, children: t.children ? t.children.map(clone) : null, content: t.content, ...(t.lengthForm !== undefined ? { lengthForm: t.lengthForm } : {}) };
}

interface Slot {
  node: DerTree;
  parent: DerTree | null;
  index: number;
}

function flatten(t: DerTree, parent: DerTree | null = null, index = 0, out: Slot[] = []): Slot[] {
  out.push({ node: t, parent, index });
  if (t.children) t.children.forEach((c, i) => flatten(c, t, i, out));
  return out;
}

const TAGS = [
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a, 0x0c, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1c, 0x1e, 0x30, 0x31,
  0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0x00, 0x1f, 0xff,
];

const h = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (x) => parseInt(x, 16));
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

const LEAF_VALUES: Record<number, readonly Uint8Array[]> = {
  0x01: [h(""), h("00"), h("01"), h("ff"), h("0000")],
  0x02: [h(""), h("00"), h("0000"), h("80"), h("ff"), h("ff80"), h("7f"), h("0080"), h("01".repeat(21)), h("00" + "ff".repeat(20)), h("7fffffff"), h("80000000"), h("0100000000"), h("ffffffffffffffffff")],
  0x03: [h(""), h("00"), h("07"), h("08"), h("0800"), h("0080"), h("0700"), h("01ff"), h("ff00")],
  0x05: [h(""), h("00")],
  0x06: [
    h(""), h("80"), h("2a"), h("2a864886f70d01010b"), h("2a8648ce3d040302"), h("2a8648ce3d030107"), h("5504030c"), h("551d11"), h("551d13"), h("551d0f"),
    h("551d25"), h("551d1e"), h("551d0e"), h("551d23"), h("551d1f"), h("2b0601050507030180"), h("ffffffffffffffffff7f"), h("2a80808001"), h("8000"),
  ],
  0x0c: [h(""), h("00"), h("c0af"), h("ed a0 80".replace(/ /g, "")), h("f4908080"), ascii("a\u0000b"), ascii("*.example.com"), ascii("localhost"), ascii("x".repeat(300))],
  0x13: [h(""), ascii("@"), ascii("localhost"), h("ff")],
  0x16: [h(""), ascii("localhost"), ascii("*.localhost"), ascii("*"), ascii("a..b"), ascii(".localhost"), ascii("xn--"), ascii("LOCALHOST."), ascii("a@b"), h("80"), ascii("local\u0000host")],
  0x17: [h(""), ascii("260101000000Z"), ascii("991231235960Z"), ascii("500101000000Z"), ascii("4912312359590Z"), ascii("2601010000Z"), ascii("260101000000+0100"), ascii("260230000000Z"), ascii("26010100000aZ"), ascii("260101000000")],
  0x18: [h(""), ascii("20260101000000Z"), ascii("00000101000000Z"), ascii("99991231235959Z"), ascii("20260101000000.5Z"), ascii("20261301000000Z"), ascii("2026010100000Z"), ascii("20260101000060Z"), ascii("19500101000000Z")],
  0x87: [h(""), h("7f000001"), h("00000000000000000000000000000001"), h("7f00000fffffff00"), h("7f0000"), h("ffffffff00000000")],
  0x82: [ascii("localhost"), ascii("*.localhost"), ascii(".localhost"), ascii(""), ascii("a".repeat(64) + ".x"), ascii("127.0.0.1")],
};

function mutateLeaf(n: DerTree, rng: Rng): void {
  const values = LEAF_VALUES[n.tag[0]!];
  if (values && rng.chance(0.5)) n.content = rng.pick(values);
  else n.content = mutateBytes(n.content, rng, { maxLength: n.content.length + 64 }, 3);
}

/** Applies 1..k structural mutations to a clone of `tree`; `donors` supply spliced subtrees. */
export function mutateDerTree(tree: DerTree, rng: Rng, donors: readonly DerTree[] = []): DerTree {
  const root = clone(tree);
  const count = 1 + rng.small(4);
  for (let m = 0; m < count; m++) {
    const slots = flatten(root);
    const s = rng.pick(slots);
    const n = s.node;
    const siblings = s.parent?.children ?? null;
    switch (rng.int(12)) {
      case 0:
        n.tag = new Uint8Array([rng.chance(0.7) ? rng.pick(TAGS) : rng.u32() & 0xff]);
        if (!(n.tag[0]! & 0x20) && n.children) {
          n.content = concat(...n.children.map(encodeDerTree));
          n.children = null;
        }
        break;
      case 1:
        n.lengthForm = rng.pick(["long", "long2", "indefinite", "huge", "toomany", { delta: rng.pick([-3, -2, -1, 1, 2, 3, 127, -128]) }] as const);
        break;
      case 2:
        if (siblings) siblings.splice(s.index, 1);
        break;
      case 3:
        if (siblings) siblings.splice(s.index, 0, clone(n));
        break;
      case 4:
        if (siblings && siblings.length > 1) {
          const j = rng.int(siblings.length);
          [siblings[s.index], siblings[j]] = [siblings[j]!, siblings[s.index]!];
        }
        break;
      case 5: {
        // Replace with a subtree of a donor (another input) or of ourselves.
        const donorRoot = donors.length && rng.chance(0.6) ? rng.pick(donors) : root;
        const donor = clone(rng.pick(flatten(donorRoot)).node);
        if (siblings) siblings[s.index] = donor;
        break;
      }
      case 6:
      case 7:
        if (n.children === null) mutateLeaf(n, rng);
        else if (n.children.length) {
          const leaf = rng.pick(flatten(n)).node;
          if (leaf.children === null) mutateLeaf(leaf, rng);
        }
        break;
      case 8:
        // Wrap in a SEQUENCE, SET or context tag.
        if (siblings) siblings[s.index] = { tag: new Uint8Array([rng.pick([0x30, 0x31, 0xa0, 0xa3, 0x04])]), children: [n], content: new Uint8Array(0) };
        break;
      case 9:
        // Unwrap: a constructed value replaced by one of its children.
        if (siblings && n.children && n.children.length) siblings[s.index] = rng.pick(n.children);
        break;
      case 10:
        // Empty it.
        if (n.children) n.children = [];
        else n.content = new Uint8Array(0);
        break;
      default:
        // Add a child (a copy of a sibling-ish subtree or a small random TLV).
        if (n.children) {
          const extra = rng.chance(0.5) && n.children.length ? clone(rng.pick(n.children)) : { tag: new Uint8Array([rng.pick(TAGS)]), children: null, content: rng.bytes(rng.small(16)) };
          n.children.splice(rng.int(n.children.length + 1), 0, extra);
        }
    }
  }
  return root;
}

/** Mutates DER bytes: structurally when they parse, byte-wise otherwise (and sometimes anyway). */
export function mutateDer(der: Uint8Array, rng: Rng, donors: readonly Uint8Array[] = [], maxLength = 65536): Uint8Array {
  const tree = rng.chance(0.85) ? parseDerTree(der) : null;
  if (tree === null) return mutateBytes(der, rng, { maxLength, ...(donors.length ? { other: rng.pick(donors) } : {}) });
  const donorTrees = donors.length ? [parseDerTree(rng.pick(donors))].filter((t): t is DerTree => t !== null) : [];
  let out = encodeDerTree(mutateDerTree(tree, rng, donorTrees));
  if (rng.chance(0.1)) out = mutateBytes(out, rng, { maxLength }, 2);
  return out.length > maxLength ? out.subarray(0, maxLength) : out;
}
