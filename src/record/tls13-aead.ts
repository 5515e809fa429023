// TLS 1.3 record protection (RFC 8446 section 5.2, 5.3): per-record nonce from the static IV and the
// sequence number, the record header as AAD, and the content type hidden inside the ciphertext.
import type { Aead, AeadAlgorithm, CryptoProvider } from "../crypto/provider.js";
import { PeerMisbehaved } from "../errors.js";
import { ContentType } from "../msgs/enums.js";
import { MAX_CIPHERTEXT, MAX_INNER_PLAINTEXT, RECORD_HEADER, RECORDS_PER_KEY_LIMIT } from "./limits.js";
import type { OpenedRecord, RecordProtection } from "./protection.js";

const TAG_LENGTH = 16;

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

function header(length: number): Uint8Array {
  return new Uint8Array([ContentType.ApplicationData, 0x03, 0x03, length >> 8, length & 0xff]);
}

export class Tls13AeadProtection implements RecordProtection {
  readonly recordLimit = RECORDS_PER_KEY_LIMIT;
  private constructor(
    private readonly aead: Aead,
    private readonly iv: Uint8Array,
  ) {}

  static async create(provider: CryptoProvider, algorithm: AeadAlgorithm, keys: TrafficKeys): Promise<Tls13AeadProtection> {
    return new Tls13AeadProtection(await provider.aead(algorithm, keys.key), keys.iv);
  }

  seal(type: number, content: Uint8Array, seq: number, padding = 0): Promise<Uint8Array> {
    const inner = new Uint8Array(content.length + 1 + padding);
    inner.set(content);
    inner[content.length] = type;
    const hdr = header(inner.length + TAG_LENGTH);
    return this.aead.seal(nonceFor(this.iv, seq), hdr, inner).then((ct) => {
      const out = new Uint8Array(RECORD_HEADER + ct.length);
      out.set(hdr);
      out.set(ct, RECORD_HEADER);
      return out;
    });
  }

  async open(recordHeader: Uint8Array, fragment: Uint8Array, seq: number): Promise<OpenedRecord> {
    // Under TLS 1.3 keys every record is outwardly application_data; the real type is inside.
    if (recordHeader[0] !== ContentType.ApplicationData) {
      throw new PeerMisbehaved("UnprotectedRecordAfterKeyChange", "unexpected_message", `content type ${recordHeader[0]}`);
    }
    if (fragment.length > MAX_CIPHERTEXT) throw new PeerMisbehaved("RecordOverflow", "record_overflow", "ciphertext too long");
    if (fragment.length < TAG_LENGTH + 1) throw new PeerMisbehaved("BadRecordMac", "bad_record_mac", "ciphertext shorter than the AEAD tag");
    const inner = await this.aead.open(nonceFor(this.iv, seq), recordHeader, fragment);
    if (inner === null) throw new PeerMisbehaved("BadRecordMac", "bad_record_mac", "record authentication failed");
    if (inner.length > MAX_INNER_PLAINTEXT) throw new PeerMisbehaved("RecordOverflow", "record_overflow", "inner plaintext exceeds 2^14+1 bytes");
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) throw new PeerMisbehaved("NoContentType", "unexpected_message", "record is all padding");
    return { type: inner[end]!, content: inner.subarray(0, end) };
  }
}
