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
import { Writer } from "../src/codec/writer.js";
import { frameHandshake } from "../src/msgs/handshake.js";
import { encodeClientHello } from "../src/msgs/hello.js";
import { type Extension, encodeKeyShareClient, encodeSupportedVersionsClient, encodeU16List } from "../src/msgs/extensions.js";
import { TlsError } from "../src/errors.js";
import { nodeProvider } from "../providers/node/index.js";
import { rejection } from "./_pair.js";

const provider = nodeProvider();
const pki = await makeThrowawayPki();
const serverConfig = await buildServerConfig({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem });
const clientConfig = await buildClientConfig({ provider, serverName: "localhost", roots: pki.caPem });

interface Scripted {
  conn: Connection;
  sent: Uint8Array[];
}

function scriptedServer(): Scripted {
  const sent: Uint8Array[] = [];
  const conn = new ServerConnection(serverConfig, { transmit: (b) => void sent.push(b) });
  conn.start();
  return { conn, sent };
}

/** The alert description in the last plaintext record we sent, if it was an alert. */
function lastPlainAlert(sent: Uint8Array[]): number | undefined {
  const last = sent[sent.length - 1];
  return last && last[0] === 21 ? last[6] : undefined;
}

const record = (type: number, body: Uint8Array): Uint8Array => new Writer().u8(type).u16(0x0303).vec16(body).finish();

async function clientHello(extensions: Extension[]): Promise<Uint8Array> {
  const body = encodeClientHello({ random: provider.random(32), legacySessionId: new Uint8Array(0), cipherSuites: [0x1301], extensions });
  return record(22, frameHandshake(1, body));
}

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

t.run();
