// The fuzzer's own view of TLS bytes, independent of src/ (whose record and message code is what is
// under test): record framing and TLS 1.3 and TLS 1.2 sealing with any oddity asked for, a lenient deframer and
// decrypter for recording live handshakes, lenient handshake-message and hello splitting, and the
// transcript type every connection target replays.
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from "node:crypto";
import { Buffer } from "node:buffer";
import type { AeadAlgorithm } from "../src/crypto/provider.js";
import { concat } from "./mutators.js";

export const CT = { ccs: 20, alert: 21, handshake: 22, appData: 23 } as const;

/**
 * One record as a peer sends it. `epoch` names the keys it is protected under: "plain", "hs", "ap0",
 * "ap1"... (the peer's TLS 1.3 handshake and application traffic keys), "tls12" (the peer's TLS 1.2
 * write key, after its ChangeCipherSpec), or "raw" (content is sent verbatim, header included). For
 * protected records `type` is the inner content type (TLS 1.2: the record's type, which the AEAD
 * authenticates).
 */
export interface WireRecord {
  epoch: string;
  type: number;
  content: Uint8Array;
  /** Record-layer oddities. */
  version?: number;
  /** Outer content type of a protected record (default 23). */
  outerType?: number;
  /** Zero padding inside a protected TLS 1.3 record (TLS 1.2 has none and ignores it). */
  padding?: number;
  /** TLS 1.2 AES-GCM: the explicit nonce to send instead of the sequence number (any value is legal). */
  nonce?: number;
  /** Added to the length in the header (the header then lies about the body). */
  lenDelta?: number;
  /** Flip this ciphertext byte (mod length) after sealing. */
  tamper?: number;
}

export interface Chunking {
  /** "record": one receive() per record; "whole": one for everything; "split": random cuts; "bytes": 1 byte at a time. */
  mode: "record" | "whole" | "split" | "bytes";
  /** Seeds the cut points for "split" and the yields between receive() calls. */
  seed: number;
  /** Yield to the event loop between receive() calls with this probability (x/8). */
  yields: number;
}

export interface Transcript {
  scenario: string;
  records: WireRecord[];
  /** Call receiveEnd() after the last byte. */
  eof: boolean;
  chunking: Chunking;
}

export interface SealKeys {
  readonly algorithm: AeadAlgorithm;
  readonly key: Uint8Array;
  /** TLS 1.3: the 12-byte IV. TLS 1.2: the key block's fixed IV (GCM's 4-byte salt, ChaCha20's 12 bytes). */
  readonly iv: Uint8Array;
  /** RFC 5246 record format: explicit nonce, type/version/length in the additional data. */
  readonly tls12?: boolean;
}

const CIPHER: Record<AeadAlgorithm, string> = { "AES-128-GCM": "aes-128-gcm", "AES-256-GCM": "aes-256-gcm", "CHACHA20-POLY1305": "chacha20-poly1305" };

function nonce(iv: Uint8Array, seq: number): Uint8Array {
  const n = iv.slice();
  let s = seq;
  for (let i = n.length - 1; i >= n.length - 8 && s > 0; i--) {
    n[i]! ^= s % 256;
    s = Math.floor(s / 256);
  }
  return n;
}

function header(type: number, version: number, length: number): Uint8Array {
  return new Uint8Array([type & 0xff, (version >> 8) & 0xff, version & 0xff, (length >> 8) & 0xff, length & 0xff]);
}

/** A plaintext record (any type, version and declared length). */
export function framePlain(r: WireRecord): Uint8Array {
  const len = Math.max(0, Math.min(0xffff, r.content.length + (r.lenDelta ?? 0)));
  return concat(header(r.type, r.version ?? 0x0303, len), r.content);
}

/** A protected record in the format of the keys' version (TLS 1.3: inner plaintext = content || type || zeros(padding)). */
export function seal(keys: SealKeys, seq: number, r: WireRecord): Uint8Array {
  if (keys.tls12) return seal12(keys, seq, r);
  const padding = r.padding ?? 0;
  const inner = new Uint8Array(r.content.length + 1 + padding);
  inner.set(r.content);
  inner[r.content.length] = r.type;
  const ctLen = inner.length + 16;
  const declared = Math.max(0, Math.min(0xffff, ctLen + (r.lenDelta ?? 0)));
  const hdr = header(r.outerType ?? CT.appData, r.version ?? 0x0303, declared);
  const cipher = createCipheriv(CIPHER[keys.algorithm] as CipherGCMTypes, keys.key, nonce(keys.iv, seq), { authTagLength: 16 });
  cipher.setAAD(hdr);
  const body = concat(cipher.update(inner), cipher.final(), cipher.getAuthTag());
  if (r.tamper !== undefined && body.length) body[r.tamper % body.length]! ^= 0x01;
  return concat(hdr, body);
}

