// fipstls's error codes side by side with node:tls's for the same failure, so that code written for
// node:tls keeps matching: alerts a server sends (each client reports the alert it received) and
// certificate checks (each client verifies the same chain), with fipstls's precise reason beside.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as net from "node:net";
import * as tls from "node:tls";
import { AlertReceived, InvalidCertificate } from "../../src/errors.js";
import { type ConnectOptions, type TLSSocket, connect } from "../../src/node.js";
import { Pki } from "../pki.js";
import { type Scope, fipsConnectError, fipsServer, interopPki, nodeTlsServer, scoped, within } from "./peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;

/** The error a client ends with, also when the alert arrives after its handshake (as TLS 1.3's certificate_required does). */
function clientError(scope: Scope, socket: tls.TLSSocket | TLSSocket): Promise<Error & { code?: string }> {
  scope.stream(socket);
  return within(
    new Promise((resolve) => {
      socket.once("error", resolve);
      socket.once("secureConnect", () => socket.write("x"));
    }),
    "the client's error",
  );
}

const nodeClientError = (scope: Scope, options: tls.ConnectionOptions) => clientError(scope, tls.connect({ host: "127.0.0.1", servername: "localhost", ...options }));
const fipsClientError = (scope: Scope, options: ConnectOptions) => clientError(scope, connect({ host: "127.0.0.1", servername: "localhost", ...options }));

const t = suite("interop: error codes as node:tls gives them");

t("a received alert carries node:tls's code for it", scoped(async (scope) => {
  const clientPki = new Pki();
  const stranger = clientPki.issue(clientPki.root({ cn: "stranger CA" }), { cn: "client", extKeyUsage: "clientAuth" });
  const cases: { alert: string; server: Parameters<typeof fipsServer>[1]; node: tls.ConnectionOptions; ours: ConnectOptions }[] = [
    {
      alert: "handshake_failure",
      server: { cert: ecdsa.certPem, key: ecdsa.keyPem, tls: { cipherSuites: ["TLS_AES_256_GCM_SHA384"] } },
      node: { ciphers: "TLS_AES_128_GCM_SHA256" },
      ours: { tls: { cipherSuites: ["TLS_AES_128_GCM_SHA256"] } },
    },
    { alert: "protocol_version", server: { cert: ecdsa.certPem, key: ecdsa.keyPem, maxVersion: "TLSv1.2" }, node: { minVersion: "TLSv1.3" }, ours: { minVersion: "TLSv1.3" } },
    { alert: "no_application_protocol", server: { cert: ecdsa.certPem, key: ecdsa.keyPem, ALPNProtocols: ["h2"] }, node: { ALPNProtocols: ["http/1.1"] }, ours: { ALPNProtocols: ["http/1.1"] } },
    { alert: "certificate_required", server: { cert: ecdsa.certPem, key: ecdsa.keyPem, requestCert: true, ca: pki.caPem }, node: {}, ours: {} },
    {
      alert: "unknown_ca",
      server: { cert: ecdsa.certPem, key: ecdsa.keyPem, requestCert: true, ca: pki.caPem },
      node: { cert: stranger.pem, key: stranger.key.pem },
      ours: { cert: stranger.pem, key: stranger.key.pem },
    },
  ];
  for (const c of cases) {
    const server = await fipsServer(scope, c.server);
    const theirs = await nodeClientError(scope, { port: server.port, ca: pki.caPem, ...c.node });
    const ours = await fipsClientError(scope, { port: server.port, ca: pki.caPem, ...c.ours });
    assert.instance(ours, AlertReceived, `${c.alert}: ${ours.message}`);
    assert.is((ours as AlertReceived).alert, c.alert);
    // Node 20's OpenSSL 3.0 named the SSL 3.0 alerts "sslv3 alert …"; 3.5 (Node 22, 24) says "ssl/tls alert …".
    const expected = theirs.code?.replace(/^ERR_SSL_SSLV3_ALERT_/, "ERR_SSL_SSL/TLS_ALERT_");
    assert.is((ours as AlertReceived).code, expected, `${c.alert}: node:tls says ${theirs.code} (${theirs.message})`);
  }
}));

t("a failed certificate check carries node:tls's code, and the precise reason beside it", scoped(async (scope) => {
  const p = new Pki();
  const root = p.root({ cn: "error-codes root" });
  const inter = p.issue(root, { cn: "error-codes intermediate", ca: true });
  const leaf = p.issue(inter, { dns: ["localhost"], ip: ["127.0.0.1"] });
  const selfSigned = p.root({ cn: "localhost", basicConstraints: "CA:FALSE", keyUsage: "digitalSignature", extKeyUsage: "serverAuth", dns: ["localhost"] });
  const cases: { what: string; cert: string; key: string; ca: string; servername?: string; reason: string }[] = [
    { what: "a leaf alone, issuer unknown", cert: leaf.pem, key: leaf.key.pem, ca: pki.caPem, reason: "UnknownIssuer" },
    { what: "leaf and intermediate, root unknown", cert: leaf.pem + inter.pem, key: leaf.key.pem, ca: pki.caPem, reason: "UnknownIssuer" },
    { what: "the whole chain, root untrusted", cert: leaf.pem + inter.pem + root.pem, key: leaf.key.pem, ca: pki.caPem, reason: "UnknownIssuer" },
    { what: "a self-signed leaf", cert: selfSigned.pem, key: selfSigned.key.pem, ca: pki.caPem, reason: "UnknownIssuer" },
    { what: "another name", cert: leaf.pem + inter.pem, key: leaf.key.pem, ca: root.pem, servername: "elsewhere.example", reason: "NotValidForName" },
  ];
  for (const c of cases) {
    const server = await nodeTlsServer(scope, { cert: c.cert, key: c.key });
    const servername = c.servername ?? "localhost";
    const theirs = await nodeClientError(scope, { port: server.port, ca: c.ca, servername });
    const ours = await fipsConnectError(scope, { port: server.port, servername, ca: c.ca });
    assert.instance(ours, InvalidCertificate, `${c.what}: ${ours.message}`);
    assert.is((ours as InvalidCertificate).reason, c.reason, c.what);
    assert.is((ours as InvalidCertificate).code, theirs.code, `${c.what}: node:tls says ${theirs.code} (${theirs.message})`);
  }
}));

t("plain HTTP or a proxy's CONNECT on a TLS port: the server's tlsClientError has node:tls's code", scoped(async (scope) => {
  const ours = await fipsServer(scope, { cert: interopPki().certs[0]!.certPem, key: interopPki().certs[0]!.keyPem });
  const theirs = await nodeTlsServer(scope, { cert: interopPki().certs[0]!.certPem, key: interopPki().certs[0]!.keyPem });
  for (const request of ["GET / HTTP/1.1\r\nHost: x\r\n\r\n", "CONNECT x:443 HTTP/1.1\r\n\r\n"]) {
    const codes: string[] = [];
    for (const server of [ours, theirs]) {
      const raw = net.connect(server.port, "127.0.0.1", () => raw.end(request));
      raw.on("error", () => undefined);
      raw.resume();
      scope.add(() => void raw.destroy());
      const e = await server.errors.next(`the tlsClientError for ${JSON.stringify(request.slice(0, 7))}`);
      codes.push((e as { code?: string }).code ?? e.message);
    }
    assert.is(codes[0], codes[1], JSON.stringify(request));
    assert.match(codes[0]!, /^ERR_SSL_HTTPS?(_PROXY)?_REQUEST$/);
  }
}));

t.run();
