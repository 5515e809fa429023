// The peer's side of the wire, up to whole handshake messages: records cut from the byte stream and
// opened, the ChangeCipherSpec and alert rules, and the counts that bound what a peer can make us do
// before the handshake completes.
import { AlertReceived, PeerMisbehaved, UsageError } from "../errors.js";
import { AlertDescription, AlertLevel, ContentType, ProtocolVersion } from "../msgs/enums.js";
import { HandshakeJoiner, type HandshakeMessage, expectType } from "../msgs/handshake.js";
import type { ConnectionLimits } from "../config/limits.js";
import { InARowGuard } from "../record/in-a-row-guard.js";
import type { OpenedRecord, RecordProtection } from "../record/protection.js";
import { RecordReader } from "../record/record-layer.js";
import type { RawRecord } from "../record/deframer.js";

/** Records an asynchronous provider may open at once (order is kept; a key change restarts them). */
const RECORDS_OPENED_AHEAD = 4;

/** Rejected early data a server skips before it fails the handshake: OpenSSL's default max_early_data. */
export const MAX_REJECTED_EARLY_DATA = 16384;
import type { TlsVersionName } from "../suites/versions.js";

export class Inbound {
  private readonly reader = new RecordReader();
  private readonly joiner: HandshakeJoiner;
  private readonly pending: HandshakeMessage[] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  /** Records read before the handshake completed (RFC 8446 gives no bound; we do). */
  private handshakeRecords = 0;
  private receivedHandshake = false;
  readonly inARow = new InARowGuard();
  handshaking = true;
  /**
   * The negotiated version, null until the hellos decide it. In TLS 1.2 ChangeCipherSpec is a protocol
   * message the handshake reads, not a compatibility record to drop, and warning alerts are not fatal.
   */
  version: TlsVersionName | null = null;
  /**
   * Early data the server rejected, still to be skipped (RFC 8446 4.2.10): after a HelloRetryRequest,
   * every application_data record until the second ClientHello; otherwise, records that do not open
   * under the handshake key, until one does. `left` counts what they may still hold.
   */
  private rejectedEarlyData: { readonly afterRetry: boolean; left: number } | null = null;
  /**
   * Set once a record from the peer opened under its keys. Until then a TLS 1.3 peer may still send an
   * alert in the clear after we installed its handshake keys: alerts are protected "as specified by the
   * current connection state" (RFC 8446 6), the sender's, and a client that rejects the ServerHello, or
   * (OpenSSL's client) the server's certificate, before it switched to its own keys sends it plaintext.
   * OpenSSL's server and rustls accept such an alert until the first record they decrypt; so do we.
   */
  private peerEncrypted = false;

  constructor(
    private readonly limits: ConnectionLimits,
    /** False once the connection is torn down: reading stops at the next record. */
    private readonly alive: () => boolean,
    /** Whether we sent a ClientHello already (a client has from its first step). */
    private readonly sentHandshake: () => boolean,
    /** Everything complete has been read: the transport may deliver more. */
    private readonly drained: () => void,
  ) {
    this.joiner = new HandshakeJoiner(limits.maxHandshakeMessageSize, limits.maxHandshakeFragments);
  }

  push(bytes: Uint8Array): void {
    this.reader.push(bytes);
    this.signal();
  }

  end(): void {
    this.ended = true;
    this.signal();
  }

  /** Wakes a pending read, e.g. so that it sees the connection was destroyed. */
  signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Bytes received but not yet cut into records (bounded by one record). */
  get bufferedBytes(): number {
    return this.reader.bufferedBytes;
  }

  /** True when bytes of an incomplete record were left when the transport ended. */
  get truncated(): boolean {
    return this.reader.partialBytes > 0;
  }

  /** True when no part of a handshake message is buffered: a key change may happen here. */
  get atRecordBoundary(): boolean {
    return this.joiner.isEmpty && this.pending.length === 0;
  }

  async installProtection(protection: Promise<RecordProtection>, after: string): Promise<void> {
    // RFC 8446 5.1: a key change must fall on a record boundary.
    if (!this.atRecordBoundary) throw new PeerMisbehaved("KeyChangeNotAtRecordBoundary", "unexpected_message", `${after} did not end its record`);
    this.reader.install(await protection);
    // After a retry, early data ends with the second ClientHello; its keys protect the handshake.
    if (this.rejectedEarlyData?.afterRetry) this.rejectedEarlyData = null;
  }

  /**
   * The peer switches to `protection` once its current flight ends (a TLS 1.3 server knows the client's
   * application key before the client's Finished): with an asynchronous provider the records after the
   * one being opened start opening under it too (RecordReader.expectNext).
   */
  expectProtection(protection: Promise<RecordProtection>): void {
    protection.then(
      (p) => this.reader.expectNext(p),
      () => undefined,
    );
  }

  /** The server declined the client's early data: skip it, up to MAX_REJECTED_EARLY_DATA bytes (RFC 8446 4.2.10). */
  skipRejectedEarlyData(afterRetry: boolean): void {
    this.rejectedEarlyData = { afterRetry, left: MAX_REJECTED_EARLY_DATA };
  }

