// Handshake framing and the post-hello TLS 1.3 messages (RFC 8446 section 4).
import { concat } from "../codec/bytes.js";
import { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { DecodeError, PeerMisbehaved } from "../errors.js";
import { type Extension, Extensions, extensionsLength, readExtensions, writeExtensions } from "./extensions.js";
import { HandshakeType, handshakeTypeName } from "./enums.js";

export interface HandshakeMessage {
  readonly type: number;
  readonly body: Uint8Array;
  /** The full encoding (header + body), as it enters the transcript. */
  readonly raw: Uint8Array;
}

/** `msg` when it is of `type`; otherwise the peer sent the wrong message here (unexpected_message). */
export function expectType(msg: HandshakeMessage, type: number): HandshakeMessage {
  if (msg.type !== type) {
    throw new PeerMisbehaved("UnexpectedMessage", "unexpected_message", `expected ${handshakeTypeName(type)}, got ${handshakeTypeName(msg.type)}`);
  }
  return msg;
}

/** Handshake header (type, 24-bit length) and body, in one allocation: messages run up to certificate chains. */
export function frameHandshake(type: number, body: Uint8Array): Uint8Array {
  if (body.length >= 2 ** 24) throw new RangeError(`handshake body of ${body.length} bytes exceeds a 3-byte length`);
  const out = new Uint8Array(4 + body.length);
  out[0] = type;
  out[1] = body.length >>> 16;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, 4);
  return out;
}

export const encodeEncryptedExtensions = (extensions: readonly Extension[]): Uint8Array => {
  const w = new Writer(extensionsLength(extensions));
  writeExtensions(w, extensions);
  return w.finish();
};

export function decodeEncryptedExtensions(body: Uint8Array): Extensions {
  const r = new Reader(body, "EncryptedExtensions");
  const ext = readExtensions(r, "EncryptedExtensions");
  r.expectEnd();
  return ext;
}

export interface CertificateEntry {
  readonly data: Uint8Array;
  readonly extensions: Extensions;
}

export interface CertificateMsg {
  readonly context: Uint8Array;
  readonly entries: readonly CertificateEntry[];
}

/** `leafExtensions` go in the first entry (a stapled OCSP response, RFC 8446 4.4.2.1). */
export function encodeCertificate(context: Uint8Array, chain: readonly Uint8Array[], leafExtensions: readonly Extension[] = []): Uint8Array {
  // The exact size: context, list length, and per entry the DER with its length and its extensions.
  const entries = chain.reduce((n, der, i) => n + 3 + der.length + extensionsLength(i === 0 ? leafExtensions : []), 0);
  const w = new Writer(1 + context.length + 3 + entries).vec8(context);
  w.prefixed(3, (x) => {
    chain.forEach((der, i) => {
      x.vec24(der);
      writeExtensions(x, i === 0 ? leafExtensions : []);
    });
  });
  return w.finish();
}

export function decodeCertificate(body: Uint8Array, maxEntries: number): CertificateMsg {
  const r = new Reader(body, "Certificate");
  const context = r.vec8();
  const list = r.sub24("certificate_list");
  const entries: CertificateEntry[] = [];
  while (!list.atEnd()) {
    if (entries.length >= maxEntries) {
      throw new PeerMisbehaved("TooManyCertificates", "bad_certificate", `more than ${maxEntries}`);
    }
    const data = list.vec24(1);
    entries.push({ data, extensions: readExtensions(list, "CertificateEntry") });
  }
  r.expectEnd();
  return { context, entries };
}

export interface CertificateRequestMsg {
  readonly context: Uint8Array;
  readonly extensions: Extensions;
}

export function decodeCertificateRequest(body: Uint8Array): CertificateRequestMsg {
  const r = new Reader(body, "CertificateRequest");
  const context = r.vec8();
  const extensions = readExtensions(r, "CertificateRequest");
  r.expectEnd();
  return { context, extensions };
}

export function encodeCertificateRequest(context: Uint8Array, extensions: readonly Extension[]): Uint8Array {
  const w = new Writer().vec8(context);
  writeExtensions(w, extensions);
  return w.finish();
}

export interface CertificateVerifyMsg {
  readonly scheme: number;
  readonly signature: Uint8Array;
}

export const encodeCertificateVerify = (m: CertificateVerifyMsg): Uint8Array =>
  new Writer().u16(m.scheme).vec16(m.signature).finish();

export function decodeCertificateVerify(body: Uint8Array): CertificateVerifyMsg {
  const r = new Reader(body, "CertificateVerify");
  const scheme = r.u16();
  const signature = r.vec16();
  r.expectEnd();
  return { scheme, signature };
}

export interface NewSessionTicketMsg {
  readonly lifetime: number;
  readonly ageAdd: number;
  readonly nonce: Uint8Array;
  readonly ticket: Uint8Array;
  readonly extensions: Extensions;
}

export function decodeNewSessionTicket(body: Uint8Array): NewSessionTicketMsg {
  const r = new Reader(body, "NewSessionTicket");
  const lifetime = r.u32();
  const ageAdd = r.u32();
  const nonce = r.vec8();
  const ticket = r.vec16(1);
  const extensions = readExtensions(r, "NewSessionTicket");
  r.expectEnd();
  // RFC 8446 4.6.1: lifetimes over seven days are illegal.
  if (lifetime > 604800) throw new PeerMisbehaved("TicketLifetimeTooLong", "illegal_parameter");
  return { lifetime, ageAdd, nonce, ticket, extensions };
}

