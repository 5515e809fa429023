// X448 and the RFC 7919 FFDHE groups: the primes against RFC 7919's formula (and OpenSSL's copy), key
// share and shared-secret padding, the peer-value checks of RFC 8446 4.2.8.1 as crafted hellos meet them
// (the exact alert), TLS 1.2 never choosing an FFDHE group, HelloRetryRequest to an FFDHE group, and what
// the policies decide.
import { spawnSync } from "node:child_process";
import { type KeyObject, createPublicKey, generateKeyPairSync } from "node:crypto";
import { Buffer } from "node:buffer";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { nodeProvider } from "../providers/node/index.js";
import { webcryptoProvider } from "../providers/webcrypto/index.js";
import { ffdheShare, leftPad, spkiForTests } from "../providers/node/ffdhe.js";
import { x448Share } from "../providers/node/x448.js";
import { buildClientConfig } from "../src/config/client.js";
import { buildServerConfig } from "../src/config/server.js";
import { ClientConnection } from "../src/conn/client.js";
import { ServerConnection } from "../src/conn/server.js";
import { concat, fromHex, toHex } from "../src/codec/bytes.js";
import { decodePem } from "../src/codec/pem.js";
import { Writer } from "../src/codec/writer.js";
import type { FfdheGroupName, GroupName } from "../src/crypto/provider.js";
import { ConfigError, TlsError } from "../src/errors.js";
import { type Extension, encodeKeyShareClient, encodeKeyShareServer, encodeSupportedVersionsClient, encodeU16List } from "../src/msgs/extensions.js";
import { frameHandshake } from "../src/msgs/handshake.js";
import { encodeClientHello } from "../src/msgs/hello.js";
import { FFDHE_GROUPS, ffdheLength, ffdhePrime, ffdhePublicValueProblem } from "../src/suites/ffdhe.js";
import { GROUP_VERSIONS, groupId, groupName } from "../src/suites/groups.js";
import { makePair, rejection, until } from "./_pair.js";
import { record, rewriteMessage } from "./_tamper.js";

const provider = nodeProvider();
const pki = await makeThrowawayPki({ keyType: "ec-p256" });
const p384 = await makeThrowawayPki({ keyType: "ec-p384" });
const client = (extra: Record<string, unknown> = {}) => ({ provider, serverName: "localhost", roots: pki.caPem, ...extra });
const server = (extra: Record<string, unknown> = {}) => ({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem, ...extra });

const BITS: Readonly<Record<FfdheGroupName, number>> = { ffdhe2048: 2048, ffdhe3072: 3072, ffdhe4096: 4096, ffdhe6144: 6144, ffdhe8192: 8192 };
/** RFC 7919 Appendix A: the X of each group's formula. */
const X: Readonly<Record<FfdheGroupName, bigint>> = { ffdhe2048: 560316n, ffdhe3072: 2625351n, ffdhe4096: 5736041n, ffdhe6144: 15705020n, ffdhe8192: 10965728n };

const big = (b: Uint8Array): bigint => BigInt(`0x${toHex(b) || "0"}`);
const bytesOf = (n: bigint, length: number): Uint8Array => fromHex(n.toString(16).padStart(length * 2, "0"));
function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  for (let b = base % mod, e = exp; e > 0n; e >>= 1n, b = (b * b) % mod) if (e & 1n) r = (r * b) % mod;
  return r;
}

/** floor(2^n * e), from the series e = sum 1/k!, with 64 guard bits (each term's truncation costs < 1 ulp). */
function eTimes2ToThe(n: number): bigint {
  const guard = 64n;
  let term = 1n << (BigInt(n) + guard);
  let sum = 0n;
  for (let k = 1n; term > 0n; k++) {
    sum += term;
    term /= k;
  }
  return sum >> guard;
}

// ---------------------------------------------------------------------------------------------
const primes = suite("RFC 7919 primes");

