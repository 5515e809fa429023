// TLSSocket: a sans-IO Connection over any Node Duplex (a net.Socket, or a stream handed over for
// STARTTLS), with node:tls's TLSSocket accessors and the net.Socket methods http and undici call.
// Flow control runs both ways: plaintext is pushed only while the reader keeps up (else the raw
// socket is paused, so TCP pushes back on the peer), a write completes once the raw socket drains (and
// never in the turn it was made), and the raw socket is not read while output the peer provoked
// (KeyUpdate answers, alerts) cannot leave.
import type { ClientConnection } from "../../conn/client.js";
import type { ServerConnection } from "../../conn/server.js";
import type { ConnectionCallbacks } from "../../conn/connection.js";
import { TRANSPORT_INPUT_BACKLOG } from "../../config/limits.js";
import { ConfigError, HandshakeTimeout } from "../../errors.js";
import type { DetailedPeerCertificate } from "./certificate.js";
import type { RawSocket } from "./raw-socket.js";
import { asRecords, drained, ownOutputBacklogged } from "./backpressure.js";
import { CARRY_BELOW, WRITABLE_HIGH_WATER_MARK, joinWrites, keepJoined } from "./write-batch.js";
import { authorizationErrorCode } from "./negotiated.js";
import { NegotiatedSocket } from "./negotiated-socket.js";
import { nodeNet } from "../../../providers/node/builtins.js";
const { Socket: NetSocket } = nodeNet;

export type { RawSocket };

/** How the peer came out of the checks that follow the handshake. */
export interface Authorization {
  authorized: boolean;
  /** Why the peer is not authorized; null when it is (or was never asked for a certificate). */
  failure: Error | null;
  /** End the connection with `failure` instead of recording it. */
  fatal: boolean;
  /** The path a verification after the handshake built, leaf to anchor (rejectUnauthorized: false). */
  path?: readonly Uint8Array[];
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

/** Records of ours that may wait to be sealed while the application's next write is taken. */
const RECORDS_SEALING_AHEAD = 16;

/**
 * A TLS connection as a Node Duplex stream. Made by connect() or a Server. NegotiatedSocket carries
 * node:tls's TLSSocket accessors, RawSocketDuplex the net.Socket surface (setTimeout, setNoDelay, addresses, …).
 */
export class TLSSocket extends NegotiatedSocket {
  private handshakeTimer: ReturnType<typeof setTimeout> | null = null;
  // Bytes that arrive before the connection exists (the server reads the ClientHello to pick a certificate).
  private early: Buffer[] = [];
  private earlyEnd = false;
  private rawEnded = false;
  private peek: ((bytes: Buffer | null) => void) | null = null;
  // The readable side wants more plaintext (false from a push() that returned false until _read()).
  private wantsData = true;
  /** asRecords() of the application's write being sent: that much of the raw socket's queue is not our own output. */
  private appBytesInFlight = 0;
  /** A small write whose callback has run, to be sealed with the write()s that follow it. */
  private carried: Uint8Array | null = null;
  private secureDone!: () => void;
  /** Sessions that arrived before 'secureConnect', delivered after it; null once it was emitted. */
  private sessionsBeforeSecure: Uint8Array[] | null = [];
  /** The raw socket is corked by holdWrites(). */
  private writesHeld = false;
  /** A client until 'secureConnect': its writes are held to the end of their turn (holdWrites). */
  private holdingForFirstData: boolean;
  private secureFailed!: (err: Error) => void;
  /** Settles once the handshake and the checks after it are done; writes wait for it. */
  private readonly secured: Promise<void>;
  /** `secured` has settled: destroying the socket later builds no error for it (an Error's stack costs a warm handshake ~15 µs). */
  private secureSettled = false;

