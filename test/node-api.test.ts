// fipstls/node's node:tls-shaped client API against node:tls servers on 127.0.0.1: option checking,
// getPeerCertificate() next to node:tls's own, rejectUnauthorized:false and checkServerIdentity,
// exportKeyingMaterial against OpenSSL's, half-close, destroy(err), STARTTLS over an existing socket.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as net from "node:net";
import * as tls from "node:tls";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, InvalidCertificate } from "../src/errors.js";
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from "../src/config/timeouts.js";
import {
  Agent,
  SUPPORTED_CONNECT_OPTIONS,
  SUPPORTED_SERVER_OPTIONS,
  TLSSocket,
  UNSUPPORTED_OPTIONS,
  connect,
  createServer,
  createUndiciAgent,
  optionsMarkdown,
  type ConnectOptions,
  type DetailedPeerCertificate,
  type PeerCertificate,
} from "../src/node.js";
import { PROVIDERS } from "./_providers.js";
import { Sink, fipsConnect, fipsConnectError, interopPki, nodeTlsConnect, nodeTlsServer, requireOpenssl, scoped, within } from "./interop/peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const rsa = pki.certs.find((c) => c.kind === "rsa-2048")!;
const trusted = { servername: "localhost", ca: pki.caPem };

const configError = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (e) {
    assert.instance(e, ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
};

// ---------------------------------------------------------------------------------------------
const o = suite("node API: options");

o("an unsupported node:tls option is a ConfigError that says why; an unknown one lists what is supported", () => {
  const engine = configError(() => connect({ port: 1, privateKeyEngine: "x" } as ConnectOptions));
  assert.is(engine.item, "privateKeyEngine");
  assert.match(engine.message, /not supported: OpenSSL engines/);
  // pfx is read as node:tls reads it, from the file's bytes: a string is refused at once, saying so.
  const pfx = configError(() => connect({ port: 1, pfx: "x" } as never));
  assert.is(pfx.item, "pfx");
  assert.match(pfx.message, /PKCS#12 file's bytes/);
  // OpenSSL-style strings are read at once: a token fipstls cannot map is a ConfigError naming it.
  const ciphers = configError(() => connect({ port: 1, ciphers: "HIGH" }));
  assert.is(ciphers.item, "ciphers");
  assert.match(ciphers.message, /"HIGH"/);
  const typo = configError(() => connect({ port: 1, servrename: "x" } as ConnectOptions));
  assert.match(typo.message, /unknown option "servrename".*servername/);
  assert.match(configError(() => createServer({ cert: ecdsa.certPem, key: ecdsa.keyPem, pfx: Buffer.alloc(1) })).message, /either pfx or cert and key/);
  assert.is(configError(() => new Agent({ secureProtocol: "TLSv1_2_method" } as never)).item, "secureProtocol");
  assert.is(configError(() => createUndiciAgent({ passphrase: 1 } as never)).item, "passphrase");
  assert.match(configError(() => connect({ port: 1, session: Buffer.alloc(8) })).message, /not a fipstls session/);
  // `tls` tunes algorithms only: verification and identity have their node-shaped options.
  assert.is(configError(() => connect({ port: 1, tls: { dangerouslyDisableCertificateVerification: true } as never })).item, "dangerouslyDisableCertificateVerification");
  // undefined is "not given", as node:tls treats it.
  const s = connect({ host: "127.0.0.1", port: 1, ciphers: undefined, ...trusted } as ConnectOptions);
  s.on("error", () => undefined);
  s.destroy();
});

o("handshakeTimeout defaults to the one default every transport shares; a bad one is a ConfigError", () => {
  assert.is(DEFAULT_HANDSHAKE_TIMEOUT_MS, 30_000);
  assert.ok(SUPPORTED_CONNECT_OPTIONS.handshakeTimeout!.includes(`default ${DEFAULT_HANDSHAKE_TIMEOUT_MS}`));
  for (const bad of [-1, Number.POSITIVE_INFINITY, "5000" as never]) {
    assert.is(configError(() => connect({ port: 1, handshakeTimeout: bad })).item, "handshakeTimeout");
  }
});

o("the option tables are disjoint and all of them are in the README table", () => {
  const md = optionsMarkdown();
  for (const table of [SUPPORTED_CONNECT_OPTIONS, SUPPORTED_SERVER_OPTIONS, UNSUPPORTED_OPTIONS]) {
    for (const name of Object.keys(table)) assert.ok(md.includes(`| \`${name}\` |`), name);
  }
  for (const name of Object.keys(UNSUPPORTED_OPTIONS)) {
    assert.not.ok(name in SUPPORTED_CONNECT_OPTIONS || name in SUPPORTED_SERVER_OPTIONS, name);
  }
});

o("only connect() and a Server make TLSSockets; only src/transport/node/ imports node:*; the core never imports compliance/", () => {
  assert.is(configError(() => new TLSSocket(new net.Socket())).item, "TLSSocket");
  const src = new URL("../../src/", import.meta.url);
  const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  const importing = (pattern: RegExp): string[] => files.filter((f) => pattern.test(readFileSync(new URL(f, src), "utf8")));
  assert.equal(importing(/from "node:/).filter((f) => !f.startsWith("transport/node/")), []);
  // Transports and the package entry points may use the reports; the protocol core may not.
  assert.equal(importing(/from "[./]*compliance\//).filter((f) => !f.startsWith("transport/") && !["node.ts", "browser.ts"].includes(f)), []);
});

o(
  "connect(port, host, options, cb) and connect(options, cb) both work; ALPN takes names or node's wire format",
  scoped(async (scope) => {
    const server = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, ALPNProtocols: ["h2", "http/1.1"] });
    const first = await within(
      new Promise<TLSSocket>((resolve, reject) => {
        const s = scope.stream(connect(server.port, "127.0.0.1", { ...trusted, ALPNProtocols: ["http/1.1"] }, () => resolve(s)));
        s.once("error", reject);
      }),
      "connect(port, host, options, cb)",
    );
    assert.is(first.alpnProtocol, "http/1.1");
    const wire = Buffer.from([2, ...Buffer.from("h2")]);
    const { socket } = await fipsConnect(scope, { port: server.port, ...trusted, ALPNProtocols: wire });
    assert.is(socket.alpnProtocol, "h2");
  }),
);

o.run();

// ---------------------------------------------------------------------------------------------
const g = suite("node API: getPeerCertificate() next to node:tls's");

const FIELDS = ["subject", "issuer", "subjectaltname", "ca", "modulus", "bits", "exponent", "pubkey", "asn1Curve", "nistCurve", "valid_from", "valid_to", "fingerprint", "fingerprint256", "fingerprint512", "ext_key_usage", "serialNumber", "raw"];

/** The fields both describe, as plain data (node's names are null-prototype objects; Buffers as hex). */
function comparable(cert: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const v = (cert as Record<string, unknown>)[f];
    if (v === undefined) continue;
    out[f] = Buffer.isBuffer(v) ? v.toString("hex") : v !== null && typeof v === "object" && !Array.isArray(v) ? { ...v } : v;
  }
  return out;
}

/** A self-signed certificate with the awkward parts: a multi-valued RDN, repeated OUs, IPv6, URI and email SANs. */
function awkwardCertificate(): { cert: string; key: string } {
  requireOpenssl();
  const dir = pki.dir;
  const [certPath, keyPath] = [join(dir, "awkward.pem"), join(dir, "awkward.key")];
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath, "-days", "2",
    "-subj", "/C=US/O=A+OU=B/OU=C/OU=D/CN=x.example/emailAddress=a@b.example",
    "-addext", "subjectAltName=DNS:x.example,IP:::1,IP:2001:db8::1,IP:127.0.0.1,URI:https://x.example/p,email:a@x.example,DNS:*.x.example",
  ], { stdio: "ignore" }); // prettier-ignore
  return { cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
}

for (const [pname, provider] of PROVIDERS) {
  for (const [label, cert, key] of [
    ["ECDSA P-256", ecdsa.certPem, ecdsa.keyPem],
    ["RSA 2048", rsa.certPem, rsa.keyPem],
  ] as const) {
    g(
      `${label} server certificate, ${pname} provider: the same fields and values as node:tls`,
      scoped(async (scope) => {
        const server = await nodeTlsServer(scope, { cert, key });
        const ours = (await fipsConnect(scope, { port: server.port, ...trusted, provider })).socket;
        const theirs = (await nodeTlsConnect(scope, { port: server.port, ca: pki.caPem })).socket;
        const mine = ours.getPeerCertificate() as PeerCertificate;
        const node = theirs.getPeerCertificate();
        assert.equal(comparable(mine), comparable(node));
        // Node 24 lists absent fields with the value undefined (modulus on an EC key, infoAccess): they are absent.
        const present = (o: object): string[] => Object.entries(o).filter(([, v]) => v !== undefined).map(([k]) => k).sort();
        assert.equal(present(mine), present(node));
        assert.is(Object.getPrototypeOf(mine.subject), null);
        // Detailed: the server sent only its leaf; as node:tls, the chain is completed from the trust
        // store up to the root, which refers to itself.
        const walk = (c: { fingerprint256: string; issuerCertificate?: unknown }): string[] => {
          const seen: string[] = [];
          for (let at: typeof c | undefined = c; at && seen.length < 10; at = at.issuerCertificate === at ? undefined : (at.issuerCertificate as typeof c | undefined)) seen.push(at.fingerprint256);
          return seen;
        };
        const detailed = ours.getPeerCertificate(true) as DetailedPeerCertificate;
        assert.equal(walk(detailed), walk(theirs.getPeerCertificate(true)));
        assert.is(walk(detailed).length, 2);
        assert.is(detailed.issuerCertificate.issuerCertificate, detailed.issuerCertificate);
        assert.equal(ours.getPeerX509Certificate()!.raw, node.raw);
      }),
    );
  }
}

g(
  "multi-valued RDNs, repeated attributes, IPv6/URI/email SANs render as node:tls renders them",
  scoped(async (scope) => {
    const awkward = awkwardCertificate();
    const server = await nodeTlsServer(scope, { cert: awkward.cert, key: awkward.key });
    // A self-signed CA certificate as a server's: both clients record the failure and go on.
    const ours = (await fipsConnect(scope, { port: server.port, servername: "x.example", ca: awkward.cert, rejectUnauthorized: false })).socket;
    assert.is(ours.authorizationError, "ERR_FIPSTLS_INVALID_CERTIFICATE");
    assert.is((ours.authorizationFailure as InvalidCertificate).reason, "CaUsedAsEndEntity");
    const theirs = (await nodeTlsConnect(scope, { port: server.port, servername: "x.example", rejectUnauthorized: false })).socket;
    const node = theirs.getPeerCertificate();
    assert.equal(comparable(ours.getPeerCertificate()!), comparable(node));
    assert.equal((ours.getPeerCertificate() as PeerCertificate).subject.OU, ["B", "C", "D"]);
    // node's own checkServerIdentity reads our object as it reads its own.
    assert.is(tls.checkServerIdentity("x.example", ours.getPeerCertificate() as unknown as tls.PeerCertificate), undefined);
    assert.is(tls.checkServerIdentity("::1", ours.getPeerCertificate() as unknown as tls.PeerCertificate), undefined);
    assert.instance(tls.checkServerIdentity("y.example", ours.getPeerCertificate() as unknown as tls.PeerCertificate), Error);
  }),
);

g.run();

// ---------------------------------------------------------------------------------------------
const v = suite("node API: rejectUnauthorized, checkServerIdentity, authorized");

v(
  "rejectUnauthorized: false verifies anyway and records the failure; the default fails with it",
  scoped(async (scope) => {
    const server = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
    const untrusted = { port: server.port, servername: "localhost", ca: pki.otherCaPem };
    const fatal = await fipsConnectError(scope, untrusted);
    assert.instance(fatal, InvalidCertificate);
    assert.is((fatal as InvalidCertificate).reason, "UnknownIssuer");

    const { socket, sink } = await fipsConnect(scope, { ...untrusted, rejectUnauthorized: false });
    assert.is(socket.authorized, false);
    // node:tls's code for the same failure, side by side; the precise check beside it.
    const theirs = (await nodeTlsConnect(scope, { port: server.port, ca: pki.otherCaPem, rejectUnauthorized: false })).socket;
    assert.is(socket.authorizationError, theirs.authorizationError as unknown as string);
    assert.is(socket.authorizationError, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    assert.is((socket.authorizationFailure as InvalidCertificate).reason, "UnknownIssuer");
    assert.instance(socket.authorizationFailure, InvalidCertificate);
    socket.write("still talking\n");
    await sink.match("pong:still talking");

    const wrongName = (await fipsConnect(scope, { port: server.port, servername: "elsewhere.example", ca: pki.caPem, rejectUnauthorized: false })).socket;
    const theirWrongName = (await nodeTlsConnect(scope, { port: server.port, servername: "elsewhere.example", ca: pki.caPem, rejectUnauthorized: false })).socket;
    assert.is(wrongName.authorizationError, theirWrongName.authorizationError as unknown as string);
    assert.is(wrongName.authorizationError, "ERR_TLS_CERT_ALTNAME_INVALID");
    const good = (await fipsConnect(scope, { port: server.port, ...trusted, rejectUnauthorized: false })).socket;
    assert.is(good.authorized, true);
    assert.is(good.authorizationError, null);
    const disabled = (await fipsConnect(scope, { port: server.port, servername: "localhost", dangerouslyDisableCertificateVerification: true })).socket;
    assert.is(disabled.authorized, false);
    assert.is(disabled.authorizationError, "ERR_FIPSTLS_VERIFICATION_DISABLED");
  }),
);

v(
  "checkServerIdentity runs after fipstls's checks, sees node-shaped arguments, and its Error fails the connection",
  scoped(async (scope) => {
    const server = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
    const seen: [string, PeerCertificate][] = [];
    const pinned = (await fipsConnect(scope, { port: server.port, ...trusted, checkServerIdentity: (host, cert) => void seen.push([host, cert]) })).socket;
    assert.is(pinned.authorized, true);
    assert.is(seen.length, 1);
    assert.is(seen[0]![0], "localhost");
    assert.is(seen[0]![1].subject.CN, "localhost");

    const refusal = Object.assign(new Error("pin mismatch"), { code: "ERR_PIN" });
    const err = await fipsConnectError(scope, { port: server.port, ...trusted, checkServerIdentity: () => refusal });
    assert.is(err, refusal);
    const recorded = (await fipsConnect(scope, { port: server.port, ...trusted, rejectUnauthorized: false, checkServerIdentity: () => refusal })).socket;
    assert.is(recorded.authorized, false);
    assert.is(recorded.authorizationError, "ERR_PIN");

    // Answering "fine" does not override fipstls's own name check (node:tls would let it).
    const wrong = await fipsConnectError(scope, { port: server.port, servername: "elsewhere.example", ca: pki.caPem, checkServerIdentity: () => undefined });
    assert.is((wrong as InvalidCertificate).reason, "NotValidForName");
  }),
);

v.run();

// ---------------------------------------------------------------------------------------------
const s = suite("node API: TLSSocket behaviour");

for (const [pname, provider] of PROVIDERS) {
  s(
    `${pname}: exportKeyingMaterial agrees with OpenSSL's on the other end; accessors as node:tls`,
    scoped(async (scope) => {
      const server = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
      // P-256 on every Node (on Node 24 the default would be the hybrid X25519MLKEM768).
      const { socket } = await fipsConnect(scope, { port: server.port, ...trusted, provider, tls: { groups: ["secp256r1"] } });
      const peer = (await server.nextConnection()).socket;
      const context = Buffer.from("context");
      assert.equal(await socket.exportKeyingMaterial(48, "EXPERIMENTAL-fipstls", context), peer.exportKeyingMaterial(48, "EXPERIMENTAL-fipstls", context));
      assert.equal(await socket.exportKeyingMaterial(32, "EXPERIMENTAL-none"), (peer.exportKeyingMaterial as (length: number, label: string) => Buffer)(32, "EXPERIMENTAL-none"));
      assert.is(socket.encrypted, true);
      assert.is(socket.getProtocol(), "TLSv1.3");
      assert.equal(socket.getCipher(), { name: peer.getCipher().name, standardName: peer.getCipher().standardName, version: "TLSv1.3" });
      assert.is(socket.isSessionReused(), false);
      assert.equal(socket.getEphemeralKeyInfo(), { type: "ECDH", name: "prime256v1", size: 256 });
      assert.is(socket.remotePort, server.port);
      assert.is(socket.remoteAddress, "127.0.0.1");
      assert.is((socket.address() as net.AddressInfo).port, socket.localPort);
      assert.is((socket.getCertificate() as Record<string, never>).raw, undefined);
    }),
  );
}

s(
  "half-close: our end() sends close_notify and we still read the reply; the peer's end ends our side unless allowHalfOpen",
  scoped(async (scope) => {
    const server = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, allowHalfOpen: true });
    server.handler = ({ socket, sink }) => void sink.end().then(() => socket.end(`got:${sink.text()}`));
    const { socket, sink } = await fipsConnect(scope, { port: server.port, ...trusted, allowHalfOpen: true });
    socket.end("abc");
    await sink.end();
    assert.is(sink.text(), "got:abc");

    server.handler = ({ socket: peer }) => void peer.end("bye");
    const second = await fipsConnect(scope, { port: server.port, ...trusted });
    await second.sink.end();
    await within(new Promise((r) => (second.socket.writableFinished ? r(null) : second.socket.once("finish", r))), "our side to end after the peer's");
  }),
);

s(
  "destroy(err) emits that error then 'close', and the peer sees the connection go",
  scoped(async (scope) => {
    const server = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
    server.handler = () => undefined;
    const { socket } = await fipsConnect(scope, { port: server.port, ...trusted });
    const peer = await server.nextConnection();
    const boom = new Error("boom");
    const events: string[] = [];
    socket.on("error", (e) => events.push(e === boom ? "error(boom)" : `error(${e.message})`));
    const closed = new Promise((r) => socket.once("close", r));
    socket.destroy(boom);
    await within(closed, "close after destroy");
    assert.equal(events, ["error(boom)"]);
    await peer.sink.end();
  }),
);

s(
  "STARTTLS: connect({ socket }) runs TLS over a TCP connection that began in plaintext",
  scoped(async (scope) => {
    const context = tls.createSecureContext({ cert: ecdsa.certPem, key: ecdsa.keyPem });
    const plain = net.createServer((raw) => {
      raw.once("data", (line) => {
        assert.is(line.toString(), "STARTTLS\r\n");
        raw.write("220 go ahead\r\n");
        const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
        secure.on("error", () => undefined);
        const sink = new Sink(secure, "STARTTLS server");
        sink.match(/^([^\n]*)\n/).then((m) => secure.end(`pong:${m[1]}\n`), () => secure.destroy());
      });
    });
    scope.add(() => new Promise<void>((r) => plain.close(() => r())));
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", () => r()));
    const raw = scope.stream(net.connect({ host: "127.0.0.1", port: (plain.address() as net.AddressInfo).port }));
    raw.write("STARTTLS\r\n");
    const greeting = await within(new Promise<Buffer>((r) => raw.once("data", r)), "the STARTTLS answer");
    assert.match(greeting.toString(), /^220 /);
    const { socket, sink } = await fipsConnect(scope, { socket: raw, ...trusted });
    assert.is(socket.socket, raw);
    socket.write("over tls\n");
    await sink.match("pong:over tls\n");
    await sink.end();
  }),
);

s(
  "a socket whose handshake failed still names both ends, as node:tls's",
  scoped(async (scope) => {
    const server = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
    server.handler = () => undefined;
    const socket = scope.stream(connect({ host: "127.0.0.1", port: server.port, servername: "localhost", ca: rsa.certPem }));
    const failed = await within(new Promise<Error>((r) => socket.once("error", r)), "the handshake to fail");
    assert.instance(failed, InvalidCertificate);
    await within(new Promise((r) => (socket.destroyed && socket.closed ? r(null) : socket.once("close", r))), "close");
    assert.is(socket.remoteAddress, "127.0.0.1");
    assert.is(socket.remotePort, server.port);
    assert.is(socket.remoteFamily, "IPv4");
    assert.is(socket.localAddress, "127.0.0.1");
    assert.type(socket.localPort, "number");
  }),
);

s(
  "setTimeout emits 'timeout' after idleness, as net.Socket",
  scoped(async (scope) => {
    const server = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
    server.handler = () => undefined;
    const { socket } = await fipsConnect(scope, { port: server.port, ...trusted, timeout: 50 });
    assert.is(socket.timeout, 50);
    await within(new Promise((r) => socket.once("timeout", r)), "'timeout'", 2000);
  }),
);

s.run();
