// TLSSocket: a sans-IO Connection over any Node Duplex (a net.Socket, or a stream handed over for
// STARTTLS), with node:tls's TLSSocket accessors and the net.Socket methods http and undici call.
// Flow control runs both ways: plaintext is pushed only while the reader keeps up (else the raw
// socket is paused, so TCP pushes back on the peer), a write completes once the raw socket drains, and
// the raw socket is not read while output the peer provoked (KeyUpdate answers, alerts) cannot leave.
import { X509Certificate } from "node:crypto";
import type { ClientConnection } from "../../conn/client.js";
import type { ServerConnection } from "../../conn/server.js";
import type { ConnectionCallbacks } from "../../conn/connection.js";
import { TRANSPORT_INPUT_BACKLOG } from "../../config/limits.js";
import type { NegotiatedInfo, TlsVersionName } from "../../handshake/info.js";
import { ConfigError, HandshakeTimeout, UsageError } from "../../errors.js";
import { type AuditReport, auditConnection } from "../../../compliance/audit.js";
import { type DetailedPeerCertificate, type PeerCertificate, describeChain, withoutIssuer } from "./certificate.js";
import { type RawSocket, RawSocketDuplex } from "./raw-socket.js";
import { asRecords, drained, ownOutputBacklogged } from "./backpressure.js";
import { isIpLiteral } from "../../verify/names.js";
import { type CipherNameAndProtocol, type EphemeralKeyInfo, authorizationErrorCode, checkExporterArguments, cipherOf, ephemeralKeyInfo, ticketOf } from "./negotiated.js";

export type { RawSocket };

/** How the peer came out of the checks that follow the handshake. */
export interface Authorization {
  authorized: boolean;
  /** Why the peer is not authorized; null when it is (or was never asked for a certificate). */
  failure: Error | null;
  /** End the connection with `failure` instead of recording it. */
  fatal: boolean;
}

/** Judges the peer once the handshake has completed; `peer()` describes its certificate, if it sent one, when asked. */
export type Authorize = (socket: TLSSocket, peer: () => DetailedPeerCertificate | null) => Promise<Authorization>;

export interface TLSSocketOptions {
  isServer?: boolean;
  allowHalfOpen?: boolean;
  highWaterMark?: number;
}

/** Only connect() and Server make TLSSockets: one made elsewhere would never start a handshake. */
export const MADE_BY_FIPSTLS: unique symbol = Symbol("fipstls TLSSocket");

const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const noop = (): void => undefined;

/**
 * A TLS connection as a Node Duplex stream, with node:tls's TLSSocket accessors. Made by connect() or a Server.
 * RawSocketDuplex carries the net.Socket surface (setTimeout, setNoDelay, addresses, …).
 */
/** Records of ours that may wait to be sealed while the application's next write is taken. */
const RECORDS_SEALING_AHEAD = 16;

export class TLSSocket extends RawSocketDuplex {
  readonly encrypted = true;
  /** True once the peer's certificate chain has been verified (and passed checkServerIdentity). */
  authorized = false;
  /** Why the peer is not authorized: an InvalidCertificate's reason ("UnknownIssuer", …), else the error's code or message. */
  authorizationError: string | null = null;
  /** The error behind authorizationError (fipstls-specific). */
  authorizationFailure: Error | null = null;
  readonly isServer: boolean;
  private connection: ClientConnection | ServerConnection | null = null;
  private maxSendFragment = 16384;
  private handshakeTimer: ReturnType<typeof setTimeout> | null = null;
  // Bytes that arrive before the connection exists (the server reads the ClientHello to pick a certificate).
  private early: Buffer[] = [];
  private earlyEnd = false;
  private rawEnded = false;
  private peek: ((bytes: Buffer | null) => void) | null = null;
  private described = false;
  // node:tls-shaped descriptions of the chains, made on first use (most applications never ask).
  private peer: DetailedPeerCertificate | null | undefined = undefined;
  private own: DetailedPeerCertificate | null | undefined = undefined;
  // The readable side wants more plaintext (false from a push() that returned false until _read()).
  private wantsData = true;
  /** asRecords() of the application's write being sent: that much of the raw socket's queue is not our own output. */
  private appBytesInFlight = 0;
  private secureDone!: () => void;
  /** Sessions that arrived before 'secureConnect', delivered after it; null once it was emitted. */
  private sessionsBeforeSecure: Uint8Array[] | null = [];
  /** The last handshake write, settled once the raw socket took it; null once the handshake is over. */
  private handshakeWritten: Promise<void> | null = Promise.resolve();
  private secureFailed!: (err: Error) => void;
  /** Settles once the handshake and the checks after it are done; writes wait for it. */
  private readonly secured: Promise<void>;

