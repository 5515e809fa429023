// TLSSocket members code written for node:tls calls, checked against node:tls itself on the other end:
// getFinished()/getPeerFinished() (the values tls-unique channel bindings are made of) and
// setMaxSendFragment(), whose record sizes are read off the wire by a relay in between.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type CertSet, fipsConnect, fipsServer, interopPki, nodeTlsConnect, nodeTlsServer, scoped } from "./peers.js";
import { recordRelay } from "./record-relay.js";

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

t.run();
