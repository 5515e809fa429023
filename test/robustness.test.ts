// What a hostile or merely odd peer can make the sans-IO core do: work per handshake bounded by counts
// (fragments, records), floods of records that carry nothing cut off with named errors, and the
// leniency RFC 8446 asks for (repeated ChangeCipherSpec, KeyUpdate requests answered once).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { buildServerConfig } from "../src/config/server.js";
import { ServerConnection } from "../src/conn/server.js";
import type { Connection } from "../src/conn/connection.js";
import { DEFAULT_LIMITS } from "../src/config/limits.js";
import { Writer } from "../src/codec/writer.js";
import { Inbound } from "../src/conn/inbound.js";
import { concat, utf8 } from "../src/codec/bytes.js";
import { HandshakeJoiner, encodeKeyUpdate, frameHandshake } from "../src/msgs/handshake.js";
import { encodeClientHello } from "../src/msgs/hello.js";
import { type Extension, encodeKeyShareClient, encodeSupportedVersionsClient, encodeU16List } from "../src/msgs/extensions.js";
import { AlertReceived, PeerMisbehaved, TlsError } from "../src/errors.js";
import { nodeProvider } from "../providers/node/index.js";
import { makePair, rejection, until } from "./_pair.js";

const provider = nodeProvider();
const pki = await makeThrowawayPki();
const serverConfig = await buildServerConfig({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem });
const clientOptions = { provider, serverName: "localhost", roots: pki.caPem };
const serverOptions = { provider, certificateChain: pki.certPem, privateKey: pki.keyPem };

const record = (type: number, body: Uint8Array): Uint8Array => new Writer().u8(type).u16(0x0303).vec16(body).finish();
const CCS = record(20, new Uint8Array([1]));
const share = await provider.keyShare("secp256r1");

function helloBody(extra: Extension[] = [], groups = [0x17], shares = [{ group: 0x17, keyExchange: share.publicKey }]): Uint8Array {
  return frameHandshake(
    1,
    encodeClientHello({
      random: provider.random(32),
      legacySessionId: new Uint8Array(0),
      cipherSuites: [0x1301],
      extensions: [
        { type: 10, data: encodeU16List(groups) },
        { type: 13, data: encodeU16List([0x0403]) },
        { type: 43, data: encodeSupportedVersionsClient([0x0304]) },
        { type: 51, data: encodeKeyShareClient(shares) },
        ...extra,
      ],
    }),
  );
}

function scriptedServer(): { conn: Connection; sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  const conn = new ServerConnection(serverConfig, { transmit: (b) => void sent.push(b) });
  conn.start();
  return { conn, sent };
}

/** Each byte of `message` in a handshake record of its own. */
function oneByteRecords(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(message.length * 6);
  message.forEach((b, i) => out.set([22, 3, 3, 0, 1, b], i * 6));
  return out;
}

/** Bytes copied by Uint8Array.prototype.set while `f` runs: a count of the work, not a clock. */
function bytesCopiedBy(f: () => void): number {
  const original = Uint8Array.prototype.set;
  let copied = 0;
  Uint8Array.prototype.set = function (this: Uint8Array, source: ArrayLike<number>, offset?: number) {
    copied += source.length;
    return original.call(this, source, offset);
  } as typeof original;
  try {
    f();
  } finally {
    Uint8Array.prototype.set = original;
  }
  return copied;
}

const reasonOf = (e: Error): string => (e instanceof PeerMisbehaved ? e.reason : `${e.name}: ${e.message}`);

const t = suite("robustness");

t("reassembly is linear: a 60 KiB message in 1-byte fragments copies each byte a bounded number of times", () => {
  const size = 60 * 1024;
  const message = frameHandshake(11, new Uint8Array(size));
  const joiner = new HandshakeJoiner(64 * 1024, 1 << 20);
  let messages = 0;
  const copied = bytesCopiedBy(() => {
    for (const b of message) messages += joiner.push(new Uint8Array([b])).length;
  });
  assert.is(messages, 1);
  // A joiner that re-copies its buffer per fragment copies about size²/2 (1.8 GB) here.
  assert.ok(copied <= 2 * message.length, `copied ${copied} bytes for a ${message.length}-byte message`);
});

