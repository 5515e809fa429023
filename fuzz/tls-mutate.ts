// Structural mutation of peer transcripts: record framing (splits, merges, types, versions, lengths,
// padding, epochs, CCS, alerts, empty and oversized records, tampering), handshake messages (drop,
// duplicate, reorder, retype, truncate, insert from a dictionary) and message fields (hello fields,
// extension lists with type-aware values, certificate entries mutated as DER), then delivery
// (chunking, yields, end of stream).
import type { Rng } from "./rng.js";
import { concat, mutateBytes } from "./mutators.js";
import { mutateDer } from "./der.js";
import {
  CT,
  Cursor,
  type Ext,
  type HsMessage,
  type Transcript,
  type WireRecord,
  cloneTranscript,
  encodeExtensions,
  encodeHello,
  joinMessages,
  parseExtensions,
  parseHello,
  splitMessages,
  u,
  vec,
} from "./tls.js";

const h = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (x) => parseInt(x, 16));
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const u16s = (...v: number[]): Uint8Array => concat(...v.map((x) => u(2, x)));

const HRR_RANDOM = h("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
const GROUPS = [0x0017, 0x0018, 0x0019, 0x001d, 0x001e, 0x0100, 0x11ec, 0x6399, 0x0a0a, 0x0000, 0xffff];
const SCHEMES = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0807, 0x0808, 0x0201, 0x0203, 0x0809, 0x0000, 0xffff];
const SUITES = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xc02f, 0x00ff, 0x5600, 0x0000, 0xffff, 0x0a0a];
const KEY_LEN: Record<number, number> = { 0x17: 65, 0x18: 97, 0x19: 133, 0x1d: 32, 0x1e: 56 };

/** Extension data a peer might send, by type: valid shapes, near misses and nonsense. */
function extensionValue(type: number, rng: Rng, client: boolean, current?: Uint8Array): Uint8Array {
  switch (type) {
    case 0: {
      const names = ["localhost", "LOCALHOST", "localhost.", "127.0.0.1", "", "a".repeat(254), "xn--nxasmq6b", "local\u0000host", "*.localhost", "a..b"];
      if (!client && rng.chance(0.6)) return rng.pick([new Uint8Array(0), h("00"), h("0000")]);
      const name = ascii(rng.pick(names));
      return rng.pick([
        vec(2, concat(h("00"), vec(2, name))),
        vec(2, concat(h("01"), vec(2, name))),
        vec(2, concat(h("00"), vec(2, name), h("00"), vec(2, name))),
        h("0000"),
        h("00050000ff"),
        concat(h("0003"), h("00"), vec(2, name)),
      ]);
    }
    case 10:
    case 13:
    case 50: {
      const pool = type === 10 ? GROUPS : SCHEMES;
      const n = rng.small(8);
      const list = Array.from({ length: n }, () => rng.pick(pool));
      return rng.chance(0.85) ? vec(2, u16s(...list)) : rng.pick([h(""), h("00"), h("0001"), h("000317")]);
    }
    case 43:
      if (!client) return rng.pick([u16s(0x0304), u16s(0x0303), u16s(0x7f1c), u16s(0x0304, 0x0304), h("03"), h("")]);
      return rng.pick([vec(1, u16s(0x0304)), vec(1, u16s(0x0303)), vec(1, u16s(0x0304, 0x0303)), vec(1, u16s(0x7f1c, 0x0a0a)), h("00"), h("0103"), vec(1, u16s(...Array(127).fill(0x0a0a)))]);
    case 51: {
      const entry = (): Uint8Array => {
        const g = rng.pick(GROUPS);
        const len = rng.chance(0.8) ? KEY_LEN[g] ?? rng.small(100) : rng.small(140);
        const key = rng.bytes(len);
        if (rng.chance(0.5) && len > 0 && g !== 0x1d) key[0] = 4;
        return concat(u(2, g), vec(2, key));
      };
      if (!client) {
        if (rng.chance(0.3)) return u(2, rng.pick(GROUPS)); // HelloRetryRequest form
        if (current && current.length > 4 && rng.chance(0.5)) {
          const out = current.slice();
          out.set(u(2, rng.pick(GROUPS)), 0);
          return out;
        }
        return entry();
      }
      if (current && rng.chance(0.4)) {
        // Keep our real share and add, duplicate or reorder around it.
        const extra = entry();
        const body = current.subarray(2);
        return vec(2, rng.pick([concat(extra, body), concat(body, extra), concat(body, body)]));
      }
      return vec(2, concat(...Array.from({ length: rng.small(4) }, entry)));
    }
    case 16: {
      const protos = ["h2", "http/1.1", "", "x".repeat(255), "h3", "\u0000"];
      if (rng.chance(0.2)) return rng.pick([h(""), h("0000"), h("000100"), h("0003026832")]);
      return vec(2, concat(...Array.from({ length: 1 + rng.small(3) }, () => vec(1, ascii(rng.pick(protos))))));
    }
    case 44:
      return rng.pick([vec(2, rng.bytes(rng.small(64))), h(""), h("0000"), h("00ff")]);
    case 41:
      return rng.pick([concat(vec(2, concat(vec(2, rng.bytes(16)), u(4, 0))), vec(2, vec(1, rng.bytes(32)))), rng.bytes(rng.small(40)), h("")]);
    case 42:
      return rng.pick([h(""), u(4, 0xffffffff), h("00")]);
    case 45:
      return rng.pick([h("0101"), h("0100"), h("00"), h("0201ff")]);
    case 21:
      return new Uint8Array(rng.small(600));
    default:
      return rng.bytes(rng.small(32));
  }
}