/** 8 bytes big-endian; seq stays below 2^53. */
function u64(v: number): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0 && v > 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/** GCM: salt || explicit part (what the record carries); ChaCha20-Poly1305: IV XOR seq, nothing carried. */
function nonce12(keys: SealKeys, seq: number, explicit: Uint8Array): Uint8Array {
  return keys.algorithm === "CHACHA20-POLY1305" ? nonce(keys.iv, seq) : concat(keys.iv, explicit);
}

/** additional_data = seq_num || type || version || length (of the plaintext), RFC 5246 6.2.3.3. */
const aad12 = (seq: number, type: number, version: number, length: number): Uint8Array => concat(u64(seq), new Uint8Array([type & 0xff, (version >> 8) & 0xff, version & 0xff, (length >> 8) & 0xff, length & 0xff]));

/**
 * A TLS 1.2 AEAD record (RFC 5288, RFC 7905). The AAD takes `type` and the header's version, so a
 * changed version still authenticates (the handshake judges it) while `outerType` breaks the MAC.
 */
function seal12(keys: SealKeys, seq: number, r: WireRecord): Uint8Array {
  const version = r.version ?? 0x0303;
  const explicit = keys.algorithm === "CHACHA20-POLY1305" ? new Uint8Array(0) : u64(r.nonce ?? seq);
  const cipher = createCipheriv(CIPHER[keys.algorithm] as CipherGCMTypes, keys.key, nonce12(keys, seq, explicit), { authTagLength: 16 });
  cipher.setAAD(aad12(seq, r.type, version, r.content.length));
  const body = concat(explicit, cipher.update(r.content), cipher.final(), cipher.getAuthTag());
  if (r.tamper !== undefined && body.length) body[r.tamper % body.length]! ^= 0x01;
  const declared = Math.max(0, Math.min(0xffff, body.length + (r.lenDelta ?? 0)));
  return concat(header(r.outerType ?? r.type, version, declared), body);
}

/** Opens a TLS 1.2 record (for recording); null when the keys or sequence number do not fit. */
export function open12(keys: SealKeys, seq: number, hdr: Uint8Array, body: Uint8Array): { type: number; content: Uint8Array } | null {
  const explicitLength = keys.algorithm === "CHACHA20-POLY1305" ? 0 : 8;
  if (body.length < explicitLength + 16) return null;
  const ct = body.subarray(explicitLength, body.length - 16);
  try {
    const d = createDecipheriv(CIPHER[keys.algorithm] as CipherGCMTypes, keys.key, nonce12(keys, seq, body.subarray(0, explicitLength)), { authTagLength: 16 });
    d.setAuthTag(body.subarray(body.length - 16));
    d.setAAD(aad12(seq, hdr[0]!, (hdr[1]! << 8) | hdr[2]!, ct.length));
    return { type: hdr[0]!, content: concat(d.update(ct), d.final()) };
  } catch {
    return null;
  }
}

/** Opens a protected TLS 1.3 record; null when the keys or sequence number do not fit. */
export function open(keys: SealKeys, seq: number, hdr: Uint8Array, body: Uint8Array): { type: number; content: Uint8Array; padding: number } | null {
  if (body.length < 17) return null;
  try {
    const d = createDecipheriv(CIPHER[keys.algorithm] as CipherGCMTypes, keys.key, nonce(keys.iv, seq), { authTagLength: 16 });
    d.setAuthTag(body.subarray(body.length - 16));
    d.setAAD(hdr);
    const inner = concat(d.update(body.subarray(0, body.length - 16)), d.final());
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) return null;
    return { type: inner[end]!, content: inner.slice(0, end), padding: inner.length - 1 - end };
  } catch {
    return null;
  }
}

/** Cuts a byte stream into records without judging them (for recording). */
export function splitRecords(stream: Uint8Array): { header: Uint8Array; body: Uint8Array }[] {
  const out: { header: Uint8Array; body: Uint8Array }[] = [];
  let at = 0;
  while (stream.length - at >= 5) {
    const len = (stream[at + 3]! << 8) | stream[at + 4]!;
    if (stream.length - at < 5 + len) break;
    out.push({ header: stream.slice(at, at + 5), body: stream.slice(at + 5, at + 5 + len) });
    at += 5 + len;
  }
  return out;
}

// ---- handshake messages ----

export interface HsMessage {
  type: number;
  body: Uint8Array;
  /** Declared length when it should differ from body.length (a lying header). */
  declared?: number;
}

