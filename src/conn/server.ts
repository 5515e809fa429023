// ServerConnection: the sans-IO server, one per accepted transport.
import type { ServerConfig } from "../config/server.js";
import { Connection, type ConnectionCallbacks } from "./connection.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";

export class ServerConnection extends Connection {
  constructor(
    readonly config: ServerConfig,
    callbacks: ConnectionCallbacks,
  ) {
    super(config.provider, callbacks, config.limits, config.keyLog);
  }

  protected async runHandshake(ctx: HandshakeContext): Promise<HandshakeResult> {
    // The server's handshake is loaded by the first connection a server accepts: a client-only process never parses it.
    const { serverHandshake } = await import("../handshake/server.js");
    return serverHandshake(ctx, this.config);
  }
}
