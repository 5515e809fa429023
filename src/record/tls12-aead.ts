// TLS 1.2 AEAD record protection (RFC 5246 section 6.2.3.3): the content type stays in the clear, there
// is no inner type and no padding, and the sequence number, type, version and plaintext length form the
// additional data. AES-GCM (RFC 5288) carries an 8-byte explicit nonce in each record after a 4-byte
// salt from the key block; ChaCha20-Poly1305 (RFC 7905) XORs the sequence number into a 12-byte IV.
import type { Aead, AeadAlgorithm, CryptoProvider, SyncAead } from "../crypto/provider.js";
import { AEAD_KEY_LENGTH } from "../crypto/provider.js";
import { PeerMisbehaved } from "../errors.js";
import { MAX_PLAINTEXT, RECORDS_PER_KEY_LIMIT, RECORD_HEADER } from "./limits.js";
import type { OpenedRecord, RecordProtection, SyncRecordProtection } from "./protection.js";

const TAG_LENGTH = 16;
const NONCE_LENGTH = 12;
/** RFC 5246 section 6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048. */
export const MAX_TLS12_CIPHERTEXT = MAX_PLAINTEXT + 2048;
const AAD_LENGTH = 13;

/** The write key and the implicit (fixed) IV one side takes from the key block. */
export interface Tls12WriteKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

interface Shape {
  /** Bytes of the key block's IV: the GCM salt, or ChaCha20-Poly1305's whole nonce mask. */
  readonly fixedIv: number;
  /** Nonce bytes carried at the front of each record's fragment. */
  readonly explicit: number;
}

const SHAPES: Readonly<Record<AeadAlgorithm, Shape>> = {
  "AES-128-GCM": { fixedIv: 4, explicit: 8 },
  "AES-256-GCM": { fixedIv: 4, explicit: 8 },
  "CHACHA20-POLY1305": { fixedIv: 12, explicit: 0 },
};

/** Writes `seq` as the 64-bit big-endian sequence number at `out[at..at+8]`. */
function writeSeq(out: Uint8Array, at: number, seq: number): void {
  // seq stays far below 2^53 (the record limit forces a new connection long before), so two 32-bit halves hold it.
  const high = Math.floor(seq / 0x1_0000_0000);
  const low = seq >>> 0;
  out[at] = high >>> 24;
  out[at + 1] = (high >>> 16) & 0xff;
  out[at + 2] = (high >>> 8) & 0xff;
  out[at + 3] = high & 0xff;
  out[at + 4] = low >>> 24;
  out[at + 5] = (low >>> 16) & 0xff;
  out[at + 6] = (low >>> 8) & 0xff;
  out[at + 7] = low & 0xff;
}

/** seq_num(8) || type(1) || version(2) || length(2), where length is the plaintext's. */
function additionalData(seq: number, type: number, versionHigh: number, versionLow: number, length: number): Uint8Array {
  const aad = new Uint8Array(AAD_LENGTH);
  writeSeq(aad, 0, seq);
  aad[8] = type;
  aad[9] = versionHigh;
  aad[10] = versionLow;
  aad[11] = length >> 8;
  aad[12] = length & 0xff;
  return aad;
}

export class Tls12AeadProtection implements RecordProtection {
  /** As for TLS 1.3; TLS 1.2 has no KeyUpdate, so reaching it means closing (or renegotiating, which we do not). */
  readonly recordLimit = RECORDS_PER_KEY_LIMIT;
  /** Present over a synchronous AEAD: the record layer's promise-free path. */
  readonly sync?: SyncRecordProtection;
  private constructor(
    private readonly aead: Aead,
    private readonly iv: Uint8Array,
    private readonly explicit: number,
  ) {
    if (aead.sync) this.sync = this.syncFace(aead.sync);
  }

  static async create(provider: CryptoProvider, algorithm: AeadAlgorithm, keys: Tls12WriteKeys): Promise<Tls12AeadProtection> {
    const shape = SHAPES[algorithm];
    if (shape === undefined) throw new RangeError(`TLS 1.2 AEAD: unknown algorithm ${algorithm}`);
    // Key block slicing mistakes are ours, not the peer's: say so loudly instead of failing every record.
    if (keys.key.length !== AEAD_KEY_LENGTH[algorithm]) throw new RangeError(`TLS 1.2 ${algorithm}: key must be ${AEAD_KEY_LENGTH[algorithm]} bytes`);
    if (keys.iv.length !== shape.fixedIv) throw new RangeError(`TLS 1.2 ${algorithm}: fixed IV must be ${shape.fixedIv} bytes`);
    return new Tls12AeadProtection(await provider.aead(algorithm, keys.key), keys.iv.slice(), shape.explicit);
  }

