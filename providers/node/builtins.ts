// Node's built-in modules for the Node provider and transport, taken with process.getBuiltinModule
// (Node >= 20.16) rather than `import … from "node:…"`. An ES import of a builtin links a module facade
// that reads every export first (node:fs's reads fs.promises, node:crypto's webcrypto, node:tls's
// pulls in more): measured, importing fipstls/node took about 2.5 ms less of every process's start-up
// this way (Node 20). Type-only imports of node:* stay: they are erased.
export const nodeCrypto = process.getBuiltinModule("node:crypto");
export const nodeEvents = process.getBuiltinModule("node:events");
export const nodeFs = process.getBuiltinModule("node:fs");
export const nodeHttps = process.getBuiltinModule("node:https");
export const nodeModule = process.getBuiltinModule("node:module");
export const nodeNet = process.getBuiltinModule("node:net");
export const nodePath = process.getBuiltinModule("node:path");
export const nodeStream = process.getBuiltinModule("node:stream");
export const nodeTls = process.getBuiltinModule("node:tls");
