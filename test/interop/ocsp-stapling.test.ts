// OCSP stapling against real peers, with responses made by `openssl ocsp`: our client against
// `openssl s_server -status_file` and a node:tls server ('OCSPRequest'), our server against
// `openssl s_client -status` and a node:tls client (requestOCSP, 'OCSPResponse'); TLS 1.3 and 1.2.
// Our node API is compared with node:tls side by side. Peers listen on 127.0.0.1 and are stopped after each case.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import * as tls from "node:tls";
import { InvalidCertificate } from "../../src/errors.js";
import type { TLSSocket } from "../../src/transport/node/socket.js";
import { OcspPki } from "../ocsp-pki.js";
import { type ConnectOptions, connect } from "../../src/node.js";
import { STEP_MS, type Scope, exitOf, fipsConnect, fipsConnectError, fipsServer, nodeTlsServer, scoped, spawnOpenssl, within } from "./peers.js";

const o = new OcspPki();
const good = o.respond();
const revoked = o.respond({ status: "revoked" });
const goodFile = `${o.pki.dir}/ocsp-good-${process.pid}.der`;
const revokedFile = `${o.pki.dir}/ocsp-revoked-${process.pid}.der`;
writeFileSync(goodFile, good);
writeFileSync(revokedFile, revoked);
const chainPem = o.leaf.pem + o.intermediate.pem;
const list = (b: Uint8Array | null | undefined): number[] | null => (b === null || b === undefined ? null : Array.from(b));

type Version = "TLSv1.3" | "TLSv1.2";
const VERSIONS: readonly Version[] = ["TLSv1.3", "TLSv1.2"];
const flag = (v: Version): string => (v === "TLSv1.3" ? "-tls1_3" : "-tls1_2");

/** `openssl s_server -status_file` (or without one) serving the leaf and intermediate. */
async function sServer(scope: Scope, version: Version, statusFile: string | null): Promise<number> {
  const args = ["s_server", "-accept", "127.0.0.1:0", "-cert", o.leaf.path, "-key", o.leaf.key.path, "-cert_chain", o.intermediate.path, flag(version), "-www"];
  const peer = spawnOpenssl(scope, statusFile === null ? args : [...args, "-status_file", statusFile], `s_server ${version}`);
  const m = await peer.stdout.match(/ACCEPT 127\.0\.0\.1:(\d+)/).catch((e: Error) => Promise.reject(new Error(`${e.message}\n${peer.describe()}`)));
  return Number(m[1]);
}

/** Our client with requestOCSP: the events it emitted in order, and what 'OCSPResponse' carried. */
async function fipsClient(scope: Scope, port: number, version: Version, extra: Partial<ConnectOptions> = {}): Promise<{ socket: TLSSocket; events: string[]; staple: Buffer | null | undefined }> {
  const events: string[] = [];
  let staple: Buffer | null | undefined;
  const socket = scope.stream(connect({ host: "127.0.0.1", port, servername: "example.com", ca: o.root.pem, requestOCSP: true, minVersion: version, maxVersion: version, handshakeTimeout: STEP_MS, ...extra }));
  socket.on("OCSPResponse", (r: Buffer | null) => (events.push("OCSPResponse"), (staple = r)));
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", () => (events.push("secureConnect"), resolve()));
      socket.once("error", reject);
    }),
    "fipstls client handshake",
  );
  return { socket, events, staple };
}

const client = suite("interop: fipstls client ⇄ openssl s_server -status_file");

