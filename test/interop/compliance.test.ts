// Policies against real peers that offer only what a policy forbids: the fipstls side must refuse
// with a named error, and an allowed configuration of the same peer must work.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { AlertReceived, PeerIncompatible } from "../../src/errors.js";
import { fipsConnect, fipsConnectError, fipsServer, interopPki, opensslServer, scoped, spawnOpenssl } from "./peers.js";
import { PROVIDERS } from "../_providers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: policies against real peers (${pname} provider)`);
  // These tests are about algorithms; the module's FIPS state is covered by the FIPS CI job.
  const fips = { provider, policy: "fips-140-3", requireFipsProvider: false } as const;
  const client = { ...fips, servername: "localhost", ca: pki.caPem };

  t("fips-140-3 client vs s_server offering only ChaCha20-Poly1305: handshake_failure", scoped(async (scope) => {
    const { port } = await opensslServer(scope, { cert: ecdsa, mode: "www", args: ["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"] });
    const err = await fipsConnectError(scope, { ...client, port });
    assert.instance(err, AlertReceived);
    assert.is((err as AlertReceived).descriptionName, "handshake_failure");
  }));

  t("fips-140-3 client vs s_server offering only X25519: handshake_failure", scoped(async (scope) => {
    const { port } = await opensslServer(scope, { cert: ecdsa, mode: "www", args: ["-groups", "X25519"] });
    const err = await fipsConnectError(scope, { ...client, port });
    assert.is((err as AlertReceived).descriptionName, "handshake_failure");
  }));

  t("fips-140-3 client vs a permissive s_server negotiates only approved parameters", scoped(async (scope) => {
    const { port } = await opensslServer(scope, { cert: ecdsa, mode: "www", args: ["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384", "-groups", "X25519:P-384"] });
    const { socket } = await fipsConnect(scope, { ...client, port });
    const report = socket.audit();
    assert.is(report.negotiated!.cipherSuite, "TLS_AES_256_GCM_SHA384");
    assert.is(report.negotiated!.group, "secp384r1");
    assert.ok(report.verdict.algorithmsCompliant, report.verdict.reasons.join("; "));
  }));

  t("fips-140-3 server vs s_client offering only ChaCha20 or only X25519: NoCipherSuiteMatch / NoGroupMatch", scoped(async (scope) => {
    const server = await fipsServer(scope, { ...fips, cert: ecdsa.certPem, key: ecdsa.keyPem });
    for (const [args, reason] of [
      [["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"], "NoCipherSuiteMatch"],
      [["-groups", "X25519"], "NoGroupMatch"],
    ] as const) {
      const peer = spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${server.port}`, "-tls1_3", "-servername", "localhost", ...args]);
      peer.child.stdin!.end();
      const err = await server.nextError();
      assert.instance(err, PeerIncompatible);
      assert.is((err as PeerIncompatible).reason, reason);
      await peer.stderr.match(/alert handshake failure/);
    }
  }));

  t.run();
}
