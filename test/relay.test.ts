// connectWebSocket() through `fipstls relay` to node:tls on 127.0.0.1, with the `ws` package as the
// client's WebSocket (Node 20 has none): the allow-list, the limits, backpressure held in bounds,
// and errors that name what failed.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as net from "node:net";
import * as tls from "node:tls";
import { createHash, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import { connectWebSocket, WebSocketBacklogExceeded, WebSocketClosed, WebSocketConnectFailed, type WebSocketConstructor, type WebSocketTlsOptions } from "../src/transport/websocket.js";
import { HandshakeTimeout, InvalidCertificate } from "../src/errors.js";
import { RELAY_CLOSE, parseTarget } from "../bin/relay.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { PROVIDERS } from "./_providers.js";
import { Child, freePort, loggedRelay, readAll, rejectionOf, tlsHttpServer, within } from "./browser/fixtures.js";

const pki = await makeThrowawayPki();
const stranger = await makeThrowawayPki();
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const MIB = 1 << 20;
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
// Compile-time checks: both the DOM's WebSocket and the ws package's class fit WebSocketConstructor.
const fitsDom: WebSocketConstructor = globalThis.WebSocket;
const fitsWs: WebSocketConstructor = WebSocket;
void [fitsDom, fitsWs];

const options = (extra: Partial<WebSocketTlsOptions> = {}): WebSocketTlsOptions => ({
  WebSocket,
  serverName: "localhost",
  roots: pki.caPem,
  policy: "fips-140-3",
  requireFipsProvider: false,
  ...extra,
});

/** Sends one HTTP request over TLS and returns the whole response. */
async function get(conn: ReturnType<typeof connectWebSocket>, path: string): Promise<string> {
  const writer = conn.writable.getWriter();
  await writer.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`));
  writer.releaseLock();
  return text(await readAll(conn.readable));
}

/** A raw node:tls server for bulk tests; `onSocket` decides what it does. */
async function bulkServer(onSocket: (s: tls.TLSSocket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ cert: pki.certPem, key: pki.keyPem, minVersion: "TLSv1.3" }, (s) => {
    s.on("error", () => undefined);
    onSocket(s);
  });
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await within(new Promise<void>((r) => server.close(() => r())), "bulk server close");
    },
  };
}

/** A TCP server that accepts and never says a word. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s.on("error", () => undefined).on("close", () => sockets.delete(s)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await within(new Promise<void>((r) => server.close(() => r())), "silent server close");
    },
  };
}

const t = suite("relay and connectWebSocket");

for (const [pname, provider] of PROVIDERS) {
  t(`TLS 1.3 through the relay to node:tls under fips-140-3 (${pname} provider)`, async () => {
    const server = await tlsHttpServer(pki);
    const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`] });
    try {
      const conn = connectWebSocket(r.to(`127.0.0.1:${server.port}`), options({ provider }));
      const info = await within(conn.handshake, "handshake through the relay");
      assert.is(info.version, "TLSv1.3");
      assert.is(info.provider, pname);
      const report = conn.audit();
      assert.is(report.policy.id, "fips-140-3-20261127");
      assert.ok(report.verdict.algorithmsCompliant);
      const response = await get(conn, "/through-the-relay");
      assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
      assert.ok(response.includes(`hello from node:tls ${server.token} for /through-the-relay`));
      const [line] = await r.logged(1);
      assert.match(line!, new RegExp(`relay 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${server.port} closed 1000 target closed up=\\d+ down=\\d+ ms=\\d+$`));
    } finally {
      await r.relay.close();
      await server.close();
    }
  });
}