primes("each prime is 2^b - 2^(b-64) + (floor(2^(b-130) e) + X) * 2^64 - 1, RFC 7919 Appendix A", () => {
  const e = eTimes2ToThe(8192 - 130);
  for (const g of FFDHE_GROUPS) {
    const b = BITS[g];
    const eb = e >> BigInt(8192 - b); // floor(2^(b-130) e)
    const p = (1n << BigInt(b)) - (1n << BigInt(b - 64)) + (eb + X[g]) * (1n << 64n) - 1n;
    const data = ffdhePrime(g);
    assert.is(data.length, b / 8, g);
    assert.is(ffdheLength(g), b / 8, g);
    assert.is(big(data), p, g);
    // Top and bottom 64 bits all ones; generator 2 generates the prime-order subgroup (p = 7 mod 8).
    assert.is(toHex(data.subarray(0, 8)), "ff".repeat(8), g);
    assert.is(toHex(data.subarray(-8)), "ff".repeat(8), g);
    assert.is(p % 8n, 7n, g);
  }
});

primes("p and q = (p-1)/2 are (probable) primes: ffdhe2048 and ffdhe3072 here, the larger ones by the formula above", async () => {
  const { checkPrimeSync } = await import("node:crypto");
  for (const g of ["ffdhe2048", "ffdhe3072"] as const) {
    const p = big(ffdhePrime(g));
    assert.ok(checkPrimeSync(p, { checks: 2 }), `${g}: p`);
    assert.ok(checkPrimeSync((p - 1n) / 2n, { checks: 2 }), `${g}: q`);
  }
});

primes("the primes equal OpenSSL's named groups (openssl genpkey -genparam -pkeyopt group:ffdheN)", () => {
  const probe = spawnSync("openssl", ["version"], { encoding: "utf8" });
  if (probe.status !== 0) return; // no openssl binary: the formula above is the check
  for (const g of FFDHE_GROUPS) {
    // OpenSSL 3.0 writes PEM "DH PARAMETERS" here whatever -outform says.
    const params = spawnSync("openssl", ["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", `group:${g}`], { timeout: 10_000, encoding: "utf8" });
    assert.is(params.status, 0, g);
    // DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER }: the prime follows its INTEGER header.
    const der = decodePem(params.stdout).find((b) => b.label === "DH PARAMETERS")!.der;
    const at = toHex(der).indexOf(`00${toHex(ffdhePrime(g))}`);
    assert.ok(at > 0, `${g}: OpenSSL's prime is ours`);
    assert.is(toHex(der.subarray(-3)), "020102", `${g}: generator 2`);
  }
});

primes("the prime table is not writable through ffdhePrime()", () => {
  const p = ffdhePrime("ffdhe2048");
  p[0] = 0;
  assert.is(ffdhePrime("ffdhe2048")[0], 0xff);
});

// ---------------------------------------------------------------------------------------------
const shares = suite("FFDHE and X448 key shares (node provider)");

shares("the provider has x448 and all five ffdhe groups; WebCrypto has neither", async () => {
  for (const g of ["x448", ...FFDHE_GROUPS] as const) assert.ok(provider.supports.groups.includes(g), g);
  const web = await webcryptoProvider();
  assert.not.ok(web.supports.groups.some((g) => g === "x448" || g.startsWith("ffdhe")));
  const e = await rejection(buildClientConfig({ provider: web, serverName: "localhost", roots: pki.caPem, groups: ["ffdhe2048"] }));
  assert.instance(e, ConfigError);
  assert.match(e.message, /group ffdhe2048 is not available from provider "webcrypto"/);
});

shares("node's DH SubjectPublicKeyInfo holds Y as a minimal INTEGER; a padded Y goes back in as the same key", () => {
  const { splitSpki, joinSpki } = spkiForTests;
  for (const g of ["ffdhe2048", "ffdhe3072"] as const) {
    const pair = (generateKeyPairSync as unknown as (t: "dh", o: { prime: Buffer; generator: number }) => { publicKey: KeyObject })("dh", { prime: Buffer.from(ffdhePrime(g)), generator: 2 });
    const spki = new Uint8Array(pair.publicKey.export({ format: "der", type: "spki" }));
    const { algorithm, y } = splitSpki(spki);
    assert.ok(y.length <= ffdheLength(g) && y[0] !== 0, g);
    const again = joinSpki(algorithm, leftPad(y, ffdheLength(g)));
    assert.is(toHex(again), toHex(spki), g);
    const reexported = createPublicKey({ key: Buffer.from(again), format: "der", type: "spki" }).export({ format: "der", type: "spki" });
    assert.is(toHex(new Uint8Array(reexported)), toHex(spki), g);
  }
  // 2^100: 13 bytes in the SPKI, 256 on the wire.
  const small = ffdheShare("ffdhe2048", new Uint8Array([100]));
  assert.is(small.publicKey.length, 256);
  assert.is(splitSpki(joinSpki(new Uint8Array([0x30, 0]), small.publicKey)).y.length, 13);
});

