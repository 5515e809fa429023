// The strict DER reader (src/codec/der.ts) on the encodings X.690 §10 forbids and on hostile shapes:
// each ends in DerSyntaxError naming the rule, and valid DER comes back as exact views of the input.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DerSyntaxError, TagClass, readDer } from "../src/codec/der.js";
import { fromHex } from "../src/codec/bytes.js";

const LIMITS = { maxDepth: 8, maxNodes: 64, maxContentLength: 1 << 16 };

function refused(hex: string, detail: RegExp, limits = LIMITS): void {
  try {
    readDer(fromHex(hex), limits);
  } catch (e) {
    assert.instance(e, DerSyntaxError, hex);
    assert.match((e as DerSyntaxError).detail, detail, hex);
    return;
  }
  assert.unreachable(`${hex} was accepted`);
}

test("a SEQUENCE of INTEGER and OCTET STRING reads as views of the input", () => {
  const bytes = fromHex("3008020101040301020300".slice(0, 20));
  const node = readDer(bytes, LIMITS);
  assert.is(node.tagClass, TagClass.Universal);
  assert.is(node.tagNumber, 16);
  assert.ok(node.constructed);
  assert.is(node.children.length, 2);
  assert.equal([...node.children[1]!.content], [1, 2, 3]);
  assert.is(node.children[1]!.raw.buffer, bytes.buffer, "no copy");
});

test("context, application and private classes; high tag numbers in minimal form", () => {
  assert.is(readDer(fromHex("a0020500"), LIMITS).tagClass, TagClass.Context);
  assert.is(readDer(fromHex("4100"), LIMITS).tagClass, TagClass.Application);
  assert.is(readDer(fromHex("c100"), LIMITS).tagClass, TagClass.Private);
  assert.is(readDer(fromHex("9f1f00"), LIMITS).tagNumber, 31);
  assert.is(readDer(fromHex("9f810000"), LIMITS).tagNumber, 128);
  refused("9f1e00", /non-minimal tag/); // 30 fits the short form
  refused("9f800100", /non-minimal tag/); // leading 0x80
  refused("9f", /truncated tag/);
});

test("lengths: long form only when needed, minimal, at most four bytes, never indefinite", () => {
  const long = "04" + "8180" + "00".repeat(128);
  assert.is(readDer(fromHex(long), LIMITS).content.length, 128);
  refused("04817f" + "00".repeat(127), /non-minimal length/);
  refused("0482000100", /non-minimal length/);
  refused("3080020100" + "0000", /indefinite length/);
  refused("0485000000000100", /length too large/);
  refused("0404010203", /truncated content/);
  refused("04", /truncated length/);
  refused("0483010000" + "00".repeat(4), /content too long|truncated/, { ...LIMITS, maxContentLength: 100 });
});

test("whole input, one element: trailing bytes and empty input are refused", () => {
  refused("050000", /1 trailing bytes/);
  refused("", /empty/);
  refused("0000", /end-of-contents/);
});

test("universal string and scalar types only in primitive form", () => {
  refused("2403040101", /constructed form of universal type 4/);
  refused("2303030100", /constructed form of universal type 3/);
  refused("2203020100", /constructed form of universal type 2/);
  refused("2100", /constructed form of universal type 1/);
});

test("depth and element budgets bound hostile nesting", () => {
  const nest = (n: number): string => (n === 0 ? "0500" : `30${(nest(n - 1).length / 2).toString(16).padStart(2, "0")}${nest(n - 1)}`);
  assert.ok(readDer(fromHex(nest(8)), LIMITS));
  refused(nest(9), /nested too deeply/);
  const many = "30" + "81c8" + "0500".repeat(100);
  refused(many, /too many elements/);
});

test("children must tile their parent exactly", () => {
  refused("3003020201", /truncated content/); // the INTEGER claims more than the SEQUENCE holds
});

test.run();
