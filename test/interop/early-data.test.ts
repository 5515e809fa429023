// Early data a fipstls server declines (RFC 8446 4.2.10), sent by a real client: openssl s_client
// with a ticket from an s_server that allows 0-RTT offers it to our server, which cannot read the
// ticket, so it answers with a full handshake, never accepts early data, and must skip the client's
// early records, directly or after a HelloRetryRequest, in one record or many, then finish normally.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROVIDERS } from "../_providers.js";
import { exitOf, fipsServer, interopPki, opensslServer, scoped, spawnOpenssl } from "./peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const earlyFile = join(pki.dir, "early-data.txt");
writeFileSync(earlyFile, `${"early data line\n".repeat(200)}`);
const sessionFile = join(pki.dir, "early-data-session.pem");
rmSync(sessionFile, { force: true });

const t = suite("interop: rejected early data is skipped");

t("a ticket that allows 0-RTT, from openssl s_server -early_data", scoped(async (scope) => {
  const { port } = await opensslServer(scope, { cert: ecdsa, mode: "interactive", version: "tls1_3", args: ["-early_data"] });
  const client = spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", "-tls1_3", "-CAfile", pki.caPath, "-sess_out", sessionFile]);
  client.write("hello\n");
  // s_client writes the session once the server's ticket arrives, after the handshake.
  const allowsEarlyData = (): boolean =>
    existsSync(sessionFile) && /Max Early Data: 16384/.test(spawnSync("openssl", ["sess_id", "-in", sessionFile, "-text", "-noout"], { encoding: "utf8" }).stdout);
  for (let i = 0; i < 100 && !allowsEarlyData(); i++) await new Promise((r) => setTimeout(r, 50));
  client.child.stdin!.end();
  await exitOf(client);
  assert.ok(allowsEarlyData(), "the session allows early data");
}));

for (const [pname, provider] of PROVIDERS) {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ["in one record", {}, []],
    ["in 512-byte records", {}, ["-max_send_frag", "512"]],
    ["after a HelloRetryRequest", { tls: { groups: ["secp384r1", "secp256r1"], preferGroupOverShare: true } }, ["-groups", "P-256:P-384"]],
  ];
  for (const [what, serverOptions, args] of cases) {
    t(`${pname}: s_client -early_data against our server, ${what}: rejected, skipped, and the connection works`, scoped(async (scope) => {
      const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider, ...serverOptions });
      const client = spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${server.port}`, "-servername", "localhost", "-tls1_3", "-CAfile", pki.caPath, "-sess_in", sessionFile, "-early_data", earlyFile, ...args]);
      client.write("after\n");
      await client.stdout.match("pong:after\n");
      client.child.stdin!.end();
      assert.is(await exitOf(client), 0, client.describe());
      assert.match(client.stdout.text() + client.stderr.text(), /Early data was rejected/);
      const { socket } = await server.nextConnection();
      assert.is(socket.isSessionReused(), false);
      assert.is(socket.tlsInfo!.helloRetryRequest, what === "after a HelloRetryRequest");
    }));
  }
}

t.run();
