// Client and server connections of the sans-IO core against each other, in memory, with each
// provider: every suite and group, HelloRetryRequest both ways, ALPN, KeyUpdate, chunking, tampering.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki, type ThrowawayPki } from "../bin/throwaway-pki.js";
import { equalBytes, utf8 } from "../src/codec/bytes.js";
import { AlertReceived, InvalidCertificate, TlsError } from "../src/errors.js";
import type { CipherSuiteName } from "../src/msgs/enums.js";
import type { GroupName } from "../src/crypto/provider.js";
import { makePair, rejection, until } from "./_pair.js";
import { PROVIDERS } from "./_providers.js";

const ec = await makeThrowawayPki({ keyType: "ec-p256" });
const rsa = await makeThrowawayPki({ keyType: "rsa-2048" });
const other = await makeThrowawayPki({ keyType: "ec-p256" });

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`loopback (${pname} provider)`);
  const client = (extra: Record<string, unknown> = {}, pki: ThrowawayPki = ec) => ({ provider, serverName: "localhost", roots: pki.caPem, ...extra });
  const server = (extra: Record<string, unknown> = {}, pki: ThrowawayPki = ec) => ({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem, ...extra });

  const suites = (["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"] as CipherSuiteName[]).filter((s) =>
    s.includes("CHACHA") ? provider.supports.aeads.includes("CHACHA20-POLY1305") : true,
  );
  for (const cs of suites) {
    for (const group of provider.supports.groups as GroupName[]) {
      t(`${cs} over ${group}: handshake and data both ways`, async () => {
        const { client: c, server: s } = await makePair(client({ cipherSuites: [cs], groups: [group] }), server());
        await Promise.all([c.conn.handshake, s.conn.handshake]);
        assert.is(c.conn.info.cipherSuite, cs);
        assert.is(c.conn.info.group, group);
        assert.is(c.conn.info.signatureScheme, "ecdsa_secp256r1_sha256");
        assert.is(s.conn.info.serverName, "localhost");
        await c.conn.write(utf8("ping"));
        await s.conn.write(utf8("pong"));
        await until(() => s.data().length === 4 && c.data().length === 4);
        assert.is(new TextDecoder().decode(s.data()), "ping");
        assert.is(new TextDecoder().decode(c.data()), "pong");
      });
    }
  }

  t("RSA certificate: rsa_pss_rsae_sha256 in CertificateVerify", async () => {
    const { client: c } = await makePair(client({}, rsa), server({}, rsa));
    await c.conn.handshake;
    assert.is(c.conn.info.signatureScheme, "rsa_pss_rsae_sha256");
  });

  t("HelloRetryRequest forced by the client's choice of share", async () => {
    const { client: c, server: s } = await makePair(
      client({ groups: ["secp256r1", "secp384r1"], keyShareGroups: ["secp384r1"] }),
      server({ groups: ["secp256r1"] }),
    );
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.ok(c.conn.info.helloRetryRequest);
    assert.ok(s.conn.info.helloRetryRequest);
    assert.is(c.conn.info.group, "secp256r1");
  });

  t("HelloRetryRequest forced by the server's group preference", async () => {
    const { client: c } = await makePair(
      client({ groups: ["secp384r1", "secp256r1"] }),
      server({ groups: ["secp256r1", "secp384r1"], preferGroupOverShare: true }),
    );
    await c.conn.handshake;
    assert.ok(c.conn.info.helloRetryRequest);
    assert.is(c.conn.info.group, "secp256r1");
  });

  t("ALPN: the server's preference wins; no overlap is no_application_protocol", async () => {
    const ok = await makePair(client({ alpnProtocols: ["http/1.1", "h2"] }), server({ alpnProtocols: ["h2", "http/1.1"] }));
    await Promise.all([ok.client.conn.handshake, ok.server.conn.handshake]);
    assert.is(ok.client.conn.info.alpnProtocol, "h2");
    assert.is(ok.server.conn.info.alpnProtocol, "h2");
    const bad = await makePair(client({ alpnProtocols: ["spdy/1"] }), server({ alpnProtocols: ["h2"] }));
    const se = await rejection(bad.server.conn.handshake);
    assert.is((se as TlsError).alert, "no_application_protocol");
    const ce = await rejection(bad.client.conn.handshake);
    assert.instance(ce, AlertReceived);
    assert.is((ce as AlertReceived).descriptionName, "no_application_protocol");
  });

  t("one-byte chunks both ways", async () => {
    const { client: c, server: s } = await makePair(client(), server(), { chunk: 1 });
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    await c.conn.write(utf8("hello in single bytes"));
    await until(() => s.data().length === 21, 10000);
    assert.is(new TextDecoder().decode(s.data()), "hello in single bytes");
  });

  t("large writes are fragmented into 2^14-byte records and arrive intact", async () => {
    const { client: c, server: s } = await makePair(client(), server());
    await c.conn.handshake;
    const big = provider.random(100_000);
    await c.conn.write(big);
    await until(() => s.data().length === big.length);
    assert.ok(equalBytes(s.data(), big));
  });

  t("KeyUpdate on request, and automatically after N records", async () => {
    const { client: c, server: s } = await makePair(client({ limits: { keyUpdateAfterRecords: 3 } }), server());
    await c.conn.handshake;
    await c.conn.updateKeys(true);
    for (let i = 0; i < 10; i++) await c.conn.write(utf8(`m${i};`));
    await s.conn.write(utf8("after"));
    await until(() => c.data().length === 5 && s.data().length === 30);
    assert.is(new TextDecoder().decode(s.data()), "m0;m1;m2;m3;m4;m5;m6;m7;m8;m9;");
    assert.is(c.error, null);
    assert.is(s.error, null);
  });

  t("close_notify ends the peer's input cleanly", async () => {
    const { client: c, server: s } = await makePair(client(), server());
    await c.conn.handshake;
    await c.conn.close();
    await until(() => s.ended !== null);
    assert.is(s.ended, false);
    // TLS 1.3 is half-close: the server may still send.
    await s.conn.write(utf8("bye"));
    await until(() => c.data().length === 3);
  });

  t("a tampered record is bad_record_mac, and the peer is told", async () => {
    const { client: c, server: s } = await makePair(client(), server(), {
      tamper: (dir, bytes) => {
        if (dir === "c2s" && bytes[0] === 23 && bytes.length === 5 + 4 + 1 + 16) {
          const copy = bytes.slice();
          copy[7]! ^= 0x80;
          return copy;
        }
        return bytes;
      },
    });
    await c.conn.handshake;
    await c.conn.write(utf8("data"));
    await until(() => s.error !== null && c.error !== null);
    assert.is((s.error as TlsError).alert, "bad_record_mac");
    assert.is((c.error as AlertReceived).descriptionName, "bad_record_mac");
  });

  t("wrong server name is NotValidForName; unknown CA is UnknownIssuer", async () => {
    const wrong = await makePair(client({ serverName: "example.com" }), server());
    const e1 = await rejection(wrong.client.conn.handshake);
    assert.instance(e1, InvalidCertificate);
    assert.is((e1 as InvalidCertificate).reason, "NotValidForName");
    const untrusted = await makePair(client({ roots: other.caPem }), server());
    const e2 = await rejection(untrusted.client.conn.handshake);
    assert.is((e2 as InvalidCertificate).reason, "UnknownIssuer");
    const se = await rejection(untrusted.server.conn.handshake);
    assert.is((se as AlertReceived).descriptionName, "unknown_ca");
  });

  t("client certificates: required and sent, required and missing, from an untrusted CA", async () => {
    const mtls = { clientAuth: "required", clientRoots: ec.caPem };
    const ok = await makePair(client({ certificateChain: rsa.certPem, privateKey: rsa.keyPem }), server({ ...mtls, clientRoots: rsa.caPem }));
    await Promise.all([ok.client.conn.handshake, ok.server.conn.handshake]);
    assert.is(ok.server.conn.info.peerCertificates.length, 1);
    const missing = await makePair(client(), server(mtls));
    const se = (await rejection(missing.server.conn.handshake)) as TlsError;
    assert.is(se.alert, "certificate_required");
    const untrusted = await makePair(client({ certificateChain: other.certPem, privateKey: other.keyPem }), server(mtls));
    const ue = await rejection(untrusted.server.conn.handshake);
    assert.is((ue as InvalidCertificate).reason, "UnknownIssuer");
    const optional = await makePair(client(), server({ clientAuth: "optional", clientRoots: ec.caPem }));
    await optional.server.conn.handshake;
    assert.is(optional.server.conn.info.peerCertificates.length, 0);
  });

  t("no common cipher suite is handshake_failure", async () => {
    const { client: c, server: s } = await makePair(client({ cipherSuites: ["TLS_AES_128_GCM_SHA256"] }), server({ cipherSuites: ["TLS_AES_256_GCM_SHA384"] }));
    const se = await rejection(s.conn.handshake);
    assert.is((se as TlsError).alert, "handshake_failure");
    assert.match(se.message, /NoCipherSuiteMatch/);
    const ce = await rejection(c.conn.handshake);
    assert.is((ce as AlertReceived).descriptionName, "handshake_failure");
  });

  t.run();
}
