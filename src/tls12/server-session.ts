// Which session, if any, a TLS 1.2 server resumes, and the tickets it issues. A session is resumed
// only when nothing that made it acceptable has changed: same version and a suite both the client
// offers and our config (hence the policy) still enables, the same Extended Master Secret state
// (RFC 7627 5.3), the same server name (RFC 6066 3), a client certificate where one is now required,
// and within the lifetime. Anything else falls back to a full handshake, never to an error.
import type { ServerConfig } from "../config/server.js";
import { ExtensionType } from "../msgs/enums.js";
import type { ClientHello } from "../msgs/hello.js";
import { isTls12Suite } from "../suites/cipher-suites.js";
import { type SessionState, sessionCurrent } from "../session/session.js";
import { openSession, sealSession } from "../session/tickets.js";

export interface Resumable {
  readonly state: SessionState;
  /** The ticket's key has rotated out of sealing: issue a fresh ticket. */
  readonly renewTicket: boolean;
}

export async function findResumable(ch: ClientHello, config: ServerConfig, ems: boolean, serverName: string | null): Promise<Resumable | null> {
  const ticket = ch.extensions.get(ExtensionType.SessionTicket);
  let found: Resumable | null = null;
  if (ticket !== undefined && ticket.length > 0 && config.ticketKeys !== null) {
    const opened = await openSession(config.ticketKeys, ticket);
    if (opened !== null) found = { state: opened.state, renewTicket: opened.renew };
  } else if (ch.legacySessionId.length > 0 && config.sessionCache !== null) {
    const state = config.sessionCache.get(ch.legacySessionId);
    if (state !== undefined) found = { state, renewTicket: false };
  }
  return found !== null && acceptable(found.state, ch, config, ems, serverName) ? found : null;
}

function acceptable(s: SessionState, ch: ClientHello, config: ServerConfig, ems: boolean, serverName: string | null): boolean {
  if (s.version !== "TLSv1.2") return false;
  if (!sessionCurrent(s, config.now().getTime(), config.sessionLifetime)) return false;
  if (!ch.cipherSuites.includes(s.cipherSuite) || !config.cipherSuites.some((c) => isTls12Suite(c) && c.id === s.cipherSuite)) return false;
  if (s.extendedMasterSecret !== ems || s.serverName !== serverName) return false;
  return !(config.clientAuth === "required" && s.peerCertificates.length === 0);
}

/** Whether this handshake ends with a NewSessionTicket: the client asked with the extension. */
export const ticketRequested = (ch: ClientHello, config: ServerConfig): boolean =>
  config.ticketKeys !== null && ch.extensions.has(ExtensionType.SessionTicket);

export const sealTicket = (config: ServerConfig, state: SessionState): Promise<Uint8Array> => sealSession(config.ticketKeys!, state);
