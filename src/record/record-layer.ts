// One direction of the record layer (Go's halfConn, rustls's RecordLayer): the current protection,
// the sequence numbers under it, and the plaintext framing before any key is installed. It knows no
// TLS version: the protection it is given does.
import { PeerMisbehaved } from "../errors.js";
import { ContentType } from "../msgs/enums.js";
import { type RawRecord, Deframer } from "./deframer.js";
import { MAX_PLAINTEXT, RECORD_HEADER } from "./limits.js";
import type { OpenedRecord, RecordProtection, SyncRecordProtection } from "./protection.js";

export class RecordWriter {
  private protection: Promise<RecordProtection> | null = null;
  /** The installed protection once its key is ready, when it can seal without a promise. */
  private syncProtection: SyncRecordProtection | null = null;
  private seq = 0;

  /** Records sealed from now on use `protection`, numbered from 0; records already queued keep theirs. */
  install(protection: Promise<RecordProtection>): void {
    this.protection = protection;
    this.syncProtection = null;
    this.seq = 0;
    protection.then(
      (p) => {
        if (this.protection === protection) this.syncProtection = p.sync ?? null;
      },
      () => undefined,
    );
  }

  /** Whether sealInto() may be used now: a protection is installed, its key is ready and it seals synchronously. */
  get canSealSync(): boolean {
    return this.syncProtection !== null;
  }

  /** The bytes `content` takes as one record under the installed protection (canSealSync only). */
  sealedLength(content: number): number {
    return this.syncProtection!.sealedLength(content);
  }