shares("Y is left-padded to the prime's length (RFC 8446 4.2.8.1), and so is Z (RFC 8446 7.4.1)", async () => {
  for (const g of FFDHE_GROUPS) {
    const n = ffdheLength(g);
    // x = 100: Y = 2^100, 13 bytes before padding.
    const small = ffdheShare(g, new Uint8Array([100]));
    assert.is(small.publicKey.length, n, g);
    assert.is(big(small.publicKey), 1n << 100n, g);
    // Z = Y_peer^x: with Y_peer = 2, Z = 2^100 again, 243 leading zero bytes at 2048 bits.
    const z = await small.agree(leftPad(new Uint8Array([2]), n));
    assert.is(z.length, n, g);
    assert.is(big(z), 1n << 100n, g);
    assert.ok(z.subarray(0, n - 13).every((b) => b === 0), g);
  }
});

shares("known answer: x = 0x0123..., Y_peer = 2^200 mod p gives Z = 2^(200 x) mod p", async () => {
  const x = fromHex("0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  for (const g of ["ffdhe2048", "ffdhe4096"] as const) {
    const p = big(ffdhePrime(g));
    const n = ffdheLength(g);
    const ours = ffdheShare(g, x);
    assert.is(big(ours.publicKey), modPow(2n, big(x), p), `${g}: Y = 2^x mod p`);
    const z = await ours.agree(bytesOf(modPow(2n, 200n, p), n));
    assert.is(toHex(z), toHex(bytesOf(modPow(2n, 200n * big(x), p), n)), g);
  }
});

shares("fresh shares agree, with Y and Z of the prime's length, over many key pairs (a short Y or Z would show)", async () => {
  for (let i = 0; i < 300; i++) {
    const [a, b] = [await provider.keyShare("ffdhe2048"), await provider.keyShare("ffdhe2048")];
    assert.is(a.publicKey.length, 256);
    const [ab, ba] = [await a.agree(b.publicKey), await b.agree(a.publicKey)];
    assert.is(ab.length, 256);
    assert.is(toHex(ab), toHex(ba));
  }
});