  constructor(socket: RawSocket, options: TLSSocketOptions & { [MADE_BY_FIPSTLS]?: true } = {}) {
    if (options[MADE_BY_FIPSTLS] !== true) {
      throw new ConfigError("new TLSSocket() is not supported: use connect({ socket }) (client) or server.emit('connection', socket) (server) to run TLS over a stream", "TLSSocket");
    }
    const highWaterMark = options.highWaterMark !== undefined ? { highWaterMark: options.highWaterMark } : { writableHighWaterMark: WRITABLE_HIGH_WATER_MARK };
    super(socket, { allowHalfOpen: options.allowHalfOpen ?? false, ...highWaterMark }, options.isServer ?? false);
    this.holdingForFirstData = !this.isServer;
    this.secured = new Promise<void>((resolve, reject) => {
      this.secureDone = () => {
        this.secureSettled = true;
        resolve();
      };
      this.secureFailed = (err) => {
        this.secureSettled = true;
        reject(err);
      };
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

  /**
   * A client's Finished and the application's first data, when 'secureConnect' handlers write at once,
   * leave in one TCP write, as node:tls's client sends them (OpenSSL still holds its Finished when it
   * reports the handshake done). A server that has Nagle's algorithm on (node:tls's default) otherwise
   * receives the two apart, sends its tickets on the Finished, and holds its first answer until our TCP
   * stack acknowledges them: measured, 8–10 ms to the first echoed byte instead of 3. During the handshake
   * writes are held to the end of the event-loop turn they were made in, never longer, so that a flight
   * that waits for an answer (a second ClientHello, TLS 1.2's key exchange) leaves at once.
   *
   * A TLS 1.3 server's session tickets are held the same way, so that they leave with the first answer
   * when the application writes in the turn its handshake completed, as node:tls's server sends them
   * (and as BoringSSL's, which flushes tickets with the server's first write): one TCP write and one
   * read at the client instead of two.
   */
  private holdWrites(): void {
    const socket = this.socket;
    if (this.writesHeld || !(socket instanceof NetSocket)) return;
    this.writesHeld = true;
    socket.cork();
    setImmediate(() => {
      // After 'secureConnect': data the application wrote in its turn may still be being sealed.
      if (!this.holdingForFirstData && (this.connection?.recordsQueued ?? 0) > 0) return;
      this.releaseHeldWrites();
    });
  }

  /**
   * A TLS 1.3 server's handshake is complete and not yet reported: what it sends now is its session
   * tickets, which no client waits for. (A TLS 1.2 server's last flight ends with its Finished, which
   * the client waits for before it sends anything: that one leaves at once.)
   */
  private sendingTickets(): boolean {
    const c = this.connection;
    return this.isServer && !this.secureSettled && c?.state === "open" && c.info.version === "TLSv1.3";
  }

  private releaseHeldWrites(): void {
    if (!this.writesHeld) return;
    this.writesHeld = false;
    this.socket.uncork();
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
      transmit: (bytes, release) => {
        if (this.socket.destroyed) return;
        if (this.holdingForFirstData || this.sendingTickets()) this.holdWrites();
        // A net.Socket is done with a chunk once its write completed: written to the kernel (or, for a
        // node:tls socket, taken by OpenSSL), so the connection may reuse the buffer. Any other stream
        // may hold on to the chunk, so its buffers are never handed back.
        if (!(this.socket instanceof NetSocket)) {
          if (!this.socket.write(bytes)) this.flow();
          return;
        }
        // On failure the chunk may still be queued somewhere: not handed back.
        if (!this.socket.write(bytes, (e) => e == null && release())) this.flow();
        // The first data after the handshake has joined what was held: nothing more to wait for.
        if (this.writesHeld && this.secureSettled && !this.holdingForFirstData && this.connection?.recordsQueued === 0) this.releaseHeldWrites();
        // An empty queue right after write() means the bytes went to the kernel at once: reusable now,
        // without waiting for the callback's tick.
        return this.socket.writableLength === 0;
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
    // Our last flight has been handed over: a client's Finished, or a server's session tickets, which
    // may both wait to leave with the application's first data (holdWrites).
    await this.connection?.transmitted;
    if (this.destroyed) return;
    // As node:tls with requestOCSP: the stapled response (null: none) before 'secureConnect'.
    const c = this.connection;
    if (c !== null && c.config.side === "client" && c.config.requestOcsp) {
      const staple = c.info.ocspResponse;
      this.emit("OCSPResponse", staple === undefined ? null : Buffer.from(staple));
    }
    try {
      this.described = true;
      const verdict = await authorize(this, () => this.peerDescription());
      if (this.destroyed) return;
      this.authorized = verdict.authorized;
      this.authorizationFailure = verdict.failure;
      this.authorizationError = verdict.failure === null ? null : authorizationErrorCode(verdict.failure);
      if (verdict.path) this.verifiedPath = verdict.path;
      if (verdict.failure && verdict.fatal) return void this.destroy(verdict.failure);
    } catch (e) {
      return void this.destroy(e instanceof Error ? e : new Error(String(e)));
    }
    this.clearHandshakeTimer();
    this.secureDone();
    this.holdingForFirstData = false;
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

  // ---- stream.Duplex ----

  override _read(): void {
    this.wantsData = true;
    this.flow();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeApplicationData(chunk, callback);
  }

  private writeApplicationData(data: Buffer | ReadonlyArray<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.refreshIdleTimer();
    this.secured.then(() => this.sendApplicationData(data, callback), callback);
  }

  private sendApplicationData(data: Buffer | ReadonlyArray<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    if (this.socket.destroyed || this.socket.writableEnded) return callback(Object.assign(new Error("This socket has been ended by the other party"), { code: "EPIPE" }));
    // The first of a run of small write()s reaches _write alone while the rest of the run waits in the
    // Writable buffer until its callback: sealed at once, it would leave as a record and a TCP write of
    // its own. It is carried instead (copied: the callback lets the application reuse it) and sealed
    // with the rest, which the Writable hands to _writev from within the callback.
    if (Buffer.isBuffer(data) && data.length < CARRY_BELOW && this.carried === null && this.writableLength > data.length && !this.writableCorked) {
      this.carried = new Uint8Array(data);
      return callback();
    }
    const conn = this.connection!;
    const parts: Uint8Array[] = Buffer.isBuffer(data) ? [asBytes(data)] : data.map((c) => c.chunk);
    if (this.carried !== null) parts.unshift(this.carried);
    this.carried = null;
    const joined = joinWrites(parts);
    this.appBytesInFlight = asRecords(joined.length);
    const written = conn.write(joined);
    // Records still waiting to be sealed (an asynchronous provider, or records queued ahead) may hold
    // views of the joined bytes; once the connection sealed from them at once, they are free again.
    if (conn.recordsQueued > 0) keepJoined(joined);
    // A provider that seals asynchronously (WebCrypto) seals the next write while this one's records
    // are still being sealed: the write is done once they are queued, while few wait. (A write the
    // connection refused has already failed, and the race reports it.) Either way it completes no
    // earlier than the event loop's next turn: a writer that the kernel keeps up with would otherwise run
    // from write to write in microtasks, and every other socket of the process, the reader of a loopback
    // peer among them, would wait until the kernel's buffer was full. node:tls does let it run so (3.8 MB
    // of 64 KiB writes completed before the next turn on loopback, Node 20 and 24, measured); the yield
    // cost no measurable throughput here (32 MiB downloads, with and without it).
    (conn.recordsQueued <= RECORDS_SEALING_AHEAD ? Promise.race([written, Promise.resolve()]) : written)
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
    this.writeApplicationData(chunks.length === 1 ? chunks[0]!.chunk : chunks, callback);
  }

  /**
   * A carried write has had its callback, so it leaves however the socket ends: a callback that calls
   * destroy() must not lose it. Otherwise the _writev behind it takes it, always before _final.
   */
  private sendCarried(): void {
    const carried = this.carried;
    this.carried = null;
    if (carried !== null && this.connection?.state === "open") this.connection.write(carried).catch(noop);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.secured
      .then(
        () => {
          this.sendCarried();
          return this.connection!.close();
        },
        () => undefined,
      )
      .then(() => new Promise<void>((resolve) => (this.socket.writableEnded ? resolve() : this.socket.end(resolve))))
      .then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.hadError = error !== null;
    this.clearHandshakeTimer();
    this.clearIdleTimer();
    if (!this.secureSettled) this.secureFailed(error ?? new Error("socket destroyed before the handshake completed"));
    this.sendCarried();
    this.connection?.destroy();
    // An alert written during this turn must leave before the socket goes: destroy() drops corked writes.
    this.releaseHeldWrites();
    this.socket.destroy();
    callback(error);
  }
}