/** Splits record content into handshake messages; a trailing partial message is kept as raw `rest`. */
export function splitMessages(content: Uint8Array): { messages: HsMessage[]; rest: Uint8Array } {
  const messages: HsMessage[] = [];
  let at = 0;
  while (content.length - at >= 4) {
    const len = (content[at + 1]! << 16) | (content[at + 2]! << 8) | content[at + 3]!;
    if (content.length - at < 4 + len) break;
    messages.push({ type: content[at]!, body: content.slice(at + 4, at + 4 + len) });
    at += 4 + len;
  }
  return { messages, rest: content.slice(at) };
}

export function frameMessage(m: HsMessage): Uint8Array {
  const len = m.declared ?? m.body.length;
  return concat(new Uint8Array([m.type, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff]), m.body);
}

export function joinMessages(messages: readonly HsMessage[], rest: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concat(...messages.map(frameMessage), rest);
}

// ---- small readers and writers for message structure ----

export class Cursor {
  at = 0;
  constructor(readonly b: Uint8Array) {}
  get left(): number {
    return this.b.length - this.at;
  }
  u(n: number): number | null {
    if (this.left < n) return null;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.b[this.at++]!;
    return v;
  }
  take(n: number): Uint8Array | null {
    if (this.left < n) return null;
    const out = this.b.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }
  vec(lenBytes: number): Uint8Array | null {
    const n = this.u(lenBytes);
    return n === null ? null : this.take(n);
  }
}

export function u(n: number, v: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = v & 0xff;
    v = Math.floor(v / 256);
  }
  return out;
}

export const vec = (lenBytes: number, body: Uint8Array): Uint8Array => concat(u(lenBytes, body.length), body);

export interface Ext {
  type: number;
  data: Uint8Array;
}

export function parseExtensions(b: Uint8Array): Ext[] | null {
  const c = new Cursor(b);
  const out: Ext[] = [];
  while (c.left > 0) {
    const type = c.u(2);
    const data = c.vec(2);
    if (type === null || data === null) return null;
    out.push({ type, data });
  }
  return out;
}

export const encodeExtensions = (exts: readonly Ext[]): Uint8Array => vec(2, concat(...exts.map((e) => concat(u(2, e.type), vec(2, e.data)))));

/** A hello split into its fields; `tail` holds anything after the extensions. */
export interface Hello {
  version: Uint8Array;
  random: Uint8Array;
  sessionId: Uint8Array;
  /** ClientHello: the cipher_suites vector body; ServerHello: the 2-byte suite. */
  suites: Uint8Array;
  /** ClientHello: the compression vector body; ServerHello: one byte. */
  compression: Uint8Array;
  extensions: Ext[] | null;
  tail: Uint8Array;
}

export function parseHello(body: Uint8Array, client: boolean): Hello | null {
  const c = new Cursor(body);
  const version = c.take(2);
  const random = c.take(32);
  const sessionId = c.vec(1);
  const suites = client ? c.vec(2) : c.take(2);
  const compression = client ? c.vec(1) : c.take(1);
  if (!version || !random || !sessionId || !suites || !compression) return null;
  let extensions: Ext[] | null = null;
  if (c.left > 0) {
    const block = c.vec(2);
    if (block === null) return null;
    extensions = parseExtensions(block);
    if (extensions === null) return null;
  }
  return { version, random, sessionId, suites, compression, extensions, tail: c.take(c.left)! };
}

export function encodeHello(h: Hello, client: boolean): Uint8Array {
  return concat(
    h.version,
    h.random,
    vec(1, h.sessionId),
    client ? vec(2, h.suites) : h.suites,
    client ? vec(1, h.compression) : h.compression,
    h.extensions === null ? new Uint8Array(0) : encodeExtensions(h.extensions),
    h.tail,
  );
}

// ---- transcript (de)serialization: JSON with hex, so seeds and findings are readable and editable ----

const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));

export function transcriptToJson(t: Transcript): string {
  return JSON.stringify(
    {
      scenario: t.scenario,
      eof: t.eof,
      chunking: t.chunking,
      records: t.records.map((r) => {
        const { content, ...rest } = r;
        return { ...rest, content: toHex(content) };
      }),
    },
    null,
    1,
  );
}

export function transcriptFromJson(text: string): Transcript {
  const o = JSON.parse(text) as { scenario: string; eof: boolean; chunking?: Chunking; records: (Omit<WireRecord, "content"> & { content: string })[] };
  return {
    scenario: o.scenario,
    eof: o.eof,
    chunking: o.chunking ?? { mode: "record", seed: 0, yields: 0 },
    records: o.records.map((r) => ({ ...r, content: fromHex(r.content) })),
  };
}

export function cloneTranscript(t: Transcript): Transcript {
  return { scenario: t.scenario, eof: t.eof, chunking: { ...t.chunking }, records: t.records.map((r) => ({ ...r })) };
}
