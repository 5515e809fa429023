// The client handshake's first step, shared by both versions: send one ClientHello offering every
// enabled version, read the ServerHello, and continue with the handshake of the version it chose.
import type { ClientConfig } from "../config/client.js";
import { HandshakeType } from "../msgs/enums.js";
import { decodeServerHello } from "../msgs/hello.js";
import { continueClientTls13 } from "../tls13/client.js";
import { prepareKeyShares } from "../suites/groups.js";
import { pskOffer } from "../tls13/client-psk.js";
import { negotiatedVersion, newClientHello, sendClientHello } from "./client-hello.js";
import type { HandshakeContext, HandshakeResult } from "./context.js";

/** TLS 1.2's client side, loaded when a server first chooses it (a process that never speaks TLS 1.2 never parses it) and kept. */
let tls12: typeof import("../tls12/client.js") | undefined;

export async function clientHandshake(ctx: HandshakeContext, config: ClientConfig): Promise<HandshakeResult> {
  const hello = await newClientHello(config);
  await sendClientHello(ctx, config, hello, { psk: pskOffer(config, hello) });
  const serverHelloRead = ctx.expect(HandshakeType.ServerHello);
  // The shares of this config's next ClientHello are made once this one has left, while the client
  // waits for the server (suites/spare-shares.ts): the next connection sends its hello that much sooner.
  if (hello.shares.size > 0) void ctx.flightSent().then(() => prepareKeyShares(config.provider, config.keyShareGroups));
  const serverHello = await serverHelloRead;
  const version = negotiatedVersion(decodeServerHello(serverHello.body), config);
  ctx.negotiated(version);
  if (version === "TLSv1.3") return continueClientTls13(ctx, config, hello, serverHello);
  const { continueClientTls12 } = (tls12 ??= await import("../tls12/client.js"));
  return continueClientTls12(ctx, config, hello, serverHello);
}
