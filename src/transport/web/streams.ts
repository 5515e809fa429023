// TLS over any Web Streams byte pair: Cloudflare-style `connect()` sockets, Deno and Bun TCP streams,
// a WebSocket turned into streams. Runtime-agnostic: no node:*, only WHATWG streams.
import type { CryptoProvider } from "../../crypto/provider.js";
import { buildClientConfig, type ClientOptions } from "../../config/client.js";
import { buildServerConfig, type ServerOptions } from "../../config/server.js";
import { ClientConnection } from "../../conn/client.js";
import { ServerConnection } from "../../conn/server.js";
import type { ConnectionCallbacks } from "../../conn/connection.js";
import type { NegotiatedInfo } from "../../handshake/info.js";
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from "../../config/timeouts.js";
import { TRANSPORT_INPUT_BACKLOG } from "../../config/limits.js";
import { HandshakeTimeout } from "../../errors.js";
import { type AuditReport, auditConnection } from "../../../compliance/audit.js";
import { webcryptoProvider } from "../../../providers/webcrypto/index.js";
import { ClientHelloPeek } from "../../handshake/client-hello-peek.js";
import { concat } from "../../codec/bytes.js";

export interface ByteStreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

export interface TlsStreams extends ByteStreamPair {
  /** Settles with what the handshake negotiated, or rejects with the named error. */
  readonly handshake: Promise<NegotiatedInfo>;
  /** The connection judged against its policy; throws before the handshake completes. */
  audit(): AuditReport;
  /** Sends a KeyUpdate. */
  updateKeys(requestPeer?: boolean): Promise<void>;
}

interface StreamOptions {
  provider?: CryptoProvider;
  /** Milliseconds the handshake may take before the connection fails with HandshakeTimeout (default DEFAULT_HANDSHAKE_TIMEOUT_MS, 30 000; 0 for none). */
  handshakeTimeout?: number;
}

export type UpgradeOptions = Omit<ClientOptions, "provider"> & StreamOptions;

/** Server options that may differ by the name a client asks for (SNI): the certificate above all. */
export type PerNameOptions = Partial<Omit<ServerOptions, "provider">>;

export type AcceptOptions = Omit<ServerOptions, "provider"> &
  StreamOptions & {
    /**
     * Called with the server name from the client's ClientHello (null without one) before the handshake
     * runs; what it returns replaces those options for this connection (e.g. another certificateChain
     * and privateKey). A rejection fails the connection. Bounded by the handshake timeout.
     */
    selectOptions?: (serverName: string | null) => PerNameOptions | undefined | Promise<PerNameOptions | undefined>;
  };

/** Runs a TLS client over `transport`; the returned streams carry plaintext. */
export function upgrade(transport: ByteStreamPair, options: UpgradeOptions): TlsStreams {
  return wrap(transport, options.handshakeTimeout, async (callbacks) => {
    const provider = options.provider ?? (await webcryptoProvider());
    return new ClientConnection(await buildClientConfig({ ...options, provider }), callbacks);
  });
}

/** Runs a TLS server over `transport` (one accepted connection). */
export function accept(transport: ByteStreamPair, options: AcceptOptions): TlsStreams {
  const { selectOptions, ...base } = options;
  return wrap(transport, options.handshakeTimeout, async (callbacks, readAhead) => {
    const provider = options.provider ?? (await webcryptoProvider());
    let chosen: PerNameOptions | undefined;
    if (selectOptions !== undefined) {
      // The name comes from the ClientHello itself, read ahead and replayed to the connection.
      const peek = new ClientHelloPeek();
      let result = peek.push(new Uint8Array(0));
      while (!result.done) result = peek.push(await readAhead());
      chosen = await selectOptions(result.serverName);
    }
    return new ServerConnection(await buildServerConfig({ ...base, ...chosen, provider }), callbacks);
  });
}

