// Hostile peers that never read: every transport and every `fipstls serve` mode must stop reading
// once what it would write cannot leave, so that what it holds stays bounded by a count, whatever
// the peer sends. Each case sends far more than the bound and counts the bytes held or accepted.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duplex } from "node:stream";
import * as tls from "node:tls";
import { fileURLToPath } from "node:url";
import { connect, createServer, type TLSSocket } from "../src/node.js";
import { accept, upgrade, type TlsStreams } from "../src/transport/web/streams.js";
import { connectWebSocket, type WebSocketLike } from "../src/transport/web/websocket.js";
import { nodeProvider } from "../providers/node/index.js";
import { PROVIDERS } from "./_providers.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { httpConnection } from "../bin/cli.js";
import { type Scope, scoped, within } from "./interop/peers.js";

const CLI = fileURLToPath(new URL("../../bin/fipstls.js", import.meta.url));
const MIB = 1 << 20;
const pki = await makeThrowawayPki();
const provider = nodeProvider();
const dir = mkdtempSync(join(tmpdir(), "fipstls-backpressure-"));
const certFile = join(dir, "cert.pem");
const keyFile = join(dir, "key.pem");
writeFileSync(certFile, pki.certPem);
writeFileSync(keyFile, pki.keyPem);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves true when `p` settles within `ms`, false when it is still pending (a stalled write). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true as const), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes up to `total` bytes, honouring 'drain', and stops once a drain does not come; returns the bytes the stream took. */
async function writeUntilStalled(socket: tls.TLSSocket, total: number, stallMs = 1500): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let written = 0;
  while (written < total) {
    const ok = socket.write(chunk);
    written += chunk.length;
    if (!ok && !(await settlesWithin(new Promise((r) => socket.once("drain", r)), stallMs))) break;
  }
  return written - socket.writableLength;
}

/** Samples `held` until `progress` has not moved for a second (or `ms` pass); returns the largest `held` seen. */
async function settledMaximum(held: () => number, progress: () => number = held, ms = 15_000): Promise<number> {
  let max = held();
  let last = progress();
  let still = 0;
  for (let waited = 0; waited < ms && still < 4; waited += 250) {
    await sleep(250);
    max = Math.max(max, held());
    const now = progress();
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return max;
}

/** Bytes a server-side TLSSocket holds in its own buffers and its raw socket's. */
const inputBacklog = (s: TLSSocket): number => (s as unknown as { connection: { inputBacklog: number } | null }).connection?.inputBacklog ?? 0;
const heldBy = (s: TLSSocket): number => s.writableLength + s.readableLength + s.socket.writableLength + s.socket.readableLength;

async function listening(scope: Scope, handler: (socket: TLSSocket) => void): Promise<{ port: number; accepted: Promise<TLSSocket> }> {
  let resolveAccepted!: (s: TLSSocket) => void;
  const accepted = new Promise<TLSSocket>((r) => (resolveAccepted = r));
  const server = createServer({ cert: pki.certPem, key: pki.keyPem, provider }, (socket) => {
    socket.on("error", () => undefined);
    handler(socket);
    resolveAccepted(socket);
  });
  scope.add(() => new Promise<void>((r) => server.close(() => r())));
  await within(new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())), "listen");
  return { port: (server.address() as AddressInfo).port, accepted };
}

async function nodeTlsClient(scope: Scope, port: number): Promise<tls.TLSSocket> {
  const client = scope.stream(tls.connect({ host: "127.0.0.1", port, servername: "localhost", ca: pki.caPem }));
  client.on("error", () => undefined);
  await within(new Promise((r) => client.once("secureConnect", r)), "handshake");
  // Never read: what the server sends back stays in the kernel's buffers, then in the server.
  client.pause();
  return client;
}

function startCli(scope: Scope, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  scope.add(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  });
  let text = "";
  return within(
    new Promise((resolve, reject) => {
      const onData = (d: Buffer): void => {
        text += d.toString();
        const m = /serving on 127\.0\.0\.1:(\d+)/.exec(text);
        if (m) resolve({ child, port: Number(m[1]) });
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`fipstls serve exited (${code}): ${text}`)));
    }),
    "fipstls serve to listen",
  );
}

