// A BenchSocket over a TCP socket and a JavaScript TLS engine that is not a stream itself (subtls,
// @reclaimprotocol/tls): the engine encrypts what the Duplex is given and hands back plaintext,
// and this class gives the metrics the same stream behaviour node:tls has — one write() at a time
// in order, 'drain' when the engine is behind, backpressure on reads, 'close' when TCP closes.
import * as net from "node:net";
import { Duplex } from "node:stream";
import type { BenchSocket } from "../stacks.js";

/** What a connection negotiated, as node:tls would name it (for the table's header). */
export interface EngineInfo {
  protocol: string;
  cipher: string;
  /** OpenSSL's curve name, "prime256v1". */
  group: string;
  reused: boolean;
}

export interface Engine {
  /** Encrypts and sends one chunk; resolves when it was handed to TCP (or TCP asked to wait). */
  write(data: Uint8Array): Promise<void>;
  /** Called once the Duplex wants data again after push() said stop. */
  resume(): void;
}

export class EngineSocket extends Duplex implements BenchSocket {
  private engine: Engine | null = null;

  constructor(
    readonly tcp: net.Socket,
    private info: EngineInfo | null = null,
  ) {
    super({ allowHalfOpen: false });
    tcp.on("error", (e) => this.destroy(e));
    tcp.on("close", () => this.destroy());
  }

  /** The engine is attached once the handshake is done: no application write can race it. */
  attach(engine: Engine, info: EngineInfo): void {
    this.engine = engine;
    this.info = info;
  }

  /** Plaintext from the engine; false when the reader is behind (the engine should stop reading TCP). */
  deliver(data: Uint8Array): boolean {
    return this.push(data);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (!this.engine) return cb(new Error("write before the handshake completed"));
    this.engine.write(chunk).then(() => cb(), cb);
  }

  override _read(): void {
    this.engine?.resume();
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.tcp.end(cb);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.tcp.destroy();
    cb(err);
  }

  isSessionReused(): boolean {
    return this.info?.reused ?? false;
  }
  getProtocol(): string | null {
    return this.info?.protocol ?? null;
  }
  getCipher(): { name: string; standardName?: string } | null {
    return this.info ? { name: this.info.cipher, standardName: this.info.cipher } : null;
  }
  getEphemeralKeyInfo(): { type?: string; name?: string } {
    return this.info ? { type: "ECDH", name: this.info.group } : {};
  }
}

/** A TCP connection to 127.0.0.1, Nagle off as in the other rows; resolves once connected. */
export function connectTcp(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port, noDelay: true });
    s.once("connect", () => {
      s.off("error", reject);
      resolve(s);
    });
    s.once("error", reject);
  });
}

/** Resolves when TCP can take more: at once if its buffer is below the high-water mark, else at 'drain'; rejects if it closes first. */
export function drained(tcp: net.Socket): Promise<void> {
  if (tcp.destroyed) return Promise.reject(new Error("socket closed"));
  if (!tcp.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      tcp.off("close", closed);
      resolve();
    };
    const closed = (): void => {
      tcp.off("drain", done);
      reject(new Error("socket closed while writing"));
    };
    tcp.once("drain", done);
    tcp.once("close", closed);
  });
}
