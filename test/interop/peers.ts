// Shared machinery for the interop tests: a throwaway PKI made by the openssl CLI, real peers
// (openssl s_server / s_client child processes, node:tls servers and clients) on 127.0.0.1, and
// bounded waits. Everything a test starts is registered in a Scope and torn down in `finally`, so
// that a failing case never leaks a process or a handle and the uvu process exits by itself.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import * as tls from "node:tls";
import { connect, createServer, type ConnectOptions, type Server, type ServerSocketOptions, type TLSSocket } from "../../src/node.js";
import type { CryptoProvider, EcdhGroupName } from "../../src/crypto/provider.js";
import type { CipherSuiteName, SignatureSchemeName } from "../../src/msgs/enums.js";
import { type KeyType, Pki } from "../pki.js";

/** Every single wait in these tests is bounded by this (ms). */
export const STEP_MS = 10_000;

// Found on PATH (CI installs the openssl package). A missing binary must fail, not skip.
export const OPENSSL = "openssl";

let opensslChecked: string | undefined;
/** The `openssl version` line; throws a loud, explicit error when the CLI is absent. */
export function requireOpenssl(): string {
  if (opensslChecked === undefined) {
    try {
      opensslChecked = execFileSync(OPENSSL, ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch (e) {
      throw new Error(`interop tests need the OpenSSL 3 CLI at ${OPENSSL} (apt-get install openssl): ${(e as Error).message}`);
    }
  }
  return opensslChecked;
}

// ---------------------------------------------------------------------------------------------
// Bounded waits

/** `p`, or a rejection naming `what` once `ms` have passed. */
export function within<T>(p: Promise<T>, what: string, ms = STEP_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The error `p` rejects with (bounded); fails if it resolves. */
export async function rejectionOf(p: Promise<unknown>, what: string, ms = STEP_MS): Promise<Error> {
  try {
    await within(p, what, ms);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected a failure: ${what}`);
}

const tail = (s: string, n = 600): string => (s.length > n ? `…${s.slice(-n)}` : s);

/** Collects everything a readable stream produces and lets tests wait for a condition on it. */
export class Sink {
  private chunks: Buffer[] = [];
  length = 0;
  ended = false;
  error: Error | null = null;
  private readonly waiters = new Set<() => void>();

  constructor(
    stream: Readable,
    readonly label: string,
  ) {
    stream.on("data", (b: Buffer) => {
      this.chunks.push(b);
      this.length += b.length;
      this.wake();
    });
    const end = (): void => {
      this.ended = true;
      this.wake();
    };
    stream.on("end", end);
    stream.on("close", end);
    stream.on("error", (e: Error) => {
      this.error = e;
      end();
    });
  }

  bytes(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  /** As text; latin1 so that binary data never throws and offsets equal byte offsets. */
  text(): string {
    return this.bytes().toString("latin1");
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves once `check` holds; rejects if the stream ends first or after `ms`. */
  until(check: () => boolean, what: string, ms = STEP_MS): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        this.waiters.delete(test);
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const test = (): void => {
        if (check()) return done();
        if (this.ended) {
          const why = this.error ? `${this.error.name}: ${this.error.message}` : "end of stream";
          done(new Error(`${this.label} ended (${why}) before ${what}; got ${this.length} bytes: ${tail(this.text())}`));
        }
      };
      const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for ${what} on ${this.label}; got ${this.length} bytes: ${tail(this.text())}`)), ms);
      this.waiters.add(test);
      test();
    });
  }

  /** Waits until at least `n` bytes have arrived. */
  atLeast(n: number, ms = STEP_MS): Promise<void> {
    return this.until(() => this.length >= n, `${n} bytes`, ms);
  }

  /** Waits for `pattern` in the text; returns the match. */
  async match(pattern: RegExp | string, ms = STEP_MS): Promise<RegExpExecArray> {
    const re = typeof pattern === "string" ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : pattern;
    let m: RegExpExecArray | null = null;
    await this.until(() => (m = re.exec(this.text())) !== null, `${re}`, ms);
    return m!;
  }

  /** Waits for the end of the stream. */
  end(ms = STEP_MS): Promise<void> {
    return this.until(() => this.ended, "the end of the stream", ms);
  }
}

// ---------------------------------------------------------------------------------------------
// Scopes: whatever a test (or a suite) starts, it closes.

type Closer = () => Promise<void> | void;

export class Scope {
  private readonly closers: Closer[] = [];

  add(close: Closer): void {
    this.closers.push(close);
  }