/**
 * Bytes of the connection's own output (handshake, KeyUpdate answers, alerts) that may wait for the
 * network beyond the application's write in flight. A peer that never reads but keeps asking for
 * answers would otherwise make us queue them without bound; past this, we stop reading it.
 */
const OWN_OUTPUT_LIMIT = 64 * 1024;

/** The most bytes `n` plaintext bytes take as TLS records (RFC 8446 5.2: at most 256 more per 2^14). */
const asRecords = (n: number): number => n + Math.ceil(n / 16384) * 256;

/** Reads the next chunk of the peer's bytes before the connection exists (null at the end); the connection gets them all. */
type ReadAhead = () => Promise<Uint8Array | null>;

function wrap(
  transport: ByteStreamPair,
  timeoutMs: number | undefined,
  make: (callbacks: ConnectionCallbacks, readAhead: ReadAhead) => Promise<ClientConnection | ServerConnection>,
): TlsStreams {
  const writer = transport.writable.getWriter();
  const reader = transport.readable.getReader();
  const early: Uint8Array[] = [];
  let earlyEnd = false;
  const readAhead: ReadAhead = async () => {
    if (earlyEnd) return null;
    const { value, done } = await reader.read();
    if (done) {
      earlyEnd = true;
      return null;
    }
    early.push(value);
    return value;
  };
  let plaintext!: ReadableStreamDefaultController<Uint8Array>;
  // The pump waits here while the application's readable is full, so the network is read only as fast as the application reads.
  let resumePump: (() => void) | null = null;
  let networkWrites: Promise<void> = Promise.resolve();
  // Bytes handed to transmit that the network has not taken yet, and how many belong to the application's write in flight.
  let outgoing = 0;
  let appInFlight = 0;
  // The pump waits here while our own output is backlogged.
  let resumeAfterOutput: (() => void) | null = null;
  // The pump waits here while the connection has more received bytes to work through than TRANSPORT_INPUT_BACKLOG.
  let resumeAfterInput: (() => void) | null = null;
  const ownOutputBacklogged = (): boolean => outgoing - appInFlight > OWN_OUTPUT_LIMIT;
  let failed: unknown = null;
  // The connection once made (it is made before it starts, so before its first transmit).
  let ready: ClientConnection | ServerConnection | null = null;

  const readable = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (plaintext = c),
      pull: () => {
        const r = resumePump;
        resumePump = null;
        r?.();
      },
      cancel: () => void conn.then((c) => c.destroy(), () => undefined),
    },
    { highWaterMark: 4, size: () => 1 },
  );

  const failAll = (err: unknown): void => {
    failed ??= err;
    try {
      plaintext.error(err);
    } catch {
      // already closed
    }
    void writer.abort(err).catch(() => undefined);
    void reader.cancel(err).catch(() => undefined);
  };

  /**
   * A client's last flight (its Finished) waits here when the application's first write is already waiting
   * on the handshake, and goes to the network in one write with that write's first records, as node:tls's
   * client sends them: a server
   * with Nagle's algorithm on (node:tls's default) given the two apart sends its tickets on the Finished
   * and holds its first answer until our side's TCP stack acknowledges them. Only the flight after which
   * the handshake is over (the connection is open) is held, never one that waits for an answer.
   */
  let appWritesWaiting = 0;
  let held: Uint8Array[] | null = null;
  let holdDone = false;
  const send = (bytes: Uint8Array): void => {
    networkWrites = networkWrites
      .then(() => writer.write(bytes))
      .catch((e: unknown) => {
        failed ??= e;
      })
      .then(() => {
        outgoing -= bytes.byteLength;
        if (ownOutputBacklogged()) return;
        const r = resumeAfterOutput;
        resumeAfterOutput = null;
        r?.();
      });
  };
  const releaseHeld = (): void => {
    const bytes = held;
    held = null;
    holdDone = true;
    if (bytes !== null) send(bytes.length === 1 ? bytes[0]! : concat(...bytes));
  };

  const conn = make({
    transmit: (bytes) => {
      outgoing += bytes.byteLength;
      const c = ready;
      if (held !== null) {
        // The application's first records: they leave with what waited for them.
        held.push(bytes);
        return releaseHeld();
      }
      if (!holdDone && c instanceof ClientConnection && c.state === "open") {
        // An application write waits on the handshake, or its records already wait behind this flight.
        if (appWritesWaiting > 0 || c.recordsQueued > 0) return void (held = [bytes]);
        holdDone = true;
      }
      send(bytes);
    },
    onData: (data) => plaintext.enqueue(data.slice()),
    onEnd: () => plaintext.close(),
    onError: (err) => {
      releaseHeld();
      failAll(err);
    },
    onInputDrained: () => {
      const r = resumeAfterInput;
      resumeAfterInput = null;
      r?.();
    },
  }, readAhead);
  // The core reads no clock; the transport bounds the handshake, and with it the config's choice by name.
  const limit = timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    if (limit > 0) {
      timer = setTimeout(() => {
        const err = new HandshakeTimeout(limit);
        void conn.then((c) => c.destroy(), () => undefined);
        failAll(err);
        reject(err);
      }, limit);
    }
  });
  expired.catch(() => undefined);

  conn.catch((e: unknown) => {
    clearTimeout(timer);
    // A config that cannot be built fails both directions, like a failed handshake.
    plaintext.error(e);
    void writer.abort(e).catch(() => undefined);
    void reader.cancel(e).catch(() => undefined);
  });
  const handshake = Promise.race([conn, expired]).then(async (c) => {
    c.start();
    void (async () => {
      for (const bytes of early) c.receive(bytes);
      if (earlyEnd) return c.receiveEnd();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return c.receiveEnd();
        c.receive(value);
        // Read no further while the connection is behind on what it received, while the application's
        // readable is full, or while output the peer provoked cannot leave.
        if (c.inputBacklog > TRANSPORT_INPUT_BACKLOG) await new Promise<void>((r) => (resumeAfterInput = r));
        if ((plaintext.desiredSize ?? 1) <= 0) await new Promise<void>((r) => (resumePump = r));
        if (ownOutputBacklogged()) await new Promise<void>((r) => (resumeAfterOutput = r));
      }
    })().catch((e: unknown) => {
      failed ??= e;
      c.destroy();
      try {
        plaintext.error(e);
      } catch {
        // already closed
      }
    });
    try {
      await Promise.race([c.handshake, expired]);
    } finally {
      clearTimeout(timer);
    }
    return c.info;
  });
  handshake.catch(() => undefined);

  const writable = new WritableStream<Uint8Array>({
    write: async (chunk) => {
      const c = await conn;
      appWritesWaiting++;
      try {
        await c.handshake;
      } finally {
        appWritesWaiting--;
      }
      appInFlight = asRecords(chunk.byteLength);
      try {
        await c.write(chunk);
        await networkWrites;
      } finally {
        appInFlight = 0;
        // The write made no record (empty, or it failed): what waited for it leaves now.
        if (held !== null) releaseHeld();
      }
      if (failed) throw failed;
    },
    close: async () => {
      const c = await conn;
      await c.close();
      await networkWrites;
      await writer.close().catch(() => undefined);
    },
    abort: async (reason) => {
      const c = await conn.catch(() => null);
      c?.destroy();
      await writer.abort(reason).catch(() => undefined);
    },
  });

  void conn.then((c) => (ready = c), () => undefined);
  return {
    readable,
    writable,
    handshake,
    audit: () => {
      if (!ready) throw new Error("the handshake has not completed");
      return auditConnection(ready.config, ready.info, `${ready instanceof ServerConnection ? "server" : "client"} connection`);
    },
    updateKeys: async (requestPeer = true) => (await conn).updateKeys(requestPeer),
  };
}
