// The client's side of TLS 1.3 resumption (RFC 8446 4.2.11, 4.6.1): the PSK offered in a ClientHello
// with its ticket age and binder, and the sessions NewSessionTickets hand over after the handshake.
import type { ClientConfig } from "../config/client.js";
import type { HashAlgorithm } from "../crypto/provider.js";
import { concat } from "../codec/bytes.js";
import { HASH_LENGTH } from "../crypto/provider.js";
import type { ClientHelloState, PskOffer } from "../handshake/client-hello.js";
import type { NewSessionTicketMsg } from "../msgs/handshake.js";
import type { SessionState } from "../session/session.js";
import { suiteById } from "../suites/cipher-suites.js";
import { KeySchedule } from "./key-schedule.js";

/**
 * The PSK of the hello's TLS 1.3 session, or null. `transcriptBefore` is what precedes this hello in
 * the transcript (message_hash and HelloRetryRequest after a retry, else nothing); `retryHash` is the
 * hash of the suite a HelloRetryRequest chose: a PSK of another hash may not be offered again.
 */
export function pskOffer(config: ClientConfig, hello: ClientHelloState, transcriptBefore: Uint8Array = new Uint8Array(0), retryHash?: HashAlgorithm): PskOffer | null {
  const session = hello.resuming;
  if (session === null || session.version !== "TLSv1.3") return null;
  const suite = suiteById(session.cipherSuite)!;
  if (retryHash !== undefined && retryHash !== suite.hash) return null;
  const p = config.provider;
  // The age in milliseconds since we received the ticket, hidden by the server's ticket_age_add (mod 2^32).
  const age = Math.max(0, config.now().getTime() - session.createdAt);
  return {
    identity: session.ticket,
    obfuscatedTicketAge: (age + session.ticketAgeAdd) % 0x100000000,
    binderLength: HASH_LENGTH[suite.hash],
    binder: async (truncated) => new KeySchedule(p, suite, session.secret).binder(await p.hash(suite.hash, concat(transcriptBefore, truncated))),
  };
}

/** What a NewSessionTicket needs besides itself to become a session: the handshake it follows. */
export type SessionTemplate = Omit<SessionState, "secret" | "createdAt" | "lifetime" | "ticket" | "ticketAgeAdd">;

/** The session one NewSessionTicket stands for; null for a lifetime of 0, which means "discard" (RFC 8446 4.6.1). */
export async function sessionFromTicket(schedule: KeySchedule, resumptionMasterSecret: Uint8Array, template: SessionTemplate, nst: NewSessionTicketMsg, now: number): Promise<SessionState | null> {
  if (nst.lifetime === 0) return null;
  return {
    ...template,
    secret: await schedule.resumptionPsk(resumptionMasterSecret, nst.nonce),
    createdAt: now,
    lifetime: nst.lifetime,
    ticket: nst.ticket.slice(),
    ticketAgeAdd: nst.ageAdd,
  };
}
