// X448 and the RFC 7919 FFDHE groups against real peers: `openssl s_server` and `s_client` (OpenSSL 3)
// and node:tls (ecdhCurve "ffdhe2048" / "X448"), both ways, in TLS 1.3, with and without a
// HelloRetryRequest; many handshakes until a public value and a shared secret with a leading zero byte
// have each been seen (the padding of RFC 8446 4.2.8.1 and 7.4.1 is then exercised against OpenSSL);
// OpenSSL's own alert for the bad shares our unit tests reject; and fips-140-3 taking ffdhe2048 and
// refusing X448. Only the node provider has these groups (WebCrypto has neither).
import net from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { nodeProvider } from "../../providers/node/index.js";
import { ffdhePrime } from "../../src/suites/ffdhe.js";
import type { CryptoProvider, GroupName, KeyShare, ProviderGroupName } from "../../src/crypto/provider.js";
import { AlertReceived, ConfigError } from "../../src/errors.js";
import {
  STEP_MS,
  exitOf,
  fipsConnect,
  fipsConnectError,
  fipsServer,
  interopPki,
  nodeTlsConnect,
  nodeTlsServer,
  opensslServer,
  scoped,
  spawnOpenssl,
  within,
} from "./peers.js";

const provider = nodeProvider();
const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const GET = "GET / HTTP/1.0\r\n\r\n";
/** How OpenSSL names the groups (-groups, ecdhCurve, s_server's report) and s_client -brief's "Server Temp Key". */
const OPENSSL: Readonly<Record<string, { flag: string; tempKey: string }>> = {
  x448: { flag: "X448", tempKey: "X448, 448 bits" },
  ffdhe2048: { flag: "ffdhe2048", tempKey: "DH, 2048 bits" },
  ffdhe3072: { flag: "ffdhe3072", tempKey: "DH, 3072 bits" },
  ffdhe4096: { flag: "ffdhe4096", tempKey: "DH, 4096 bits" },
};

/** node:tls's getEphemeralKeyInfo() without the `name: undefined` that Node 24 adds for DH. */
const defined = (o: object): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The node provider, watched: counts our FFDHE public values and shared secrets with a leading zero byte. */
function watched(): { provider: CryptoProvider; zeroY: number; zeroZ: number; shares: number } {
  const w = { provider: undefined as unknown as CryptoProvider, zeroY: 0, zeroZ: 0, shares: 0 };
  w.provider = {
    ...provider,
    async keyShare(group: ProviderGroupName): Promise<KeyShare> {
      const share = await provider.keyShare(group);
      return {
        group: share.group,
        publicKey: share.publicKey,
        // Counted once a handshake uses the share: one made ahead for the next handshake (spare-shares.ts) may never be sent.
        async agree(peer: Uint8Array): Promise<Uint8Array> {
          const z = await share.agree(peer);
          if (group.startsWith("ffdhe")) {
            w.shares++;
            if (share.publicKey[0] === 0) w.zeroY++;
            if (z[0] === 0) w.zeroZ++;
          }
          return z;
        },
      };
    },
  };
  return w;
}

/** s_client against our server, verifying our chain and name. */
function sClient(scope: Parameters<typeof spawnOpenssl>[0], port: number, args: readonly string[]) {
  return spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", "-tls1_3", "-CAfile", pki.caPath, "-verify_return_error", "-brief", "-ign_eof", ...args]);
}

const t = suite("interop: X448 and FFDHE with OpenSSL and node:tls (node provider)");

for (const group of ["ffdhe2048", "ffdhe3072", "x448"] as const) {
  t(`fipstls client → s_server -groups ${OPENSSL[group]!.flag}: ${group}, no HelloRetryRequest`, scoped(async (scope) => {
    const { port } = await opensslServer(scope, { cert: ecdsa, mode: "www", args: ["-groups", OPENSSL[group]!.flag] });
    const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: pki.caPem, provider, tls: { groups: [group] } });
    assert.equal([socket.tlsInfo!.version, socket.tlsInfo!.group, socket.tlsInfo!.helloRetryRequest], ["TLSv1.3", group, false]);
    socket.end(GET);
    await sink.end();
    // s_server's status page names the group as the IANA registry does (x448, ffdhe2048).
    assert.ok(sink.text().includes(`Shared groups: ${group}\n`), sink.text().slice(0, 600));
  }));
}

