// RFC 8446's rules for the TLS 1.3 handshake messages (sections 4.1 to 4.6, 5 and D.4), checked byte by
// byte against the sans-IO connections, from both sides: hellos crafted here and fed to a scripted
// connection, or a real fipstls peer whose messages are replaced as it sends them (so what it sends after
// its ServerHello goes out under its real keys). Each case asserts the alert the conforming side sent (in
// the clear before keys, else as the peer received it) and the reason of its typed error.
// Helpers: test/_rfc8446.ts.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildServerConfig } from "../src/config/server.js";
import { buildClientConfig } from "../src/config/client.js";
import { concat, equalBytes } from "../src/codec/bytes.js";
import { Writer } from "../src/codec/writer.js";
import {
  decodeCertificate,
  decodeCertificateVerify,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeEncryptedExtensions,
  frameHandshake,
} from "../src/msgs/handshake.js";
import { DOWNGRADE_TLS11, DOWNGRADE_TLS12, HRR_RANDOM, decodeClientHello, decodeServerHello } from "../src/msgs/hello.js";
import { type Extension, decodeKeyShareClient, decodeU16List, encodeAlpn, encodeCookie, encodeU16List, writeExtensions } from "../src/msgs/extensions.js";
import { until } from "./_pair.js";
import { record } from "./_tamper.js";
import {
  ALERT,
  HANDSHAKE,
  type ClientHelloFields,
  certificateWith,
  type Scripted,
  TLS13,
  clientHelloMessage,
  clientHellos,
  clientOptions,
  established,
  failsWith,
  instead,
  lastPlainAlert,
  outbound,
  pair,
  peerReceived,
  pki,
  provider,
  scriptedClient,
  scriptedServer,
  selectedGroup,
  serverHelloFor,
  serverOptions,
  serverShare,
  sessionIdOf,
  settle,
  share,
} from "./_rfc8446.js";

const p384 = await provider.keyShare("secp384r1");
/** Asks for P-384 with a HelloRetryRequest when the first hello shares P-256 only. */
const retrying = await buildServerConfig({ ...serverOptions, groups: ["secp384r1", "secp256r1"], preferGroupOverShare: true });
/** Offers P-256 and P-384 and two suites, with a share for P-256 only: a HelloRetryRequest may ask for P-384. */
const twoGroups = await buildClientConfig({
  ...clientOptions,
  cipherSuites: ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"],
  groups: ["secp256r1", "secp384r1"],
  keyShareGroups: ["secp256r1"],
});

/** The body of the first handshake message in a plaintext handshake record. */
const firstBody = (r: Uint8Array): Uint8Array => r.subarray(9, 9 + ((r[6]! << 16) | (r[7]! << 8) | r[8]!));
const isServerHello = (r: Uint8Array): boolean => r[0] === 22 && r[5] === HANDSHAKE.ServerHello;
const isHrr = (r: Uint8Array): boolean => isServerHello(r) && equalBytes(r.subarray(11, 43), HRR_RANDOM);
const CCS_RECORD = new Uint8Array([20, 3, 3, 0, 1, 1]);
const isCcs = (r: Uint8Array): boolean => r[0] === 20;

/** Asserts a scripted peer ended with `alert` (`reason`) and sent it in the clear as its last record. */
async function plainFailure(s: Scripted, alert: keyof typeof ALERT, reason: string | RegExp, what: string): Promise<void> {
  await failsWith(s.conn, alert, reason);
  assert.is(lastPlainAlert(s.sent), ALERT[alert], `${what}: the ${alert} alert in the clear`);
}

/** A scripted server that answered a first hello sharing P-256 only with a HelloRetryRequest for P-384. */
async function serverAfterRetry(first: ClientHelloFields = {}): Promise<{ s: Scripted; random: Uint8Array }> {
  const s = scriptedServer(retrying);
  const random = provider.random(32);
  s.conn.receive(record(22, clientHelloMessage({ random, groups: [0x17, 0x18], ...first })));
  await until(() => s.sent.some(isHrr), 5000, "the HelloRetryRequest");
  return { s, random };
}

/** A scripted client (twoGroups) that received a HelloRetryRequest for P-384 and sent its second hello. */
async function clientAfterRetry(): Promise<Scripted> {
  const c = await scriptedClient(twoGroups);
  c.conn.receive(serverHelloFor(c, HRR_RANDOM, [TLS13, selectedGroup(0x18)]));
  await until(() => clientHellos(c).length === 2, 5000, "the second ClientHello");
  return c;
}

const t = suite("RFC 8446 handshake");

// ===================================== §4.1.2, §4.2.8: the server reads a ClientHello =====================================

t("§4.1.2 server: legacy_compression_methods other than exactly [null] is illegal_parameter; an empty list does not parse", async () => {
  for (const methods of [[1], [0, 1], [1, 0], [0, 0], [64]]) {
    const s = scriptedServer();
    s.conn.receive(record(22, clientHelloMessage({ compressionMethods: methods })));
    await plainFailure(s, "illegal_parameter", "InvalidCompressionMethods", `[${methods}]`);
    assert.not.ok(s.sent.some(isServerHello), "no ServerHello");
  }
  // compression_methods<1..2^8-1>: an empty vector is out of its range (RFC 8446 6: decode_error).
  const empty = scriptedServer();
  empty.conn.receive(record(22, clientHelloMessage({ compressionMethods: [] })));
  await plainFailure(empty, "decode_error", /compression|ClientHello/, "[]");
  // In a retried hello too.
  const { s, random } = await serverAfterRetry();
  s.conn.receive(record(22, clientHelloMessage({ random, groups: [0x17, 0x18], share: { group: 0x18, keyExchange: p384.publicKey }, compressionMethods: [0, 1] })));
  await plainFailure(s, "illegal_parameter", "InvalidCompressionMethods", "second hello");
});

