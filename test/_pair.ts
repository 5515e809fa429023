// Wires a ClientConnection and a ServerConnection back to back in memory, with optional chunking
// and tampering of the bytes in flight, for tests of the sans-IO core.
import { type ClientConfig, type ClientOptions, buildClientConfig } from "../src/config/client.js";
import { type ServerConfig, type ServerOptions, buildServerConfig } from "../src/config/server.js";
import { ClientConnection } from "../src/conn/client.js";
import { ServerConnection } from "../src/conn/server.js";
import type { Connection } from "../src/conn/connection.js";
import { concat } from "../src/codec/bytes.js";

export interface Side {
  readonly conn: Connection;
  readonly received: Uint8Array[];
  ended: boolean | null;
  error: Error | null;
  /** Sessions delivered by onSession, in order. */
  readonly sessions: Uint8Array[];
  data(): Uint8Array;
}

export interface PairOptions {
  /** Deliver the stream in pieces of at most this many bytes. */
  chunk?: number;
  /** Rewrite bytes in flight (direction "c2s" or "s2c"); return the bytes to deliver. */
  tamper?: (direction: "c2s" | "s2c", bytes: Uint8Array, index: number) => Uint8Array;
}

/** Options are built into configs; a built config is used as it is (a server config shared by several pairs keeps its sessions). */
export async function makePair(client: ClientOptions | ClientConfig, server: ServerOptions | ServerConfig, opts: PairOptions = {}): Promise<{ client: Side; server: Side }> {
  const cc = "side" in client ? client : await buildClientConfig(client);
  const sc = "side" in server ? server : await buildServerConfig(server);
  let c: Side;
  let s: Side;
  const counters = { c2s: 0, s2c: 0 };
  const deliver = (dir: "c2s" | "s2c", to: () => Connection) => (bytes: Uint8Array) => {
    const out = opts.tamper ? opts.tamper(dir, bytes, counters[dir]++) : bytes;
    const step = opts.chunk ?? out.length;
    for (let at = 0; at < out.length; at += step) {
      const piece = out.slice(at, at + step);
      queueMicrotask(() => to().receive(piece));
    }
  };
  const side = (make: (cb: Parameters<typeof makeCallbacks>[0]) => Connection): Side => {
    const me: Side = {
      conn: null as unknown as Connection,
      received: [],
      ended: null,
      error: null,
      sessions: [],
      data: () => concat(...me.received),
    };
    (me as { conn: Connection }).conn = make(me);
    return me;
  };
  function makeCallbacks(me: Side, transmit: (b: Uint8Array) => void) {
    return {
      transmit,
      onData: (d: Uint8Array) => void me.received.push(d.slice()),
      onEnd: (truncated: boolean) => void (me.ended = truncated),
      onError: (e: Error) => void (me.error = e),
      onSession: (session: Uint8Array) => void me.sessions.push(session),
    };
  }
  c = side((me) => new ClientConnection(cc, makeCallbacks(me, deliver("c2s", () => s.conn))));
  s = side((me) => new ServerConnection(sc, makeCallbacks(me, deliver("s2c", () => c.conn))));
  s.conn.start();
  c.conn.start();
  return { client: c, server: s };
}

/** Waits until `cond` holds, polling on the macrotask queue; fails after `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Settles with the error a promise rejects with, or fails if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}
