// Hybrid post-quantum key exchange (draft-ietf-tls-ecdhe-mlkem) against node:tls, whose OpenSSL 3.5
// (Node >= 24) speaks X25519MLKEM768, SecP256r1MLKEM768 and SecP384r1MLKEM1024: each group both
// ways, the default preference, a HelloRetryRequest to a hybrid group, and malformed hybrid shares.
// ML-KEM needs Node >= 24: on older Nodes the file says so and runs nothing; .ci/run runs it on 24.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { HybridGroupName } from "../../src/crypto/provider.js";
import { TlsError } from "../../src/errors.js";
import * as helloCodec from "../../src/msgs/hello.js";
import * as keyShareCodec from "../../src/msgs/extensions.js";
import { nodeProvider } from "../../providers/node/index.js";
import { makePair, rejection } from "../_pair.js";
import { rewriteMessage } from "../_tamper.js";
import { fipsConnect, fipsServer, interopPki, nodeTlsConnect, nodeTlsServer, scoped } from "./peers.js";
import { skippedAtRunTime } from "../_skip.js";

const provider = nodeProvider();
const available = (provider.supports.kems ?? []).includes("ML-KEM-768");
const nodeMajor = Number(process.versions.node.split(".")[0]);
const fipsExpected = process.env.FIPSTLS_EXPECT_FIPS === "1";
const t = suite("interop: hybrid post-quantum groups with node:tls");

