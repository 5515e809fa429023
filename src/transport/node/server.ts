// A TLS server over net.Server, shaped like node:tls's: createServer(), 'secureConnection',
// 'tlsClientError', SNICallback / addContext() / setSecureContext(), and server.emit('connection', s)
// to run TLS over any stream (server-side STARTTLS). A certificate per name means a ServerConfig
// per name: each context is built once (policy, provider and the server's settings applied) and reused.
import type { ListenOptions, Server as NetServer, Socket as TcpSocket } from "node:net";
import type { Duplex } from "node:stream";
import { buildServerConfig, type ServerConfig, type ServerOptions } from "../../config/server.js";
import type { OcspStapleRequest } from "../../config/ocsp-stapling.js";
import { TICKET_KEYS_LENGTH, TicketKeys } from "../../session/ticket-keys.js";
import { ServerConnection } from "../../conn/server.js";
import { ConfigError, InvalidCertificate, UsageError } from "../../errors.js";
import {
  type SecureContextOptions,
  type ServerSocketOptions,
  SUPPORTED_SERVER_OPTIONS,
  checkOptions,
  crlList,
  handshakeTimeoutOf,
  resolvePolicy,
  resolveProvider,
  sharedTlsOptions,
} from "./options.js";
import { type Authorization, MADE_BY_FIPSTLS, TLSSocket } from "./socket.js";
import { CONTEXT_KEYS, SecureContext, contextFrom } from "./secure-context.js";
import { ClientHelloPeek } from "../../handshake/client-hello-peek.js";
import { nodeCrypto, nodeEvents, nodeNet as net } from "../../../providers/node/builtins.js";
const { randomBytes } = nodeCrypto;
const { EventEmitter } = nodeEvents;

/** What SNICallback, addContext() and setSecureContext() take: a SecureContext or the options for one. */
type ContextInput = SecureContext | SecureContextOptions;

/** A TLS server over net.Server, like node:tls's Server. */
export class Server extends EventEmitter {
  readonly server: NetServer;
  private readonly options: ServerSocketOptions;
  private readonly handshakeTimeout: number;
  private readonly shared: Promise<Partial<ServerOptions>>;
  private defaultConfig: Promise<ServerConfig>;
  /** The server-wide ca: client certificates are checked against it where a context has none of its own. */
  private readonly defaultContext: SecureContext;
  private readonly built = new WeakMap<object, Promise<ServerConfig>>();
  private readonly contexts: { pattern: RegExp; context: ContextInput }[] = [];
  /** One set of ticket keys for every context, made once the provider is known; null when tickets are off. */
  private ticketKeys: TicketKeys | null = null;
  /** Key material set (or read) before the provider was known. */
  private ticketMaterial: Uint8Array | null = null;

  constructor(options: ServerSocketOptions, onSecureConnection?: (socket: TLSSocket) => void) {
    super();
    checkOptions(options, SUPPORTED_SERVER_OPTIONS, "createServer");
    this.handshakeTimeout = handshakeTimeoutOf(options);
    if (options.SNICallback !== undefined && typeof options.SNICallback !== "function") throw new ConfigError("SNICallback must be a function", "SNICallback");
    this.options = { ...options };
    if (onSecureConnection) this.on("secureConnection", onSecureConnection);
    if (options.ticketKeys !== undefined) this.ticketMaterial = ticketMaterialOf(options.ticketKeys);
    this.shared = resolveProvider(options.provider).then((provider) => {
      const requestCert = options.requestCert === true;
      const sessionTimeout = options.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT;
      const tickets = sessionTimeout > 0 && options.tls?.sessionTickets !== false;
      if (tickets) this.ticketKeys = new TicketKeys(provider, sessionTimeout * 1000, Date.now, this.ticketMaterial ?? undefined);
      return {
        ...sharedTlsOptions(options, provider),
        provider,
        sessionTimeout,
        // node:tls's Server honours its own order unless honorCipherOrder is false (checked on Node 20, 22, 24).
        cipherSuiteOrder: options.honorCipherOrder === false ? ("client" as const) : ("server" as const),
        ...(this.ticketKeys !== null ? { ticketKeys: this.ticketKeys } : { sessionTickets: false }),
        // node:tls: rejectUnauthorized only matters with requestCert; false admits clients without a certificate.
        ...(requestCert ? { clientAuth: options.rejectUnauthorized === false ? ("optional" as const) : ("required" as const) } : {}),
      };
    });
    this.defaultContext = defaultContextOf(options);
    this.defaultConfig = this.build(this.defaultContext);
    // Surfaced by ready() and, like EADDRINUSE, as 'error' when listen() is called.
    this.defaultConfig.catch(() => undefined);
    this.server = net.createServer(
      { allowHalfOpen: true, pauseOnConnect: true, noDelay: options.noDelay ?? false, keepAlive: options.keepAlive ?? false, keepAliveInitialDelay: options.keepAliveInitialDelay ?? 0 },
      (socket) => this.emit("connection", socket),
    );
    // As node:tls's Server, which is a net.Server: a stream emitted as 'connection' gets TLS run over it.
    this.on("connection", (socket: Duplex) => this.accept(socket));
    this.server.on("error", (e) => this.emit("error", e));
    this.server.on("close", () => this.emit("close"));
    this.server.on("listening", () => this.emit("listening"));
  }

