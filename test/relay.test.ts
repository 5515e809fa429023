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
import { connectWebSocket, WebSocketBacklogExceeded, WebSocketClosed, WebSocketConnectFailed, type WebSocketConstructor, type WebSocketTlsOptions } from "../src/transport/web/websocket.js";
import { HandshakeTimeout, InvalidCertificate } from "../src/errors.js";
import { RELAY_CLOSE, parseRelayRequest, parseTarget, startRelay } from "../bin/relay.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { PROVIDERS } from "./_providers.js";
import { Child, freePort, loggedRelay, readAll, rejectionOf, tlsHttpServer, within } from "./browser/fixtures.js";
import { policyByName } from "../src/policy/policies.js";

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
      assert.is(report.policy.id, policyByName("fips-140-3").id);
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

// ---- Hostile clients: one request can end only itself, and silent sockets cannot lock anyone out.

const WS_HEADERS = "host: 127.0.0.1\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n";
const upgradeRequest = (target: string, extra = ""): string => `GET ${target} HTTP/1.1\r\n${WS_HEADERS}${extra}\r\n`;

/** What the relay answered on a raw socket: an HTTP status and, after a 101, the close code it sent. */
interface RawAnswer {
  readonly status: number | null;
  readonly closeCode: number | null;
}

function rawAnswer(bytes: Buffer): RawAnswer {
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(bytes.toString("latin1"))?.[1];
  const end = bytes.indexOf("\r\n\r\n");
  // A server's close frame: 0x88, an unmasked length below 126, then the code.
  const closeCode = status === "101" && end >= 0 && bytes.length >= end + 8 && bytes[end + 4] === 0x88 ? bytes.readUInt16BE(end + 6) : null;
  return { status: status === undefined ? null : Number(status), closeCode };
}

/** Sends `request` on a fresh socket and returns the answer once the relay closes it or sends a close frame (bounded). */
async function rawExchange(port: number, request: string | Buffer, ms = 3_000): Promise<RawAnswer> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  let bytes = Buffer.alloc(0);
  try {
    await within(
      new Promise<void>((resolve) => {
        socket.on("connect", () => socket.write(request));
        socket.on("data", (d: Buffer) => {
          bytes = Buffer.concat([bytes, d]);
          if (rawAnswer(bytes).closeCode !== null) resolve();
        });
        socket.on("close", () => resolve());
      }),
      `an answer to ${JSON.stringify(request.toString("latin1").slice(0, 60))}`,
      ms,
    );
  } finally {
    socket.destroy();
  }
  return rawAnswer(bytes);
}

/** Runs `body`, failing if anything reached process.on("uncaughtException") meanwhile (which would otherwise end the process). */
async function noUncaught(body: () => Promise<void>): Promise<void> {
  const caught: string[] = [];
  const record = (e: unknown): void => void caught.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  process.on("uncaughtException", record);
  let failure: unknown = null;
  try {
    await body();
  } catch (e) {
    failure = e;
  } finally {
    process.off("uncaughtException", record);
  }
  // The escaped exception is the story; whatever timed out after it is only a consequence.
  assert.equal(caught, [], "an exception escaped the relay's request handling");
  if (failure) throw failure;
}

/** A TCP connection that says nothing unless told to; `closed` settles when the other side ends it. */
async function silentSocket(port: number): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  // Reads (and ignores) whatever comes, or a paused socket would never see the relay's end.
  socket.resume();
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await within(new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("close", () => reject(new Error("closed before connecting")))), "a silent socket to connect");
  return { socket, closed };
}

async function until(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  await within(
    (async () => {
      while (!condition()) await new Promise((r) => setTimeout(r, 20));
    })(),
    what,
    ms,
  );
}

