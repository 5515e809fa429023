// ServerConnection: the sans-IO server, one per accepted transport.
import type { ServerConfig } from "../config/server.js";
import { serverHandshake } from "../handshake/server.js";
import { Connection, type ConnectionCallbacks } from "./connection.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";

export class ServerConnection extends Connection {
  constructor(
    readonly config: ServerConfig,
    callbacks: ConnectionCallbacks,
  ) {
    super(config.provider, callbacks, config.limits, config.keyLog);
  }

  protected runHandshake(ctx: HandshakeContext): Promise<HandshakeResult> {
    return serverHandshake(ctx, this.config);
  }
}
