// The Node transport: a sans-IO Connection over a net.Socket, shaped like node:tls's TLSSocket and
// Server so that adopting fipstls is a one-line change. The only file in src/ that imports node:*.
import * as net from "node:net";
import { Duplex } from "node:stream";
import { EventEmitter } from "node:events";
import type { CryptoProvider } from "../crypto/provider.js";
import { buildClientConfig, type ClientOptions } from "../config/client.js";
import { pemText } from "../config/common.js";
import { buildServerConfig, type ServerOptions } from "../config/server.js";
import { ClientConnection } from "../conn/client.js";
import { ServerConnection } from "../conn/server.js";
import type { Connection, ConnectionCallbacks } from "../conn/connection.js";
import type { NegotiatedInfo, TlsVersionName } from "../conn/info.js";
import { ConfigError, HandshakeTimeout, UsageError } from "../errors.js";
import { suiteByName } from "../tls13/suites.js";
import { isIpLiteral } from "../verify/names.js";
import { type Policy, type PolicyName, policyByName } from "../../compliance/policies.js";
import type { AuditReport } from "../../compliance/audit.js";
import type { RawStream } from "../../compliance/probe.js";
import { type ScanOptions, scanServer } from "../../compliance/scan.js";
import { nodeProvider } from "../../providers/node/index.js";
import { webcryptoProvider } from "../../providers/webcrypto/index.js";

export type ProviderOption = "node" | "webcrypto" | CryptoProvider;
type PemInput = string | Uint8Array | readonly (string | Uint8Array)[];

interface CommonSocketOptions {
  provider?: ProviderOption;
  ALPNProtocols?: readonly string[];
  minVersion?: TlsVersionName;
  maxVersion?: TlsVersionName;
  /** Milliseconds the handshake may take before the socket is destroyed (default 120 s, as node:tls). */
  handshakeTimeout?: number;
  /** CRLs (PEM or DER) the peer's chain is checked against, as node:tls's `crl`. */
  crl?: PemInput;
  /** fipstls-specific settings passed to the config builder (cipher suites, groups, limits, …). */
  tls?: Partial<ClientOptions & ServerOptions>;
  /** Keep our sending side open after the peer's close_notify (default false, as in node:tls). */
  allowHalfOpen?: boolean;
  /** A compliance policy: "default", "fips-140-3", "cnsa", a dated id, or a Policy. */
  policy?: PolicyName | Policy;
  /**
   * Refuse to start unless the provider attests FIPS mode. Defaults to the policy's own setting
   * (true under fips-140-3 and cnsa): in Node the module's state can be read, so it is required.
   */
  requireFipsProvider?: boolean;
}

export interface ConnectOptions extends CommonSocketOptions {
  host?: string;
  port?: number;
  servername?: string;
  ca?: PemInput;
  cert?: PemInput;
  key?: string | Uint8Array;
  /** Only `true` (the default) is accepted; see `dangerouslyDisableCertificateVerification`. */
  rejectUnauthorized?: boolean;
  dangerouslyDisableCertificateVerification?: boolean;
}

export interface ServerSocketOptions extends CommonSocketOptions {
  cert: PemInput;
  key: string | Uint8Array;
  /** Ask clients for a certificate; with rejectUnauthorized (the default) one is required. */
  requestCert?: boolean;
  /** Only `true` (the default) is accepted: client certificates that are sent are always verified. */
  rejectUnauthorized?: boolean;
  /** Trust anchors for client certificates. */
  ca?: PemInput;
}

const COMMON_OPTIONS = ["allowHalfOpen", "policy", "requireFipsProvider", "crl"];
const CONNECT_OPTIONS = new Set([...COMMON_OPTIONS, "host", "port", "servername", "ca", "cert", "key", "ALPNProtocols", "provider", "minVersion", "maxVersion", "handshakeTimeout", "tls", "rejectUnauthorized", "dangerouslyDisableCertificateVerification"]);
const SERVER_OPTIONS = new Set([...COMMON_OPTIONS, "requestCert", "rejectUnauthorized", "ca", "cert", "key", "ALPNProtocols", "provider", "minVersion", "maxVersion", "handshakeTimeout", "tls"]);

