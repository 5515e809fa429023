// TLSSocket members code written for node:tls calls, checked against node:tls itself on the other end:
// getFinished()/getPeerFinished() (the values tls-unique channel bindings are made of) and
// setMaxSendFragment(), whose record sizes are read off the wire by a relay in between.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type CertSet, fipsConnect, fipsConnectError, fipsServer, interopPki, nodeTlsConnect, nodeTlsServer, scoped, within } from "./peers.js";
import { recordRelay } from "./record-relay.js";
import * as tls from "node:tls";
import { connect } from "../../src/node.js";

const cert = (): CertSet => interopPki().certs.find((c) => c.kind === "ecdsa-p256")!;
const VERSIONS = ["TLSv1.3", "TLSv1.2"] as const;

const t = suite("node:tls parity: TLSSocket members against node:tls");

for (const version of VERSIONS) {
  t(`${version}: getFinished()/getPeerFinished() match node:tls's, both ways`, scoped(async (scope) => {
    const server = await nodeTlsServer(scope, { cert: cert().certPem, key: cert().keyPem, minVersion: version, maxVersion: version });
    const { socket } = await fipsConnect(scope, { port: server.port, servername: "localhost", ca: interopPki().caPem, minVersion: version, maxVersion: version });
    const theirs = (await server.nextConnection()).socket;
    assert.ok(socket.getFinished()!.length >= 12);
    assert.equal(socket.getFinished(), theirs.getPeerFinished());
    assert.equal(socket.getPeerFinished(), theirs.getFinished());

    const ours = await fipsServer(scope, { cert: cert().certPem, key: cert().keyPem, minVersion: version, maxVersion: version });
    const client = await nodeTlsConnect(scope, { port: ours.port, ca: interopPki().caPem, minVersion: version, maxVersion: version });
    const accepted = (await ours.accepted.next("fipstls server connection")).socket;
    assert.equal(accepted.getFinished(), client.socket.getPeerFinished());
    assert.equal(accepted.getPeerFinished(), client.socket.getFinished());
  }));

  t(`${version}: setMaxSendFragment(512) makes records of 512 bytes of data, as node:tls's does`, scoped(async (scope) => {
    const ours = await fipsServer(scope, { cert: cert().certPem, key: cert().keyPem, minVersion: version, maxVersion: version });
    ours.handler = ({ socket }) => {
      assert.is(socket.setMaxSendFragment(100), false, "below 512 is refused");
      assert.is(socket.setMaxSendFragment(512), true);
      socket.end(Buffer.alloc(4096, 1));
    };
    const relay = await recordRelay(scope, ours.port);
    const { socket, sink } = await nodeTlsConnect(scope, { port: relay.port, ca: interopPki().caPem, minVersion: version, maxVersion: version });
    await sink.end();
    assert.is(sink.bytes().length, 4096);
    // The eight data records: 512 bytes of data each, plus the version's AEAD overhead.
    const overhead = version === "TLSv1.3" ? 17 : 24;
    assert.equal(relay.serverRecords.filter((n) => n === 512 + overhead).length, 8, `server records: ${relay.serverRecords.join(" ")}`);
    assert.ok(Math.max(...relay.serverRecords.slice(-9)) <= 512 + overhead);
    socket.destroy();
  }));
}

t("servername: false when the client connects to an IP address (no SNI), as node:tls; the name otherwise", scoped(async (scope) => {
  const server = await nodeTlsServer(scope, { cert: cert().certPem, key: cert().keyPem });
  for (const servername of [undefined, "", "localhost"]) {
    const options = { port: server.port, ca: interopPki().caPem, rejectUnauthorized: false, ...(servername === undefined ? {} : { servername }) };
    const ours = await fipsConnect(scope, { host: "127.0.0.1", ...options });
    const theirs = await nodeTlsConnect(scope, { host: "127.0.0.1", ...options, servername });
    assert.is(ours.socket.servername, theirs.socket.servername, `servername ${JSON.stringify(servername)}`);
    assert.is(ours.socket.servername, servername === "localhost" ? "localhost" : false);
  }
}));

