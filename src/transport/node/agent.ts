// An https.Agent whose connections are fipstls connections: https.request/https.get (and anything
// built on them) run over fipstls, with node's own pooling and keep-alive. Only createConnection()
// changes; http's options arrive mixed with the TLS ones, so the TLS options are picked out and the
// node:tls options fipstls does not support are refused rather than dropped.
import type { AgentOptions as HttpsAgentOptions, RequestOptions } from "node:https";
import type { Duplex } from "node:stream";
import { ConfigError } from "../../errors.js";
import { connect } from "./connect.js";
import { CONTEXT_KEYS, type SecureContext, withSharedContext } from "./secure-context.js";
import { type ConnectOptions, SUPPORTED_CONNECT_OPTIONS, checkOptions, refuseUnsupported } from "./options.js";
import type { TLSSocket } from "./socket.js";
import { ClientSessionCache, DEFAULT_MAX_CACHED_SESSIONS } from "./session-cache.js";
import { nodeHttps as https } from "../../../providers/node/builtins.js";

/** What an Agent accepts: http.Agent's pooling options and connect()'s TLS options (but `socket`). */
export interface AgentOptions extends Omit<ConnectOptions, "socket"> {
  keepAlive?: boolean;
  keepAliveMsecs?: number;
  maxSockets?: number;
  maxTotalSockets?: number;
  maxFreeSockets?: number;
  scheduling?: "fifo" | "lifo";
  /** Socket idle timeout in ms, as http.Agent's. */
  timeout?: number;
  /** Called with each new connection once it is secure (for audit logs: socket.audit()). */
  onSecureConnect?: (socket: TLSSocket) => void;
  /** Sessions kept for resumption, one per destination (default 100, as https.Agent); 0 for none. */
  maxCachedSessions?: number;
}

const { socket: _socket, ...AGENT_TLS_OPTIONS } = SUPPORTED_CONNECT_OPTIONS;

/** Every option the Agent accepts, with its meaning. */
export const SUPPORTED_AGENT_OPTIONS: Readonly<Record<string, string>> = {
  ...AGENT_TLS_OPTIONS,
  keepAlive: "http.Agent: keep connections for later requests (a keep-alive pool).",
  keepAliveMsecs: "http.Agent: TCP keep-alive initial delay for pooled sockets.",
  maxSockets: "http.Agent.",
  maxTotalSockets: "http.Agent.",
  maxFreeSockets: "http.Agent.",
  scheduling: "http.Agent.",
  timeout: "http.Agent: socket idle timeout in ms.",
  onSecureConnect: "fipstls: (socket) => void, called with each new connection once secure (socket.audit() gives its report).",
  maxCachedSessions: "https.Agent: TLS sessions kept for resumption, one per destination (default 100); 0 turns resumption off.",
};

// Options a request may carry to the connection (node:tls reads the same ones from https.request).
const CONNECTION_KEYS = Object.keys(SUPPORTED_CONNECT_OPTIONS).filter((k) => k !== "socket");

/** An https.Agent that connects with fipstls; pass it as `agent` to https.request/https.get. */
export class Agent extends https.Agent {
  private readonly onSecureConnect: ((socket: TLSSocket) => void) | undefined;
  private readonly sessions: ClientSessionCache;
  /** The agent's cert, key, pfx, passphrase, ca and crl as one context, used while a request does not change them. */
  private readonly context: { readonly source: Readonly<Record<string, unknown>>; readonly context: SecureContext } | null;

  constructor(options: AgentOptions = {}) {
    checkOptions(options, SUPPORTED_AGENT_OPTIONS, "Agent");
    const { onSecureConnect, maxCachedSessions = DEFAULT_MAX_CACHED_SESSIONS, ...rest } = options;
    if (onSecureConnect !== undefined && typeof onSecureConnect !== "function") throw new ConfigError("onSecureConnect must be a function", "onSecureConnect");
    if (!Number.isInteger(maxCachedSessions) || maxCachedSessions < 0) throw new ConfigError("maxCachedSessions must be a whole number", "maxCachedSessions");
    super(rest as HttpsAgentOptions);
    this.onSecureConnect = onSecureConnect;
    this.sessions = new ClientSessionCache(maxCachedSessions);
    // Made (and so checked) now: a pfx or encrypted key is then decrypted once, not per connection.
    const shared = withSharedContext(rest);
    this.context = shared.secureContext !== undefined && shared.secureContext !== rest.secureContext ? { source: { ...rest }, context: shared.secureContext } : null;
  }

  /** Called by http.Agent with the request's options merged with the agent's. */
  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | undefined {
    let socket: TLSSocket;
    let sessionKey: string;
    try {
      refuseUnsupported(options, "https request");
      const picked: Record<string, unknown> = {};
      const all = options as Record<string, unknown>;
      for (const k of CONNECTION_KEYS) if (all[k] !== undefined && all[k] !== null) picked[k] = all[k];
      // http.Agent names each destination (host, port, servername, ca, …) in _agentKey, as node's https.Agent keys its sessions.
      sessionKey = typeof all._agentKey === "string" ? all._agentKey : this.getName(options);
      const own = this.context;
      if (own !== null && CONTEXT_KEYS.every((k) => picked[k] === own.source[k])) {
        for (const k of CONTEXT_KEYS) delete picked[k];
        picked.secureContext = own.context;
      }
      const cached = picked.session === undefined ? this.sessions.get(sessionKey) : undefined;
      socket = connect({ ...(picked as ConnectOptions), ...(cached ? { session: cached } : {}) });
    } catch (e) {
      callback?.(e as Error, undefined as unknown as Duplex);
      return undefined;
    }
    this.sessions.track(socket, sessionKey);
    const hook = this.onSecureConnect;
    if (hook) socket.once("secureConnect", () => hook(socket));
    return socket;
  }
}