export function encodeNewSessionTicket(m: NewSessionTicketMsg): Uint8Array {
  const w = new Writer(8 + 1 + m.nonce.length + 2 + m.ticket.length + extensionsLength(m.extensions.list)).u32(m.lifetime).u32(m.ageAdd).vec8(m.nonce).vec16(m.ticket);
  writeExtensions(w, m.extensions.list);
  return w.finish();
}

/**
 * Finished (RFC 8446 4.4.4): verify_data is exactly Hash.length bytes. A truncated or over-long one does not
 * parse, which is decode_error (RFC 8446 6), as tlsfuzzer's test-tls13-finished expects; only a Finished of
 * the right length that does not verify is decrypt_error.
 */
export function decodeFinished(body: Uint8Array, hashLength: number): Uint8Array {
  if (body.length !== hashLength) throw new DecodeError(`Finished of ${body.length} bytes, verify_data is ${hashLength}`);
  return body;
}

export function decodeKeyUpdate(body: Uint8Array): boolean {
  const r = new Reader(body, "KeyUpdate");
  const request = r.u8();
  r.expectEnd();
  if (request > 1) throw new PeerMisbehaved("InvalidKeyUpdateRequest", "illegal_parameter");
  return request === 1;
}

export const encodeKeyUpdate = (requestUpdate: boolean): Uint8Array =>
  frameHandshake(HandshakeType.KeyUpdate, new Uint8Array([requestUpdate ? 1 : 0]));

/** The longest body of handshake types whose size is fixed: Finished (verify_data of SHA-512 at most, TLS 1.2's 12 bytes), KeyUpdate. */
const FIXED_MAX_BODY: Readonly<Record<number, number>> = { [HandshakeType.Finished]: 64, [HandshakeType.KeyUpdate]: 1 };

/**
 * Splits a stream of handshake bytes into messages, however the records cut them. Linear in the bytes
 * pushed: fragments of an incomplete message are kept as a list and joined once, when it completes.
 * Bounded: a message declaring more than `maxMessageSize` bytes is refused before it is buffered, and
 * one message may arrive in at most `maxFragments` pieces (1-byte records cost a record's overhead each).
 */
export class HandshakeJoiner {
  private parts: Uint8Array[] = [];
  private buffered = 0;
  /** Body length of the message being joined, once its header is complete; else -1. */
  private bodyLength = -1;
  constructor(
    private readonly maxMessageSize: number,
    private readonly maxFragments = 2048,
  ) {}

  get isEmpty(): boolean {
    return this.buffered === 0;
  }

  push(fragment: Uint8Array): HandshakeMessage[] {
    if (fragment.length === 0) return [];
    let data = fragment;
    if (this.buffered > 0) {
      if (this.parts.length >= this.maxFragments) {
        throw new PeerMisbehaved("TooManyHandshakeFragments", "unexpected_message", `a handshake message in more than ${this.maxFragments} records`);
      }
      this.parts.push(fragment);
      this.buffered += fragment.length;
      if (this.bodyLength < 0) this.bodyLength = this.pendingBodyLength();
      if (this.bodyLength < 0 || this.buffered < 4 + this.bodyLength) return [];
      data = concat(...this.parts);
      this.parts = [];
      this.buffered = 0;
      this.bodyLength = -1;
    }
    const out: HandshakeMessage[] = [];
    let at = 0;
    while (data.length - at >= 4) {
      const length = this.checkedLength(data[at]!, (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!);
      if (data.length - at < 4 + length) break;
      const raw = data.subarray(at, at + 4 + length);
      out.push({ type: raw[0]!, body: raw.subarray(4), raw });
      at += 4 + length;
    }
    if (at < data.length) {
      this.parts = [data.subarray(at)];
      this.buffered = data.length - at;
    }
    return out;
  }

  /** Body length of the message being joined, or -1 while its 4-byte header is incomplete. */
  private pendingBodyLength(): number {
    if (this.buffered < 4) return -1;
    const header = new Uint8Array(4);
    let filled = 0;
    for (const part of this.parts) {
      const n = Math.min(part.length, 4 - filled);
      header.set(part.subarray(0, n), filled);
      filled += n;
      if (filled === 4) break;
    }
    return this.checkedLength(header[0]!, (header[1]! << 16) | (header[2]! << 8) | header[3]!);
  }

  private checkedLength(type: number, length: number): number {
    // A message of a fixed-size type that is longer than the type allows cannot parse: decode_error
    // (RFC 8446 6), refused from its header, e.g. a Finished padded to 2^17 bytes (tlsfuzzer's
    // test-tls13-finished expects decode_error; OpenSSL also caps each type's length).
    const fixed = FIXED_MAX_BODY[type];
    if (fixed !== undefined && length > fixed) throw new DecodeError(`${handshakeTypeName(type)} of ${length} bytes, at most ${fixed}`);
    if (length > this.maxMessageSize) throw new PeerMisbehaved("HandshakeMessageTooLarge", "unexpected_message", `${length} bytes`);
    return length;
  }
}
