// Client certificates against real clients: openssl s_client and node:tls present a certificate to
// a fipstls server that requires one; a client without one gets certificate_required.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PeerMisbehaved } from "../../src/errors.js";
import { makeThrowawayPki } from "../../bin/throwaway-pki.js";
import { fipsServer, interopPki, nodeTlsConnect, scoped, spawnOpenssl, within } from "./peers.js";
import { PROVIDERS } from "../_providers.js";

const dir = interopPki().dir;
const serverPki = await makeThrowawayPki();
const clientPki = await makeThrowawayPki({ keyType: "rsa-2048", names: ["client.example"] });
const clientCert = join(dir, "mtls-client.pem");
const clientKey = join(dir, "mtls-client.key");
const serverCa = join(dir, "mtls-server-ca.pem");
writeFileSync(clientCert, clientPki.certPem);
writeFileSync(clientKey, clientPki.keyPem);
writeFileSync(serverCa, serverPki.caPem);

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: client certificates to a fipstls server (${pname} provider)`);
  const options = { provider, cert: serverPki.certPem, key: serverPki.keyPem, requestCert: true, ca: clientPki.caPem };

  t("openssl s_client with a certificate is verified; without one it gets certificate_required", scoped(async (scope) => {
    const server = await fipsServer(scope, options);
    const peer = spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${server.port}`, "-tls1_3", "-servername", "localhost", "-CAfile", serverCa, "-cert", clientCert, "-key", clientKey, "-quiet"]);
    peer.write("hello with a certificate\n");
    const { socket, sink } = await server.nextConnection();
    await sink.match("hello with a certificate");
    assert.ok(socket.authorized);
    assert.is(socket.tlsInfo!.peerCertificates.length, 1);
    const bare = spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${server.port}`, "-tls1_3", "-servername", "localhost", "-CAfile", serverCa]);
    bare.child.stdin!.end();
    const err = await server.nextError();
    assert.instance(err, PeerMisbehaved);
    assert.is((err as PeerMisbehaved).alert, "certificate_required");
  }));

  t("node:tls client with a certificate is verified", scoped(async (scope) => {
    const server = await fipsServer(scope, options);
    const { socket } = await nodeTlsConnect(scope, { port: server.port, host: "127.0.0.1", servername: "localhost", ca: serverPki.caPem, cert: clientPki.certPem, key: clientPki.keyPem });
    socket.write("from node\n");
    const { socket: ours, sink } = await server.nextConnection();
    await within(sink.match("from node"), "data from the node:tls client");
    assert.ok(ours.authorized);
  }));

  t.run();
}
