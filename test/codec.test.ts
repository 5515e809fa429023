// Codecs and the deframer on hostile input: every malformed byte string ends in a typed error
// that names the alert, never in another exception or an unbounded buffer.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Reader } from "../src/codec/reader.js";
import { Writer } from "../src/codec/writer.js";
import { decodePem, encodePem } from "../src/codec/pem.js";
import { fromHex, fromUtf8, utf8 } from "../src/codec/bytes.js";
import { Deframer } from "../src/record/deframer.js";
import { HandshakeJoiner, frameHandshake } from "../src/msgs/handshake.js";
import { decodeClientHello, decodeServerHello } from "../src/msgs/hello.js";
import { decodeAlpn, decodeKeyShareClient, decodeServerName, decodeSupportedVersionsClient, encodeAlpn, encodeServerName } from "../src/msgs/extensions.js";
import { TlsError } from "../src/errors.js";
import { readFileSync } from "node:fs";

const alertOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof TlsError) return e.alert;
    throw e;
  }
  throw new Error("expected a TlsError");
};

const rfc8448 = JSON.parse(readFileSync(new URL("../../test/vectors/rfc8448-simple-1rtt.json", import.meta.url), "utf8")).values as Record<string, string>;

const codec = suite("codec");
codec("Reader refuses to read past the end with decode_error", () => {
  const r = new Reader(new Uint8Array([0, 5, 1, 2]));
  assert.is(alertOf(() => r.vec16()), "decode_error");
  assert.is(alertOf(() => new Reader(new Uint8Array([1])).u16()), "decode_error");
  assert.is(alertOf(() => new Reader(new Uint8Array([0, 3, 0, 1, 2])).u16List("list")), "decode_error");
  const trailing = new Reader(new Uint8Array([1, 2]));
  trailing.u8();
  assert.is(alertOf(() => trailing.expectEnd()), "decode_error");
});
codec("Writer back-patches lengths and refuses oversize vectors", () => {
  const out = new Writer().u8(1).prefixed(2, (w) => w.u24(0x010203)).vec8(new Uint8Array([9])).finish();
  assert.equal(Array.from(out), [1, 0, 3, 1, 2, 3, 1, 9]);
  assert.throws(() => new Writer().vec8(new Uint8Array(256)), RangeError);
});
codec("Writer grows from its small default capacity, and handshake framing matches it", () => {
  const body = new Uint8Array(70_000).map((_, i) => i * 7);
  const w = new Writer().u8(2);
  for (let i = 0; i < 100; i++) w.u8(i);
  const out = w.vec24(body).finish();
  assert.is(out.length, 1 + 100 + 3 + body.length);
  assert.equal(Array.from(out.subarray(101, 104)), [0x01, 0x11, 0x70]);
  assert.ok(out.subarray(104).every((b, i) => b === body[i]));
  const framed = frameHandshake(11, body);
  assert.equal(framed, new Writer().u8(11).vec24(body).finish());
  assert.equal(Array.from(frameHandshake(20, new Uint8Array(0))), [20, 0, 0, 0]);
  assert.throws(() => frameHandshake(11, new Uint8Array(2 ** 24)), RangeError);
});
codec("utf8 encodes as TextEncoder does, ASCII fast path or not", () => {
  const enc = new TextEncoder();
  for (const text of ["", "localhost", "tls13 c hs traffic", "x".repeat(64), "x".repeat(65), "bücher.example", "é", "a".repeat(63) + "€", "😀", "\u007f\u0080"]) {
    assert.equal(Array.from(utf8(text)), Array.from(enc.encode(text)), JSON.stringify(text));
    assert.is(fromUtf8(utf8(text)), text);
  }
});
codec("fromUtf8 decodes as a fatal TextDecoder does, ASCII fast path or not", () => {
  const dec = new TextDecoder("utf-8", { fatal: true });
  for (const bytes of [[], [0x6c, 0x6f], Array(64).fill(0x61), Array(65).fill(0x61), [0x7f], [0xc3, 0xa9], [...Array(63).fill(0x61), 0xe2, 0x82, 0xac]]) {
    assert.is(fromUtf8(new Uint8Array(bytes)), dec.decode(new Uint8Array(bytes)), JSON.stringify(bytes));
  }
  // Not UTF-8, short or long: refused as the decoder refuses it, never read as Latin-1.
  for (const bytes of [[0xff], [0x61, 0x80], [0xc3], [...Array(70).fill(0x61), 0xfe]]) {
    assert.throws(() => fromUtf8(new Uint8Array(bytes)), TypeError, JSON.stringify(bytes));
  }
});
codec("PEM round trip", () => {
  const der = new Uint8Array(200).map((_, i) => i);
  const [block] = decodePem(encodePem("CERTIFICATE", der));
  assert.is(block!.label, "CERTIFICATE");
  assert.equal(Array.from(block!.der), Array.from(der));
});
codec.run();

