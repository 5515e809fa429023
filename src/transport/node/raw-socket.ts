// The net.Socket surface of a TLSSocket: the stream it runs over, and the idle timeout, socket
// options and addresses that http, https.Agent and undici call, passed through to that stream.
import type * as net from "node:net";
import type { DuplexOptions } from "node:stream";
import { nodeStream } from "../../../providers/node/builtins.js";
const { Duplex } = nodeStream;
type Duplex = import("node:stream").Duplex;

/** The stream TLS runs over; the net.Socket members are used when present. */
export type RawSocket = Duplex &
  Partial<Pick<net.Socket, "remoteAddress" | "remotePort" | "remoteFamily" | "localAddress" | "localPort" | "connecting" | "setNoDelay" | "setKeepAlive" | "ref" | "unref" | "address">>;

interface Endpoint {
  remoteAddress?: string;
  remotePort?: number;
  remoteFamily?: string;
  localAddress?: string;
  localPort?: number;
}

/** A Duplex over a RawSocket with net.Socket's timeout, options and addresses; TLSSocket adds the TLS. */
export class RawSocketDuplex extends Duplex {
  /** The idle timeout set by setTimeout(), in ms. */
  timeout: number | undefined = undefined;
  connecting = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  // net.Socket forgets its addresses once destroyed; node:tls's sockets keep them, and 'tlsClientError' handlers log them.
  private readonly endpoint: Endpoint = {};

  constructor(
    readonly socket: RawSocket,
    options: DuplexOptions,
  ) {
    super(options);
    this.rememberEndpoint();
    socket.once("connect", () => this.rememberEndpoint());
  }

  /** Notes the raw socket's addresses while it has them (a stream handed over may learn them late). */
  protected rememberEndpoint(): void {
    const s = this.socket;
    const e = this.endpoint;
    e.remoteAddress = s.remoteAddress ?? e.remoteAddress;
    e.remotePort = s.remotePort ?? e.remotePort;
    e.remoteFamily = s.remoteFamily ?? e.remoteFamily;
    e.localAddress = s.localAddress ?? e.localAddress;
    e.localPort = s.localPort ?? e.localPort;
  }

  /** Traffic went by: restart the idle timeout. */
  protected refreshIdleTimer(): void {
    this.idleTimer?.refresh();
  }

  protected clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Emits 'timeout' after `ms` without traffic, as net.Socket (0 turns it off). */
  setTimeout(ms: number, callback?: () => void): this {
    this.timeout = ms;
    this.clearIdleTimer();
    if (callback) {
      if (ms === 0) this.removeListener("timeout", callback);
      else this.once("timeout", callback);
    }
    if (ms > 0) {
      this.idleTimer = setTimeout(() => this.emit("timeout"), ms);
      this.idleTimer.unref();
    }
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay?.(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.socket.setKeepAlive?.(enable, initialDelay);
    return this;
  }

  ref(): this {
    this.socket.ref?.();
    return this;
  }

  unref(): this {
    this.socket.unref?.();
    return this;
  }

  address(): ReturnType<net.Socket["address"]> {
    return this.socket.address?.() ?? {};
  }

  // As node:tls's: still known after the socket is destroyed.
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress ?? this.endpoint.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort ?? this.endpoint.remotePort;
  }

  get remoteFamily(): string | undefined {
    return this.socket.remoteFamily ?? this.endpoint.remoteFamily;
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress ?? this.endpoint.localAddress;
  }

  get localPort(): number | undefined {
    return this.socket.localPort ?? this.endpoint.localPort;
  }
}
