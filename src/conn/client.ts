// ClientConnection: the sans-IO client. Wire `transmit` to the network and feed received bytes to
// receive(); `handshake` settles when the TLS handshake does.
import type { ClientConfig } from "../config/client.js";
import { clientHandshake } from "../handshake/client.js";
import { Connection, type ConnectionCallbacks } from "./connection.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";
import { describeRefusals } from "../handshake/policy-explanation.js";
import { AlertDescription } from "../msgs/enums.js";
import { AlertReceived } from "../errors.js";

/** Alerts a server sends when it found nothing in our offer it could use. */
const REFUSED_OFFER = new Set<number>([AlertDescription.handshake_failure, AlertDescription.protocol_version, AlertDescription.insufficient_security]);

export class ClientConnection extends Connection {
  constructor(
    readonly config: ClientConfig,
    callbacks: ConnectionCallbacks,
  ) {
    super(config.provider, callbacks, config.limits, config.keyLog);
  }

  protected runHandshake(ctx: HandshakeContext): Promise<HandshakeResult> {
    return clientHandshake(ctx, this.config).catch((e: unknown) => {
      throw this.explainRefusal(e);
    });
  }

  /**
   * The server refused our offer: when the policy narrowed it, say so, so that a handshake_failure under
   * fips-140-3 names the suites, groups, schemes or versions the policy kept out and the rules why.
   */
  private explainRefusal(e: unknown): unknown {
    if (!(e instanceof AlertReceived) || !REFUSED_OFFER.has(e.description)) return e;
    const refused = describeRefusals(this.config, ["version", "cipher_suite", "group", "signature_scheme"]);
    if (refused === "") return e;
    const offered = `we offered ${this.config.versions.join(", ")}; suites ${this.config.cipherSuites.map((s) => s.name).join(", ")}; groups ${this.config.groups.join(", ")}`;
    return new AlertReceived(e.description, e.fatal, e.level, `the server refused what policy ${this.config.policy.id} let us offer (${offered}); ${refused}`);
  }
}