t("the allow-list is exact: other ports, names for the same address and malformed targets are refused", async () => {
  const server = await tlsHttpServer(pki);
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`] });
  try {
    const refused = async (target: string, code: number, reason: string): Promise<void> => {
      const err = await rejectionOf(connectWebSocket(r.to(target), options()).handshake, `refusal of ${target}`);
      assert.instance(err, WebSocketClosed, `${target}: ${err.name}: ${err.message}`);
      assert.is((err as WebSocketClosed).code, code);
      assert.is((err as WebSocketClosed).reason, reason);
    };
    await refused(`127.0.0.1:${server.port + 1}`, RELAY_CLOSE.notAllowed, "target not allowed");
    await refused(`localhost:${server.port}`, RELAY_CLOSE.notAllowed, "target not allowed");
    await refused(`127.0.0.1:0${server.port}`, RELAY_CLOSE.badRequest, "expected ?target=host:port");
    await refused(`127.0.0.1`, RELAY_CLOSE.badRequest, "expected ?target=host:port");
    const lines = await r.logged(4);
    assert.match(lines[0]!, new RegExp(`-> 127\\.0\\.0\\.1:${server.port + 1} refused 4403 target not allowed$`));
    assert.match(lines[1]!, new RegExp(`-> localhost:${server.port} refused 4403 target not allowed$`));
    assert.match(lines[2]!, /-> "127\.0\.0\.1:0\d+" refused 4400/);
    assert.is(server.connections, 0, "the relay must not touch a refused target");
  } finally {
    await r.relay.close();
    await server.close();
  }
});

t("target parsing is strict and canonical", () => {
  assert.equal(parseTarget("DB.Example:5432"), { key: "db.example:5432", host: "db.example", port: 5432 });
  assert.equal(parseTarget("[::1]:443"), { key: "[::1]:443", host: "::1", port: 443 });
  for (const bad of ["", "host", "host:", ":443", "host:0", "host:65536", "host:443/x", "a..b:1", "[zz]:1", "http://h:1", "h:+1"]) {
    assert.is(parseTarget(bad), null, bad);
  }
});

t("Origin allow-list, connection limit and unreachable targets close with their codes", async () => {
  const server = await tlsHttpServer(pki);
  const dead = await freePort();
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`, `127.0.0.1:${dead}`], origins: ["http://app.example"], maxConnections: 1 });
  try {
    // ws sends no Origin unless asked; a relay with an Origin list refuses such clients.
    const noOrigin = await rejectionOf(connectWebSocket(r.to(`127.0.0.1:${server.port}`), options()).handshake, "no Origin");
    assert.is((noOrigin as WebSocketClosed).code, RELAY_CLOSE.notAllowed);
    assert.is((noOrigin as WebSocketClosed).reason, "origin not allowed");
    class FromApp extends WebSocket {
      constructor(url: string) {
        super(url, { origin: "http://app.example" });
      }
    }
    const first = connectWebSocket(r.to(`127.0.0.1:${server.port}`), options({ WebSocket: FromApp }));
    await within(first.handshake, "first connection");
    const second = await rejectionOf(connectWebSocket(r.to(`127.0.0.1:${server.port}`), options({ WebSocket: FromApp })).handshake, "over the limit");
    assert.is((second as WebSocketClosed).code, RELAY_CLOSE.tooManyConnections);
    await get(first, "/");
    await r.logged(3);
    const unreachable = await rejectionOf(connectWebSocket(r.to(`127.0.0.1:${dead}`), options({ WebSocket: FromApp })).handshake, "dead target");
    assert.instance(unreachable, WebSocketClosed);
    assert.is((unreachable as WebSocketClosed).code, RELAY_CLOSE.unreachable);
    assert.is((unreachable as WebSocketClosed).reason, "target ECONNREFUSED");
    const lines = await r.logged(4);
    assert.match(lines[3]!, new RegExp(`-> 127\\.0\\.0\\.1:${dead} closed 4502 target ECONNREFUSED up=\\d+ down=0`));
  } finally {
    await r.relay.close();
    await server.close();
  }
});

t("an oversized message closes the socket with 1009, a text message with 1003, before any byte reaches the target", async () => {
  let received = 0;
  const target = net.createServer((s) => s.on("data", (d: Buffer) => (received += d.length)).on("error", () => undefined));
  await new Promise<void>((res) => target.listen(0, "127.0.0.1", () => res()));
  const port = (target.address() as net.AddressInfo).port;
  const r = await loggedRelay({ allow: [`127.0.0.1:${port}`], maxMessageBytes: 32 * 1024 });
  try {
    const ws = new WebSocket(r.to(`127.0.0.1:${port}`));
    const closed = new Promise<number>((res) => ws.on("close", (code) => res(code)));
    ws.on("error", () => undefined);
    await within(new Promise((res) => ws.once("open", res)), "raw ws open");
    ws.send(randomBytes(32 * 1024));
    ws.send(randomBytes(32 * 1024 + 1));
    assert.is(await within(closed, "close after the oversized message"), RELAY_CLOSE.messageTooBig);
    const [line] = await r.logged(1);
    assert.match(line!, /closed 1009 message too big up=32768 down=0/);
    const chatty = new WebSocket(r.to(`127.0.0.1:${port}`));
    const textClosed = new Promise<number>((res) => chatty.on("close", (code) => res(code)));
    chatty.on("error", () => undefined);
    await within(new Promise((res) => chatty.once("open", res)), "raw ws open");
    chatty.send("SELECT 1");
    assert.is(await within(textClosed, "close after a text message"), RELAY_CLOSE.textMessage);
    assert.match((await r.logged(2))[1]!, /closed 1003 text messages are not relayed up=0 down=0/);
    await new Promise((res) => setTimeout(res, 50));
    assert.ok(received <= 32 * 1024, `the target got ${received} bytes`);
  } finally {
    await r.relay.close();
    await new Promise((res) => target.close(res));
  }
});