t("HelloRetryRequest to ffdhe2048: the default client shares P-256, s_server takes only ffdhe2048", scoped(async (scope) => {
  const { port } = await opensslServer(scope, { cert: ecdsa, mode: "www", args: ["-groups", "ffdhe2048"] });
  const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: pki.caPem, provider });
  assert.equal([socket.tlsInfo!.group, socket.tlsInfo!.helloRetryRequest], ["ffdhe2048", true]);
  assert.equal(socket.getEphemeralKeyInfo(), { type: "DH", size: 2048 });
  socket.end(GET);
  await sink.end();
  assert.match(sink.text(), /^HTTP\/1\.0 200 ok/);
}));

t("s_client -groups ffdhe2048:X448 → fipstls server: ffdhe2048 (the share s_client sent), and X448 alone", scoped(async (scope) => {
  const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider });
  for (const [groups, expected] of [["ffdhe2048:X448", "ffdhe2048"], ["X448", "x448"], ["ffdhe4096", "ffdhe4096"]] as const) {
    server.reset();
    const peer = sClient(scope, server.port, ["-groups", groups]);
    peer.child.stdin!.end("ping\n");
    assert.is(await exitOf(peer), 0, peer.describe());
    const summary = peer.stderr.text();
    assert.match(summary, /^Protocol version: TLSv1\.3$/m);
    assert.ok(summary.includes(`Server Temp Key: ${OPENSSL[expected]!.tempKey}\n`), summary);
    assert.match(summary, /^Verification: OK$/m);
    assert.is(peer.stdout.text(), "pong:ping\n");
    const { socket } = await server.nextConnection();
    assert.equal([socket.tlsInfo!.group, socket.tlsInfo!.helloRetryRequest], [expected, false]);
  }
}));

t("s_client -groups x25519:ffdhe2048 → a fipstls server preferring ffdhe2048: HelloRetryRequest to ffdhe2048", scoped(async (scope) => {
  const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider, tls: { groups: ["ffdhe2048", "x25519"], preferGroupOverShare: true } });
  const peer = sClient(scope, server.port, ["-groups", "x25519:ffdhe2048"]);
  peer.child.stdin!.end("ping\n");
  assert.is(await exitOf(peer), 0, peer.describe());
  assert.ok(peer.stderr.text().includes("Server Temp Key: DH, 2048 bits\n"), peer.stderr.text());
  const { socket } = await server.nextConnection();
  assert.equal([socket.tlsInfo!.group, socket.tlsInfo!.helloRetryRequest], ["ffdhe2048", true]);
}));

t("padding against OpenSSL: fipstls client → s_server ffdhe2048 until our Y and our Z have each had a leading zero byte", scoped(async (scope) => {
  const { port } = await opensslServer(scope, { cert: ecdsa, mode: "www", args: ["-groups", "ffdhe2048"] });
  const w = watched();
  const deadline = Date.now() + 90_000;
  let n = 0;
  // Each is 1 in 256 per handshake; 4000 handshakes miss one with probability below 1e-6.
  while ((w.zeroY === 0 || w.zeroZ === 0) && n < 4000 && Date.now() < deadline) {
    const { socket } = await fipsConnect(scope, { port, servername: "localhost", ca: pki.caPem, provider: w.provider, tls: { groups: ["ffdhe2048"] } });
    assert.is(socket.tlsInfo!.group, "ffdhe2048");
    socket.destroy();
    n++;
  }
  assert.ok(w.zeroY > 0 && w.zeroZ > 0, `after ${n} handshakes: ${w.zeroY} short Y, ${w.zeroZ} short Z`);
  assert.is(w.shares, n);
}));

