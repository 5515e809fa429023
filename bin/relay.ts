// `fipstls relay`: a WebSocket-to-TCP relay for connectWebSocket(). A browser cannot open TCP, so it
// sends TLS records over a WebSocket and the relay copies them to an allow-listed host:port and back.
// TLS runs end to end: the relay sees only ciphertext and never parses it. Node-only (ws, node:net).
import * as http from "node:http";
import * as net from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/** Close codes the relay sends; 44xx/45xx mirror the HTTP status a proxy would answer with. */
export const RELAY_CLOSE = {
  targetClosed: 1000, // the target ended the TCP connection
  shuttingDown: 1001,
  textMessage: 1003, // only binary messages are relayed
  messageTooBig: 1009, // sent by ws itself when a message exceeds maxMessageBytes
  internalError: 1011,
  tooManyConnections: 1013,
  badRequest: 4400, // no or malformed ?target=
  notAllowed: 4403, // target or Origin not in the allow-lists
  idle: 4408,
  unreachable: 4502, // the TCP connection failed
  connectTimeout: 4504,
} as const;

export interface RelayOptions {
  /** Address to listen on; port 0 picks a free one. */
  readonly host: string;
  readonly port: number;
  /** Targets as "host:port" ("[v6]:port" for IPv6); only these are ever connected to. */
  readonly allow: readonly string[];
  /** If given, browsers must send one of these Origin headers (e.g. "https://app.example"); clients without one are refused. */
  readonly origins?: readonly string[];
  /** Concurrent relayed connections; more are closed with 1013. Default 256. */
  readonly maxConnections?: number;
  /** Largest WebSocket message accepted, in bytes; larger ones close the socket with 1009. Default 64 KiB. */
  readonly maxMessageBytes?: number;
  /** A connection with no bytes in either direction for this long is closed with 4408. Default 300 000 ms. */
  readonly idleTimeoutMs?: number;
  /** Time allowed for the TCP connection to the target. Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Bytes queued toward either side before the other side is paused. Default 256 KiB. */
  readonly highWaterMark?: number;
  /** One line per connection; default console.log. */
  readonly log?: (line: string) => void;
}

export interface RelayStats {
  /** Connections being relayed now. */
  readonly active: number;
  /** Connections relayed to completion or still running. */
  readonly relayed: number;
  readonly refused: number;
  /** Most bytes the relay held in its queues (both directions, one connection) at any moment. */
  readonly peakBufferedBytes: number;
}

export interface Relay {
  /** ws://host:port, to which "/?target=host:port" is appended. */
  readonly url: string;
  readonly port: number;
  stats(): RelayStats;
  /** Closes every connection with 1001 and stops listening. */
  close(): Promise<void>;
}

interface Target {
  /** Canonical "host:port" (lower-case name, IPv6 in brackets), the allow-list's key. */
  readonly key: string;
  readonly host: string;
  readonly port: number;
}

/** Parses "host:port" strictly: no defaults, no leading zeros, no schemes or paths. */
export function parseTarget(text: string): Target | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):([1-9][0-9]{0,4})$/.exec(text);
  if (!m) return null;
  const port = Number(m[3]);
  const v6 = m[1];
  if (port > 65535) return null;
  if (v6 !== undefined && net.isIPv6(v6) === false) return null;
  const host = (v6 ?? m[2]!).toLowerCase();
  if (v6 === undefined && (host.startsWith(".") || host.startsWith("-") || host.includes(".."))) return null;
  return { key: v6 !== undefined ? `[${host}]:${port}` : `${host}:${port}`, host, port };
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const allow = new Map<string, Target>();
  for (const entry of options.allow) {
    const t = parseTarget(entry);
    if (!t) throw new Error(`invalid allow-list entry "${entry}": expected host:port`);
    allow.set(t.key, t);
  }
  if (allow.size === 0) throw new Error("the relay needs at least one allowed host:port");
  const origins = options.origins && options.origins.length > 0 ? new Set(options.origins) : null;
  const maxConnections = options.maxConnections ?? 256;
  const maxMessageBytes = options.maxMessageBytes ?? 64 * 1024;
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const highWaterMark = options.highWaterMark ?? 256 * 1024;
  const log = options.log ?? ((line: string) => console.log(line));

  const stats = { active: 0, relayed: 0, refused: 0, peakBufferedBytes: 0 };
  // Each live connection's way to end itself when the relay shuts down.
  const live = new Map<WebSocket, () => void>();
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { "content-type": "text/plain", connection: "close" }).end("WebSocket only: ws://this-host/?target=host:port\n");
  });
  // Sockets beyond the relay limit get a close code, not a silent drop, but their number stays bounded.
  server.maxConnections = maxConnections + 64;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, perMessageDeflate: false, clientTracking: false });

  server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    socket.on("error", () => undefined);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const started = Date.now();
      const client = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
      const refuse = (code: number, reason: string, what: string): void => {
        stats.refused++;
        ws.on("error", () => undefined);
        ws.close(code, reason);
        log(`${new Date(started).toISOString()} relay ${client} -> ${what} refused ${code} ${reason}`);
      };
      const query = new URL(req.url ?? "/", "ws://relay").searchParams.getAll("target");
      const target = query.length === 1 ? parseTarget(query[0]!) : null;
      const asked = query.length === 1 ? JSON.stringify(query[0]) : "-";
      if (!target) return refuse(RELAY_CLOSE.badRequest, "expected ?target=host:port", asked);
      if (origins && !origins.has(req.headers.origin ?? "")) return refuse(RELAY_CLOSE.notAllowed, "origin not allowed", target.key);
      const allowed = allow.get(target.key);
      if (!allowed) return refuse(RELAY_CLOSE.notAllowed, "target not allowed", target.key);
      if (stats.active >= maxConnections) return refuse(RELAY_CLOSE.tooManyConnections, "too many connections", target.key);
      stats.active++;
      stats.relayed++;
      const shutdown = pipe(ws, allowed, { client, started, idleTimeoutMs, connectTimeoutMs, highWaterMark, stats, log }, () => {
        stats.active--;
        live.delete(ws);
      });
      live.set(ws, shutdown);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (e) => log(`${new Date().toISOString()} relay server error: ${e.message}`));
  const addr = server.address() as net.AddressInfo;
  const hostPart = net.isIPv6(addr.address) ? `[${addr.address}]` : addr.address;
  return {
    url: `ws://${hostPart}:${addr.port}`,
    port: addr.port,
    stats: () => ({ ...stats }),
    close: async () => {
      for (const shutdown of live.values()) shutdown();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Peers get a moment to answer the close frame; then whatever is left is cut.
      const deadline = Date.now() + 2_000;
      while (live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of live.keys()) ws.terminate();
      server.closeAllConnections();
      await closed;
    },
  };
}