const records = suite("deframer");
const record = (type: number, body: Uint8Array): Uint8Array => {
  const out = new Uint8Array(5 + body.length);
  out.set([type, 3, 3, body.length >> 8, body.length & 0xff]);
  out.set(body, 5);
  return out;
};
records("reassembles records fed one byte at a time", () => {
  const d = new Deframer();
  const stream = new Uint8Array([...record(22, new Uint8Array([1, 2, 3])), ...record(23, new Uint8Array(300).fill(7))]);
  const got = [];
  for (const b of stream) {
    d.push(new Uint8Array([b]));
    for (let r = d.next(); r; r = d.next()) got.push(r);
  }
  assert.is(got.length, 2);
  assert.equal(Array.from(got[0]!.fragment), [1, 2, 3]);
  assert.is(got[1]!.type, 23);
  assert.is(got[1]!.fragment.length, 300);
  assert.is(d.bufferedBytes, 0);
});
records("records split across reads share one join buffer, reused only after recycle(), and whole-chunk records are views", () => {
  const a = new Deframer();
  const b = new Deframer();
  const body = (n: number, fill: number) => new Uint8Array(n).fill(fill);
  /** `r`'s bytes fed in two pieces, so that the deframer must join them. */
  const split = (d: Deframer, r: Uint8Array) => {
    d.push(r.slice(0, 100));
    assert.is(d.next(), null);
    d.push(r.slice(100));
    return d.next()!;
  };
  const first = split(a, record(23, body(1000, 1)));
  // Not recycled: another deframer's split record must not land in the buffer `first` still reads.
  const second = split(b, record(23, body(1000, 2)));
  assert.ok(second.fragment.buffer !== first.fragment.buffer);
  assert.ok(first.fragment.every((x) => x === 1), "an unrecycled record's bytes are left alone");
  b.recycle(second);
  b.recycle(second); // twice: changes nothing
  const third = split(a, record(23, body(2000, 3)));
  assert.is(third.fragment.buffer, second.fragment.buffer, "the recycled buffer is reused");
  assert.ok(first.fragment.every((x) => x === 1), "still left alone");
  assert.ok(third.fragment.every((x) => x === 3) && third.fragment.length === 2000);
  const whole = record(23, body(50, 4));
  a.push(whole);
  const viewed = a.next()!;
  assert.is(viewed.fragment.buffer, whole.buffer, "a record inside one read is a view, not a copy");
  a.recycle(viewed); // not from the join buffer: changes nothing
  const fourth = split(b, record(23, body(500, 5)));
  assert.ok(fourth.fragment.buffer !== third.fragment.buffer && fourth.fragment.buffer !== first.fragment.buffer, "both still lent: never recycled");
  assert.ok(third.fragment.every((x) => x === 3), "an unrecycled record's bytes are left alone");
});
records("an oversize record header is record_overflow before its body arrives", () => {
  const d = new Deframer();
  d.push(new Uint8Array([23, 3, 3, 0x41, 0x01]));
  assert.is(alertOf(() => d.next()), "record_overflow");
});
records("an unknown content type is unexpected_message; a bad version is protocol_version", () => {
  const d = new Deframer();
  d.push(new Uint8Array([99, 3, 3, 0, 1, 0]));
  assert.is(alertOf(() => d.next()), "unexpected_message");
  const h = new Deframer();
  h.push(new TextEncoder().encode("GET / HTTP/1.1\r\n"));
  assert.ok(["unexpected_message", "protocol_version"].includes(alertOf(() => h.next())));
});
records.run();

const msgs = suite("handshake messages");
msgs("a handshake message may span records; an oversize one is refused early", () => {
  const j = new HandshakeJoiner(1024);
  assert.equal(j.push(new Uint8Array([20, 0, 0, 4, 1])), []);
  const [m] = j.push(new Uint8Array([2, 3, 4]));
  assert.is(m!.type, 20);
  assert.equal(Array.from(m!.body), [1, 2, 3, 4]);
  assert.ok(j.isEmpty);
  assert.is(alertOf(() => new HandshakeJoiner(1024).push(new Uint8Array([11, 0, 8, 0]))), "unexpected_message");
});
msgs("every truncation of the RFC 8448 ClientHello is decode_error", () => {
  const body = fromHex(rfc8448.client_hello!).subarray(4);
  decodeClientHello(body);
  // Cut exactly before the extensions block, a hello is a valid extension-less (pre-1.3) hello.
  const chExtensionsAt = 2 + 32 + 1 + 0 + 2 + 6 + 1 + 1;
  for (let n = 0; n < body.length; n++) {
    if (n === chExtensionsAt) continue;
    const alert = alertOf(() => decodeClientHello(body.subarray(0, n)));
    assert.ok(alert === "decode_error", `truncated at ${n}: ${alert}`);
  }
  assert.is(decodeClientHello(body.subarray(0, chExtensionsAt)).extensions.list.length, 0);
  const sh = fromHex(rfc8448.server_hello!).subarray(4);
  const shExtensionsAt = 2 + 32 + 1 + 0 + 2 + 1;
  for (let n = 0; n < sh.length; n++) {
    if (n !== shExtensionsAt) assert.is(alertOf(() => decodeServerHello(sh.subarray(0, n))), "decode_error");
  }
});
msgs("duplicate extensions are illegal_parameter", () => {
  const w = new Writer().u16(0x0303).bytes(new Uint8Array(32)).vec8(new Uint8Array(0));
  w.prefixed(2, (x) => x.u16(0x1301)).vec8(new Uint8Array([0]));
  w.prefixed(2, (x) => x.u16(43).vec16(fromHex("020304")).u16(43).vec16(fromHex("020304")));
  assert.is(alertOf(() => decodeClientHello(w.finish())), "illegal_parameter");
});
msgs("extension codecs: round trips and malformed bodies", () => {
  assert.is(decodeServerName(encodeServerName("example.com")), "example.com");
  assert.equal(decodeAlpn(encodeAlpn(["h2", "http/1.1"])), ["h2", "http/1.1"]);
  assert.is(alertOf(() => decodeAlpn(fromHex("0000"))), "decode_error");
  assert.is(alertOf(() => decodeAlpn(fromHex("00030200"))), "decode_error");
  assert.is(alertOf(() => decodeSupportedVersionsClient(fromHex("030304"))), "decode_error");
  assert.is(alertOf(() => decodeKeyShareClient(fromHex("000a001d0001aa001d0001bb"))), "illegal_parameter");
  assert.is(alertOf(() => decodeServerName(fromHex("0005000002"))), "decode_error");
});
msgs.run();
