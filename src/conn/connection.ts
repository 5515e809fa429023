// The sans-IO connection: bytes in through receive(), bytes out through the transmit callback,
// plaintext to the application through onData. The handshake reads as sequential async code that
// pulls records (so a key change always applies from the next record on); after it, a read loop
// hands application data up and post-handshake messages to the version's Traffic. This file keeps
// the public API and the lifecycle; Inbound and Outbound own the two directions of the wire.
import type { CryptoProvider } from "../crypto/provider.js";
import { type ConnectionLimits, DEFAULT_LIMITS } from "../config/limits.js";
import { AlertReceived, PeerMisbehaved, TlsError, UsageError } from "../errors.js";
import type { HandshakeContext, HandshakeResult, Traffic, TrafficHost } from "../handshake/context.js";
import { AlertDescription, AlertLevel, ContentType, HandshakeType } from "../msgs/enums.js";
import type { HandshakeMessage } from "../msgs/handshake.js";
import { MAX_PLAINTEXT } from "../record/limits.js";
import { RECORDS_PER_KEY_LIMIT } from "../record/limits.js";
import type { NegotiatedInfo } from "../handshake/info.js";
import { Inbound } from "./inbound.js";
import { Outbound } from "./outbound.js";
import { encodeSession } from "../session/session.js";
import { type KeyLogLabel, keyLogLine } from "../handshake/key-log.js";

export { type ConnectionLimits, DEFAULT_LIMITS };

export interface ConnectionCallbacks {
  /**
   * Bytes to put on the wire, in order. A transport that is done with them (written or copied) may say so,
   * by returning true at once or by calling `release` later (once, when its write completed), and the
   * connection may then reuse the buffer for later records; a transport that does neither keeps it.
   * Never release bytes something may still read: the buffer is overwritten.
   */
  transmit(bytes: Uint8Array, release: () => void): void | boolean;
  /** Decrypted application data. */
  onData?(data: Uint8Array): void;
  /** The peer closed its sending side: close_notify, or (truncated=true) the transport ended first. */
  onEnd?(truncated: boolean): void;
  /** A fatal error; the connection is unusable afterwards. */
  onError?(error: Error): void;
  /** Every complete record received has been processed: a transport that paused its input may resume. */
  onInputDrained?(): void;
  /** The connection's secrets as NSS key log lines (SSLKEYLOGFILE format), for this connection only. */
  onKeyLog?(line: string): void;
  /**
   * Client side: a session the server let us keep, as bytes for ClientOptions.session. It holds the
   * session's secrets: store it as you would a key, and only for connections to the same server.
   */
  onSession?(session: Uint8Array): void;
}

export type ConnectionState = "handshaking" | "open" | "closed";

