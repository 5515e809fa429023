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
  const fact = (id: string): string | undefined => fips.facts?.find((f) => f.id === id)?.value;
  // The module line names what the module states about itself; libcrypto is shown apart, as what loads it.
  const libcrypto = fact("libcrypto.version");
  return [
    `FIPS mode:        ${state}`,
    `module:           ${fips.module ?? "(not readable)"}`,
    ...(libcrypto !== undefined && libcrypto !== fips.module ? [`loaded by:        ${libcrypto} (libcrypto)`] : []),
    ...(fact("config.file") !== undefined ? [`OpenSSL config:   ${fact("config.file")}`] : []),
    `CMVP status:      ${fips.cmvp?.status === "user-asserted" ? `certificate ${fips.cmvp.certificate}, user-asserted (not verified by fipstls)` : "not established"}`,
    `evidence:         ${fips.evidence}`,
  ];
}