const t = suite("backpressure: peers that never read");
t.after(() => rmSync(dir, { recursive: true, force: true }));

t(
  "fipstls serve --echo stops reading when the client never reads (64 MiB offered)",
  scoped(async (scope) => {
    const { port } = await startCli(scope, ["serve", "--cert", certFile, "--key", keyFile, "--port", "0", "--echo"]);
    const client = await nodeTlsClient(scope, port);
    const total = 64 * MIB;
    const accepted = await writeUntilStalled(client, total);
    // The kernel's buffers both ways take some MiB on loopback; the server itself must take almost nothing.
    assert.ok(accepted < total / 2, `the server took ${(accepted / MIB).toFixed(1)} MiB of ${total / MIB} MiB from a client that never reads`);
  }),
);

t(
  "fipstls serve (HTTP) answers pipelined requests no faster than the client reads",
  scoped(async (scope) => {
    const { port, accepted } = await listening(scope, httpConnection);
    const client = await nodeTlsClient(scope, port);
    const server = await within(accepted, "the server's socket");
    // Each 40-byte request asks for a page of some hundred bytes: 1 MiB of them would be ~20 MiB of answers.
    const request = "GET / HTTP/1.1\r\nhost: localhost\r\n\r\n";
    const burst = request.repeat(Math.floor(MIB / request.length));
    client.write(burst);
    const raw = server.socket as Socket;
    const held = await settledMaximum(() => heldBy(server), () => raw.bytesRead + raw.bytesWritten + heldBy(server));
    assert.ok(held < 2 * MIB, `the server holds ${(held / MIB).toFixed(1)} MiB for a client that never reads`);
  }),
);

/** Two Duplex ends joined in memory, with backpressure both ways; plug() makes one direction stop moving. */
class End extends Duplex {
  peer!: End;
  plugged = false;
  private waiting: (() => void) | null = null;
  override _write(chunk: Buffer, _enc: BufferEncoding, callback: () => void): void {
    // A plugged direction takes the bytes and never confirms them, as a peer that never reads.
    if (this.plugged) return;
    if (this.peer.push(chunk)) callback();
    else this.peer.waiting = callback;
  }
  override _read(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }
  override _final(callback: () => void): void {
    this.peer.push(null);
    callback();
  }
}

function duplexPair(): [End, End] {
  const a = new End();
  const b = new End();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

t(
  "TLSSocket: a KeyUpdate flood from a peer that never reads stops being read once the answers cannot leave",
  scoped(async (scope) => {
    const [clientEnd, serverEnd] = duplexPair();
    scope.add(() => void (clientEnd.destroy(), serverEnd.destroy()));
    const server = createServer({ cert: pki.certPem, key: pki.keyPem, provider });
    const secured = new Promise<TLSSocket>((r) => server.once("secureConnection", r));
    server.emit("connection", serverEnd);
    const client = scope.stream(connect({ socket: clientEnd, servername: "localhost", ca: pki.caPem, provider }));
    client.on("error", () => undefined);
    await within(new Promise((r) => client.once("secureConnect", r)), "handshake");
    const victim = await within(secured, "the server's socket");
    victim.on("error", () => undefined);
    victim.on("data", () => undefined); // an application that reads everything and never writes
    serverEnd.plugged = true;
    // Each round asks for a KeyUpdate (27 bytes to answer) and sends one byte so no flood limit applies.
    const rounds = 8000;
    let done = 0;
    for (; done < rounds; done++) {
      await client.updateKeys(true);
      const wrote = new Promise<void>((resolve, reject) => client.write(Buffer.of(done & 0xff), (e) => (e ? reject(e) : resolve())));
      if (!(await settlesWithin(wrote, 1000))) break;
    }
    const held = await settledMaximum(() => victim.socket.writableLength);
    assert.ok(held <= 96 * 1024, `the server queued ${held} bytes of answers for a peer that never reads (${done} rounds)`);
    assert.ok(done < rounds, "the flood was read to its end");
  }),
);

for (const [pname, p] of PROVIDERS) {
  t(
    `TLSSocket (${pname} provider): an application that does not read holds a bounded amount, however fast records arrive`,
    scoped(async (scope) => {
      let resolveAccepted!: (s: TLSSocket) => void;
      const accepted = new Promise<TLSSocket>((r) => (resolveAccepted = r));
      const server = createServer({ cert: pki.certPem, key: pki.keyPem, provider: p }, (socket) => {
        socket.on("error", () => undefined);
        socket.pause(); // never reads
        resolveAccepted(socket);
      });
      scope.add(() => new Promise<void>((r) => server.close(() => r())));
      await within(new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())), "listen");
      const client = await nodeTlsClient(scope, (server.address() as AddressInfo).port);
      const victim = await within(accepted, "the server's socket");
      // With an asynchronous provider, records are opened one at a time while the network keeps
      // delivering: without an input bound, everything delivered meanwhile ends up in the reader's buffer.
      const taken = await writeUntilStalled(client, 64 * MIB);
      const held = await settledMaximum(() => heldBy(victim) + inputBacklog(victim));
      assert.ok(taken < 16 * MIB, `the server took ${taken} bytes from a client while its application read nothing`);
      assert.ok(held <= 320 * 1024, `the server holds ${held} bytes for an application that reads nothing`);
    }),
  );
}