  /** The next record, past any rejected early data; null when it was skipped. */
  private async openOrSkipEarlyData(record: RawRecord): Promise<OpenedRecord | null> {
    const skip = this.rejectedEarlyData;
    if (skip === null || record.type !== ContentType.ApplicationData || skip.afterRetry === this.reader.isProtected) {
      // Handshake records too: a server's flight often comes as one record per message.
      return this.reader.open(record, skip === null ? RECORDS_OPENED_AHEAD : 0);
    }
    const opened = skip.afterRetry ? null : await this.reader.openOrSkip(record);
    if (opened !== null) {
      this.rejectedEarlyData = null;
      return opened;
    }
    // The most content the record could carry: its ciphertext less the AEAD tag and the content type.
    skip.left -= Math.max(0, record.fragment.length - 17);
    if (skip.left < 0) throw new PeerMisbehaved("TooMuchEarlyData", "unexpected_message", `more than ${MAX_REJECTED_EARLY_DATA} bytes of rejected early data`);
    return null;
  }

  /**
   * The next record's content, opened when keys are installed; null at end of transport. Once the
   * connection is destroyed: a UsageError, or with `onDestroy` "end" null, as the established
   * connection's read loop asks (every teardown would otherwise build an error and its stack for nobody).
   */
  async readRecord(onDestroy: "throw" | "end" = "throw"): Promise<OpenedRecord | null> {
    for (;;) {
      if (!this.alive()) {
        if (onDestroy === "end") return null;
        throw new UsageError("connection destroyed");
      }
      const record = this.reader.next();
      if (!record) {
        if (this.ended) {
          if (this.truncated) throw new PeerMisbehaved("TruncatedRecord", "decode_error");
          return null;
        }
        const before = this.reader.bufferedBytes;
        this.drained();
        // A transport may hand over more bytes from inside the callback: read them before waiting.
        if (this.reader.bufferedBytes !== before) continue;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (this.handshaking && ++this.handshakeRecords > this.limits.maxHandshakeRecords) {
        throw new PeerMisbehaved("TooManyHandshakeRecords", "unexpected_message", `more than ${this.limits.maxHandshakeRecords} records before the handshake completed`);
      }
      // Once TLS 1.2 is negotiated every record carries its version (RFC 5246 6.2.1, as Go checks); TLS 1.3
      // ignores legacy_record_version (RFC 8446 5.1), and the first ClientHello may say 0x0301.
      if (this.version === "TLSv1.2" && record.version !== ProtocolVersion.TLS12) {
        throw new PeerMisbehaved("InvalidRecordVersion", "protocol_version", `record version 0x${record.version.toString(16)} on a TLS 1.2 connection`);
      }
      if (record.type === ContentType.ChangeCipherSpec && this.version === "TLSv1.2") {
        // Only readChangeCipherSpec() accepts it, in the clear, before the key change; anywhere else it is out of order.
        if (!this.handshaking) throw new PeerMisbehaved("UnexpectedChangeCipherSpec", "unexpected_message");
        return { type: record.type, content: record.fragment };
      }
      if (record.type === ContentType.ChangeCipherSpec) {
        // RFC 8446 5: a 0x01 CCS between the first ClientHello and the peer's Finished is dropped, however
        // many come (Java's JSSE sends one after a HelloRetryRequest and another after the ServerHello);
        // any other CCS is unexpected. The record count above bounds them.
        const helloSeen = this.sentHandshake() || this.receivedHandshake;
        if (!this.handshaking || !helloSeen || record.fragment.length !== 1 || record.fragment[0] !== 1) {
          throw new PeerMisbehaved("UnexpectedChangeCipherSpec", "unexpected_message");
        }
        // RFC 8446 5.1: not even a compatibility CCS may come between the fragments of a handshake message.
        this.notInsideHandshakeMessage(record.type);
        continue;
      }
      if (record.type === ContentType.Alert && this.version === "TLSv1.3" && this.reader.isProtected && !this.peerEncrypted) {
        return this.received({ type: record.type, content: record.fragment }, false);
      }
      // Bulk data opens without a promise where the provider allows it; early data to skip takes the long way.
      const opened = (this.rejectedEarlyData === null ? this.reader.openSync(record) : undefined) ?? (await this.openOrSkipEarlyData(record));
      if (opened !== null) return this.received(opened, this.reader.isProtected);
      this.notInsideHandshakeMessage(record.type);
    }
  }

  /**
   * RFC 8446 5.1: "Handshake messages MUST NOT be interleaved with other record types": while part of a
   * handshake message is buffered, only handshake records may come. Checked once TLS 1.3 is chosen, as Go
   * does: RFC 5246 6.2.1 allowed interleaving, and before the hellos decide the peer may speak TLS 1.2.
   */
  private notInsideHandshakeMessage(type: number): void {
    if (this.version === "TLSv1.3" && !this.joiner.isEmpty) throw new PeerMisbehaved("UnexpectedRecordDuringHandshake", "unexpected_message", `content type ${type} between the fragments of a handshake message`);
  }

  /** A record as read (its content opened when `decrypted`), checked against a partly received handshake message. */
  private received(opened: OpenedRecord, decrypted: boolean): OpenedRecord {
    if (decrypted) this.peerEncrypted = true;
    if (opened.type !== ContentType.Handshake) this.notInsideHandshakeMessage(opened.type);
    return opened;
  }

  /** The next handshake message during the handshake, joining fragments across records. */
  async readHandshakeMessage(): Promise<HandshakeMessage> {
    while (this.pending.length === 0) {
      const record = await this.readRecord();
      if (!record) throw new PeerMisbehaved("UnexpectedEof", "decode_error", "transport closed during the handshake");
      if (record.type === ContentType.Handshake) this.joinHandshake(record.content);
      else if (record.type === ContentType.Alert) this.handleAlert(record.content);
      else if (record.type === ContentType.ChangeCipherSpec) throw new PeerMisbehaved("UnexpectedChangeCipherSpec", "unexpected_message", "ChangeCipherSpec where a handshake message was expected");
      else throw new PeerMisbehaved("UnexpectedRecordDuringHandshake", "unexpected_message", `content type ${record.type}`);
    }
    return this.pending.shift()!;
  }

  /**
   * TLS 1.2: the peer's ChangeCipherSpec, which must come next, whole, on a message boundary
   * (RFC 5246 7.1); then `protection` opens every record after it.
   */
  async readChangeCipherSpec(protection: Promise<RecordProtection>): Promise<void> {
    if (!this.atRecordBoundary) throw new PeerMisbehaved("UnexpectedChangeCipherSpec", "unexpected_message", "ChangeCipherSpec inside a handshake message");
    for (;;) {
      const record = await this.readRecord();
      if (!record) throw new PeerMisbehaved("UnexpectedEof", "decode_error", "transport closed before ChangeCipherSpec");
      if (record.type === ContentType.Alert) {
        this.handleAlert(record.content);
        continue;
      }
      if (record.type !== ContentType.ChangeCipherSpec) throw new PeerMisbehaved("MissingChangeCipherSpec", "unexpected_message", `content type ${record.type} before ChangeCipherSpec`);
      if (record.content.length !== 1 || record.content[0] !== 1) throw new PeerMisbehaved("MalformedChangeCipherSpec", "decode_error");
      this.reader.install(await protection);
      return;
    }
  }

  async expect(type: number): Promise<HandshakeMessage> {
    return expectType(await this.readHandshakeMessage(), type);
  }

  /** Adds a handshake record's content; complete messages become available through nextMessage(). */
  joinHandshake(content: Uint8Array): void {
    // RFC 8446 5.1: zero-length handshake fragments MUST NOT be sent, encrypted or not.
    if (content.length === 0) throw new PeerMisbehaved("EmptyHandshakeRecord", "unexpected_message");
    this.receivedHandshake = true;
    for (const m of this.joiner.push(content)) this.pending.push(m);
  }

  nextMessage(): HandshakeMessage | undefined {
    return this.pending.shift();
  }

  /** During the handshake every alert but an ignored warning ends it, close_notify too (RFC 8446 6.1). */
  handleAlert(content: Uint8Array): void {
    if (this.readAlert(content) === "close_notify") throw new AlertReceived(AlertDescription.close_notify, false, content[0]!);
  }

  /**
   * Returns "close_notify" for the peer's orderly close, "ignored" for a warning user_canceled (and, in
   * TLS 1.2, any warning), which is counted; throws AlertReceived for the rest. close_notify is a return,
   * not an error: every connection a peer closes ends with one, and an Error's stack capture is not free.
   */
  readAlert(content: Uint8Array): "close_notify" | "ignored" {
    // RFC 8446 5.4: an alert record with empty content is unexpected_message. RFC 8446 5.1: a record holds
    // exactly one alert, neither fragmented nor coalesced; other lengths do not parse (RFC 8446 6: decode_error).
    if (content.length === 0) throw new PeerMisbehaved("MalformedAlert", "unexpected_message", "empty alert record");
    if (content.length !== 2) throw new PeerMisbehaved("MalformedAlert", "decode_error", `alert record of ${content.length} bytes`);
    const [level, description] = [content[0]!, content[1]!];
    if (level !== AlertLevel.Warning && level !== AlertLevel.Fatal) {
      throw new PeerMisbehaved("InvalidAlertLevel", "illegal_parameter", `level ${level}`);
    }
    if (description === AlertDescription.close_notify) return "close_notify";
    // RFC 8446 6: user_canceled may come as a warning; every other alert is fatal in TLS 1.3, whatever its
    // level. TLS 1.2 warnings (unrecognized_name, no_renegotiation, …) are not fatal (RFC 5246 7.2.2),
    // and a TLS 1.2 server sends them before its ServerHello says which version it is.
    if (level === AlertLevel.Warning && (description === AlertDescription.user_canceled || this.version !== "TLSv1.3")) {
      this.inARow.count("TooManyWarningAlerts");
      return "ignored";
    }
    throw new AlertReceived(description, true, level);
  }
}