t("idle connections are closed with 4408", async () => {
  const server = await tlsHttpServer(pki);
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`], idleTimeoutMs: 300 });
  try {
    const conn = connectWebSocket(r.to(`127.0.0.1:${server.port}`), options());
    await within(conn.handshake, "handshake");
    const err = await rejectionOf(readAll(conn.readable), "idle close");
    assert.instance(err, WebSocketClosed);
    assert.is((err as WebSocketClosed).code, RELAY_CLOSE.idle);
    assert.match((await r.logged(1))[0]!, /closed 4408 idle timeout/);
  } finally {
    await r.relay.close();
    await server.close();
  }
});

t("errors are named: no relay, a silent target, an untrusted certificate", async () => {
  const noRelay = await freePort();
  const err1 = await rejectionOf(connectWebSocket(`ws://127.0.0.1:${noRelay}/?target=127.0.0.1:1`, options()).handshake, "no relay");
  assert.instance(err1, WebSocketConnectFailed);
  assert.is((err1 as WebSocketConnectFailed).code, 1006);

  const silent = await silentServer();
  const silentPort = silent.port;
  const server = await tlsHttpServer(pki);
  const r = await loggedRelay({ allow: [`127.0.0.1:${silentPort}`, `127.0.0.1:${server.port}`] });
  try {
    const err2 = await rejectionOf(connectWebSocket(r.to(`127.0.0.1:${silentPort}`), options({ handshakeTimeout: 300 })).handshake, "silent target");
    assert.instance(err2, HandshakeTimeout);
    const err3 = await rejectionOf(connectWebSocket(r.to(`127.0.0.1:${server.port}`), options({ roots: stranger.caPem })).handshake, "untrusted");
    assert.instance(err3, InvalidCertificate);
    assert.is((err3 as InvalidCertificate).reason, "UnknownIssuer");
    const lines = await r.logged(2);
    assert.ok(lines.some((l) => / closed 4499 client closed: HandshakeTimeout /.test(l)), lines.join("\n"));
    // The client's close (4499) and the server closing TCP after our alert (1000) race; either is right.
    assert.ok(lines.some((l) => new RegExp(`-> 127\\.0\\.0\\.1:${server.port} closed (4499 client closed: InvalidCertificate|1000 target closed) `).test(l)), lines.join("\n"));
  } finally {
    await r.relay.close();
    await server.close();
    await silent.close();
  }
});

t("fipstls relay: the CLI listens, relays, logs one line per connection and exits on SIGTERM", async () => {
  const cli = fileURLToPath(new URL("../../bin/fipstls.js", import.meta.url));
  const usage = new Child(process.execPath, [cli, "relay", "--listen", "127.0.0.1:0"]);
  assert.is(await usage.exit(), 2);
  assert.match(usage.stderr, /relay needs at least one --allow host:port/);

  const server = await tlsHttpServer(pki);
  const relay = new Child(process.execPath, [cli, "relay", "--listen", "127.0.0.1:0", "--allow", `127.0.0.1:${server.port}`]);
  try {
    const [, url] = await relay.match(/fipstls relay on (ws:\/\/127\.0\.0\.1:\d+)\/\?target=HOST:PORT allowing 127\.0\.0\.1:\d+\n/);
    const conn = connectWebSocket(`${url}/?target=127.0.0.1:${server.port}`, options());
    await within(conn.handshake, "handshake through the CLI relay");
    assert.ok((await get(conn, "/cli")).includes(server.token));
    await relay.match(new RegExp(`-> 127\\.0\\.0\\.1:${server.port} closed 1000 target closed up=\\d+ down=\\d+ ms=\\d+\n`));
    relay.child.kill("SIGTERM");
    assert.is(await relay.exit(), 0);
  } finally {
    if (relay.exitCode === null) relay.child.kill("SIGKILL");
    await server.close();
  }
});

// The relay's queues, summed over both directions of one connection, never exceed this.
const RELAY_HWM = 256 * 1024;
const RELAY_BOUND = RELAY_HWM + 2 * 64 * 1024 + 64 * 1024;

