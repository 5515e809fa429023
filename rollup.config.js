// tsc emits the ESM package (dist/src, dist/providers, with declarations). Rollup builds what tsc
// cannot: a self-contained browser ESM bundle of the core and the WebCrypto provider, and the package's
// entry points as a few shared chunks (dist/pkg), since loading ~130 small modules cost a fresh
// process ~100 ms more than the same code in chunks. Dependencies stay imports (npm installs them).
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const dependencies = Object.keys(pkg.dependencies ?? {});
const external = (id) => id.startsWith("node:") || id === "undici" || dependencies.some((d) => id === d || id.startsWith(`${d}/`));

export default [
  {
    input: "dist/src/browser.js",
    // One file: the handshake's dynamic imports (TLS 1.2, the server side) are inlined into it.
    output: { file: "dist/fipstls.browser.js", format: "es", sourcemap: true, inlineDynamicImports: true },
    plugins: [nodeResolve({ browser: true, preferBuiltins: false, mainFields: ["browser", "module", "main"] })],
    onwarn(warning, warn) {
      // A browser bundle must never reach for Node built-ins: fail the build instead of warning.
      if (warning.code === "UNRESOLVED_IMPORT") throw new Error(`unresolved import in browser bundle: ${warning.exporter ?? warning.message}`);
      warn(warning);
    },
  },
  {
    // Every entry point in one build, so that classes (errors, TrustStore, …) are one copy whichever entry a program imports.
    input: {
      index: "dist/src/index.js",
      node: "dist/src/node.js",
      webcrypto: "dist/providers/webcrypto/index.js",
      compliance: "dist/compliance/index.js",
      roots: "dist/src/roots/index.js",
      testing: "dist/bin/throwaway-pki.js",
    },
    output: { dir: "dist/pkg", format: "es", sourcemap: true, chunkFileNames: "chunks/[name]-[hash].js" },
    external,
    onwarn(warning, warn) {
      // Our own modules import each other in cycles tsc accepts; anything else is worth reading.
      if (warning.code === "CIRCULAR_DEPENDENCY") return;
      if (warning.code === "UNRESOLVED_IMPORT") throw new Error(`unresolved import in the package build: ${warning.exporter ?? warning.message}`);
      warn(warning);
    },
  },
];