// ---- Web Streams ----

interface Channel {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** Bytes the reading side has taken (one chunk may wait in between). */
  taken(): number;
  /** From now on, writes are accepted by nobody (a peer that never reads). */
  plug(): void;
}

function channel(): Channel {
  let taken = 0;
  let plugged = false;
  const pipe = new TransformStream<Uint8Array, Uint8Array>(
    {
      transform: (chunk, c) => {
        taken += chunk.byteLength;
        c.enqueue(chunk);
      },
    },
    { highWaterMark: 1 },
    { highWaterMark: 1 },
  );
  const inner = pipe.writable.getWriter();
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => (plugged ? new Promise<void>(() => undefined) : inner.write(chunk)),
    close: () => inner.close(),
    abort: (reason) => inner.abort(reason),
  });
  return { readable: pipe.readable, writable, taken: () => taken, plug: () => void (plugged = true) };
}

async function consume(readable: ReadableStream<Uint8Array>): Promise<void> {
  const reader = readable.getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
  }
}

/** Rounds of "KeyUpdate, please" plus one byte, until `rounds` or a write that stalls. */
async function keyUpdateFlood(attacker: TlsStreams, rounds: number): Promise<number> {
  const writer = attacker.writable.getWriter();
  let done = 0;
  for (; done < rounds; done++) {
    if (!(await settlesWithin(attacker.updateKeys(true), 1000))) break;
    if (!(await settlesWithin(writer.write(Uint8Array.of(done & 0xff)), 1000))) break;
  }
  return done;
}

t("web streams: accept() stops reading a KeyUpdate flood once its answers cannot leave", async () => {
  const c2s = channel();
  const s2c = channel();
  const victim = accept({ readable: c2s.readable, writable: s2c.writable }, { provider, certificateChain: pki.certPem, privateKey: pki.keyPem });
  const attacker = upgrade({ readable: s2c.readable, writable: c2s.writable }, { provider, serverName: "localhost", roots: pki.caPem });
  await within(Promise.all([victim.handshake, attacker.handshake]), "handshake");
  void consume(victim.readable).catch(() => undefined);
  s2c.plug();
  const before = c2s.taken();
  const rounds = 8000;
  const done = await keyUpdateFlood(attacker, rounds);
  const taken = c2s.taken() - before;
  // 50 bytes a round: reading it all would be 400 kB; answering costs 27 bytes a round.
  assert.ok(done < rounds, "the flood was read to its end");
  assert.ok(taken < 200_000, `accept() read ${taken} bytes of a flood whose answers could not leave`);
  void victim.writable.abort().catch(() => undefined);
  void attacker.writable.abort().catch(() => undefined);
});