t("§4.1.2 server: a second ClientHello that changes the session id, or does not carry exactly one share for the retry's group, is illegal_parameter", async () => {
  const p384Share = { group: 0x18, keyExchange: p384.publicKey };
  const p256Share = { group: 0x17, keyExchange: share.publicKey };
  const cases: [string, ClientHelloFields, string][] = [
    ["another session id", { share: p384Share, sessionId: provider.random(32) }, "SessionIdChangedAfterRetry"],
    ["no session id", { share: p384Share, sessionId: new Uint8Array(0) }, "SessionIdChangedAfterRetry"],
    ["a share for the first hello's group", { share: p256Share }, "RetriedHelloDoesNotMatch"],
    ["two shares, one for the retry's group", { share: [p384Share, p256Share] }, "RetriedHelloDoesNotMatch"],
    ["another cipher suite", { share: p384Share, cipherSuites: [0x1302] }, "RetriedHelloDoesNotMatch"],
  ];
  for (const [name, second, reason] of cases) {
    const { s, random } = await serverAfterRetry();
    s.conn.receive(record(22, clientHelloMessage({ random, groups: [0x17, 0x18], ...second })));
    await plainFailure(s, "illegal_parameter", reason, name);
  }
  // The second hello as it must be is answered with a ServerHello.
  const { s, random } = await serverAfterRetry();
  s.conn.receive(record(22, clientHelloMessage({ random, groups: [0x17, 0x18], share: p384Share })));
  await until(() => s.sent.some((r) => isServerHello(r) && !isHrr(r)), 5000, "the ServerHello");
  assert.is(s.conn.failure, null);
  s.conn.destroy();
});

t("§4.2.8 server: a share for a group not in supported_groups, or two shares for one group, is illegal_parameter", async () => {
  const p384Share = { group: 0x18, keyExchange: p384.publicKey };
  const p256Share = { group: 0x17, keyExchange: share.publicKey };
  const cases: [string, ClientHelloFields, string][] = [
    ["a P-384 share, only P-256 listed", { groups: [0x17], share: p384Share }, "KeyShareForUnlistedGroup"],
    ["P-256 and P-384 shares, only P-256 listed", { groups: [0x17], share: [p256Share, p384Share] }, "KeyShareForUnlistedGroup"],
    ["two P-256 shares", { groups: [0x17, 0x18], share: [p256Share, p256Share] }, "DuplicateKeyShare"],
    ["P-256, P-384, P-256 again", { groups: [0x17, 0x18], share: [p256Share, p384Share, p256Share] }, "DuplicateKeyShare"],
  ];
  for (const [name, hello, reason] of cases) {
    const s = scriptedServer();
    s.conn.receive(record(22, clientHelloMessage(hello)));
    await plainFailure(s, "illegal_parameter", reason, name);
  }
});

// ===================================== §4.2.1: supported_versions at the server =====================================

t("§4.2.1 server: unknown, draft and GREASE versions in supported_versions are ignored; a list of only those is protocol_version", async () => {
  const tls13Lists = [
    [0x0a0a, 0x7f1c, 0x0304],
    [0x0304, 0x0305, 0xfafa],
    [0x7f17, 0x0303, 0x0304, 0x1a1a],
    [0x0305, 0x0304],
  ];
  for (const versions of tls13Lists) {
    const s = scriptedServer();
    s.conn.receive(record(22, clientHelloMessage({ versions })));
    await until(() => s.sent.some(isServerHello), 5000, "the ServerHello");
    assert.is(s.conn.failure, null, `${versions.map((v) => v.toString(16))}: ${s.conn.failure?.message}`);
    const sh = decodeServerHello(firstBody(s.sent.find(isServerHello)!));
    assert.equal([...sh.extensions.get(43)!], [3, 4], "selected_version TLS 1.3");
    assert.is(sh.legacyVersion, 0x0303);
    s.conn.destroy();
  }
  // Nothing we know: the server must not pick a version the client did not list (NoCommonVersion while
  // TLS 1.2 is enabled, ClientDoesNotSupportTls13 on a TLS 1.3-only server).
  const s = scriptedServer();
  s.conn.receive(record(22, clientHelloMessage({ versions: [0x0a0a, 0x7f1c, 0x7f17, 0x0305, 0xfafa] })));
  await plainFailure(s, "protocol_version", "NoCommonVersion", "only unknown versions");
  const tls13Only = await buildServerConfig({ ...serverOptions, minVersion: "TLSv1.3" });
  const only12 = scriptedServer(tls13Only);
  only12.conn.receive(record(22, clientHelloMessage({ versions: [0x0a0a, 0x0303, 0x0305] })));
  await plainFailure(only12, "protocol_version", "ClientDoesNotSupportTls13", "TLS 1.2 and unknown versions, to a TLS 1.3-only server");
});

