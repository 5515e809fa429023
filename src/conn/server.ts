// ServerConnection: the sans-IO server, one per accepted transport.
import type { ServerConfig } from "../config/server.js";
import { serverHandshake13 } from "../tls13/server.js";
import { Connection, type ConnectionCallbacks } from "./connection.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";
import { type AuditReport, auditConnection } from "../../compliance/audit.js";

export class ServerConnection extends Connection {
  constructor(
    readonly config: ServerConfig,
    callbacks: ConnectionCallbacks,
  ) {
    super(config.provider, callbacks, config.limits);
  }

  /** What this connection negotiated, judged against the config's policy (peer chain included). */
  audit(subject = "server connection"): AuditReport {
    return auditConnection(this.config, this.info, subject);
  }

  protected runHandshake(ctx: HandshakeContext): Promise<HandshakeResult> {
    return serverHandshake13(ctx, this.config);
  }
}