  constructor(socket: RawSocket, options: TLSSocketOptions & { [MADE_BY_FIPSTLS]?: true } = {}) {
    if (options[MADE_BY_FIPSTLS] !== true) {
      throw new ConfigError("new TLSSocket() is not supported: use connect({ socket }) (client) or server.emit('connection', socket) (server) to run TLS over a stream", "TLSSocket");
    }
    super(socket, { allowHalfOpen: options.allowHalfOpen ?? false, ...(options.highWaterMark !== undefined ? { highWaterMark: options.highWaterMark } : {}) });
    this.isServer = options.isServer ?? false;
    this.secured = new Promise<void>((resolve, reject) => {
      this.secureDone = resolve;
      this.secureFailed = reject;
    });
    this.secured.catch(noop);
    socket.on("drain", () => this.flow());
    socket.on("data", (b: Buffer) => this.fromNetwork(b));
    socket.on("end", () => {
      this.rawEnded = true;
      if (this.connection) return this.connection.receiveEnd();
      this.earlyEnd = true;
      this.peek?.(null);
    });
    socket.on("error", (e: Error) => this.destroy(e));
    socket.on("close", () => {
      // A raw stream closed without its end, or before the handshake finished, takes the TLS socket with it.
      if (!this.destroyed && (this.connection?.state !== "open" || !this.rawEnded)) this.destroy();
    });
    socket.pause();
  }

  private fromNetwork(b: Buffer): void {
    this.refreshIdleTimer();
    if (this.connection) {
      this.connection.receive(asBytes(b));
      if (this.connection.inputBacklog > TRANSPORT_INPUT_BACKLOG) this.flow();
      return;
    }
    this.early.push(b);
    this.peek?.(b);
  }

  /** Starts the clock for the whole handshake, SNI selection and peer checks included (0: no limit, as node:tls). */
  startHandshakeClock(ms: number): void {
    if (ms > 0) this.handshakeTimer ??= setTimeout(() => this.destroy(new HandshakeTimeout(ms)), ms);
  }

  /** Reads the raw socket while the reader wants plaintext and our own output is not piling up; else pauses it. */
  private flow(): void {
    if (!this.connection || this.destroyed) return;
    const read = this.wantsData && !ownOutputBacklogged(this.socket, this.appBytesInFlight) && this.connection.inputBacklog <= TRANSPORT_INPUT_BACKLOG;
    if (read && this.socket.isPaused()) this.socket.resume();
    else if (!read && !this.socket.isPaused()) this.socket.pause();
  }

  /** Reads ahead of the connection, handing each chunk (null at the end) to `listener` until attach() or stopPeeking(). */
  peekNetwork(listener: (bytes: Buffer | null) => void): void {
    this.peek = listener;
    for (const b of this.early) if (this.peek === listener) listener(b);
    if (this.earlyEnd && this.peek === listener) listener(null);
    if (this.peek === listener) this.socket.resume();
  }

  stopPeeking(): void {
    this.peek = null;
    if (!this.connection) this.socket.pause();
  }

