// Just enough HTTP/1.x request parsing for `fipstls serve`: request line, headers, an optional
// Content-Length body, and keep-alive. Bounded so a client cannot make the server buffer forever.
export interface HttpRequest {
  readonly method: string;
  readonly target: string;
  readonly keepAlive: boolean;
}

const MAX_HEAD = 16 * 1024;
const MAX_BODY = 1024 * 1024;

export class HttpRequestParser {
  private buffer = Buffer.alloc(0);

  push(data: Buffer): HttpRequest[] {
    this.buffer = Buffer.concat([this.buffer, data]);
    const out: HttpRequest[] = [];
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) {
        if (this.buffer.length > MAX_HEAD) throw new Error("request head too large");
        return out;
      }
      const lines = this.buffer.subarray(0, end).toString("latin1").split("\r\n");
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
      if (this.buffer.length < end + 4 + bodyLength) return out;
      this.buffer = this.buffer.subarray(end + 4 + bodyLength);
      const connection = (headers.get("connection") ?? "").toLowerCase();
      const keepAlive = version === "HTTP/1.1" ? connection !== "close" : connection === "keep-alive";
      out.push({ method, target, keepAlive });
    }
  }
}