  /** Seals one record into `out` at `offset` without a promise (canSealSync only); returns the bytes written. */
  sealInto(type: number, content: Uint8Array, out: Uint8Array, offset: number): number {
    return this.syncProtection!.sealInto(type, content, this.seq++, out, offset);
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

/** A record taken from the stream ahead of its turn, with its opening already started. */
interface AheadRecord {
  readonly record: RawRecord;
  /** Null when not started, or when a key change made the one started useless. */
  opening: Promise<OpenedRecord> | null;
  /** Its opening under the expected next protection, as if that took over after `NextProtection.after`. */
  speculative: Promise<OpenedRecord> | null;
}

/**
 * The protection the peer switches to next, when known before the record that ends its use of the
 * current one (a TLS 1.3 server knows the client's application key before the client's Finished).
 */
interface NextProtection {
  readonly protection: RecordProtection;
  /** The record after which the records ahead were opened under it (numbered from 0), if any. */
  after: RawRecord | null;
}

export class RecordReader {
  private readonly deframer = new Deframer();
  private protection: RecordProtection | null = null;
  private seq = 0;
  /** Complete records taken from the deframer before their turn (asynchronous protections only). */
  private readonly ahead: AheadRecord[] = [];
  private aheadBytes = 0;
  /** The record next() returned last, when it came from `ahead`. */
  private current: AheadRecord | null = null;
  /** The record open() was given last (null after openSync or openOrSkip): a key change follows it. */
  private lastOpened: RawRecord | null = null;
  private nextProtection: NextProtection | null = null;

  push(bytes: Uint8Array): void {
    this.deframer.push(bytes);
  }

  /** Bytes received and not yet handed out as records. */
  get bufferedBytes(): number {
    return this.deframer.bufferedBytes + this.aheadBytes;
  }

  /** Bytes of a record not yet complete. */
  get partialBytes(): number {
    return this.deframer.bufferedBytes;
  }

  get isProtected(): boolean {
    return this.protection !== null;
  }

  /** The next complete record as framed on the wire, or null when more bytes are needed. */
  next(): RawRecord | null {
    const ahead = this.ahead.shift();
    this.current = ahead ?? null;
    if (ahead === undefined) return this.deframer.next();
    this.aheadBytes -= RECORD_HEADER + ahead.record.fragment.length;
    return ahead.record;
  }

  /** Records read from now on are opened with `protection`, numbered from 0. */
  install(protection: RecordProtection): void {
    const next = this.nextProtection;
    this.nextProtection = null;
    this.protection = protection;
    this.seq = 0;
    // The change comes where it was expected: the records ahead were opened under this key, numbered
    // from the first of them (openAhead gives each one such an opening, in order).
    const expected = next !== null && next.protection === protection && next.after !== null && next.after === this.lastOpened;
    for (const a of this.ahead) {
      // Otherwise records opened ahead under the old key start again under the new one, in order.
      a.opening = expected ? a.speculative : null;
      a.speculative = null;
      if (expected) this.seq++;
    }
  }

  /**
   * The peer will switch to `protection` after a record still to come: with an asynchronous provider,
   * the records received after the one being opened also start opening under it, as if the switch came
   * right after that one, and install() keeps those openings when it does (RFC 8446 5.1: a key change
   * falls on a record boundary). Until then a speculative opening is never looked at, its failure
   * included.
   */
  expectNext(protection: RecordProtection): void {
    if (protection.sync === undefined) this.nextProtection = { protection, after: null };
  }

  /**
   * A protected record's content, or null when it does not authenticate; a record that does not takes
   * no sequence number. For skipping early data the server rejected (RFC 8446 4.2.10), nothing else.
   */
  async openOrSkip(record: RawRecord): Promise<OpenedRecord | null> {
    this.lastOpened = null;
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

  /**
   * A record's content: decrypted under the installed protection, else checked as plaintext. With an
   * asynchronous protection, up to `lookahead` records already received start opening too, so that the
   * provider works on several at once (WebCrypto runs them on its thread pool); they are still handed
   * out in order, and their checks run in turn.
   */
  open(record: RawRecord, lookahead = 0): Promise<OpenedRecord> {
    const current = this.current;
    this.current = null;
    this.lastOpened = record;
    const protection = this.protection;
    if (protection && !protection.sync) {
      const opening = current !== null && current.record === record && current.opening !== null ? current.opening : protection.open(record.header, record.fragment, this.seq++);
      this.openAhead(protection, lookahead);
      this.openAheadUnderNext(record);
      return opening;
    }
    try {
      return Promise.resolve(this.openSync(record)!);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private openAhead(protection: RecordProtection, lookahead: number): void {
    // While a key change is expected, records ahead open under the next key only (openAheadUnderNext):
    // one that turns out to be under the current key still opens under it when its turn comes, in order.
    const underCurrent = this.nextProtection === null;
    for (const a of this.ahead) {
      if (a.opening === null && underCurrent) a.opening = this.startOpening(protection, a.record);
    }
    while (this.ahead.length < lookahead) {
      let record: RawRecord | null;
      try {
        record = this.deframer.next();
      } catch {
        return; // a bad header: reported when its turn comes, after the records before it
      }
      if (record === null) return;
      this.ahead.push({ record, opening: underCurrent ? this.startOpening(protection, record) : null, speculative: null });
      this.aheadBytes += RECORD_HEADER + record.fragment.length;
    }
  }

  private startOpening(protection: RecordProtection, record: RawRecord, seq = this.seq++): Promise<OpenedRecord> {
    const opening = protection.open(record.header, record.fragment, seq);
    // A failure surfaces when the record's turn comes; until then it is not unhandled.
    opening.catch(() => undefined);
    return opening;
  }

  /** With a next protection expected: the records ahead opened under it too, as if it took over after `opened`. */
  private openAheadUnderNext(opened: RawRecord): void {
    const next = this.nextProtection;
    if (next === null || this.ahead.length === 0) return;
    next.after = opened;
    let seq = 0;
    for (const a of this.ahead) a.speculative = this.startOpening(next.protection, a.record, seq++);
  }

  /**
   * open() without a promise where no asynchronous work is needed (no protection yet, or a protection
   * that opens synchronously); undefined otherwise. Throws what open() rejects with.
   */
  openSync(record: RawRecord): OpenedRecord | undefined {
    this.lastOpened = null;
    if (this.protection) {
      const sync = this.protection.sync;
      if (sync === undefined) return undefined;
      const opened = sync.open(record.header, record.fragment, this.seq++);
      // Decrypted into a buffer of its own: the record's bytes are read no more (the caller keeps only `opened`).
      if (opened.content.buffer !== record.fragment.buffer) this.deframer.recycle(record);
      return opened;
    }
    if (record.type === ContentType.ApplicationData) throw new PeerMisbehaved("ApplicationDataBeforeHandshake", "unexpected_message");
    if (record.fragment.length > MAX_PLAINTEXT) throw new PeerMisbehaved("RecordOverflow", "record_overflow", "plaintext record exceeds 2^14 bytes");
    return { type: record.type, content: record.fragment };
  }
}