const EXT_TYPES = [0, 5, 10, 11, 13, 16, 18, 21, 22, 23, 35, 41, 42, 43, 44, 45, 47, 49, 50, 51, 0xff01, 0x0a0a, 0xfe0d, 0x1234];

function mutateExtensions(exts: Ext[], rng: Rng, client: boolean): Ext[] {
  const out = exts.map((e) => ({ ...e }));
  switch (rng.int(8)) {
    case 0:
      if (out.length) out.splice(rng.int(out.length), 1);
      break;
    case 1:
      if (out.length) {
        const e = rng.pick(out);
        out.splice(rng.int(out.length + 1), 0, { ...e });
      }
      break;
    case 2:
      if (out.length > 1) {
        const i = rng.int(out.length);
        const j = rng.int(out.length);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      break;
    case 3: {
      const type = rng.pick(EXT_TYPES);
      out.splice(rng.int(out.length + 1), 0, { type, data: extensionValue(type, rng, client) });
      break;
    }
    case 4:
    case 5:
      if (out.length) {
        const e = rng.pick(out);
        e.data = extensionValue(e.type, rng, client, e.data);
      }
      break;
    case 6:
      if (out.length) {
        const e = rng.pick(out);
        e.data = mutateBytes(e.data, rng, { maxLength: e.data.length + 64 }, 3);
      }
      break;
    default:
      if (out.length) rng.pick(out).type = rng.pick(EXT_TYPES);
  }
  return out;
}

function mutateHello(body: Uint8Array, rng: Rng, client: boolean): Uint8Array | null {
  const hello = parseHello(body, client);
  if (hello === null) return null;
  switch (rng.int(client ? 9 : 8)) {
    case 0:
      hello.version = u(2, rng.pick([0x0303, 0x0304, 0x0301, 0x0300, 0x0302, 0x7f1c, 0xfefd, 0x0000]));
      break;
    case 1:
      hello.random = rng.pick([HRR_RANDOM, new Uint8Array(32), rng.bytes(32)]);
      break;
    case 2:
      hello.sessionId = rng.pick([new Uint8Array(0), rng.bytes(33), rng.bytes(rng.small(32)), new Uint8Array(32)]);
      break;
    case 3:
      if (client) {
        const n = rng.small(6);
        hello.suites = rng.chance(0.85) ? u16s(...Array.from({ length: n }, () => rng.pick(SUITES))) : rng.pick([h(""), h("13"), h("130113")]);
      } else hello.suites = u(2, rng.pick(SUITES));
      break;
    case 4:
      hello.compression = client ? rng.pick([h(""), h("01"), h("0001"), h("0100")]) : rng.pick([h("01"), h("ff")]);
      break;
    case 5:
      hello.extensions = rng.chance(0.2) ? rng.pick([null, []]) : mutateExtensions(hello.extensions ?? [], rng, client);
      break;
    case 6:
      hello.tail = rng.bytes(1 + rng.small(8));
      break;
    case 8:
      // ClientHello only: a second mutation of the extensions, as they matter most.
      hello.extensions = mutateExtensions(mutateExtensions(hello.extensions ?? [], rng, client), rng, client);
      break;
    default:
      hello.extensions = mutateExtensions(hello.extensions ?? [], rng, client);
  }
  return encodeHello(hello, client);
}

/** Body-aware mutation of one handshake message; falls back to bytes. */
function mutateMessageBody(m: HsMessage, rng: Rng, ctx: MutationContext): Uint8Array {
  const b = m.body;
  if (rng.chance(0.75)) {
    switch (m.type) {
      case 1:
      case 2: {
        const out = mutateHello(b, rng, m.type === 1);
        if (out) return out;
        break;
      }
      case 8: {
        // EncryptedExtensions: an extension block.
        const c = new Cursor(b);
        const exts = parseExtensions(c.vec(2) ?? new Uint8Array(0));
        if (exts) return concat(encodeExtensions(mutateExtensions(exts, rng, false)), rng.chance(0.1) ? rng.bytes(2) : new Uint8Array(0));
        break;
      }
      case 13: {
        const c = new Cursor(b);
        const context = c.vec(1);
        const exts = parseExtensions(c.vec(2) ?? new Uint8Array(0));
        if (context && exts) return concat(vec(1, rng.chance(0.2) ? rng.bytes(1 + rng.small(8)) : context), encodeExtensions(mutateExtensions(exts, rng, false)));
        break;
      }
      case 11: {
        const out = mutateCertificateMessage(b, rng, ctx);
        if (out) return out;
        break;
      }
      case 15: {
        const c = new Cursor(b);
        const scheme = c.u(2);
        const sig = c.vec(2);
        if (scheme !== null && sig) {
          if (rng.chance(0.4)) return concat(u(2, rng.pick(SCHEMES)), vec(2, sig));
          return concat(u(2, scheme), vec(2, mutateBytes(sig, rng, { maxLength: sig.length + 32 }, 2)));
        }
        break;
      }
      case 24:
        return rng.pick([h("00"), h("01"), h("02"), h("ff"), h(""), h("0000")]);
      case 4:
        return newSessionTicket(rng);
    }
  }
  return mutateBytes(b, rng, { maxLength: b.length + 256, dictionary: ctx.dictionary }, 4);
}

function mutateCertificateMessage(b: Uint8Array, rng: Rng, ctx: MutationContext): Uint8Array | null {
  const c = new Cursor(b);
  const context = c.vec(1);
  const list = c.vec(3);
  if (!context || !list || c.left) return null;
  const lc = new Cursor(list);
  const entries: { der: Uint8Array; ext: Uint8Array }[] = [];
  while (lc.left) {
    const der = lc.vec(3);
    const ext = lc.vec(2);
    if (!der || !ext) return null;
    entries.push({ der, ext });
  }
  let ctxBytes = context;
  switch (rng.int(7)) {
    case 0:
    case 1:
    case 2:
      if (entries.length) {
        const e = rng.pick(entries);
        e.der = mutateDer(e.der, rng, ctx.derDonors);
      }
      break;
    case 3:
      if (entries.length) entries.splice(rng.int(entries.length), 1);
      break;
    case 4: {
      const der = ctx.derDonors.length && rng.chance(0.7) ? rng.pick(ctx.derDonors) : entries.length ? rng.pick(entries).der : rng.bytes(8);
      const n = rng.chance(0.1) ? 20 : 1;
      for (let i = 0; i < n; i++) entries.splice(rng.int(entries.length + 1), 0, { der, ext: new Uint8Array(0) });
      break;
    }
    case 5:
      if (entries.length) rng.pick(entries).ext = rng.pick([concat(u(2, 5), vec(2, h("0100000000"))), concat(u(2, 18), vec(2, h(""))), rng.bytes(3), concat(u(2, 0x1234), vec(2, h("")))]);
      break;
    default:
      ctxBytes = rng.bytes(1 + rng.small(4));
  }
  return concat(vec(1, ctxBytes), vec(3, concat(...entries.map((e) => concat(vec(3, e.der), vec(2, e.ext))))));
}

function newSessionTicket(rng: Rng): Uint8Array {
  return concat(
    u(4, rng.pick([0, 1, 7200, 604800, 604801, 0xffffffff])),
    rng.bytes(4),
    vec(1, rng.bytes(rng.small(8))),
    vec(2, rng.bytes(rng.chance(0.1) ? 0 : 1 + rng.small(64))),
    encodeExtensions(rng.chance(0.7) ? [] : [{ type: rng.pick([42, 0x1234]), data: rng.pick([u(4, 16384), h("")]) }]),
  );
}

/** Handshake messages worth inserting anywhere. */
function dictionaryMessage(rng: Rng): HsMessage {
  const type = rng.pick([0, 1, 2, 4, 5, 8, 11, 13, 15, 20, 24, 254, 3, 6, 12, 14, 16, 21, 22, 25, 255]);
  switch (type) {
    case 24:
      return { type, body: rng.pick([h("00"), h("01")]) };
    case 4:
      return { type, body: newSessionTicket(rng) };
    case 5:
    case 0:
      return { type, body: new Uint8Array(0) };
    case 8:
      return { type, body: encodeExtensions([]) };
    case 13:
      return { type, body: concat(vec(1, h("")), encodeExtensions([{ type: 13, data: vec(2, u16s(0x0403)) }])) };
    case 20:
      return { type, body: rng.bytes(rng.pick([32, 48, 0, 31])) };
    case 254:
      return { type, body: rng.bytes(32) };
    default:
      return { type, body: rng.bytes(rng.small(64)) };
  }
}

/** Upper bound on a transcript's content (padding included). */
export const MAX_TRANSCRIPT_BYTES = 256 * 1024;

export interface MutationContext {
  /** Epoch names a record can be moved to. */
  readonly epochs: readonly string[];
  /** DER certificates to splice into Certificate messages. */
  readonly derDonors: readonly Uint8Array[];
  /** Byte tokens for leaf mutation. */
  readonly dictionary: readonly Uint8Array[];
  /** Scenario names the transcript may be retargeted to. */
  readonly scenarios: readonly string[];
  readonly maxRecords: number;
}

function epochAfter(records: readonly WireRecord[], index: number): string {
  for (let i = Math.min(index, records.length - 1); i >= 0; i--) if (records[i]!.epoch !== "raw") return records[i]!.epoch;
  return "plain";
}

function mutateRecordLevel(t: Transcript, rng: Rng, ctx: MutationContext): void {
  const recs = t.records;
  const at = rng.int(recs.length);
  const r = recs[at];
  const insert = (rec: WireRecord): void => {
    if (recs.length < ctx.maxRecords) recs.splice(rng.int(recs.length + 1), 0, rec);
  };
  switch (rng.int(20)) {
    case 0:
      if (r && r.content.length >= 2) {
        const cut = 1 + rng.int(r.content.length - 1);
        recs.splice(at, 1, { ...r, content: r.content.slice(0, cut) }, { ...r, content: r.content.slice(cut) });
      }
      break;
    case 1: {
      const next = recs[at + 1];
      if (r && next && next.epoch === r.epoch && next.type === r.type) recs.splice(at, 2, { ...r, content: concat(r.content, next.content) });
      break;
    }
    case 2:
      if (r) recs.splice(at, 1);
      break;
    case 3:
      if (r) recs.splice(at, 0, { ...r });
      break;
    case 4:
      if (r && at + 1 < recs.length) [recs[at], recs[at + 1]] = [recs[at + 1]!, r];
      break;
    case 5:
      insert({ epoch: rng.chance(0.7) ? "plain" : rng.pick(ctx.epochs), type: CT.ccs, content: rng.pick([h("01"), h("01"), h("02"), h(""), h("0101")]) });
      break;
    case 6: {
      const i = rng.int(recs.length + 1);
      const content = rng.pick([u16s(0x0100), u16s(0x015a), u16s(0x025a), u16s(0x0228), u16s(0x0232), u16s(0x0000 | rng.int(256)), u16s(0x0200 | rng.int(256)), h("01"), h("010000"), rng.bytes(2)]);
      if (recs.length < ctx.maxRecords) recs.splice(i, 0, { epoch: epochAfter(recs, i - 1), type: CT.alert, content });
      break;
    }
    case 7: {
      const i = rng.int(recs.length + 1);
      if (recs.length < ctx.maxRecords) {
        recs.splice(i, 0, { epoch: rng.chance(0.8) ? epochAfter(recs, i - 1) : rng.pick(ctx.epochs), type: rng.pick([CT.appData, CT.handshake, CT.alert]), content: rng.chance(0.5) ? new Uint8Array(0) : rng.bytes(rng.small(64)) });
      }
      break;
    }
    case 8:
      if (r) r.type = rng.chance(0.8) ? rng.pick([20, 21, 22, 23, 24, 0, 255]) : rng.u32() & 0xff;
      break;
    case 9:
      if (r) r.epoch = rng.pick(ctx.epochs);
      break;
    case 10:
      if (r) r.version = rng.pick([0x0301, 0x0303, 0x0304, 0x0300, 0x0302, 0x02ff, 0x0403, 0xfefd, 0x0000]);
      break;
    case 11:
      if (r) r.outerType = rng.pick([22, 21, 20, 24, 0, 23]);
      break;
    case 12:
      if (r) r.padding = rng.pick([0, 1, 15, 255, Math.max(0, 16384 - r.content.length - 1), Math.max(0, 16384 - r.content.length), 16384 + 200, rng.small(2000)]);
      break;
    case 13:
      if (r) r.lenDelta = rng.pick([-1, 1, -5, 5, -16, 255, 0x4000, -r.content.length - 5, 0xffff]);
      break;
    case 14:
      if (r) r.tamper = rng.int(1 << 16);
      break;
    case 15: {
      // Oversized or boundary-sized records.
      const size = rng.pick([16384, 16385, 16384 + 256, 16384 + 257, 65535 - 5]);
      insert({ epoch: rng.pick(ctx.epochs), type: rng.pick([CT.appData, CT.handshake, CT.alert]), content: new Uint8Array(size) });
      break;
    }
    case 16: {
      // Raw bytes on the wire: garbage, a lying header, an SSLv2-looking hello, HTTP.
      const raw = rng.pick([rng.bytes(rng.small(40)), h("16030300"), h("1603030000"), h("8003010001"), ascii("GET / HTTP/1.1\r\n\r\n"), h("17030340ff"), h("1503030002")]);
      insert({ epoch: "raw", type: 0, content: raw });
      break;
    }
    case 17: {
      // A KeyUpdate, with every later application epoch moved one on.
      const i = rng.int(recs.length + 1);
      const ep = epochAfter(recs, i - 1);
      const m = /^ap(\d+)$/.exec(ep);
      if (!m || recs.length >= ctx.maxRecords) break;
      recs.splice(i, 0, { epoch: ep, type: CT.handshake, content: concat(h("18000001"), rng.pick([h("00"), h("01")])) });
      for (let j = i + 1; j < recs.length; j++) {
        const mm = /^ap(\d+)$/.exec(recs[j]!.epoch);
        if (mm) recs[j]!.epoch = `ap${Number(mm[1]) + 1}`;
      }
      break;
    }
    case 18:
      // Many small records: the per-record and per-fragment limits.
      if (r && r.content.length > 1) {
        const pieces: WireRecord[] = [];
        const step = rng.pick([1, 1, 2, 3, 7]);
        for (let i = 0; i < r.content.length && pieces.length < 4096; i += step) pieces.push({ ...r, content: r.content.slice(i, i + step) });
        recs.splice(at, 1, ...pieces);
      }
      break;
    default:
      if (recs.length < ctx.maxRecords && r) {
        // Repeat a control record many times (warning alerts, CCS, empty records, KeyUpdates in a row).
        const n = rng.pick([2, 17, 33, 40, 100]);
        recs.splice(at, 0, ...Array.from({ length: n }, () => ({ ...r })));
      }
  }
}

function handshakeRecordIndexes(t: Transcript): number[] {
  const out: number[] = [];
  t.records.forEach((r, i) => {
    if (r.type === CT.handshake && r.epoch !== "raw") out.push(i);
  });
  return out;
}

function mutateMessageLevel(t: Transcript, rng: Rng, ctx: MutationContext): void {
  const idx = handshakeRecordIndexes(t);
  if (!idx.length) return mutateRecordLevel(t, rng, ctx);
  const ri = rng.pick(idx);
  const rec = t.records[ri]!;
  const { messages, rest } = splitMessages(rec.content);
  if (!messages.length) {
    rec.content = mutateBytes(rec.content, rng, { maxLength: rec.content.length + 64 }, 2);
    return;
  }
  const mi = rng.int(messages.length);
  const m = messages[mi]!;
  switch (rng.int(12)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
      m.body = mutateMessageBody(m, rng, ctx);
      if (rng.chance(0.05)) m.declared = Math.max(0, m.body.length + rng.pick([-1, 1, 100, 0x10000, 0xffffff - m.body.length]));
      break;
    case 6:
      messages.splice(mi, 1);
      break;
    case 7:
      messages.splice(rng.int(messages.length + 1), 0, { ...m });
      break;
    case 8:
      m.type = rng.chance(0.7) ? rng.pick([0, 1, 2, 4, 5, 8, 11, 13, 15, 20, 24, 254]) : rng.u32() & 0xff;
      break;
    case 9:
      messages.splice(rng.int(messages.length + 1), 0, dictionaryMessage(rng));
      break;
    case 10: {
      // Move the message to another handshake record (possibly of another epoch).
      const target = t.records[rng.pick(idx)]!;
      messages.splice(mi, 1);
      if (target === rec) messages.push(m);
      else {
        const other = splitMessages(target.content);
        other.messages.splice(rng.int(other.messages.length + 1), 0, m);
        target.content = joinMessages(other.messages, other.rest);
      }
      break;
    }
    default:
      m.body = m.body.slice(0, rng.int(m.body.length + 1));
      if (rng.chance(0.5)) m.declared = m.body.length + 1 + rng.small(64);
  }
  rec.content = joinMessages(messages, rest);
}

function mutateDelivery(t: Transcript, rng: Rng, ctx: MutationContext): void {
  switch (rng.int(4)) {
    case 0:
      t.eof = !t.eof;
      break;
    case 1:
      t.chunking = { mode: rng.pick(["record", "whole", "split", "bytes"] as const), seed: rng.u32(), yields: rng.int(9) };
      break;
    case 2:
      t.chunking = { ...t.chunking, seed: rng.u32() };
      break;
    default:
      if (ctx.scenarios.length > 1) t.scenario = rng.pick(ctx.scenarios);
  }
}

/** A mutated copy of `t`: a stack of message-, record- and delivery-level mutations. */
export function mutateTranscript(input: Transcript, rng: Rng, ctx: MutationContext, other?: Transcript): Transcript {
  const t = cloneTranscript(input);
  if (other && rng.chance(0.05)) {
    // Crossover: our head, the other transcript's tail.
    const a = rng.int(t.records.length + 1);
    const b = rng.int(other.records.length + 1);
    t.records = [...t.records.slice(0, a), ...other.records.slice(b).map((r) => ({ ...r }))].slice(0, ctx.maxRecords);
  }
  const count = 1 + rng.small(4);
  for (let i = 0; i < count; i++) {
    const p = rng.int(100);
    if (p < 60) mutateMessageLevel(t, rng, ctx);
    else if (p < 92) mutateRecordLevel(t, rng, ctx);
    else mutateDelivery(t, rng, ctx);
  }
  // Keep inputs bounded (the corpus holds thousands): drop records from the end beyond the budget.
  let total = 0;
  for (let i = 0; i < t.records.length; i++) {
    total += t.records[i]!.content.length + (t.records[i]!.padding ?? 0);
    if (total > MAX_TRANSCRIPT_BYTES || i >= ctx.maxRecords) {
      t.records.length = i;
      break;
    }
  }
  return t;
}