for (const version of VERSIONS) {
  client(`${version}: a good staple passes staple "require"; info and 'OCSPResponse' carry the file's bytes`, scoped(async (scope) => {
    const port = await sServer(scope, version, goodFile);
    const { socket, events, staple } = await fipsClient(scope, port, version, { tls: { revocation: { staple: "require" } } });
    assert.is(socket.tlsInfo?.version, version);
    assert.equal(list(socket.tlsInfo?.ocspResponse), list(good));
    assert.equal(list(staple), list(good));
    assert.equal(events, ["OCSPResponse", "secureConnect"]);
  }));

  client(`${version}: a revoked staple fails with Revoked`, scoped(async (scope) => {
    const port = await sServer(scope, version, revokedFile);
    const e = await fipsConnectError(scope, { port, servername: "example.com", ca: o.root.pem, minVersion: version, maxVersion: version, tls: { revocation: { staple: "prefer" } } });
    assert.instance(e, InvalidCertificate);
    assert.is((e as InvalidCertificate).reason, "Revoked");
  }));

  client(`${version}: no -status_file: "require" fails with OcspStapleMissing, "prefer" connects`, scoped(async (scope) => {
    const port = await sServer(scope, version, null);
    const e = await fipsConnectError(scope, { port, servername: "example.com", ca: o.root.pem, minVersion: version, maxVersion: version, tls: { revocation: { staple: "require" } } });
    assert.is((e as InvalidCertificate).reason, "OcspStapleMissing");
    const { socket } = await fipsConnect(scope, { port, servername: "example.com", ca: o.root.pem, minVersion: version, maxVersion: version, tls: { revocation: { staple: "prefer" } } });
    assert.is(socket.tlsInfo?.ocspResponse, undefined);
  }));
}
client("TLSv1.3, rejectUnauthorized: false: a revoked staple is recorded (authorized false, Revoked), not fatal", scoped(async (scope) => {
  const port = await sServer(scope, "TLSv1.3", revokedFile);
  const { socket, staple } = await fipsClient(scope, port, "TLSv1.3", { rejectUnauthorized: false, tls: { revocation: { staple: "require" } } });
  assert.is(socket.authorized, false);
  assert.is((socket.authorizationFailure as InvalidCertificate | null)?.reason, "Revoked");
  assert.is(socket.authorizationError, "CERT_REVOKED");
  assert.equal(list(staple), list(revoked));
}));

client.run();

const server = suite("interop: fipstls server ⇄ openssl s_client -status");

/** `openssl s_client -status` against 127.0.0.1:port; its whole output once it exits. */
async function sClient(scope: Scope, port: number, version: Version): Promise<string> {
  const peer = spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "example.com", "-CAfile", o.root.path, "-status", flag(version)], `s_client ${version}`);
  // End of input: s_client closes the connection and exits once the handshake is done.
  peer.child.stdin!.end();
  assert.is(await exitOf(peer), 0, peer.describe());
  return peer.stdout.text();
}

for (const version of VERSIONS) {
  for (const how of ["tls.ocspResponse", "'OCSPRequest'"] as const) {
    server(`${version}, staple from ${how}: s_client prints the response as successful and good`, scoped(async (scope) => {
      const requests: [Buffer, Buffer | null][] = [];
      const s = await fipsServer(scope, { cert: chainPem, key: o.leaf.key.pem, minVersion: version, maxVersion: version, ...(how === "tls.ocspResponse" ? { tls: { ocspResponse: good } } : {}) });
      if (how === "'OCSPRequest'") {
        s.server.on("OCSPRequest", (certificate: Buffer, issuer: Buffer | null, cb: (err: Error | null, resp?: Buffer) => void) => {
          requests.push([certificate, issuer]);
          cb(null, Buffer.from(good));
        });
      }
      const out = await sClient(scope, s.port, version);
      assert.match(out, /OCSP Response Status: successful \(0x0\)/);
      assert.match(out, /Cert Status: good/);
      assert.match(out, /Responder Id: .*fipstls ocsp intermediate/);
      assert.match(out, new RegExp(`New, ${version}, Cipher is`));
      if (how === "'OCSPRequest'") {
        assert.is(requests.length, 1);
        assert.equal(list(requests[0]![0]), list(o.leaf.der));
        assert.equal(list(requests[0]![1]), list(o.intermediate.der));
      }
    }));
  }

  server(`${version}: nothing to staple: s_client reports no response`, scoped(async (scope) => {
    const s = await fipsServer(scope, { cert: chainPem, key: o.leaf.key.pem, minVersion: version, maxVersion: version });
    s.server.on("OCSPRequest", (_c: Buffer, _i: Buffer | null, cb: (err: Error | null, resp?: Buffer) => void) => cb(null));
    const out = await sClient(scope, s.port, version);
    assert.match(out, /OCSP response: no response sent/);
  }));
}
server.run();

