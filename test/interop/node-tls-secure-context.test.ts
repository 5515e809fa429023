// createSecureContext() and secureContext, side by side with node:tls: one context reused by many
// connections (its key decrypted once), servers that take one as their default, through SNICallback
// and setSecureContext(), and node:tls's own SecureContext refused with the reason.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tls from "node:tls";
import { ConfigError } from "../../src/errors.js";
import type { CryptoProvider } from "../../src/crypto/provider.js";
import * as https from "node:https";
import { inspect } from "node:util";
import type { AddressInfo } from "node:net";
import { fetch as undiciFetch } from "undici";
import { Agent, connect, createSecureContext, createServer, createUndiciAgent } from "../../src/node.js";
import { nodeProvider } from "../../providers/node/index.js";
import { makeThrowawayPki } from "../../bin/throwaway-pki.js";
import { OPENSSL, fipsConnect, fipsServer, interopPki, nodeTlsConnect, nodeTlsServer, scoped, within } from "./peers.js";

const dir = interopPki().dir;
const serverPki = await makeThrowawayPki();
const otherPki = await makeThrowawayPki({ names: ["other.example"] });
const clientPki = await makeThrowawayPki({ names: ["client.example"] });
const PASS = "context pass";

function pkcs12(name: string, pki: { certPem: string; keyPem: string }): Buffer {
  const [crt, key, out] = ["crt", "key", "p12"].map((ext) => join(dir, `ctx-${name}.${ext}`)) as [string, string, string];
  writeFileSync(crt, pki.certPem);
  writeFileSync(key, pki.keyPem);
  execFileSync(OPENSSL, ["pkcs12", "-export", "-in", crt, "-inkey", key, "-passout", `pass:${PASS}`, "-out", out], { stdio: ["ignore", "ignore", "pipe"] });
  return readFileSync(out);
}
const clientP12 = pkcs12("client", clientPki);
const otherP12 = pkcs12("other", otherPki);

/** The node provider, counting PBKDF2 runs (each decryption of the client's key runs one or two). */
function countingProvider(): { provider: CryptoProvider; runs: () => number } {
  const base = nodeProvider();
  let n = 0;
  return {
    provider: { ...base, name: "node", pbkdf2: (...args: Parameters<NonNullable<CryptoProvider["pbkdf2"]>>) => (n++, base.pbkdf2!(...args)) },
    runs: () => n,
  };
}

const t = suite("node:tls parity: createSecureContext and secureContext");

t("connect({ secureContext }) with pfx and ca, mutual auth against node:tls, as node:tls's own connect({ secureContext }); the key is decrypted once for many connections", scoped(async (scope) => {
  const server = await nodeTlsServer(scope, { cert: serverPki.certPem, key: serverPki.keyPem, requestCert: true, rejectUnauthorized: true, ca: clientPki.caPem });
  const theirs = tls.createSecureContext({ pfx: clientP12, passphrase: PASS, ca: serverPki.caPem });
  await nodeTlsConnect(scope, { port: server.port, secureContext: theirs });
  assert.ok((await server.nextConnection()).socket.authorized);

  const { provider, runs } = countingProvider();
  const ours = createSecureContext({ pfx: clientP12, passphrase: PASS, ca: serverPki.caPem });
  assert.is(ours.context, ours, "node:tls-shaped: a context member");
  assert.not.match(inspect(ours, { depth: 5 }), PASS, "logging a context shows no passphrase");
  for (let i = 0; i < 3; i++) {
    const { socket } = await fipsConnect(scope, { provider, port: server.port, servername: "localhost", secureContext: ours });
    assert.ok(socket.authorized);
    assert.ok((await server.nextConnection()).socket.authorized, `connection ${i}`);
  }
  const afterThree = runs();
  assert.ok(afterThree > 0 && afterThree <= 2, `PBKDF2 ran ${afterThree} times for three connections`);
  assert.is(ours.trustStore(), ours.trustStore(), "the trust store is parsed once");
}));

