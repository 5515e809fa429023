// fipstls/node's server side with node:tls clients on 127.0.0.1: a certificate per SNI name
// (SNICallback, addContext), server-side STARTTLS through server.emit('connection'), and
// requestCert with rejectUnauthorized:false.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as net from "node:net";
import * as tls from "node:tls";
import { connect, createServer, createSecureContext, type PeerCertificate, type SecureContextLike, type TLSSocket } from "../src/node.js";
import { ConfigError } from "../src/errors.js";
import { PROVIDERS } from "./_providers.js";
import { Pki } from "./pki.js";
import { FipsServer, Sink, fipsConnect, fipsServer, interopPki, nodeTlsConnect, rejectionOf, scoped, within } from "./interop/peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;

// A CA of our own for the named certificates (interopPki's CA key is not exposed).
const names = new Pki();
const ca = names.root({ cn: "fipstls SNI test CA" });
const forA = names.issue(ca, { dns: ["a.example"] });
const forB = names.issue(ca, { dns: ["b.example"], key: "rsa-2048" });
const forC = names.issue(ca, { dns: ["*.c.example"] });

const cnOf = (socket: tls.TLSSocket): string => socket.getPeerCertificate().subject.CN as string;

const t = suite("node API: server certificates per SNI name");

for (const [pname, provider] of PROVIDERS) {
  t(
    `${pname}: SNICallback chooses between two certificates; each context is built once; no SNI gets the default`,
    scoped(async (scope) => {
      const a = createSecureContext({ cert: forA.pem, key: forA.key.pem });
      const b: SecureContextLike = { cert: forB.pem, key: forB.key.pem };
      const asked: string[] = [];
      const server = await fipsServer(scope, {
        cert: ecdsa.certPem,
        key: ecdsa.keyPem,
        provider,
        SNICallback: (name, cb) => {
          asked.push(name);
          cb(null, name === "a.example" ? a : name === "b.example" ? b : null);
        },
      });
      const client = (servername: string, caPem = ca.pem) => nodeTlsConnect(scope, { port: server.port, servername, ca: caPem });
      assert.is(cnOf((await client("a.example")).socket), "a.example");
      assert.is(cnOf((await client("b.example")).socket), "b.example");
      assert.is(cnOf((await client("a.example")).socket), "a.example");
      assert.is(cnOf((await client("localhost", pki.caPem)).socket), "localhost");
      // node:tls sends no SNI for an IP address: SNICallback is not asked, the default answers.
      const byIp = await nodeTlsConnect(scope, { port: server.port, host: "127.0.0.1", servername: "", ca: pki.caPem, checkServerIdentity: () => undefined });
      assert.is(cnOf(byIp.socket), "localhost");
      assert.equal(asked, ["a.example", "b.example", "a.example", "localhost"]);
      const accepted = await server.nextConnection();
      assert.is(accepted.socket.servername, "a.example");
    }),
  );
}

t(
  "SNICallback's error refuses the client ('tlsClientError'); a node:tls SecureContext is refused with a clear error",
  scoped(async (scope) => {
    const refusal = new Error("not served here");
    const server = await fipsServer(scope, {
      cert: ecdsa.certPem,
      key: ecdsa.keyPem,
      SNICallback: (name, cb) => (name === "nodectx.example" ? cb(null, tls.createSecureContext({ cert: forA.pem, key: forA.key.pem }) as never) : cb(refusal)),
    });
    await rejectionOf(nodeTlsConnect(scope, { port: server.port, servername: "refused.example", ca: ca.pem }), "a refused name");
    assert.is(await server.nextError(), refusal);
    await rejectionOf(nodeTlsConnect(scope, { port: server.port, servername: "nodectx.example", ca: ca.pem }), "a node:tls context");
    assert.match((await server.nextError()).message, /node:tls SecureContext \(tls.createSecureContext\(\)\) holds its key inside OpenSSL/);
  }),
);

t(
  "addContext() serves a wildcard name; setSecureContext() replaces the default for new connections",
  scoped(async (scope) => {
    const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
    server.server.addContext("*.c.example", { cert: forC.pem, key: forC.key.pem });
    assert.is(cnOf((await nodeTlsConnect(scope, { port: server.port, servername: "x.c.example", ca: ca.pem })).socket), "*.c.example");
    assert.is(cnOf((await nodeTlsConnect(scope, { port: server.port, servername: "localhost", ca: pki.caPem })).socket), "localhost");
    server.server.setSecureContext({ cert: forA.pem, key: forA.key.pem });
    const rotated = await nodeTlsConnect(scope, { port: server.port, servername: "localhost", ca: ca.pem, checkServerIdentity: () => undefined });
    assert.is(cnOf(rotated.socket), "a.example");
  }),
);

t.run();

// ---------------------------------------------------------------------------------------------
const m = suite("node API: server-side STARTTLS and client certificates");

