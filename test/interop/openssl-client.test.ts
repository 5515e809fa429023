// `openssl s_client` (OpenSSL 3) ⇄ fipstls server: every suite × group × certificate type the
// provider supports, with s_client verifying our chain and name; HelloRetryRequest from our side,
// ALPN, KeyUpdate both ways and 1 MiB each way byte-exact. s_client's -brief summary and our
// server's tlsInfo must tell the same story.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { TlsError } from "../../src/errors.js";
import type { CertSet, FipsServer, Peer } from "./peers.js";
import {
  MIB,
  exitOf,
  OPENSSL_GROUP,
  Scope,
  fipsServer,
  interopPki,
  matrixFor,
  randomData,
  scoped,
  sha256,
  spawnOpenssl,
  within,
} from "./peers.js";
import { PROVIDERS } from "../_providers.js";

/** s_client against our server, verifying the chain (-CAfile) and the name, failing on any error. */
function sClient(scope: Scope, port: number, args: readonly string[], label = "s_client"): Peer {
  const pki = interopPki();
  return spawnOpenssl(
    scope,
    [
      "s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", "-tls1_3",
      "-CAfile", pki.caPath, "-verify_return_error", "-verify_hostname", "localhost", ...args,
    ], // prettier-ignore
    label,
  );
}