  /** Destroys a stream (socket) at the end of the scope. */
  stream<T extends { destroy(): unknown; destroyed: boolean }>(s: T): T {
    this.add(() => void (s.destroyed || s.destroy()));
    return s;
  }

  /** Closes everything, last opened first; never throws (a test's own failure matters more). */
  async close(): Promise<void> {
    while (this.closers.length > 0) {
      const c = this.closers.pop()!;
      try {
        await within(Promise.resolve(c()), "cleanup", 5_000);
      } catch {
        // Best effort: keep closing the rest.
      }
    }
  }
}

/** Runs `body` with a fresh Scope that is closed whatever happens. */
export function scoped(body: (scope: Scope) => Promise<void>): () => Promise<void> {
  return async () => {
    const scope = new Scope();
    try {
      await body(scope);
    } finally {
      await scope.close();
    }
  };
}

/** A port that was free a moment ago (for peers that cannot report the one they bound). */
export function freePort(): Promise<number> {
  return within(
    new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    }),
    "a free port",
  );
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`; each probe is closed at once. */
export async function untilListening(port: number, ms = STEP_MS): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port });
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes

export class Peer {
  readonly stdout: Sink;
  readonly stderr: Sink;
  /** Resolves with the exit code (or the signal's name) when the process is gone. */
  readonly exited: Promise<number | string>;
  exitCode: number | string | null = null;

  constructor(
    readonly child: ChildProcess,
    readonly label: string,
  ) {
    this.stdout = new Sink(child.stdout!, `${label} stdout`);
    this.stderr = new Sink(child.stderr!, `${label} stderr`);
    // A peer that dies early closes its stdin; writes then fail with EPIPE, which the test sees otherwise.
    child.stdin!.on("error", () => {});
    this.exited = new Promise((resolve) => {
      child.once("error", (e) => {
        this.exitCode = `spawn error: ${e.message}`;
        resolve(this.exitCode);
      });
      child.once("close", (code, signal) => {
        this.exitCode = code ?? signal ?? "unknown";
        resolve(this.exitCode);
      });
    });
  }

  write(data: string | Uint8Array): void {
    this.child.stdin!.write(data);
  }

  /** Waits for the process to exit by itself; returns its exit code. */
  async exit(ms = STEP_MS): Promise<number | string> {
    return within(this.exited, `${this.label} to exit (stderr: ${tail(this.stderr.text())})`, ms);
  }

  /** Kills the process (if still running) and waits until it is reaped. */
  async kill(): Promise<void> {
    if (this.exitCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }

  /** Both outputs, for failure messages. */
  describe(): string {
    return `${this.label} (exit ${this.exitCode ?? "running"})\n--- stdout\n${tail(this.stdout.text(), 1500)}\n--- stderr\n${tail(this.stderr.text(), 1500)}`;
  }
}

/** Waits for a peer to exit and returns its exit code, with its output on failure. */
export async function exitOf(peer: Peer): Promise<number | string> {
  try {
    return await peer.exit();
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${peer.describe()}`);
  }
}

/** Spawns the openssl CLI; the process is killed when `scope` closes. */
export function spawnOpenssl(scope: Scope, args: readonly string[], label = `openssl ${args[0]}`): Peer {
  requireOpenssl();
  const child = spawn(OPENSSL, args, { stdio: ["pipe", "pipe", "pipe"] });
  const peer = new Peer(child, label);
  scope.add(() => peer.kill());
  return peer;
}

export type SServerMode =
  /** -www: answers one HTTP GET per connection with a status page (negotiated suite, shared groups). */
  | "www"
  /** Interactive: stdin lines are sent (or run as commands such as "k"), received data goes to stdout among status lines. */
  | "interactive"
  /** -quiet: stdin and stdout carry exactly the application data. */
  | "quiet";

