// ClientConnection: the sans-IO client. Wire `transmit` to the network and feed received bytes to
// receive(); `handshake` settles when the TLS handshake does.
import type { ClientConfig } from "../config/client.js";
import { decodeNewSessionTicket, type HandshakeMessage } from "../msgs/handshake.js";
import { HandshakeType } from "../msgs/enums.js";
import { clientHandshake13 } from "../tls13/client.js";
import { Connection, type ConnectionCallbacks } from "./connection.js";
import type { HandshakeContext, HandshakeResult } from "./handshake-context.js";
import { type AuditReport, auditConnection } from "../../compliance/audit.js";

export class ClientConnection extends Connection {
  constructor(
    readonly config: ClientConfig,
    callbacks: ConnectionCallbacks,
  ) {
    super(config.provider, callbacks, config.limits);
  }

  /** What this connection negotiated, judged against the config's policy (peer chain included). */
  audit(subject = "client connection"): AuditReport {
    return auditConnection(this.config, this.info, subject);
  }

  protected runHandshake(ctx: HandshakeContext): Promise<HandshakeResult> {
    return clientHandshake13(ctx, this.config);
  }

  protected override async handlePostHandshakeMessage(msg: HandshakeMessage): Promise<void> {
    if (msg.type === HandshakeType.NewSessionTicket) {
      // Parsed (so malformed tickets are caught) and dropped until resumption lands.
      decodeNewSessionTicket(msg.body);
      return;
    }
    return super.handlePostHandshakeMessage(msg);
  }
}
