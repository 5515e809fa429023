// TLS 1.2 after the handshake: no KeyUpdate and no renegotiation. A HelloRequest (to a client) or a
// ClientHello (to a server) asks to renegotiate and gets a warning no_renegotiation, which RFC 5246
// 7.2.2 allows; the exporter is RFC 5705's.
import type { CryptoProvider } from "../crypto/provider.js";
import type { Traffic, TrafficHost } from "../handshake/context.js";
import { concat } from "../codec/bytes.js";
import { PeerMisbehaved, UsageError } from "../errors.js";
import { AlertDescription, AlertLevel, ContentType, HandshakeType, handshakeTypeName } from "../msgs/enums.js";
import type { HandshakeMessage } from "../msgs/handshake.js";
import { decodeHelloRequest } from "../msgs/tls12.js";
import { type Tls12PrfHash, prf } from "./prf.js";

export interface Tls12Session {
  readonly hash: Tls12PrfHash;
  readonly masterSecret: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
}

/** Labels the TLS PRF itself uses: an exporter must not reproduce its keys (RFC 5705 4). */
const RESERVED_LABELS = new Set(["client finished", "server finished", "master secret", "key expansion", "extended master secret"]);

export class Tls12Traffic implements Traffic {
  constructor(
    private readonly host: TrafficHost,
    private readonly side: "client" | "server",
    private readonly provider: CryptoProvider,
    private readonly session: Tls12Session,
  ) {}

  async onMessage(msg: HandshakeMessage): Promise<void> {
    const renegotiation = this.side === "client" ? msg.type === HandshakeType.HelloRequest : msg.type === HandshakeType.ClientHello;
    if (!renegotiation) throw new PeerMisbehaved("UnexpectedMessage", "unexpected_message", `${handshakeTypeName(msg.type)} after the handshake`);
    if (msg.type === HandshakeType.HelloRequest) decodeHelloRequest(msg.body);
    // A run of requests is a flood like any other record that carries nothing for the application.
    this.host.inARow.count("TooManyRenegotiationRequests");
    if (!this.host.writeClosed) await this.host.sendRecord(ContentType.Alert, new Uint8Array([AlertLevel.Warning, AlertDescription.no_renegotiation]));
  }

  updateWriteKey(): Promise<void> {
    return Promise.reject(new UsageError("TLS 1.2 has no KeyUpdate: a connection whose key reaches its usage limit must be replaced"));
  }

  async exportKeyingMaterial(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    if (label.length === 0) throw new UsageError("exporter label must not be empty");
    if (RESERVED_LABELS.has(label)) throw new UsageError(`exporter label "${label}" is reserved by TLS (RFC 5705 4)`);
    if (context.length > 0xffff) throw new UsageError("exporter context must be shorter than 2^16 bytes");
    const s = this.session;
    // An empty context counts as none, as in TLS 1.3 where the two give the same output.
    const seed = context.length === 0 ? concat(s.clientRandom, s.serverRandom) : concat(s.clientRandom, s.serverRandom, new Uint8Array([context.length >> 8, context.length & 0xff]), context);
    return prf(this.provider, s.hash, s.masterSecret, label, seed, length);
  }
}
