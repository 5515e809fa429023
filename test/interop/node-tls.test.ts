// fipstls ⇄ node:tls (Node's OpenSSL) in both roles: every suite × group × certificate type the
// provider supports, HelloRetryRequest from either side, ALPN (including no_application_protocol
// both ways), KeyUpdate driven by us as client and as server, 1 MiB each way byte-exact, and
// certificate failures.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type * as tls from "node:tls";
import { AlertReceived, InvalidCertificate, TlsError } from "../../src/errors.js";
import type { CertSet, FipsServer, NodeTlsServer } from "./peers.js";
import {
  MIB,
  OPENSSL_GROUP,
  Scope,
  echo,
  fipsConnect,
  fipsConnectError,
  fipsServer,
  interopPki,
  matrixFor,
  nodeTlsConnect,
  nodeTlsServer,
  randomData,
  rejectionOf,
  scoped,
  sha256,
  within,
  writeAll,
} from "./peers.js";
import { PROVIDERS } from "../_providers.js";

const KINDS = ["ecdsa-p256", "rsa-2048", "rsa-pss-2048"] as const;
const certOf = (kind: (typeof KINDS)[number]): CertSet => interopPki().certs.find((c) => c.kind === kind)!;

for (const [pname, provider] of PROVIDERS) {
  const { suites, groups } = matrixFor(provider);

  // ------------------------------------------------------------------------------------------
  const c = suite(`interop: fipstls client (${pname}) ⇄ node:tls server`);
  {
    const suiteScope = new Scope();
    const servers = new Map<string, Promise<NodeTlsServer>>();
    const serverFor = async (cert: CertSet): Promise<NodeTlsServer> => {
      let s = servers.get(cert.kind);
      if (!s) {
        s = nodeTlsServer(suiteScope, { cert: cert.certPem, key: cert.keyPem });
        servers.set(cert.kind, s);
      }
      const server = await s;
      server.reset();
      return server;
    };
    c.after(() => suiteScope.close());
    const ca = (): string => interopPki().caPem;

    for (const kind of KINDS) {
      for (const cs of suites) {
        for (const group of groups) {
          c(`${kind} certificate, ${cs}, ${group}`, scoped(async (scope) => {
            const cert = certOf(kind);
            const server = await serverFor(cert);
            const { socket, sink } = await fipsConnect(scope, {
              port: server.port, servername: "localhost", ca: ca(), provider, tls: { cipherSuites: [cs], groups: [group] },
            }); // prettier-ignore
            const info = socket.tlsInfo!;
            assert.is(info.version, "TLSv1.3");
            assert.is(info.cipherSuite, cs);
            assert.is(info.group, group);
            assert.is(info.signatureScheme, cert.scheme);
            assert.is(info.helloRetryRequest, false);
            assert.is(socket.getProtocol(), "TLSv1.3");
            socket.write("ping\n");
            await sink.end();
            assert.is(sink.text(), "pong:ping\n");
            const { seen } = await server.nextConnection();
            assert.is(seen?.protocol, "TLSv1.3");
            assert.is(seen?.servername, "localhost");
            // Our node:tls-shaped accessors report what node:tls reports for the same connection.
            assert.equal(socket.getCipher(), { ...seen?.cipher });
          }));
        }
      }
    }

    c("HelloRetryRequest: our share is for P-256, node:tls accepts only P-384", scoped(async (scope) => {
      const cert = certOf("ecdsa-p256");
      const server = await nodeTlsServer(scope, { cert: cert.certPem, key: cert.keyPem, ecdhCurve: "P-384" });
      const { socket, sink } = await fipsConnect(scope, {
        port: server.port, servername: "localhost", ca: ca(), provider, tls: { groups: ["secp256r1", "secp384r1"], keyShareGroups: ["secp256r1"] },
      }); // prettier-ignore
      assert.is(socket.tlsInfo!.helloRetryRequest, true);
      assert.is(socket.tlsInfo!.group, "secp384r1");
      socket.write("ping\n");
      await sink.end();
      assert.is(sink.text(), "pong:ping\n");
    }));

    c("ALPN: node:tls picks by its preference; no overlap is no_application_protocol", scoped(async (scope) => {
      const cert = certOf("ecdsa-p256");
      const server = await nodeTlsServer(scope, { cert: cert.certPem, key: cert.keyPem, ALPNProtocols: ["h2", "http/1.1"] });
      const ok = await fipsConnect(scope, { port: server.port, servername: "localhost", ca: ca(), provider, ALPNProtocols: ["http/1.1", "h2"] });
      assert.is(ok.socket.alpnProtocol, "h2");
      assert.is((await server.nextConnection()).seen?.alpn, "h2");
      const err = await fipsConnectError(scope, { port: server.port, servername: "localhost", ca: ca(), provider, ALPNProtocols: ["spdy/1"] });
      assert.instance(err, AlertReceived);
      assert.is((err as AlertReceived).descriptionName, "no_application_protocol");
    }));

    c("KeyUpdate: updateKeys(true) and every 4 records; node:tls keeps up both ways", scoped(async (scope) => {
      const server = await serverFor(certOf("ecdsa-p256"));
      server.handler = echo;
      const { socket, sink } = await fipsConnect(scope, {
        port: server.port, servername: "localhost", ca: ca(), provider, tls: { limits: { keyUpdateAfterRecords: 4 } },
      }); // prettier-ignore
      await writeAll(socket, "d0;", "first record");
      await sink.match("d0;");
      await within(socket.updateKeys(true), "updateKeys(true)");
      // node:tls answers update_requested with its next write: the echo, which we must decrypt.
      await writeAll(socket, "d1;", "record after KeyUpdate");
      await sink.match("d1;");
      let expected = "d0;d1;";
      // 50 separate records: a KeyUpdate every 4 on our side; the echoes test node's side too.
      for (let i = 2; i < 52; i++) {
        await writeAll(socket, `d${i};`, `record ${i}`);
        expected += `d${i};`;
      }
      await sink.until(() => sink.length >= expected.length, "all echoes");
      assert.is(sink.text(), expected);
      assert.is(sink.error, null);
      socket.end();
      await sink.end();
    }));

    c("1 MiB each way, byte-exact", scoped(async (scope) => {
      const server = await serverFor(certOf("rsa-2048"));
      const down = randomData(MIB);
      server.handler = ({ socket, sink }) => {
        socket.write(down);
        sink.end(20_000).then(() => socket.end(), () => socket.destroy());
      };
      const { socket, sink } = await fipsConnect(scope, { port: server.port, servername: "localhost", ca: ca(), provider });
      const up = randomData(MIB);
      socket.end(up);
      await sink.end(20_000);
      const { sink: peerSink } = await server.nextConnection();
      await peerSink.end();
      assert.is(peerSink.length, MIB);
      assert.is(sha256(peerSink.bytes()), sha256(up));
      assert.is(sink.length, MIB);
      assert.is(sha256(sink.bytes()), sha256(down));
    }));

    c("wrong name: servername example.com is NotValidForName", scoped(async (scope) => {
      const server = await serverFor(certOf("ecdsa-p256"));
      const err = await fipsConnectError(scope, { port: server.port, servername: "example.com", ca: ca(), provider });
      assert.instance(err, InvalidCertificate);
      assert.is((err as InvalidCertificate).reason, "NotValidForName");
      // We told node:tls why (bad_certificate).
      assert.match((await server.nextError()).message, /bad certificate/i);
    }));

    c("untrusted CA is UnknownIssuer", scoped(async (scope) => {
      const server = await serverFor(certOf("rsa-pss-2048"));
      const err = await fipsConnectError(scope, { port: server.port, servername: "localhost", ca: interopPki().otherCaPem, provider });
      assert.instance(err, InvalidCertificate);
      assert.is((err as InvalidCertificate).reason, "UnknownIssuer");
      assert.match((await server.nextError()).message, /unknown ca/i);
    }));

    c.run();
  }

  // ------------------------------------------------------------------------------------------
  const s = suite(`interop: node:tls client ⇄ fipstls server (${pname})`);
  {
    const suiteScope = new Scope();
    const servers = new Map<string, Promise<FipsServer>>();
    const serverFor = async (cert: CertSet): Promise<FipsServer> => {
      let srv = servers.get(cert.kind);
      if (!srv) {
        srv = fipsServer(suiteScope, { cert: cert.certPem, key: cert.keyPem, provider });
        servers.set(cert.kind, srv);
      }
      const server = await srv;
      server.reset();
      return server;
    };
    s.after(() => suiteScope.close());
    const ca = (): string => interopPki().caPem;

    for (const kind of KINDS) {
      for (const cs of suites) {
        for (const group of groups) {
          s(`${kind} certificate, ${cs}, ${group}`, scoped(async (scope) => {
            const cert = certOf(kind);
            const server = await serverFor(cert);
            // node:tls takes TLS 1.3 suites through `ciphers` and groups through `ecdhCurve`.
            const { socket, sink } = await nodeTlsConnect(scope, { port: server.port, ca: ca(), ciphers: cs, ecdhCurve: OPENSSL_GROUP[group].flag });
            assert.is(socket.authorized, true);
            assert.is(socket.getProtocol(), "TLSv1.3");
            assert.is(socket.getCipher().standardName, cs);
            assert.is((socket.getEphemeralKeyInfo() as tls.EphemeralKeyInfo).name, OPENSSL_GROUP[group].reported);
            socket.write("ping\n");
            await sink.end();
            assert.is(sink.text(), "pong:ping\n");
            const ours = (await server.nextConnection()).socket;
            assert.equal(ours.getCipher(), { ...socket.getCipher() });
            assert.is(ours.servername, "localhost");
            assert.is(ours.getProtocol(), "TLSv1.3");
            const info = ours.tlsInfo!;
            assert.is(info.cipherSuite, cs);
            assert.is(info.group, group);
            assert.is(info.signatureScheme, cert.scheme);
            assert.is(info.serverName, "localhost");
            assert.is(info.helloRetryRequest, false);
          }));
        }
      }
    }

    s("HelloRetryRequest: node:tls shares P-384 first, we accept only P-256", scoped(async (scope) => {
      const cert = certOf("ecdsa-p256");
      const server = await fipsServer(scope, { cert: cert.certPem, key: cert.keyPem, provider, tls: { groups: ["secp256r1"] } });
      const { socket, sink } = await nodeTlsConnect(scope, { port: server.port, ca: ca(), ecdhCurve: "P-384:P-256" });
      assert.is((socket.getEphemeralKeyInfo() as tls.EphemeralKeyInfo).name, "prime256v1");
      socket.write("ping\n");
      await sink.end();
      assert.is(sink.text(), "pong:ping\n");
      const info = (await server.nextConnection()).socket.tlsInfo!;
      assert.is(info.helloRetryRequest, true);
      assert.is(info.group, "secp256r1");
    }));

    s("ALPN: our preference wins; no overlap is no_application_protocol", scoped(async (scope) => {
      const cert = certOf("ecdsa-p256");
      const server = await fipsServer(scope, { cert: cert.certPem, key: cert.keyPem, provider, ALPNProtocols: ["h2", "http/1.1"] });
      const ok = await nodeTlsConnect(scope, { port: server.port, ca: ca(), ALPNProtocols: ["http/1.1", "h2"] });
      assert.is(ok.socket.alpnProtocol, "h2");
      assert.is((await server.nextConnection()).socket.alpnProtocol, "h2");
      const err = await rejectionOf(nodeTlsConnect(scope, { port: server.port, ca: ca(), ALPNProtocols: ["spdy/1"] }), "node:tls ALPN mismatch");
      assert.is((err as NodeJS.ErrnoException).code, "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL");
      const serr = await server.nextError();
      assert.instance(serr, TlsError);
      assert.is((serr as TlsError).alert, "no_application_protocol");
    }));

    s("KeyUpdate from our server: updateKeys(true) and every 4 records; node:tls keeps up both ways", scoped(async (scope) => {
      const cert = certOf("ecdsa-p256");
      const server = await fipsServer(scope, { cert: cert.certPem, key: cert.keyPem, provider, tls: { limits: { keyUpdateAfterRecords: 4 } } });
      server.handler = echo;
      const { socket, sink } = await nodeTlsConnect(scope, { port: server.port, ca: ca() });
      const { socket: ours } = await server.nextConnection();
      await writeAll(socket, "u0;", "first record");
      await sink.match("u0;");
      await within(ours.updateKeys(true), "updateKeys(true)");
      // node:tls answers update_requested with its next write, which our echo must decrypt.
      let expected = "u0;";
      for (let i = 1; i < 51; i++) {
        await writeAll(socket, `u${i};`, `record ${i}`);
        expected += `u${i};`;
        // Wait for each echo so that our side writes 50 separate records (a KeyUpdate every 4).
        await sink.until(() => sink.length >= expected.length, `echo ${i}`);
      }
      assert.is(sink.text(), expected);
      socket.end();
      await sink.end();
    }));

    s("1 MiB each way, byte-exact", scoped(async (scope) => {
      const server = await serverFor(certOf("rsa-pss-2048"));
      const down = randomData(MIB);
      server.handler = ({ socket, sink }) => {
        socket.write(down);
        sink.end(20_000).then(() => socket.end(), () => socket.destroy());
      };
      const { socket, sink } = await nodeTlsConnect(scope, { port: server.port, ca: ca() });
      const up = randomData(MIB);
      socket.end(up);
      await sink.end(20_000);
      const { sink: ourSink } = await server.nextConnection();
      await ourSink.end();
      assert.is(ourSink.length, MIB);
      assert.is(sha256(ourSink.bytes()), sha256(up));
      assert.is(sink.length, MIB);
      assert.is(sha256(sink.bytes()), sha256(down));
    }));

    s.run();
  }
}
