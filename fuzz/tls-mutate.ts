// Structural mutation of peer transcripts: record framing (splits, merges, types, versions, lengths,
// padding, epochs, CCS, alerts, empty and oversized records, tampering), handshake messages (drop,
// duplicate, reorder, retype, truncate, insert from a dictionary; bodies in tls-mutate-messages.ts),
// TLS 1.2 record oddities (tls12-mutate.ts), then delivery (chunking, yields, end of stream).
import type { Rng } from "./rng.js";
import { concat, mutateBytes } from "./mutators.js";
import { CT, type Transcript, type WireRecord, cloneTranscript, joinMessages, splitMessages } from "./tls.js";
import { type MutationContext, ascii, dictionaryMessage, h, mutateMessageBody, u16s } from "./tls-mutate-messages.js";
import { dictionaryTls12, isTls12Transcript, mutateTls12Body, mutateTls12Record } from "./tls12-mutate.js";

export type { MutationContext };

/** Upper bound on a transcript's content (padding included). */
export const MAX_TRANSCRIPT_BYTES = 256 * 1024;

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

function mutateMessageLevel(t: Transcript, rng: Rng, ctx: MutationContext, tls12: boolean): void {
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
      m.body = (tls12 && rng.chance(0.75) ? mutateTls12Body(m, rng, ctx) : null) ?? mutateMessageBody(m, rng, ctx);
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
      messages.splice(rng.int(messages.length + 1), 0, tls12 && rng.chance(0.5) ? dictionaryTls12(rng) : dictionaryMessage(rng));
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
  const tls12 = isTls12Transcript(t);
  const count = 1 + rng.small(4);
  for (let i = 0; i < count; i++) {
    const p = rng.int(100);
    if (p < 60) mutateMessageLevel(t, rng, ctx, tls12);
    else if (p < 92) {
      // A quarter of a TLS 1.2 handshake's record mutations are about its ChangeCipherSpec and epoch.
      if (tls12 && rng.chance(0.25)) mutateTls12Record(t, rng, ctx);
      else mutateRecordLevel(t, rng, ctx);
    }
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
