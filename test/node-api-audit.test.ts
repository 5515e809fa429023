// The audit record of a Node client connection says when the server's chain was kept despite
// failing verification (rejectUnauthorized: false), so a log of audits never hides it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as tls from "node:tls";
import type { AddressInfo } from "node:net";
import { connect, type TLSSocket } from "../src/node.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";

const pki = await makeThrowawayPki();
const stranger = await makeThrowawayPki();

async function audited(ca: string, rejectUnauthorized: boolean): Promise<ReturnType<TLSSocket["audit"]>> {
  const server = tls.createServer({ cert: pki.certPem, key: pki.keyPem }, (s) => s.on("error", () => undefined));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  try {
    const socket = connect({ host: "127.0.0.1", port: (server.address() as AddressInfo).port, servername: "localhost", ca, rejectUnauthorized, handshakeTimeout: 10_000 });
    const report = await new Promise<ReturnType<TLSSocket["audit"]>>((resolve, reject) => {
      socket.once("audit", resolve);
      socket.once("error", reject);
    });
    socket.destroy();
    return report;
  } finally {
    await new Promise((r) => server.close(r));
  }
}

const t = suite("node API: audit records");
t("a verified connection's audit has no verification reason", async () => {
  const report = await audited(pki.caPem, true);
  assert.ok(report.verdict.compliant, report.verdict.reasons.join("; "));
});
t("under rejectUnauthorized: false an unverified server makes the audit non-compliant, by name", async () => {
  const report = await audited(stranger.caPem, false);
  assert.not.ok(report.verdict.compliant);
  assert.ok(report.verdict.reasons.some((r) => /server certificate not verified \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): InvalidCertificate\(UnknownIssuer\)/.test(r)), report.verdict.reasons.join("; "));
});
t.run();
