// The browser bundle's entry: the core plus the WebCrypto provider, and nothing that needs Node.
export * from "./index.js";
export { webcryptoProvider } from "../providers/webcrypto/index.js";
// Lets a page show the connection's audit report without a second bundle.
export { renderReport, renderText, type ReportFormat } from "../compliance/render.js";