/** Starts `openssl s_server` (TLS 1.3 only unless `version` says otherwise) on 127.0.0.1 and resolves once it accepts connections. */
export async function opensslServer(scope: Scope, o: { cert: CertSet; mode: SServerMode; args?: readonly string[]; version?: "tls1_2" | "tls1_3" | "any" }): Promise<{ peer: Peer; port: number }> {
  const version = o.version ?? "tls1_3";
  const common = ["-cert", o.cert.certPath, "-key", o.cert.keyPath, ...(version === "any" ? [] : [`-${version}`]), ...(o.args ?? [])];
  if (o.mode === "quiet") {
    // A quiet s_server prints nothing, not even its port: choose one, then probe it.
    const port = await freePort();
    const peer = spawnOpenssl(scope, ["s_server", "-accept", `127.0.0.1:${port}`, ...common, "-quiet"], `s_server -quiet (${o.cert.kind})`);
    await Promise.race([untilListening(port), peer.exited.then(() => Promise.reject(new Error(peer.describe())))]);
    return { peer, port };
  }
  // Port 0 is race-free; the other modes print "ACCEPT 127.0.0.1:<port>" once listening.
  const extra = o.mode === "www" ? ["-www"] : [];
  const peer = spawnOpenssl(scope, ["s_server", "-accept", "127.0.0.1:0", ...common, ...extra], `s_server ${o.mode} (${o.cert.kind})`);
  const m = await peer.stdout.match(/ACCEPT 127\.0\.0\.1:(\d+)/).catch((e: Error) => Promise.reject(new Error(`${e.message}\n${peer.describe()}`)));
  return { peer, port: Number(m[1]) };
}

// ---------------------------------------------------------------------------------------------
// fipstls endpoints

/** Our client: resolves on 'secureConnect' with the socket and a sink of what it receives. */
export async function fipsConnect(scope: Scope, o: ConnectOptions): Promise<{ socket: TLSSocket; sink: Sink }> {
  const socket = scope.stream(connect({ host: "127.0.0.1", handshakeTimeout: STEP_MS, ...o }));
  const sink = new Sink(socket, "fipstls client");
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", () => resolve());
      socket.once("error", reject);
      socket.once("close", () => reject(sink.error ?? new Error("fipstls client closed before the handshake completed")));
    }),
    `fipstls client handshake with 127.0.0.1:${o.port}`,
  );
  return { socket, sink };
}

/** Our client's handshake error (fails if the handshake succeeds). */
export async function fipsConnectError(scope: Scope, o: ConnectOptions): Promise<Error> {
  return rejectionOf(fipsConnect(scope, o), `fipstls client handshake failure against 127.0.0.1:${o.port}`);
}

/** Items that arrive over time, taken in order by tests with a bounded wait. */
export class Queue<T> {
  private readonly items: T[] = [];
  private readonly takers: ((item: T) => void)[] = [];

  push(item: T): void {
    const take = this.takers.shift();
    if (take) take(item);
    else this.items.push(item);
  }

  next(what: string, ms = STEP_MS): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    let take!: (item: T) => void;
    const p = new Promise<T>((resolve) => (take = resolve));
    this.takers.push(take);
    // A taker that timed out must not swallow a later item.
    return within(p, what, ms).catch((e: Error) => {
      this.takers.splice(this.takers.indexOf(take), 1);
      throw e;
    });
  }

  clear(): void {
    this.items.length = 0;
  }
}

export interface Accepted<S> {
  socket: S;
  sink: Sink;
  /** node:tls only: what the socket reported at accept time (it forgets once destroyed). */
  seen?: { protocol: string | null; cipher: tls.CipherNameAndProtocol; alpn: string | false | null; servername: string | false | null | undefined };
}

/** Default server behaviour: answer the first line "x" with "pong:x\n", then close (close_notify). */
export function lineEcho({ socket, sink }: Accepted<{ end(data: string): unknown; destroy(): unknown }>): void {
  sink.match(/^([^\n]*)\n/).then(
    (m) => socket.end(`pong:${m[1]}\n`),
    () => socket.destroy(),
  );
}

/** Echoes every byte back and closes when the peer does. */
export function echo({ socket, sink }: Accepted<NodeJS.ReadWriteStream & { destroy(): unknown }>): void {
  socket.on("data", (d: Buffer) => socket.write(d));
  sink.end(60_000).then(() => socket.end(), () => socket.destroy());
}

/**
 * Our server, listening on 127.0.0.1:0. Each connection runs `handler` (replaceable between
 * cases); accepted connections and handshake errors are queued for tests to inspect.
 */
export class FipsServer {
  readonly server: Server;
  port = 0;
  handler: (a: Accepted<TLSSocket>) => void = lineEcho;
  readonly accepted = new Queue<Accepted<TLSSocket>>();
  readonly errors = new Queue<Error>();
  private readonly sockets = new Set<TLSSocket>();

