// TLS 1.2 in the mutations: the message forms TLS 1.3 does not have or shapes differently
// (Certificate without contexts, ServerKeyExchange, ClientKeyExchange, CertificateRequest,
// NewSessionTicket, 12-byte Finished, ServerHelloDone, HelloRequest, the TLS 1.2 hello extensions and
// the session id that decides resumption), and record oddities around ChangeCipherSpec, which is what
// switches a TLS 1.2 direction to its protected epoch ("tls12").
import type { Rng } from "./rng.js";
import { concat, mutateBytes } from "./mutators.js";
import { mutateDer } from "./der.js";
import { CT, Cursor, type Ext, type HsMessage, type Transcript, type WireRecord, encodeHello, joinMessages, parseHello, u, vec } from "./tls.js";
import { GROUPS, KEY_LEN, type MutationContext, SCHEMES, h, u16s } from "./tls-mutate-messages.js";

/** TLS 1.2 scenarios are named "tls12-…"; a transcript retargeted to one is mutated as TLS 1.2. */
export const isTls12Transcript = (t: Transcript): boolean => t.scenario.startsWith("tls12");

const SUITES12 = [0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9, 0x009c, 0xc013, 0xc009, 0x1301, 0x00ff, 0x5600, 0x0000];
/** The downgrade sentinels of RFC 8446 4.1.3, which end a ServerHello.random. */
const DOWNGRADE = [h("444f574e47524401"), h("444f574e47524400")];

/** Values for the extensions TLS 1.2 gives meaning to: session_ticket, EMS, renegotiation_info, point formats. */
function extension12(rng: Rng, current?: Ext): Ext {
  const type = current?.type ?? rng.pick([35, 23, 0xff01, 11, 0, 16]);
  const data = (() => {
    switch (type) {
      case 35:
        return current && current.data.length && rng.chance(0.5) ? mutateBytes(current.data, rng, { maxLength: current.data.length + 32 }, 2) : rng.pick([h(""), rng.bytes(rng.small(300)), new Uint8Array(44)]);
      case 23:
        return rng.pick([h(""), h("00"), rng.bytes(4)]);
      case 0xff01:
        return rng.pick([h("00"), h(""), concat(h("0c"), rng.bytes(12)), concat(h("18"), rng.bytes(24)), h("01")]);
      case 11:
        return rng.pick([h("0100"), h("0101"), h("020100"), h("00"), h(""), h("03000102")]);
      default:
        return rng.bytes(rng.small(16));
    }
  })();
  return { type, data };
}

function mutateHello12(body: Uint8Array, rng: Rng, client: boolean): Uint8Array | null {
  const hello = parseHello(body, client);
  if (hello === null) return null;
  const exts = hello.extensions ?? [];
  switch (rng.int(6)) {
    case 0:
      hello.version = u(2, rng.pick([0x0303, 0x0302, 0x0301, 0x0304, 0x0300]));
      break;
    case 1:
      // The session id decides between the full and the abbreviated handshake.
      hello.sessionId = rng.pick([new Uint8Array(0), hello.sessionId.map((b, i) => (i === 0 ? b ^ 1 : b)), rng.bytes(32), rng.bytes(33), new Uint8Array(32)]);
      break;
    case 2:
      if (client) hello.suites = u16s(...Array.from({ length: rng.small(6) }, () => rng.pick(SUITES12)));
      else hello.suites = u(2, rng.pick(SUITES12));
      break;
    case 3:
      // A client has no sentinel: it loses an extension instead.
      if (!client) {
        hello.random = hello.random.slice();
        hello.random.set(rng.pick(DOWNGRADE), 24);
      } else if (exts.length) exts.splice(rng.int(exts.length), 1);
      break;
    case 4:
      if (exts.length) exts.splice(rng.int(exts.length), 1);
      break;
    default: {
      const at = exts.findIndex((e) => [35, 23, 0xff01, 11].includes(e.type));
      if (at >= 0 && rng.chance(0.6)) exts[at] = extension12(rng, exts[at]);
      else exts.splice(rng.int(exts.length + 1), 0, extension12(rng));
    }
  }
  hello.extensions = exts;
  return encodeHello(hello, client);
}

/** An EC point (or X25519 key) of a plausible or implausible shape, for ServerKeyExchange and ClientKeyExchange. */
function point(rng: Rng, current: Uint8Array | null): Uint8Array {
  if (current && rng.chance(0.4)) return mutateBytes(current, rng, { maxLength: current.length + 8 }, 2);
  const len = rng.chance(0.7) ? KEY_LEN[rng.pick([0x17, 0x18, 0x19, 0x1d])]! : rng.small(140);
  const p = rng.bytes(len);
  if (len > 0) p[0] = rng.pick([4, 4, 2, 3, 0]);
  return rng.chance(0.1) ? new Uint8Array(len) : p;
}

