// Cuts TLS records out of a byte stream, however TCP chunks it (1-byte feeds included). Buffering is
// bounded: a header that announces an oversized record is refused before its body arrives.
import { PeerMisbehaved } from "../errors.js";
import { ContentType } from "../msgs/enums.js";
import { MAX_CIPHERTEXT, RECORD_HEADER } from "./limits.js";

export interface RawRecord {
  readonly type: number;
  readonly version: number;
  /** Header bytes, which are the AAD of TLS 1.3 record protection. */
  readonly header: Uint8Array;
  readonly fragment: Uint8Array;
}

/** What OpenSSL checks a first record for: an HTTP request, or a proxy's CONNECT. */
function plainHttp(header: Uint8Array): "HttpRequest" | "HttpsProxyRequest" | null {
  const start = String.fromCharCode(...header.subarray(0, 4));
  if (start === "CONN") return "HttpsProxyRequest";
  return ["GET ", "POST", "HEAD", "PUT "].includes(start) ? "HttpRequest" : null;
}

const KNOWN_TYPES = new Set<number>([ContentType.ChangeCipherSpec, ContentType.Alert, ContentType.Handshake, ContentType.ApplicationData]);

/**
 * A buffer for records split across reads, shared by every deframer of this realm. A deframer borrows it
 * for one record and gets it back through recycle() once that record was opened into a buffer of its own,
 * which the synchronous record path does before anything else runs; a record never recycled keeps it,
 * and the next split record takes a new one. Bulk downloads split about one record in four: without it
 * each split cost a fresh 16 KiB allocation, and garbage that only a collection frees.
 */
let sharedJoinBuffer: Uint8Array | null = null;
const JOIN_BUFFER_BYTES = RECORD_HEADER + MAX_CIPHERTEXT;

export class Deframer {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Set by the first record: until then we do not know the peer speaks TLS at all. */
  private sawRecord = false;
  /** The shared join buffer while a record cut from it may still be in use. */
  private borrowed: Uint8Array | null = null;

  get bufferedBytes(): number {
    return this.buffered;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
  }

  /** The next complete record, or null if more bytes are needed. Throws TlsError on a bad header. */
  next(): RawRecord | null {
    if (this.buffered < RECORD_HEADER) return null;
    const header = this.peek(RECORD_HEADER);
    const type = header[0]!;
    const version = (header[1]! << 8) | header[2]!;
    const length = (header[3]! << 8) | header[4]!;
    if (!KNOWN_TYPES.has(type)) {
      // As OpenSSL, a first "record" that is plain HTTP is named for what it is (node:tls: ERR_SSL_HTTP_REQUEST).
      const http = this.sawRecord ? null : plainHttp(header);
      if (http !== null) throw new PeerMisbehaved(http, "unexpected_message", "the peer sent plain HTTP to a TLS port");
      throw new PeerMisbehaved("UnknownContentType", "unexpected_message", `record type ${type}${this.sawRecord ? "" : " (is the peer speaking TLS?)"}`);
    }
    if ((version >> 8) !== 0x03) throw new PeerMisbehaved("InvalidRecordVersion", "protocol_version", `0x${version.toString(16)}`);
    if (length > MAX_CIPHERTEXT) throw new PeerMisbehaved("RecordOverflow", "record_overflow", `record of ${length} bytes exceeds ${MAX_CIPHERTEXT}`);
    if (this.buffered < RECORD_HEADER + length) return null;
    const all = this.take(RECORD_HEADER + length);
    this.sawRecord = true;
    return { type, version, header: all.subarray(0, RECORD_HEADER), fragment: all.subarray(RECORD_HEADER) };
  }

  /**
   * `record`, the last one next() returned, has been opened into a buffer of its own and is no longer
   * read by anyone: if it lies in the shared join buffer, the next split record may reuse that buffer.
   */
  recycle(record: RawRecord): void {
    if (this.borrowed !== null && record.fragment.buffer === this.borrowed.buffer) {
      sharedJoinBuffer = this.borrowed;
      this.borrowed = null;
    }
  }

  private peek(n: number): Uint8Array {
    if (this.chunks[0]!.length < n) this.gather(n);
    return this.chunks[0]!.subarray(0, n);
  }

  /**
   * The next n bytes, without copying when they lie in one chunk (the common case: a TCP read holds
   * many records). The caller of push() hands its buffers over, so views into them stay valid.
   */
  private take(n: number): Uint8Array {
    if (this.chunks[0]!.length < n) this.gather(n);
    const first = this.chunks[0]!;
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }

  /** Joins just enough leading chunks that the first holds n bytes: a record split across reads costs one copy of itself. */
  private gather(n: number): void {
    // Headers split across reads are a few bytes: they stay out of the shared buffer, which holds whole records.
    let joined: Uint8Array;
    if (n <= RECORD_HEADER) {
      joined = new Uint8Array(n);
    } else {
      const whole = sharedJoinBuffer ?? new Uint8Array(JOIN_BUFFER_BYTES);
      sharedJoinBuffer = null;
      this.borrowed = whole;
      joined = whole.subarray(0, n);
    }
    let at = 0;
    while (at < n) {
      const c = this.chunks[0]!;
      const part = Math.min(c.length, n - at);
      joined.set(c.subarray(0, part), at);
      at += part;
      if (part === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(part);
    }
    this.chunks.unshift(joined);
  }
}
