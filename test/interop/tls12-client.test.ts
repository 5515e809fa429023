// fipstls client ⇄ TLS 1.2 servers: openssl s_server -tls1_2 for every TLS 1.2 suite with both
// certificate types and both providers, EMS on and off (required under fips-140-3), client
// certificates, renegotiation refused, and node:tls with maxVersion TLSv1.2. Each server's own
// report (-www) cross-checks what we say was negotiated.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PeerIncompatible } from "../../src/errors.js";
import { TLS12_SUITES } from "../../src/suites/cipher-suites.js";
import { PROVIDERS } from "../_providers.js";
import { Scope, fipsConnect, fipsConnectError, interopPki, nodeTlsServer, opensslServer, scoped } from "./peers.js";

const GET = "GET / HTTP/1.0\r\n\r\n";
const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const rsa = pki.certs.find((c) => c.kind === "rsa-2048")!;
const noEms = join(pki.dir, "tls12-no-ems.cnf");
writeFileSync(noEms, "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = defaults\n[defaults]\nOptions = -ExtendedMasterSecret\n");

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: fipstls client (${pname}) ⇄ TLS 1.2 servers`);
  const scope = new Scope();
  t.after(() => scope.close());
  const servers = new Map<string, Promise<{ port: number }>>();
  const www = (cert: typeof ecdsa): Promise<{ port: number }> => {
    if (!servers.has(cert.kind)) servers.set(cert.kind, opensslServer(scope, { cert, mode: "www", version: "tls1_2" }));
    return servers.get(cert.kind)!;
  };
  const runnable = TLS12_SUITES.filter((s) => provider.supports.aeads.includes(s.aead));

  for (const s of runnable) {
    t(`openssl s_server -tls1_2: ${s.name}`, scoped(async (inner) => {
      const cert = s.authentication === "ECDSA" ? ecdsa : rsa;
      const { port } = await www(cert);
      const { socket, sink } = await fipsConnect(inner, { port, servername: "localhost", ca: pki.caPem, provider, tls: { cipherSuites: [s.name] } });
      const info = socket.tlsInfo!;
      assert.is(info.version, "TLSv1.2");
      assert.is(info.cipherSuite, s.name);
      assert.is(info.extendedMasterSecret, true);
      assert.is(socket.getProtocol(), "TLSv1.2");
      socket.end(GET);
      await sink.end();
      const page = sink.text();
      assert.match(page, /^HTTP\/1\.0 200 ok/);
      assert.ok(page.includes(`New, TLSv1.2, Cipher is ${s.openSslName}`), `s_server reports ${s.openSslName}:\n${page.slice(0, 600)}`);
    }));
  }

  t("the version: TLS 1.3 whenever the server has it; TLS 1.2 with maxVersion, and no false downgrade alarm", scoped(async (inner) => {
    const { port } = await opensslServer(inner, { cert: ecdsa, mode: "www", version: "any" });
    const both = await fipsConnect(inner, { port, servername: "localhost", ca: pki.caPem, provider });
    assert.is(both.socket.tlsInfo!.version, "TLSv1.3");
    both.socket.destroy();
    // A TLS 1.3 server answering a TLS 1.2-only hello marks its random (RFC 8446 4.1.3); a client
    // that did not offer TLS 1.3 must not take that for an attack.
    const capped = await fipsConnect(inner, { port, servername: "localhost", ca: pki.caPem, provider, maxVersion: "TLSv1.2" });
    assert.is(capped.socket.tlsInfo!.version, "TLSv1.2");
    // The connection's audit report judges what TLS 1.2 negotiated, the Extended Master Secret included.
    const report = capped.socket.audit();
    assert.is(report.negotiated!.version, "TLSv1.2");
    assert.is(report.negotiated!.extendedMasterSecret, true);
    assert.equal(report.items.map((i) => i.kind), ["version", "cipher_suite", "group", "signature_scheme", "extension"]);
    assert.ok(report.items.every((i) => i.decision === "allowed"), JSON.stringify(report.items));
    capped.socket.end(GET);
    await capped.sink.end();
    assert.match(capped.sink.text(), /New, TLSv1\.2, Cipher is /);
  }));

  t("a server without the Extended Master Secret: accepted by default, refused under fips-140-3 with the rule named", scoped(async (inner) => {
    const previous = process.env.OPENSSL_CONF;
    process.env.OPENSSL_CONF = noEms;
    let port: number;
    try {
      ({ port } = await opensslServer(inner, { cert: ecdsa, mode: "www", version: "tls1_2" }));
    } finally {
      if (previous === undefined) delete process.env.OPENSSL_CONF;
      else process.env.OPENSSL_CONF = previous;
    }
    const plain = await fipsConnect(inner, { port, servername: "localhost", ca: pki.caPem, provider });
    assert.is(plain.socket.tlsInfo!.extendedMasterSecret, false);
    plain.socket.end(GET);
    await plain.sink.end();
    assert.match(plain.sink.text(), /New, TLSv1\.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256/);
    const err = await fipsConnectError(inner, { port, servername: "localhost", ca: pki.caPem, provider, policy: "fips-140-3", requireFipsProvider: false });
    assert.instance(err, PeerIncompatible);
    assert.match(err.message, /ExtendedMasterSecretRequired/);
    assert.match(err.message, /FIPS 140-3 IG D\.Q/);
  }));

  t("a warning alert in TLS 1.2 (s_server's unrecognized_name for a name it does not serve) is not fatal", scoped(async (inner) => {
    // -servername with -cert2: a client naming anything else gets a warning unrecognized_name (RFC 6066 3).
    const { port } = await opensslServer(inner, { cert: ecdsa, mode: "www", version: "tls1_2", args: ["-servername", "other.example", "-cert2", ecdsa.certPath, "-key2", ecdsa.keyPath, "-msg"] });
    const { socket, sink } = await fipsConnect(inner, { port, servername: "localhost", ca: pki.caPem, provider });
    assert.is(socket.tlsInfo!.version, "TLSv1.2");
    socket.end(GET);
    await sink.end();
    assert.match(sink.text(), /New, TLSv1\.2, Cipher is /);
  }));

  t("client certificates: s_server -Verify checks ours (ECDSA and RSA keys)", scoped(async (inner) => {
    for (const own of [ecdsa, rsa]) {
      const { port } = await opensslServer(inner, { cert: rsa, mode: "www", version: "tls1_2", args: ["-Verify", "1", "-CAfile", pki.caPath] });
      const { socket, sink } = await fipsConnect(inner, { port, servername: "localhost", ca: pki.caPem, provider, cert: own.certPem, key: own.keyPem });
      socket.end(GET);
      await sink.end();
      assert.match(sink.text(), /New, TLSv1\.2, Cipher is /);
      assert.match(sink.text(), /Client certificate\n/, `${own.kind}: s_server saw our certificate`);
    }
  }));

  t("renegotiation requested by s_server ('R') is refused with a warning no_renegotiation (OpenSSL then ends the connection)", scoped(async (inner) => {
    const { peer, port } = await opensslServer(inner, { cert: ecdsa, mode: "interactive", version: "tls1_2", args: ["-msg"] });
    const { socket, sink } = await fipsConnect(inner, { port, servername: "localhost", ca: pki.caPem, provider });
    await peer.stdout.match("CIPHER is ");
    peer.write("data-before\n");
    await sink.match("data-before\n");
    socket.write("data-up\n");
    await peer.stdout.match("data-up\n");
    const ended = new Promise<Error | null>((resolve) => {
      socket.once("error", resolve);
      socket.once("close", () => resolve(null));
    });
    peer.write("R\n");
    // Our answer, as s_server's -msg shows it: a warning (1), no_renegotiation (100), not a new ClientHello.
    await peer.stdout.match(/<<< TLS 1\.2, Alert \[length 0002\], warning no_renegotiation\n\s+01 64/);
    assert.not.match(peer.stdout.text(), /<<< TLS 1\.2, Handshake \[length [0-9a-f]+\], ClientHello/);
    // OpenSSL, having asked, gives up on the connection (RFC 5246 7.2.2 leaves that to the requester).
    const err = await ended;
    if (err) assert.match(err.message, /handshake_failure/);
  }));

  t("node:tls with maxVersion TLSv1.2: echo both ways", scoped(async (inner) => {
    const server = await nodeTlsServer(inner, { cert: rsa.certPem, key: rsa.keyPem, minVersion: "TLSv1.2", maxVersion: "TLSv1.2" });
    const { socket, sink } = await fipsConnect(inner, { port: server.port, servername: "localhost", ca: pki.caPem, provider });
    assert.is(socket.tlsInfo!.version, "TLSv1.2");
    const accepted = await server.nextConnection();
    assert.is(accepted.socket.getProtocol(), "TLSv1.2");
    accepted.socket.write("from node\n");
    await sink.match("from node\n");
    socket.write("from fipstls\n");
    await accepted.sink.match("from fipstls\n");
  }));

  t.run();
}