  private build(context: SecureContext): Promise<ServerConfig> {
    if (!context.hasCredentials) return Promise.reject(new ConfigError("a server context needs cert and key, or pfx", "cert"));
    const clientRoots = context.trustStore() ?? this.defaultContext?.trustStore();
    const crl = context.crl ?? this.options.crl;
    return this.shared.then(async (shared) =>
      buildServerConfig({
        ...shared,
        ocspResponse: shared.ocspResponse ?? ((request: OcspStapleRequest) => this.ocspRequest(request)),
        ...(await context.credentialsFor(shared.provider!, resolvePolicy(this.options.policy))),
        ...(clientRoots !== undefined ? { clientRoots } : {}),
        ...(crl !== undefined ? { crls: crlList(crl) } : {}),
      } as ServerOptions),
    );
  }

  /**
   * node:tls's 'OCSPRequest' (certificate, issuer, callback): asked only for clients that sent
   * status_request, and only while someone listens; callback(null, der) staples der, an error fails
   * the handshake.
   */
  private ocspRequest(request: OcspStapleRequest): Promise<Uint8Array | null> | null {
    if (this.listenerCount("OCSPRequest") === 0) return null;
    return new Promise((resolve, reject) => {
      let answered = false;
      const callback = (err: Error | null, response?: Uint8Array | null): void => {
        if (answered) return;
        answered = true;
        if (err) reject(err);
        else resolve(response ?? null);
      };
      this.emit("OCSPRequest", Buffer.from(request.certificate), request.issuer === null ? null : Buffer.from(request.issuer), callback);
    });
  }

  /** The config for a context, built the first time this object is seen. */
  private configOf(context: ContextInput): Promise<ServerConfig> {
    let config = this.built.get(context);
    if (!config) {
      config = this.build(contextFrom(context, "SNICallback"));
      this.built.set(context, config);
    }
    return config;
  }

  private accept(raw: Duplex): void {
    // TCP_NODELAY, as for our client sockets (connect.ts): no flight waits on a delayed ACK.
    if (this.options.noDelay !== false) (raw as Partial<TcpSocket>).setNoDelay?.(true);
    const tls = new TLSSocket(raw, {
      isServer: true,
      allowHalfOpen: this.options.allowHalfOpen ?? false,
      ...(this.options.highWaterMark !== undefined ? { highWaterMark: this.options.highWaterMark } : {}),
      [MADE_BY_FIPSTLS]: true,
    });
    // Handshake failures go to 'tlsClientError' as in node:tls. Like node:tls, the listener stays: a later
    // error (an EPIPE on our close_notify after the client hung up) reaches the socket's own listeners,
    // if the application added any, and never crashes a server whose application did not.
    let secure = false;
    tls.on("error", (err: Error) => {
      if (!secure) this.emit("tlsClientError", err, tls);
    });
    tls.once("secure", () => {
      secure = true;
      this.emit("secureConnection", tls);
      if (this.listenerCount("audit") > 0) this.emit("audit", tls.audit(), tls);
    });
    tls.startHandshakeClock(this.handshakeTimeout);
    const start = (config: Promise<ServerConfig>): void => {
      config.then(
        (c) =>
          tls.attach(
            // As node:tls's Server: 'keylog' (line, socket), only while someone listens.
            (cb) => new ServerConnection(c, this.listenerCount("keylog") > 0 ? { ...cb, onKeyLog: (line) => void this.emit("keylog", Buffer.from(`${line}\n`), tls) } : cb),
            (socket) => Promise.resolve(clientAuthorization(c, (socket.tlsInfo?.peerCertificates.length ?? 0) > 0)),
          ),
        (err: Error) => tls.destroy(err),
      );
    };
    if (!this.options.SNICallback && this.contexts.length === 0) return start(this.defaultConfig);
    const peek = new ClientHelloPeek();
    let decided = false;
    tls.peekNetwork((bytes) => {
      const result = decided ? { done: false as const } : peek.push(bytes);
      if (!result.done) return;
      decided = true;
      tls.stopPeeking();
      start(this.contextFor(result.serverName));
    });
  }