t("backpressure, target to browser: a slow TLS reader holds the relay's buffers in bounds", async () => {
  const payload = randomBytes(24 * MIB);
  // The server's own view: whether it has started sending, and whether all of it left its buffers.
  let started = false;
  let flushed = false;
  const server = await bulkServer((s) => {
    s.once("data", () => {
      started = true;
      s.once("finish", () => (flushed = true));
      s.end(payload);
    });
  });
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`], highWaterMark: RELAY_HWM });
  try {
    const conn = connectWebSocket(r.to(`127.0.0.1:${server.port}`), options());
    await within(conn.handshake, "handshake");
    const writer = conn.writable.getWriter();
    await writer.write(new TextEncoder().encode("go\n"));
    // Nobody reads for a while: the flow must stop somewhere short of the relay's memory. First wait
    // (bounded) for the request to reach the server, since a loaded machine may be slow to relay it.
    for (let tries = 0; tries < 40 && !started; tries++) await new Promise((res) => setTimeout(res, 250));
    assert.ok(started, "the request never reached the server through the relay");
    await new Promise((res) => setTimeout(res, 1_500));
    // Stalled: the server still holds part of the 24 MiB, because nothing downstream takes it.
    assert.not.ok(flushed, "the server flushed all 24 MiB although nobody read: backpressure did not reach it");
    assert.ok(r.relay.stats().peakBufferedBytes <= RELAY_BOUND, `relay held ${r.relay.stats().peakBufferedBytes} bytes`);
    const received = await readAll(conn.readable, payload.length + 1, 60_000);
    assert.is(received.length, payload.length);
    assert.is(sha(received), sha(payload));
    const peak = r.relay.stats().peakBufferedBytes;
    assert.ok(peak <= RELAY_BOUND, `relay held ${peak} bytes at peak`);
    console.log(`  relay peak buffered, 24 MiB download with a slow reader: ${peak} bytes (bound ${RELAY_BOUND})`);
    await writer.close();
  } finally {
    await r.relay.close();
    await server.close();
  }
});

t("a socket that cannot pause (as in browsers) fails a reader that falls too far behind, by name", async () => {
  // The ws client minus pause()/resume(): what connectWebSocket sees in a browser.
  class Unpausable extends WebSocket {
    constructor(url: string) {
      super(url);
      Object.defineProperty(this, "pause", { value: undefined });
    }
  }
  // The server never ends, so only the client can end this connection.
  const server = await bulkServer((s) => s.once("data", () => s.write(randomBytes(32 * MIB))));
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`] });
  try {
    const conn = connectWebSocket(r.to(`127.0.0.1:${server.port}`), options({ WebSocket: Unpausable, maxReadBacklog: 2 * MIB }));
    await within(conn.handshake, "handshake");
    const writer = conn.writable.getWriter();
    await writer.write(new TextEncoder().encode("go\n"));
    const [line] = await r.logged(1);
    assert.match(line!, /closed 4499 client closed: WebSocketBacklogExceeded /, line);
    const err = await rejectionOf(readAll(conn.readable), "the reader to see the failure");
    assert.instance(err, WebSocketBacklogExceeded);
    assert.is((err as WebSocketBacklogExceeded).limit, 2 * MIB);
  } finally {
    await r.relay.close();
    await server.close();
  }
});

t("backpressure, browser to target: a target that stops reading stops the writer", async () => {
  const payload = randomBytes(24 * MIB);
  const hash = createHash("sha256");
  let got = 0;
  let resume: () => void = () => undefined;
  let arrived: () => void = () => undefined;
  const done = new Promise<void>((res) => (arrived = res));
  const server = await bulkServer((s) => {
    s.pause();
    resume = () => s.resume();
    s.on("data", (d: Buffer) => {
      hash.update(d);
      got += d.length;
      if (got === payload.length) arrived();
    });
  });
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`], highWaterMark: RELAY_HWM });
  try {
    const conn = connectWebSocket(r.to(`127.0.0.1:${server.port}`), options());
    await within(conn.handshake, "handshake");
    const writer = conn.writable.getWriter();
    let written = false;
    const write = writer.write(payload).then(() => (written = true));
    await new Promise((res) => setTimeout(res, 1_500));
    assert.ok(got === 0, "the target should not have read anything yet");
    assert.not.ok(written, "the write should still be waiting while the target does not read");
    assert.ok(r.relay.stats().peakBufferedBytes <= RELAY_BOUND, `relay held ${r.relay.stats().peakBufferedBytes} bytes`);
    resume();
    await within(write, "the write to complete once the target reads", 60_000);
    await within(done, "the target to receive everything", 60_000);
    assert.is(hash.digest("hex"), sha(payload));
    const peak = r.relay.stats().peakBufferedBytes;
    assert.ok(peak <= RELAY_BOUND, `relay held ${peak} bytes at peak`);
    console.log(`  relay peak buffered, 24 MiB upload to a target that stops reading: ${peak} bytes (bound ${RELAY_BOUND})`);
    await writer.close();
  } finally {
    await r.relay.close();
    await server.close();
  }
});

t.run();