t("parseRelayRequest is total and refuses what no WebSocket client sends before the upgrade", () => {
  const policy = { allow: new Set(["127.0.0.1:443", "[::1]:443"]), origins: null };
  const ok = parseRelayRequest("/?target=127.0.0.1:443", undefined, policy);
  assert.equal(ok, { ok: true, target: { key: "127.0.0.1:443", host: "127.0.0.1", port: 443 } });
  // Browsers send brackets raw and may percent-encode anything; both decode to the same target.
  assert.is(parseRelayRequest("/relay/path?x=1&target=[::1]:443", undefined, policy).ok, true);
  assert.is(parseRelayRequest("/?target=%5B%3A%3A1%5D%3A443", undefined, policy).ok, true);
  const verdict = (url: string | undefined, origin?: string): string => {
    const v = parseRelayRequest(url, origin, { allow: policy.allow, origins: new Set(["https://app.example"]) });
    return v.ok ? "ok" : v.beforeUpgrade ? `http ${v.status}` : `close ${v.code} ${v.reason}`;
  };
  const app = "https://app.example";
  for (const [url, expected] of [
    [undefined, "http 400"],
    ["", "http 400"],
    ["*", "http 400"],
    ["http://[x/", "http 400"],
    ["ws://relay/?target=127.0.0.1:443", "http 400"],
    ["/?target=127.0.0.1:443\u00ff", "http 400"],
    ["/?target=127.0.0.1:443 x", "http 400"],
    [`/?target=${"a".repeat(3000)}:1`, "http 414"],
    ["//", "close 4400 expected ?target=host:port"],
    ["///", "close 4400 expected ?target=host:port"],
    ["/", "close 4400 expected ?target=host:port"],
    ["//?target=127.0.0.1:444", "close 4403 target not allowed"],
    ["/?target=%", "close 4400 expected ?target=host:port"],
    ["/?target=%FF%FE", "close 4400 expected ?target=host:port"],
    ["/?target=%C0%80127.0.0.1:443", "close 4400 expected ?target=host:port"],
    ["/?target=127.0.0.1:443&target=127.0.0.1:443", "close 4400 expected ?target=host:port"],
    [`/?${"target=127.0.0.1:443&".repeat(80)}`, "close 4400 expected ?target=host:port"],
    ["/?target=127.0.0.1:443#x", "close 4400 expected ?target=host:port"],
  ] as const) {
    assert.is(verdict(url, app), expected, String(url));
  }
  assert.is(verdict("/?target=127.0.0.1:443"), "close 4403 origin not allowed");
  assert.is(verdict("/?target=127.0.0.1:443", "https://app.example, https://evil.example"), "close 4403 origin not allowed");
  assert.is(verdict("/?target=127.0.0.1:443", app), "ok");
  // What is logged stays one short line even when every character needs escaping.
  const logged = parseRelayRequest(`/?target=${"%0A".repeat(600)}`, undefined, policy);
  assert.is(logged.ok ? "" : logged.what, `"${"\\u000a".repeat(16)}…"`);
  const long = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
  const longName = parseRelayRequest(`/?target=${long}:1`, undefined, policy);
  assert.is(longName.ok ? "" : longName.what, `${long.slice(0, 100)}…`);
  assert.is(parseTarget(`${long}x:1`), null, "a name longer than 253 characters");
  // Random strings, bounded: every one gets a verdict whose reason fits a close frame and whose log text is one line.
  let seed = 0x2545f491;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
  const alphabet = "/?&=%+#:[].-_ target127.0.0.1:443\u00ff\u0000\r\n\ud800\u{1f600}";
  for (let i = 0; i < 3_000; i++) {
    let s = "";
    const len = next() % 40;
    for (let j = 0; j < len; j++) s += next() % 7 === 0 ? String.fromCharCode(next() % 0x10000) : alphabet[next() % alphabet.length];
    if (next() % 2 === 0) s = `/?target=${s}`;
    const v = parseRelayRequest(s, next() % 3 === 0 ? s : undefined, policy);
    if (v.ok) continue;
    assert.ok(new TextEncoder().encode(v.reason).length <= 123, v.reason);
    assert.not.match(v.what, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/, v.what);
    assert.ok(v.what.length <= 103, v.what);
  }
});

