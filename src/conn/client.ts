// ClientConnection: the sans-IO client. Wire `transmit` to the network and feed received bytes to
// receive(); `handshake` settles when the TLS handshake does.
import type { ClientConfig } from "../config/client.js";
import { clientHandshake } from "../handshake/client.js";
import { Connection, type ConnectionCallbacks } from "./connection.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";

export class ClientConnection extends Connection {
  constructor(
    readonly config: ClientConfig,
    callbacks: ConnectionCallbacks,
  ) {
    super(config.provider, callbacks, config.limits, config.keyLog);
  }

  protected runHandshake(ctx: HandshakeContext): Promise<HandshakeResult> {
    return clientHandshake(ctx, this.config);
  }
}
