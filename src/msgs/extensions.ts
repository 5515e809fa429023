// Extension blocks and the codecs of the extensions TLS 1.3 needs (RFC 8446 section 4.2, RFC 6066,
// RFC 7301). Decoders validate the RFC's length bounds; bad encodings are decode_error.
import { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { DecodeError, PeerMisbehaved } from "../errors.js";
import { fromUtf8, utf8 } from "../codec/bytes.js";

export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

/** Extensions in wire order, plus a lookup that knows each type occurs at most once. */
export class Extensions {
  private readonly byType = new Map<number, Uint8Array>();
  constructor(readonly list: readonly Extension[]) {
    for (const e of list) {
      if (this.byType.has(e.type)) throw new PeerMisbehaved("DuplicateExtension", "illegal_parameter", `type ${e.type}`);
      this.byType.set(e.type, e.data);
    }
  }
  get(type: number): Uint8Array | undefined {
    return this.byType.get(type);
  }
  has(type: number): boolean {
    return this.byType.has(type);
  }
  types(): number[] {
    return this.list.map((e) => e.type);
  }
}

export function readExtensions(r: Reader, what: string): Extensions {
  const block = r.sub16(`${what} extensions`);
  const list: Extension[] = [];
  while (!block.atEnd()) {
    const type = block.u16();
    list.push({ type, data: block.vec16() });
  }
  return new Extensions(list);
}

/** The bytes writeExtensions() writes for `list`: a Writer's capacity for a message made of them. */
export const extensionsLength = (list: readonly Extension[]): number => list.reduce((n, e) => n + 4 + e.data.length, 2);

export function writeExtensions(w: Writer, list: readonly Extension[]): void {
  w.prefixed(2, (x) => {
    for (const e of list) x.u16(e.type).vec16(e.data);
  });
}

/** Runs `decode` over an extension body and requires it to consume every byte. */
export function decodeExtension<T>(data: Uint8Array, what: string, decode: (r: Reader) => T): T {
  const r = new Reader(data, what);
  const v = decode(r);
  r.expectEnd();
  return v;
}

const build = (f: (w: Writer) => void): Uint8Array => {
  const w = new Writer();
  f(w);
  return w.finish();
};

// server_name (RFC 6066 section 3)
export function encodeServerName(host: string): Uint8Array {
  return build((w) => w.prefixed(2, (x) => x.u8(0).vec16(utf8(host))));
}

export function decodeServerName(data: Uint8Array): string | undefined {
  return decodeExtension(data, "server_name", (r) => {
    const list = r.sub16("server_name list", 1);
    let host: string | undefined;
    while (!list.atEnd()) {
      const type = list.u8();
      const name = list.vec16(1);
      if (type !== 0) continue;
      if (host !== undefined) throw new PeerMisbehaved("DuplicateServerName", "illegal_parameter");
      // RFC 6066: ASCII host name without trailing dot; anything else is illegal.
      if (!name.every((c) => c >= 0x21 && c <= 0x7e)) throw new PeerMisbehaved("InvalidServerName", "illegal_parameter");
      host = fromUtf8(name);
    }
    return host;
  });
}

export const encodeU16List = (values: readonly number[]): Uint8Array =>
  build((w) => w.prefixed(2, (x) => values.forEach((v) => x.u16(v))));

export const decodeU16List = (data: Uint8Array, what: string, min = 2): number[] =>
  decodeExtension(data, what, (r) => r.u16List(what, min));

// supported_versions (RFC 8446 section 4.2.1)
export const encodeSupportedVersionsClient = (versions: readonly number[]): Uint8Array =>
  build((w) => w.prefixed(1, (x) => versions.forEach((v) => x.u16(v))));

export function decodeSupportedVersionsClient(data: Uint8Array): number[] {
  return decodeExtension(data, "supported_versions", (r) => {
    const list = r.sub8("supported_versions", 2);
    if (list.remaining % 2 !== 0) throw new DecodeError("supported_versions has odd length");
    const out: number[] = [];
    while (!list.atEnd()) out.push(list.u16());
    return out;
  });
}

export const encodeU16 = (v: number): Uint8Array => build((w) => w.u16(v));
export const decodeU16 = (data: Uint8Array, what: string): number => decodeExtension(data, what, (r) => r.u16());

// record_size_limit (RFC 8449): the largest protected plaintext the sender will receive, TLS 1.3's
// content type and padding included.
export const encodeRecordSizeLimit = (limit: number): Uint8Array => new Uint8Array([limit >> 8, limit & 0xff]);

export function decodeRecordSizeLimit(data: Uint8Array): number {
  const limit = decodeU16(data, "record_size_limit");
  // RFC 8449 4: a value below 64 MUST be a fatal illegal_parameter; larger than the protocol allows is not an error.
  if (limit < 64) throw new PeerMisbehaved("RecordSizeLimitTooSmall", "illegal_parameter", `record_size_limit ${limit}`);
  return limit;
}

// key_share (RFC 8446 section 4.2.8)
export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

export const encodeKeyShareClient = (entries: readonly KeyShareEntry[]): Uint8Array =>
  build((w) => w.prefixed(2, (x) => entries.forEach((e) => x.u16(e.group).vec16(e.keyExchange))));

export function decodeKeyShareClient(data: Uint8Array): KeyShareEntry[] {
  return decodeExtension(data, "key_share", (r) => {
    const list = r.sub16("client_shares");
    const out: KeyShareEntry[] = [];
    const seen = new Set<number>();
    while (!list.atEnd()) {
      const group = list.u16();
      const keyExchange = list.vec16(1);
      // RFC 8446 4.2.8: clients MUST NOT offer multiple shares for one group.
      if (seen.has(group)) throw new PeerMisbehaved("DuplicateKeyShare", "illegal_parameter");
      seen.add(group);
      out.push({ group, keyExchange });
    }
    return out;
  });
}

export const encodeKeyShareServer = (e: KeyShareEntry): Uint8Array => build((w) => w.u16(e.group).vec16(e.keyExchange));

export const decodeKeyShareServer = (data: Uint8Array): KeyShareEntry =>
  decodeExtension(data, "key_share", (r) => ({ group: r.u16(), keyExchange: r.vec16(1) }));

// application_layer_protocol_negotiation (RFC 7301)
export const encodeAlpn = (protocols: readonly string[]): Uint8Array =>
  build((w) => w.prefixed(2, (x) => protocols.forEach((p) => x.vec8(utf8(p)))));

export function decodeAlpn(data: Uint8Array): string[] {
  return decodeExtension(data, "application_layer_protocol_negotiation", (r) => {
    const list = r.sub16("protocol_name_list", 2);
    const out: string[] = [];
    while (!list.atEnd()) {
      const name = list.vec8(1);
      try {
        out.push(fromUtf8(name));
      } catch {
        // Non-UTF-8 protocol names exist (GREASE); keep them comparable but unmatchable.
        out.push(`\u0000${Array.from(name).join(",")}`);
      }
    }
    return out;
  });
}

// cookie (RFC 8446 section 4.2.2)
export const encodeCookie = (cookie: Uint8Array): Uint8Array => build((w) => w.vec16(cookie));
export const decodeCookie = (data: Uint8Array): Uint8Array => decodeExtension(data, "cookie", (r) => r.vec16(1));
