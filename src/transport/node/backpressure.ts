// Measures of a raw socket's write queue that TLSSocket's flow control decides by: how much of it
// is the connection's own output, and when it has drained.
import type { Duplex } from "node:stream";

/**
 * Bytes of the connection's own output (handshake, KeyUpdate answers, alerts) that may wait in the raw
 * socket beyond the application's write in flight. A peer that never reads but keeps asking for
 * answers would otherwise make us queue them without bound; past this, we stop reading it.
 */
export const OWN_OUTPUT_LIMIT = 64 * 1024;

/** The most bytes `n` plaintext bytes take as TLS records (RFC 8446 5.2: at most 256 more per 2^14). */
export const asRecords = (n: number): number => n + Math.ceil(n / 16384) * 256;

/** Whether our own output waiting in `s` is past OWN_OUTPUT_LIMIT, `appBytesInFlight` (asRecords of the application's write) aside. */
export function ownOutputBacklogged(s: Duplex, appBytesInFlight: number): boolean {
  // Never below the raw socket's own high-water mark, so that a backlog always ends with a 'drain' (which resumes us).
  const limit = Math.max(OWN_OUTPUT_LIMIT, s.writableHighWaterMark);
  return s.writableNeedDrain && s.writableLength - appBytesInFlight > limit;
}

/** Resolves once `s` has drained its write queue, or closed, and never before the event loop's next turn. */
export function drained(s: Duplex): Promise<void> {
  if (!s.writableNeedDrain || s.destroyed) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const done = (): void => {
      s.off("drain", done);
      s.off("close", done);
      resolve();
    };
    s.on("drain", done);
    s.on("close", done);
  });
}
