// tsc emits the ESM package (dist/src, dist/providers, with declarations). Rollup builds the one
// artefact tsc cannot: a self-contained browser ESM bundle of the core and the WebCrypto provider.
import { nodeResolve } from "@rollup/plugin-node-resolve";

export default {
  input: "dist/src/browser.js",
  output: { file: "dist/fipstls.browser.js", format: "es", sourcemap: true },
  plugins: [nodeResolve({ browser: true, preferBuiltins: false, mainFields: ["browser", "module", "main"] })],
  onwarn(warning, warn) {
    // A browser bundle must never reach for Node built-ins: fail the build instead of warning.
    if (warning.code === "UNRESOLVED_IMPORT") throw new Error(`unresolved import in browser bundle: ${warning.exporter ?? warning.message}`);
    warn(warning);
  },
};