  constructor(options: ServerSocketOptions) {
    this.server = createServer({ handshakeTimeout: STEP_MS, ...options }, (socket) => {
      this.sockets.add(socket);
      const a = { socket, sink: new Sink(socket, "fipstls server connection") };
      socket.on("error", () => {}); // Post-handshake errors surface through the sink.
      this.handler(a);
      this.accepted.push(a);
    });
    this.server.on("tlsClientError", (err: Error, socket: TLSSocket) => {
      this.sockets.add(socket);
      this.errors.push(err);
    });
  }

  async listen(): Promise<this> {
    await within(this.server.ready(), "fipstls server config");
    await within(new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve())), "fipstls server listen");
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** The next connection that completed its handshake. */
  nextConnection(): Promise<Accepted<TLSSocket>> {
    return this.accepted.next("a completed handshake on the fipstls server");
  }

  /** The next handshake failure ('tlsClientError'). */
  nextError(): Promise<Error> {
    return this.errors.next("a handshake failure on the fipstls server");
  }

  /** Forgets connections and errors left over from an earlier case; restores the default handler. */
  reset(): void {
    this.accepted.clear();
    this.errors.clear();
    this.handler = lineEcho;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function fipsServer(scope: Scope, options: ServerSocketOptions): Promise<FipsServer> {
  const s = new FipsServer(options);
  scope.add(() => s.close());
  return s.listen();
}

// ---------------------------------------------------------------------------------------------
// node:tls endpoints

/** A node:tls server (TLS 1.3 only) on 127.0.0.1:0, shaped like FipsServer. */
export class NodeTlsServer {
  readonly server: tls.Server;
  port = 0;
  handler: (a: Accepted<tls.TLSSocket>) => void = lineEcho;
  readonly accepted = new Queue<Accepted<tls.TLSSocket>>();
  readonly errors = new Queue<Error>();
  private readonly sockets = new Set<net.Socket>();

  constructor(options: tls.TlsOptions) {
    this.server = tls.createServer({ minVersion: "TLSv1.3", ...options }, (socket) => {
      socket.on("error", () => {}); // Tests look at what our side saw.
      const seen = { protocol: socket.getProtocol(), cipher: socket.getCipher(), alpn: socket.alpnProtocol, servername: (socket as { servername?: string | false | null }).servername };
      const a = { socket, sink: new Sink(socket, "node:tls server connection"), seen };
      this.handler(a);
      this.accepted.push(a);
    });
    this.server.on("connection", (s: net.Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    this.server.on("tlsClientError", (e: Error) => this.errors.push(e));
  }

  async listen(): Promise<this> {
    await within(new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve())), "node:tls server listen");
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  nextConnection(): Promise<Accepted<tls.TLSSocket>> {
    return this.accepted.next("a completed handshake on the node:tls server");
  }

  nextError(): Promise<Error> {
    return this.errors.next("a handshake failure on the node:tls server");
  }

  reset(): void {
    this.accepted.clear();
    this.errors.clear();
    this.handler = lineEcho;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function nodeTlsServer(scope: Scope, options: tls.TlsOptions): Promise<NodeTlsServer> {
  const s = new NodeTlsServer(options);
  scope.add(() => s.close());
  return s.listen();
}

/** A node:tls client (TLS 1.3 only, name "localhost"); resolves on 'secureConnect'. */
export async function nodeTlsConnect(scope: Scope, options: tls.ConnectionOptions): Promise<{ socket: tls.TLSSocket; sink: Sink }> {
  const socket = scope.stream(tls.connect({ host: "127.0.0.1", servername: "localhost", minVersion: "TLSv1.3", ...options }));
  const sink = new Sink(socket, "node:tls client");
  socket.on("error", () => {}); // Reported through the sink and the handshake promise below.
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", () => resolve());
      socket.once("error", reject);
      socket.once("close", () => reject(sink.error ?? new Error("node:tls client closed before the handshake completed")));
    }),
    `node:tls client handshake with 127.0.0.1:${options.port}`,
  );
  return { socket, sink };
}

// ---------------------------------------------------------------------------------------------
// The matrix and the PKI

export const ALL_SUITES: readonly CipherSuiteName[] = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"];
export const ALL_GROUPS: readonly EcdhGroupName[] = ["secp256r1", "secp384r1", "secp521r1", "x25519"];

/** How OpenSSL (-groups, ecdhCurve) names each group, and how it reports the key it used. */
export const OPENSSL_GROUP: Readonly<Record<EcdhGroupName, { flag: string; reported: string }>> = {
  secp256r1: { flag: "P-256", reported: "prime256v1" },
  secp384r1: { flag: "P-384", reported: "secp384r1" },
  secp521r1: { flag: "P-521", reported: "secp521r1" },
  x25519: { flag: "X25519", reported: "X25519" },
  x448: { flag: "X448", reported: "X448" },
};

/** The suites and groups `provider` can run (webcrypto has no ChaCha20-Poly1305). */
export function matrixFor(provider: CryptoProvider): { suites: CipherSuiteName[]; groups: EcdhGroupName[] } {
  const suites = ALL_SUITES.filter((s) => (s.includes("CHACHA") ? provider.supports.aeads.includes("CHACHA20-POLY1305") : true));
  const groups = ALL_GROUPS.filter((g) => provider.supports.groups.includes(g));
  return { suites, groups };
}

export interface CertSet {
  readonly kind: "ecdsa-p256" | "rsa-2048" | "rsa-pss-2048";
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** The CertificateVerify scheme a TLS 1.3 peer must use with this key. */
  readonly scheme: SignatureSchemeName;
  /** "Signature type" as `openssl s_client -brief` reports it. */
  readonly opensslSignatureType: string;
}

export interface InteropPki {
  readonly dir: string;
  readonly caPath: string;
  readonly caPem: string;
  /** A CA that signed nothing we serve, for the untrusted case. */
  readonly otherCaPath: string;
  readonly otherCaPem: string;
  readonly certs: readonly CertSet[];
}

let pkiMemo: InteropPki | undefined;
type LeafFiles = Pick<CertSet, "certPath" | "keyPath" | "certPem" | "keyPem">;
let issueFromInteropCa: ((keyType: KeyType) => LeafFiles) | undefined;

/** A further localhost leaf of `keyType` from the interop CA (e.g. Ed25519, which not every test wants). */
export function interopLeaf(keyType: KeyType): LeafFiles {
  interopPki();
  return issueFromInteropCa!(keyType);
}

/**
 * One CA and three leaves (SAN DNS:localhost, IP:127.0.0.1) made once per process in a private
 * temp dir, removed at exit. Keys come from freshKey in our own dir rather than test/pki.ts's
 * process-wide cache, so removing the dir cannot break another test that shares the cache.
 */
export function interopPki(): InteropPki {
  if (pkiMemo) return pkiMemo;
  requireOpenssl();
  const dir = mkdtempSync(join(tmpdir(), "fipstls-interop-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const pki = new Pki(dir);
  const ca = pki.root({ cn: "fipstls interop CA", key: pki.freshKey("ec-p256") });
  const other = pki.root({ cn: "fipstls unrelated CA", key: pki.freshKey("ec-p256") });
  const leaf = (kind: CertSet["kind"], scheme: SignatureSchemeName, opensslSignatureType: string): CertSet => {
    const keyType = kind === "ecdsa-p256" ? "ec-p256" : kind;
    const c = pki.issue(ca, { cn: "localhost", key: pki.freshKey(keyType), dns: ["localhost"], ip: ["127.0.0.1"] });
    return { kind, certPath: c.path, keyPath: c.key.path, certPem: c.pem, keyPem: c.key.pem, scheme, opensslSignatureType };
  };
  issueFromInteropCa = (keyType) => {
    const c = pki.issue(ca, { cn: "localhost", key: pki.freshKey(keyType), dns: ["localhost"], ip: ["127.0.0.1"] });
    return { certPath: c.path, keyPath: c.key.path, certPem: c.pem, keyPem: c.key.pem };
  };
  pkiMemo = {
    dir,
    caPath: ca.path,
    caPem: ca.pem,
    otherCaPath: other.path,
    otherCaPem: other.pem,
    certs: [
      leaf("ecdsa-p256", "ecdsa_secp256r1_sha256", "ECDSA"),
      leaf("rsa-2048", "rsa_pss_rsae_sha256", "RSA-PSS"),
      leaf("rsa-pss-2048", "rsa_pss_pss_sha256", "RSA-PSS"),
    ],
  };
  return pkiMemo;
}

// ---------------------------------------------------------------------------------------------
// Data

export const MIB = 1024 * 1024;

export const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Random bytes for bulk transfers. */
export const randomData = (n: number): Buffer => randomBytes(n);

/** Writes `data` to a stream and waits until the stream has accepted all of it. */
export function writeAll(stream: NodeJS.WritableStream, data: Uint8Array | string, what: string): Promise<void> {
  return within(
    new Promise<void>((resolve, reject) => {
      stream.write(data, (err?: Error | null) => (err ? reject(err) : resolve()));
    }),
    what,
  );
}
