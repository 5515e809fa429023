// Scan a server against a policy: here a node:tls server on 127.0.0.1 with its defaults.
// Run: node examples/scan.mjs
import * as tls from "node:tls";
import { scan } from "fipstls/node";
import { renderReport } from "fipstls/compliance";
import { makeThrowawayPki } from "fipstls/testing";

const pki = await makeThrowawayPki();
const server = tls.createServer({ cert: pki.certPem, key: pki.keyPem }, (s) => s.end());
server.on("tlsClientError", () => {});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
try {
  const report = await scan("127.0.0.1", server.address().port, { policy: "fips-140-3", serverName: "localhost" });
  process.stdout.write(renderReport(report, "text").split("\n").slice(0, 12).join("\n") + "\n");
  console.log(`accepted items refused by the policy: ${report.verdict.reasons.length}`);
} finally {
  server.close();
}