t("createServer({ secureContext }) serves the context (node:tls's createServer ignores the option); SNICallback and setSecureContext() take contexts made from pfx", scoped(async (scope) => {
  const main = createSecureContext({ cert: serverPki.certPem, key: serverPki.keyPem });
  const other = createSecureContext({ pfx: otherP12, passphrase: PASS });
  const ours = await fipsServer(scope, { secureContext: main, SNICallback: (name, cb) => cb(null, name === "other.example" ? other : null) });
  const first = await nodeTlsConnect(scope, { port: ours.port, ca: serverPki.caPem });
  assert.is(first.socket.getPeerCertificate().subject.CN, "localhost");
  const viaSni = await nodeTlsConnect(scope, { port: ours.port, servername: "other.example", ca: otherPki.caPem });
  assert.is(viaSni.socket.getPeerCertificate().subject.CN, "other.example");

  // setSecureContext() as node:tls's: the options (or, fipstls, a context) for new connections.
  const theirs = await nodeTlsServer(scope, { cert: serverPki.certPem, key: serverPki.keyPem });
  theirs.server.setSecureContext({ pfx: otherP12, passphrase: PASS });
  ours.server.setSecureContext({ pfx: otherP12, passphrase: PASS });
  for (const port of [theirs.port, ours.port]) {
    const { socket } = await nodeTlsConnect(scope, { port, servername: "other.example", ca: otherPki.caPem });
    assert.is(socket.getPeerCertificate().subject.CN, "other.example", `port ${port}`);
  }
}));

t("an https Agent and the undici dispatcher given pfx decrypt it once for all their connections (the server closes each one)", scoped(async (scope) => {
  const server = https.createServer({ cert: serverPki.certPem, key: serverPki.keyPem, requestCert: true, rejectUnauthorized: true, ca: clientPki.caPem }, (req, res) => {
    res.setHeader("connection", "close");
    res.end(`hello ${(req.socket as tls.TLSSocket).getPeerCertificate().subject.CN}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  scope.add(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;

  const viaAgent = countingProvider();
  const agent = new Agent({ provider: viaAgent.provider, pfx: clientP12, passphrase: PASS, ca: serverPki.caPem, maxCachedSessions: 0 });
  scope.add(() => agent.destroy());
  for (let i = 0; i < 3; i++) {
    const body = await within(
      new Promise<string>((resolve, reject) => {
        https.get({ host: "127.0.0.1", servername: "localhost", port, path: "/", agent }, (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve(text));
        }).on("error", reject);
      }),
      `https.get ${i}`,
    );
    assert.is(body, "hello client.example");
  }
  assert.ok(viaAgent.runs() > 0 && viaAgent.runs() <= 2, `Agent: PBKDF2 ran ${viaAgent.runs()} times`);

  const viaUndici = countingProvider();
  const dispatcher = createUndiciAgent({ provider: viaUndici.provider, pfx: clientP12, passphrase: PASS, ca: serverPki.caPem, maxCachedSessions: 0 });
  scope.add(() => dispatcher.destroy());
  for (let i = 0; i < 3; i++) {
    const res = await within(undiciFetch(`https://localhost:${port}/`, { dispatcher }), `fetch ${i}`);
    assert.is(await res.text(), "hello client.example");
  }
  assert.ok(viaUndici.runs() > 0 && viaUndici.runs() <= 2, `undici: PBKDF2 ran ${viaUndici.runs()} times`);
}));

t("node:tls's own SecureContext is refused with the reason; secureContext beside cert, key, pfx or ca is a ConfigError", () => {
  const native = tls.createSecureContext({ cert: serverPki.certPem, key: serverPki.keyPem });
  for (const run of [() => connect({ port: 1, secureContext: native as never }), () => createServer({ secureContext: native as never })]) {
    const e = catchConfigError(run);
    assert.match(e.message, /holds its key inside OpenSSL/);
  }
  const both = catchConfigError(() => connect({ port: 1, secureContext: createSecureContext({ ca: serverPki.caPem }), ca: serverPki.caPem }));
  assert.is(both.item, "ca");
  assert.match(both.message, /give "ca" to createSecureContext\(\) instead/);
});

function catchConfigError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e) {
    assert.instance(e, ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

t.run();