for (const [version, ciphers] of [
  ["TLSv1.3", "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256"],
  ["TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"],
] as const) {
  t(`${version}: honorCipherOrder: our order by default and with true, the client's with false, as node:tls's server chooses`, scoped(async (scope) => {
    // node:tls takes TLS 1.3 suite names in `ciphers` too.
    const client = { ca: interopPki().caPem, minVersion: version, maxVersion: version, ciphers };
    for (const honorCipherOrder of [undefined, false, true]) {
      const options = { cert: cert().certPem, key: cert().keyPem, minVersion: version, maxVersion: version, ...(honorCipherOrder === undefined ? {} : { honorCipherOrder }) };
      const ours = await fipsServer(scope, { ...options, tls: { cipherSuites: version === "TLSv1.3" ? ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"] : ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] } });
      const theirs = await nodeTlsServer(scope, { ...options, ciphers: ciphers.split(":").reverse().join(":") });
      const toOurs = await nodeTlsConnect(scope, { port: ours.port, ...client });
      const toTheirs = await nodeTlsConnect(scope, { port: theirs.port, ...client });
      const expected = honorCipherOrder === false ? /AES_256/ : /AES_128/;
      assert.match(toTheirs.socket.getCipher().standardName, expected, `node:tls server, honorCipherOrder ${honorCipherOrder}`);
      assert.is(toOurs.socket.getCipher().standardName, toTheirs.socket.getCipher().standardName, `honorCipherOrder ${honorCipherOrder}`);
    }
  }));
}

t("ciphers, ecdhCurve and sigalgs as node:tls spells them: the same suite, group and scheme as node:tls negotiates", scoped(async (scope) => {
  const server = await nodeTlsServer(scope, { cert: cert().certPem, key: cert().keyPem, minVersion: "TLSv1.2" });
  const options = { port: server.port, servername: "localhost", ca: interopPki().caPem, ecdhCurve: "P-384:X25519", sigalgs: "ECDSA+SHA256:ECDSA+SHA384:rsa_pss_rsae_sha256:RSA+SHA256" };
  for (const [ciphers, version] of [
    ["TLS_AES_256_GCM_SHA384", "TLSv1.3"],
    // Only TLS 1.2 names: TLS 1.3 keeps its default suites, as in node:tls.
    ["ECDHE-ECDSA-AES256-GCM-SHA384", "TLSv1.3"],
  ] as const) {
    const ours = await fipsConnect(scope, { ...options, ciphers });
    const theirs = await nodeTlsConnect(scope, { ...options, ciphers, minVersion: "TLSv1.2" });
    assert.is(ours.socket.getProtocol(), version);
    assert.is(ours.socket.getProtocol(), theirs.socket.getProtocol(), ciphers);
    assert.is(ours.socket.getCipher()!.standardName, theirs.socket.getCipher().standardName, ciphers);
    assert.equal(ours.socket.getEphemeralKeyInfo(), theirs.socket.getEphemeralKeyInfo(), ciphers);
  }
  // TLS 1.2 (RFC 8422): our groups also say which ECDSA certificate curves we take, so P-256 must be among them.
  const tls12Options = { ...options, ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384", ecdhCurve: "P-384:P-256", maxVersion: "TLSv1.2" } as const;
  const tls12 = await fipsConnect(scope, tls12Options);
  const tls12Theirs = await nodeTlsConnect(scope, { ...tls12Options, minVersion: "TLSv1.2" });
  assert.is(tls12.socket.getCipher()!.standardName, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
  assert.is(tls12.socket.getCipher()!.standardName, tls12Theirs.socket.getCipher().standardName);
  assert.equal(tls12.socket.getEphemeralKeyInfo(), tls12Theirs.socket.getEphemeralKeyInfo());
  // OpenSSL's keywords, an ambiguous sigalg and an unknown group name the token they could not map.
  for (const [bad, token] of [[{ ciphers: "HIGH:!aNULL" }, "HIGH"], [{ sigalgs: "RSA-PSS+SHA256" }, "RSA-PSS+SHA256"], [{ ecdhCurve: "brainpoolP256r1" }, "brainpoolP256r1"]] as const) {
    const e = await fipsConnectError(scope, { ...options, ...bad });
    assert.is((e as { code?: string }).code, "ERR_FIPSTLS_CONFIG", e.message);
    assert.ok(e.message.includes(`"${token}"`), e.message);
  }
}));

t("'close' carries hadError as node:tls's does: false after a clean end, true after a failure", scoped(async (scope) => {
  const server = await nodeTlsServer(scope, { cert: cert().certPem, key: cert().keyPem });
  // The server ends once asked, so that both clients listen for 'close' before it can come.
  server.handler = ({ socket }) => socket.once("data", () => socket.end("bye"));
  const closeOf = (s: { once(e: "close", f: (hadError: boolean) => void): unknown }): Promise<boolean> => new Promise((r) => s.once("close", r));
  const ours = await fipsConnect(scope, { port: server.port, servername: "localhost", ca: interopPki().caPem });
  const theirs = await nodeTlsConnect(scope, { port: server.port, ca: interopPki().caPem });
  const closes = Promise.all([closeOf(ours.socket), closeOf(theirs.socket)]);
  ours.socket.write("go");
  theirs.socket.write("go");
  assert.equal(await within(closes, "both to close"), [false, false]);
  // No trust anchor for the server: verification fails, the socket is destroyed with the error.
  const failing = [
    connect({ host: "127.0.0.1", port: server.port, servername: "localhost" }),
    tls.connect({ host: "127.0.0.1", port: server.port, servername: "localhost" }),
  ];
  for (const s of failing) s.on("error", () => undefined);
  assert.equal(await within(Promise.all(failing.map(closeOf)), "both failed sockets to close"), [true, true]);
}));

t("getPeerCertificate(true): the chain completed from the trust store, or ending unlinked at an unknown issuer, as node:tls's", scoped(async (scope) => {
  const server = await nodeTlsServer(scope, { cert: cert().certPem, key: cert().keyPem });
  // The subjects along issuerCertificate, and how the chain ends: at a self-referring root or with no issuer.
  const walk = (c: { subject: { CN?: string }; issuerCertificate?: unknown }): string => {
    const out: string[] = [];
    for (let at: typeof c | undefined = c; at && out.length < 5; ) {
      const next = at.issuerCertificate as typeof c | undefined;
      out.push(`${at.subject.CN}${next === at ? " (self)" : next ? "" : " (none)"}`);
      at = next === at ? undefined : next;
    }
    return out.join(" -> ");
  };
  for (const options of [{ ca: interopPki().caPem }, { rejectUnauthorized: false }, { ca: interopPki().caPem, rejectUnauthorized: false }]) {
    const ours = await fipsConnect(scope, { port: server.port, servername: "localhost", ...options });
    const theirs = await nodeTlsConnect(scope, { port: server.port, ...options });
    const chain = walk(ours.socket.getPeerCertificate(true) as never);
    assert.is(chain, walk(theirs.socket.getPeerCertificate(true) as never), JSON.stringify(Object.keys(options)));
    assert.is(chain, "ca" in options ? "localhost -> fipstls interop CA (self)" : "localhost (none)");
  }
}));

t("getX509Certificate() is the certificate node:tls's peer received; members fipstls cannot support throw errors naming why", scoped(async (scope) => {
  const ours = await fipsServer(scope, { cert: cert().certPem, key: cert().keyPem });
  const client = await nodeTlsConnect(scope, { port: ours.port, ca: interopPki().caPem });
  const accepted = (await ours.accepted.next("fipstls server connection")).socket;
  assert.equal(accepted.getX509Certificate()!.raw, client.socket.getPeerX509Certificate()!.raw);
  assert.not.throws(() => accepted.disableRenegotiation());
  const renegotiation = await within(new Promise<Error | null>((r) => assert.is(accepted.renegotiate({}, r), false)), "renegotiate's callback");
  assert.match(renegotiation!.message, /does not renegotiate/);
  assert.throws(() => accepted.setServername("x"), /setServername: .*connect\(\{ servername \}\)/);
  assert.throws(() => accepted.setSession(Buffer.alloc(1)), /setSession: .*connect\(\{ session \}\)/);
  assert.throws(() => accepted.setKeyCert({}), /setKeyCert: .*SNICallback/);
  assert.throws(() => accepted.enableTrace(), /enableTrace: .*audit\(\)/);
  assert.throws(() => ours.server.setOptions({}), /setOptions: .*setSecureContext/);
  assert.is(ours.server.listening, true);
}));

// Different lists and orders on each side, so that the intersection and its order are both checked.
const CLIENT_SIGALGS = "rsa_pss_rsae_sha256:ecdsa_secp384r1_sha384:ed25519:ecdsa_secp256r1_sha256:rsa_pss_rsae_sha512";
const SERVER_SIGALGS = "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha512:ed25519:rsa_pss_rsae_sha256:ecdsa_secp521r1_sha512";

for (const version of VERSIONS) {
  for (const honorCipherOrder of [true, false]) {
    t(`${version}, honorCipherOrder ${honorCipherOrder}: getSharedSigalgs() on both sides equals node:tls's in the same place`, scoped(async (scope) => {
      const common = { minVersion: version, maxVersion: version } as const;
      const serverOptions = { cert: cert().certPem, key: cert().keyPem, ca: interopPki().caPem, ...common, sigalgs: SERVER_SIGALGS, requestCert: true, rejectUnauthorized: false, honorCipherOrder };
      const reference = await nodeTlsServer(scope, serverOptions);
      const theirClient = await nodeTlsConnect(scope, { port: reference.port, ca: interopPki().caPem, ...common, sigalgs: CLIENT_SIGALGS });
      const theirServerSide = (await reference.nextConnection()).socket.getSharedSigalgs();
      const theirClientSide = theirClient.socket.getSharedSigalgs();
      assert.ok(theirServerSide.length >= 3, theirServerSide.join());

      // fipstls as the server, node:tls as the client; then fipstls as the client of node:tls's server.
      const ours = await fipsServer(scope, serverOptions);
      const client = await nodeTlsConnect(scope, { port: ours.port, ca: interopPki().caPem, ...common, sigalgs: CLIENT_SIGALGS });
      const accepted = (await ours.nextConnection()).socket;
      assert.equal(accepted.getSharedSigalgs(), theirServerSide, "fipstls server");
      assert.equal(client.socket.getSharedSigalgs(), theirClientSide, "node:tls client of a fipstls server");
      const { socket } = await fipsConnect(scope, { port: reference.port, servername: "localhost", ca: interopPki().caPem, ...common, sigalgs: CLIENT_SIGALGS });
      assert.equal(socket.getSharedSigalgs(), theirClientSide, "fipstls client");
    }));
  }
}

t("getSharedSigalgs(): a client the server asked no certificate of has [] (as node:tls); TLS 1.2 lists RSA+SHA256, TLS 1.3 does not (fipstls lists handshake signatures only)", scoped(async (scope) => {
  const server = await nodeTlsServer(scope, { cert: cert().certPem, key: cert().keyPem });
  const { socket } = await fipsConnect(scope, { port: server.port, servername: "localhost", ca: interopPki().caPem });
  const theirs = await nodeTlsConnect(scope, { port: server.port, ca: interopPki().caPem });
  assert.equal(socket.getSharedSigalgs(), []);
  assert.equal(theirs.socket.getSharedSigalgs(), []);
  for (const version of VERSIONS) {
    const ours = await fipsServer(scope, { cert: cert().certPem, key: cert().keyPem, minVersion: version, maxVersion: version, sigalgs: "ecdsa_secp256r1_sha256:RSA+SHA256" });
    await nodeTlsConnect(scope, { port: ours.port, ca: interopPki().caPem, minVersion: version, maxVersion: version, sigalgs: "RSA+SHA256:ecdsa_secp256r1_sha256" });
    const shared = (await ours.nextConnection()).socket.getSharedSigalgs();
    assert.equal(shared, version === "TLSv1.2" ? ["ECDSA+SHA256", "RSA+SHA256"] : ["ECDSA+SHA256"], version);
  }
}));

t.run();