t("hostile request-targets and malformed requests end only themselves; the relay keeps serving", async () => {
  const server = await tlsHttpServer(pki);
  const other = server.port === 65535 ? server.port - 1 : server.port + 1;
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`] });
  try {
    await noUncaught(async () => {
      const cases: [string, string | Buffer, string][] = [
        ["//", upgradeRequest("//"), "101 4400"],
        ["///", upgradeRequest("///"), "101 4400"],
        ["//?target=", upgradeRequest(`//?target=127.0.0.1:${other}`), "101 4403"],
        ["absolute-form with a broken host", upgradeRequest("http://[x/"), "400"],
        ["asterisk-form", upgradeRequest("*"), "400"],
        ["a target that is not UTF-8", upgradeRequest("/?target=%FF%FE"), "101 4400"],
        ["a repeated target", upgradeRequest(`/?target=127.0.0.1:${server.port}&target=127.0.0.1:${server.port}`), "101 4400"],
        ["many targets", upgradeRequest(`/?${`target=127.0.0.1:${server.port}&`.repeat(60)}`), "101 4400"],
        ["too many targets", upgradeRequest(`/?${`target=127.0.0.1:${server.port}&`.repeat(150)}`), "414"],
        ["raw bytes in the request-target", Buffer.concat([Buffer.from("GET /?target=\xff"), Buffer.from([0xc3, 0x28]), Buffer.from(` HTTP/1.1\r\n${WS_HEADERS}\r\n`)]), "400"],
        ["raw bytes in Origin", Buffer.concat([Buffer.from(`GET /?target=127.0.0.1:${other} HTTP/1.1\r\n${WS_HEADERS}origin: `), Buffer.from([0xff, 0x80]), Buffer.from("\r\n\r\n")]), "101 4403"],
        ["an upgrade with a body", upgradeRequest(`/?target=127.0.0.1:${other}`, "content-length: 5\r\n") + "hello", "101 4403"],
        ["an upgrade followed by bytes that are no frame", upgradeRequest(`/?target=127.0.0.1:${other}`) + "\xff".repeat(64), "101 4403"],
        ["a POST upgrade", upgradeRequest(`/?target=127.0.0.1:${server.port}`, "content-length: 2\r\n").replace(/^GET/, "POST") + "{}", "405"],
        ["no Sec-WebSocket-Key", upgradeRequest(`/?target=127.0.0.1:${server.port}`).replace(/sec-websocket-key: [^\r]+\r\n/, ""), "400"],
        // Node answers 431 and resets; the reset may overtake the answer.
        ["oversized headers", upgradeRequest(`/?target=127.0.0.1:${server.port}`, `x-pad: ${"a".repeat(20_000)}\r\n`), "431|"],
        ["a malformed header line", `GET /?target=127.0.0.1:${server.port} HTTP/1.1\r\n${WS_HEADERS}no colon here\r\n\r\n`, "400"],
      ];
      for (const [what, request, expected] of cases) {
        const answer = await rawExchange(r.relay.port, request);
        const got = [answer.status, answer.closeCode].filter((x) => x !== null).join(" ");
        assert.ok(expected.split("|").includes(got), `${what}: expected ${expected}, got "${got}"`);
      }
      // A client that resets half-way through its request.
      const reset = net.connect(r.relay.port, "127.0.0.1");
      reset.on("error", () => undefined);
      await within(new Promise((res) => reset.once("connect", res)), "connect");
      reset.write(`GET /?target=127.0.0.1:${server.port} HTTP/1.1\r\nhost: 127.0.0.1\r\nupg`);
      reset.resetAndDestroy();
      assert.is(server.connections, 0, "no hostile request may reach the target");
      // The relay is still there for a real client.
      const conn = connectWebSocket(r.to(`127.0.0.1:${server.port}`), options());
      await within(conn.handshake, "handshake after the hostile requests");
      assert.ok((await get(conn, "/still-here")).includes(server.token));
      assert.ok(r.lines.some((l) => /-> "http:\/\/\[x\/" refused 400 request-target must start with \/$/.test(l)), r.lines.join("\n"));
      await until(() => r.relay.stats().pending === 0, "every hostile socket to be gone");
    });
  } finally {
    await r.relay.close();
    await server.close();
  }
});

