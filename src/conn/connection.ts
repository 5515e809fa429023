// The sans-IO connection: bytes in through receive(), bytes out through the transmit callback,
// plaintext to the application through onData. The handshake reads as sequential async code that
// pulls records (so a key change always applies from the next record on); after it, a read loop
// handles application data, KeyUpdate and alerts.
import type { CryptoProvider } from "../crypto/provider.js";
import { AlertReceived, PeerMisbehaved, TlsError, UsageError } from "../errors.js";
import { AlertDescription, AlertLevel, ContentType, HandshakeType, handshakeTypeName } from "../msgs/enums.js";
import { HandshakeJoiner, type HandshakeMessage, decodeKeyUpdate, encodeKeyUpdate } from "../msgs/handshake.js";
import { Deframer } from "../record/deframer.js";
import { MAX_PLAINTEXT } from "../record/limits.js";
import { type OpenedRecord, RecordOpener, RecordSealer, RECORDS_PER_KEY_LIMIT } from "../record/protection.js";
import type { KeySchedule } from "../tls13/key-schedule.js";
import type { HandshakeContext, HandshakeResult, TrafficState } from "./handshake-context.js";
import type { NegotiatedInfo } from "./info.js";
import { type ConnectionLimits, DEFAULT_LIMITS } from "./limits.js";
import { InARowGuard } from "./in-a-row-guard.js";

export { type ConnectionLimits, DEFAULT_LIMITS };

export interface ConnectionCallbacks {
  /** Bytes to put on the wire, in order. */
  transmit(bytes: Uint8Array): void;
  /** Decrypted application data. */
  onData?(data: Uint8Array): void;
  /** The peer closed its sending side: close_notify, or (truncated=true) the transport ended first. */
  onEnd?(truncated: boolean): void;
  /** A fatal error; the connection is unusable afterwards. */
  onError?(error: Error): void;
}

export type ConnectionState = "handshaking" | "open" | "closed";

export abstract class Connection {
  private readonly deframer = new Deframer();
  private readonly joiner: HandshakeJoiner;
  private readonly pendingMessages: HandshakeMessage[] = [];
  private opener: RecordOpener | null = null;
  private sealer: Promise<RecordSealer> | null = null;
  private recordsUnderWriteKey = 0;
  private wake: (() => void) | null = null;
  private transportEnded = false;
  private outputChain: Promise<void> = Promise.resolve();
  private readonly inARow = new InARowGuard();
  /** Records read before the handshake completed (RFC 8446 gives no bound; we do). */
  private handshakeRecords = 0;
  /** Set once a ClientHello was sent or received: only from then on may a CCS be dropped (RFC 8446 5). */
  private helloExchanged = false;
  /** Our KeyUpdate answering the peer's update_requested is queued but not yet transmitted. */
  private keyUpdateReplyQueued = false;
  private traffic: TrafficState | null = null;
  private writeClosed = false;
  private error: Error | null = null;
  private handshakeResolve!: () => void;
  private handshakeReject!: (e: Error) => void;

  state: ConnectionState = "handshaking";
  /** Resolves once the handshake completes; rejects with the error that ended it. */
  readonly handshake: Promise<void>;
  protected negotiated: NegotiatedInfo | null = null;

  protected constructor(
    protected readonly provider: CryptoProvider,
    protected readonly callbacks: ConnectionCallbacks,
    protected readonly limits: ConnectionLimits,
  ) {
    this.joiner = new HandshakeJoiner(limits.maxHandshakeMessageSize, limits.maxHandshakeFragments);
    this.handshake = new Promise<void>((resolve, reject) => {
      this.handshakeResolve = resolve;
      this.handshakeReject = reject;
    });
    // Callers that only listen to onError must not see an unhandled rejection.
    this.handshake.catch(() => undefined);
  }

  /** What the handshake negotiated; throws before the handshake completes. */
  get info(): NegotiatedInfo {
    if (!this.negotiated) throw new UsageError("the handshake has not completed");
    return this.negotiated;
  }

  get failure(): Error | null {
    return this.error;
  }

  /** Starts the handshake. Transports call this once, after wiring callbacks. */
  start(): void {
    void this.run();
  }

  /**
   * Bytes from the network. Never throws; failures surface through onError and `handshake`. The
   * connection keeps a reference until the bytes are processed, so do not reuse the buffer.
   */
  receive(bytes: Uint8Array): void {
    if (this.state === "closed") return;
    this.deframer.push(bytes);
    this.signal();
  }

  /** The transport reached end of stream. */
  receiveEnd(): void {
    this.transportEnded = true;
    this.signal();
  }

