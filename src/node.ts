// fipstls/node: the node:crypto provider and a node:tls-shaped API (connect, createServer, TLSSocket),
// an https.Agent and an undici dispatcher (undici is an optional peer dependency, loaded on use).
export { nodeProvider, type NodeProviderOptions } from "../providers/node/index.js";
export { systemRoots, type SystemRoots } from "../providers/node/roots.js";
export { connect, dialRaw, scan } from "./transport/node/connect.js";
export { TLSSocket, type RawSocket } from "./transport/node/socket.js";
export { Server, createServer } from "./transport/node/server.js";
export { SecureContext, createSecureContext } from "./transport/node/secure-context.js";
export { Agent, SUPPORTED_AGENT_OPTIONS, type AgentOptions } from "./transport/node/agent.js";
export { createUndiciAgent, SUPPORTED_UNDICI_OPTIONS, type UndiciAgentOptions } from "./transport/node/undici.js";
export type { CertificateName, DetailedPeerCertificate, PeerCertificate } from "./transport/node/certificate.js";
export {
  SUPPORTED_CONNECT_OPTIONS,
  SUPPORTED_SERVER_OPTIONS,
  TLS_TUNING_OPTIONS,
  UNSUPPORTED_OPTIONS,
  optionsMarkdown,
  resolveProvider,
  type AlpnInput,
  type ConnectOptions,
  type PemInput,
  type ProviderOption,
  type SecureContextLike,
  type SecureContextOptions,
  type ServerSocketOptions,
  type TlsTuning,
} from "./transport/node/options.js";
export * from "./index.js";
