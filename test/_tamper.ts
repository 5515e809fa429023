// Rewriting TLS records in flight between the two sides of test/_pair.ts: whole records, or the body
// of one plaintext handshake message, for hostile-peer tests.
import { concat } from "../src/codec/bytes.js";
import { Writer } from "../src/codec/writer.js";
import { frameHandshake } from "../src/msgs/handshake.js";

export type Tamper = (direction: "c2s" | "s2c", bytes: Uint8Array, index: number) => Uint8Array;

/** A record of `type` with `fragment`. */
export const record = (type: number, fragment: Uint8Array): Uint8Array => new Writer().u8(type).u16(0x0303).vec16(fragment).finish();

/** Applies `each` to every record of a transmitted chunk (a flight leaves in one chunk). */
export function perRecord(each: (direction: "c2s" | "s2c", record: Uint8Array) => Uint8Array): Tamper {
  return (dir, bytes) => {
    const out: Uint8Array[] = [];
    for (let at = 0; at + 5 <= bytes.length; ) {
      const end = at + 5 + ((bytes[at + 3]! << 8) | bytes[at + 4]!);
      out.push(each(dir, bytes.subarray(at, end)));
      at = end;
    }
    return concat(...out);
  };
}

/**
 * Hands `then` the records with one plaintext handshake message each, as the tests address messages
 * by record and fipstls packs consecutive messages into one record (RFC 5246 6.2.1). After a
 * ChangeCipherSpec in a direction, that direction's handshake records are sealed (TLS 1.2's Finished)
 * and pass whole, as does a record whose messages do not end exactly at its end.
 */
export function oneMessagePerRecord(then: Tamper): Tamper {
  const sealed = { c2s: false, s2c: false };
  return (dir, bytes, index) => {
    const split = perRecord((d, rec) => {
      if (rec[0] === 20) sealed[d] = true;
      if (rec[0] !== 22 || sealed[d]) return rec;
      const messages: Uint8Array[] = [];
      let at = 5;
      while (at + 4 <= rec.length) {
        const end = at + 4 + ((rec[at + 1]! << 16) | (rec[at + 2]! << 8) | rec[at + 3]!);
        if (end > rec.length) return rec;
        messages.push(record(22, rec.subarray(at, end)));
        at = end;
      }
      return at === rec.length ? concat(...messages) : rec;
    });
    return then(dir, split(dir, bytes, index), index);
  };
}

/** Rewrites the body of each plaintext handshake message of `type` going `direction`. */
export function rewriteMessage(direction: "c2s" | "s2c", type: number, rewrite: (body: Uint8Array) => Uint8Array): Tamper {
  return oneMessagePerRecord(
    perRecord((dir, bytes) => {
      if (dir !== direction || bytes[0] !== 22 || bytes[5] !== type) return bytes;
      const body = bytes.subarray(9);
      return record(22, frameHandshake(type, rewrite(body)));
    }),
  );
}
