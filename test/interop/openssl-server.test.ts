// fipstls client ⇄ `openssl s_server` (OpenSSL 3): every suite × group × certificate type the
// provider supports, HelloRetryRequest, ALPN, KeyUpdate driven from either side, 1 MiB each way
// byte-exact, and certificate failures. s_server's own report (-www, -msg) cross-checks ours.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { AlertReceived, InvalidCertificate } from "../../src/errors.js";
import type { CertSet, Peer } from "./peers.js";
import {
  MIB,
  Scope,
  fipsConnect,
  fipsConnectError,
  interopPki,
  matrixFor,
  opensslServer,
  randomData,
  scoped,
  sha256,
  within,
  writeAll,
} from "./peers.js";
import { PROVIDERS } from "../_providers.js";

const GET = "GET / HTTP/1.0\r\n\r\n";

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: fipstls client (${pname}) ⇄ openssl s_server`);
  const { suites, groups } = matrixFor(provider);
  // Long-lived -www servers, one per certificate, started on first use and stopped after the suite.
  const suiteScope = new Scope();
  const www = new Map<string, Promise<{ peer: Peer; port: number }>>();
  const wwwServer = (cert: CertSet): Promise<{ peer: Peer; port: number }> => {
    let s = www.get(cert.kind);
    if (!s) {
      s = opensslServer(suiteScope, { cert, mode: "www" });
      www.set(cert.kind, s);
    }
    return s;
  };
  t.after(() => suiteScope.close());
  const ca = (): string => interopPki().caPem;

  for (const kind of ["ecdsa-p256", "rsa-2048", "rsa-pss-2048"] as const) {
    for (const cs of suites) {
      for (const group of groups) {
        t(`${kind} certificate, ${cs}, ${group}`, scoped(async (scope) => {
          const cert = interopPki().certs.find((c) => c.kind === kind)!;
          const { port } = await wwwServer(cert);
          const { socket, sink } = await fipsConnect(scope, {
            port, servername: "localhost", ca: ca(), provider, tls: { cipherSuites: [cs], groups: [group] },
          }); // prettier-ignore
          const info = socket.tlsInfo!;
          assert.is(info.version, "TLSv1.3");
          assert.is(info.cipherSuite, cs);
          assert.is(info.group, group);
          assert.is(info.signatureScheme, cert.scheme);
          assert.is(info.helloRetryRequest, false);
          assert.is(info.provider, provider.name);
          assert.is(socket.getCipher()?.standardName, cs);
          // The status page is s_server's view of the same connection.
          socket.end(GET);
          await sink.end();
          const page = sink.text();
          assert.match(page, /^HTTP\/1\.0 200 ok/);
          assert.ok(page.includes(`New, TLSv1.3, Cipher is ${cs}`), "s_server reports our suite");
          assert.ok(page.includes(`Shared groups: ${group}\n`), "s_server saw exactly our one group");
        }));
      }
    }
  }

  t("HelloRetryRequest: our share is for P-256, s_server accepts only P-384", scoped(async (scope) => {
    const cert = interopPki().certs[0]!;
    const { port } = await opensslServer(scope, { cert, mode: "www", args: ["-groups", "P-384"] });
    const { socket, sink } = await fipsConnect(scope, {
      port, servername: "localhost", ca: ca(), provider, tls: { groups: ["secp256r1", "secp384r1"], keyShareGroups: ["secp256r1"] },
    }); // prettier-ignore
    assert.is(socket.tlsInfo!.helloRetryRequest, true);
    assert.is(socket.tlsInfo!.group, "secp384r1");
    socket.end(GET);
    await sink.end();
    assert.match(sink.text(), /New, TLSv1\.3, Cipher is/);
  }));

  t("ALPN: s_server picks the one protocol we share; no overlap is no_application_protocol", scoped(async (scope) => {
    const cert = interopPki().certs[0]!;
    const { port } = await opensslServer(scope, { cert, mode: "www", args: ["-alpn", "http/1.1"] });
    const ok = await fipsConnect(scope, { port, servername: "localhost", ca: ca(), provider, ALPNProtocols: ["h2", "http/1.1"] });
    assert.is(ok.socket.alpnProtocol, "http/1.1");
    assert.is(ok.socket.tlsInfo!.alpnProtocol, "http/1.1");
    ok.socket.end(GET);
    await ok.sink.end();
    // OpenSSL 3's s_server refuses a ClientHello whose ALPN list it cannot match.
    const err = await fipsConnectError(scope, { port, servername: "localhost", ca: ca(), provider, ALPNProtocols: ["spdy/1"] });
    assert.instance(err, AlertReceived);
    assert.is((err as AlertReceived).descriptionName, "no_application_protocol");
  }));

  t("KeyUpdate from s_server ('k', then 'K' = update_requested); data flows both ways after each", scoped(async (scope) => {
    const cert = interopPki().certs[0]!;
    // -msg makes s_server log every handshake message, so we can see our KeyUpdate arrive.
    const { peer, port } = await opensslServer(scope, { cert, mode: "interactive", args: ["-msg"] });
    const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: ca(), provider });
    await peer.stdout.match("CIPHER is ");
    const count = (re: RegExp): number => peer.stdout.text().match(re)?.length ?? 0;
    const sentKU = /^>>> TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/gm;
    const gotKU = /^<<< TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/gm;
    const exchange = async (n: number): Promise<void> => {
      // Payloads start with "d": s_server treats lines starting with q, Q, r, R, k, K, c, P, S as commands.
      // Down first: once we decrypt it, we have processed the KeyUpdate before it (and answered it).
      peer.write(`data-down-${n}\n`);
      await sink.match(`data-down-${n}\n`);
      socket.write(`data-up-${n}\n`);
      await peer.stdout.match(`data-up-${n}\n`);
    };
    await exchange(0);
    peer.write("k\n");
    await peer.stdout.until(() => count(sentKU) === 1, "s_server's first KeyUpdate");
    await exchange(1);
    assert.is(count(gotKU), 0, "update_not_requested needs no answer");
    peer.write("K\n");
    await peer.stdout.until(() => count(sentKU) === 2, "s_server's second KeyUpdate");
    await exchange(2);
    // We answered update_requested with our own KeyUpdate before our next data.
    assert.is(count(gotKU), 1);
    assert.is(sink.error, null);
    socket.end();
  }));

  t("KeyUpdate from us (requested, and every 4 records): s_server follows", scoped(async (scope) => {
    const cert = interopPki().certs[0]!;
    const { peer, port } = await opensslServer(scope, { cert, mode: "interactive", args: ["-msg"] });
    const { socket, sink } = await fipsConnect(scope, {
      port, servername: "localhost", ca: ca(), provider, tls: { limits: { keyUpdateAfterRecords: 4 } },
    }); // prettier-ignore
    await peer.stdout.match("CIPHER is ");
    const count = (re: RegExp): number => peer.stdout.text().match(re)?.length ?? 0;
    const gotKU = /^<<< TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/gm;
    const sentKU = /^>>> TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/gm;
    await within(socket.updateKeys(true), "updateKeys(true)");
    await peer.stdout.until(() => count(gotKU) >= 1, "our KeyUpdate at s_server");
    // OpenSSL answers update_requested lazily, with its next write.
    peer.write("data-down-0\n");
    await sink.match("data-down-0\n");
    // s_server's -msg line may reach its stdout after the data reaches us.
    await peer.stdout.until(() => count(sentKU) >= 1, "s_server's answer to our update_requested");
    assert.is(count(sentKU), 1, "s_server answered our update_requested once");
    // 20 separate records: at least 4 more KeyUpdates from the record limit.
    for (let i = 0; i < 20; i++) await writeAll(socket, `data-up-${i};`, "a small record");
    await peer.stdout.match("data-up-19;");
    // -msg lines interleave with the data, so check the order rather than adjacency.
    const text = peer.stdout.text();
    const at = Array.from({ length: 20 }, (_, i) => text.indexOf(`data-up-${i};`));
    assert.ok(at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1]!)), "records arrive once each, in order");
    assert.ok(count(gotKU) >= 5, `s_server saw ${count(gotKU)} KeyUpdates`);
    peer.write("data-down-1\n");
    await sink.match("data-down-1\n");
    assert.is(sink.error, null);
    socket.end();
  }));

  t("1 MiB each way, byte-exact, with s_server -quiet", scoped(async (scope) => {
    const cert = interopPki().certs[1]!;
    const { peer, port } = await opensslServer(scope, { cert, mode: "quiet" });
    const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: ca(), provider });
    const up = randomData(MIB);
    const down = randomData(MIB);
    socket.write(up);
    peer.write(down);
    await Promise.all([peer.stdout.atLeast(MIB, 20_000), sink.atLeast(MIB, 20_000)]);
    assert.is(peer.stdout.length, MIB);
    assert.is(sha256(peer.stdout.bytes()), sha256(up));
    assert.is(sink.length, MIB);
    assert.is(sha256(sink.bytes()), sha256(down));
    socket.end();
  }));

  t("small and padded records: s_server -max_send_frag 512 -record_padding 512", scoped(async (scope) => {
    // The RSA chain's Certificate and CertificateVerify then span several records.
    const cert = interopPki().certs[1]!;
    const { port } = await opensslServer(scope, { cert, mode: "www", args: ["-max_send_frag", "512", "-record_padding", "512"] });
    const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: ca(), provider });
    assert.is(socket.tlsInfo!.signatureScheme, cert.scheme);
    socket.end(GET);
    await sink.end();
    assert.match(sink.text(), /New, TLSv1\.3, Cipher is/);
    assert.match(sink.text(), /<\/HTML>/);
  }));

  t("client certificates: s_server -Verify 1 accepts each of ours; without one, certificate_required", scoped(async (scope) => {
    const pki = interopPki();
    const { port } = await opensslServer(scope, { cert: pki.certs[0]!, mode: "www", args: ["-Verify", "1", "-CAfile", pki.caPath] });
    for (const cert of pki.certs) {
      const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: ca(), provider, cert: cert.certPem, key: cert.keyPem });
      socket.end(GET);
      await sink.end();
      const page = sink.text();
      assert.ok(page.includes(`Peer signature type: ${cert.opensslSignatureType}\n`), `${cert.kind}: ${page.slice(0, 200)}`);
      assert.match(page, /^Client certificate$/m);
      assert.is(sink.error, null);
    }
    // TLS 1.3 clients finish first and the refusal comes as an alert after our handshake, but the
    // socket announces 'secureConnect' only once it has described the chain (asynchronous with
    // WebCrypto), so the alert may arrive first and fail the connect instead: either way it is named.
    const refusal = await fipsConnect(scope, { port, servername: "localhost", ca: ca(), provider }).then(
      async ({ socket, sink }) => {
        socket.write(GET);
        await sink.end();
        return sink.error as unknown;
      },
      (e: unknown) => e,
    );
    assert.instance(refusal, AlertReceived);
    assert.is((refusal as AlertReceived).descriptionName, "certificate_required");
  }));

  t("wrong name: servername example.com is NotValidForName", scoped(async (scope) => {
    const { port } = await wwwServer(interopPki().certs[0]!);
    const err = await fipsConnectError(scope, { port, servername: "example.com", ca: ca(), provider });
    assert.instance(err, InvalidCertificate);
    assert.is((err as InvalidCertificate).reason, "NotValidForName");
  }));

  t("untrusted CA is UnknownIssuer", scoped(async (scope) => {
    const { port } = await wwwServer(interopPki().certs[1]!);
    const err = await fipsConnectError(scope, { port, servername: "localhost", ca: interopPki().otherCaPem, provider });
    assert.instance(err, InvalidCertificate);
    assert.is((err as InvalidCertificate).reason, "UnknownIssuer");
    assert.not.instance(err, AlertReceived);
  }));

  t.run();
}