  /** Binds the sans-IO connection, replays what was read ahead, and runs the handshake. */
  attach(make: (callbacks: ConnectionCallbacks) => ClientConnection | ServerConnection, authorize: Authorize): void {
    if (this.destroyed) return;
    const conn = make({
      transmit: (bytes) => {
        if (this.socket.destroyed) return;
        if (this.handshakeWritten !== null) {
          // A flight's last write settles when the raw socket took it (the callback also runs on failure).
          this.handshakeWritten = new Promise((resolve) => {
            if (!this.socket.write(bytes, () => resolve())) this.flow();
          });
          return;
        }
        if (!this.socket.write(bytes)) this.flow();
      },
      onData: (data) => {
        if (this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength))) return;
        this.wantsData = false;
        this.flow();
      },
      onEnd: () => {
        this.push(null);
        // As net.Socket does: with nothing left unread, 'end' (and so the auto end() of our side) comes even if nobody reads.
        this.read(0);
      },
      onError: (err) => this.destroy(err),
      onInputDrained: () => this.flow(),
      // As node:tls: 'session' after 'secureConnect' (a TLS 1.2 session is known a little before).
      onSession: (session) => {
        if (this.sessionsBeforeSecure === null) this.emit("session", Buffer.from(session));
        else this.sessionsBeforeSecure.push(session);
      },
    });
    this.connection = conn;
    conn.setMaxFragment(this.maxSendFragment);
    this.peek = null;
    this.rememberEndpoint();
    conn.handshake.then(() => this.afterHandshake(authorize), noop);
    conn.start();
    for (const b of this.early) conn.receive(asBytes(b));
    this.early = [];
    if (this.earlyEnd) conn.receiveEnd();
    this.flow();
  }

  private async afterHandshake(authorize: Authorize): Promise<void> {
    // As in node:tls, the handshake includes delivering its last flight (a server's session tickets
    // too): a peer that hung up meanwhile fails the handshake ('tlsClientError') rather than an
    // established socket nobody listens to yet.
    const written = this.handshakeWritten;
    this.handshakeWritten = null;
    await written;
    if (this.destroyed) return;
    try {
      this.described = true;
      const verdict = await authorize(this, () => this.peerDescription());
      if (this.destroyed) return;
      this.authorized = verdict.authorized;
      this.authorizationFailure = verdict.failure;
      this.authorizationError = verdict.failure === null ? null : authorizationErrorCode(verdict.failure);
      if (verdict.failure && verdict.fatal) return void this.destroy(verdict.failure);
    } catch (e) {
      return void this.destroy(e instanceof Error ? e : new Error(String(e)));
    }
    this.clearHandshakeTimer();
    this.secureDone();
    this.emit(this.isServer ? "secure" : "secureConnect");
    const early = this.sessionsBeforeSecure ?? [];
    this.sessionsBeforeSecure = null;
    for (const session of early) this.emit("session", Buffer.from(session));
    // One audit record per connection, for services that log them.
    if (this.listenerCount("audit") > 0) this.emit("audit", this.audit());
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }

  /** Everything the handshake negotiated (fipstls-specific); null before it completes. */
  get tlsInfo(): NegotiatedInfo | null {
    const c = this.connection;
    if (!c || c.state === "handshaking") return null;
    try {
      return c.info;
    } catch {
      return null;
    }
  }

  /** The negotiated parameters judged against the policy, peer chain included. */
  audit(): AuditReport {
    if (!this.connection || !this.tlsInfo) throw new UsageError("no completed handshake to audit");
    const report = auditConnection(this.connection.config, this.connection.info, `${this.isServer ? "server" : "client"} connection ${this.localAddress}:${this.localPort} <-> ${this.remoteAddress}:${this.remotePort}`);
    // A server chain kept despite failing verification (rejectUnauthorized: false) makes the connection non-compliant.
    if (this.isServer || this.authorizationFailure === null) return report;
    const reason = `server certificate not verified (${this.authorizationError}): ${this.authorizationFailure.message}`;
    return { ...report, verdict: { ...report.verdict, compliant: false, reasons: [...report.verdict.reasons, reason] } };
  }

  getProtocol(): TlsVersionName | null {
    return this.tlsInfo?.version ?? null;
  }

  getCipher(): CipherNameAndProtocol | null {
    const info = this.tlsInfo;
    return info ? cipherOf(info) : null;
  }

  /** As node:tls on a client: the key exchange group; {} on a server, null before the handshake. */
  getEphemeralKeyInfo(): EphemeralKeyInfo | Record<string, never> | null {
    const info = this.tlsInfo;
    if (!info) return null;
    return this.isServer ? {} : ephemeralKeyInfo(info);
  }

  get alpnProtocol(): string | false {
    return this.tlsInfo?.alpnProtocol ?? false;
  }

  /** The SNI name: the one the client sent (a client connecting to an IP address sends none: false, as node:tls). */
  get servername(): string | false {
    const name = this.tlsInfo?.serverName;
    return name === undefined || name === null || isIpLiteral(name) ? false : name;
  }

  /**
   * The peer's certificate as node:tls describes it: {} when the peer sent none (a server that did
   * not request one), null before the handshake completes. `detailed` links issuerCertificate.
   */
  getPeerCertificate(detailed: true): DetailedPeerCertificate | Record<string, never> | null;
  getPeerCertificate(detailed?: false): PeerCertificate | Record<string, never> | null;
  getPeerCertificate(detailed = false): PeerCertificate | Record<string, never> | null {
    if (!this.described || this.destroyed) return null;
    const peer = this.peerDescription();
    if (!peer) return {};
    return detailed ? peer : withoutIssuer(peer);
  }

  private peerDescription(): DetailedPeerCertificate | null {
    this.peer ??= describeChain(this.connection!.info.peerCertificates);
    return this.peer;
  }

  /** Our own certificate, described the same way; {} when we sent none. */
  getCertificate(): PeerCertificate | Record<string, never> | null {
    if (!this.described || this.destroyed) return null;
    this.own ??= describeChain(this.connection!.config.certificateChain.slice(0, 1));
    return this.own ? withoutIssuer(this.own) : {};
  }

  /** The peer's leaf as a node:crypto X509Certificate (parsed by node, not by fipstls). */
  getPeerX509Certificate(): X509Certificate | undefined {
    const der = this.tlsInfo?.peerCertificates[0];
    return der ? new X509Certificate(der) : undefined;
  }

  /** Client side: the latest resumable session (as the 'session' event gave it), for a later connect({ session }). */
  getSession(): Buffer | undefined {
    const session = this.connection?.session;
    return session ? Buffer.from(session) : undefined;
  }

  /** Client side: the ticket of the latest session, if the server issued one. */
  getTLSTicket(): Buffer | undefined {
    const session = this.connection?.session;
    return session ? ticketOf(session) : undefined;
  }

  /** The verify_data of the latest Finished we sent, as node:tls gives it (tls-unique channel bindings). */
  getFinished(): Buffer | undefined {
    const sent = this.connection?.finishedMessages.sent;
    return sent ? Buffer.from(sent) : undefined;
  }

  /** The verify_data of the latest Finished the peer sent. */
  getPeerFinished(): Buffer | undefined {
    const received = this.connection?.finishedMessages.received;
    return received ? Buffer.from(received) : undefined;
  }

  /** As node:tls: records carry at most `size` plaintext bytes (512 to 16384); false, and no change, outside that range. */
  setMaxSendFragment(size: number): boolean {
    if (!Number.isInteger(size) || size < 512 || size > 16384) return false;
    this.maxSendFragment = size;
    this.connection?.setMaxFragment(size);
    return true;
  }

  /** Whether the handshake resumed an earlier session (then no certificate was exchanged on this connection). */
  isSessionReused(): boolean {
    return this.tlsInfo?.resumed ?? false;
  }

  /**
   * RFC 8446 7.5 exporter. Unlike node:tls this is asynchronous (the provider's HKDF is), so it
   * resolves to the Buffer; in TLS 1.3 an absent and an empty context are the same.
   */
  async exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Promise<Buffer> {
    checkExporterArguments(length, label, context);
    const conn = this.connection;
    if (!conn || !this.tlsInfo) throw new UsageError("exportKeyingMaterial: the handshake has not completed");
    const out = await conn.exportKeyingMaterial(label, context ?? new Uint8Array(0), length);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }

  /** Sends a KeyUpdate (asking the peer to update too, unless `requestPeer` is false). */
  updateKeys(requestPeer = true): Promise<void> {
    if (!this.connection) return Promise.reject(new UsageError("cannot update keys before the handshake"));
    return this.connection.updateKeys(requestPeer);
  }

  // ---- stream.Duplex ----

  override _read(): void {
    this.wantsData = true;
    this.flow();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeApplicationData(chunk, callback);
  }

  private writeApplicationData(chunk: Buffer, callback: (error?: Error | null) => void): void {
    this.refreshIdleTimer();
    this.secured
      .then(() => {
        if (this.socket.destroyed || this.socket.writableEnded) throw Object.assign(new Error("This socket has been ended by the other party"), { code: "EPIPE" });
        this.appBytesInFlight = asRecords(chunk.length);
        const conn = this.connection!;
        const written = conn.write(asBytes(chunk));
        // A provider that seals asynchronously (WebCrypto) seals the next write while this one's records
        // are still being sealed: the write is done once they are queued, while few wait. (A write the
        // connection refused has already failed, and the race reports it.)
        return conn.recordsQueued <= RECORDS_SEALING_AHEAD ? Promise.race([written, Promise.resolve()]) : written;
      })
      .then(() => drained(this.socket))
      .finally(() => {
        this.appBytesInFlight = 0;
        this.flow();
      })
      .then(() => callback(), callback);
  }

  // As node:tls (its TLSWrap joins a writev into one SSL_write): writes queued while one was in flight
  // go out together, so a run of small write()s fills records instead of sealing one record each.
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.writeApplicationData(chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk)), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.secured
      .then(
        () => this.connection!.close(),
        () => undefined,
      )
      .then(() => new Promise<void>((resolve) => (this.socket.writableEnded ? resolve() : this.socket.end(resolve))))
      .then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.clearHandshakeTimer();
    this.clearIdleTimer();
    this.secureFailed(error ?? new Error("socket destroyed before the handshake completed"));
    this.connection?.destroy();
    this.socket.destroy();
    callback(error);
  }
}
