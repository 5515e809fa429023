// Human-readable lines about a connection and a provider, shared by the CLI commands.
import type { CryptoProvider } from "../src/crypto/provider.js";
import type { TLSSocket } from "../src/node.js";

export function describeConnection(socket: TLSSocket): string[] {
  const info = socket.tlsInfo;
  if (!info) return ["no TLS session"];
  return [
    `version:          ${info.version}`,
    `cipher suite:     ${info.cipherSuite}`,
    `group:            ${info.group}${info.helloRetryRequest ? " (after HelloRetryRequest)" : ""}`,
    `signature scheme: ${info.signatureScheme}`,
    `alpn:             ${info.alpnProtocol ?? "(none)"}`,
    `server name:      ${info.serverName ?? "(none)"}`,
    `provider:         ${info.provider}`,
  ];
}

export function describeProvider(provider: CryptoProvider): string[] {
  const fips = provider.fips();
  const state = !fips.attestable ? "not attestable" : fips.enforced ? "enforced by the module" : "not enabled";
  return [`FIPS mode:        ${state}${fips.module ? ` (${fips.module})` : ""}`, `evidence:         ${fips.evidence}`];
}
