// What a handshake negotiated, in the shapes node:tls's TLSSocket accessors return (cipher objects,
// ephemeral key info, authorizationError codes, session tickets), and their argument checks.
import type { NegotiatedInfo } from "../../handshake/info.js";
import { decodeSession } from "../../session/session.js";
import { suiteByName } from "../../suites/cipher-suites.js";

/** getCipher()'s object: OpenSSL's name for the suite, the IANA name, and the protocol version. */
export interface CipherNameAndProtocol {
  name: string;
  standardName: string;
  version: string;
}

/** getEphemeralKeyInfo()'s object on a client. */
export interface EphemeralKeyInfo {
  type: string;
  name?: string;
  /** Absent for the hybrid groups, which node:tls reports as { type: "TLSGroup", name }. */
  size?: number;
}

export function cipherOf(info: NegotiatedInfo): CipherNameAndProtocol {
  // The handshake only negotiates suites from the table, so the lookup cannot miss.
  const suite = suiteByName(info.cipherSuite)!;
  return { name: suite.openSslName, standardName: suite.name, version: info.version };
}

// node:tls names the groups as OpenSSL does (prime256v1), and gives X25519 its 253-bit size. For X25519
// and X448 it reports { type: "ECDH", name: "X25519", size: 253 }, for the ffdhe groups { type: "DH", size: 2048 }
// (checked with node:tls 20, 22 and 24).
const EPHEMERAL_KEYS: Readonly<Record<string, Readonly<EphemeralKeyInfo>>> = {
  secp256r1: { type: "ECDH", name: "prime256v1", size: 256 },
  secp384r1: { type: "ECDH", name: "secp384r1", size: 384 },
  secp521r1: { type: "ECDH", name: "secp521r1", size: 521 },
  x25519: { type: "ECDH", name: "X25519", size: 253 },
  x448: { type: "ECDH", name: "X448", size: 448 },
  ffdhe2048: { type: "DH", size: 2048 },
  ffdhe3072: { type: "DH", size: 3072 },
  ffdhe4096: { type: "DH", size: 4096 },
  ffdhe6144: { type: "DH", size: 6144 },
  ffdhe8192: { type: "DH", size: 8192 },
};

export function ephemeralKeyInfo(info: NegotiatedInfo): EphemeralKeyInfo {
  const known = EPHEMERAL_KEYS[info.group];
  // A fresh object each call, so a caller that edits it cannot change the table.
  return known ? { ...known } : { type: "TLSGroup", name: info.group };
}

/** node:tls puts its (OpenSSL's) code in authorizationError: so do we; the precise check stays in authorizationFailure.reason. */
export function authorizationErrorCode(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : err.message;
}

/** The ticket inside an encoded session, if the server issued one. */
export function ticketOf(session: Uint8Array): Buffer | undefined {
  const ticket = decodeSession(session).ticket;
  return ticket.length > 0 ? Buffer.from(ticket) : undefined;
}

/** Rejects exportKeyingMaterial() arguments as node:tls does, before any handshake state is looked at. */
export function checkExporterArguments(length: number, label: string, context: Uint8Array | undefined): void {
  if (!Number.isInteger(length) || length <= 0 || length > 255 * 64) throw new RangeError("length must be an integer from 1 to 16320");
  if (typeof label !== "string") throw new TypeError("label must be a string");
  if (context !== undefined && !(context instanceof Uint8Array)) throw new TypeError("context must be a Buffer or Uint8Array");
}
