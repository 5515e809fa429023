// A resumable session (RFC 5246 7.3 session ids, RFC 5077 tickets, RFC 8446 2.2 PSKs): what either
// side keeps so that a later handshake can skip the key exchange and the certificates. The same
// state is what a client stores (node:tls's `session` Buffer) and what a server seals into a ticket
// or keeps in its session-id cache; it carries secrets, so it travels only as opaque bytes.
import { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { fromUtf8, utf8 } from "../codec/bytes.js";
import type { GroupName } from "../crypto/provider.js";
import { DecodeError } from "../errors.js";
import type { SignatureSchemeName } from "../msgs/enums.js";
import { groupId, groupName } from "../suites/groups.js";
import { schemeById, schemeByName } from "../suites/signature-schemes.js";
import type { TlsVersionName } from "../suites/versions.js";

export interface SessionState {
  readonly version: TlsVersionName;
  /** IANA code point of the suite the session was established with. */
  readonly cipherSuite: number;
  /** TLS 1.2: the master secret. TLS 1.3: the resumption PSK of one ticket. */
  readonly secret: Uint8Array;
  /** TLS 1.2: whether `secret` is the Extended Master Secret (RFC 7627 5.3 binds resumption to it). */
  readonly extendedMasterSecret: boolean;
  /** The server name the session was established for (the client's SNI), or null. */
  readonly serverName: string | null;
  readonly alpnProtocol: string | null;
  /** The key exchange and the peer's signature of the full handshake that established the session. */
  readonly group: GroupName;
  readonly signatureScheme: SignatureSchemeName;
  /** The peer's chain as verified when the session was established, leaf first. */
  readonly peerCertificates: readonly Uint8Array[];
  /**
   * Client side: until when (ms) the chain's verification holds (its earliest notAfter), and the id of
   * the policy it was verified under; 0 and "" when the connection that made the session did not verify it.
   */
  readonly verifiedUntil: number;
  readonly verifiedUnder: string;
  /** When the session (or its ticket) was issued, in milliseconds since the epoch of the config's clock. */
  readonly createdAt: number;
  /** Seconds the session may be resumed for. */
  readonly lifetime: number;
  /** Client side: the ticket to present (RFC 5077, RFC 8446 4.6.1), empty for a session-id session. */
  readonly ticket: Uint8Array;
  /** Client side, TLS 1.2: the server's session id, empty for a ticket session. */
  readonly sessionId: Uint8Array;
  /** TLS 1.3: ticket_age_add, which obfuscates the ticket age the client reports (RFC 8446 4.6.1). */
  readonly ticketAgeAdd: number;
}

/** The format of encoded sessions; a session in any other format is not resumed. */
const FORMAT = 1;
const VERSION_CODE: Readonly<Record<TlsVersionName, number>> = { "TLSv1.2": 0x0303, "TLSv1.3": 0x0304 };

export function encodeSession(s: SessionState): Uint8Array {
  // The fixed fields, names and ticket are under 600 bytes; the certificates are most of a session.
  const w = new Writer(s.ticket.length + s.peerCertificates.reduce((n, c) => n + 3 + c.length, 600));
  w.u8(FORMAT).u16(VERSION_CODE[s.version]).u16(s.cipherSuite).vec8(s.secret).u8(s.extendedMasterSecret ? 1 : 0);
  w.vec8(utf8(s.serverName ?? "")).vec8(utf8(s.alpnProtocol ?? ""));
  w.u16(groupId(s.group)).u16(schemeByName(s.signatureScheme)!.id);
  w.u32(Math.floor(s.createdAt / 0x100000000)).u32(s.createdAt % 0x100000000).u32(s.lifetime);
  w.vec16(s.ticket).vec8(s.sessionId).u32(s.ticketAgeAdd);
  w.u32(Math.floor(s.verifiedUntil / 0x100000000)).u32(s.verifiedUntil % 0x100000000).vec8(utf8(s.verifiedUnder));
  w.prefixed(3, (x) => s.peerCertificates.forEach((c) => x.vec24(c)));
  return w.finish();
}

/** Decodes bytes from encodeSession(); throws DecodeError on anything else. */
export function decodeSession(bytes: Uint8Array): SessionState {
  const r = new Reader(bytes, "session");
  if (r.u8() !== FORMAT) throw new DecodeError("not a fipstls session (unknown format)");
  const code = r.u16();
  const version = (Object.keys(VERSION_CODE) as TlsVersionName[]).find((v) => VERSION_CODE[v] === code);
  if (version === undefined) throw new DecodeError(`session of unknown version 0x${code.toString(16)}`);
  const cipherSuite = r.u16();
  const secret = r.vec8(1).slice();
  const extendedMasterSecret = r.u8() === 1;
  const serverName = fromUtf8(r.vec8()) || null;
  const alpnProtocol = fromUtf8(r.vec8()) || null;
  const group = groupName(r.u16());
  const scheme = schemeById(r.u16());
  if (group === undefined || scheme === undefined) throw new DecodeError("session names an unknown group or signature scheme");
  const createdAt = r.u32() * 0x100000000 + r.u32();
  const lifetime = r.u32();
  const ticket = r.vec16().slice();
  const sessionId = r.vec8().slice();
  const ticketAgeAdd = r.u32();
  const verifiedUntil = r.u32() * 0x100000000 + r.u32();
  const verifiedUnder = fromUtf8(r.vec8());
  const certs = r.sub24("session certificates");
  const peerCertificates: Uint8Array[] = [];
  while (!certs.atEnd()) peerCertificates.push(certs.vec24(1).slice());
  r.expectEnd();
  return { version, cipherSuite, secret, extendedMasterSecret, serverName, alpnProtocol, group, signatureScheme: scheme.name, peerCertificates, verifiedUntil, verifiedUnder, createdAt, lifetime, ticket, sessionId, ticketAgeAdd };
}

/** Whether `s` may still be resumed at `now` (ms): issued not in the future, and within its lifetime. */
export function sessionCurrent(s: SessionState, now: number, maxLifetimeSeconds = s.lifetime): boolean {
  const lifetimeMs = Math.min(s.lifetime, maxLifetimeSeconds) * 1000;
  return s.createdAt <= now + CLOCK_SKEW_MS && now < s.createdAt + lifetimeMs;
}

/** The verification mark of a chain our config verified (`path`, leaf first), or of one it did not (null). */
export function verificationMark(path: readonly { readonly notAfter: Date }[] | null, policyId: string): Pick<SessionState, "verifiedUntil" | "verifiedUnder"> {
  if (path === null || path.length === 0) return { verifiedUntil: 0, verifiedUnder: "" };
  return { verifiedUntil: Math.min(...path.map((c) => c.notAfter.getTime())), verifiedUnder: policyId };
}

/** Whole seconds left, at `now` (ms), of a lifetime that began at `createdAt`; negative once it has passed. */
export const secondsLeft = (createdAt: number, lifetimeSeconds: number, now: number): number => Math.floor((createdAt + lifetimeSeconds * 1000 - now) / 1000);

/** Clocks of one server's processes (a shared ticket key) may disagree a little. */
const CLOCK_SKEW_MS = 10_000;
