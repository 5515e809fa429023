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

/** Rewrites the body of each plaintext handshake message of `type` going `direction` (one message per record). */
export function rewriteMessage(direction: "c2s" | "s2c", type: number, rewrite: (body: Uint8Array) => Uint8Array): Tamper {
  return perRecord((dir, bytes) => {
    if (dir !== direction || bytes[0] !== 22 || bytes[5] !== type) return bytes;
    const body = bytes.subarray(9);
    return record(22, frameHandshake(type, rewrite(body)));
  });
}