t("web streams: an echo through pipeTo() stops reading when the client never reads", async () => {
  const c2s = channel();
  const s2c = channel();
  const server = accept({ readable: c2s.readable, writable: s2c.writable }, { provider, certificateChain: pki.certPem, privateKey: pki.keyPem });
  const client = upgrade({ readable: s2c.readable, writable: c2s.writable }, { provider, serverName: "localhost", roots: pki.caPem });
  await within(Promise.all([server.handshake, client.handshake]), "handshake");
  void server.readable.pipeTo(server.writable).catch(() => undefined);
  const writer = client.writable.getWriter();
  const total = 16 * MIB;
  const chunk = new Uint8Array(64 * 1024);
  let sent = 0;
  while (sent < total && (await settlesWithin(writer.write(chunk), 1000))) sent += chunk.length;
  assert.ok(c2s.taken() < 4 * MIB, `the server read ${(c2s.taken() / MIB).toFixed(1)} MiB for a client that never reads`);
  void server.writable.abort().catch(() => undefined);
  void client.writable.abort().catch(() => undefined);
});

/** A WebSocket in memory: what it sends goes to `toServer` until plugged, then piles up in bufferedAmount. */
class FakeWebSocket implements WebSocketLike {
  binaryType = "blob";
  readyState = 0;
  bufferedAmount = 0;
  plugged = false;
  paused = false;
  delivered = 0;
  private readonly listeners = new Map<string, ((event: never) => void)[]>();
  private resumed: (() => void) | null = null;
  readonly fromServer: WritableStream<Uint8Array>;

  constructor(private readonly toServer: WritableStreamDefaultWriter<Uint8Array>) {
    this.fromServer = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        for (let i = 0; this.paused && i < 1_000_000; i++) await new Promise<void>((r) => (this.resumed = r));
        this.delivered += chunk.byteLength;
        const data = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength);
        this.emit("message", { data });
      },
    });
    queueMicrotask(() => {
      this.readyState = 1;
      this.emit("open", {});
    });
  }

  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  private emit(type: string, event: object): void {
    for (const l of this.listeners.get(type) ?? []) l(event as never);
  }

  send(data: Uint8Array): void {
    if (this.plugged) this.bufferedAmount += data.byteLength;
    else void this.toServer.write(data.slice()).catch(() => undefined);
  }

  close(): void {
    this.readyState = 3;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const r = this.resumed;
    this.resumed = null;
    r?.();
  }
}

t("websocket: connectWebSocket() stops reading a KeyUpdate flood once the socket cannot send", async () => {
  const c2s = channel();
  const s2c = channel();
  let socket!: FakeWebSocket;
  const FakeCtor = class {
    constructor() {
      socket = new FakeWebSocket(c2s.writable.getWriter());
      void s2c.readable.pipeTo(socket.fromServer).catch(() => undefined);
      return socket;
    }
  } as unknown as new (url: string) => WebSocketLike;
  const victim = connectWebSocket("ws://127.0.0.1:1/", {
    WebSocket: FakeCtor,
    provider,
    serverName: "localhost",
    roots: pki.caPem,
    writeHighWaterMark: 1024,
    readHighWaterMark: 4096,
  });
  const attacker = accept({ readable: c2s.readable, writable: s2c.writable }, { provider, certificateChain: pki.certPem, privateKey: pki.keyPem });
  await within(Promise.all([victim.handshake, attacker.handshake]), "handshake");
  void consume(victim.readable).catch(() => undefined);
  socket.plugged = true;
  const before = socket.delivered;
  const rounds = 8000;
  const done = await keyUpdateFlood(attacker, rounds);
  const delivered = socket.delivered - before;
  assert.ok(done < rounds, "the flood was read to its end");
  assert.ok(delivered < 200_000, `connectWebSocket() read ${delivered} bytes of a flood whose answers could not leave`);
  // Closing the socket ends the victim's wait for bufferedAmount to fall.
  socket.close();
  void attacker.writable.abort().catch(() => undefined);
});

t.run();