/** Waits for s_client to exit and returns its exit code, with its output on failure. */
for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: openssl s_client ⇄ fipstls server (${pname})`);
  const { suites, groups } = matrixFor(provider);
  const suiteScope = new Scope();
  // One server per certificate for the whole suite; each case resets its handler and queues.
  const servers = new Map<string, Promise<FipsServer>>();
  const serverFor = async (cert: CertSet): Promise<FipsServer> => {
    let s = servers.get(cert.kind);
    if (!s) {
      s = fipsServer(suiteScope, { cert: cert.certPem, key: cert.keyPem, provider });
      servers.set(cert.kind, s);
    }
    const server = await s;
    server.reset();
    return server;
  };
  t.after(() => suiteScope.close());

  for (const kind of ["ecdsa-p256", "rsa-2048", "rsa-pss-2048"] as const) {
    for (const cs of suites) {
      for (const group of groups) {
        t(`${kind} certificate, ${cs}, ${group}`, scoped(async (scope) => {
          const cert = interopPki().certs.find((c) => c.kind === kind)!;
          const server = await serverFor(cert);
          const peer = sClient(scope, server.port, ["-brief", "-ign_eof", "-ciphersuites", cs, "-groups", OPENSSL_GROUP[group].flag]);
          peer.child.stdin!.end("ping\n");
          const code = await exitOf(peer);
          assert.is(code, 0, peer.describe());
          const summary = peer.stderr.text();
          assert.match(summary, /^Protocol version: TLSv1\.3$/m);
          assert.ok(summary.includes(`Ciphersuite: ${cs}\n`), summary);
          assert.match(summary, new RegExp(`^Server Temp Key: (ECDH, )?${OPENSSL_GROUP[group].reported}, `, "m"));
          assert.ok(summary.includes(`Signature type: ${cert.opensslSignatureType}\n`), summary);
          assert.match(summary, /^Verification: OK$/m);
          assert.is(peer.stdout.text(), "pong:ping\n");
          const { socket } = await server.nextConnection();
          const info = socket.tlsInfo!;
          assert.is(info.cipherSuite, cs);
          assert.is(info.group, group);
          assert.is(info.signatureScheme, cert.scheme);
          assert.is(info.serverName, "localhost");
          assert.is(info.helloRetryRequest, false);
        }));
      }
    }
  }

  t("full s_client report: Verify return code 0 for our chain", scoped(async (scope) => {
    const server = await serverFor(interopPki().certs[2]!);
    const peer = sClient(scope, server.port, ["-ign_eof"]);
    peer.child.stdin!.end("ping\n");
    assert.is(await exitOf(peer), 0, peer.describe());
    assert.match(peer.stdout.text(), /Verify return code: 0 \(ok\)/);
    assert.match(peer.stdout.text(), /Peer signature type: RSA-PSS/);
    assert.match(peer.stdout.text(), /pong:ping\n/);
  }));

  t("small and padded records: s_client -max_send_frag 512 -record_padding 1000", scoped(async (scope) => {
    const server = await serverFor(interopPki().certs[1]!);
    const peer = sClient(scope, server.port, ["-brief", "-ign_eof", "-max_send_frag", "512", "-record_padding", "1000"]);
    // 3000 bytes: several 512-byte records on s_client's side.
    const line = "d".repeat(3000);
    peer.child.stdin!.end(`${line}\n`);
    assert.is(await exitOf(peer), 0, peer.describe());
    assert.is(peer.stdout.text(), `pong:${line}\n`);
  }));

  t("HelloRetryRequest: s_client shares P-384 first, we accept only P-256", scoped(async (scope) => {
    const cert = interopPki().certs[0]!;
    const server = await fipsServer(scope, { cert: cert.certPem, key: cert.keyPem, provider, tls: { groups: ["secp256r1"] } });
    const peer = sClient(scope, server.port, ["-brief", "-ign_eof", "-groups", "P-384:P-256"]);
    peer.child.stdin!.end("ping\n");
    assert.is(await exitOf(peer), 0, peer.describe());
    assert.match(peer.stderr.text(), /^Server Temp Key: ECDH, prime256v1, /m);
    assert.is(peer.stdout.text(), "pong:ping\n");
    const { socket } = await server.nextConnection();
    assert.is(socket.tlsInfo!.helloRetryRequest, true);
    assert.is(socket.tlsInfo!.group, "secp256r1");
  }));

  t("HelloRetryRequest: preferGroupOverShare overrides s_client's X25519 share", scoped(async (scope) => {
    const cert = interopPki().certs[0]!;
    const server = await fipsServer(scope, {
      cert: cert.certPem, key: cert.keyPem, provider, tls: { groups: ["secp384r1", "x25519"], preferGroupOverShare: true },
    }); // prettier-ignore
    const peer = sClient(scope, server.port, ["-brief", "-ign_eof", "-groups", "X25519:P-384"]);
    peer.child.stdin!.end("ping\n");
    assert.is(await exitOf(peer), 0, peer.describe());
    assert.match(peer.stderr.text(), /^Server Temp Key: ECDH, secp384r1, /m);
    const { socket } = await server.nextConnection();
    assert.is(socket.tlsInfo!.helloRetryRequest, true);
    assert.is(socket.tlsInfo!.group, "secp384r1");
  }));

  t("ALPN: our preference among s_client's offers; no overlap is no_application_protocol", scoped(async (scope) => {
    const cert = interopPki().certs[0]!;
    const server = await fipsServer(scope, { cert: cert.certPem, key: cert.keyPem, provider, ALPNProtocols: ["h2", "http/1.1"] });
    const ok = sClient(scope, server.port, ["-ign_eof", "-alpn", "spdy/1,http/1.1,h2"], "s_client (ALPN match)");
    ok.child.stdin!.end("ping\n");
    assert.is(await exitOf(ok), 0, ok.describe());
    assert.match(ok.stdout.text(), /^ALPN protocol: h2$/m);
    const { socket } = await server.nextConnection();
    assert.is(socket.alpnProtocol, "h2");

    const bad = sClient(scope, server.port, ["-ign_eof", "-alpn", "spdy/1"], "s_client (ALPN mismatch)");
    bad.child.stdin!.end("ping\n");
    assert.is.not(await exitOf(bad), 0);
    assert.match(bad.stderr.text(), /alert no application protocol/);
    const err = await server.nextError();
    assert.instance(err, TlsError);
    assert.is((err as TlsError).alert, "no_application_protocol");
  }));

  t("KeyUpdate: s_client's 'K' (update_requested) and ours; data flows both ways after each", scoped(async (scope) => {
    const cert = interopPki().certs[0]!;
    const server = await fipsServer(scope, { cert: cert.certPem, key: cert.keyPem, provider });
    // Keep the connection: this case drives it by hand.
    server.handler = () => {};
    // -msg logs every handshake message. No -ign_eof: it also turns off s_client's stdin commands;
    // stdin stays open instead, and our close_notify ends s_client.
    const peer = sClient(scope, server.port, ["-msg"]);
    const { socket, sink } = await server.nextConnection();
    await peer.stdout.match("Verify return code: 0 (ok)");
    const count = (re: RegExp): number => peer.stdout.text().match(re)?.length ?? 0;
    const sentKU = /^>>> TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/gm;
    const gotKU = /^<<< TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/gm;
    // s_client treats lines starting with Q, R, k, K, B as commands; payloads start with "d".
    const exchange = async (n: number): Promise<void> => {
      peer.write(`data-up-${n}\n`);
      await sink.match(`data-up-${n}\n`);
      socket.write(`data-down-${n}\n`);
      await peer.stdout.match(`data-down-${n}\n`);
    };
    await exchange(0);
    peer.write("K\n");
    await peer.stdout.until(() => count(sentKU) === 1, "s_client's KeyUpdate");
    // Our answer precedes our next data, so s_client has logged it by the time that data shows.
    await exchange(1);
    assert.is(count(gotKU), 1, "we answered update_requested");
    await within(socket.updateKeys(true), "updateKeys(true)");
    await peer.stdout.until(() => count(gotKU) === 2, "our KeyUpdate at s_client");
    await exchange(2);
    // OpenSSL answers update_requested lazily, with its next write: that was data-up-2.
    assert.is(count(sentKU), 2, "s_client answered our update_requested");
    assert.is(sink.error, null);
    socket.end();
    assert.is(await exitOf(peer), 0);
  }));

  t("1 MiB each way, byte-exact, with s_client -quiet", scoped(async (scope) => {
    const cert = interopPki().certs[1]!;
    const server = await serverFor(cert);
    const up = randomData(MIB);
    const down = randomData(MIB);
    // Our side answers the client's full MiB with its own, then closes; s_client then exits.
    server.handler = ({ socket, sink }) => {
      sink.atLeast(MIB, 20_000).then(() => socket.end(down), () => socket.destroy());
    };
    const peer = sClient(scope, server.port, ["-quiet"]);
    peer.child.stdin!.end(up);
    assert.is(await exitOf(peer), 0, peer.describe());
    const { sink } = await server.nextConnection();
    assert.is(sink.length, MIB);
    assert.is(sha256(sink.bytes()), sha256(up));
    assert.is(peer.stdout.length, MIB);
    assert.is(sha256(peer.stdout.bytes()), sha256(down));
  }));

  t.run();
}