shares("peer values outside 1 < Y < p-1, or not the prime's length, are rejected; 2 and 2^(b-1) are accepted", async () => {
  for (const g of FFDHE_GROUPS) {
    const p = ffdhePrime(g);
    const n = p.length;
    const pBig = big(p);
    const bad: [string, Uint8Array][] = [
      ["Y = 0", new Uint8Array(n)],
      ["Y = 1", bytesOf(1n, n)],
      ["Y = p-1", bytesOf(pBig - 1n, n)],
      ["Y = p", p],
      ["Y = 2^b - 1", new Uint8Array(n).fill(0xff)],
      ["one byte short", bytesOf(2n, n - 1)],
      ["one byte long", bytesOf(2n, n + 1)],
      ["empty", new Uint8Array(0)],
    ];
    const share = await provider.keyShare(g);
    for (const [what, y] of bad) {
      assert.ok(ffdhePublicValueProblem(g, y) !== null, `${g} ${what}`);
      await rejection(share.agree(y)).then((e) => assert.instance(e, TypeError, `${g} ${what}`));
    }
    // The range check passes p-2; OpenSSL 3.0's full validation then refuses it (outside the prime-order
    // subgroup), OpenSSL 3.5 takes it. 2 and 2^(b-1) are in the subgroup (2 is a square mod p).
    assert.is(ffdhePublicValueProblem(g, bytesOf(pBig - 2n, n)), null, g);
    for (const y of [bytesOf(2n, n), bytesOf(1n << BigInt(8 * n - 1), n)]) {
      assert.is(ffdhePublicValueProblem(g, y), null, g);
      assert.is((await share.agree(y)).length, n, g);
    }
  }
  assert.match(ffdhePublicValueProblem("ffdhe2048", new Uint8Array(255))!, /255 bytes, not the prime's 256/);
});

shares("x448: 56-byte shares that agree; u = 0 and u = 1 (small order, all-zero output) are rejected", async () => {
  const [a, b] = [x448Share(), await provider.keyShare("x448")];
  assert.is(a.publicKey.length, 56);
  assert.is(toHex(await a.agree(b.publicKey)), toHex(await b.agree(a.publicKey)));
  for (const u of [new Uint8Array(56), concat(new Uint8Array([1]), new Uint8Array(55)), new Uint8Array(32), new Uint8Array(57)]) {
    assert.instance(await rejection(a.agree(u)), TypeError);
  }
});

// ---------------------------------------------------------------------------------------------
// Crafted hellos: the exact alert for each bad value.

interface Scripted {
  sent: Uint8Array[];
}
const lastPlainAlert = (sent: Uint8Array[]): number | undefined => {
  const last = sent[sent.length - 1];
  return last && last[0] === 21 ? last[6] : undefined;
};
const plainHandshakeTypes = (sent: Uint8Array[]): number[] => sent.filter((r) => r[0] === 22).map((r) => r[5]!);

const serverConfig = await buildServerConfig(server());
function scriptedServer(config = serverConfig): Scripted & { conn: ServerConnection } {
  const sent: Uint8Array[] = [];
  const conn = new ServerConnection(config, { transmit: (b) => void sent.push(b) });
  conn.start();
  return { conn, sent };
}

function clientHello13(groups: number[], shares: { group: number; keyExchange: Uint8Array }[]): Uint8Array {
  const extensions: Extension[] = [
    { type: 10, data: encodeU16List(groups) },
    { type: 13, data: encodeU16List([0x0403]) },
    { type: 43, data: encodeSupportedVersionsClient([0x0304]) },
    { type: 51, data: encodeKeyShareClient(shares) },
  ];
  const message = frameHandshake(1, encodeClientHello({ random: provider.random(32), legacySessionId: new Uint8Array(0), cipherSuites: [0x1301], extensions }));
  return record(22, message);
}

const crafted = suite("crafted FFDHE and X448 shares meet the exact alert");

const BAD_FFDHE: [string, (p: Uint8Array) => Uint8Array][] = [
  ["Y = 0", (p) => new Uint8Array(p.length)],
  ["Y = 1", (p) => bytesOf(1n, p.length)],
  ["Y = p-1", (p) => bytesOf(big(p) - 1n, p.length)],
  ["Y = p", (p) => p],
  ["255 bytes", (p) => bytesOf(2n, p.length - 1)],
  ["257 bytes", (p) => bytesOf(2n, p.length + 1)],
];

crafted("server: a ClientHello's ffdhe2048 share with Y = 0, 1, p-1, p or the wrong length is illegal_parameter", async () => {
  const p = ffdhePrime("ffdhe2048");
  for (const [what, y] of BAD_FFDHE) {
    const s = scriptedServer();
    s.conn.receive(clientHello13([0x0100], [{ group: 0x0100, keyExchange: y(p) }]));
    const e = (await rejection(s.conn.handshake)) as TlsError;
    assert.instance(e, TlsError, what);
    assert.is(e.alert, "illegal_parameter", what);
    assert.match(e.message, /InvalidKeyShare/, what);
    assert.is(lastPlainAlert(s.sent), 47, what);
    assert.equal(plainHandshakeTypes(s.sent), [], `${what}: no ServerHello before the alert`);
  }
});

crafted("server: Y = 2 and Y = 2^2047 are answered with a ServerHello for ffdhe2048", async () => {
  for (const y of [2n, 1n << 2047n]) {
    const s = scriptedServer();
    s.conn.receive(clientHello13([0x0100], [{ group: 0x0100, keyExchange: bytesOf(y, 256) }]));
    await until(() => s.sent.length > 0, 5000, "the ServerHello");
    assert.equal(plainHandshakeTypes(s.sent), [2]);
    assert.is(s.conn.failure, null);
    s.conn.destroy();
  }
});

crafted("server: an x448 share of u = 0 is illegal_parameter; of 55 bytes too", async () => {
  for (const u of [new Uint8Array(56), new Uint8Array(55)]) {
    const s = scriptedServer();
    s.conn.receive(clientHello13([0x001e], [{ group: 0x001e, keyExchange: u }]));
    const e = (await rejection(s.conn.handshake)) as TlsError;
    assert.is(e.alert, "illegal_parameter");
    assert.match(e.message, /InvalidKeyShare/);
    assert.is(lastPlainAlert(s.sent), 47);
  }
});

/** A client that sent one ffdhe2048 share, and a ServerHello answering it with `keyExchange`. */
async function clientMeetsServerShare(group: GroupName, keyExchange: Uint8Array): Promise<{ error: TlsError; sent: Uint8Array[] }> {
  const config = await buildClientConfig(client({ groups: [group] }));
  assert.equal([...config.keyShareGroups], [group]);
  const sent: Uint8Array[] = [];
  const c = new ClientConnection(config, { transmit: (b) => void sent.push(b) });
  c.start();
  await until(() => sent.length > 0, 5000, "the ClientHello");
  const sessionId = sent[0]!.subarray(5 + 4 + 2 + 32 + 1, 5 + 4 + 2 + 32 + 1 + 32);
  const w = new Writer().u16(0x0303).bytes(provider.random(32)).vec8(sessionId).u16(0x1301).u8(0);
  w.prefixed(2, (x) => {
    x.u16(43).vec16(new Uint8Array([3, 4]));
    x.u16(51).vec16(encodeKeyShareServer({ group: groupId(group), keyExchange }));
  });
  c.receive(record(22, frameHandshake(2, w.finish())));
  return { error: (await rejection(c.handshake)) as TlsError, sent };
}

crafted("client: a ServerHello's ffdhe2048 share with Y = 0, 1, p-1, p or the wrong length is illegal_parameter", async () => {
  const p = ffdhePrime("ffdhe2048");
  for (const [what, y] of BAD_FFDHE) {
    const { error, sent } = await clientMeetsServerShare("ffdhe2048", y(p));
    assert.is(error.alert, "illegal_parameter", what);
    assert.match(error.message, /InvalidKeyShare/, what);
    assert.is(lastPlainAlert(sent), 47, what);
  }
});

crafted("client: a ServerHello's x448 share of u = 1 is illegal_parameter", async () => {
  const { error, sent } = await clientMeetsServerShare("x448", concat(new Uint8Array([1]), new Uint8Array(55)));
  assert.is(error.alert, "illegal_parameter");
  assert.is(lastPlainAlert(sent), 47);
});

// ---------------------------------------------------------------------------------------------
const negotiation = suite("negotiating X448 and FFDHE");

for (const g of ["x448", ...FFDHE_GROUPS] as const) {
  negotiation(`${g}: TLS 1.3 handshake and data, the server's group`, async () => {
    const { client: c, server: s } = await makePair(client({ groups: [g] }), server());
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal([c.conn.info.version, c.conn.info.group, s.conn.info.group, c.conn.info.helloRetryRequest], ["TLSv1.3", g, g, false]);
    await c.conn.write(new Uint8Array([1, 2, 3]));
    await until(() => s.data().length === 3);
  });
}

negotiation("the default client offers x448 and the ffdhe groups last, and sends no ffdhe key share", async () => {
  const c = await buildClientConfig(client());
  const groups = [...c.groups];
  assert.equal(groups.slice(-6), ["x448", "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"]);
  // The existing order is unchanged: the classical curves keep their places ahead of the new groups.
  assert.equal(groups.filter((g) => !g.includes("MLKEM")).slice(0, 4), ["secp256r1", "x25519", "secp384r1", "secp521r1"]);
  assert.not.ok(c.keyShareGroups.some((g) => g === "x448" || g.startsWith("ffdhe")));
  // Only FFDHE configured: then the first one gets the share (no pointless HelloRetryRequest).
  assert.equal([...(await buildClientConfig(client({ groups: ["ffdhe3072", "ffdhe2048"] }))).keyShareGroups], ["ffdhe3072"]);
  assert.equal([...(await buildClientConfig(client({ groups: ["ffdhe2048", "secp384r1"] }))).keyShareGroups], ["secp384r1"]);
});

negotiation("HelloRetryRequest to ffdhe2048: the client's P-256 share, a server that takes only ffdhe2048", async () => {
  const { client: c, server: s } = await makePair(client(), server({ groups: ["ffdhe2048"] }));
  await Promise.all([c.conn.handshake, s.conn.handshake]);
  assert.equal([c.conn.info.group, c.conn.info.helloRetryRequest, s.conn.info.helloRetryRequest], ["ffdhe2048", true, true]);
});

negotiation("HelloRetryRequest for the server's best mutual group, FFDHE included, when the client's share is for a group the server does not take", async () => {
  for (const [serverGroups, expected] of [
    [["ffdhe4096", "x448"], "ffdhe4096"],
    [["x448", "ffdhe4096"], "x448"],
  ] as const) {
    const { client: c, server: s } = await makePair(client({ groups: ["x25519", "ffdhe2048", "ffdhe4096", "x448"], keyShareGroups: ["x25519"] }), server({ groups: serverGroups }));
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal([s.conn.info.group, s.conn.info.helloRetryRequest], [expected, true], serverGroups.join());
  }
});

negotiation("a crafted ClientHello offering ffdhe3072, x448 and P-256 with a P-256 share: the default server takes the share; one taking only ffdhe3072 and x448 retries for ffdhe3072", async () => {
  const p256 = await provider.keyShare("secp256r1");
  const s = scriptedServer();
  s.conn.receive(clientHello13([0x0101, 0x001e, 0x0017], [{ group: 0x0017, keyExchange: p256.publicKey }]));
  await until(() => s.sent.length > 0, 5000, "the answer");
  // A ServerHello with the share for secp256r1: the default server takes the share it got.
  assert.equal(plainHandshakeTypes(s.sent), [2]);
  s.conn.destroy();
  const retrying = scriptedServer(await buildServerConfig(server({ groups: ["ffdhe3072", "x448"] })));
  retrying.conn.receive(clientHello13([0x0101, 0x001e, 0x0017], [{ group: 0x0017, keyExchange: p256.publicKey }]));
  await until(() => retrying.sent.length > 0, 5000, "the HelloRetryRequest");
  const hrr = retrying.sent.find((r) => r[0] === 22)!;
  // HelloRetryRequest's key_share carries just the selected group: ...0033 0002 0101.
  assert.match(toHex(hrr), /003300020101/);
  retrying.conn.destroy();
});

negotiation("TLS 1.2 never negotiates an FFDHE group: the server picks an ECDHE curve, or none", async () => {
  // A client offering ffdhe2048 first, to a TLS 1.2-only server: secp256r1.
  const { client: c } = await makePair(client({ groups: ["ffdhe2048", "secp256r1"] }), server({ maxVersion: "TLSv1.2" }));
  await c.conn.handshake;
  assert.equal([c.conn.info.version, c.conn.info.group], ["TLSv1.2", "secp256r1"]);
  // Only FFDHE offered: no group (handshake_failure), not an FFDHE "curve".
  const only = await makePair(client({ groups: ["ffdhe2048"] }), server({ maxVersion: "TLSv1.2" }));
  const e = (await rejection(only.server.conn.handshake)) as TlsError;
  assert.is(e.alert, "handshake_failure");
  assert.match(e.message, /NoGroupMatch/);
  // A TLS 1.2-only config cannot even ask for one.
  const ce = await rejection(buildClientConfig(client({ maxVersion: "TLSv1.2", groups: ["ffdhe2048"] })));
  assert.instance(ce, ConfigError);
  assert.match(ce.message, /ffdhe2048 cannot be used/);
  assert.equal(GROUP_VERSIONS.ffdhe2048, ["TLSv1.3"]);
});

negotiation("TLS 1.2: a ServerKeyExchange naming ffdhe2048 is illegal_parameter at the client (RFC 8422 has no such curve)", async () => {
  const tamper = rewriteMessage("s2c", 12, (body) => {
    const out = body.slice();
    out.set([0x01, 0x00], 1); // curve_type named_curve (3), then the NamedGroup
    return out;
  });
  const { client: c } = await makePair(client(), server({ maxVersion: "TLSv1.2" }), { tamper });
  const e = (await rejection(c.conn.handshake)) as TlsError;
  assert.is(e.alert, "illegal_parameter");
  assert.match(e.message, /SelectedUnofferedGroup/);
  assert.is(groupName(0x0100), "ffdhe2048");
});

negotiation("TLS 1.2 ECDHE over x448 (RFC 8422)", async () => {
  const { client: c, server: s } = await makePair(client({ groups: ["x448"], maxVersion: "TLSv1.2" }), server());
  await Promise.all([c.conn.handshake, s.conn.handshake]);
  assert.equal([c.conn.info.version, c.conn.info.group], ["TLSv1.2", "x448"]);
});

// ---------------------------------------------------------------------------------------------
const policies = suite("X448 and FFDHE under the policies");

policies("fips-140-3: ffdhe2048 negotiates; x448 is a ConfigError naming the rule", async () => {
  const { client: c, server: s } = await makePair(client({ policy: "fips-140-3", groups: ["ffdhe2048"] }), server({ policy: "fips-140-3" }));
  await Promise.all([c.conn.handshake, s.conn.handshake]);
  assert.equal([c.conn.info.group, c.conn.info.version], ["ffdhe2048", "TLSv1.3"]);
  const e = (await rejection(buildClientConfig(client({ policy: "fips-140-3", groups: ["x448"] })))) as ConfigError;
  assert.instance(e, ConfigError);
  assert.is(e.item, "x448");
  assert.match(e.message, /group x448 is refused by policy fips-140-3-20261201: not approved for key agreement: SP 800-56Ar3 approves the NIST P-curves and the finite-field groups, not X25519 or X448 \(NIST SP 800-56Ar3; NIST SP 800-52r2 §3\.4\.2\.2\)/);
  const old = (await rejection(buildClientConfig(client({ policy: "fips-140-3-20261130", groups: ["ffdhe2048"] })))) as ConfigError;
  assert.is(old.item, "ffdhe2048");
  assert.match(old.message, /refused by policy fips-140-3-20261130: stricter than NIST SP 800-52r2 §3\.4\.2\.2/);
});

policies("cnsa: ffdhe3072 negotiates (after a HelloRetryRequest from a P-384 share); ffdhe2048 is refused below 3072 bits", async () => {
  const { client: c, server: s } = await makePair(
    client({ policy: "cnsa", roots: p384.caPem }),
    { provider, certificateChain: p384.certPem, privateKey: p384.keyPem, policy: "cnsa", groups: ["ffdhe3072"] },
  );
  await Promise.all([c.conn.handshake, s.conn.handshake]);
  assert.equal([c.conn.info.group, c.conn.info.helloRetryRequest, c.conn.info.cipherSuite], ["ffdhe3072", true, "TLS_AES_256_GCM_SHA384"]);
  const e = (await rejection(buildClientConfig(client({ policy: "cnsa", groups: ["ffdhe2048"] })))) as ConfigError;
  assert.is(e.item, "ffdhe2048");
  assert.match(e.message, /below CNSA 1\.0's 3072-bit minimum for DH \(RFC 9151 §4\.1\)/);
});

policies("the superseded default ids keep refusing X448 and FFDHE", async () => {
  for (const id of ["default-20261130-pq", "default-20261130", "default-20261127"]) {
    const e = (await rejection(buildClientConfig(client({ policy: id, groups: ["x448"] })))) as ConfigError;
    assert.match(e.message, new RegExp(`refused by policy ${id}: not in this policy version`));
    const c = await buildClientConfig(client({ policy: id }));
    assert.not.ok(c.groups.some((g) => g === "x448" || g.startsWith("ffdhe")), id);
  }
});

primes.run();
shares.run();
crafted.run();
negotiation.run();
policies.run();