const node = suite("interop: OCSP stapling, fipstls ⇄ node:tls and side by side");

/** node:tls's client with requestOCSP: the events it emitted, and what 'OCSPResponse' carried. */
function nodeClient(scope: Scope, port: number, version: Version): Promise<{ events: string[]; staple: Buffer | null | undefined }> {
  const events: string[] = [];
  let staple: Buffer | null | undefined;
  // requestOCSP is a node:tls option @types/node leaves out of ConnectionOptions.
  const options = { host: "127.0.0.1", port, servername: "example.com", ca: o.root.pem, requestOCSP: true, minVersion: version, maxVersion: version };
  const socket = scope.stream(tls.connect(options as tls.ConnectionOptions));
  socket.on("OCSPResponse", (r: Buffer | null) => (events.push("OCSPResponse"), (staple = r)));
  return within(
    new Promise((resolve, reject) => {
      socket.once("secureConnect", () => (events.push("secureConnect"), resolve({ events, staple })));
      socket.once("error", reject);
    }),
    "node:tls client handshake",
  );
}

for (const version of VERSIONS) {
  node(`${version}: node:tls client (requestOCSP) gets our staple in 'OCSPResponse', null without one`, scoped(async (scope) => {
    const s = await fipsServer(scope, { cert: chainPem, key: o.leaf.key.pem, minVersion: version, maxVersion: version, tls: { ocspResponse: good } });
    const withStaple = await nodeClient(scope, s.port, version);
    assert.equal(list(withStaple.staple), list(good));
    assert.equal(withStaple.events, ["OCSPResponse", "secureConnect"]);
    const plain = await fipsServer(scope, { cert: chainPem, key: o.leaf.key.pem, minVersion: version, maxVersion: version });
    const without = await nodeClient(scope, plain.port, version);
    assert.is(without.staple, null);
  }));

  node(`${version}: side by side against a node:tls server: same 'OCSPResponse' events and bytes, same 'OCSPRequest' arguments`, scoped(async (scope) => {
    for (const staple of [good, null]) {
      const asked: [Buffer, Buffer | null][] = [];
      const onRequest = (certificate: Buffer, issuer: Buffer | null, cb: (err: Error | null, resp?: Buffer) => void): void => {
        asked.push([certificate, issuer]);
        cb(null, staple === null ? undefined : Buffer.from(staple));
      };
      const theirs = await nodeTlsServer(scope, { cert: chainPem, key: o.leaf.key.pem, minVersion: version, maxVersion: version });
      theirs.server.on("OCSPRequest", onRequest);
      const ours = await fipsServer(scope, { cert: chainPem, key: o.leaf.key.pem, minVersion: version, maxVersion: version });
      ours.server.on("OCSPRequest", onRequest);
      const results = [await nodeClient(scope, theirs.port, version), await fipsClient(scope, theirs.port, version), await nodeClient(scope, ours.port, version), await fipsClient(scope, ours.port, version)];
      for (const r of results) {
        assert.equal(r.events, ["OCSPResponse", "secureConnect"]);
        assert.equal(list(r.staple), list(staple));
      }
      assert.is(asked.length, 4);
      for (const [certificate, issuer] of asked) {
        assert.equal(list(certificate), list(o.leaf.der));
        assert.equal(list(issuer), list(asked[0]![1]));
      }
    }
  }));
}
node.run();