t("silent sockets beyond maxPendingSockets cannot lock a real client out", async () => {
  const server = await tlsHttpServer(pki);
  // A long upgrade timeout, so that only the pending cap can make room for the real client.
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`], maxConnections: 4, maxPendingSockets: 16, upgradeTimeoutMs: 30_000 });
  const silent: { socket: net.Socket; closed: Promise<void> }[] = [];
  try {
    let cut = 0;
    for (let i = 0; i < 70; i++) {
      const s = await silentSocket(r.relay.port).catch(() => null);
      if (!s) continue;
      silent.push(s);
      void s.closed.then(() => cut++);
    }
    // Let the relay take in every socket (bounded; a relay that never cuts any just runs out the clock).
    await until(() => cut >= 70 - 16, "the oldest silent sockets to be cut").catch(() => undefined);
    const conn = connectWebSocket(r.to(`127.0.0.1:${server.port}`), options());
    await within(conn.handshake, "a real client's handshake while silent sockets fill the pending slots", 5_000);
    assert.ok((await get(conn, "/past-the-silent-ones")).includes(server.token));
    const stats = r.relay.stats();
    assert.ok(stats.pending <= 16, `pending ${stats.pending}`);
    assert.ok(stats.dropped >= 70 - 16, `dropped ${stats.dropped}`);
    assert.ok(cut >= 70 - 16, `only ${cut} silent sockets were cut`);
  } finally {
    for (const s of silent) s.socket.destroy();
    await r.relay.close();
    await server.close();
  }
});

t("sockets that do not finish their upgrade in time are cut: silent, trickling headers, refused and never answering the close", async () => {
  const server = await tlsHttpServer(pki);
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`], upgradeTimeoutMs: 500 });
  try {
    const silent = await Promise.all([0, 1, 2].map(() => silentSocket(r.relay.port)));
    // One header byte every 100 ms: each byte is activity, but the request never completes in time.
    const slow = await silentSocket(r.relay.port);
    const request = upgradeRequest(`/?target=127.0.0.1:${server.port}`);
    void (async () => {
      for (let i = 0; i < request.length - 4 && !slow.socket.destroyed; i++) {
        slow.socket.write(request[i]!);
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    // Refused after the upgrade, and never answers the close frame.
    const mute = await silentSocket(r.relay.port);
    mute.socket.write(upgradeRequest(`/?target=127.0.0.1:${server.port === 65535 ? 1 : server.port + 1}`));
    await within(Promise.all([...silent, slow, mute].map((s) => s.closed)), "the relay to cut every socket that did not upgrade in time", 4_000);
    await until(() => r.relay.stats().pending === 0, "no pending sockets left");
    assert.ok(r.relay.stats().dropped >= 5, `dropped ${r.relay.stats().dropped}`);
    // A relayed connection is no longer pending: it outlives the upgrade timeout.
    const conn = connectWebSocket(r.to(`127.0.0.1:${server.port}`), options());
    await within(conn.handshake, "handshake");
    await new Promise((res) => setTimeout(res, 800));
    assert.ok((await get(conn, "/after-the-upgrade-timeout")).includes(server.token));
    assert.is(server.connections, 1);
  } finally {
    await r.relay.close();
    await server.close();
  }
});

t("a logger that throws cannot take the relay down", async () => {
  const server = await tlsHttpServer(pki);
  let calls = 0;
  const relay = await startRelay({
    host: "127.0.0.1",
    port: 0,
    allow: [`127.0.0.1:${server.port}`],
    log: () => {
      calls++;
      throw new Error("the disk is full");
    },
  });
  try {
    await noUncaught(async () => {
      const err = await rejectionOf(connectWebSocket(`${relay.url}/?target=127.0.0.1:1`, options()).handshake, "refusal");
      assert.is((err as WebSocketClosed).code, RELAY_CLOSE.notAllowed);
      const conn = connectWebSocket(`${relay.url}/?target=127.0.0.1:${server.port}`, options());
      await within(conn.handshake, "handshake through a relay whose logger throws");
      assert.ok((await get(conn, "/")).includes(server.token));
      await until(() => calls >= 2, "two log attempts");
    });
  } finally {
    await relay.close();
    await server.close();
  }
});

t("a client's close reason cannot forge log lines", async () => {
  const server = await tlsHttpServer(pki);
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`] });
  try {
    const ws = new WebSocket(r.to(`127.0.0.1:${server.port}`));
    ws.on("error", () => undefined);
    await within(new Promise((res) => ws.once("open", res)), "raw ws open");
    ws.close(4000, "bye\r\n2099-01-01T00:00:00.000Z relay forged line");
    const [line] = await r.logged(1);
    assert.not.match(line!, /[\r\n]/);
    assert.match(line!, /client closed: bye\\u000d\\u000a2099/);
  } finally {
    await r.relay.close();
    await server.close();
  }
});

t("fipstls relay --upgrade-timeout and --max-pending: silent sockets are cut; bad values are usage errors", async () => {
  const cli = fileURLToPath(new URL("../../bin/fipstls.js", import.meta.url));
  const bad = new Child(process.execPath, [cli, "relay", "--listen", "127.0.0.1:0", "--allow", "127.0.0.1:1", "--max-pending", "0"]);
  assert.is(await bad.exit(), 2);
  assert.match(bad.stderr, /invalid --max-pending 0/);
  const relay = new Child(process.execPath, [cli, "relay", "--listen", "127.0.0.1:0", "--allow", "127.0.0.1:1", "--upgrade-timeout", "300", "--max-pending", "2"]);
  try {
    const [, port] = await relay.match(/fipstls relay on ws:\/\/127\.0\.0\.1:(\d+)\//);
    const silent = await Promise.all([0, 1, 2].map(() => silentSocket(Number(port))));
    await within(Promise.all(silent.map((s) => s.closed)), "the CLI relay to cut silent sockets", 4_000);
    relay.child.kill("SIGTERM");
    assert.is(await relay.exit(), 0);
  } finally {
    if (relay.exitCode === null) relay.child.kill("SIGKILL");
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