t("a ClientHello in 1-byte records is answered; one in more records than the limit is refused by count", async () => {
  const s = scriptedServer();
  s.conn.receive(oneByteRecords(helloBody()));
  await until(() => s.sent.length > 0, 5000, "ServerHello");
  assert.is(s.sent[0]![0], 22, "a handshake record (ServerHello) came back");
  s.conn.destroy();

  const big = helloBody([{ type: 21, data: new Uint8Array(DEFAULT_LIMITS.maxHandshakeFragments + 100) }]);
  const refused = scriptedServer();
  refused.conn.receive(oneByteRecords(big));
  const e = await rejection(refused.conn.handshake);
  assert.is(reasonOf(e), "TooManyHandshakeFragments");
  assert.is((e as TlsError).alert, "unexpected_message");
});

t("records before the handshake completes are capped (CCS floods included)", async () => {
  const s = scriptedServer();
  const hello = helloBody();
  // The first byte of the hello, then more CCS records than the cap: each is legal on its own.
  s.conn.receive(record(22, hello.subarray(0, 1)));
  const flood = new Uint8Array(CCS.length * (DEFAULT_LIMITS.maxHandshakeRecords + 10));
  for (let i = 0; i < DEFAULT_LIMITS.maxHandshakeRecords + 10; i++) flood.set(CCS, i * CCS.length);
  s.conn.receive(flood);
  assert.is(reasonOf(await rejection(s.conn.handshake)), "TooManyHandshakeRecords");
});

t("a 64 KiB ClientHello with thousands of groups and shares is judged, not refused", async () => {
  // Code points from 0x2000 up: none is a group fipstls implements (the hybrids sit at 0x11eb..0x11ed).
  const groups = Array.from({ length: 8000 }, (_, i) => 0x2000 + i);
  const shares = Array.from({ length: 4000 }, (_, i) => ({ group: 0x2000 + i, keyExchange: new Uint8Array([1]) }));
  const s = scriptedServer();
  s.conn.receive(record(22, helloBody([], [...groups, 0x17], [...shares, { group: 0x17, keyExchange: share.publicKey }])).subarray(0, 5 + 16384));
  const hello = helloBody([], [...groups, 0x17], [...shares, { group: 0x17, keyExchange: share.publicKey }]);
  const s2 = scriptedServer();
  for (let at = 0; at < hello.length; at += 16384) s2.conn.receive(record(22, hello.subarray(at, at + 16384)));
  await until(() => s2.sent.length > 0, 5000, "ServerHello");
  assert.is(s2.sent[0]![0], 22);
  s.conn.destroy();
  s2.conn.destroy();
});

t("a ChangeCipherSpec before any ClientHello is unexpected_message", async () => {
  const s = scriptedServer();
  s.conn.receive(CCS);
  assert.is(reasonOf(await rejection(s.conn.handshake)), "UnexpectedChangeCipherSpec");
});

t("repeated CCS during the handshake are dropped: after HRR and again after ServerHello (as JSSE sends)", async () => {
  // Insert a CCS after every plaintext handshake record the server sends.
  const { client: c, server: s } = await makePair(
    { ...clientOptions, groups: ["secp256r1", "secp384r1"], keyShareGroups: ["secp384r1"] },
    { ...serverOptions, groups: ["secp256r1"] },
    { tamper: (dir, bytes) => (dir === "s2c" && bytes[0] === 22 ? concat(bytes, CCS, CCS) : dir === "c2s" && bytes[0] === 22 ? concat(bytes, CCS) : bytes) },
  );
  await Promise.all([c.conn.handshake, s.conn.handshake]);
  assert.ok(c.conn.info.helloRetryRequest);
});