interface PipeContext {
  readonly client: string;
  readonly started: number;
  readonly idleTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly highWaterMark: number;
  readonly stats: { peakBufferedBytes: number };
  readonly log: (line: string) => void;
}

/** Copies bytes between `ws` and a new TCP connection to `target`, with backpressure both ways; returns a shutdown function. */
function pipe(ws: WebSocket, target: Target, ctx: PipeContext, done: () => void): () => void {
  let up = 0;
  let down = 0;
  let outcome: { code: number; reason: string } | null = null;
  let wsClosed = false;
  let tcpClosed = false;
  const tcp = net.connect({ host: target.host, port: target.port, noDelay: true });

  const finish = (code: number, reason: string): void => {
    outcome ??= { code, reason };
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
    if (code === RELAY_CLOSE.targetClosed) tcp.end();
    else tcp.destroy();
  };
  const settle = (): void => {
    if (!wsClosed || !tcpClosed) return;
    clearTimeout(connectTimer);
    clearTimeout(idleTimer);
    const o = outcome ?? { code: RELAY_CLOSE.internalError, reason: "unknown" };
    const ms = Date.now() - ctx.started;
    ctx.log(`${new Date(ctx.started).toISOString()} relay ${ctx.client} -> ${target.key} closed ${o.code} ${o.reason} up=${up} down=${down} ms=${ms}`);
    done();
  };
  const measure = (): void => {
    const held = tcp.writableLength + ws.bufferedAmount;
    if (held > ctx.stats.peakBufferedBytes) ctx.stats.peakBufferedBytes = held;
  };

  const connectTimer = setTimeout(() => finish(RELAY_CLOSE.connectTimeout, "target connect timeout"), ctx.connectTimeoutMs);
  const idleTimer = setTimeout(() => finish(RELAY_CLOSE.idle, "idle timeout"), ctx.idleTimeoutMs);
  let connected = false;
  tcp.once("connect", () => {
    connected = true;
    clearTimeout(connectTimer);
  });

  // Browser -> target. ws.pause() stops reading the browser's socket until TCP drains.
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (outcome) return;
    if (!isBinary) return finish(RELAY_CLOSE.textMessage, "text messages are not relayed");
    up += data.length;
    idleTimer.refresh();
    const ok = tcp.write(data);
    measure();
    if (!ok || tcp.writableLength > ctx.highWaterMark) ws.pause();
  });
  tcp.on("drain", () => ws.resume());

  // Target -> browser. ws has no drain event; each send's callback says when its bytes left.
  tcp.on("data", (chunk: Buffer) => {
    // The client is closing: nothing more can reach it, and its close code tells the story.
    if (ws.readyState !== ws.OPEN) return void tcp.destroy();
    down += chunk.length;
    idleTimer.refresh();
    ws.send(chunk, { binary: true }, () => {
      if (tcp.isPaused() && ws.bufferedAmount <= ctx.highWaterMark / 2) tcp.resume();
    });
    measure();
    if (ws.bufferedAmount > ctx.highWaterMark) tcp.pause();
  });

  const targetClosed = (): void => {
    if (ws.readyState === ws.OPEN) finish(RELAY_CLOSE.targetClosed, "target closed");
  };
  tcp.on("end", targetClosed);
  tcp.on("error", (e: NodeJS.ErrnoException) => finish(connected ? RELAY_CLOSE.internalError : RELAY_CLOSE.unreachable, `target ${e.code ?? e.message}`));
  tcp.on("close", () => {
    tcpClosed = true;
    targetClosed();
    settle();
  });

  ws.on("error", (e: Error & { code?: string }) => {
    outcome ??= e.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? { code: RELAY_CLOSE.messageTooBig, reason: "message too big" } : { code: RELAY_CLOSE.internalError, reason: `client ${e.code ?? e.message}` };
    tcp.destroy();
  });
  ws.on("close", (code: number, reason: Buffer) => {
    wsClosed = true;
    outcome ??= { code, reason: `client closed${reason.length ? `: ${reason.toString("utf8")}` : ""}` };
    if (tcp.destroyed) return settle();
    if (code === RELAY_CLOSE.targetClosed) {
      // A normal close: let the bytes already queued reach the target, then close TCP, waiting a little for its end.
      tcp.end();
      tcp.setTimeout(5_000, () => tcp.destroy());
    } else {
      // The client gave up (an error, a timeout): nothing queued for the target is wanted any more.
      tcp.destroy();
    }
    settle();
  });
  return () => finish(RELAY_CLOSE.shuttingDown, "relay shutting down");
}