m(
  "server.emit('connection', socket) runs TLS over a connection that began in plaintext",
  scoped(async (scope) => {
    const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
    const plain = net.createServer((raw) => {
      raw.once("data", () => {
        raw.write("220 go ahead\r\n");
        server.server.emit("connection", raw);
      });
    });
    scope.add(() => new Promise<void>((r) => plain.close(() => r())));
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", () => r()));
    const raw = scope.stream(net.connect({ host: "127.0.0.1", port: (plain.address() as net.AddressInfo).port }));
    raw.write("STARTTLS\r\n");
    await within(new Promise((r) => raw.once("data", r)), "the STARTTLS answer");
    const secure = scope.stream(tls.connect({ socket: raw, servername: "localhost", ca: pki.caPem }));
    const sink = new Sink(secure, "node:tls over STARTTLS");
    await within(new Promise((r) => secure.once("secureConnect", r)), "handshake over the upgraded socket");
    secure.write("hi\n");
    await sink.match("pong:hi\n");
  }),
);

m(
  "requestCert with rejectUnauthorized:false admits a client without a certificate, unauthorized; with one, authorized",
  scoped(async (scope) => {
    const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, requestCert: true, rejectUnauthorized: false, ca: pki.caPem });
    await nodeTlsConnect(scope, { port: server.port, servername: "localhost", ca: pki.caPem });
    const anonymous: TLSSocket = (await server.nextConnection()).socket;
    assert.is(anonymous.authorized, false);
    assert.is(anonymous.authorizationError, "UNABLE_TO_GET_ISSUER_CERT");
    assert.equal(anonymous.getPeerCertificate(), {});
    await nodeTlsConnect(scope, { port: server.port, servername: "localhost", ca: pki.caPem, cert: ecdsa.certPem, key: ecdsa.keyPem });
    const known = (await server.nextConnection()).socket;
    assert.is(known.authorized, true);
    assert.is(known.authorizationError, null);
    assert.is((known.getPeerCertificate() as PeerCertificate).subject.CN, "localhost");

    const strict = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, requestCert: true, ca: pki.caPem });
    const refused = nodeTlsConnect(scope, { port: strict.port, servername: "localhost", ca: pki.caPem }).then((c) => new Promise((_, reject) => c.sink.end().then(() => reject(new Error("ended")))));
    await rejectionOf(refused, "a client without a certificate against requestCert");
    assert.match((await strict.nextError()).message, /NoClientCertificate/);
  }),
);

m(
  "a failed handshake's socket still names both ends in 'tlsClientError', as node:tls's does",
  scoped(async (scope) => {
    const server = new FipsServer({ cert: ecdsa.certPem, key: ecdsa.keyPem });
    const failed = new Promise<TLSSocket>((r) => server.server.once("tlsClientError", (_err: Error, socket: TLSSocket) => r(socket)));
    scope.add(() => server.close());
    await server.listen();
    const raw = scope.stream(net.connect({ host: "127.0.0.1", port: server.port }));
    await within(new Promise((r) => raw.once("connect", r)), "connect");
    const clientPort = raw.localPort;
    raw.on("error", () => undefined);
    raw.write("not a TLS record\r\n\r\n");
    const socket = await within(failed, "'tlsClientError'");
    assert.match((await server.nextError()).name, /PeerMisbehaved|DecodeError|TlsError/);
    await within(new Promise((r) => (socket.destroyed ? r(null) : socket.once("close", r))), "the failed socket to close");
    assert.is(socket.remoteAddress, "127.0.0.1");
    assert.is(socket.remotePort, clientPort);
    assert.is(socket.remoteFamily, "IPv4");
    assert.is(socket.localAddress, "127.0.0.1");
    assert.is(socket.localPort, server.port);
  }),
);

m(
  "handshakeTimeout: a silent client is cut at the time given; a negative or non-number one is a ConfigError",
  scoped(async (scope) => {
    const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, handshakeTimeout: 200 });
    const raw = scope.stream(net.connect({ host: "127.0.0.1", port: server.port }));
    raw.on("error", () => undefined);
    await within(new Promise((r) => raw.once("close", r)), "the server to close a silent connection", 10_000);
    assert.is((await server.nextError()).name, "HandshakeTimeout");
    for (const bad of [-1, Number.NaN, "30" as never]) {
      assert.throws(() => createServer({ cert: ecdsa.certPem, key: ecdsa.keyPem, handshakeTimeout: bad }), (e: Error) => e instanceof ConfigError && e.item === "handshakeTimeout");
    }
  }),
);

m(
  "a server whose application listens to nothing survives clients that hang up right after their handshake",
  scoped(async (scope) => {
    // The established socket then fails (ECONNRESET on a read, EPIPE on our close_notify). node:tls keeps an
    // error listener on every server socket, so such errors never crash the process; neither may ours.
    const server = createServer({ cert: ecdsa.certPem, key: ecdsa.keyPem });
    scope.add(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await server.ready();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    for (let i = 0; i < 20; i++) {
      // A TCP reset once both ends are done: the established server socket's next read fails.
      const established = new Promise<void>((resolve) => server.once("secureConnection", () => resolve()));
      const raw = net.connect({ host: "127.0.0.1", port });
      const c = connect({ socket: raw, servername: "localhost", ca: pki.caPem });
      c.on("error", () => undefined);
      await within(Promise.all([established, new Promise((resolve) => c.once("secureConnect", resolve))]), "both ends secure");
      raw.resetAndDestroy();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Still serving.
    const last = await fipsConnect(scope, { port, servername: "localhost", ca: pki.caPem });
    assert.is(last.socket.tlsInfo!.version, "TLSv1.3");
  }),
);

m.run();
