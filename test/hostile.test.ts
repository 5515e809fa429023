// A hostile or broken peer, scripted byte by byte against the sans-IO connections: each case must end
// in the named alert being sent and the connection failing, never in a hang or a stray exception.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { buildServerConfig } from "../src/config/server.js";
import { buildClientConfig } from "../src/config/client.js";
import { ServerConnection } from "../src/conn/server.js";
import { ClientConnection } from "../src/conn/client.js";
import type { Connection } from "../src/conn/connection.js";
import { concat } from "../src/codec/bytes.js";
import { Writer } from "../src/codec/writer.js";
import { frameHandshake } from "../src/msgs/handshake.js";
import { encodeClientHello } from "../src/msgs/hello.js";
import { type Extension, encodeKeyShareClient, encodeSupportedVersionsClient, encodeU16List } from "../src/msgs/extensions.js";
import { TlsError } from "../src/errors.js";
import { nodeProvider } from "../providers/node/index.js";
import { rejection, until } from "./_pair.js";
import { record } from "./_tamper.js";

const provider = nodeProvider();
const pki = await makeThrowawayPki();
const serverConfig = await buildServerConfig({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem });
const clientConfig = await buildClientConfig({ provider, serverName: "localhost", roots: pki.caPem });

interface Scripted {
  conn: Connection;
  sent: Uint8Array[];
}

function scriptedServer(config = serverConfig): Scripted {
  const sent: Uint8Array[] = [];
  const conn = new ServerConnection(config, { transmit: (b) => void sent.push(b) });
  conn.start();
  return { conn, sent };
}

/** The alert description in the last plaintext record we sent, if it was an alert. */
function lastPlainAlert(sent: Uint8Array[]): number | undefined {
  const last = sent[sent.length - 1];
  return last && last[0] === 21 ? last[6] : undefined;
}


async function clientHello(extensions: Extension[], random = provider.random(32)): Promise<Uint8Array> {
  const message = frameHandshake(1, encodeClientHello({ random, legacySessionId: new Uint8Array(0), cipherSuites: [0x1301], extensions }));
  // Records carry at most 2^14 bytes (RFC 8446 5.1): a large hello spans several.
  const records: Uint8Array[] = [];
  for (let at = 0; at < message.length; at += 16384) records.push(record(22, message.subarray(at, at + 16384)));
  return concat(...records);
}

/** The handshake types of the plaintext handshake records the server sent (its ServerHello or HelloRetryRequest). */
const plainHandshakeTypes = (sent: Uint8Array[]): number[] => sent.filter((r) => r[0] === 22).map((r) => r[5]!);

const share = await provider.keyShare("secp256r1");
const fullExtensions = (): Extension[] => [
  { type: 10, data: encodeU16List([0x17]) },
  { type: 13, data: encodeU16List([0x0403]) },
  { type: 43, data: encodeSupportedVersionsClient([0x0304]) },
  { type: 51, data: encodeKeyShareClient([{ group: 0x17, keyExchange: share.publicKey }]) },
];

const t = suite("hostile peers");