t("a CCS after the handshake is unexpected_message", async () => {
  const { client: c, server: s } = await makePair(clientOptions, serverOptions);
  await Promise.all([c.conn.handshake, s.conn.handshake]);
  c.conn.receive(CCS);
  await until(() => c.error !== null, 5000, "client error");
  assert.is(reasonOf(c.error!), "UnexpectedChangeCipherSpec");
});

t("alerts: an invalid level is illegal_parameter; a received alert keeps its level", async () => {
  const s = scriptedServer();
  s.conn.receive(record(21, new Uint8Array([7, 40])));
  const e = await rejection(s.conn.handshake);
  assert.is(reasonOf(e), "InvalidAlertLevel");
  assert.is((e as TlsError).alert, "illegal_parameter");
  // Once TLS 1.3 is chosen, a warning is as fatal as any alert but close_notify and user_canceled;
  // in TLS 1.2 it is not (RFC 5246 7.2.2).
  const inbound = new Inbound(DEFAULT_LIMITS, () => true, () => true, () => undefined);
  inbound.version = "TLSv1.3";
  let warned: unknown;
  try {
    inbound.handleAlert(new Uint8Array([1, 40]));
  } catch (e) {
    warned = e;
  }
  assert.instance(warned, AlertReceived);
  const received = warned as AlertReceived;
  assert.is(received.level, 1);
  assert.is(received.descriptionName, "handshake_failure");
  assert.ok(received.fatal, "every alert but close_notify and user_canceled ends a TLS 1.3 connection");
  assert.match(received.message, /handshake_failure \(level warning\)/);
  inbound.version = "TLSv1.2";
  inbound.handleAlert(new Uint8Array([1, 112]));
  // Before the hellos choose a version a warning may be TLS 1.2's, which is not fatal: counted, then a flood.
  const early = scriptedServer();
  for (let i = 0; i < 33; i++) early.conn.receive(record(21, new Uint8Array([1, 112])));
  assert.is(reasonOf(await rejection(early.conn.handshake)), "TooManyWarningAlerts");
});

t("a received alert is reported as received: err.alert names it", async () => {
  const s = scriptedServer();
  s.conn.receive(record(21, new Uint8Array([2, 48])));
  const e = (await rejection(s.conn.handshake)) as AlertReceived;
  assert.is(e.alert, "unknown_ca");
  assert.is(e.alertCode, 48);
  const u = scriptedServer();
  u.conn.receive(record(21, new Uint8Array([2, 201])));
  const unknown = (await rejection(u.conn.handshake)) as AlertReceived;
  assert.is(unknown.alert, "alert(201)");
  assert.is(unknown.alertCode, 201);
});

t("a failure that is not the peer's (a provider error) sends internal_error", async () => {
  const broken = { ...provider, keyShare: () => Promise.reject(new Error("module self-test failed")) };
  const config = await buildServerConfig({ provider: broken, certificateChain: pki.certPem, privateKey: pki.keyPem });
  const sent: Uint8Array[] = [];
  const conn = new ServerConnection(config, { transmit: (b) => void sent.push(b) });
  conn.start();
  conn.receive(record(22, helloBody()));
  const e = await rejection(conn.handshake);
  assert.match(e.message, /self-test/);
  const last = sent[sent.length - 1]!;
  assert.equal([...last.subarray(0, 1), ...last.subarray(5)], [21, 2, 80]);
});

t("a destroyed connection does no more work on what it had buffered", async () => {
  const s = scriptedServer();
  s.conn.receive(oneByteRecords(helloBody()));
  s.conn.destroy();
  await new Promise((r) => setTimeout(r, 20));
  assert.is(s.sent.length, 0);
});

// ---- floods after the handshake, sent with the server's real write keys ----

interface Sender {
  sendRecord(type: number, content: Uint8Array): Promise<void>;
}
// The connection's own record writer, so that floods go out under the real keys.
const sender = (conn: Connection): Sender => (conn as unknown as { outbound: Sender }).outbound;
const ticket = frameHandshake(4, new Writer().u32(60).u32(0).vec8(new Uint8Array(8)).vec16(new Uint8Array(32)).u16(0).finish());

