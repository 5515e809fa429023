// fipstls/node: the node:crypto provider and a node:tls-shaped API (connect, createServer, TLSSocket).
export { nodeProvider } from "../providers/node/index.js";
export { systemRoots, type SystemRoots } from "../providers/node/roots.js";
export {
  connect,
  createServer,
  dialRaw,
  scan,
  resolveProvider,
  Server,
  TLSSocket,
  type ConnectOptions,
  type ProviderOption,
  type ServerSocketOptions,
} from "./transport/node.js";
export * from "./index.js";
