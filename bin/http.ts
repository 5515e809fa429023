// Just enough HTTP/1.x request parsing for `fipstls serve`: request line, headers, an optional
// Content-Length body, and keep-alive. Bounded so a client cannot make the server buffer forever,
// linear in what it is fed however small the pieces, and answered no faster than the client reads.
import type { Duplex } from "node:stream";

export interface HttpRequest {
  readonly method: string;
  readonly target: string;
  readonly keepAlive: boolean;
}

const MAX_HEAD = 16 * 1024;
const MAX_BODY = 1024 * 1024;
const HEAD_END = Buffer.from("\r\n\r\n");

interface Head extends HttpRequest {
  /** Bytes of the head, blank line included, and of the body after it. */
  readonly headLength: number;
  readonly bodyLength: number;
}

/** Feed it bytes with push(), take complete requests with next(); malformed input throws. */
export class HttpRequestParser {
  // Unconsumed bytes are buffer[start, end): one growing buffer, so that each byte is copied a bounded number of times.
  private buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  // How far past `start` the search for the end of the head has already looked.
  private searched = 0;
  // The parsed head of a request whose body has not fully arrived.
  private head: Head | null = null;

  get bufferedBytes(): number {
    return this.end - this.start;
  }

  push(data: Uint8Array): void {
    if (this.end + data.length > this.buffer.length) this.makeRoom(data.length);
    this.buffer.set(data, this.end);
    this.end += data.length;
  }

  /** The next complete request, or null until more bytes arrive. */
  next(): HttpRequest | null {
    this.head ??= this.parseHead();
    if (!this.head || this.bufferedBytes < this.head.headLength + this.head.bodyLength) return null;
    const { method, target, keepAlive, headLength, bodyLength } = this.head;
    this.start += headLength + bodyLength;
    this.searched = 0;
    this.head = null;
    if (this.start === this.end) {
      this.start = this.end = 0;
      // A large body's room is not kept for the rest of a keep-alive connection.
      if (this.buffer.length > 64 * 1024) this.buffer = Buffer.alloc(0);
    }
    return { method, target, keepAlive };
  }

  private makeRoom(n: number): void {
    const live = this.bufferedBytes;
    // Move down when at least half the buffer is free (amortized: as many bytes were consumed), else double it.
    if (live + n <= this.buffer.length / 2) {
      this.buffer.copy(this.buffer, 0, this.start, this.end);
    } else {
      const bigger = Buffer.allocUnsafe(Math.max(2 * (live + n), 4096));
      this.buffer.copy(bigger, 0, this.start, this.end);
      this.buffer = bigger;
    }
    this.start = 0;
    this.end = live;
  }

  private parseHead(): Head | null {
    const live = this.buffer.subarray(this.start, Math.min(this.end, this.start + MAX_HEAD + HEAD_END.length));
    const at = live.indexOf(HEAD_END, Math.max(0, this.searched - (HEAD_END.length - 1)));
    if (at < 0) {
      if (this.bufferedBytes > MAX_HEAD) throw new Error("request head too large");
      this.searched = live.length;
      return null;
    }
    const lines = live.subarray(0, at).toString("latin1").split("\r\n");
    const [method, target, version] = (lines[0] ?? "").split(" ");
    if (!method || !target || !/^HTTP\/1\.[01]$/.test(version ?? "")) throw new Error("malformed request line");
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new Error("malformed header");
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    if (headers.has("transfer-encoding")) throw new Error("chunked request bodies are not supported");
    const bodyLength = Number(headers.get("content-length") ?? "0");
    if (!Number.isInteger(bodyLength) || bodyLength < 0 || bodyLength > MAX_BODY) throw new Error("bad content-length");
    const connection = (headers.get("connection") ?? "").toLowerCase();
    const keepAlive = version === "HTTP/1.1" ? connection !== "close" : connection === "keep-alive";
    return { method, target, keepAlive, headLength: at + HEAD_END.length, bodyLength };
  }
}

const BAD_REQUEST = "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

/**
 * Answers each request on `socket` with the page `page` makes for it. While an answer waits for the
 * client to read ('drain'), the socket is paused: pipelined requests stay unread (TCP pushes back),
 * instead of turning into answers held in memory.
 */
export function serveHttp(socket: Duplex, page: (req: HttpRequest) => string): void {
  const parser = new HttpRequestParser();
  let waiting = false;
  let finished = false;
  const answer = (): void => {
    // Bounded by the bytes buffered: each request consumes at least its head.
    while (!waiting && !finished) {
      let req: HttpRequest | null;
      try {
        req = parser.next();
      } catch {
        finished = true;
        socket.end(BAD_REQUEST);
        return;
      }
      if (!req) return;
      const body = page(req);
      const head = `HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${req.keepAlive ? "" : "connection: close\r\n"}\r\n`;
      if (!req.keepAlive) {
        finished = true;
        socket.end(head + body);
        return;
      }
      if (!socket.write(head + body)) {
        waiting = true;
        socket.pause();
        socket.once("drain", () => {
          waiting = false;
          socket.resume();
          answer();
        });
      }
    }
  };
  socket.on("data", (d: Buffer) => {
    if (finished) return;
    parser.push(d);
    answer();
  });
  socket.on("end", () => socket.end());
}