t("padding against node:tls: node:tls client (ecdhCurve ffdhe2048) → fipstls server until our Y and Z have each had a leading zero byte", scoped(async (scope) => {
  const w = watched();
  const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider: w.provider });
  const deadline = Date.now() + 90_000;
  let n = 0;
  while ((w.zeroY === 0 || w.zeroZ === 0) && n < 4000 && Date.now() < deadline) {
    server.reset();
    const { socket } = await nodeTlsConnect(scope, { port: server.port, ca: pki.caPem, ecdhCurve: "ffdhe2048" });
    // Our server has finished its handshake (read the client's Finished) before the client goes away.
    const accepted = await server.nextConnection();
    assert.is(accepted.socket.tlsInfo!.group, "ffdhe2048");
    socket.destroy();
    accepted.socket.destroy();
    n++;
  }
  assert.ok(w.zeroY > 0 && w.zeroZ > 0, `after ${n} handshakes: ${w.zeroY} short Y, ${w.zeroZ} short Z`);
}));

for (const [curve, group, info] of [
  ["ffdhe2048", "ffdhe2048", { type: "DH", size: 2048 }],
  ["X448", "x448", { type: "ECDH", name: "X448", size: 448 }],
] as const) {
  t(`node:tls server (ecdhCurve ${curve}) ← fipstls client, and node:tls client (ecdhCurve ${curve}) → fipstls server`, scoped(async (scope) => {
    const nodeServer = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, ecdhCurve: curve });
    const { socket, sink } = await fipsConnect(scope, { port: nodeServer.port, servername: "localhost", ca: pki.caPem, provider, tls: { groups: [group as GroupName] } });
    assert.equal([socket.tlsInfo!.group, socket.tlsInfo!.helloRetryRequest], [group, false]);
    // Our getEphemeralKeyInfo() says what node:tls's says for the same group.
    assert.equal(socket.getEphemeralKeyInfo(), info);
    socket.write("ping\n");
    await sink.match(/pong:ping\n/);
    const ours = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider });
    const { socket: theirs, sink: theirSink } = await nodeTlsConnect(scope, { port: ours.port, ca: pki.caPem, ecdhCurve: curve });
    assert.equal(defined(theirs.getEphemeralKeyInfo() as object), info);
    theirs.write("ping\n");
    await theirSink.match(/pong:ping\n/);
    const { socket: accepted } = await ours.nextConnection();
    assert.is(accepted.tlsInfo!.group, group);
  }));
}

t("node:tls client sharing X25519 with ecdhCurve X25519:ffdhe3072 → a fipstls server taking only ffdhe3072: HelloRetryRequest", scoped(async (scope) => {
  const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider, tls: { groups: ["ffdhe3072"] } });
  const { socket } = await nodeTlsConnect(scope, { port: server.port, ca: pki.caPem, ecdhCurve: "X25519:ffdhe3072" });
  assert.equal(defined(socket.getEphemeralKeyInfo() as object), { type: "DH", size: 3072 });
  const { socket: accepted } = await server.nextConnection();
  assert.equal([accepted.tlsInfo!.group, accepted.tlsInfo!.helloRetryRequest], ["ffdhe3072", true]);
}));

/** A TLS 1.3 ClientHello offering ffdhe2048 only, with `y` as its share. */
function rawClientHello(y: Uint8Array): Buffer {
  const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 255]);
  const vec16 = (b: Uint8Array): Buffer => Buffer.concat([u16(b.length), b]);
  const ext = (type: number, data: Uint8Array): Buffer => Buffer.concat([u16(type), vec16(data)]);
  const extensions = Buffer.concat([
    ext(10, vec16(u16(0x0100))),
    ext(13, vec16(u16(0x0403))),
    ext(43, Buffer.from([2, 3, 4])),
    ext(51, vec16(Buffer.concat([u16(0x0100), vec16(y)]))),
  ]);
  const body = Buffer.concat([u16(0x0303), provider.random(32), Buffer.from([0]), vec16(u16(0x1301)), Buffer.from([1, 0]), vec16(extensions)]);
  const handshake = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 255]), body]);
  return Buffer.concat([Buffer.from([22, 3, 1]), vec16(handshake)]);
}

