// ClientHello and ServerHello / HelloRetryRequest (RFC 8446 sections 4.1.2, 4.1.3, 4.1.4).
import { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { equalBytes, fromHex } from "../codec/bytes.js";
import { PeerMisbehaved } from "../errors.js";
import { type Extension, Extensions, extensionsLength, readExtensions, writeExtensions } from "./extensions.js";

export interface ClientHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly legacySessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: Uint8Array;
  readonly extensions: Extensions;
}

export function encodeClientHello(m: {
  random: Uint8Array;
  legacySessionId: Uint8Array;
  cipherSuites: readonly number[];
  extensions: readonly Extension[];
}): Uint8Array {
  const w = new Writer(2 + 32 + 1 + m.legacySessionId.length + 2 + 2 * m.cipherSuites.length + 2 + extensionsLength(m.extensions));
  w.u16(0x0303).bytes(m.random).vec8(m.legacySessionId);
  w.prefixed(2, (x) => m.cipherSuites.forEach((s) => x.u16(s)));
  w.vec8(new Uint8Array([0]));
  writeExtensions(w, m.extensions);
  return w.finish();
}

export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new Reader(body, "ClientHello");
  const legacyVersion = r.u16();
  const random = r.bytesN(32);
  const legacySessionId = r.vec8();
  if (legacySessionId.length > 32) throw new PeerMisbehaved("SessionIdTooLong", "illegal_parameter");
  const cipherSuites = r.u16List("cipher_suites", 2);
  const compressionMethods = r.vec8(1);
  // Extensions are optional in pre-1.3 hellos; TLS 1.3 logic requires supported_versions later.
  const extensions = r.atEnd() ? new Extensions([]) : readExtensions(r, "ClientHello");
  r.expectEnd();
  return { legacyVersion, random, legacySessionId, cipherSuites, compressionMethods, extensions };
}

/** SHA-256("HelloRetryRequest"), the fixed random that marks an HRR (RFC 8446 section 4.1.3). */
export const HRR_RANDOM = fromHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

/** The last eight bytes of a TLS 1.3 server's random when it negotiates TLS 1.2, or 1.1 and below (RFC 8446 4.1.3). */
export const DOWNGRADE_TLS12 = fromHex("444f574e47524401");
export const DOWNGRADE_TLS11 = fromHex("444f574e47524400");

/** The downgrade a ServerHello.random announces, or null. */
export function downgradeMarker(random: Uint8Array): "tls12" | "tls11" | null {
  const tail = random.subarray(24);
  return random.length !== 32 ? null : equalBytes(tail, DOWNGRADE_TLS12) ? "tls12" : equalBytes(tail, DOWNGRADE_TLS11) ? "tls11" : null;
}

export interface ServerHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly legacySessionIdEcho: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: Extensions;
  readonly isHelloRetryRequest: boolean;
}

export function encodeServerHello(m: {
  random: Uint8Array;
  legacySessionIdEcho: Uint8Array;
  cipherSuite: number;
  extensions: readonly Extension[];
}): Uint8Array {
  const w = new Writer(2 + 32 + 1 + m.legacySessionIdEcho.length + 3 + extensionsLength(m.extensions));
  w.u16(0x0303).bytes(m.random).vec8(m.legacySessionIdEcho).u16(m.cipherSuite).u8(0);
  writeExtensions(w, m.extensions);
  return w.finish();
}

export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new Reader(body, "ServerHello");
  const legacyVersion = r.u16();
  const random = r.bytesN(32);
  const legacySessionIdEcho = r.vec8();
  if (legacySessionIdEcho.length > 32) throw new PeerMisbehaved("SessionIdTooLong", "illegal_parameter");
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  const extensions = r.atEnd() ? new Extensions([]) : readExtensions(r, "ServerHello");
  r.expectEnd();
  return {
    legacyVersion,
    random,
    legacySessionIdEcho,
    cipherSuite,
    compressionMethod,
    extensions,
    isHelloRetryRequest: equalBytes(random, HRR_RANDOM),
  };
}
