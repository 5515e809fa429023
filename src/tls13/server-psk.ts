// The server's side of TLS 1.3 resumption (RFC 8446 4.2.11, 4.6.1): which offered PSK, if any, it
// accepts, and the NewSessionTickets it issues after a handshake. A ticket is accepted only when
// nothing that made its session acceptable has changed: a suite of the same hash that our config
// (hence the policy) still enables, the same server name, a client certificate where one is now
// required, and within its lifetime; anything else is a full handshake, never an error. A binder
// that does not verify is an error (decrypt_error): the client holds a ticket it cannot use.
import type { ServerConfig } from "../config/server.js";
import { concat, equalBytes } from "../codec/bytes.js";
import { PeerMisbehaved } from "../errors.js";
import { ExtensionType, HandshakeType } from "../msgs/enums.js";
import { type HandshakeMessage, encodeNewSessionTicket, frameHandshake } from "../msgs/handshake.js";
import { Extensions } from "../msgs/extensions.js";
import type { ClientHello } from "../msgs/hello.js";
import { PskKeyExchangeMode, bindersLength, decodeOfferedPsks, decodePskModes } from "../msgs/psk.js";
import { type SessionState, secondsLeft, sessionCurrent } from "../session/session.js";
import { openSession, sealSession } from "../session/tickets.js";
import { type Tls13Suite, suiteById } from "../suites/cipher-suites.js";
import { KeySchedule } from "./key-schedule.js";

/** Tickets tried per ClientHello: each costs an AEAD open before the client has proved anything. */
const MAX_IDENTITIES_TRIED = 4;

/** RFC 8446 4.2.11 and 4.2.9: pre_shared_key comes last, and never without psk_key_exchange_modes. */
export function checkPskPlacement(ch: ClientHello): void {
  if (!ch.extensions.has(ExtensionType.PreSharedKey)) return;
  const list = ch.extensions.list;
  if (list[list.length - 1]!.type !== ExtensionType.PreSharedKey) throw new PeerMisbehaved("PreSharedKeyNotLast", "illegal_parameter");
  if (!ch.extensions.has(ExtensionType.PskKeyExchangeModes)) throw new PeerMisbehaved("MissingPskKeyExchangeModes", "missing_extension");
}

/** Whether the client takes psk_dhe_ke resumption, the only kind we offer: else no tickets are worth sending. */
export function clientTakesTickets(ch: ClientHello): boolean {
  const modes = ch.extensions.get(ExtensionType.PskKeyExchangeModes);
  return modes !== undefined && decodePskModes(modes).includes(PskKeyExchangeMode.psk_dhe_ke);
}

export interface AcceptedPsk {
  readonly index: number;
  readonly state: SessionState;
}

/**
 * The PSK to resume with, binder verified, or null for a full handshake. `transcriptBefore` is what
 * precedes this ClientHello in the transcript (after a HelloRetryRequest: message_hash and the HRR).
 */
export async function acceptPsk(ch: ClientHello, chMsg: HandshakeMessage, transcriptBefore: Uint8Array, config: ServerConfig, suite: Tls13Suite, serverName: string | null): Promise<AcceptedPsk | null> {
  const data = ch.extensions.get(ExtensionType.PreSharedKey);
  if (data === undefined || config.ticketKeys === null || !clientTakesTickets(ch)) return null;
  const offered = decodeOfferedPsks(data);
  const now = config.now().getTime();
  for (let index = 0; index < Math.min(offered.identities.length, MAX_IDENTITIES_TRIED); index++) {
    const identity = offered.identities[index]!;
    const state = (await openSession(config.ticketKeys, identity.identity))?.state;
    if (state === undefined || !acceptable(state, config, suite, serverName, now)) continue;
    // The age the client reports (ms, mod 2^32) may not pass the lifetime it was told (RFC 8446 4.6.1).
    const reportedAge = (identity.obfuscatedTicketAge - state.ticketAgeAdd + 0x100000000) % 0x100000000;
    if (reportedAge > state.lifetime * 1000) continue;
    const truncated = chMsg.raw.subarray(0, chMsg.raw.length - bindersLength(offered.binders));
    const p = config.provider;
    const expected = await new KeySchedule(p, suite, state.secret).binder(await p.hash(suite.hash, concat(transcriptBefore, truncated)));
    if (!equalBytes(expected, offered.binders[index]!)) throw new PeerMisbehaved("PskBinderDoesNotVerify", "decrypt_error");
    return { index, state };
  }
  return null;
}

function acceptable(s: SessionState, config: ServerConfig, suite: Tls13Suite, serverName: string | null, now: number): boolean {
  if (s.version !== "TLSv1.3" || suiteById(s.cipherSuite)?.hash !== suite.hash) return false;
  if (!sessionCurrent(s, now, config.sessionLifetime) || s.serverName !== serverName) return false;
  return !(config.clientAuth === "required" && s.peerCertificates.length === 0);
}

/**
 * The NewSessionTickets, framed, for the server to send after the handshake: config.tls13Tickets after
 * a full handshake, one at most after a resumption (as OpenSSL: the client holds tickets already, and
 * each costs a seal). A resumed session keeps its first handshake's creation time, so resuming never
 * extends the life of what that handshake authenticated.
 */
export async function makeTickets(
  config: ServerConfig,
  schedule: KeySchedule,
  resumptionMasterSecret: Uint8Array,
  session: Omit<SessionState, "secret" | "ticketAgeAdd">,
  resumed: boolean,
): Promise<Uint8Array[]> {
  const p = config.provider;
  const remaining = secondsLeft(session.createdAt, config.sessionLifetime, config.now().getTime());
  const keys = config.ticketKeys;
  if (keys === null || remaining <= 0) return [];
  const count = resumed ? Math.min(1, config.tls13Tickets) : config.tls13Tickets;
  // Made side by side: with an asynchronous provider each ticket is two trips to the thread pool, and
  // the client's Finished may already be waiting for them.
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const nonce = new Uint8Array([i]);
      const ageAdd = new DataView(p.random(4).buffer).getUint32(0);
      const state: SessionState = { ...session, secret: await schedule.resumptionPsk(resumptionMasterSecret, nonce), ticketAgeAdd: ageAdd };
      const ticket = await sealSession(keys, state);
      return frameHandshake(HandshakeType.NewSessionTicket, encodeNewSessionTicket({ lifetime: remaining, ageAdd, nonce, ticket, extensions: new Extensions([]) }));
    }),
  );
}