/** TLS 1.2 Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>, no contexts or extensions. */
function mutateCertificate12(b: Uint8Array, rng: Rng, ctx: MutationContext): Uint8Array | null {
  const c = new Cursor(b);
  const list = c.vec(3);
  if (!list || c.left) return null;
  const lc = new Cursor(list);
  const certs: Uint8Array[] = [];
  while (lc.left) {
    const der = lc.vec(3);
    if (!der) return null;
    certs.push(der);
  }
  switch (rng.int(5)) {
    case 0:
    case 1:
      if (certs.length) certs[rng.int(certs.length)] = mutateDer(rng.pick(certs), rng, ctx.derDonors);
      break;
    case 2:
      if (certs.length) certs.splice(rng.int(certs.length), 1);
      break;
    case 3: {
      const der = ctx.derDonors.length ? rng.pick(ctx.derDonors) : rng.bytes(8);
      for (let i = rng.chance(0.1) ? 20 : 1; i > 0; i--) certs.splice(rng.int(certs.length + 1), 0, der);
      break;
    }
    default:
      return concat(vec(3, concat(...certs.map((d) => vec(3, d)))), rng.bytes(1 + rng.small(4)));
  }
  return vec(3, concat(...certs.map((d) => vec(3, d))));
}

/** ServerKeyExchange (RFC 8422 5.4): curve_type, named_curve, point<1..255>, then the signature. */
function mutateServerKeyExchange(b: Uint8Array, rng: Rng): Uint8Array | null {
  const c = new Cursor(b);
  const curveType = c.u(1);
  const group = c.u(2);
  const pub = c.vec(1);
  const scheme = c.u(2);
  const sig = c.vec(2);
  if (curveType === null || group === null || !pub || scheme === null || !sig) return null;
  const parts = { curveType, group, pub, scheme, sig };
  switch (rng.int(6)) {
    case 0:
      parts.curveType = rng.pick([1, 2, 0, 255]);
      break;
    case 1:
      parts.group = rng.pick(GROUPS);
      break;
    case 2:
      parts.pub = point(rng, pub);
      break;
    case 3:
      parts.scheme = rng.pick(SCHEMES);
      break;
    case 4:
      parts.sig = mutateBytes(sig, rng, { maxLength: sig.length + 32 }, 2);
      break;
    default:
      return concat(u(1, curveType), u(2, group), vec(1, pub), u(2, scheme), vec(2, sig), rng.bytes(1 + rng.small(4)));
  }
  return concat(u(1, parts.curveType), u(2, parts.group), vec(1, parts.pub), u(2, parts.scheme), vec(2, parts.sig));
}

/** CertificateRequest (RFC 5246 7.4.4): certificate_types<1..255>, signature algorithms<2..2^16-2>, CA names<0..2^16-1>. */
function certificateRequest12(rng: Rng, ctx: MutationContext): Uint8Array {
  const types = rng.pick([h("0140"), h("40"), h("01"), h(""), h("ff"), rng.bytes(rng.small(8))]);
  const schemes = rng.chance(0.8) ? u16s(...Array.from({ length: rng.small(8) }, () => rng.pick(SCHEMES))) : rng.pick([h(""), h("04")]);
  const names = rng.chance(0.6) ? h("") : concat(...Array.from({ length: 1 + rng.small(3) }, () => vec(2, rng.chance(0.5) && ctx.derDonors.length ? rng.pick(ctx.derDonors).subarray(0, 40) : rng.bytes(rng.small(32)))));
  return concat(vec(1, types), vec(2, schemes), vec(2, names));
}

function newSessionTicket12(rng: Rng, current?: Uint8Array): Uint8Array {
  const ticket = current && current.length > 6 && rng.chance(0.5) ? mutateBytes(current.subarray(6), rng, { maxLength: current.length + 32 }, 2) : rng.pick([h(""), rng.bytes(1 + rng.small(200)), new Uint8Array(60)]);
  return concat(u(4, rng.pick([0, 1, 300, 7200, 604800, 604801, 0xffffffff])), vec(2, ticket));
}

