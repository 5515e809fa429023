// ServerConfig: the certificate we present and what we accept from clients.
import type { SigningKey } from "../crypto/provider.js";
import { ConfigError } from "../errors.js";
import { type CommonConfig, type CommonOptions, buildCommon } from "./common.js";
import { type TrustAnchors, type TrustStore, toTrustStore } from "../verify/trust.js";
import { type CredentialOptions, loadCredentials } from "./credentials.js";
import { SessionCache } from "../session/cache.js";
import { TicketKeys } from "../session/ticket-keys.js";
import { type OcspStapleSource, type Stapler, buildStapler } from "./ocsp-stapling.js";
import { loadServerHandshake } from "../handshake/server-loader.js";

export interface ServerOptions extends CommonOptions, CredentialOptions {
  /** Send HelloRetryRequest rather than accept a share for a group later in our preference list. */
  preferGroupOverShare?: boolean;
  /**
   * Whose order picks the cipher suite among those both sides enable: ours ("server", the default, as
   * Go and OpenSSL with SSL_OP_CIPHER_SERVER_PREFERENCE) or the client's ("client", node:tls's default,
   * honorCipherOrder false). Either way only suites the policy allows can be chosen.
   */
  cipherSuiteOrder?: "server" | "client";
  /**
   * Ask clients for a certificate: "optional" verifies one if sent, "required" also refuses clients
   * without one (certificate_required). Default: none.
   */
  clientAuth?: "none" | "optional" | "required";
  /** Trust anchors for client certificates (PEM text or DER); required when clientAuth is not "none". */
  clientRoots?: TrustAnchors;
  /** Seconds a session may be resumed for, as node:tls's sessionTimeout; default 300. */
  sessionTimeout?: number;
  /** Issue session tickets (RFC 5077; RFC 8446 4.6.1) to clients that take them; default true. */
  sessionTickets?: boolean;
  /**
   * Ticket key material: 48 bytes (a 16-byte name and a 32-byte AES-256-GCM key), shared by servers
   * that must resume each other's sessions; or a TicketKeys object several configs share. Default:
   * random keys rotated every sessionTimeout.
   */
  ticketKeys?: Uint8Array | TicketKeys;
  /** Sessions kept for session-id resumption (TLS 1.2 clients without tickets); 0 turns it off. Default 1000. */
  sessionCacheSize?: number;
  /** NewSessionTickets sent after each full TLS 1.3 handshake (0 to 10); default 2, as OpenSSL. After a resumption, one at most (as OpenSSL). */
  tls13Tickets?: number;
  /**
   * An OCSP response for the leaf of certificateChain, stapled for clients that ask (status_request):
   * DER bytes, or a function called on each full handshake that asks, returning the current response
   * (null staples nothing). Fixed bytes must parse as an OCSPResponse; fipstls does not judge it.
   */
  ocspResponse?: Uint8Array | OcspStapleSource;
}

export interface ServerConfig extends CommonConfig {
  readonly side: "server";
  readonly certificateChain: readonly Uint8Array[];
  readonly signingKey: SigningKey;
  readonly preferGroupOverShare: boolean;
  readonly cipherSuiteOrder: "server" | "client";
  readonly clientAuth: "none" | "optional" | "required";
  readonly clientRoots: TrustStore;
  /** Seconds a session may be resumed for. */
  readonly sessionLifetime: number;
  /** Null when tickets are off. */
  readonly ticketKeys: TicketKeys | null;
  readonly sessionCache: SessionCache | null;
  readonly tls13Tickets: number;
  /** Null when no OCSP response is configured. */
  readonly stapler: Stapler | null;
}

const DEFAULT_SESSION_TIMEOUT = 300;
const DEFAULT_SESSION_CACHE_SIZE = 1000;

export async function buildServerConfig(o: ServerOptions): Promise<ServerConfig> {
  // A failure here is reported by the first connection, which loads it again.
  loadServerHandshake().catch(() => undefined);
  const common = buildCommon(o);
  const creds = await loadCredentials(o, common);
  const clientAuth = o.clientAuth ?? "none";
  if (!["none", "optional", "required"].includes(clientAuth)) throw new ConfigError(`clientAuth must be none, optional or required, not ${clientAuth}`, "clientAuth");
  const clientRoots = toTrustStore(o.clientRoots ?? []);
  if (clientAuth !== "none" && clientRoots.anchors.length === 0) throw new ConfigError("clientAuth needs clientRoots to verify client certificates against", "clientRoots");
  const sessionLifetime = o.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT;
  // RFC 8446 4.6.1 caps ticket lifetimes at seven days; the same cap serves TLS 1.2.
  if (!Number.isInteger(sessionLifetime) || sessionLifetime < 0 || sessionLifetime > 604800) {
    throw new ConfigError(`sessionTimeout must be a whole number of seconds from 0 to 604800, not ${sessionLifetime}`, "sessionTimeout");
  }
  const cacheSize = o.sessionCacheSize ?? DEFAULT_SESSION_CACHE_SIZE;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new ConfigError(`sessionCacheSize must be a whole number, not ${cacheSize}`, "sessionCacheSize");
  const tls13Tickets = o.tls13Tickets ?? 2;
  if (!Number.isInteger(tls13Tickets) || tls13Tickets < 0 || tls13Tickets > 10) throw new ConfigError(`tls13Tickets must be a whole number from 0 to 10, not ${tls13Tickets}`, "tls13Tickets");
  if ((o as { revocation?: { staple?: unknown } }).revocation?.staple !== undefined) {
    throw new ConfigError("revocation.staple is a client option; a server staples with ocspResponse", "revocation.staple");
  }
  const stapler = buildStapler(o.ocspResponse, creds.chain);
  const clock = (): number => common.now().getTime();
  const resumable = sessionLifetime > 0;
  const ticketKeys =
    !resumable || o.sessionTickets === false ? null :
    o.ticketKeys instanceof TicketKeys ? o.ticketKeys :
    new TicketKeys(common.provider, sessionLifetime * 1000, clock, o.ticketKeys);
  return {
    ...common,
    side: "server",
    certificateChain: creds.chain,
    signingKey: creds.key,
    preferGroupOverShare: o.preferGroupOverShare ?? false,
    cipherSuiteOrder: cipherSuiteOrder(o.cipherSuiteOrder),
    clientAuth,
    clientRoots,
    sessionLifetime,
    ticketKeys,
    sessionCache: resumable && cacheSize > 0 ? new SessionCache(cacheSize, clock) : null,
    tls13Tickets,
    stapler,
  };
}

function cipherSuiteOrder(order: unknown): "server" | "client" {
  if (order === undefined || order === "server" || order === "client") return order ?? "server";
  throw new ConfigError(`cipherSuiteOrder must be "server" or "client", not ${JSON.stringify(order)}`, "cipherSuiteOrder");
}
