// The browser example, run by test/browser.test.ts in headless Chromium: fipstls's bundle,
// crypto.subtle and a WebSocket are all it has. The page's server hands over the relay URL and the
// throwaway CA; the result goes to window.fipstlsResult.
import { connectWebSocket, renderText } from "/fipstls.browser.js";

const show = (id, text) => (document.getElementById(id).textContent = text);

async function readAll(readable, limit) {
  const reader = readable.getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
    if (n > limit) throw new Error(`response larger than ${limit} bytes`);
  }
  return new TextDecoder().decode(await new Blob(parts).arrayBuffer());
}

async function run() {
  const config = await (await fetch("/config.json")).json();
  const tls = connectWebSocket(config.relayUrl, {
    serverName: "localhost",
    roots: config.caPem,
    policy: "fips-140-3",
    // crypto.subtle cannot attest a FIPS module; the report says so, and the algorithms are still held to the policy.
    requireFipsProvider: false,
    handshakeTimeout: 15_000,
  });
  const info = await tls.handshake;
  show("connection", [
    `version          ${info.version}`,
    `cipher suite     ${info.cipherSuite}`,
    `group            ${info.group}`,
    `signature scheme ${info.signatureScheme}`,
    `provider         ${info.provider}`,
    `relay            ${config.relayUrl}`,
  ].join("\n"));
  const writer = tls.writable.getWriter();
  await writer.write(new TextEncoder().encode(`GET ${config.path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`));
  const response = await readAll(tls.readable, 1 << 20);
  await writer.close().catch(() => undefined);
  show("response", response);
  if (!/^HTTP\/1\.1 200 OK\r\n/.test(response) || !response.includes(config.expect)) throw new Error(`unexpected response: ${response.slice(0, 200)}`);
  const report = tls.audit();
  show("audit", renderText(report));
  return {
    ok: true,
    version: info.version,
    cipherSuite: info.cipherSuite,
    group: info.group,
    provider: info.provider,
    response,
    policy: report.policy.id,
    algorithmsCompliant: report.verdict.algorithmsCompliant,
    userAgent: navigator.userAgent,
  };
}

run().then(
  (result) => {
    window.fipstlsResult = result;
    show("status", `TLS 1.3 handshake, request and response: OK (${result.cipherSuite})`);
    document.body.dataset.status = "ok";
  },
  (e) => {
    window.fipstlsResult = { ok: false, error: `${e?.name}: ${e?.message}` };
    show("status", `failed: ${e?.name}: ${e?.message}`);
    document.body.dataset.status = "error";
  },
);
