// Sessions as tickets: a server's state sealed under its ticket keys, and opened again. Both TLS 1.2
// (RFC 5077) and TLS 1.3 (RFC 8446 4.6.1) tickets carry the same encoded session.
import { type SessionState, decodeSession, encodeSession } from "./session.js";
import type { TicketKeys } from "./ticket-keys.js";

export const sealSession = (keys: TicketKeys, state: SessionState): Promise<Uint8Array> => keys.seal(encodeSession(state));

/** The session in `ticket`, or null when no key of ours sealed it, or it was sealed in a format this version cannot read. */
export async function openSession(keys: TicketKeys, ticket: Uint8Array): Promise<{ state: SessionState; renew: boolean } | null> {
  const opened = await keys.open(ticket);
  if (opened === null) return null;
  try {
    return { state: decodeSession(opened.plaintext), renew: opened.renew };
  } catch {
    return null;
  }
}
