// TLS over a binary WebSocket: how a browser reaches a TCP service (a database, a mail server)
// through a relay such as `fipstls relay`. The relay only ever sees TLS records, never plaintext.
// Runtime-agnostic: globalThis.WebSocket by default, or any constructor with the WHATWG shape
// (in Node 20, the `ws` package's WebSocket).
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from "../../config/timeouts.js";
import { HandshakeTimeout, UsageError } from "../../errors.js";
import { upgrade, type ByteStreamPair, type TlsStreams, type UpgradeOptions } from "./streams.js";

/** What connectWebSocket needs of a WebSocket: the part of the WHATWG API that browsers, Deno, Bun and `ws` share. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { readonly code: number; readonly reason: string; readonly wasClean: boolean }) => void): void;
  /** Flow control where the implementation has it (the `ws` package); browsers have none. */
  pause?(): void;
  resume?(): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketTlsOptions extends UpgradeOptions {
  /** The WebSocket class to use; default globalThis.WebSocket. */
  WebSocket?: WebSocketConstructor;
  protocols?: string | readonly string[];
  /** Milliseconds from the call until the TLS handshake completes (opening the socket included); 0 disables. Default DEFAULT_HANDSHAKE_TIMEOUT_MS (30 000). */
  handshakeTimeout?: number;
  /** Writes wait while the socket's bufferedAmount exceeds this many bytes. Default 1 MiB. */
  writeHighWaterMark?: number;
  /** Received bytes queued before the socket is paused (where it can be). Default 1 MiB. */
  readHighWaterMark?: number;
  /**
   * Where the socket cannot be paused (browsers), a reader that falls this many bytes behind fails
   * the connection with WebSocketBacklogExceeded instead of growing memory without limit. Default 16 MiB.
   */
  maxReadBacklog?: number;
}

/** A failure of the WebSocket under TLS (as opposed to a TLS error, which is a TlsError). */
export class WebSocketTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The socket never opened: refused, unreachable, or the handshake timeout struck first. */
export class WebSocketConnectFailed extends WebSocketTransportError {
  constructor(
    readonly url: string,
    readonly code: number,
    readonly reason: string,
  ) {
    super(`WebSocket to ${url} did not open (close code ${code}${reason ? `: ${reason}` : ""})`);
  }
}

/** The other end closed the socket abnormally (any code but 1000), e.g. a relay refusing the target. */
export class WebSocketClosed extends WebSocketTransportError {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly wasClean: boolean,
  ) {
    super(`WebSocket closed with code ${code}${reason ? ` (${reason})` : ""}`);
  }
}

/** A reader fell further behind than maxReadBacklog on a socket that cannot be paused. */
export class WebSocketBacklogExceeded extends WebSocketTransportError {
  constructor(readonly limit: number) {
    super(`more than ${limit} received bytes are waiting for the reader`);
  }
}

const OPEN = 1;
const CLOSED = 3;
// Close codes we send. 4499 ("client closed", as nginx's 499) carries the local error's name as its reason.
const NORMAL = 1000;
const ABORTED = 4499;

/** Opens `url` and runs a TLS client over it; returns the same shape as upgrade(). */
export function connectWebSocket(url: string | URL, options: WebSocketTlsOptions): TlsStreams {
  const { WebSocket, protocols, handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT_MS, writeHighWaterMark, readHighWaterMark, maxReadBacklog, ...tlsOptions } = options;
  const Ctor = WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Ctor) throw new UsageError("this runtime has no global WebSocket: pass options.WebSocket (in Node 20, the ws package's WebSocket)");
  const href = String(url);
  const socket = new Ctor(href, typeof protocols === "string" ? protocols : protocols ? [...protocols] : undefined);
  const transport = new SocketStreams(socket, href, {
    writeHighWaterMark: writeHighWaterMark ?? 1 << 20,
    readHighWaterMark: readHighWaterMark ?? 1 << 20,
    maxReadBacklog: maxReadBacklog ?? 16 << 20,
  });
  // The timer below covers opening the socket as well, so upgrade() needs none of its own.
  const tls = upgrade(transport, { ...tlsOptions, handshakeTimeout: 0 });

  const timer = handshakeTimeout > 0 ? setTimeout(() => transport.fail(new HandshakeTimeout(handshakeTimeout)), handshakeTimeout) : undefined;
  // upgrade() reports a dead transport as a destroyed connection; the transport's own error says more.
  const handshake = tls.handshake.then(
    (info) => {
      clearTimeout(timer);
      return info;
    },
    (e: unknown) => {
      clearTimeout(timer);
      throw transport.failure ?? e;
    },
  );
  handshake.catch(() => undefined);

  // A pass-through view of the plaintext, so that the socket can be closed once the application is
  // done with both directions (cancelling the TLS readable alone would leave the socket open).
  const inner = tls.readable.getReader();
  const readable = new ReadableStream<Uint8Array>(
    {
      pull: async (c) => {
        const { value, done } = await inner.read();
        if (!done) return c.enqueue(value);
        c.close();
        transport.readDone();
      },
      cancel: async (reason) => {
        await inner.cancel(reason);
        transport.readDone();
      },
    },
    { highWaterMark: 0 },
  );

  return { readable, writable: tls.writable, handshake, audit: () => tls.audit(), updateKeys: (requestPeer) => tls.updateKeys(requestPeer) };
}

interface Limits {
  readonly writeHighWaterMark: number;
  readonly readHighWaterMark: number;
  readonly maxReadBacklog: number;
}

