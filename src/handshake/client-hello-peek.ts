// Reads the server_name a client asks for from its first flight, before any ServerConnection exists,
// so that a server can choose the certificate (and so the config) per name. The bytes are only
// looked at: the connection built afterwards reads them again and applies every rule itself, so
// anything malformed here just means "no name" and fails there with the proper alert.
import { decodeClientHello } from "../msgs/hello.js";
import { decodeServerName } from "../msgs/extensions.js";
import { ContentType, ExtensionType, HandshakeType } from "../msgs/enums.js";
import { HandshakeJoiner } from "../msgs/handshake.js";
import { Deframer } from "../record/deframer.js";
import { DEFAULT_LIMITS } from "../config/limits.js";

/** What a peek found: still reading, or the name (null when there is none or the bytes are not a ClientHello). */
export type PeekResult = { done: false } | { done: true; serverName: string | null };

export class ClientHelloPeek {
  private readonly deframer = new Deframer();
  private readonly joiner = new HandshakeJoiner(DEFAULT_LIMITS.maxHandshakeMessageSize);
  private seen = 0;

  /** Feeds the next chunk of the client's bytes (null at end of stream). */
  push(bytes: Uint8Array | null): PeekResult {
    if (bytes === null) return { done: true, serverName: null };
    this.seen += bytes.length;
    // A ClientHello is one message of at most the handshake size limit, plus record headers.
    if (this.seen > DEFAULT_LIMITS.maxHandshakeMessageSize + 1024) return { done: true, serverName: null };
    try {
      this.deframer.push(bytes);
      for (let record = this.deframer.next(); record; record = this.deframer.next()) {
        if (record.type !== ContentType.Handshake) return { done: true, serverName: null };
        const [first] = this.joiner.push(record.fragment);
        if (!first) continue;
        if (first.type !== HandshakeType.ClientHello) return { done: true, serverName: null };
        const sni = decodeClientHello(first.body).extensions.get(ExtensionType.ServerName);
        return { done: true, serverName: sni === undefined ? null : decodeServerName(sni) ?? null };
      }
      return { done: false };
    } catch {
      return { done: true, serverName: null };
    }
  }
}
