// ServerConnection: the sans-IO server, one per accepted transport.
import type { ServerConfig } from "../config/server.js";
import { Connection, type ConnectionCallbacks } from "./connection.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";

type ServerHandshakeModule = typeof import("../handshake/server.js");
/**
 * The server's handshake, loaded by the first connection a server accepts (a client-only process never
 * parses it) and kept: import() goes through the module loader again on every call, some 45 µs a handshake.
 */
let serverHandshakeModule: ServerHandshakeModule | undefined;

export class ServerConnection extends Connection {
  constructor(
    readonly config: ServerConfig,
    callbacks: ConnectionCallbacks,
  ) {
    super(config.provider, callbacks, config.limits, config.keyLog);
  }

  protected async runHandshake(ctx: HandshakeContext): Promise<HandshakeResult> {
    const { serverHandshake } = (serverHandshakeModule ??= await import("../handshake/server.js"));
    return serverHandshake(ctx, this.config);
  }
}