function refuseUnknown(options: object, known: Set<string>, what: string): void {
  for (const k of Object.keys(options)) {
    if (!known.has(k) && (options as Record<string, unknown>)[k] !== undefined) {
      throw new ConfigError(`${what}: option "${k}" is not supported by fipstls yet`, k);
    }
  }
}

export async function resolveProvider(p: ProviderOption | undefined): Promise<CryptoProvider> {
  if (p === undefined || p === "node") return nodeProvider();
  if (p === "webcrypto") return webcryptoProvider();
  if (typeof p === "object" && typeof p.aead === "function") return p;
  throw new ConfigError(`unknown provider ${String(p)}: use "node", "webcrypto" or a CryptoProvider`, "provider");
}

const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** A TLS connection as a Node Duplex stream, with node:tls's TLSSocket accessors. */
export class TLSSocket extends Duplex {
  readonly encrypted = true;
  /** True once the peer's certificate chain has been verified against the configured roots. */
  authorized = false;
  private connection: ClientConnection | ServerConnection | null = null;
  private handshakeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly socket: net.Socket,
    private readonly isServer: boolean,
    allowHalfOpen = false,
  ) {
    super({ allowHalfOpen });
    socket.on("data", (b: Buffer) => this.connection?.receive(asBytes(b)));
    socket.on("end", () => this.connection?.receiveEnd());
    socket.on("error", (e) => this.destroy(e));
    socket.on("close", () => {
      if (!this.destroyed && this.connection?.state !== "open") this.destroy();
    });
    socket.pause();
  }

  /** Binds the sans-IO connection to the socket and starts the handshake. */
  attach(make: (callbacks: ConnectionCallbacks) => ClientConnection | ServerConnection, timeoutMs: number): void {
    const conn = make({
      transmit: (bytes) => {
        if (!this.socket.destroyed) this.socket.write(bytes);
      },
      onData: (data) => {
        if (!this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength))) this.socket.pause();
      },
      onEnd: () => this.push(null),
      onError: (err) => this.destroy(err),
    });
    this.connection = conn;
    this.handshakeTimer = setTimeout(() => this.destroy(new HandshakeTimeout(timeoutMs)), timeoutMs);
    conn.handshake.then(
      () => {
        this.clearTimer();
        // Clients always verify the server; servers are authorized once a client chain verified.
        this.authorized = !this.isServer || (this.tlsInfo?.peerCertificates.length ?? 0) > 0;
        this.emit(this.isServer ? "secure" : "secureConnect");
        // One audit record per connection, for services that log them.
        if (this.listenerCount("audit") > 0) this.emit("audit", this.audit());
      },
      () => this.clearTimer(),
    );
    conn.start();
    this.socket.resume();
  }

  private clearTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }

  /** Everything the handshake negotiated (fipstls-specific). */
  get tlsInfo(): NegotiatedInfo | null {
    return this.connection?.state === "open" || this.connection?.state === "closed" ? safeInfo(this.connection) : null;
  }

  /** The negotiated parameters judged against the policy, peer chain included. */
  audit(): AuditReport {
    if (!this.connection || !this.tlsInfo) throw new UsageError("no completed handshake to audit");
    const s = this.socket;
    return this.connection.audit(`${this.isServer ? "server" : "client"} connection ${s.localAddress}:${s.localPort} <-> ${s.remoteAddress}:${s.remotePort}`);
  }

  getProtocol(): TlsVersionName | null {
    return this.tlsInfo?.version ?? null;
  }

  getCipher(): { name: string; standardName: string; version: string } | null {
    const info = this.tlsInfo;
    if (!info) return null;
    const suite = suiteByName(info.cipherSuite)!;
    return { name: suite.openSslName, standardName: suite.name, version: info.version };
  }

  get alpnProtocol(): string | false {
    return this.tlsInfo?.alpnProtocol ?? false;
  }

  get servername(): string | false {
    return this.tlsInfo?.serverName ?? false;
  }

  /** Sends a KeyUpdate (asking the peer to update too, unless `requestPeer` is false). */
  updateKeys(requestPeer = true): Promise<void> {
    return this.connection!.updateKeys(requestPeer);
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    const conn = this.connection;
    if (!conn) return callback(new Error("TLS socket is not connected"));
    conn.handshake
      .then(() => conn.write(asBytes(chunk)))
      .then(() => {
        if (this.socket.writableNeedDrain) this.socket.once("drain", () => callback());
        else callback();
      }, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const conn = this.connection;
    if (!conn || conn.state !== "open") {
      this.socket.end();
      return callback();
    }
    conn.close().then(() => this.socket.end(() => callback()), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.clearTimer();
    this.connection?.destroy();
    this.socket.destroy();
    callback(error);
  }
}

function safeInfo(conn: Connection): NegotiatedInfo | null {
  try {
    return conn.info;
  } catch {
    return null;
  }
}

function sharedTlsOptions(o: CommonSocketOptions, provider: CryptoProvider): Partial<ClientOptions & ServerOptions> {
  let policy: Policy | undefined;
  try {
    policy = typeof o.policy === "string" ? policyByName(o.policy) : o.policy;
  } catch (e) {
    throw new ConfigError((e as Error).message, "policy");
  }
  return {
    ...o.tls,
    provider,
    ...(policy ? { policy } : {}),
    requireFipsProvider: o.requireFipsProvider ?? policy?.requireFipsProvider ?? false,
    ...(o.crl !== undefined ? { crls: (Array.isArray(o.crl) ? o.crl : [o.crl]).map((c: string | Uint8Array) => (typeof c === "string" ? c : pemText(c) ?? c)) } : {}),
    ...(o.ALPNProtocols ? { alpnProtocols: o.ALPNProtocols } : {}),
    ...(o.minVersion ? { minVersion: o.minVersion } : {}),
    ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
  };
}

/** Opens a TCP connection and a TLS client over it, like node:tls's connect(). */
export function connect(options: ConnectOptions, onSecureConnect?: () => void): TLSSocket {
  refuseUnknown(options, CONNECT_OPTIONS, "connect");
  if (options.rejectUnauthorized === false) {
    throw new ConfigError("rejectUnauthorized: false is not supported; use dangerouslyDisableCertificateVerification if you truly mean it", "rejectUnauthorized");
  }
  const host = options.host ?? "localhost";
  const socket = net.connect({ host, port: options.port ?? 443 });
  const tls = new TLSSocket(socket, false, options.allowHalfOpen);
  if (onSecureConnect) tls.once("secureConnect", onSecureConnect);
  const serverName = options.servername ?? host;
  const ready = resolveProvider(options.provider).then((provider) =>
    buildClientConfig({
      ...sharedTlsOptions(options, provider),
      provider,
      serverName: isIpLiteral(serverName) || serverName.length > 0 ? serverName : host,
      ...(options.ca !== undefined ? { roots: options.ca } : {}),
      ...(options.cert !== undefined ? { certificateChain: options.cert } : {}),
      ...(options.key !== undefined ? { privateKey: options.key } : {}),
      ...(options.dangerouslyDisableCertificateVerification ? { dangerouslyDisableCertificateVerification: true } : {}),
    }),
  );
  socket.once("connect", () => {
    ready.then(
      (config) => tls.attach((cb) => new ClientConnection(config, cb), options.handshakeTimeout ?? 120_000),
      (err: Error) => tls.destroy(err),
    );
  });
  ready.catch((err: Error) => tls.destroy(err));
  return tls;
}

/** A TLS server over net.Server, like node:tls's createServer(). */
export class Server extends EventEmitter {
  readonly server: net.Server;
  private readonly config: ReturnType<typeof buildServerConfig>;

  constructor(options: ServerSocketOptions, onSecureConnection?: (socket: TLSSocket) => void) {
    super();
    refuseUnknown(options, SERVER_OPTIONS, "createServer");
    if (onSecureConnection) this.on("secureConnection", onSecureConnection);
    if (options.rejectUnauthorized === false) {
      throw new ConfigError("rejectUnauthorized: false is not supported: client certificates that are sent are always verified", "rejectUnauthorized");
    }
    this.config = resolveProvider(options.provider).then((provider) =>
      buildServerConfig({
        ...sharedTlsOptions(options, provider),
        provider,
        certificateChain: options.cert,
        privateKey: options.key,
        ...(options.requestCert ? { clientAuth: "required" as const } : {}),
        ...(options.ca !== undefined ? { clientRoots: options.ca } : {}),
      } as ServerOptions),
    );
    // Surfaced by ready() and, like EADDRINUSE, as 'error' when listen() is called.
    this.config.catch(() => undefined);
    const timeout = options.handshakeTimeout ?? 120_000;
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
      const tls = new TLSSocket(socket, true, options.allowHalfOpen);
      // Handshake failures go to 'tlsClientError' as in node:tls; later errors belong to the socket's owner.
      const onHandshakeError = (err: Error): void => void this.emit("tlsClientError", err, tls);
      tls.once("error", onHandshakeError);
      tls.once("secure", () => {
        tls.removeListener("error", onHandshakeError);
        this.emit("secureConnection", tls);
        if (this.listenerCount("audit") > 0) this.emit("audit", tls.audit(), tls);
      });
      this.config.then(
        (config) => tls.attach((cb) => new ServerConnection(config, cb), timeout),
        (err: Error) => tls.destroy(err),
      );
    });
    this.server.on("error", (e) => this.emit("error", e));
    this.server.on("close", () => this.emit("close"));
    this.server.on("listening", () => this.emit("listening"));
  }

  /** Resolves once the certificate and key are loaded; rejects with the ConfigError otherwise. */
  ready(): Promise<void> {
    return this.config.then(() => undefined);
  }

  listen(port?: number, host?: string, callback?: () => void): this;
  listen(port?: number, callback?: () => void): this;
  listen(options: net.ListenOptions, callback?: () => void): this;
  listen(...args: unknown[]): this {
    // Listening only once the certificate and key are loaded means no connection meets a broken config.
    this.config.then(
      () => (this.server.listen as (...a: unknown[]) => net.Server)(...args),
      (err: Error) => this.emit("error", err),
    );
    return this;
  }

  address(): ReturnType<net.Server["address"]> {
    return this.server.address();
  }

  close(callback?: (err?: Error) => void): this {
    this.server.close(callback);
    return this;
  }
}

