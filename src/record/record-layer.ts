// One direction of the record layer (Go's halfConn, rustls's RecordLayer): the current protection,
// the sequence numbers under it, and the plaintext framing before any key is installed. It knows no
// TLS version: the protection it is given does.
import { PeerMisbehaved } from "../errors.js";
import { ContentType } from "../msgs/enums.js";
import { type RawRecord, Deframer } from "./deframer.js";
import { MAX_PLAINTEXT, RECORD_HEADER } from "./limits.js";
import type { OpenedRecord, RecordProtection } from "./protection.js";

export class RecordWriter {
  private protection: Promise<RecordProtection> | null = null;
  private seq = 0;

  /** Records sealed from now on use `protection`, numbered from 0; records already queued keep theirs. */
  install(protection: Promise<RecordProtection>): void {
    protection.catch(() => undefined);
    this.protection = protection;
    this.seq = 0;
  }

  get isProtected(): boolean {
    return this.protection !== null;
  }

  get recordsUnderKey(): number {
    return this.seq;
  }

  /**
   * One record of `type`, sealed when a protection is installed. The sequence number is taken now, so
   * callers may start several seals before awaiting any and still get a correctly numbered stream.
   */
  seal(type: number, content: Uint8Array): Promise<Uint8Array> {
    if (this.protection) {
      const seq = this.seq++;
      return this.protection.then((p) => p.seal(type, content, seq));
    }
    const out = new Uint8Array(RECORD_HEADER + content.length);
    out.set([type, 0x03, 0x03, content.length >> 8, content.length & 0xff]);
    out.set(content, RECORD_HEADER);
    return Promise.resolve(out);
  }
}

export class RecordReader {
  private readonly deframer = new Deframer();
  private protection: RecordProtection | null = null;
  private seq = 0;

  push(bytes: Uint8Array): void {
    this.deframer.push(bytes);
  }

  get bufferedBytes(): number {
    return this.deframer.bufferedBytes;
  }

  get isProtected(): boolean {
    return this.protection !== null;
  }

  /** The next complete record as framed on the wire, or null when more bytes are needed. */
  next(): RawRecord | null {
    return this.deframer.next();
  }

  /** Records read from now on are opened with `protection`, numbered from 0. */
  install(protection: RecordProtection): void {
    this.protection = protection;
    this.seq = 0;
  }

  /**
   * A protected record's content, or null when it does not authenticate; a record that does not takes
   * no sequence number. For skipping early data the server rejected (RFC 8446 4.2.10), nothing else.
   */
  async openOrSkip(record: RawRecord): Promise<OpenedRecord | null> {
    const seq = this.seq;
    try {
      const opened = await this.protection!.open(record.header, record.fragment, seq);
      this.seq = seq + 1;
      return opened;
    } catch (e) {
      if (e instanceof PeerMisbehaved && e.reason === "BadRecordMac") return null;
      throw e;
    }
  }

  /** A record's content: decrypted under the installed protection, else checked as plaintext. */
  open(record: RawRecord): Promise<OpenedRecord> {
    if (this.protection) return this.protection.open(record.header, record.fragment, this.seq++);
    if (record.type === ContentType.ApplicationData) {
      return Promise.reject(new PeerMisbehaved("ApplicationDataBeforeHandshake", "unexpected_message"));
    }
    if (record.fragment.length > MAX_PLAINTEXT) return Promise.reject(new PeerMisbehaved("RecordOverflow", "record_overflow", "plaintext record exceeds 2^14 bytes"));
    return Promise.resolve({ type: record.type, content: record.fragment });
  }
}
