// `fipstls relay`: a WebSocket-to-TCP relay for connectWebSocket(). A browser cannot open TCP, so it
// sends TLS records over a WebSocket and the relay copies them to an allow-listed host:port and back.
// TLS runs end to end: the relay sees only ciphertext and never parses it. Node-only (ws, node:net).
import * as http from "node:http";
import * as net from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { RELAY_CLOSE, parseRelayRequest, parseTarget, type Target } from "./relay-request.js";

export { RELAY_CLOSE, parseTarget, parseRelayRequest, type RelayPolicy, type RelayRequest, type Target } from "./relay-request.js";

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
  /**
   * A socket must send its whole upgrade request within this long of connecting (and a refused one
   * gets as long again to answer the close), or it is cut. Default 5 000 ms.
   */
  readonly upgradeTimeoutMs?: number;
  /** Sockets not relaying (no upgrade yet, or refused and closing) held at once; past it the oldest is cut. Default 64. */
  readonly maxPendingSockets?: number;
  /** One line per connection; default console.log. */
  readonly log?: (line: string) => void;
}

export interface RelayStats {
  /** Connections being relayed now. */
  readonly active: number;
  /** Connections relayed to completion or still running. */
  readonly relayed: number;
  readonly refused: number;
  /** Sockets open now that are not relaying: no upgrade yet, or refused and closing. */
  readonly pending: number;
  /** Pending sockets cut by the upgrade timeout or to make room for a newer one. */
  readonly dropped: number;
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

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: "Bad Request", 403: "Forbidden", 414: "URI Too Long" };

// setTimeout fires at once for delays beyond 2^31 - 1 ms: such a timeout would cut every socket.
function positiveInteger(name: string, value: number | undefined, fallback: number, max = 2 ** 31 - 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) throw new Error(`relay option ${name} must be an integer from 1 to ${max}, not ${value}`);
  return value;
}

/** Answers with a plain HTTP error and closes: no upgrade, so no WebSocket is ever built for it. */
function refuseHttp(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) return void socket.destroy();
  const body = `${reason}\n`;
  socket.once("finish", () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
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
  const policy = { allow, origins };
  const maxConnections = options.maxConnections ?? 256;
  const maxMessageBytes = options.maxMessageBytes ?? 64 * 1024;
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const highWaterMark = options.highWaterMark ?? 256 * 1024;
  const upgradeTimeoutMs = positiveInteger("upgradeTimeoutMs", options.upgradeTimeoutMs, 5_000);
  const maxPendingSockets = positiveInteger("maxPendingSockets", options.maxPendingSockets, 64);
  const userLog = options.log ?? ((line: string) => console.log(line));
  // A logger that throws must not take the relay (or one connection's bookkeeping) down with it.
  const log = (line: string): void => {
    try {
      userLog(line);
    } catch {
      // nothing better to do with a log line that cannot be written
    }
  };

  const stats = { active: 0, relayed: 0, refused: 0, dropped: 0, peakBufferedBytes: 0 };
  // Each live connection's way to end itself when the relay shuts down.
  const live = new Map<WebSocket, () => void>();
  // Sockets not relaying, oldest first (a Map iterates in insertion order), each with its deadline.
  const pending = new Map<Duplex, ReturnType<typeof setTimeout>>();
  const release = (socket: Duplex): void => {
    const timer = pending.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    pending.delete(socket);
  };
  const drop = (socket: Duplex): void => {
    release(socket);
    stats.dropped++;
    socket.destroy();
  };

  // Node's own header and request timeouts are checked only every connectionsCheckingInterval (30 s);
  // the per-socket deadline below is what enforces upgradeTimeoutMs, these merely agree with it.
  const server = http.createServer({ headersTimeout: upgradeTimeoutMs, requestTimeout: upgradeTimeoutMs }, (_req, res) => {
    res.writeHead(426, { "content-type": "text/plain", connection: "close" }).end("WebSocket only: ws://this-host/?target=host:port\n");
  });
  // No server.maxConnections: it counts silent sockets too, so a few dozen of them would lock every real
  // client out. Sockets are bounded instead by maxPendingSockets + maxConnections, each cap on its own.
  server.on("connection", (socket: net.Socket) => {
    socket.on("error", () => undefined);
    pending.set(socket, setTimeout(() => drop(socket), upgradeTimeoutMs));
    socket.once("close", () => release(socket));
    // Full: cut the oldest pending socket rather than refuse the new one. Refusing would let whoever
    // holds the slots with silent sockets (re-opened as they time out) keep every real client out;
    // cutting the oldest means a real client, which sends its request at once, is never the oldest
    // for long, and an attacker must open maxPendingSockets sockets within one round trip to bump it.
    if (pending.size > maxPendingSockets) {
      const oldest = pending.keys().next().value;
      if (oldest !== undefined) drop(oldest);
    }
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, perMessageDeflate: false, clientTracking: false });

  const upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    const started = Date.now();
    const client = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
    const refused = (what: string, code: number, reason: string): void => {
      stats.refused++;
      log(`${new Date(started).toISOString()} relay ${client} -> ${what} refused ${code} ${reason}`);
    };
    const verdict = parseRelayRequest(req.url, req.headers.origin, policy);
    if (!verdict.ok && verdict.beforeUpgrade) {
      refused(verdict.what, verdict.status, verdict.reason);
      return refuseHttp(socket, verdict.status, verdict.reason);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const refuse = (code: number, reason: string, what: string): void => {
        // Still pending: the deadline, restarted, bounds how long the peer may take to answer the close.
        pending.get(socket)?.refresh();
        ws.on("error", () => undefined);
        ws.close(code, reason);
        refused(what, code, reason);
      };
      if (!verdict.ok) return refuse(verdict.code, verdict.reason, verdict.what);
      if (stats.active >= maxConnections) return refuse(RELAY_CLOSE.tooManyConnections, "too many connections", verdict.target.key);
      release(socket);
      stats.active++;
      stats.relayed++;
      const shutdown = pipe(ws, allow.get(verdict.target.key) ?? verdict.target, { client, started, idleTimeoutMs, connectTimeoutMs, highWaterMark, stats, log }, () => {
        stats.active--;
        live.delete(ws);
      });
      live.set(ws, shutdown);
    });
  };
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node removed its own error listener before emitting 'upgrade'.
    socket.on("error", () => undefined);
    // Whatever goes wrong with one request ends that request, never the process.
    try {
      upgrade(req, socket, head);
    } catch (e) {
      log(`${new Date().toISOString()} relay internal error on an upgrade: ${e instanceof Error ? e.message : String(e)}`);
      socket.destroy();
    }
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
    stats: () => ({ ...stats, pending: pending.size }),
    close: async () => {
      for (const shutdown of live.values()) shutdown();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of [...pending.keys()]) {
        release(socket);
        socket.destroy();
      }
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
    outcome ??= { code, reason: `client closed${reason.length ? `: ${printable(reason.toString("utf8"))}` : ""}` };
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

/** A peer's text made safe for a one-line log: control and line-breaking characters escaped. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
