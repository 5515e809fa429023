// TLS 1.2 clients ⇄ fipstls server: openssl s_client -tls1_2 for every TLS 1.2 suite with both
// certificate types and both providers (s_client verifying our chain and name), EMS required under
// fips-140-3, client certificates, client-initiated renegotiation refused (s_client's 'R'),
// TLS_FALLBACK_SCSV, node:tls with maxVersion TLSv1.2, and fipstls ⇄ fipstls.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TLS12_SUITES } from "../../src/suites/cipher-suites.js";
import { PROVIDERS } from "../_providers.js";
import type { Peer } from "./peers.js";
import { Scope, exitOf, fipsConnect, fipsServer, interopLeaf, interopPki, nodeTlsConnect, scoped, spawnOpenssl } from "./peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const rsa = pki.certs.find((c) => c.kind === "rsa-2048")!;
const noEms = join(pki.dir, "tls12-client-no-ems.cnf");
writeFileSync(noEms, "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = defaults\n[defaults]\nOptions = -ExtendedMasterSecret\n");

function sClient(scope: Scope, port: number, args: readonly string[]): Peer {
  return spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", "-tls1_2", "-CAfile", pki.caPath, "-verify_return_error", "-verify_hostname", "localhost", ...args], "s_client -tls1_2");
}

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: TLS 1.2 clients ⇄ fipstls server (${pname})`);
  const scope = new Scope();
  t.after(() => scope.close());
  const runnable = TLS12_SUITES.filter((s) => provider.supports.aeads.includes(s.aead));

  for (const s of runnable) {
    t(`openssl s_client -tls1_2: ${s.name}`, scoped(async (inner) => {
      const cert = s.authentication === "ECDSA" ? ecdsa : rsa;
      const server = await fipsServer(inner, { cert: cert.certPem, key: cert.keyPem, provider });
      const peer = sClient(inner, server.port, ["-brief", "-ign_eof", "-cipher", s.openSslName]);
      peer.child.stdin!.end("ping\n");
      assert.is(await exitOf(peer), 0, peer.describe());
      const summary = peer.stderr.text();
      assert.match(summary, /^Protocol version: TLSv1\.2$/m);
      assert.ok(summary.includes(`Ciphersuite: ${s.openSslName}\n`), summary);
      assert.match(summary, /^Verification: OK$/m);
      assert.is(peer.stdout.text(), "pong:ping\n");
      const { socket } = await server.nextConnection();
      assert.is(socket.tlsInfo!.version, "TLSv1.2");
      assert.is(socket.tlsInfo!.cipherSuite, s.name);
      assert.is(socket.tlsInfo!.extendedMasterSecret, true);
    }));
  }

  t("a TLS 1.3 server answering TLS 1.2 marks its random, and refuses a needless fallback (TLS_FALLBACK_SCSV)", scoped(async (inner) => {
    const server = await fipsServer(inner, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider });
    const down = sClient(inner, server.port, ["-msg", "-ign_eof"]);
    down.child.stdin!.end("ping\n");
    assert.is(await exitOf(down), 0, down.describe());
    // The ServerHello's random ends with DOWNGRD\x01 (RFC 8446 4.1.3), as s_client's -msg dump shows it.
    assert.match(down.stdout.text().replace(/\s+/g, " "), /44 4f 57 4e 47 52 44 01/);
    const fallback = sClient(inner, server.port, ["-fallback_scsv"]);
    fallback.child.stdin!.end();
    assert.is.not(await exitOf(fallback), 0);
    assert.match(fallback.stderr.text(), /inappropriate fallback/);
  }));

  t("fips-140-3 refuses a TLS 1.2 client without the Extended Master Secret, naming the rule", scoped(async (inner) => {
    const server = await fipsServer(inner, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider, policy: "fips-140-3", requireFipsProvider: false });
    const previous = process.env.OPENSSL_CONF;
    process.env.OPENSSL_CONF = noEms;
    let peer: Peer;
    try {
      peer = sClient(inner, server.port, []);
    } finally {
      if (previous === undefined) delete process.env.OPENSSL_CONF;
      else process.env.OPENSSL_CONF = previous;
    }
    peer.child.stdin!.end();
    assert.is.not(await exitOf(peer), 0);
    const err = await server.nextError();
    assert.match(err.message, /ExtendedMasterSecretRequired.*FIPS 140-3 IG D\.Q/);
  }));

  t("client certificates: required and checked (ECDSA and RSA keys)", scoped(async (inner) => {
    const server = await fipsServer(inner, { cert: rsa.certPem, key: rsa.keyPem, provider, requestCert: true, rejectUnauthorized: true, ca: pki.caPem });
    for (const own of [ecdsa, rsa]) {
      const peer = sClient(inner, server.port, ["-brief", "-ign_eof", "-cert", own.certPath, "-key", own.keyPath]);
      peer.child.stdin!.end("ping\n");
      assert.is(await exitOf(peer), 0, peer.describe());
      const { socket } = await server.nextConnection();
      assert.is(socket.tlsInfo!.peerCertificates.length >= 1, true, `${own.kind}: the server holds our chain`);
    }
    const none = sClient(inner, server.port, []);
    none.child.stdin!.end();
    assert.is.not(await exitOf(none), 0);
    assert.match((await server.nextError()).message, /NoClientCertificate/);
  }));

  t("client-initiated renegotiation (s_client 'R') is refused with a warning no_renegotiation, never a ServerHello", scoped(async (inner) => {
    const server = await fipsServer(inner, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider });
    const peer = sClient(inner, server.port, ["-msg"]);
    await peer.stdout.match("Verify return code: 0 (ok)");
    peer.write("R\n");
    await peer.stdout.match(/<<< TLS 1\.2, Alert \[length 0002\], warning no_renegotiation\n\s+01 64/);
    const after = peer.stdout.text().slice(peer.stdout.text().indexOf("RENEGOTIATING"));
    assert.not.match(after, /<<< TLS 1\.2, Handshake \[length [0-9a-f]+\], ServerHello/);
    // OpenSSL, having asked, ends the connection with handshake_failure (RFC 5246 7.2.2 leaves that to it).
    peer.child.stdin!.end();
    await exitOf(peer);
  }));

  t("an Ed25519 certificate serves ECDHE_ECDSA suites in TLS 1.2 (RFC 8422), to s_client and to fipstls", scoped(async (inner) => {
    if (!provider.supports.signatures.includes("ed25519")) return;
    const leaf = interopLeaf("ed25519");
    const server = await fipsServer(inner, { cert: leaf.certPem, key: leaf.keyPem, provider });
    const peer = sClient(inner, server.port, ["-brief", "-ign_eof"]);
    peer.child.stdin!.end("ping\n");
    assert.is(await exitOf(peer), 0, peer.describe());
    assert.match(peer.stderr.text(), /^Protocol version: TLSv1\.2$/m);
    assert.match(peer.stderr.text(), /^Ciphersuite: ECDHE-ECDSA-/m);
    const ours = await fipsConnect(inner, { port: server.port, servername: "localhost", ca: pki.caPem, provider, maxVersion: "TLSv1.2" });
    assert.is(ours.socket.tlsInfo!.signatureScheme, "ed25519");
    assert.match(ours.socket.tlsInfo!.cipherSuite, /^TLS_ECDHE_ECDSA_/);
  }));

  t("node:tls client with maxVersion TLSv1.2, and fipstls ⇄ fipstls capped at TLS 1.2", scoped(async (inner) => {
    const server = await fipsServer(inner, { cert: rsa.certPem, key: rsa.keyPem, provider });
    const node = await nodeTlsConnect(inner, { port: server.port, ca: pki.caPem, minVersion: "TLSv1.2", maxVersion: "TLSv1.2" });
    assert.is(node.socket.getProtocol(), "TLSv1.2");
    node.socket.write("ping\n");
    await node.sink.match("pong:ping\n");
    // RFC 5705 keying material agrees with OpenSSL's (node:tls) for the same connection.
    const nodeSide = (await server.nextConnection()).socket;
    const label = "EXPERIMENTAL fipstls";
    const theirs = node.socket.exportKeyingMaterial(32, label, Buffer.from("ctx"));
    assert.equal([...(await nodeSide.exportKeyingMaterial(32, label, Buffer.from("ctx")))], [...theirs]);
    const ours = await fipsConnect(inner, { port: server.port, servername: "localhost", ca: pki.caPem, provider, maxVersion: "TLSv1.2" });
    assert.is(ours.socket.tlsInfo!.version, "TLSv1.2");
    ours.socket.write("ping\n");
    await ours.sink.match("pong:ping\n");
  }));

  t.run();
}
