// What flows over a benchmark connection once it is secure. A server behaves in one of a few
// modes; the other end runs the matching action. Timings start at the first application byte, so
// bulk figures do not include the handshake.
import type { Duplex } from "node:stream";

/**
 * echo: send back what arrives. sink: count `bytes`, then answer one byte (so the sender knows
 * when everything arrived). source: after the first byte ("go") write `bytes` in `chunk`-sized
 * writes. hold: nothing (idle connections).
 */
export type ServeMode = { kind: "echo" } | { kind: "sink"; bytes: number } | { kind: "source"; bytes: number; chunk: number } | { kind: "hold" };

export function serve(s: Duplex, mode: ServeMode): void {
  switch (mode.kind) {
    case "echo":
      s.on("data", (d: Buffer) => s.write(d));
      return;
    case "sink": {
      let got = 0;
      s.on("data", (d: Buffer) => {
        const before = got;
        got += d.length;
        if (before < mode.bytes && got >= mode.bytes) s.write(Buffer.of(1));
      });
      return;
    }
    case "source":
      s.once("data", () => void writeAll(s, mode.bytes, mode.chunk).catch(() => undefined));
      return;
    case "hold":
      s.resume();
      return;
  }
}

const chunks = new Map<number, Buffer>();
const chunkOf = (size: number): Buffer => {
  let c = chunks.get(size);
  if (!c) chunks.set(size, (c = Buffer.alloc(size, 0x5a)));
  return c;
};

/** Writes `bytes` in `chunk`-sized write() calls, waiting for 'drain' when write() says so, as an application would. */
export function writeAll(s: Duplex, bytes: number, chunk: number): Promise<void> {
  const buf = chunkOf(chunk);
  return new Promise<void>((resolve, reject) => {
    let sent = 0;
    const fail = (e?: Error): void => reject(e ?? new Error("closed while writing"));
    s.once("error", fail);
    s.once("close", fail);
    const pump = (): void => {
      while (sent < bytes) {
        const n = Math.min(chunk, bytes - sent);
        sent += n;
        if (!s.write(n === chunk ? buf : buf.subarray(0, n))) return void s.once("drain", pump);
      }
      s.off("error", fail);
      s.off("close", fail);
      resolve();
    };
    pump();
  });
}

/** Resolves once `bytes` have arrived (rejects if the connection ends first). */
export function readBytes(s: Duplex, bytes: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let got = 0;
    const done = (e?: Error): void => {
      s.off("data", onData);
      s.off("error", done);
      s.off("close", closed);
      if (e) reject(e);
      else resolve();
    };
    const closed = (): void => done(new Error(`connection closed after ${got} of ${bytes} bytes`));
    const onData = (d: Buffer): void => {
      got += d.length;
      if (got >= bytes) done();
    };
    s.on("data", onData);
    s.on("error", done);
    s.on("close", closed);
  });
}

/** Client side of "source": ask for the bytes and read them all. */
export async function download(s: Duplex, bytes: number): Promise<void> {
  const arrived = readBytes(s, bytes);
  s.write(Buffer.of(0));
  await arrived;
}

/** Client side of "sink": write everything and wait for the one-byte answer. */
export async function upload(s: Duplex, bytes: number, chunk: number): Promise<void> {
  const ack = readBytes(s, 1);
  await writeAll(s, bytes, chunk);
  await ack;
}

/** Client side of "echo": one byte there and back. */
export async function roundTrip(s: Duplex): Promise<void> {
  const back = readBytes(s, 1);
  s.write(Buffer.of(42));
  await back;
}
