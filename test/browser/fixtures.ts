// What the relay and browser tests share: a node:tls server speaking just enough HTTP/1.1, a relay
// whose log lines are kept, and a bounded reader for plaintext streams.
import * as net from "node:net";
import * as tls from "node:tls";
import { randomBytes } from "node:crypto";
import { type ChildProcess, spawn } from "node:child_process";
import { startRelay, type Relay, type RelayOptions } from "../../bin/relay.js";
import { concat } from "../../src/codec/bytes.js";

// Self-contained on purpose: these tests need nothing of the Node transport.

/** `p`, or a rejection naming `what` once `ms` have passed. */
export function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The error `p` rejects with (bounded); throws if it resolves. */
export async function rejectionOf(p: Promise<unknown>, what: string, ms = 10_000): Promise<Error> {
  try {
    await within(p, what, ms);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected a failure: ${what}`);
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await within(new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r())), "a free port");
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** A child process whose output is collected, with bounded waits on it. */
export class Child {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  exitCode: number | string | null = null;
  private readonly exited: Promise<number | string>;

  constructor(command: string, args: readonly string[]) {
    this.child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.on("data", (d: Buffer) => (this.stdout += d.toString("utf8")));
    this.child.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString("utf8")));
    this.exited = new Promise((resolve) => {
      this.child.once("error", (e) => resolve((this.exitCode = `spawn error: ${e.message}`)));
      this.child.once("close", (code, signal) => resolve((this.exitCode = code ?? signal ?? "unknown")));
    });
  }

  /** Waits for `pattern` on stdout; returns the match. */
  async match(pattern: RegExp, ms = 10_000): Promise<RegExpExecArray> {
    const found = async (): Promise<RegExpExecArray> => {
      for (;;) {
        const m = pattern.exec(this.stdout);
        if (m) return m;
        if (this.exitCode !== null) throw new Error(`exited (${this.exitCode}) before printing ${pattern}; stderr: ${this.stderr}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    return within(found(), `${pattern} on stdout (have ${JSON.stringify(this.stdout.slice(-300))})`, ms);
  }

  exit(ms = 10_000): Promise<number | string> {
    return within(this.exited, `the process to exit (stderr: ${this.stderr.slice(-300)})`, ms);
  }
}

export interface TlsHttpServer {
  readonly port: number;
  /** Appears in every response body, so a test knows the bytes came from this server. */
  readonly token: string;
  /** TCP connections accepted so far (handshaken or not). */
  connections: number;
  close(): Promise<void>;
}

/** A node:tls server (TLS 1.3 only) on 127.0.0.1 answering each request with 200 and closing. */
export async function tlsHttpServer(cert: { certPem: string; keyPem: string }): Promise<TlsHttpServer> {
  const token = randomBytes(8).toString("hex");
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ cert: cert.certPem, key: cert.keyPem, minVersion: "TLSv1.3" }, (socket) => {
    socket.on("error", () => undefined);
    let head = "";
    socket.on("data", (d: Buffer) => {
      head += d.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      const target = /^GET (\S+) HTTP\/1\.1\r\n/.exec(head)?.[1] ?? "?";
      const body = `hello from node:tls ${token} for ${target}\n`;
      socket.end(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    });
  });
  server.on("tlsClientError", () => undefined);
  const state = { connections: 0 };
  server.on("connection", (s: net.Socket) => {
    state.connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await within(new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())), "node:tls server listen");
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    token,
    get connections() {
      return state.connections;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await within(new Promise<void>((r) => server.close(() => r())), "node:tls server close");
    },
  };
}

export interface LoggedRelay {
  readonly relay: Relay;
  readonly lines: string[];
  /** ws://…/?target=host:port */
  to(target: string): string;
  /** Waits until `count` log lines have been written. */
  logged(count: number): Promise<string[]>;
}

export async function loggedRelay(options: Omit<RelayOptions, "host" | "port" | "log">): Promise<LoggedRelay> {
  const lines: string[] = [];
  const relay = await startRelay({ host: "127.0.0.1", port: 0, ...options, log: (l) => lines.push(l) });
  return {
    relay,
    lines,
    to: (target) => `${relay.url}/?target=${target}`,
    logged: async (count) => {
      await within(
        (async () => {
          while (lines.length < count) await new Promise((r) => setTimeout(r, 10));
        })(),
        `${count} relay log line(s); have ${JSON.stringify(lines)}`,
      );
      return lines;
    },
  };
}

/** Everything a plaintext stream yields until it ends (or `limit` bytes), bounded in time. */
export async function readAll(readable: ReadableStream<Uint8Array>, limit = 64 << 20, ms = 20_000): Promise<Uint8Array> {
  const reader = readable.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  await within(
    (async () => {
      while (n < limit) {
        const { value, done } = await reader.read();
        if (done) break;
        parts.push(value);
        n += value.length;
      }
    })(),
    `reading ${limit} bytes`,
    ms,
  );
  reader.releaseLock();
  return concat(...parts);
}