t("not TLS at all: an HTTP request gets an alert, not a hang", async () => {
  const s = scriptedServer();
  s.conn.receive(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  const e = await rejection(s.conn.handshake);
  assert.instance(e, TlsError);
  assert.ok(lastPlainAlert(s.sent) !== undefined);
});

t("a ClientHello offering only TLS 1.1 in supported_versions is protocol_version", async () => {
  const s = scriptedServer();
  s.conn.receive(await clientHello(fullExtensions().map((e) => (e.type === 43 ? { type: 43, data: encodeSupportedVersionsClient([0x0302]) } : e))));
  const e = (await rejection(s.conn.handshake)) as TlsError;
  assert.is(e.alert, "protocol_version");
  assert.match(e.message, /NoCommonVersion/);
  assert.is(lastPlainAlert(s.sent), 70);
});

t("a ClientHello without supported_versions is TLS 1.2: with only TLS 1.3 suites it is handshake_failure", async () => {
  const s = scriptedServer();
  s.conn.receive(await clientHello(fullExtensions().filter((e) => e.type !== 43)));
  const e = (await rejection(s.conn.handshake)) as TlsError;
  assert.is(e.alert, "handshake_failure");
  assert.match(e.message, /NoCipherSuiteMatch: no TLS 1\.2 suite/);
  assert.is(lastPlainAlert(s.sent), 40);
});

t("a ClientHello without key_share is missing_extension", async () => {
  const s = scriptedServer();
  s.conn.receive(await clientHello(fullExtensions().filter((e) => e.type !== 51)));
  assert.is(((await rejection(s.conn.handshake)) as TlsError).alert, "missing_extension");
  assert.is(lastPlainAlert(s.sent), 109);
});

t("an invalid P-256 key share is illegal_parameter", async () => {
  const s = scriptedServer();
  const bad = share.publicKey.slice();
  bad[10]! ^= 0xff;
  const ext = fullExtensions().map((e) => (e.type === 51 ? { type: 51, data: encodeKeyShareClient([{ group: 0x17, keyExchange: bad }]) } : e));
  s.conn.receive(await clientHello(ext));
  assert.is(((await rejection(s.conn.handshake)) as TlsError).alert, "illegal_parameter");
});

t("application data before the handshake is unexpected_message", async () => {
  const s = scriptedServer();
  s.conn.receive(record(23, new Uint8Array(40)));
  assert.is(((await rejection(s.conn.handshake)) as TlsError).alert, "unexpected_message");
});

t("ChangeCipherSpecs before any ClientHello are unexpected_message", async () => {
  const s = scriptedServer();
  s.conn.receive(record(20, new Uint8Array([1])));
  s.conn.receive(record(20, new Uint8Array([1])));
  assert.is(((await rejection(s.conn.handshake)) as TlsError).alert, "unexpected_message");
});

t("the transport ending mid-handshake fails the handshake", async () => {
  const s = scriptedServer();
  const hello = await clientHello(fullExtensions());
  s.conn.receive(hello.subarray(0, 20));
  s.conn.receiveEnd();
  assert.instance(await rejection(s.conn.handshake), TlsError);
});

t("a ServerHello choosing an unoffered suite is illegal_parameter at the client", async () => {
  const sent: Uint8Array[] = [];
  const c = new ClientConnection(clientConfig, { transmit: (b) => void sent.push(b) });
  c.start();
  await new Promise((r) => setTimeout(r, 20));
  // Echo the client's session id so that only the suite is wrong.
  const sessionId = sent[0]!.subarray(5 + 4 + 2 + 32 + 1, 5 + 4 + 2 + 32 + 1 + 32);
  const w = new Writer().u16(0x0303).bytes(provider.random(32)).vec8(sessionId).u16(0x00ff).u8(0);
  w.prefixed(2, (x) => x.u16(43).vec16(new Uint8Array([3, 4])));
  c.receive(record(22, frameHandshake(2, w.finish())));
  const e = (await rejection(c.handshake)) as TlsError;
  assert.is(e.alert, "illegal_parameter");
  assert.match(e.message, /SelectedUnofferedCipherSuite/);
});

t("a peer alert ends the handshake with AlertReceived naming it", async () => {
  const s = scriptedServer();
  s.conn.receive(record(21, new Uint8Array([2, 40])));
  const e = await rejection(s.conn.handshake);
  assert.match(e.message, /handshake_failure/);
});

t("a ClientHello with legacy_version 0x0300 is protocol_version, even offering TLS 1.3 (RFC 8446 D.5)", async () => {
  const s = scriptedServer();
  const hello = await clientHello(fullExtensions());
  hello.set([3, 0], 9); // record header (5) and handshake header (4), then legacy_version
  s.conn.receive(hello);
  const e = (await rejection(s.conn.handshake)) as TlsError;
  assert.is(e.alert, "protocol_version");
  assert.match(e.message, /InvalidLegacyVersion/);
  assert.is(lastPlainAlert(s.sent), 70);
});

/** A thousand extensions of unassigned types with random payloads, in random order. */
function unknownExtensions(): Extension[] {
  const list: Extension[] = [];
  for (let i = 0; i < 1000; i++) list.push({ type: 0x4000 + i * 7, data: provider.random(i % 17) });
  return list.sort(() => (provider.random(1)[0]! & 1 ? 1 : -1));
}

t("very large but legal ClientHellos are answered: 32,000 signature algorithms, 1,000 unknown extensions", async () => {
  const huge = Array.from({ length: 32000 }, (_, i) => (i === 31999 ? 0x0403 : 0xfe00 + (i % 256)));
  const unknown = unknownExtensions();
  for (const extensions of [
    fullExtensions().map((e) => (e.type === 13 ? { type: 13, data: encodeU16List(huge) } : e)),
    [...unknown.slice(0, 500), ...fullExtensions(), ...unknown.slice(500)],
  ]) {
    const s = scriptedServer();
    s.conn.receive(await clientHello(extensions));
    await until(() => s.sent.length > 0, 5000, "the server's answer");
    assert.equal(plainHandshakeTypes(s.sent), [2], `a ServerHello, no alert: ${s.conn.failure?.message}`);
    assert.is(s.conn.failure, null);
    s.conn.destroy();
  }
});

t("...also across a HelloRetryRequest: the retried hello with the same extensions is answered", async () => {
  const retrying = await buildServerConfig({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem, preferGroupOverShare: true });
  // P-384 rather than X25519, so that the test also runs inside OpenSSL's FIPS provider (which refuses X25519).
  const p384 = await provider.keyShare("secp384r1");
  const extra = unknownExtensions();
  const withShare = (group: number, keyExchange: Uint8Array): Extension[] => [
    ...extra,
    { type: 10, data: encodeU16List([0x17, 0x18]) },
    { type: 13, data: encodeU16List([0x0403]) },
    { type: 43, data: encodeSupportedVersionsClient([0x0304]) },
    { type: 51, data: encodeKeyShareClient([{ group, keyExchange }]) },
  ];
  const s = scriptedServer(retrying);
  const random = provider.random(32);
  s.conn.receive(await clientHello(withShare(0x18, p384.publicKey), random));
  await until(() => s.sent.length > 0, 5000, "the HelloRetryRequest");
  assert.equal(plainHandshakeTypes(s.sent), [2], "a HelloRetryRequest (a ServerHello with the retry random)");
  s.conn.receive(await clientHello(withShare(0x17, share.publicKey), random));
  await until(() => plainHandshakeTypes(s.sent).length === 2, 5000, "the ServerHello");
  assert.is(s.conn.failure, null);
  s.conn.destroy();
});

t("rejected early data: junk records are skipped up to 16384 bytes, more is unexpected_message (RFC 8446 4.2.10)", async () => {
  const withEarlyData = [...fullExtensions(), { type: 42, data: new Uint8Array(0) }];
  // Within the bound: the server answers and waits for the client's Finished behind the junk.
  const ok = scriptedServer();
  ok.conn.receive(concat(await clientHello(withEarlyData), record(23, provider.random(5000)), record(23, provider.random(5000))));
  await until(() => ok.sent.length > 0, 5000, "the server's answer");
  await new Promise((r) => setTimeout(r, 50));
  assert.is(ok.conn.failure, null);
  assert.equal(plainHandshakeTypes(ok.sent), [2]);
  ok.conn.destroy();
  // Beyond it: 2 × 10,000 bytes of what cannot be early data the server could read.
  const flood = scriptedServer();
  flood.conn.receive(concat(await clientHello(withEarlyData), record(23, provider.random(10000)), record(23, provider.random(10000))));
  const e = (await rejection(flood.conn.handshake)) as TlsError;
  assert.is(e.alert, "unexpected_message");
  assert.match(e.message, /TooMuchEarlyData/);
  // Without early_data in the hello, the first record that does not open is bad_record_mac, as always.
  const plain = scriptedServer();
  plain.conn.receive(concat(await clientHello(fullExtensions()), record(23, provider.random(100))));
  assert.is(((await rejection(plain.conn.handshake)) as TlsError).alert, "bad_record_mac");
});

t("early data after a HelloRetryRequest: skipped until the second hello, which must not offer it again", async () => {
  const retrying = await buildServerConfig({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem, preferGroupOverShare: true });
  // P-384 rather than X25519, so that the test also runs inside OpenSSL's FIPS provider (which refuses X25519).
  const p384 = await provider.keyShare("secp384r1");
  const hello = (group: number, keyExchange: Uint8Array, early: boolean): Extension[] => [
    { type: 10, data: encodeU16List([0x17, 0x18]) },
    { type: 13, data: encodeU16List([0x0403]) },
    { type: 43, data: encodeSupportedVersionsClient([0x0304]) },
    { type: 51, data: encodeKeyShareClient([{ group, keyExchange }]) },
    ...(early ? [{ type: 42, data: new Uint8Array(0) }] : []),
  ];
  for (const offersAgain of [false, true]) {
    const s = scriptedServer(retrying);
    const random = provider.random(32);
    s.conn.receive(concat(await clientHello(hello(0x18, p384.publicKey, true), random), record(23, provider.random(3000)), record(20, new Uint8Array([1])), record(23, provider.random(3000))));
    await until(() => s.sent.length > 0, 5000, "the HelloRetryRequest");
    s.conn.receive(await clientHello(hello(0x17, share.publicKey, offersAgain), random));
    if (offersAgain) {
      const e = (await rejection(s.conn.handshake)) as TlsError;
      assert.is(e.alert, "illegal_parameter");
      assert.match(e.message, /EarlyDataAfterRetry/);
    } else {
      await until(() => plainHandshakeTypes(s.sent).length === 2, 5000, "the ServerHello");
      assert.is(s.conn.failure, null);
      s.conn.destroy();
    }
  }
});

t.run();
