// Choices a server makes from a ClientHello the same way in every version: the cipher suite, the
// application protocol (RFC 7301) and the name the client asked for (RFC 6066 3).
import type { ServerConfig } from "../config/server.js";
import { PeerIncompatible } from "../errors.js";
import { ExtensionType } from "../msgs/enums.js";
import { decodeAlpn, decodeServerName } from "../msgs/extensions.js";
import type { ClientHello } from "../msgs/hello.js";

/**
 * The suite both sides enable that comes first in our order, or in the client's when the config says
 * so; `usable` narrows ours (the version, our key). Linear in the ClientHello's size either way.
 */
export function chooseCipherSuite<S extends { readonly id: number }>(config: ServerConfig, ours: readonly S[], clientSuites: readonly number[], usable: (s: S) => boolean): S | undefined {
  if (config.cipherSuiteOrder === "server") {
    const offered = new Set(clientSuites);
    return ours.find((s) => offered.has(s.id) && usable(s));
  }
  const byId = new Map(ours.map((s) => [s.id, s]));
  for (const id of clientSuites) {
    const s = byId.get(id);
    if (s !== undefined && usable(s)) return s;
  }
  return undefined;
}

/** Our first protocol the client offers; none in common is no_application_protocol (RFC 7301 3.2). */
export function chooseAlpn(ch: ClientHello, config: ServerConfig): string | null {
  const data = ch.extensions.get(ExtensionType.Alpn);
  if (data === undefined || config.alpnProtocols.length === 0) return null;
  const offered = new Set(decodeAlpn(data));
  const alpn = config.alpnProtocols.find((a) => offered.has(a));
  if (alpn === undefined) throw new PeerIncompatible("NoApplicationProtocol", "no_application_protocol");
  return alpn;
}

export function requestedServerName(ch: ClientHello): string | null {
  const data = ch.extensions.get(ExtensionType.ServerName);
  return data === undefined ? null : (decodeServerName(data) ?? null);
}