  /** The config for a client's SNI name: SNICallback's choice, else an addContext() match, else the default. */
  private contextFor(serverName: string | null): Promise<ServerConfig> {
    if (serverName === null) return Promise.resolve(this.defaultConfig);
    const callback = this.options.SNICallback;
    if (!callback) {
      const match = [...this.contexts].reverse().find((c) => c.pattern.test(serverName));
      return Promise.resolve(match ? this.configOf(match.context) : this.defaultConfig);
    }
    return new Promise((resolve, reject) => {
      let answered = false;
      try {
        callback(serverName, (err, context) => {
          if (answered) return;
          answered = true;
          if (err) return reject(err);
          if (context === undefined || context === null) return resolve(this.defaultConfig);
          // contextFrom refuses node:tls's own contexts (and anything else) with the reason.
          resolve(this.configOf(context as ContextInput));
        });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Serves `context` to clients asking for `hostname` ("*" matches within one label), as node:tls. */
  addContext(hostname: string, context: ContextInput): void {
    if (typeof hostname !== "string" || hostname.length === 0) throw new ConfigError("addContext: hostname must be a non-empty string", "hostname");
    const source = hostname.replace(/[.^$+?\-\\[\]{}()|]/g, "\\$&").replace(/\*/g, "[^.]*");
    const input = contextFrom(context, "addContext");
    this.configOf(input).catch(() => undefined);
    this.contexts.push({ pattern: new RegExp(`^${source}$`, "i"), context: input });
  }

  /** Replaces the default certificate for new connections (certificate rotation), from options or a createSecureContext() result. */
  setSecureContext(options: ContextInput): void {
    const next = this.build(contextFrom(options, "setSecureContext"));
    next.catch(() => undefined);
    this.defaultConfig = next;
  }

  /**
   * The 48 bytes that seal session tickets now, as node:tls's getTicketKeys(). Reading them stops the
   * rotation, so that a copy given to other servers stays valid.
   */
  getTicketKeys(): Buffer {
    if (this.ticketKeys !== null) {
      const current = this.ticketKeys.current();
      this.ticketKeys.set(current);
      return Buffer.from(current);
    }
    // Before the provider is known: the keys the server will use once it is.
    this.ticketMaterial ??= new Uint8Array(randomBytes(TICKET_KEYS_LENGTH));
    return Buffer.from(this.ticketMaterial);
  }

  /** Replaces the ticket keys (48 bytes) for every context; tickets sealed under the old ones no longer resume. */
  setTicketKeys(keys: Uint8Array): void {
    this.ticketMaterial = ticketMaterialOf(keys);
    this.ticketKeys?.set(this.ticketMaterial);
  }

  /** Resolves once the certificate and key are loaded; rejects with the ConfigError otherwise. */
  ready(): Promise<void> {
    return this.defaultConfig.then(() => undefined);
  }

  listen(port?: number, host?: string, callback?: () => void): this;
  listen(port?: number, callback?: () => void): this;
  listen(options: ListenOptions, callback?: () => void): this;
  listen(...args: unknown[]): this {
    // Listening only once the certificate and key are loaded means no connection meets a broken config.
    this.defaultConfig.then(
      () => (this.server.listen as (...a: unknown[]) => NetServer)(...args),
      (err: Error) => this.emit("error", err),
    );
    return this;
  }

  /** Whether the server is listening, as net.Server's. */
  get listening(): boolean {
    return this.server.listening;
  }

  /** node:tls's deprecated setOptions() has no counterpart: options are read once, at createServer(). */
  setOptions(_options: unknown): never {
    throw new UsageError("setOptions: deprecated in node:tls and not in fipstls; pass options to createServer(), or use setSecureContext() for new certificates");
  }

  address(): ReturnType<NetServer["address"]> {
    return this.server.address();
  }

  close(callback?: (err?: Error) => void): this {
    this.server.close(callback);
    return this;
  }

  getConnections(callback: (error: Error | null, count: number) => void): this {
    this.server.getConnections(callback);
    return this;
  }

  ref(): this {
    this.server.ref();
    return this;
  }

  unref(): this {
    this.server.unref();
    return this;
  }
}

/** The server's own context: secureContext, or one made of its cert, key, pfx, passphrase, ca and crl options. */
function defaultContextOf(options: ServerSocketOptions): SecureContext {
  if (options.secureContext === undefined) {
    const picked = Object.fromEntries(CONTEXT_KEYS.filter((k) => (options as Record<string, unknown>)[k] !== undefined).map((k) => [k, (options as Record<string, unknown>)[k]]));
    return new SecureContext(picked);
  }
  const both = CONTEXT_KEYS.find((k) => (options as Record<string, unknown>)[k] !== undefined);
  if (both !== undefined) throw new ConfigError(`createServer: secureContext already holds cert, key, pfx and ca; give "${both}" to createSecureContext() instead`, both);
  return contextFrom(options.secureContext, "secureContext");
}

/** A server's view of its client: authorized only with a verified certificate (the handshake verified any that was sent). */
function clientAuthorization(config: ServerConfig, sentCertificate: boolean): Authorization {
  if (sentCertificate) return { authorized: true, failure: null, fatal: false };
  if (config.clientAuth === "none") return { authorized: false, failure: null, fatal: false };
  return { authorized: false, failure: new InvalidCertificate("NoCertificate", "the client sent no certificate"), fatal: false };
}

function ticketMaterialOf(keys: unknown): Uint8Array {
  if (!(keys instanceof Uint8Array) || keys.length !== TICKET_KEYS_LENGTH) throw new ConfigError(`ticketKeys must be a Buffer of ${TICKET_KEYS_LENGTH} bytes`, "ticketKeys");
  return keys.slice();
}

/** node:tls's default session lifetime, in seconds. */
const DEFAULT_SESSION_TIMEOUT = 300;

export function createServer(options: ServerSocketOptions, onSecureConnection?: (socket: TLSSocket) => void): Server {
  return new Server(options, onSecureConnection);
}
