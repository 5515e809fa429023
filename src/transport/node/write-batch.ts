// How the application's write()s become records: runs of small writes are sealed together (a _writev
// batch, and the first write of a run carried into it), joined in one scratch buffer rather than a new
// one per batch.
import { copyInto, totalLength } from "../../codec/bytes.js";

/**
 * The write buffer before write() asks the application to wait for 'drain': four full records, where
 * node:tls has 16 KiB. The write()s made while one is being sealed are sealed together (_writev), and
 * each record costs us a cipher object (node:tls's cost per record is far lower), so a run of small
 * writes fills whole records instead of two half ones. A `highWaterMark` option still sets both sides.
 */
export const WRITABLE_HIGH_WATER_MARK = 64 * 1024;

/** A write() below this size, followed by more, is carried into the next batch (TLSSocket.sendApplicationData): less than a record. */
export const CARRY_BELOW = 16 * 1024;

/**
 * Where a batch's writes are joined before they are sealed, shared by the sockets of this realm:
 * Buffer.concat would allocate (and zero-check) a new buffer per batch, which a run of 1 KiB writes pays
 * for in allocation and garbage collection. Only used between the join and the synchronous seal that
 * reads it, so sockets cannot overlap; given up (keepJoined) when a seal may still read it later.
 */
let joinScratch: Uint8Array | null = null;

/** `parts` as one array: the part itself when there is one, else the scratch (or, past its size, a new array). */
export function joinWrites(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const total = totalLength(parts);
  const out = total <= WRITABLE_HIGH_WATER_MARK ? (joinScratch ??= new Uint8Array(WRITABLE_HIGH_WATER_MARK)).subarray(0, total) : new Uint8Array(total);
  copyInto(out, parts);
  return out;
}

/** `joined` (from joinWrites) may still be read after the seal returned: the next join takes a scratch of its own. */
export function keepJoined(joined: Uint8Array): void {
  if (joined.buffer === joinScratch?.buffer) joinScratch = null;
}