/** A WebSocket as a byte stream pair, with as much backpressure as the socket allows. */
class SocketStreams implements ByteStreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** Why the transport failed, if it did; null for clean ends and local closes. */
  failure: WebSocketTransportError | HandshakeTimeout | null = null;
  private readonly opened: Promise<void>;
  private openedResolve!: () => void;
  private openedReject!: (e: Error) => void;
  private incoming!: ReadableStreamDefaultController<Uint8Array>;
  private isOpen = false;
  private ended = false; // no more bytes will arrive
  private closedLocally = false;
  private writeEnded = false;
  private readEnded = false;
  private paused = false;
  private peerClose: WebSocketClosed | null = null;

  constructor(
    private readonly socket: WebSocketLike,
    private readonly url: string,
    private readonly limits: Limits,
  ) {
    socket.binaryType = "arraybuffer";
    this.opened = new Promise<void>((resolve, reject) => {
      this.openedResolve = resolve;
      this.openedReject = reject;
    });
    this.opened.catch(() => undefined);
    socket.addEventListener("open", () => {
      this.isOpen = true;
      this.openedResolve();
    });
    socket.addEventListener("message", (event) => this.onMessage(event.data));
    // Browsers say nothing in the error event; the close event that always follows has the code.
    socket.addEventListener("error", () => undefined);
    socket.addEventListener("close", (event) => this.onClose(event.code, event.reason, event.wasClean));

    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (c) => void (this.incoming = c),
        pull: () => {
          if (!this.paused) return;
          this.paused = false;
          this.socket.resume?.();
        },
        cancel: () => this.readDone(),
      },
      { highWaterMark: limits.readHighWaterMark, size: (chunk) => chunk.byteLength },
    );
    this.writable = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        await this.opened;
        this.assertWritable();
        this.socket.send(chunk);
        if (this.socket.bufferedAmount > this.limits.writeHighWaterMark) await this.drained();
      },
      close: () => {
        this.writeEnded = true;
        this.finishIfDone();
      },
      abort: (reason: unknown) => this.closeSocket(ABORTED, errorName(reason)),
    });
  }

  /** Fails both directions with `err` and closes the socket. */
  fail(err: WebSocketTransportError | HandshakeTimeout): void {
    if (this.failure || this.closedLocally) return;
    this.failure = err;
    this.openedReject(err);
    this.endIncoming(err);
    this.closeSocket(ABORTED, err.name);
  }

  /** The application is done reading (plaintext ended or cancelled). */
  readDone(): void {
    this.readEnded = true;
    this.finishIfDone();
  }

  private finishIfDone(): void {
    if (this.readEnded && this.writeEnded) this.closeSocket(NORMAL, "");
  }

  private closeSocket(code: number, reason: string): void {
    if (this.closedLocally) return;
    this.closedLocally = true;
    this.openedReject(new WebSocketConnectFailed(this.url, code, "closed locally"));
    this.endIncoming(null);
    // Close reasons are limited to 123 bytes; error names are far shorter, but the bound is the socket's.
    if (this.socket.readyState !== CLOSED) this.socket.close(code, reason.slice(0, 120));
  }

  private onMessage(data: unknown): void {
    if (this.ended) return;
    if (!(data instanceof ArrayBuffer)) {
      // binaryType is "arraybuffer", so anything else is a text message: not a byte stream.
      return this.fail(new WebSocketTransportError("received a text message; a TLS relay must send binary messages"));
    }
    this.incoming.enqueue(new Uint8Array(data));
    const desired = this.incoming.desiredSize ?? 0;
    if (desired > 0) return;
    if (this.socket.pause) {
      this.paused = true;
      this.socket.pause();
    } else if (this.limits.readHighWaterMark - desired > this.limits.maxReadBacklog) {
      this.fail(new WebSocketBacklogExceeded(this.limits.maxReadBacklog));
    }
  }

  private onClose(code: number, reason: string, wasClean: boolean): void {
    if (!this.isOpen) {
      return this.fail(new WebSocketConnectFailed(this.url, code, reason));
    }
    if (this.closedLocally) return;
    if (code === NORMAL && wasClean) {
      // The relay's way of saying the TCP connection ended: end of stream, which TLS judges (close_notify or truncation).
      this.endIncoming(null);
      this.peerClose = new WebSocketClosed(code, reason, wasClean);
      return;
    }
    this.fail(new WebSocketClosed(code, reason, wasClean));
  }

  private endIncoming(err: Error | null): void {
    if (this.ended) return;
    this.ended = true;
    try {
      if (err) this.incoming.error(err);
      else this.incoming.close();
    } catch {
      // already closed by the reader's cancel
    }
  }

  private assertWritable(): void {
    if (this.failure) throw this.failure;
    if (this.peerClose) throw this.peerClose;
    if (this.closedLocally || this.socket.readyState !== OPEN) throw new WebSocketClosed(NORMAL, "closed locally", true);
  }

  /** WebSocket has no drain event: poll bufferedAmount until it falls to half the high-water mark. */
  private drained(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        try {
          this.assertWritable();
        } catch (e) {
          return reject(e);
        }
        if (this.socket.bufferedAmount <= this.limits.writeHighWaterMark / 2) return resolve();
        setTimeout(check, 5);
      };
      setTimeout(check, 5);
    });
  }
}

function errorName(reason: unknown): string {
  return reason instanceof Error ? reason.name : "aborted";
}