t("§4.2.1/§4.1.3 server: TLS 1.2 chosen from supported_versions [GREASE, 0x0303] answers without supported_versions and marks its random DOWNGRD\\x01", async () => {
  const s = scriptedServer();
  const tls12Extensions: Extension[] = [
    { type: 11, data: new Uint8Array([1, 0]) }, // ec_point_formats: uncompressed
    { type: 23, data: new Uint8Array(0) }, // extended_master_secret
    { type: 0xff01, data: new Uint8Array([0]) }, // renegotiation_info
  ];
  s.conn.receive(record(22, clientHelloMessage({ versions: [0x0a0a, 0x0303, 0x7f1c], cipherSuites: [0x1301, 0xc02b], extra: tls12Extensions })));
  await until(() => s.sent.some(isServerHello), 5000, "the ServerHello");
  assert.is(s.conn.failure, null, s.conn.failure?.message);
  const sh = decodeServerHello(firstBody(s.sent.find(isServerHello)!));
  assert.is(sh.legacyVersion, 0x0303);
  assert.is(sh.cipherSuite, 0xc02b);
  assert.not.ok(sh.extensions.has(43), "no supported_versions in a TLS 1.2 ServerHello");
  assert.equal([...sh.random.subarray(24)], [...DOWNGRADE_TLS12], "the last 8 bytes of the random are DOWNGRD\\x01");
  s.conn.destroy();
});

t("§4.2.1/§4.1.2 server: legacy_version is ignored when supported_versions is present (0x0301, 0x0302, 0x0304)", async () => {
  for (const legacyVersion of [0x0301, 0x0302, 0x0304]) {
    const s = scriptedServer();
    s.conn.receive(record(22, clientHelloMessage({ legacyVersion })));
    await until(() => s.sent.some(isServerHello), 5000, "the ServerHello");
    assert.is(s.conn.failure, null, s.conn.failure?.message);
    assert.equal([...decodeServerHello(firstBody(s.sent.find(isServerHello)!)).extensions.get(43)!], [3, 4]);
    s.conn.destroy();
  }
});

t("§5.1 legacy_record_version is ignored (0x0300..0x0302 on the first ClientHello and on the client's CCS); every record we send says 0x0303 but our first ClientHello", async () => {
  for (const version of [0x0300, 0x0301, 0x0302]) {
    const s = scriptedServer();
    const hello = record(22, clientHelloMessage());
    hello.set([version >> 8, version & 0xff], 1);
    s.conn.receive(hello);
    await until(() => s.sent.some(isServerHello), 5000, "the ServerHello");
    assert.is(s.conn.failure, null, s.conn.failure?.message);
    await settle();
    assert.ok(s.sent.every((r) => r[1] === 3 && r[2] === 3), "the server's records say 0x0303");
    s.conn.destroy();
  }
  // A whole handshake whose plaintext client records (the first ClientHello, the compatibility CCS) say 0x0301.
  const p = await established({
    c2s: (r) => (r[0] === 22 || r[0] === 20 ? concat(new Uint8Array([r[0]!, 3, 1]), r.subarray(3)) : r),
  });
  assert.ok(p.server.sent.every((r) => r[1] === 3 && r[2] === 3), "the server's records say 0x0303");
  assert.ok(p.client.sent.slice(1).every((r) => r[1] === 3 && r[2] === 3), "the client's records after its first ClientHello say 0x0303");
  assert.ok(p.client.sent[0]![1] === 3 && (p.client.sent[0]![2] === 1 || p.client.sent[0]![2] === 3), "the first ClientHello says 0x0301 or 0x0303");
});

// ===================================== §4.1.3: the client reads a ServerHello =====================================

t("§4.1.3 client: a legacy_session_id_echo that is not our session id is illegal_parameter (ServerHello and HelloRetryRequest)", async () => {
  const share256 = serverShare(0x17, (await provider.keyShare("secp256r1")).publicKey);
  const cases: [string, (ours: Uint8Array) => Uint8Array][] = [
    ["empty", () => new Uint8Array(0)],
    ["one bit flipped", (ours) => ours.map((b, i) => (i === 31 ? b ^ 1 : b))],
    ["truncated", (ours) => ours.slice(0, 31)],
  ];
  for (const [name, echo] of cases) {
    for (const random of [provider.random(32), HRR_RANDOM]) {
      const c = await scriptedClient(twoGroups);
      const ours = sessionIdOf(clientHellos(c)[0]!);
      assert.is(ours.length, 32, "a TLS 1.3 client sends a session id (D.4)");
      const extensions = random === HRR_RANDOM ? [TLS13, selectedGroup(0x18)] : [TLS13, share256];
      c.conn.receive(serverHelloFor(c, random, extensions, { sessionId: echo(ours) }));
      await plainFailure(c, "illegal_parameter", "SessionIdMismatch", name);
    }
  }
});

t("§4.1.3 client: a legacy_compression_method other than 0 is illegal_parameter (ServerHello and HelloRetryRequest)", async () => {
  const share256 = serverShare(0x17, (await provider.keyShare("secp256r1")).publicKey);
  for (const method of [1, 64, 255]) {
    const c = await scriptedClient();
    c.conn.receive(serverHelloFor(c, provider.random(32), [TLS13, share256], { compressionMethod: method }));
    await plainFailure(c, "illegal_parameter", "CompressionSelected", `method ${method}`);
  }
  const c = await scriptedClient(twoGroups);
  c.conn.receive(serverHelloFor(c, HRR_RANDOM, [TLS13, selectedGroup(0x18)], { compressionMethod: 1 }));
  await plainFailure(c, "illegal_parameter", "CompressionSelected", "HelloRetryRequest");
});

