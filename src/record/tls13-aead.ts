// TLS 1.3 record protection (RFC 8446 section 5.2, 5.3): per-record nonce from the static IV and the
// sequence number, the record header as AAD, and the content type hidden inside the ciphertext.
import type { Aead, AeadAlgorithm, CryptoProvider, SyncAead } from "../crypto/provider.js";
import { PeerMisbehaved } from "../errors.js";
import { ContentType } from "../msgs/enums.js";
import { MAX_CIPHERTEXT, MAX_INNER_PLAINTEXT, RECORD_HEADER, RECORDS_PER_KEY_LIMIT } from "./limits.js";
import type { OpenedRecord, RecordProtection, SyncRecordProtection } from "./protection.js";

const TAG_LENGTH = 16;
const TYPE_BYTES = [ContentType.ChangeCipherSpec, ContentType.Alert, ContentType.Handshake, ContentType.ApplicationData].map((t) => new Uint8Array([t]));

/** The key and static IV one traffic secret yields. */
export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

function nonceFor(iv: Uint8Array, seq: number): Uint8Array {
  const nonce = iv.slice();
  // seq stays below 2^53 because keys are rotated long before; write it big-endian into the tail.
  let s = seq;
  for (let i = nonce.length - 1; i >= nonce.length - 8 && s > 0; i--) {
    nonce[i]! ^= s % 256;
    s = Math.floor(s / 256);
  }
  return nonce;
}

/** The outer header of a record whose inner plaintext is `innerLength` bytes; it is also the AAD. */
function writeHeader(out: Uint8Array, at: number, innerLength: number): void {
  const length = innerLength + TAG_LENGTH;
  out[at] = ContentType.ApplicationData;
  out[at + 1] = 0x03;
  out[at + 2] = 0x03;
  out[at + 3] = length >> 8;
  out[at + 4] = length & 0xff;
}

/** The one-byte inner content type, shared rather than allocated per record. */
function typeByte(type: number): Uint8Array {
  return TYPE_BYTES.find((b) => b[0] === type) ?? new Uint8Array([type]);
}

/** The checks a record passes before any decryption work. */
function checkFragment(recordHeader: Uint8Array, fragment: Uint8Array): void {
  // Under TLS 1.3 keys every record is outwardly application_data; the real type is inside.
  if (recordHeader[0] !== ContentType.ApplicationData) {
    throw new PeerMisbehaved("UnprotectedRecordAfterKeyChange", "unexpected_message", `content type ${recordHeader[0]}`);
  }
  if (fragment.length > MAX_CIPHERTEXT) throw new PeerMisbehaved("RecordOverflow", "record_overflow", "ciphertext too long");
  if (fragment.length < TAG_LENGTH + 1) throw new PeerMisbehaved("BadRecordMac", "bad_record_mac", "ciphertext shorter than the AEAD tag");
}

/** TLSInnerPlaintext (content || type || zeros) to the record it carries. */
function unwrapInner(inner: Uint8Array | null): OpenedRecord {
  if (inner === null) throw new PeerMisbehaved("BadRecordMac", "bad_record_mac", "record authentication failed");
  if (inner.length > MAX_INNER_PLAINTEXT) throw new PeerMisbehaved("RecordOverflow", "record_overflow", "inner plaintext exceeds 2^14+1 bytes");
  let end = inner.length - 1;
  while (end >= 0 && inner[end] === 0) end--;
  if (end < 0) throw new PeerMisbehaved("NoContentType", "unexpected_message", "record is all padding");
  return { type: inner[end]!, content: inner.subarray(0, end) };
}

/** Sealing and opening without a promise, over a synchronous AEAD. */
class SyncTls13Protection implements SyncRecordProtection {
  constructor(
    private readonly aead: SyncAead,
    private readonly iv: Uint8Array,
  ) {}

  sealedLength(contentLength: number): number {
    return RECORD_HEADER + contentLength + 1 + TAG_LENGTH;
  }

  sealInto(type: number, content: Uint8Array, seq: number, out: Uint8Array, offset: number): number {
    writeHeader(out, offset, content.length + 1);
    const hdr = out.subarray(offset, offset + RECORD_HEADER);
    return RECORD_HEADER + this.aead.sealInto(nonceFor(this.iv, seq), hdr, [content, typeByte(type)], out, offset + RECORD_HEADER);
  }

  open(recordHeader: Uint8Array, fragment: Uint8Array, seq: number): OpenedRecord {
    checkFragment(recordHeader, fragment);
    return unwrapInner(this.aead.open(nonceFor(this.iv, seq), recordHeader, fragment));
  }
}

export class Tls13AeadProtection implements RecordProtection {
  readonly recordLimit = RECORDS_PER_KEY_LIMIT;
  readonly sync?: SyncRecordProtection;

  private constructor(
    private readonly aead: Aead,
    private readonly iv: Uint8Array,
  ) {
    if (aead.sync) this.sync = new SyncTls13Protection(aead.sync, iv);
  }

  static async create(provider: CryptoProvider, algorithm: AeadAlgorithm, keys: TrafficKeys): Promise<Tls13AeadProtection> {
    return new Tls13AeadProtection(await provider.aead(algorithm, keys.key), keys.iv);
  }

  seal(type: number, content: Uint8Array, seq: number): Promise<Uint8Array> {
    const sync = this.sync;
    if (sync) {
      const out = new Uint8Array(sync.sealedLength(content.length));
      try {
        sync.sealInto(type, content, seq, out, 0);
      } catch (e) {
        return Promise.reject(e);
      }
      return Promise.resolve(out);
    }
    const inner = new Uint8Array(content.length + 1);
    inner.set(content);
    inner[content.length] = type;
    const out = new Uint8Array(RECORD_HEADER + inner.length + TAG_LENGTH);
    writeHeader(out, 0, inner.length);
    return this.aead.seal(nonceFor(this.iv, seq), out.subarray(0, RECORD_HEADER), inner).then((ct) => {
      out.set(ct, RECORD_HEADER);
      return out;
    });
  }

  async open(recordHeader: Uint8Array, fragment: Uint8Array, seq: number): Promise<OpenedRecord> {
    if (this.sync) return this.sync.open(recordHeader, fragment, seq);
    checkFragment(recordHeader, fragment);
    return unwrapInner(await this.aead.open(nonceFor(this.iv, seq), recordHeader, fragment));
  }
}
