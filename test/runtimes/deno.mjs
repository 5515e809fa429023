// Deno: Deno.connect() already hands out a Web Streams pair (conn.readable / conn.writable).
// Run by runtimes.test.ts with --allow-net=127.0.0.1:<port> and nothing else: the bundle and
// smoke.mjs are static imports, which Deno loads without a read permission.
// Arguments: <port> <nonce> <CA PEM>.
import * as lib from "../../dist/fipstls.browser.js";
import { MARKER, failure, smoke } from "./smoke.mjs";

const [port, nonce, caPem] = Deno.args;
try {
  const result = await smoke(lib, () => Deno.connect({ hostname: "127.0.0.1", port: Number(port) }), {
    caPem,
    nonce,
    runtime: "deno",
    version: `${Deno.version.deno} (V8 ${Deno.version.v8})`,
  });
  console.log(MARKER + JSON.stringify(result));
} catch (e) {
  console.log(MARKER + JSON.stringify(failure("deno", e)));
  Deno.exitCode = 1;
}
