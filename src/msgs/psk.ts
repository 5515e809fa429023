// The pre_shared_key and psk_key_exchange_modes extensions (RFC 8446 sections 4.2.9, 4.2.11): the
// client's offered identities and binders, the server's selected identity, and where the binders
// begin, since each binder covers the ClientHello up to (not including) the binders list.
import { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { PeerMisbehaved } from "../errors.js";

/** PskKeyExchangeMode (RFC 8446 4.2.9). fipstls uses psk_dhe_ke only: resumption keeps forward secrecy. */
export const PskKeyExchangeMode = { psk_ke: 0, psk_dhe_ke: 1 } as const;

export interface PskIdentity {
  readonly identity: Uint8Array;
  readonly obfuscatedTicketAge: number;
}

export interface OfferedPsks {
  readonly identities: readonly PskIdentity[];
  readonly binders: readonly Uint8Array[];
}

/** The length of the binders list as it ends a ClientHello: its 2-byte prefix and each 1-byte-prefixed binder. */
export const bindersLength = (binders: readonly Uint8Array[]): number => 2 + binders.reduce((n, b) => n + 1 + b.length, 0);

export function encodeOfferedPsks(o: OfferedPsks): Uint8Array {
  const w = new Writer();
  w.prefixed(2, (x) => o.identities.forEach((i) => x.vec16(i.identity).u32(i.obfuscatedTicketAge)));
  w.prefixed(2, (x) => o.binders.forEach((b) => x.vec8(b)));
  return w.finish();
}

export function decodeOfferedPsks(data: Uint8Array): OfferedPsks {
  const r = new Reader(data, "pre_shared_key");
  const ids = r.sub16("PSK identities", 7);
  const identities: PskIdentity[] = [];
  while (!ids.atEnd()) identities.push({ identity: ids.vec16(1), obfuscatedTicketAge: ids.u32() });
  const list = r.sub16("PSK binders", 33);
  const binders: Uint8Array[] = [];
  while (!list.atEnd()) binders.push(list.vec8(32));
  r.expectEnd();
  // RFC 8446 4.2.11: one binder per identity.
  if (binders.length !== identities.length) throw new PeerMisbehaved("PskBinderCountMismatch", "illegal_parameter", `${identities.length} identities, ${binders.length} binders`);
  return { identities, binders };
}

export const encodeSelectedIdentity = (index: number): Uint8Array => new Writer().u16(index).finish();

export function decodeSelectedIdentity(data: Uint8Array): number {
  const r = new Reader(data, "pre_shared_key");
  const index = r.u16();
  r.expectEnd();
  return index;
}

export const encodePskModes = (modes: readonly number[]): Uint8Array => new Writer().vec8(new Uint8Array(modes)).finish();

export function decodePskModes(data: Uint8Array): Uint8Array {
  const r = new Reader(data, "psk_key_exchange_modes");
  const modes = r.vec8(1);
  r.expectEnd();
  return modes;
}
