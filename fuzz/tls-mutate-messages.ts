// Mutation of handshake message bodies: hello fields, extension lists with type-aware values,
// certificate entries mutated as DER, CertificateVerify, KeyUpdate and NewSessionTicket, and a
// dictionary of messages worth inserting anywhere. TLS 1.2 forms are in tls12-mutate.ts.
import type { Rng } from "./rng.js";
import { concat, mutateBytes } from "./mutators.js";
import { mutateDer } from "./der.js";
import { Cursor, type Ext, type HsMessage, encodeExtensions, encodeHello, parseExtensions, parseHello, u, vec } from "./tls.js";

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

export const h = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (x) => parseInt(x, 16));
export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
export const u16s = (...v: number[]): Uint8Array => concat(...v.map((x) => u(2, x)));

const HRR_RANDOM = h("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
export const GROUPS = [0x0017, 0x0018, 0x0019, 0x001d, 0x001e, 0x0100, 0x11ec, 0x6399, 0x0a0a, 0x0000, 0xffff];
export const SCHEMES = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0807, 0x0808, 0x0201, 0x0203, 0x0809, 0x0000, 0xffff];
const SUITES = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xc02f, 0x00ff, 0x5600, 0x0000, 0xffff, 0x0a0a];
export const KEY_LEN: Record<number, number> = { 0x17: 65, 0x18: 97, 0x19: 133, 0x1d: 32, 0x1e: 56 };

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
export function mutateMessageBody(m: HsMessage, rng: Rng, ctx: MutationContext): Uint8Array {
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
export function dictionaryMessage(rng: Rng): HsMessage {
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