t("OpenSSL answers the bad ffdhe2048 shares fipstls rejects (Y = 0, 1, p-1, p; 255 and 257 bytes) with illegal_parameter too", scoped(async (scope) => {
  const { port } = await opensslServer(scope, { cert: ecdsa, mode: "www", args: ["-groups", "ffdhe2048"] });
  const p = ffdhePrime("ffdhe2048");
  const pMinus1 = p.slice();
  pMinus1[255]! -= 1;
  const at = (n: number): Uint8Array => {
    const y = new Uint8Array(256);
    y[255] = n;
    return y;
  };
  const cases: [string, Uint8Array, number][] = [
    ["Y = 0", at(0), 21],
    ["Y = 1", at(1), 21],
    ["Y = p-1", pMinus1, 21],
    ["Y = p", p, 21],
    ["255 bytes", at(2).subarray(1), 21],
    ["257 bytes", new Uint8Array([0, ...at(2)]), 21],
    ["Y = 2", at(2), 22],
  ];
  for (const [what, y, firstRecord] of cases) {
    const answer = await within(
      new Promise<Buffer>((resolve) => {
        const s = net.connect(port, "127.0.0.1", () => s.write(rawClientHello(y)));
        let got = Buffer.alloc(0);
        s.on("data", (d: Buffer) => {
          got = Buffer.concat([got, d]);
          if (got.length >= 7) s.destroy();
        });
        s.on("error", () => {});
        s.on("close", () => resolve(got));
        scope.add(() => void s.destroy());
      }),
      `s_server's answer to ${what}`,
      STEP_MS,
    );
    assert.is(answer[0], firstRecord, `${what}: ${answer.subarray(0, 7).toString("hex")}`);
    if (firstRecord === 21) assert.equal([answer[5], answer[6]], [2, 47], `${what}: fatal illegal_parameter`);
  }
}));

t("fips-140-3: ffdhe2048 negotiates with s_server (the audit calls it compliant); X448 is a ConfigError naming the rule", scoped(async (scope) => {
  const fips = { provider, policy: "fips-140-3", requireFipsProvider: false } as const;
  const { port } = await opensslServer(scope, { cert: ecdsa, mode: "www", args: ["-groups", "ffdhe2048:X448"] });
  const { socket } = await fipsConnect(scope, { ...fips, port, servername: "localhost", ca: pki.caPem });
  assert.equal([socket.tlsInfo!.group, socket.tlsInfo!.helloRetryRequest], ["ffdhe2048", true]);
  const report = socket.audit();
  assert.is(report.policy.id, "fips-140-3-20261201");
  assert.is(report.negotiated!.group, "ffdhe2048");
  assert.ok(report.verdict.algorithmsCompliant, report.verdict.reasons.join("; "));
  const item = report.items.find((i) => i.kind === "group" && i.name === "ffdhe2048")!;
  assert.equal([item.decision, item.testsslId], ["allowed", "DH_groups"]);
  const err = await fipsConnectError(scope, { ...fips, port, servername: "localhost", ca: pki.caPem, tls: { groups: ["x448"] } });
  assert.instance(err, ConfigError);
  assert.is((err as ConfigError).item, "x448");
  assert.match(err.message, /refused by policy fips-140-3-20261201: not approved for key agreement/);
  // A fips-140-3 client against a server that takes only X448: no group in common.
  const { port: x448Only } = await opensslServer(scope, { cert: ecdsa, mode: "www", args: ["-groups", "X448"] });
  const refused = await fipsConnectError(scope, { ...fips, port: x448Only, servername: "localhost", ca: pki.caPem });
  assert.instance(refused, AlertReceived);
  assert.is((refused as AlertReceived).descriptionName, "handshake_failure");
}));

t.run();
