// ServerConnection: the sans-IO server, one per accepted transport.
import type { ServerConfig } from "../config/server.js";
import { Connection, type ConnectionCallbacks } from "./connection.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";
import { serverHandshakeModule } from "../handshake/server-loader.js";

export class ServerConnection extends Connection {
  constructor(
    readonly config: ServerConfig,
    callbacks: ConnectionCallbacks,
  ) {
    super(config.provider, callbacks, config.limits, config.keyLog);
  }

  protected async runHandshake(ctx: HandshakeContext): Promise<HandshakeResult> {
    const { serverHandshake } = await serverHandshakeModule();
    return serverHandshake(ctx, this.config);
  }
}