  /** Encrypts and sends application data. Resolves when the records are handed to transmit. */
  write(data: Uint8Array): Promise<void> {
    if (this.state !== "open") return Promise.reject(new UsageError(`cannot write: connection is ${this.state}`));
    if (this.writeClosed) return Promise.reject(new UsageError("cannot write after close()"));
    for (let at = 0; at < data.length; at += MAX_PLAINTEXT) {
      void this.sendRecord(ContentType.ApplicationData, data.subarray(at, at + MAX_PLAINTEXT));
      this.inARow.creditKeyUpdate();
    }
    return this.outputChain;
  }

  /** Sends close_notify. The peer may go on sending until it closes too (TLS 1.3 half-close). */
  close(): Promise<void> {
    if (this.writeClosed || this.state === "closed") return this.outputChain.catch(() => undefined);
    this.writeClosed = true;
    this.sendAlert(AlertDescription.close_notify, AlertLevel.Warning);
    return this.outputChain;
  }

  /** Sends a KeyUpdate, asking the peer to update its keys too when `requestPeer`. */
  async updateKeys(requestPeer = true): Promise<void> {
    if (this.state !== "open" || this.writeClosed) throw new UsageError("cannot update keys: connection not open");
    this.rotateWriteKey(requestPeer);
    return this.outputChain;
  }