  /** The 12-byte nonce of record `seq`: salt || explicit part for GCM, IV XOR padded seq for ChaCha20-Poly1305. */
  private nonce(seq: number, explicitPart?: Uint8Array): Uint8Array {
    const nonce = new Uint8Array(NONCE_LENGTH);
    if (this.explicit > 0) {
      nonce.set(this.iv);
      if (explicitPart) nonce.set(explicitPart, this.iv.length);
      else writeSeq(nonce, this.iv.length, seq);
      return nonce;
    }
    writeSeq(nonce, NONCE_LENGTH - 8, seq);
    for (let i = 0; i < NONCE_LENGTH; i++) nonce[i]! ^= this.iv[i]!;
    return nonce;
  }

  /** The bytes a record of `contentLength` bytes takes once sealed, header included. */
  sealedLength(contentLength: number): number {
    return RECORD_HEADER + this.explicit + contentLength + TAG_LENGTH;
  }

  /** Checks and the record header; returns the nonce and AAD the AEAD takes. */
  private prepareSeal(type: number, content: Uint8Array, seq: number, out: Uint8Array, at: number): { nonce: Uint8Array; aad: Uint8Array } {
    // Callers fragment at 2^14; a longer record would be refused by any peer, so it is our bug.
    if (content.length > MAX_PLAINTEXT) throw new RangeError("TLS 1.2 seal: content exceeds 2^14 bytes");
    // The sequence number is the GCM explicit nonce: unique per key without a counter of our own (RFC 5288 section 3).
    const nonce = this.nonce(seq);
    const length = this.explicit + content.length + TAG_LENGTH;
    out[at] = type;
    out[at + 1] = 0x03;
    out[at + 2] = 0x03;
    out[at + 3] = length >> 8;
    out[at + 4] = length & 0xff;
    if (this.explicit > 0) out.set(nonce.subarray(NONCE_LENGTH - this.explicit), at + RECORD_HEADER);
    return { nonce, aad: additionalData(seq, type, 0x03, 0x03, content.length) };
  }

  seal(type: number, content: Uint8Array, seq: number): Promise<Uint8Array> {
    let out: Uint8Array;
    let prepared: { nonce: Uint8Array; aad: Uint8Array };
    try {
      out = new Uint8Array(this.sealedLength(content.length));
      if (this.sync) {
        this.sync.sealInto(type, content, seq, out, 0);
        return Promise.resolve(out);
      }
      prepared = this.prepareSeal(type, content, seq, out, 0);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.aead.seal(prepared.nonce, prepared.aad, content).then((ct) => {
      out.set(ct, RECORD_HEADER + this.explicit);
      return out;
    });
  }

  /** The checks a record passes before decryption; returns the nonce and AAD to open it with. */
  private prepareOpen(recordHeader: Uint8Array, fragment: Uint8Array, seq: number): { nonce: Uint8Array; aad: Uint8Array } {
    if (fragment.length > MAX_TLS12_CIPHERTEXT) throw new PeerMisbehaved("RecordOverflow", "record_overflow", "ciphertext exceeds 2^14+2048 bytes");
    // Too short to hold the explicit nonce and the tag: it cannot authenticate, which is what the alert says.
    if (fragment.length < this.explicit + TAG_LENGTH) throw new PeerMisbehaved("BadRecordMac", "bad_record_mac", "ciphertext shorter than the explicit nonce and AEAD tag");
    const length = fragment.length - this.explicit - TAG_LENGTH;
    // The AEAD fixes the plaintext length, so an overlong record is refused before any decryption work.
    if (length > MAX_PLAINTEXT) throw new PeerMisbehaved("RecordOverflow", "record_overflow", "plaintext exceeds 2^14 bytes");
    // The version bytes are authenticated as the peer framed them; checking them is the handshake's business.
    const aad = additionalData(seq, recordHeader[0]!, recordHeader[1]!, recordHeader[2]!, length);
    return { nonce: this.nonce(seq, this.explicit > 0 ? fragment.subarray(0, this.explicit) : undefined), aad };
  }

  private opened(type: number, content: Uint8Array | null): OpenedRecord {
    if (content === null) throw new PeerMisbehaved("BadRecordMac", "bad_record_mac", "record authentication failed");
    return { type, content };
  }

  async open(recordHeader: Uint8Array, fragment: Uint8Array, seq: number): Promise<OpenedRecord> {
    if (this.sync) return this.sync.open(recordHeader, fragment, seq);
    const { nonce, aad } = this.prepareOpen(recordHeader, fragment, seq);
    return this.opened(recordHeader[0]!, await this.aead.open(nonce, aad, fragment.subarray(this.explicit)));
  }

  private syncFace(aead: SyncAead): SyncRecordProtection {
    return {
      sealedLength: (n) => this.sealedLength(n),
      sealInto: (type, content, seq, out, offset) => {
        const { nonce, aad } = this.prepareSeal(type, content, seq, out, offset);
        return RECORD_HEADER + this.explicit + aead.sealInto(nonce, aad, [content], out, offset + RECORD_HEADER + this.explicit);
      },
      open: (recordHeader, fragment, seq) => {
        const { nonce, aad } = this.prepareOpen(recordHeader, fragment, seq);
        return this.opened(recordHeader[0]!, aead.open(nonce, aad, fragment.subarray(this.explicit)));
      },
    };
  }
}
