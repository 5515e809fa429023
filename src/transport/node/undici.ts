// An undici Agent whose connections are fipstls connections, so that fetch(url, { dispatcher }) and
// undici's request() run over fipstls. undici is an optional peer dependency: it is loaded when an
// agent is made (never when fipstls/node is imported), and its absence is a ConfigError saying so.
import type * as tls from "node:tls";
import type { Agent as UndiciAgent, buildConnector } from "undici";
import { ConfigError } from "../../errors.js";
import { connect } from "./connect.js";
import { withSharedContext } from "./secure-context.js";
import { type ConnectOptions, SUPPORTED_CONNECT_OPTIONS, checkOptions, resolvePolicy } from "./options.js";
import type { TLSSocket } from "./socket.js";
import { ClientSessionCache, DEFAULT_MAX_CACHED_SESSIONS } from "./session-cache.js";
import { nodeModule } from "../../../providers/node/builtins.js";
const { createRequire } = nodeModule;

type Undici = typeof import("undici");

export interface UndiciAgentOptions extends Omit<ConnectOptions, "socket" | "host" | "port" | "path"> {
  /** Milliseconds for the TCP connection and the TLS handshake together (default 10000, as undici's). */
  connectTimeout?: number;
  /** undici's own Agent options (connections, pipelining, keepAliveTimeout, …); `connect` is fipstls's. */
  agent?: Omit<UndiciAgent.Options, "connect">;
  /** Called with each new connection once it is secure (for audit logs: socket.audit()). */
  onSecureConnect?: (socket: TLSSocket) => void;
  /** Sessions kept for resumption, one per origin (default 100, as undici's connector); 0 for none. */
  maxCachedSessions?: number;
}

const { socket: _s, host: _h, port: _p, path: _path, ...UNDICI_TLS_OPTIONS } = SUPPORTED_CONNECT_OPTIONS;

/** Every option createUndiciAgent() accepts, with its meaning. */
export const SUPPORTED_UNDICI_OPTIONS: Readonly<Record<string, string>> = {
  ...UNDICI_TLS_OPTIONS,
  ALPNProtocols: 'As connect(); default ["http/1.1"], as undici.',
  connectTimeout: "Milliseconds for the TCP connection and the TLS handshake together (default 10000, as undici's).",
  agent: "undici Agent options (connections, pipelining, keepAliveTimeout, …), except connect.",
  onSecureConnect: "fipstls: (socket) => void, called with each new connection once secure (socket.audit() gives its report).",
  maxCachedSessions: "TLS sessions kept for resumption, one per origin and servername (default 100, as undici's connector); 0 turns resumption off.",
};

/** Loads undici with `require` (resolved from fipstls's own location by default). */
export function loadUndici(require: NodeJS.Require = createRequire(import.meta.url)): Undici {
  try {
    return require("undici") as Undici;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === "MODULE_NOT_FOUND" && /'undici'/.test(err.message ?? "")) {
      throw new ConfigError("createUndiciAgent needs the undici package, an optional peer dependency of fipstls: npm install undici", "undici");
    }
    throw e;
  }
}

/** An undici Agent (a fetch dispatcher) whose connections are fipstls TLS connections. https: only. */
export function createUndiciAgent(options: UndiciAgentOptions = {}): UndiciAgent {
  checkOptions(options, SUPPORTED_UNDICI_OPTIONS, "createUndiciAgent");
  resolvePolicy(options.policy);
  const { connectTimeout = 10_000, agent = {}, onSecureConnect, maxCachedSessions = DEFAULT_MAX_CACHED_SESSIONS, ...given } = options;
  // One context for every connection: a pfx or encrypted key is decrypted once, the ca parsed once (and checked now).
  const tlsOptions = withSharedContext(given);
  if (!Number.isInteger(maxCachedSessions) || maxCachedSessions < 0) throw new ConfigError("maxCachedSessions must be a whole number", "maxCachedSessions");
  const sessions = new ClientSessionCache(maxCachedSessions);
  if ("connect" in agent) throw new ConfigError("createUndiciAgent: agent.connect cannot be set; the connector is fipstls's", "agent.connect");
  const undici = loadUndici();

  const connector: buildConnector.connector = (opts, callback) => {
    if (opts.protocol !== "https:") {
      return callback(new ConfigError(`the fipstls dispatcher carries https: only, not ${opts.protocol}`, "protocol"), null);
    }
    let socket: TLSSocket;
    const servername = tlsOptions.servername ?? opts.servername ?? opts.hostname;
    const sessionKey = `${opts.hostname}:${Number(opts.port) || 443}:${servername}`;
    const cached = tlsOptions.session === undefined ? sessions.get(sessionKey) : undefined;
    try {
      socket = connect({
        ...tlsOptions,
        ...(cached ? { session: cached } : {}),
        host: opts.hostname,
        port: Number(opts.port) || 443,
        ...(tlsOptions.servername === undefined && opts.servername ? { servername: opts.servername } : {}),
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
        // A proxy's CONNECT tunnel arrives as httpSocket: TLS then runs inside it.
        ...(opts.httpSocket ? { socket: opts.httpSocket } : {}),
        ALPNProtocols: tlsOptions.ALPNProtocols ?? ["http/1.1"],
      });
    } catch (e) {
      return callback(e as Error, null);
    }
    // As undici's own connector.
    sessions.track(socket, sessionKey);
    socket.setKeepAlive(true, 60_000).setNoDelay(true);
    let settled = false;
    const settle = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener("error", settle);
      if (err) return callback(err, null);
      onSecureConnect?.(socket);
      // undici types its sockets as net/tls sockets; it uses only what TLSSocket provides (see socket.ts).
      callback(null, socket as unknown as tls.TLSSocket);
    };
    const timer = setTimeout(() => {
      const err = new undici.errors.ConnectTimeoutError(`Connect Timeout Error (${opts.hostname}:${opts.port || 443}, timeout: ${connectTimeout}ms)`);
      settle(err);
      socket.destroy(err);
    }, connectTimeout);
    socket.once("secureConnect", () => settle(null));
    socket.on("error", settle);
  };
  return new undici.Agent({ ...agent, connect: connector });
}