if (!available) {
  t("ML-KEM is not in this Node", () => {
    // Node 24 ships OpenSSL 3.5 with ML-KEM: there, missing it is a failure, not a skip.
    assert.ok(nodeMajor < 24, `Node ${process.versions.node} should offer ML-KEM`);
    skippedAtRunTime(`ML-KEM needs Node >= 24 (this is ${process.version}); .ci/run runs this file on Node 24`);
  });
} else {
  const pki = interopPki();
  const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
  const hybrids: HybridGroupName[] = fipsExpected ? ["SecP256r1MLKEM768", "SecP384r1MLKEM1024"] : ["X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024"];

  for (const group of hybrids) {
    t(`${group}: fipstls client → node:tls server, and node:tls client → fipstls server`, scoped(async (scope) => {
      const node = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, ecdhCurve: group });
      const { socket, sink } = await fipsConnect(scope, { port: node.port, servername: "localhost", ca: pki.caPem, provider, tls: { groups: [group, "secp256r1"] } });
      assert.is(socket.tlsInfo!.group, group);
      assert.is(socket.tlsInfo!.helloRetryRequest, false);
      await node.nextConnection();
      socket.write("ping\n");
      await sink.match("pong:ping\n");
      // As node:tls reports a hybrid group.
      assert.equal(socket.getEphemeralKeyInfo(), { type: "TLSGroup", name: group });

      const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider, tls: { groups: [group, "secp256r1"] } });
      const client = await nodeTlsConnect(scope, { port: server.port, ca: pki.caPem, ecdhCurve: group });
      client.socket.write("ping\n");
      await client.sink.match("pong:ping\n");
      assert.is((await server.nextConnection()).socket.tlsInfo!.group, group);
    }));
  }

  t("by default a hybrid group is preferred, with a classical share beside it: no HelloRetryRequest with either kind of server", scoped(async (scope) => {
    const expected = fipsExpected ? "SecP256r1MLKEM768" : "X25519MLKEM768";
    const pq = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, ecdhCurve: hybrids.join(":") });
    const a = await fipsConnect(scope, { port: pq.port, servername: "localhost", ca: pki.caPem, provider, ...(fipsExpected ? { policy: "fips-140-3" } : {}) });
    assert.is(a.socket.tlsInfo!.group, expected);
    assert.is(a.socket.tlsInfo!.helloRetryRequest, false);
    const classical = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, ecdhCurve: "P-256" });
    const b = await fipsConnect(scope, { port: classical.port, servername: "localhost", ca: pki.caPem, provider, ...(fipsExpected ? { policy: "fips-140-3" } : {}) });
    assert.is(b.socket.tlsInfo!.group, "secp256r1");
    assert.is(b.socket.tlsInfo!.helloRetryRequest, false);
    const audit = a.socket.audit();
    assert.ok(audit.items.some((i) => i.kind === "group" && i.name === expected && i.decision === "allowed"));
  }));

  t("a HelloRetryRequest to a hybrid group (node:tls sends a P-256 share first)", scoped(async (scope) => {
    const group = hybrids[0]!;
    const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider, tls: { groups: [group, "secp256r1"], preferGroupOverShare: true } });
    const client = await nodeTlsConnect(scope, { port: server.port, ca: pki.caPem, ecdhCurve: `P-256:${group}` });
    client.socket.write("ping\n");
    await client.sink.match("pong:ping\n");
    const info = (await server.nextConnection()).socket.tlsInfo!;
    assert.is(info.group, group);
    assert.is(info.helloRetryRequest, true);
  }));

  t("malformed hybrid shares are illegal_parameter: a short client share, an invalid encapsulation key, a short ciphertext", async () => {
    const pki2 = { provider, certificateChain: ecdsa.certPem, privateKey: ecdsa.keyPem };
    const clientOptions = { provider, serverName: "localhost", roots: pki.caPem, groups: [hybrids[0]!], minVersion: "TLSv1.3" as const };
    const ch = (edit: (share: Uint8Array) => Uint8Array) =>
      rewriteMessage("c2s", 1, (body) => {
        const hello = helloCodec.decodeClientHello(body);
        const list = hello.extensions.list.map((e) => {
          if (e.type !== 51) return e;
          const entries = keyShareCodec.decodeKeyShareClient(e.data);
          return { type: 51, data: keyShareCodec.encodeKeyShareClient(entries.map((x) => ({ group: x.group, keyExchange: edit(x.keyExchange) }))) };
        });
        return helloCodec.encodeClientHello({ random: hello.random, legacySessionId: hello.legacySessionId, cipherSuites: hello.cipherSuites, extensions: list });
      });
    const short = await makePair(clientOptions, pki2, { tamper: ch((share) => share.subarray(1)) });
    assert.is(((await rejection(short.server.conn.handshake)) as TlsError).alert, "illegal_parameter");
    // An encapsulation key whose coefficients are not reduced mod q fails FIPS 203's check (7.2).
    const kemFirst = hybrids[0] === "X25519MLKEM768";
    const invalid = await makePair(clientOptions, pki2, {
      tamper: ch((share) => {
        const out = share.slice();
        out.fill(0xff, kemFirst ? 0 : share.length - 1184, kemFirst ? 1184 - 32 : share.length - 32);
        return out;
      }),
    });
    assert.is(((await rejection(invalid.server.conn.handshake)) as TlsError).alert, "illegal_parameter");
    const shortCiphertext = await makePair(clientOptions, pki2, {
      tamper: rewriteMessage("s2c", 2, (body) => {
        const sh = helloCodec.decodeServerHello(body);
        const list = sh.extensions.list.map((e) => {
          if (e.type !== 51) return e;
          const entry = keyShareCodec.decodeKeyShareServer(e.data);
          return { type: 51, data: keyShareCodec.encodeKeyShareServer({ group: entry.group, keyExchange: entry.keyExchange.subarray(0, entry.keyExchange.length - 1) }) };
        });
        return helloCodec.encodeServerHello({ random: sh.random, legacySessionIdEcho: sh.legacySessionIdEcho, cipherSuite: sh.cipherSuite, extensions: list });
      }),
    });
    const e = (await rejection(shortCiphertext.client.conn.handshake)) as TlsError;
    assert.is(e.alert, "illegal_parameter");
    assert.match(e.message, /InvalidKeyShare/);
  });
}

t.run();