/** A TLS 1.2 shaped body for `m`, or null to let the version-neutral mutations have it. */
export function mutateTls12Body(m: HsMessage, rng: Rng, ctx: MutationContext): Uint8Array | null {
  const b = m.body;
  switch (m.type) {
    case 1:
    case 2:
      return mutateHello12(b, rng, m.type === 1);
    case 11:
      return mutateCertificate12(b, rng, ctx);
    case 12:
      return mutateServerKeyExchange(b, rng);
    case 13:
      return certificateRequest12(rng, ctx);
    case 16: {
      const pub = new Cursor(b).vec(1);
      return rng.chance(0.85) ? vec(1, point(rng, pub)) : rng.pick([h(""), vec(2, rng.bytes(256)), concat(vec(1, pub ?? h("")), h("00"))]);
    }
    case 4:
      return newSessionTicket12(rng, b);
    case 20:
      return rng.chance(0.5) ? mutateBytes(b, rng, { maxLength: 48 }, 1) : rng.bytes(rng.pick([0, 11, 13, 32, 36, 48]));
    case 0:
    case 14:
      return rng.pick([h("00"), rng.bytes(1 + rng.small(8))]);
    default:
      return null;
  }
}

/** TLS 1.2 messages worth inserting anywhere. */
export function dictionaryTls12(rng: Rng): HsMessage {
  switch (rng.int(6)) {
    case 0:
      return { type: 0, body: h("") };
    case 1:
      return { type: 14, body: h("") };
    case 2:
      return { type: 4, body: newSessionTicket12(rng) };
    case 3:
      return { type: 16, body: vec(1, point(rng, null)) };
    case 4:
      return { type: 12, body: concat(h("030017"), vec(1, point(rng, null)), h("0403"), vec(2, rng.bytes(rng.pick([0, 8, 71])))) };
    default:
      return { type: 20, body: rng.bytes(12) };
  }
}

const isCcs = (r: WireRecord): boolean => r.epoch === "plain" && r.type === CT.ccs;

/** Mutations around the ChangeCipherSpec and the protected epoch. */
export function mutateTls12Record(t: Transcript, rng: Rng, ctx: MutationContext): void {
  const recs = t.records;
  const ccs = recs.findIndex(isCcs);
  const prot = recs.map((r, i) => (r.epoch === "tls12" ? i : -1)).filter((i) => i >= 0);
  const room = recs.length < ctx.maxRecords;
  switch (rng.int(10)) {
    case 0:
      // Any explicit nonce is legal (RFC 5288 3): the receiver must take it from the record.
      if (prot.length) recs[rng.pick(prot)]!.nonce = rng.u32() * rng.pick([1, 65536, 4294967296]);
      break;
    case 1:
      if (ccs >= 0) recs.splice(ccs, 1);
      break;
    case 2:
      // Moved: before a message it must follow, or after the first record it protects.
      if (ccs >= 0) {
        const [r] = recs.splice(ccs, 1);
        recs.splice(Math.max(0, ccs + rng.pick([-2, -1, 1, 2])), 0, r!);
      }
      break;
    case 3: {
      // In the middle of a handshake message: the key change must fall on a message boundary.
      const before = ccs > 0 ? recs[ccs - 1]! : undefined;
      if (before?.type === CT.handshake && before.epoch === "plain" && before.content.length > 1 && room) {
        const cut = 1 + rng.int(before.content.length - 1);
        recs.splice(ccs - 1, 1, { ...before, content: before.content.slice(0, cut) }, { ...recs[ccs]! }, { ...before, content: before.content.slice(cut) });
      }
      break;
    }
    case 4:
      if (ccs >= 0) recs[ccs]!.content = rng.pick([h("02"), h(""), h("0101"), h("00")]);
      break;
    case 5:
      if (ccs >= 0 && room) recs.splice(ccs, 0, ...Array.from({ length: rng.pick([1, 2, 40]) }, () => ({ ...recs[ccs]! })));
      break;
    case 6:
      // Protected content in the clear, or the other way round.
      if (prot.length) recs[rng.pick(prot)]!.epoch = "plain";
      else if (recs.length) recs[rng.int(recs.length)]!.epoch = "tls12";
      break;
    case 7: {
      // Renegotiation once the handshake is done: HelloRequest (to a client) or ClientHello (to a server), perhaps a flood.
      const hello = recs.find((r) => r.epoch === "plain" && r.type === CT.handshake && r.content[0] === 1);
      const content = hello && rng.chance(0.5) ? hello.content : joinMessages([{ type: 0, body: h("") }]);
      const at = prot.length ? rng.pick(prot) + 1 : recs.length;
      if (room) recs.splice(at, 0, ...Array.from({ length: rng.pick([1, 2, 5, 40]) }, () => ({ epoch: "tls12", type: CT.handshake, content })));
      break;
    }
    case 8: {
      // An alert under the new keys, before or after Finished.
      const at = prot.length ? rng.pick(prot) + rng.int(2) : recs.length;
      if (room) recs.splice(at, 0, { epoch: "tls12", type: CT.alert, content: rng.pick([h("0100"), h("0164"), h("0228"), h("015a"), h("01")]) });
      break;
    }
    default:
      if (prot.length) recs[rng.pick(prot)]!.version = rng.pick([0x0301, 0x0302, 0x0304, 0x0300]);
  }
}