export abstract class Connection {
  private readonly inbound: Inbound;
  private readonly outbound: Outbound;
  private traffic: Traffic | null = null;
  private lastSession: Uint8Array | null = null;
  private keyLogged = false;
  private finishedSent: Uint8Array | null = null;
  private finishedReceived: Uint8Array | null = null;
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
    private readonly keyLog: ((line: string) => void) | null = null,
  ) {
    this.outbound = new Outbound(
      (bytes, release) => callbacks.transmit(bytes, release),
      (e) => this.fail(e),
    );
    this.inbound = new Inbound(
      limits,
      () => this.state !== "closed" || this.error !== null,
      () => this.outbound.sentHandshake,
      () => callbacks.onInputDrained?.(),
    );
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

  /** The latest session onSession delivered, or null. */
  get session(): Uint8Array | null {
    return this.lastSession;
  }

  get failure(): Error | null {
    return this.error;
  }

  /**
   * The verify_data of the latest Finished we sent and received (node:tls's getFinished() and
   * getPeerFinished()); null before there is one. Public values: channel bindings (RFC 5929 tls-unique) use them.
   */
  get finishedMessages(): { readonly sent: Uint8Array | null; readonly received: Uint8Array | null } {
    return { sent: this.finishedSent, received: this.finishedReceived };
  }

  /**
   * The largest plaintext fragment we put in one record: 2^14 unless lowered (node:tls's
   * setMaxSendFragment, 512 to 16384), e.g. for peers on constrained links.
   */
  setMaxFragment(size: number): void {
    if (!Number.isInteger(size) || size < 512 || size > MAX_PLAINTEXT) throw new UsageError(`the maximum fragment must be an integer from 512 to ${MAX_PLAINTEXT}, not ${size}`);
    this.outbound.maxFragment = size;
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
    this.inbound.push(bytes);
  }

  /** Records queued for sealing and not yet handed to the transport (transports bound their writes by it). */
  get recordsQueued(): number {
    return this.outbound.recordsQueued;
  }

  /** Settles (never rejects) once everything queued so far, the handshake's last flight included, has been handed to transmit. */
  get transmitted(): Promise<void> {
    return this.outbound.flushed.catch(() => undefined);
  }

  /** Bytes received and not yet processed; a transport stops reading past TRANSPORT_INPUT_BACKLOG until onInputDrained. */
  get inputBacklog(): number {
    return this.inbound.bufferedBytes;
  }

  /** The transport reached end of stream. */
  receiveEnd(): void {
    this.inbound.end();
  }

  /** Encrypts and sends application data. Resolves when the records are handed to transmit. */
  write(data: Uint8Array): Promise<void> {
    if (this.state !== "open") return Promise.reject(new UsageError(`cannot write: connection is ${this.state}`));
    if (this.writeClosed) return Promise.reject(new UsageError("cannot write after close()"));
    if (this.outbound.trySendSync(ContentType.ApplicationData, data, this.recordLimit() - this.outbound.recordsUnderKey)) {
      this.inbound.inARow.creditKeyUpdate(Math.ceil(data.length / this.outbound.fragment));
      return this.outbound.flushed;
    }
    const fragment = this.outbound.fragment;
    for (let at = 0; at < data.length; at += fragment) {
      this.updateKeyAtLimit();
      void this.outbound.sendRecord(ContentType.ApplicationData, data.subarray(at, at + fragment));
      this.inbound.inARow.creditKeyUpdate();
    }
    return this.outbound.flushed;
  }

  /** Sends close_notify. The peer may go on sending until it closes too (TLS 1.3 half-close). */
  close(): Promise<void> {
    if (this.writeClosed || this.state === "closed") return this.transmitted;
    this.writeClosed = true;
    this.outbound.sendAlert(AlertDescription.close_notify, AlertLevel.Warning);
    return this.outbound.flushed;
  }

  /** Sends a KeyUpdate, asking the peer to update its keys too when `requestPeer`. */
  async updateKeys(requestPeer = true): Promise<void> {
    if (this.state !== "open" || this.writeClosed || !this.traffic) throw new UsageError("cannot update keys: connection not open");
    await this.traffic.updateWriteKey(requestPeer);
  }

  /** Keying material from the exporter (RFC 8446 section 7.5). */
  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    if (!this.traffic) throw new UsageError("the handshake has not completed");
    return this.traffic.exportKeyingMaterial(label, context, length);
  }

  /** Tears the connection down without close_notify. */
  destroy(): void {
    this.state = "closed";
    this.inbound.signal();
  }

  protected abstract runHandshake(ctx: HandshakeContext): Promise<HandshakeResult>;

  private async run(): Promise<void> {
    try {
      // The handshake's result is this callback's alone: held by run() while it awaits the read loop, its
      // traffic() closure kept the handshake's whole scope (transcript, ClientHello, running hashes) for
      // the connection's life. The read loop starts in the same step as the handshake is reported, so
      // records that came with the peer's Finished start opening (with WebCrypto, on the thread pool)
      // before the handshake's observers run.
      await this.runHandshake(this.handshakeContext()).then((result) => {
        this.established(result);
        return this.readLoop();
      });
    } catch (e) {
      if (e instanceof UsageError && this.state === "closed" && !this.error) return void this.handshakeReject(e);
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private established(result: HandshakeResult): void {
    this.outbound.stopHoldingFlights();
    this.negotiated = this.keyLogged ? { ...result.info, keyLogged: true } : result.info;
    this.traffic = result.traffic(this.trafficHost());
    this.inbound.handshaking = false;
    this.state = "open";
    if (result.session !== null) this.keepSession(encodeSession(result.session));
    else if (result.resumedSession !== undefined) this.lastSession = encodeSession(result.resumedSession);
    this.handshakeResolve();
  }

  private noteFinished(msg: HandshakeMessage): HandshakeMessage {
    if (msg.type === HandshakeType.Finished) this.finishedReceived = msg.body.slice();
    return msg;
  }

  private logKey(label: KeyLogLabel, clientRandom: Uint8Array, secret: Uint8Array): void {
    const sinks = [this.keyLog, this.callbacks.onKeyLog?.bind(this.callbacks)].filter((f) => f != null);
    if (sinks.length === 0) return;
    const line = keyLogLine(label, clientRandom, secret);
    this.keyLogged = true;
    for (const sink of sinks) sink(line);
  }

  private keepSession(session: Uint8Array): void {
    this.lastSession = session;
    this.callbacks.onSession?.(session);
  }

  private fail(err: Error): void {
    if (this.error) return;
    this.error = err;
    // After destroy() the application already knows: no alert, no onError.
    const destroyedLocally = this.state === "closed";
    // A failure of our own (a provider error, a bug) still tells the peer: internal_error (RFC 8446 6.2).
    if (!destroyedLocally && !(err instanceof AlertReceived)) {
      this.outbound.sendAlert(err instanceof TlsError ? err.alertCode : AlertDescription.internal_error);
    }
    this.outbound.stopHoldingFlights();
    this.state = "closed";
    if (destroyedLocally) return void this.handshakeReject(err);
    // Report after queued output (our flight, then the alert) reached the transport, before it is torn down.
    void this.outbound.flushed
      .catch(() => undefined)
      .then(() => {
        this.handshakeReject(err);
        this.callbacks.onError?.(err);
      });
  }

  private async readLoop(): Promise<void> {
    const inARow = this.inbound.inARow;
    for (;;) {
      const record = await this.inbound.readRecord("end");
      // Also after destroy(): endOfInput() then has nothing to report.
      if (!record) return this.endOfInput(true);
      if (record.type === ContentType.ApplicationData) {
        // RFC 8446 5.1 allows empty application data (traffic analysis); a run of them is a flood.
        if (record.content.length === 0) {
          inARow.count("TooManyEmptyRecords");
          continue;
        }
        inARow.applicationData();
        this.callbacks.onData?.(record.content);
      } else if (record.type === ContentType.Handshake) {
        this.inbound.joinHandshake(record.content);
        for (let msg = this.inbound.nextMessage(); msg; msg = this.inbound.nextMessage()) await this.traffic!.onMessage(msg);
      } else if (record.type === ContentType.Alert) {
        if (this.inbound.readAlert(record.content) === "close_notify") return this.endOfInput(false);
      } else {
        throw new PeerMisbehaved("UnexpectedRecord", "unexpected_message", `content type ${record.type}`);
      }
    }
  }

  private endOfInput(truncated: boolean): void {
    if (this.state === "closed") return;
    if (truncated && this.inbound.truncated) throw new PeerMisbehaved("TruncatedRecord", "decode_error");
    this.callbacks.onEnd?.(truncated);
  }

  /** Replaces our write key before the record that would pass the key's usage limit (or the configured one). */
  private updateKeyAtLimit(): void {
    // TLS 1.2 has no KeyUpdate: its traffic rejects, and the connection ends rather than overuse the key.
    if (this.outbound.recordsUnderKey >= this.recordLimit()) this.traffic!.updateWriteKey(false).catch((e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))));
  }

  /** Records our write key may seal before it is replaced: the AEAD's usage limit, or the configured one. */
  private recordLimit(): number {
    const every = this.limits.keyUpdateAfterRecords;
    return every > 0 ? Math.min(every, RECORDS_PER_KEY_LIMIT) : RECORDS_PER_KEY_LIMIT;
  }

  private handshakeContext(): HandshakeContext {
    return {
      provider: this.provider,
      limits: this.limits,
      // Waiting for the peer ends our flight: what it holds leaves in one write.
      readMessage: () => {
        this.outbound.endFlight();
        return this.inbound.readHandshakeMessage().then((m) => this.noteFinished(m));
      },
      expect: (type) => {
        this.outbound.endFlight();
        return this.inbound.expect(type).then((m) => this.noteFinished(m));
      },
      endFlight: () => this.outbound.endFlight(),
      flightSent: () => this.transmitted,
      send: (raw) => {
        if (raw[0] === HandshakeType.Finished) this.finishedSent = raw.slice(4);
        this.outbound.sendHandshake(raw);
      },
      sendChangeCipherSpec: () => this.outbound.sendChangeCipherSpec(),
      limitRecordSize: (peerLimit, version) => {
        // RFC 8449 4: TLS 1.3's limit counts the inner content type; neither version goes past 2^14.
        this.outbound.peerFragmentLimit = Math.min(MAX_PLAINTEXT, version === "TLSv1.3" ? peerLimit - 1 : peerLimit);
      },
      negotiated: (version) => void (this.inbound.version = version),
      readChangeCipherSpec: (protection) => {
        this.outbound.endFlight();
        return this.inbound.readChangeCipherSpec(protection);
      },
      logKey: (label, clientRandom, secret) => this.logKey(label, clientRandom, secret),
      skipRejectedEarlyData: (afterRetry) => this.inbound.skipRejectedEarlyData(afterRetry),
      installReadProtection: (protection, after) => this.inbound.installProtection(protection, after),
      expectReadProtection: (protection) => this.inbound.expectProtection(protection),
      installWriteProtection: (protection) => this.outbound.installProtection(protection),
    };
  }

  private trafficHost(): TrafficHost {
    const conn = this;
    return {
      sendRecord: (type, content) => this.outbound.sendRecord(type, content),
      installReadProtection: (protection, after) => this.inbound.installProtection(protection, after),
      installWriteProtection: (protection) => this.outbound.installProtection(protection),
      inARow: this.inbound.inARow,
      keepSession: (session) => this.keepSession(encodeSession(session)),
      fail: (error) => this.fail(error),
      get writeClosed() {
        return conn.writeClosed;
      },
    };
  }
}
