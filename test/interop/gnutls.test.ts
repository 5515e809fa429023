// fipstls ⇄ GnuTLS (Debian's gnutls-bin), an implementation independent of OpenSSL, in both
// directions and both versions: our client against gnutls-serv --echo, gnutls-cli against our
// server. gnutls-serv cannot bind one address, so it listens on every interface of the test machine
// for the test's duration; every connection goes to 127.0.0.1.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { fipsConnect, fipsServer, freePort, interopPki, scoped, untilListening } from "./peers.js";
import { skipWithoutGnutls as skip, spawnGnutls } from "./gnutls-peer.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const rsa = pki.certs.find((c) => c.kind === "rsa-2048")!;

const t = suite("interop: fipstls ⇄ GnuTLS");

for (const [version, priority] of [["TLSv1.2", "NORMAL:-VERS-ALL:+VERS-TLS1.2"], ["TLSv1.3", "NORMAL:-VERS-ALL:+VERS-TLS1.3"]] as const) {
  t(`fipstls client → gnutls-serv --echo, ${version}, ECDSA and RSA certificates`, scoped(async (scope) => {
    if (skip()) return;
    for (const cert of [ecdsa, rsa]) {
      const port = await freePort();
      const server = spawnGnutls(scope, "gnutls-serv", ["--echo", "--port", String(port), "--x509certfile", cert.certPath, "--x509keyfile", cert.keyPath, "--priority", priority]);
      await Promise.race([untilListening(port), server.exited.then(() => Promise.reject(new Error(server.describe())))]);
      const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: pki.caPem });
      assert.is(socket.tlsInfo!.version, version);
      if (version === "TLSv1.2") assert.is(socket.tlsInfo!.extendedMasterSecret, true);
      socket.write(`hello ${cert.kind}\n`);
      await sink.match(`hello ${cert.kind}\n`);
      socket.destroy();
    }
  }));

  t(`gnutls-cli → fipstls server, ${version}`, scoped(async (scope) => {
    if (skip()) return;
    const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
    const client = spawnGnutls(scope, "gnutls-cli", ["127.0.0.1", "--port", String(server.port), "--sni-hostname", "localhost", "--verify-hostname", "localhost", "--x509cafile", pki.caPath, "--priority", priority]);
    client.write("ping\n");
    await client.stdout.match("pong:ping\n");
    const { socket } = await server.nextConnection();
    assert.is(socket.tlsInfo!.version, version);
    assert.match(client.stdout.text() + client.stderr.text(), version === "TLSv1.2" ? /TLS1\.2/ : /TLS1\.3/);
    client.child.stdin!.end();
  }));
}

t.run();