export function createServer(options: ServerSocketOptions, onSecureConnection?: (socket: TLSSocket) => void): Server {
  return new Server(options, onSecureConnection);
}

/** A raw TCP byte stream for scan probes (no TLS), with bounded reads. */
export function dialRaw(host: string, port: number, timeoutMs = 5000): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks: Uint8Array[] = [];
    let ended = false;
    let waiter: (() => void) | null = null;
    const wake = (): void => {
      const w = waiter;
      waiter = null;
      w?.();
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.on("data", (b: Buffer) => {
      chunks.push(asBytes(b));
      wake();
    });
    socket.on("end", () => {
      ended = true;
      wake();
    });
    socket.on("close", () => {
      ended = true;
      wake();
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      ended = true;
      wake();
      reject(e);
    });
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve({
        write: (bytes) => void (socket.destroyed || socket.write(bytes)),
        read: async (ms) => {
          while (chunks.length === 0 && !ended) {
            let t: ReturnType<typeof setTimeout> | undefined;
            await new Promise<void>((res, rej) => {
              waiter = res;
              t = setTimeout(() => rej(new Error("read timed out")), ms);
            }).finally(() => clearTimeout(t));
          }
          return chunks.shift() ?? null;
        },
        close: () => socket.destroy(),
      });
    });
  });
}

/** Scans host:port against a policy (see compliance/scan.ts); the node provider is the default. */
export async function scan(host: string, port: number, options: Omit<ScanOptions, "provider"> & { provider?: ProviderOption } = {}): Promise<AuditReport> {
  const provider = await resolveProvider(options.provider);
  const timeoutMs = options.timeoutMs ?? 5000;
  return scanServer({ host, port, dial: () => dialRaw(host, port, timeoutMs) }, { ...options, provider });
}