  /** TLS-Exporter keying material (RFC 8446 section 7.5). */
  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    if (!this.traffic) throw new UsageError("the handshake has not completed");
    return this.traffic.schedule.exportKeyingMaterial(this.traffic.exporterMasterSecret, label, context, length);
  }

  /** Tears the connection down without close_notify. */
  destroy(): void {
    this.state = "closed";
    this.signal();
  }

  protected abstract runHandshake(ctx: HandshakeContext): Promise<HandshakeResult>;

  private async run(): Promise<void> {
    try {
      const result = await this.runHandshake(this.handshakeContext());
      this.negotiated = result.info;
      this.traffic = result.traffic;
      this.state = "open";
      this.handshakeResolve();
      await this.readLoop();
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private fail(err: Error): void {
    if (this.error) return;
    this.error = err;
    // After destroy() the application already knows: no alert, no onError.
    const destroyedLocally = this.state === "closed";
    // A failure of our own (a provider error, a bug) still tells the peer: internal_error (RFC 8446 6.2).
    if (!destroyedLocally && !(err instanceof AlertReceived)) {
      this.sendAlert(err instanceof TlsError ? err.alertCode : AlertDescription.internal_error, AlertLevel.Fatal);
    }
    this.state = "closed";
    this.handshakeReject(err);
    // Deliver after queued output so the alert reaches the transport before it is torn down.
    if (!destroyedLocally) void this.outputChain.catch(() => undefined).then(() => this.callbacks.onError?.(err));
  }

  private signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  // ---- reading ----

  /** Next record's content, decrypted when keys are installed; null at end of transport. */
  private async readRecord(): Promise<OpenedRecord | null> {
    for (;;) {
      if (this.state === "closed" && !this.error) throw new UsageError("connection destroyed");
      const record = this.deframer.next();
      if (!record) {
        if (this.transportEnded) {
          if (this.deframer.bufferedBytes > 0) throw new PeerMisbehaved("TruncatedRecord", "decode_error");
          return null;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (this.state === "handshaking" && ++this.handshakeRecords > this.limits.maxHandshakeRecords) {
        throw new PeerMisbehaved("TooManyHandshakeRecords", "unexpected_message", `more than ${this.limits.maxHandshakeRecords} records before the handshake completed`);
      }
      if (record.type === ContentType.ChangeCipherSpec) {
        // RFC 8446 5: a 0x01 CCS between the first ClientHello and the peer's Finished is dropped, however
        // many come (Java's JSSE sends one after ServerHello even when it sent one after a
        // HelloRetryRequest); any other CCS is unexpected. The record count above bounds them.
        if (this.state !== "handshaking" || !this.helloExchanged || record.fragment.length !== 1 || record.fragment[0] !== 1) {
          throw new PeerMisbehaved("UnexpectedChangeCipherSpec", "unexpected_message");
        }
        continue;
      }
      if (this.opener) {
        if (record.type !== ContentType.ApplicationData) {
          throw new PeerMisbehaved("UnprotectedRecordAfterKeyChange", "unexpected_message", `content type ${record.type}`);
        }
        return this.opener.open(record.header, record.fragment);
      }
      if (record.type === ContentType.ApplicationData) {
        throw new PeerMisbehaved("ApplicationDataBeforeHandshake", "unexpected_message");
      }
      if (record.fragment.length > MAX_PLAINTEXT) throw new TlsError("record_overflow", "plaintext record exceeds 2^14 bytes");
      return { type: record.type, content: record.fragment };
    }
  }

  /** The next handshake message, joining fragments across records. */
  private async readHandshakeMessage(): Promise<HandshakeMessage> {
    while (this.pendingMessages.length === 0) {
      const record = await this.readRecord();
      if (!record) throw new PeerMisbehaved("UnexpectedEof", "decode_error", "transport closed during the handshake");
      if (record.type === ContentType.Handshake) {
        if (record.content.length === 0) throw new PeerMisbehaved("EmptyHandshakeRecord", "unexpected_message");
        this.helloExchanged = true;
        this.pendingMessages.push(...this.joiner.push(record.content));
      } else if (record.type === ContentType.Alert) {
        this.handleAlert(record.content);
      } else {
        throw new PeerMisbehaved("UnexpectedRecordDuringHandshake", "unexpected_message", `content type ${record.type}`);
      }
    }
    return this.pendingMessages.shift()!;
  }

  private async expect(type: number): Promise<HandshakeMessage> {
    const msg = await this.readHandshakeMessage();
    if (msg.type !== type) {
      throw new PeerMisbehaved("UnexpectedMessage", "unexpected_message", `expected ${handshakeTypeName(type)}, got ${handshakeTypeName(msg.type)}`);
    }
    return msg;
  }

  private handleAlert(content: Uint8Array): void {
    if (content.length !== 2) throw new PeerMisbehaved("MalformedAlert", "decode_error");
    const [level, description] = [content[0]!, content[1]!];
    if (level !== AlertLevel.Warning && level !== AlertLevel.Fatal) {
      throw new PeerMisbehaved("InvalidAlertLevel", "illegal_parameter", `level ${level}`);
    }
    if (description === AlertDescription.close_notify) throw new AlertReceived(description, false, level);
    // RFC 8446 6: user_canceled may come as a warning; every other alert is fatal in TLS 1.3, whatever its level.
    if (description === AlertDescription.user_canceled && level === AlertLevel.Warning) {
      this.inARow.count("TooManyWarningAlerts");
      return;
    }
    throw new AlertReceived(description, true, level);
  }

  private async readLoop(): Promise<void> {
    for (;;) {
      let record: OpenedRecord | null;
      try {
        record = await this.readRecord();
      } catch (e) {
        if (e instanceof UsageError && this.state === "closed") return;
        throw e;
      }
      if (!record) {
        this.endOfInput(true);
        return;
      }
      if (record.type === ContentType.ApplicationData) {
        // RFC 8446 5.1 allows empty application data (traffic analysis); a run of them is a flood.
        if (record.content.length === 0) {
          this.inARow.count("TooManyEmptyRecords");
          continue;
        }
        this.inARow.applicationData();
        this.callbacks.onData?.(record.content);
      } else if (record.type === ContentType.Handshake) {
        // RFC 8446 5.1: zero-length handshake fragments MUST NOT be sent, encrypted or not.
        if (record.content.length === 0) throw new PeerMisbehaved("EmptyHandshakeRecord", "unexpected_message");
        this.pendingMessages.push(...this.joiner.push(record.content));
        while (this.pendingMessages.length) await this.postHandshake(this.pendingMessages.shift()!);
      } else if (record.type === ContentType.Alert) {
        try {
          this.handleAlert(record.content);
        } catch (e) {
          if (e instanceof AlertReceived && e.description === AlertDescription.close_notify) {
            this.endOfInput(false);
            return;
          }
          throw e;
        }
      } else {
        throw new PeerMisbehaved("UnexpectedRecord", "unexpected_message", `content type ${record.type}`);
      }
    }
  }

  private endOfInput(truncated: boolean): void {
    if (this.state === "closed") return;
    if (truncated && this.deframer.bufferedBytes > 0) throw new PeerMisbehaved("TruncatedRecord", "decode_error");
    this.callbacks.onEnd?.(truncated);
  }

  private async postHandshake(msg: HandshakeMessage): Promise<void> {
    if (msg.type === HandshakeType.KeyUpdate) {
      const requested = decodeKeyUpdate(msg.body);
      // RFC 8446 4.6.3: requests that arrive while our answer is still queued are answered by it.
      const answeredAlready = requested && this.keyUpdateReplyQueued;
      if (!answeredAlready) this.inARow.keyUpdate();
      // RFC 8446 5.1: a KeyUpdate ends its record, since the next record is under the new key.
      if (!this.joiner.isEmpty || this.pendingMessages.length > 0) throw new PeerMisbehaved("KeyUpdateNotAtRecordBoundary", "unexpected_message");
      const t = this.traffic!;
      t.readSecret = await t.schedule.nextTrafficSecret(t.readSecret);
      this.opener = await RecordOpener.create(this.provider, t.suite, await t.schedule.trafficKeys(t.readSecret));
      if (requested && !answeredAlready && !this.writeClosed) {
        this.keyUpdateReplyQueued = true;
        void this.rotateWriteKey(false).then(() => (this.keyUpdateReplyQueued = false));
      }
      return;
    }
    if (msg.type === HandshakeType.NewSessionTicket) this.inARow.count("TooManySessionTickets");
    await this.handlePostHandshakeMessage(msg);
  }

  /** Side-specific post-handshake messages (NewSessionTicket on clients). */
  protected async handlePostHandshakeMessage(msg: HandshakeMessage): Promise<void> {
    throw new PeerMisbehaved("UnexpectedPostHandshakeMessage", "unexpected_message", handshakeTypeName(msg.type));
  }

  // ---- writing ----

  /** Queues one record; the promise settles once it was handed to transmit. */
  private sendRecord(type: number, content: Uint8Array): Promise<void> {
    if (this.sealer) {
      if (this.state === "open" && type === ContentType.ApplicationData) this.maybeRotateBeforeRecord();
      this.recordsUnderWriteKey++;
      const sealed = this.sealer.then((s) => s.seal(type, content));
      return this.queueOutput(sealed);
    }
    const out = new Uint8Array(5 + content.length);
    out.set([type, 0x03, 0x03, content.length >> 8, content.length & 0xff]);
    out.set(content, 5);
    return this.queueOutput(Promise.resolve(out));
  }

  private queueOutput(bytes: Promise<Uint8Array>): Promise<void> {
    const next = Promise.all([this.outputChain, bytes]).then(([, b]) => this.callbacks.transmit(b));
    this.outputChain = next;
    next.catch((e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))));
    return next.catch(() => undefined);
  }

  private maybeRotateBeforeRecord(): void {
    const every = this.limits.keyUpdateAfterRecords;
    const limit = every > 0 ? Math.min(every, RECORDS_PER_KEY_LIMIT) : RECORDS_PER_KEY_LIMIT;
    if (this.recordsUnderWriteKey >= limit) this.rotateWriteKey(false);
  }

  /** Sends KeyUpdate under the current key, then switches to the next write secret; settles once it is transmitted. */
  private rotateWriteKey(requestPeer: boolean): Promise<void> {
    const t = this.traffic!;
    const sent = this.sendRecord(ContentType.Handshake, encodeKeyUpdate(requestPeer));
    if (requestPeer) this.inARow.creditKeyUpdate();
    const previous = this.sealer!;
    this.recordsUnderWriteKey = 0;
    this.sealer = previous.then(async () => {
      t.writeSecret = await t.schedule.nextTrafficSecret(t.writeSecret);
      return RecordSealer.create(this.provider, t.suite, await t.schedule.trafficKeys(t.writeSecret));
    });
    return sent;
  }

  private sendAlert(description: number, level: number): void {
    void this.sendRecord(ContentType.Alert, new Uint8Array([level, description]));
  }

  /** Sends one handshake message (already framed), fragmenting into records of at most 2^14 bytes. */
  private sendHandshake(raw: Uint8Array): void {
    this.helloExchanged = true;
    for (let at = 0; at < raw.length; at += MAX_PLAINTEXT) {
      void this.sendRecord(ContentType.Handshake, raw.subarray(at, at + MAX_PLAINTEXT));
    }
  }

  private sendChangeCipherSpec(): void {
    const out = new Uint8Array([ContentType.ChangeCipherSpec, 0x03, 0x03, 0x00, 0x01, 0x01]);
    void this.queueOutput(Promise.resolve(out));
  }

  // ---- key changes ----

  private async installReadKeys(schedule: KeySchedule, secret: Uint8Array): Promise<void> {
    // RFC 8446 5.1: a key change must fall on a record boundary.
    if (!this.joiner.isEmpty || this.pendingMessages.length > 0) {
      throw new PeerMisbehaved("HandshakeNotAtRecordBoundary", "unexpected_message");
    }
    this.opener = await RecordOpener.create(this.provider, schedule.suite, await schedule.trafficKeys(secret));
  }

  private installWriteKeys(schedule: KeySchedule, secret: Uint8Array): void {
    const keys = schedule.trafficKeys(secret);
    this.recordsUnderWriteKey = 0;
    this.sealer = keys.then((k) => RecordSealer.create(this.provider, schedule.suite, k));
    this.sealer.catch(() => undefined);
  }

  private handshakeContext(): HandshakeContext {
    return {
      provider: this.provider,
      limits: this.limits,
      readMessage: () => this.readHandshakeMessage(),
      expect: (type) => this.expect(type),
      send: (raw) => this.sendHandshake(raw),
      sendChangeCipherSpec: () => this.sendChangeCipherSpec(),
      installReadKeys: (schedule, secret) => this.installReadKeys(schedule, secret),
      installWriteKeys: (schedule, secret) => this.installWriteKeys(schedule, secret),
    };
  }

}