/** An established pair whose server sends no tickets of its own, so that each test counts only the records it sends. */
async function established() {
  const pair = await makePair(clientOptions, { ...serverOptions, tls13Tickets: 0 });
  await Promise.all([pair.client.conn.handshake, pair.server.conn.handshake]);
  return pair;
}

t("NewSessionTicket flood: 32 in a row pass, the 33rd is TooManySessionTickets; data in between resets", async () => {
  const ok = await established();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 32; i++) void sender(ok.server.conn).sendRecord(22, ticket);
    await ok.server.conn.write(utf8("x"));
  }
  await until(() => ok.client.data().length === 3, 5000, "data");
  assert.is(ok.client.error, null);

  const flood = await established();
  for (let i = 0; i < 1000; i++) void sender(flood.server.conn).sendRecord(22, ticket);
  await until(() => flood.client.error !== null, 5000, "client error");
  assert.is(reasonOf(flood.client.error!), "TooManySessionTickets");
});

t("empty application-data records: a few pass, a flood is TooManyEmptyRecords", async () => {
  const ok = await established();
  for (let i = 0; i < 10; i++) void sender(ok.server.conn).sendRecord(23, new Uint8Array(0));
  await ok.server.conn.write(utf8("after"));
  await until(() => ok.client.data().length === 5, 5000, "data");
  assert.is(ok.client.error, null);

  const flood = await established();
  for (let i = 0; i < 1000; i++) void sender(flood.server.conn).sendRecord(23, new Uint8Array(0));
  await until(() => flood.client.error !== null, 5000, "client error");
  assert.is(reasonOf(flood.client.error!), "TooManyEmptyRecords");
});

t("an empty encrypted handshake record is unexpected_message (RFC 8446 5.1)", async () => {
  const p = await established();
  void sender(p.server.conn).sendRecord(22, new Uint8Array(0));
  await until(() => p.client.error !== null, 5000, "client error");
  assert.is(reasonOf(p.client.error!), "EmptyHandshakeRecord");
  assert.is((p.client.error as TlsError).alert, "unexpected_message");
});

t("KeyUpdate flood without data is TooManyKeyUpdates", async () => {
  const p = await established();
  for (let i = 0; i < 100 && p.server.conn.state === "open"; i++) await p.server.conn.updateKeys(false);
  await until(() => p.client.error !== null, 5000, "client error");
  assert.is(reasonOf(p.client.error!), "TooManyKeyUpdates");
});

t("a peer asking for a KeyUpdate after every record it receives (JSSE past its key limit) is served", async () => {
  const p = await established();
  // The server plays JSSE: every record of data it reads makes it update its keys and request ours.
  let requests = 0;
  const original = p.server.received.push.bind(p.server.received);
  p.server.received.push = (...chunks: Uint8Array[]): number => {
    for (let i = 0; i < chunks.length; i++) {
      requests++;
      void p.server.conn.updateKeys(true);
    }
    return original(...chunks);
  };
  const payload = new Uint8Array(200 * 16384).fill(7);
  await p.client.conn.write(payload);
  await until(() => p.server.data().length === payload.length || p.client.error !== null || p.server.error !== null, 20000, "bulk data");
  assert.is(p.client.error, null);
  assert.is(p.server.error, null);
  assert.ok(requests >= 200, `${requests} KeyUpdate requests`);
  // Both directions still work after the storm.
  await p.server.conn.write(utf8("still here"));
  await until(() => p.client.data().length === 10, 5000, "reply");
});

t("a KeyUpdate that does not end its record is unexpected_message (RFC 8446 5.1)", async () => {
  const p = await established();
  const twice = new Uint8Array([...encodeKeyUpdate(true), ...encodeKeyUpdate(true)]);
  void sender(p.server.conn).sendRecord(22, twice);
  await until(() => p.client.error !== null, 5000, "client error");
  assert.is(reasonOf(p.client.error!), "KeyChangeNotAtRecordBoundary");
});

t.run();
