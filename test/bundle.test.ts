// The browser bundle: built by rollup, free of Node built-ins, and able to run a TLS 1.3 handshake
// with nothing but its own exports and globalThis.crypto.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";

const bundleUrl = new URL("../fipstls.browser.js", import.meta.url);
const t = suite("browser bundle");

t("contains no import or require of a Node built-in", () => {
  const text = readFileSync(bundleUrl, "utf8");
  assert.ok(text.length > 10_000, "bundle is suspiciously small");
  assert.not.match(text, /\bfrom\s*["']node:/);
  assert.not.match(text, /\bimport\s*\(\s*["']node:/);
  assert.not.match(text, /\brequire\s*\(/);
  const builtins = ["fs", "net", "tls", "crypto", "os", "path", "stream", "http", "https", "child_process", "buffer", "events", "util"];
  for (const b of builtins) assert.not.match(text, new RegExp(`from\\s*["']${b}["']`), `imports ${b}`);
  assert.not.match(text, /\bBuffer\.(from|alloc|concat)\b/, "uses Node's Buffer");
});

// The README's figure is written by this test (UPDATE_DOCS=1, after a build) and must stay within 5 % of
// the bundle as built: close enough to be true, loose enough that every small change needs no rewrite.
t("the README's bundle size is the built bundle's, within 5 %", () => {
  const bytes = readFileSync(bundleUrl);
  const raw = bytes.length;
  const gzipped = gzipSync(bytes).length;
  const kb = (n: number): number => Math.round(n / 1000);
  const line = `The browser bundle \`dist/fipstls.browser.js\` is about ${kb(raw)} kB raw, ${kb(gzipped)} kB gzipped (not`;
  const path = fileURLToPath(new URL("../../README.md", import.meta.url));
  const text = readFileSync(path, "utf8");
  const written = /^The browser bundle `dist\/fipstls\.browser\.js` is about (\d+) kB raw, (\d+) kB gzipped \(not$/m;
  if (process.env.UPDATE_DOCS === "1") writeFileSync(path, text.replace(written, line));
  const m = written.exec(readFileSync(path, "utf8"));
  assert.ok(m, "README names the bundle size");
  const near = (said: number, actual: number): boolean => Math.abs(said * 1000 - actual) <= actual * 0.05;
  assert.ok(near(Number(m![1]), raw) && near(Number(m![2]), gzipped), `README should say: ${line} (UPDATE_DOCS=1 rewrites it)`);
});

t("runs a handshake and carries data with only its own exports", async () => {
  const lib = (await import(bundleUrl.href)) as typeof import("../src/browser.js");
  const provider = await lib.webcryptoProvider();
  const pki = await makeThrowawayPki();
  const clientConfig = await lib.buildClientConfig({ provider, serverName: "localhost", roots: pki.caPem });
  const serverConfig = await lib.buildServerConfig({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem });
  let received = "";
  // eslint-disable-next-line prefer-const
  let server: InstanceType<typeof lib.ServerConnection>;
  const client = new lib.ClientConnection(clientConfig, { transmit: (b) => queueMicrotask(() => server.receive(b)) });
  server = new lib.ServerConnection(serverConfig, {
    transmit: (b) => queueMicrotask(() => client.receive(b)),
    onData: (d) => (received += new TextDecoder().decode(d)),
  });
  server.start();
  client.start();
  await Promise.all([client.handshake, server.handshake]);
  assert.is(client.info.version, "TLSv1.3");
  assert.is(client.info.provider, "webcrypto");
  await client.write(new TextEncoder().encode("from the bundle"));
  for (let i = 0; i < 200 && received.length < 15; i++) await new Promise((r) => setTimeout(r, 5));
  assert.is(received, "from the bundle");
});

t.run();