t("§4.1.3 client: a TLS 1.2 ServerHello whose random ends in DOWNGRD\\x01 or DOWNGRD\\x00 is illegal_parameter when we offered TLS 1.3; not otherwise", async () => {
  const suites = { cipherSuites: ["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] } as const;
  const both = await buildClientConfig({ ...clientOptions, ...suites });
  const tls12Only = await buildClientConfig({ ...clientOptions, cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"], maxVersion: "TLSv1.2" });
  const tls12Hello = (c: Scripted, tail: Uint8Array | null): Uint8Array =>
    serverHelloFor(c, tail === null ? provider.random(32) : concat(provider.random(24), tail), [
      { type: 0xff01, data: new Uint8Array([0]) }, // renegotiation_info
      { type: 23, data: new Uint8Array(0) }, // extended_master_secret
    ], { cipherSuite: 0xc02b });
  for (const [name, tail] of [["DOWNGRD\\x01", DOWNGRADE_TLS12], ["DOWNGRD\\x00", DOWNGRADE_TLS11]] as const) {
    const c = await scriptedClient(both);
    c.conn.receive(tls12Hello(c, tail));
    await plainFailure(c, "illegal_parameter", "DowngradeDetected", name);
  }
  // Without the sentinel, or from a client that did not offer TLS 1.3, the TLS 1.2 handshake goes on (it waits for the Certificate).
  for (const [name, config, tail] of [["no sentinel", both, null], ["TLS 1.2-only client", tls12Only, DOWNGRADE_TLS12]] as const) {
    const c = await scriptedClient(config);
    c.conn.receive(tls12Hello(c, tail));
    await settle(50);
    assert.is(c.conn.failure, null, `${name}: ${c.conn.failure?.message}`);
    c.conn.destroy();
  }
});

t("§4.2.1 client: a selected_version we did not offer (TLS 1.2 or older, a draft, a future version; TLS 1.3 to a TLS 1.2-only client) is illegal_parameter", async () => {
  const share256 = serverShare(0x17, (await provider.keyShare("secp256r1")).publicKey);
  const version = (v: number): Extension => ({ type: 43, data: new Uint8Array([v >> 8, v & 0xff]) });
  for (const v of [0x0303, 0x0302, 0x7f1c, 0x0305, 0x0a0a]) {
    const c = await scriptedClient();
    c.conn.receive(serverHelloFor(c, provider.random(32), [version(v), share256]));
    await plainFailure(c, "illegal_parameter", "SelectedUnofferedVersion", `0x${v.toString(16)}`);
  }
  const hrr = await scriptedClient(twoGroups);
  hrr.conn.receive(serverHelloFor(hrr, HRR_RANDOM, [version(0x0303), selectedGroup(0x18)]));
  await plainFailure(hrr, "illegal_parameter", "SelectedUnofferedVersion", "HelloRetryRequest with 0x0303");
  const tls12Only = await buildClientConfig({ ...clientOptions, cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"], maxVersion: "TLSv1.2" });
  const c = await scriptedClient(tls12Only);
  c.conn.receive(serverHelloFor(c, provider.random(32), [TLS13, share256]));
  await plainFailure(c, "illegal_parameter", "SelectedUnofferedVersion", "TLS 1.3 to a TLS 1.2-only client");
});

// ===================================== §4.1.4: the ServerHello after a HelloRetryRequest =====================================

t("§4.1.4 client: a ServerHello after a HelloRetryRequest that changes the cipher suite or drops TLS 1.3 is illegal_parameter", async () => {
  const share384 = serverShare(0x18, (await provider.keyShare("secp384r1")).publicKey);
  const cases: [string, Extension[], number, string][] = [
    ["TLS_AES_256_GCM_SHA384 (offered, but not the retry's suite)", [TLS13, share384], 0x1302, "CipherSuiteChangedAfterRetry"],
    ["no supported_versions", [share384], 0x1301, "VersionChangedAfterRetry"],
    ["supported_versions 0x0303", [{ type: 43, data: new Uint8Array([3, 3]) }, share384], 0x1301, "SelectedUnofferedVersion"],
  ];
  for (const [name, extensions, cipherSuite, reason] of cases) {
    const c = await clientAfterRetry();
    c.conn.receive(serverHelloFor(c, provider.random(32), extensions, { cipherSuite }));
    await plainFailure(c, "illegal_parameter", reason, name);
  }
});

t("§4.2.2/§4.1.2 client: the second ClientHello copies the HelloRetryRequest's cookie; a retry asking only for a cookie is answered", async () => {
  const cookie = provider.random(200);
  const cookieExt: Extension = { type: 44, data: encodeCookie(cookie) };
  for (const [name, extensions] of [["key_share and cookie", [TLS13, selectedGroup(0x18), cookieExt]], ["cookie only", [TLS13, cookieExt]]] as const) {
    const c = await scriptedClient(twoGroups);
    c.conn.receive(serverHelloFor(c, HRR_RANDOM, [...extensions]));
    await until(() => clientHellos(c).length === 2, 5000, `the second ClientHello (${name})`);
    assert.is(c.conn.failure, null, c.conn.failure?.message);
    const [first, second] = clientHellos(c).map((r) => decodeClientHello(firstBody(r)));
    assert.equal([...second!.extensions.get(44)!], [...encodeCookie(cookie)], `${name}: the cookie, copied`);
    assert.not.ok(first!.extensions.has(44));
    assert.equal([...second!.legacySessionId], [...first!.legacySessionId], `${name}: the session id kept`);
    assert.equal([...second!.random], [...first!.random], `${name}: the random kept`);
    c.conn.destroy();
  }
});

// ===================================== §4.2.8: the server's key_share at the client =====================================

t("§4.2.8 client: the ServerHello's share must be for a group we sent a share for (after a retry, the retry's); none at all is missing_extension", async () => {
  const share384 = serverShare(0x18, (await provider.keyShare("secp384r1")).publicKey);
  const share256 = serverShare(0x17, (await provider.keyShare("secp256r1")).publicKey);
  // We shared P-256 only: P-384 (listed, no share) and X25519 (never listed) are not ours to agree on.
  for (const [name, ext] of [["P-384", share384], ["X25519", serverShare(0x1d, provider.random(32))]] as const) {
    const c = await scriptedClient(twoGroups);
    c.conn.receive(serverHelloFor(c, provider.random(32), [TLS13, ext]));
    await plainFailure(c, "illegal_parameter", "KeyShareForUnofferedGroup", name);
  }
  // After a retry for P-384, the first hello's P-256 share is gone.
  const retried = await clientAfterRetry();
  const second = decodeClientHello(firstBody(clientHellos(retried)[1]!));
  assert.equal(decodeKeyShareClient(second.extensions.get(51)!).map((e) => e.group), [0x18], "the second hello: one share, for the retry's group (§4.1.2)");
  retried.conn.receive(serverHelloFor(retried, provider.random(32), [TLS13, share256]));
  await plainFailure(retried, "illegal_parameter", "KeyShareForUnofferedGroup", "P-256 after a retry for P-384");
  const none = await scriptedClient();
  none.conn.receive(serverHelloFor(none, provider.random(32), [TLS13]));
  await plainFailure(none, "missing_extension", "MissingKeyShare", "no key_share");
});

// ===================================== §4.2: extensions nobody asked for =====================================

t("§4.2 client: an extension we did not offer in a ServerHello or HelloRetryRequest is unsupported_extension", async () => {
  const share256 = serverShare(0x17, (await provider.keyShare("secp256r1")).publicKey);
  const cases: [string, Uint8Array, Extension[]][] = [
    ["pre_shared_key without a PSK offered", provider.random(32), [TLS13, share256, { type: 41, data: new Uint8Array([0, 0]) }]],
    ["an unknown type in a ServerHello", provider.random(32), [TLS13, share256, { type: 0x5a5a, data: new Uint8Array(0) }]],
    ["early_data in a HelloRetryRequest", HRR_RANDOM, [TLS13, selectedGroup(0x18), { type: 42, data: new Uint8Array(0) }]],
    ["an unknown type in a HelloRetryRequest", HRR_RANDOM, [TLS13, selectedGroup(0x18), { type: 0x5a5a, data: new Uint8Array(0) }]],
  ];
  for (const [name, random, extensions] of cases) {
    const c = await scriptedClient(twoGroups);
    c.conn.receive(serverHelloFor(c, random, extensions));
    await plainFailure(c, "unsupported_extension", "UnsolicitedExtension", name);
  }
});

t("§4.2 client: an extension we did not offer in EncryptedExtensions is unsupported_extension", async () => {
  const cases: [string, Extension][] = [
    ["ALPN, none offered", { type: 16, data: encodeAlpn(["h2"]) }],
    ["early_data, none offered", { type: 42, data: new Uint8Array(0) }],
    ["an unknown type", { type: 0x5a5a, data: new Uint8Array([1, 2, 3]) }],
  ];
  for (const [name, extension] of cases) {
    const p = await pair({
      before: (_client, server) => instead(server, HANDSHAKE.EncryptedExtensions, (_raw, send) => send(frameHandshake(HANDSHAKE.EncryptedExtensions, encodeEncryptedExtensions([extension])))),
    });
    const e = await failsWith(p.client.conn, "unsupported_extension", "UnsolicitedExtension");
    assert.match(e.message, /EncryptedExtensions/, name);
    await peerReceived(p.server.conn, "unsupported_extension");
  }
});

t("§4.2.7 client: a supported_groups in EncryptedExtensions that does not parse is decode_error (the hint is read, then ignored)", async () => {
  const cases: [string, Uint8Array][] = [
    ["an empty list", new Uint8Array([0, 0])],
    ["an odd length", new Uint8Array([0, 3, 0, 0x17, 0])],
    ["a trailing byte", new Uint8Array([0, 2, 0, 0x17, 0])],
  ];
  for (const [name, data] of cases) {
    const p = await pair({
      before: (_client, server) => instead(server, HANDSHAKE.EncryptedExtensions, (_raw, send) => send(frameHandshake(HANDSHAKE.EncryptedExtensions, encodeEncryptedExtensions([{ type: 10, data }])))),
    });
    const e = await failsWith(p.client.conn, "decode_error");
    assert.match(e.message, /supported_groups/, name);
    await peerReceived(p.server.conn, "decode_error");
  }
});

t("§4.2/§4.4.2 client: an extension in the server's CertificateEntry that we did not request (OCSP status, SCT) is unsupported_extension", async () => {
  const ocsp = new Writer().u8(1).vec24(provider.random(40)).finish();
  const cases: [string, number, Extension][] = [
    ["status_request on the leaf", 0, { type: 5, data: ocsp }],
    ["signed_certificate_timestamp on the leaf", 0, { type: 18, data: new Writer().vec16(new Writer().vec16(provider.random(50)).finish()).finish() }],
    ["status_request on the last certificate", -1, { type: 5, data: ocsp }],
  ];
  for (const [, at, extension] of cases) {
    const p = await pair({
      before: certificateWith(extension, at),
    });
    await failsWith(p.client.conn, "unsupported_extension", "UnsolicitedCertificateExtension");
    await peerReceived(p.server.conn, "unsupported_extension");
  }
});

t("§4.2/§4.4.2 server: an extension in the client's CertificateEntry that the CertificateRequest did not ask for is unsupported_extension", async () => {
  const p = await pair({
    client: { certificateChain: pki.certPem, privateKey: pki.keyPem },
    server: { clientAuth: "required", clientRoots: pki.caPem },
    before: (client) => instead(client, HANDSHAKE.Certificate, (raw, send) => {
      const entries = decodeCertificate(raw.subarray(4), 10).entries;
      const w = new Writer().vec8(new Uint8Array(0));
      w.prefixed(3, (x) => entries.forEach((e, i) => {
        x.vec24(e.data);
        writeExtensions(x, i === 0 ? [{ type: 5, data: new Writer().u8(1).vec24(provider.random(40)).finish() }] : []);
      }));
      send(frameHandshake(HANDSHAKE.Certificate, w.finish()));
    }),
  });
  await failsWith(p.server.conn, "unsupported_extension", "UnsolicitedCertificateExtension");
  await peerReceived(p.client.conn, "unsupported_extension");
});

// ===================================== §4.2.3, §4.4.3: CertificateVerify schemes =====================================

t("§4.2.3/§4.4.3 client: a server CertificateVerify with a scheme we did not offer (or RSA PKCS#1, or unknown) is illegal_parameter; one that does not fit the key too", async () => {
  const narrow = { signatureSchemes: ["ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256"] } as const;
  const cases: [string, Partial<typeof narrow>, number, string][] = [
    ["ecdsa_secp384r1_sha384, not offered", narrow, 0x0503, "SignatureSchemeNotOffered"],
    ["rsa_pkcs1_sha256: offered for TLS 1.2, never for a TLS 1.3 CertificateVerify", {}, 0x0401, "SignatureSchemeNotOffered"],
    ["an unknown scheme", {}, 0xfe00, "SignatureSchemeNotOffered"],
    ["rsa_pss_rsae_sha256, offered, with the server's EC key", narrow, 0x0804, "SignatureSchemeDoesNotMatchKey"],
  ];
  for (const [name, client, scheme, reason] of cases) {
    const p = await pair({
      client,
      before: (_client, server) => instead(server, HANDSHAKE.CertificateVerify, (raw, send) => {
        const cv = decodeCertificateVerify(raw.subarray(4));
        send(frameHandshake(HANDSHAKE.CertificateVerify, encodeCertificateVerify({ scheme, signature: cv.signature })));
      }),
    });
    await failsWith(p.client.conn, "illegal_parameter", reason);
    await peerReceived(p.server.conn, "illegal_parameter");
    if (scheme === 0x0401) {
      const offered = decodeU16List(decodeClientHello(firstBody(p.client.sent[0]!)).extensions.get(13)!, "signature_algorithms");
      assert.ok(offered.includes(0x0401), `${name}: the hello lists it (for TLS 1.2)`);
    }
  }
});

t("§4.2.3/§4.4.3 server: a client CertificateVerify with a scheme the CertificateRequest did not offer is illegal_parameter", async () => {
  const mtls = { clientAuth: "required", clientRoots: pki.caPem, signatureSchemes: ["ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256"] } as const;
  for (const [scheme, reason] of [[0x0503, "SignatureSchemeNotOffered"], [0x0401, "SignatureSchemeNotOffered"], [0x0804, "SignatureSchemeDoesNotMatchKey"]] as const) {
    const p = await pair({
      client: { certificateChain: pki.certPem, privateKey: pki.keyPem },
      server: mtls,
      before: (client) => instead(client, HANDSHAKE.CertificateVerify, (raw, send) => {
        const cv = decodeCertificateVerify(raw.subarray(4));
        send(frameHandshake(HANDSHAKE.CertificateVerify, encodeCertificateVerify({ scheme, signature: cv.signature })));
      }),
    });
    await failsWith(p.server.conn, "illegal_parameter", reason);
    await peerReceived(p.client.conn, "illegal_parameter");
  }
});

// ===================================== §4.3.2, §4.4.2: CertificateRequest and Certificate =====================================

/** The server sends `request` (a CertificateRequest body) before its Certificate, though it was not configured to ask. */
const requestFirst = (request: Uint8Array) => ({
  before: (_client: unknown, server: Parameters<typeof instead>[0]) =>
    instead(server, HANDSHAKE.Certificate, (raw, send) => {
      send(frameHandshake(HANDSHAKE.CertificateRequest, request));
      send(raw);
    }),
});

t("§4.3.2 client: a CertificateRequest without signature_algorithms is missing_extension; one with a non-empty context in the handshake is illegal_parameter", async () => {
  const sigAlgs: Extension = { type: 13, data: encodeU16List([0x0403]) };
  const sigAlgsCert: Extension = { type: 50, data: encodeU16List([0x0403]) };
  const cases: [string, Uint8Array, keyof typeof ALERT, string][] = [
    ["no extensions", encodeCertificateRequest(new Uint8Array(0), []), "missing_extension", "CertificateRequestWithoutSignatureAlgorithms"],
    ["signature_algorithms_cert only", encodeCertificateRequest(new Uint8Array(0), [sigAlgsCert]), "missing_extension", "CertificateRequestWithoutSignatureAlgorithms"],
    ["a 4-byte context", encodeCertificateRequest(new Uint8Array([1, 2, 3, 4]), [sigAlgs]), "illegal_parameter", "NonEmptyCertificateRequestContext"],
  ];
  for (const [, request, alert, reason] of cases) {
    const p = await pair(requestFirst(request));
    await failsWith(p.client.conn, alert, reason);
    await peerReceived(p.server.conn, alert);
  }
});

t("§4.4.2 client: a server Certificate with a non-empty certificate_request_context is illegal_parameter; an empty one (no certificates) is decode_error", async () => {
  const context = await pair({
    before: (_client, server) => instead(server, HANDSHAKE.Certificate, (raw, send) => send(frameHandshake(HANDSHAKE.Certificate, concat(new Uint8Array([2, 0xaa, 0xbb]), raw.subarray(5))))),
  });
  await failsWith(context.client.conn, "illegal_parameter", "NonEmptyCertificateContext");
  await peerReceived(context.server.conn, "illegal_parameter");
  // RFC 8446 4.4.2.4: "If the server supplies an empty Certificate message, the client MUST abort the handshake with a decode_error alert."
  const empty = await pair({
    before: (_client, server) => instead(server, HANDSHAKE.Certificate, (_raw, send) => send(frameHandshake(HANDSHAKE.Certificate, new Uint8Array([0, 0, 0, 0])))),
  });
  await failsWith(empty.client.conn, "decode_error", "EmptyCertificate");
  await peerReceived(empty.server.conn, "decode_error");
});

t("§4.4.2 server: a client Certificate whose context is not the CertificateRequest's (empty) is illegal_parameter", async () => {
  const p = await pair({
    client: { certificateChain: pki.certPem, privateKey: pki.keyPem },
    server: { clientAuth: "required", clientRoots: pki.caPem },
    before: (client) => instead(client, HANDSHAKE.Certificate, (raw, send) => send(frameHandshake(HANDSHAKE.Certificate, concat(new Uint8Array([1, 7]), raw.subarray(5))))),
  });
  await failsWith(p.server.conn, "illegal_parameter", "CertificateContextMismatch");
  await peerReceived(p.client.conn, "illegal_parameter");
});

// ===================================== §4.6: after the handshake =====================================

const ticket = (lifetime: number): Uint8Array =>
  frameHandshake(HANDSHAKE.NewSessionTicket, new Writer().u32(lifetime).u32(0x01020304).vec8(new Uint8Array(8)).vec16(provider.random(32)).u16(0).finish());

t("§4.6.1 client: a NewSessionTicket with a lifetime over 604800 seconds (7 days) is illegal_parameter; exactly 7 days is kept", async () => {
  for (const lifetime of [604801, 0xffffffff]) {
    const p = await established();
    void outbound(p.server.conn).sendRecord(22, ticket(lifetime));
    await failsWith(p.client.conn, "illegal_parameter", "TicketLifetimeTooLong");
    await peerReceived(p.server.conn, "illegal_parameter");
  }
  const ok = await established();
  void outbound(ok.server.conn).sendRecord(22, ticket(604800));
  await settle(50);
  assert.is(ok.client.conn.failure, null, ok.client.conn.failure?.message);
  assert.is(ok.server.conn.failure, null);
});

t("§4.6.3 a KeyUpdate whose request_update is neither 0 nor 1 is illegal_parameter (both sides); a longer body does not parse", async () => {
  for (const value of [2, 0x80, 0xff]) {
    const toClient = await established();
    void outbound(toClient.server.conn).sendRecord(22, frameHandshake(HANDSHAKE.KeyUpdate, new Uint8Array([value])));
    await failsWith(toClient.client.conn, "illegal_parameter", "InvalidKeyUpdateRequest");
    await peerReceived(toClient.server.conn, "illegal_parameter");
    const toServer = await established();
    void outbound(toServer.client.conn).sendRecord(22, frameHandshake(HANDSHAKE.KeyUpdate, new Uint8Array([value])));
    await failsWith(toServer.server.conn, "illegal_parameter", "InvalidKeyUpdateRequest");
    await peerReceived(toServer.client.conn, "illegal_parameter");
  }
  const long = await established();
  void outbound(long.server.conn).sendRecord(22, frameHandshake(HANDSHAKE.KeyUpdate, new Uint8Array([0, 0])));
  await failsWith(long.client.conn, "decode_error", /KeyUpdate of 2 bytes/);
  await peerReceived(long.server.conn, "decode_error");
});

// ===================================== §5: ChangeCipherSpec values =====================================

t("§5 a ChangeCipherSpec other than the single byte 0x01 during the handshake is unexpected_message; 0x01 is dropped", async () => {
  for (const content of [[0], [2], [0xff], [1, 1], []]) {
    const c = await scriptedClient();
    c.conn.receive(record(20, new Uint8Array(content)));
    await plainFailure(c, "unexpected_message", "UnexpectedChangeCipherSpec", `[${content}]`);
  }
  const ok = await scriptedClient();
  ok.conn.receive(record(20, new Uint8Array([1])));
  await settle();
  assert.is(ok.conn.failure, null);
  ok.conn.destroy();
  // The client's compatibility CCS, rewritten to 0x02 in flight: the server has installed the client's
  // handshake key by then, so its alert goes out encrypted.
  const p = await pair({ c2s: (r) => (isCcs(r) ? record(20, new Uint8Array([2])) : r) });
  await failsWith(p.server.conn, "unexpected_message", "UnexpectedChangeCipherSpec");
  await peerReceived(p.client.conn, "unexpected_message");
});

t("§5 a protected ChangeCipherSpec record (0x01 sealed under handshake keys) is unexpected_message, from either side", async () => {
  const fromClient = await pair({
    before: (client) => instead(client, HANDSHAKE.Finished, (raw, send, out) => {
      void out.sendRecord(20, new Uint8Array([1]));
      send(raw);
    }),
  });
  await failsWith(fromClient.server.conn, "unexpected_message", "UnexpectedChangeCipherSpec");
  await peerReceived(fromClient.client.conn, "unexpected_message");
  const fromServer = await pair({
    before: (_client, server) => instead(server, HANDSHAKE.EncryptedExtensions, (raw, send, out) => {
      void out.sendRecord(20, new Uint8Array([1]));
      send(raw);
    }),
  });
  await failsWith(fromServer.client.conn, "unexpected_message", "UnexpectedChangeCipherSpec");
  await peerReceived(fromServer.server.conn, "unexpected_message");
});

// ===================================== Appendix D.4: middlebox compatibility =====================================

/** The records as kinds: the handshake type of plaintext handshake records, "ccs", "enc" for protected ones. */
const kinds = (sent: Uint8Array[]): string[] =>
  sent.map((r) => (r[0] === 22 ? (isHrr(r) ? "HRR" : r[5] === 1 ? "CH" : r[5] === 2 ? "SH" : `hs${r[5]}`) : r[0] === 20 ? "ccs" : r[0] === 23 ? "enc" : `type${r[0]}`));

t("D.4/§4.1.3 compatibility mode: the client sends a session id and one CCS before its second flight; the server echoes the id and sends one CCS after its first message", async () => {
  const plain = await established();
  assert.equal(kinds(plain.client.sent).slice(0, 3), ["CH", "ccs", "enc"]);
  assert.equal(kinds(plain.server.sent).slice(0, 3), ["SH", "ccs", "enc"]);
  for (const end of [plain.client, plain.server]) {
    assert.is(end.sent.filter(isCcs).length, 1, "one CCS");
    assert.equal([...end.sent.find(isCcs)!], [...CCS_RECORD], "a plaintext 0x01");
  }
  const id = sessionIdOf(plain.client.sent[0]!);
  assert.is(id.length, 32);
  assert.equal([...decodeServerHello(firstBody(plain.server.sent[0]!)).legacySessionIdEcho], [...id], "the ServerHello echoes it");

  // With a HelloRetryRequest: the server's CCS follows the HRR (not the ServerHello), the client's precedes its second hello.
  const retried = await established({
    client: { groups: ["secp256r1", "secp384r1"], keyShareGroups: ["secp256r1"] },
    server: { groups: ["secp384r1", "secp256r1"], preferGroupOverShare: true },
  });
  assert.equal(kinds(retried.client.sent).slice(0, 4), ["CH", "ccs", "CH", "enc"]);
  assert.equal(kinds(retried.server.sent).slice(0, 4), ["HRR", "ccs", "SH", "enc"]);
  assert.is(retried.client.sent.filter(isCcs).length, 1);
  assert.is(retried.server.sent.filter(isCcs).length, 1);
  const [first, second] = [retried.client.sent[0]!, retried.client.sent[2]!];
  assert.equal([...sessionIdOf(second)], [...sessionIdOf(first)], "§4.1.2: the second hello keeps the session id");
  assert.equal([second[1], second[2]], [3, 3], "§5.1: the second hello's record says 0x0303");
  for (const hello of [retried.server.sent[0]!, retried.server.sent[2]!]) {
    assert.equal([...decodeServerHello(firstBody(hello)).legacySessionIdEcho], [...sessionIdOf(first)]);
  }

  // A client without a session id is not in compatibility mode: no CCS from the server, after a ServerHello or a HelloRetryRequest.
  for (const config of [undefined, retrying]) {
    const s = scriptedServer(config);
    s.conn.receive(record(22, clientHelloMessage({ sessionId: new Uint8Array(0), groups: [0x17, 0x18] })));
    await until(() => s.sent.some(isServerHello), 5000, "the server's answer");
    await settle();
    assert.is(s.conn.failure, null, s.conn.failure?.message);
    assert.not.ok(s.sent.some(isCcs), `no CCS ${config ? "after a HelloRetryRequest" : "after a ServerHello"}`);
    assert.is(decodeServerHello(firstBody(s.sent[0]!)).legacySessionIdEcho.length, 0);
    s.conn.destroy();
  }
});

t.run();
