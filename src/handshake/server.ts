// The server handshake's first step, shared by both versions: read the ClientHello, choose the
// highest version both sides enable, refuse a fallback the client did not need (RFC 7507), and
// continue with that version's handshake.
import type { ServerConfig } from "../config/server.js";
import { PeerIncompatible, PeerMisbehaved } from "../errors.js";
import { ExtensionType, HandshakeType, ProtocolVersion, SignalingSuite } from "../msgs/enums.js";
import { decodeSupportedVersionsClient } from "../msgs/extensions.js";
import { type ClientHello, decodeClientHello } from "../msgs/hello.js";
import type { TlsVersionName } from "../suites/versions.js";
import { continueServerTls13 } from "../tls13/server.js";
import type { HandshakeContext, HandshakeResult } from "./context.js";
import { describeRefusals } from "./policy-explanation.js";

/** TLS 1.2's server side, loaded when a client first needs it (a process that never speaks TLS 1.2 never parses it) and kept. */
let tls12: typeof import("../tls12/server.js") | undefined;

export async function serverHandshake(ctx: HandshakeContext, config: ServerConfig): Promise<HandshakeResult> {
  const chMsg = await ctx.expect(HandshakeType.ClientHello);
  const ch = decodeClientHello(chMsg.body);
  const version = chooseVersion(ch, config);
  ctx.negotiated(version);
  if (version === "TLSv1.3") return continueServerTls13(ctx, config, chMsg, ch);
  const { continueServerTls12 } = (tls12 ??= await import("../tls12/server.js"));
  return continueServerTls12(ctx, config, chMsg, ch);
}

/** supported_versions decides when present (RFC 8446 4.2.1); otherwise legacy_version does. */
function chooseVersion(ch: ClientHello, config: ServerConfig): TlsVersionName {
  // RFC 8446 D.5: a hello claiming SSL 3.0 or older is refused, whatever else it offers.
  if (ch.legacyVersion <= ProtocolVersion.SSL30) throw new PeerMisbehaved("InvalidLegacyVersion", "protocol_version", `legacy_version 0x${ch.legacyVersion.toString(16).padStart(4, "0")}`);
  const listed = ch.extensions.get(ExtensionType.SupportedVersions);
  const offered = listed !== undefined ? decodeSupportedVersionsClient(listed) : ch.legacyVersion >= ProtocolVersion.TLS12 ? [ProtocolVersion.TLS12] : [];
  const version: TlsVersionName | null =
    offered.includes(ProtocolVersion.TLS13) && config.versions.includes("TLSv1.3") ? "TLSv1.3" :
    offered.includes(ProtocolVersion.TLS12) && config.versions.includes("TLSv1.2") ? "TLSv1.2" : null;
  if (version === null) {
    throw new PeerIncompatible(config.versions.includes("TLSv1.2") ? "NoCommonVersion" : "ClientDoesNotSupportTls13", "protocol_version", `client offers ${offered.map((v) => `0x${v.toString(16)}`).join(", ") || "nothing newer than TLS 1.1"}; enabled: ${config.versions.join(", ")}${refusedVersions(config)}`);
  }
  // A client that retries with a lower version says so; if we could have done better, someone interfered.
  if (ch.cipherSuites.includes(SignalingSuite.FALLBACK_SCSV) && version !== config.versions[config.versions.length - 1]) {
    throw new PeerIncompatible("InappropriateFallback", "inappropriate_fallback", `client fell back to ${version}`);
  }
  return version;
}

/** "; policy X refused: TLSv1.2 (rule; reference)" when the policy is why a version is off. */
function refusedVersions(config: ServerConfig): string {
  const refused = describeRefusals(config, ["version"]);
  return refused ? `; ${refused}` : "";
}
