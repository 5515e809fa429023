// RFC 8446's rules for records and alerts (sections 5.1, 5.2, 5.4, 6), the length of Finished (4.4.4),
// key changes on record boundaries (5.1) and where supported_groups may appear (4.2, 4.2.7), checked
// byte by byte against the sans-IO connections, from both sides. The misbehaving peer is a real fipstls
// connection whose handshake messages are replaced as it sends them (so crafted records go out under
// its real keys), a connection fed scripted bytes, or records sealed here with secrets from the key log.
// Each case checks the error the conforming side ends with and the alert it sent: read in the clear
// where it is plaintext, else as the peer received it.
// Helpers (pairs, scripted connections, crafted hellos, sealing): test/_rfc8446.ts.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildServerConfig } from "../src/config/server.js";
import { buildClientConfig } from "../src/config/client.js";
import { ServerConnection } from "../src/conn/server.js";
import type { Connection } from "../src/conn/connection.js";
import { concat, equalBytes, utf8 } from "../src/codec/bytes.js";
import { Writer } from "../src/codec/writer.js";
import { Reader } from "../src/codec/reader.js";
import { encodeKeyUpdate, frameHandshake } from "../src/msgs/handshake.js";
import { HRR_RANDOM, decodeServerHello, encodeServerHello } from "../src/msgs/hello.js";
import { type Extension, encodeU16List } from "../src/msgs/extensions.js";
import { AlertReceived, PeerMisbehaved } from "../src/errors.js";
import { rejection, until } from "./_pair.js";
import { record } from "./_tamper.js";
import {
  ALERT,
  HANDSHAKE,
  type OutboundLike,
  type Wiring,
  TLS13,
  clientHelloMessage,
  clientOptions,
  established,
  failsWith,
  instead,
  lastPlainAlert,
  outbound,
  pair,
  peerReceived,
  provider,
  scriptedClient,
  scriptedServer,
  seal,
  selectedGroup,
  serverHelloFor,
  serverOptions,
  settle,
} from "./_rfc8446.js";

/** The extensions of an EncryptedExtensions message, by type. */
function eeExtensions(raw: Uint8Array): Map<number, Uint8Array> {
  const r = new Reader(raw.subarray(4), "EncryptedExtensions");
  const block = r.sub16("extensions");
  const out = new Map<number, Uint8Array>();
  while (!block.atEnd()) {
    const type = block.u16();
    out.set(type, block.vec16());
  }
  return out;
}

const t = suite("RFC 8446 records and alerts");

// ================================ §5.1, §5.4, §6: alert records ================================

t("§5.4/§5.1 plaintext alert records: empty is unexpected_message, 1 byte (split) and 4 bytes (coalesced) are decode_error", async () => {
  const cases: [Uint8Array, string, number][] = [
    [new Uint8Array(0), "unexpected_message", ALERT.unexpected_message],
    [new Uint8Array([2]), "decode_error", ALERT.decode_error],
    [new Uint8Array([1, ALERT.user_canceled, 2, ALERT.handshake_failure]), "decode_error", ALERT.decode_error],
  ];
  for (const [content, alert, code] of cases) {
    // Server side, before any ClientHello.
    const s = scriptedServer();
    s.conn.receive(record(21, content));
    await failsWith(s.conn, alert, "MalformedAlert");
    assert.is(lastPlainAlert(s.sent), code, `server's alert for a ${content.length}-byte alert record`);
    // Client side, before the ServerHello.
    const c = await scriptedClient();
    c.conn.receive(record(21, content));
    await failsWith(c.conn, alert, "MalformedAlert");
    assert.is(lastPlainAlert(c.sent), code, `client's alert for a ${content.length}-byte alert record`);
  }
});

t("§5.4/§5.1 an alert split across two records fails at its first byte, before the second arrives", async () => {
  const s = scriptedServer();
  s.conn.receive(concat(record(21, new Uint8Array([2])), record(21, new Uint8Array([ALERT.handshake_failure]))));
  await failsWith(s.conn, "decode_error", /MalformedAlert: alert record of 1 bytes/);
  assert.is(lastPlainAlert(s.sent), ALERT.decode_error);
});

/** Alert records no peer may send (§5.4 empty; §5.1 split or coalesced), with the alert each gets. */
const MALFORMED_ALERT_RECORDS: [Uint8Array[], string][] = [
  [[new Uint8Array(0)], "unexpected_message"],
  [[new Uint8Array([2]), new Uint8Array([ALERT.handshake_failure])], "decode_error"],
  [[new Uint8Array([1, ALERT.user_canceled, 2, ALERT.handshake_failure])], "decode_error"],
];

for (const from of ["client", "server"] as const) {
  t(`§5.4/§5.1 encrypted alert records from the ${from} during the handshake (empty, split, coalesced)`, async () => {
    for (const [records, alert] of MALFORMED_ALERT_RECORDS) {
      const p = await pair({
        // Sent just before the sender's first encrypted handshake message of its own.
        before: (client, server) => instead(from === "client" ? client : server, from === "client" ? HANDSHAKE.Finished : HANDSHAKE.EncryptedExtensions, (raw, send, out) => {
          for (const r of records) void out.sendRecord(21, r);
          send(raw);
        }),
      });
      const [sender, receiver] = from === "client" ? [p.client, p.server] : [p.server, p.client];
      await failsWith(receiver.conn, alert, "MalformedAlert");
      await peerReceived(sender.conn, alert);
      if (from === "server") p.server.conn.destroy();
    }
  });
}

t("§5.4 an empty alert record after the handshake is unexpected_message", async () => {
  const p = await established();
  void outbound(p.server.conn).sendRecord(21, new Uint8Array(0));
  await failsWith(p.client.conn, "unexpected_message", "MalformedAlert");
  await peerReceived(p.server.conn, "unexpected_message");
});

t("§6 a warning user_canceled during the handshake is not fatal (the one alert TLS 1.3 lets be a warning)", async () => {
  const p = await pair({
    before: (client) => instead(client, HANDSHAKE.Finished, (raw, send, out) => {
      void out.sendRecord(21, new Uint8Array([1, ALERT.user_canceled]));
      send(raw);
    }),
  });
  await Promise.all([p.client.conn.handshake, p.server.conn.handshake]);
  assert.is(p.server.conn.failure, null);
});

// ============ §6: a plaintext alert after handshake keys are in use (both directions) ============

t("§6 server: a client's plaintext alert before any record of its own was encrypted is its alert (OpenSSL, rustls accept it)", async () => {
  // A ClientHello and then, in the clear, what a client that could not derive keys sends. The server
  // reads the alert only after it installed the client's handshake key.
  const s = scriptedServer();
  s.conn.receive(concat(record(22, clientHelloMessage()), record(21, new Uint8Array([2, ALERT.handshake_failure]))));
  const e = await rejection(s.conn.handshake);
  assert.instance(e, AlertReceived, `${e.name}: ${e.message}`);
  assert.is((e as AlertReceived).descriptionName, "handshake_failure");
  // No alert of ours answers it: the last record is the server's encrypted flight.
  await settle();
  assert.ok(s.sent.every((r) => r[0] !== 21), "the server sent no alert back");
});

t("§6 server: a fipstls client rejecting the ServerHello (plaintext alert) is reported as the client's alert", async () => {
  // supported_groups in a ServerHello (§4.2: illegal_parameter at the client, which has no keys yet).
  const p = await pair({
    s2c: (bytes) => {
      if (bytes[0] !== 22 || bytes[5] !== HANDSHAKE.ServerHello) return bytes;
      const sh = decodeServerHello(bytes.subarray(9));
      const extensions = [...sh.extensions.list, { type: 10, data: encodeU16List([0x17]) }];
      return record(22, frameHandshake(2, encodeServerHello({ random: sh.random, legacySessionIdEcho: sh.legacySessionIdEcho, cipherSuite: sh.cipherSuite, extensions })));
    },
  });
  await failsWith(p.client.conn, "illegal_parameter", "ExtensionNotAllowedHere");
  assert.is(lastPlainAlert(p.client.sent), 47, "the client's alert is plaintext: it has no keys yet");
  await peerReceived(p.server.conn, "illegal_parameter");
});

t("§6 client: a server's plaintext alert after its ServerHello is the server's alert", async () => {
  let replaced = false;
  const p = await pair({
    // The server's first encrypted record becomes a plaintext alert; the rest of its flight is lost.
    s2c: (bytes) => {
      if (bytes[0] !== 23) return bytes;
      if (replaced) return new Uint8Array(0);
      replaced = true;
      return record(21, new Uint8Array([2, ALERT.internal_error]));
    },
  });
  const e = await rejection(p.client.conn.handshake);
  assert.instance(e, AlertReceived, `${e.name}: ${e.message}`);
  assert.is((e as AlertReceived).descriptionName, "internal_error");
  await settle();
  assert.ok(p.client.sent.slice(1).every((r) => r[0] !== 21), "the client sent no alert back");
  p.server.conn.destroy();
});

t("§5/§5.2 a plaintext alert once the peer's records have been decrypted is unexpected_message (both sides)", async () => {
  const a = await established();
  a.server.conn.receive(record(21, new Uint8Array([2, ALERT.handshake_failure])));
  await failsWith(a.server.conn, "unexpected_message", "UnprotectedRecordAfterKeyChange");
  await peerReceived(a.client.conn, "unexpected_message");
  const b = await established();
  b.client.conn.receive(record(21, new Uint8Array([2, ALERT.handshake_failure])));
  await failsWith(b.client.conn, "unexpected_message", "UnprotectedRecordAfterKeyChange");
  await peerReceived(b.server.conn, "unexpected_message");
});

// ========================= §4.4.4, §6: Finished of the wrong length =========================

t("§4.4.4/§6 server: a truncated, over-long or record-filling client Finished is decode_error, a wrong one decrypt_error", async () => {
  const cases: [string, (verify: Uint8Array) => Uint8Array, string][] = [
    ["empty", () => new Uint8Array(0), "decode_error"],
    ["one byte short", (v) => v.subarray(0, v.length - 1), "decode_error"],
    ["TLS 1.2's 12 bytes", (v) => v.subarray(0, 12), "decode_error"],
    ["one byte long", (v) => concat(v, new Uint8Array(1)), "decode_error"],
    // The message fills one record to 2^14 bytes exactly: a legal record, an illegal Finished.
    ["padded to the record limit", (v) => concat(v, new Uint8Array(16384 - 4 - v.length)), "decode_error"],
    // Refused from its header: more than we accept as one handshake message.
    ["padded to 2^17 bytes", (v) => concat(v, new Uint8Array(0x20000 - v.length)), "decode_error"],
    ["one bit flipped", (v) => v.map((b, i) => (i === 0 ? b ^ 1 : b)), "decrypt_error"],
  ];
  for (const [name, rewrite, alert] of cases) {
    const p = await pair({
      before: (client) => instead(client, HANDSHAKE.Finished, (raw, send) => send(frameHandshake(20, rewrite(raw.subarray(4))))),
    });
    const e = await failsWith(p.server.conn, alert);
    assert.not.match(e.message, /RecordOverflow/, name);
    await peerReceived(p.client.conn, alert);
  }
});

t("§4.4.4/§6 client: a server Finished longer than 64 bytes (to the record limit, to 2^17) is decode_error, from its header", async () => {
  for (const extra of [16384 - 4 - 32, 0x20000]) {
    const p = await pair({
      before: (_client, server) => instead(server, HANDSHAKE.Finished, (raw, send) => send(frameHandshake(20, concat(raw.subarray(4), new Uint8Array(extra))))),
    });
    await failsWith(p.client.conn, "decode_error", /Finished of \d+ bytes, at most 64/);
    await peerReceived(p.server.conn, "decode_error");
  }
});

t("§4.4.4/§6 client: a truncated server Finished, or one a byte long, is decode_error", async () => {
  for (const rewrite of [(v: Uint8Array) => v.subarray(0, v.length - 1), (v: Uint8Array) => concat(v, new Uint8Array(1))]) {
    const p = await pair({ before: (_client, server) => instead(server, HANDSHAKE.Finished, (raw, send) => send(frameHandshake(20, rewrite(raw.subarray(4))))) });
    await failsWith(p.client.conn, "decode_error");
  }
});

t("§5.1 a plaintext record of exactly 2^14 bytes is read; one of 2^14+1 is record_overflow", async () => {
  const hello = clientHelloMessage({ padTo: 16384 + 100 });
  const ok = scriptedServer();
  ok.conn.receive(concat(record(22, hello.subarray(0, 16384)), record(22, hello.subarray(16384))));
  await until(() => ok.sent.length > 0, 5000, "the ServerHello");
  assert.is(ok.sent[0]![0], 22, "a ServerHello, not an alert");
  assert.is(ok.conn.failure, null);
  ok.conn.destroy();
  const over = scriptedServer();
  over.conn.receive(concat(record(22, hello.subarray(0, 16385)), record(22, hello.subarray(16385))));
  await failsWith(over.conn, "record_overflow", "RecordOverflow");
  assert.is(lastPlainAlert(over.sent), ALERT.record_overflow);
});

t("§5.2/§5.4 inner plaintext up to 2^14+1 bytes (padding included) is read; 2^14+2 is record_overflow", async () => {
  const p = await established();
  const secrets = p.client.secrets;
  // 2^14 bytes of data and the content type: the largest legal TLSInnerPlaintext.
  p.server.conn.receive(await seal(secrets, "CLIENT_TRAFFIC_SECRET_0", 0, 23, new Uint8Array(16384).fill(1)));
  // 100 bytes of data padded with zeros to the same limit.
  p.server.conn.receive(await seal(secrets, "CLIENT_TRAFFIC_SECRET_0", 1, 23, new Uint8Array(100).fill(2), 16384 - 100));
  await until(() => p.server.data.reduce((n, d) => n + d.length, 0) === 16484, 5000, "both records' data");
  assert.is(p.server.conn.failure, null);
  // One byte of padding more.
  p.server.conn.receive(await seal(secrets, "CLIENT_TRAFFIC_SECRET_0", 2, 23, new Uint8Array(100).fill(3), 16384 - 99));
  await failsWith(p.server.conn, "record_overflow", /RecordOverflow: inner plaintext/);
  await peerReceived(p.client.conn, "record_overflow");
});

t("§5.2 a ciphertext of 2^14+257 bytes is record_overflow from its header; one of 2^14+256 that opens to too much, after opening", async () => {
  const a = await established();
  const length = 16384 + 257;
  a.server.conn.receive(new Uint8Array([23, 3, 3, length >> 8, length & 0xff]));
  await failsWith(a.server.conn, "record_overflow", /RecordOverflow: record of 16641 bytes/);
  await peerReceived(a.client.conn, "record_overflow");
  const b = await established();
  const sealed = await seal(b.client.secrets, "CLIENT_TRAFFIC_SECRET_0", 0, 23, new Uint8Array(16384 + 256 - 17));
  assert.is(sealed.length, 5 + 16384 + 256);
  b.server.conn.receive(sealed);
  await failsWith(b.server.conn, "record_overflow", /RecordOverflow: inner plaintext/);
});

t("§5.4 a record that is all padding (no content type) is unexpected_message", async () => {
  const p = await established();
  p.server.conn.receive(await seal(p.client.secrets, "CLIENT_TRAFFIC_SECRET_0", 0, 0, new Uint8Array(0), 20));
  await failsWith(p.server.conn, "unexpected_message", "NoContentType");
  await peerReceived(p.client.conn, "unexpected_message");
});

// ======================= §5.1: zero-length handshake fragments, early data =======================

t("§5.1 zero-length handshake records are unexpected_message: plaintext, and encrypted from either side", async () => {
  const s = scriptedServer();
  const hello = clientHelloMessage();
  s.conn.receive(concat(record(22, hello.subarray(0, 10)), record(22, new Uint8Array(0)), record(22, hello.subarray(10))));
  await failsWith(s.conn, "unexpected_message", "EmptyHandshakeRecord");
  assert.is(lastPlainAlert(s.sent), ALERT.unexpected_message);

  const fromClient = await pair({
    before: (client) => instead(client, HANDSHAKE.Finished, (raw, send, out) => {
      void out.sendRecord(22, new Uint8Array(0));
      send(raw);
    }),
  });
  await failsWith(fromClient.server.conn, "unexpected_message", "EmptyHandshakeRecord");
  await peerReceived(fromClient.client.conn, "unexpected_message");

  const fromServer = await pair({
    before: (_client, server) => instead(server, HANDSHAKE.Certificate, (raw, send, out) => {
      void out.sendRecord(22, new Uint8Array(0));
      send(raw);
    }),
  });
  await failsWith(fromServer.client.conn, "unexpected_message", "EmptyHandshakeRecord");
  await peerReceived(fromServer.server.conn, "unexpected_message");
  fromServer.server.conn.destroy();
});

t("§5.1/§4.4.4 application data before the handshake completes is unexpected_message: plaintext, and under handshake keys", async () => {
  const c = await scriptedClient();
  c.conn.receive(record(23, utf8("too early")));
  await failsWith(c.conn, "unexpected_message", "ApplicationDataBeforeHandshake");
  assert.is(lastPlainAlert(c.sent), ALERT.unexpected_message);

  const fromClient = await pair({
    before: (client) => instead(client, HANDSHAKE.Finished, (raw, send, out) => {
      void out.sendRecord(23, utf8("before my Finished"));
      send(raw);
    }),
  });
  await failsWith(fromClient.server.conn, "unexpected_message", "UnexpectedRecordDuringHandshake");
  await peerReceived(fromClient.client.conn, "unexpected_message");

  const fromServer = await pair({
    before: (_client, server) => instead(server, HANDSHAKE.EncryptedExtensions, (raw, send, out) => {
      void out.sendRecord(23, utf8("before my EncryptedExtensions"));
      send(raw);
    }),
  });
  await failsWith(fromServer.client.conn, "unexpected_message", "UnexpectedRecordDuringHandshake");
  await peerReceived(fromServer.server.conn, "unexpected_message");
  fromServer.server.conn.destroy();
});

// ============================ §5.1: no records between the fragments of a message ============================

/** The client sends its Finished in two records with `between` (a record of its own, sealed as the Finished is) in the middle. */
function splitFinished(between: (out: OutboundLike) => void): Wiring {
  return {
    before: (client) => instead(client, HANDSHAKE.Finished, (raw, _send, out) => {
      void out.sendRecord(22, raw.subarray(0, 10));
      between(out);
      void out.sendRecord(22, raw.subarray(10));
    }),
  };
}

t("§5.1 server: a warning alert, close_notify, a CCS or data between the fragments of the client's Finished is unexpected_message", async () => {
  const cases: [string, (out: OutboundLike) => void][] = [
    ["user_canceled warning", (out) => void out.sendRecord(21, new Uint8Array([1, ALERT.user_canceled]))],
    ["close_notify", (out) => void out.sendRecord(21, new Uint8Array([1, ALERT.close_notify]))],
    ["a fatal alert", (out) => void out.sendRecord(21, new Uint8Array([2, ALERT.handshake_failure]))],
    ["a ChangeCipherSpec", (out) => out.sendChangeCipherSpec()],
    ["application data", (out) => void out.sendRecord(23, utf8("x"))],
  ];
  for (const [name, between] of cases) {
    const p = await pair(splitFinished(between));
    const e = await failsWith(p.server.conn, "unexpected_message", /between the fragments of a handshake message|ChangeCipherSpec/);
    assert.ok(e instanceof PeerMisbehaved, name);
    await peerReceived(p.client.conn, "unexpected_message");
  }
  // The same split without anything between is read as one Finished.
  const ok = await pair(splitFinished(() => undefined));
  await Promise.all([ok.client.conn.handshake, ok.server.conn.handshake]);
});

t("§5.1 client: a warning alert between the fragments of the server's Certificate is unexpected_message", async () => {
  const p = await pair({
    before: (_client, server) => instead(server, HANDSHAKE.Certificate, (raw, _send, out) => {
      void out.sendRecord(22, raw.subarray(0, 100));
      void out.sendRecord(21, new Uint8Array([1, ALERT.user_canceled]));
      void out.sendRecord(22, raw.subarray(100));
    }),
  });
  await failsWith(p.client.conn, "unexpected_message", "UnexpectedRecordDuringHandshake");
  await peerReceived(p.server.conn, "unexpected_message");
  p.server.conn.destroy();
});

t("§5.1 after the handshake: data between the fragments of a NewSessionTicket is unexpected_message", async () => {
  const p = await established();
  const ticket = frameHandshake(4, new Writer().u32(60).u32(0).vec8(new Uint8Array(8)).vec16(new Uint8Array(32)).u16(0).finish());
  const out = outbound(p.server.conn);
  void out.sendRecord(22, ticket.subarray(0, 6));
  void out.sendRecord(23, utf8("interleaved"));
  void out.sendRecord(22, ticket.subarray(6));
  await failsWith(p.client.conn, "unexpected_message", "UnexpectedRecordDuringHandshake");
  assert.is(p.client.data.length, 0, "the interleaved data was not delivered");
});

t("§5.1 plaintext: a ChangeCipherSpec between the fragments of the second ClientHello is unexpected_message", async () => {
  // TLS 1.3 is chosen by the first hello; the retry asks for P-384. (Between the fragments of the first
  // hello the version is not known yet, and RFC 5246 6.2.1 allowed other records there.)
  const retrying = await buildServerConfig({ ...serverOptions, groups: ["secp384r1", "secp256r1"], preferGroupOverShare: true });
  const sent: Uint8Array[] = [];
  const conn = new ServerConnection(retrying, { transmit: (b) => void sent.push(b.slice()) });
  conn.start();
  const random = provider.random(32);
  conn.receive(record(22, clientHelloMessage({ random, groups: [0x17, 0x18] })));
  await until(() => sent.length > 0, 5000, "the HelloRetryRequest");
  const p384 = await provider.keyShare("secp384r1");
  const second = clientHelloMessage({ random, groups: [0x17, 0x18], share: { group: 0x18, keyExchange: p384.publicKey } });
  conn.receive(concat(record(22, second.subarray(0, 50)), record(20, new Uint8Array([1])), record(22, second.subarray(50))));
  await failsWith(conn, "unexpected_message", "UnexpectedRecordDuringHandshake");
  assert.is(lastPlainAlert(sent), ALERT.unexpected_message);
  // The same second hello in one piece is answered with a ServerHello.
  const okSent: Uint8Array[] = [];
  const ok = new ServerConnection(retrying, { transmit: (b) => void okSent.push(b.slice()) });
  ok.start();
  ok.receive(record(22, clientHelloMessage({ random, groups: [0x17, 0x18] })));
  await until(() => okSent.length > 0, 5000, "the HelloRetryRequest");
  ok.receive(record(22, second));
  const isServerHello = (r: Uint8Array): boolean => r[0] === 22 && r[5] === HANDSHAKE.ServerHello && !equalBytes(r.subarray(11, 43), HRR_RANDOM);
  await until(() => okSent.some(isServerHello), 5000, "the ServerHello");
  assert.is(ok.failure, null);
  ok.destroy();
});

// ================================ §5.1: key changes on record boundaries ================================

t("§5.1 client: a ServerHello whose record goes on into the next message is unexpected_message", async () => {
  const p = await pair({
    s2c: (bytes) => (bytes[0] === 22 && bytes[5] === HANDSHAKE.ServerHello ? record(22, concat(bytes.subarray(5), new Uint8Array([8, 0, 0]))) : bytes),
  });
  await failsWith(p.client.conn, "unexpected_message", "KeyChangeNotAtRecordBoundary");
  assert.is(lastPlainAlert(p.client.sent), ALERT.unexpected_message);
  await peerReceived(p.server.conn, "unexpected_message");
});

t("§5.1 server: a ClientHello or a client Finished whose record goes on into the next message is unexpected_message", async () => {
  const s = scriptedServer();
  s.conn.receive(record(22, concat(clientHelloMessage(), new Uint8Array([20, 0]))));
  await failsWith(s.conn, "unexpected_message", "KeyChangeNotAtRecordBoundary");

  const p = await pair({
    before: (client) => instead(client, HANDSHAKE.Finished, (raw, send) => send(concat(raw, encodeKeyUpdate(false).subarray(0, 2)))),
  });
  await failsWith(p.server.conn, "unexpected_message", "KeyChangeNotAtRecordBoundary");
  await peerReceived(p.client.conn, "unexpected_message");
});

// ======================================== §4.2, §4.2.7: supported_groups ========================================

t("§4.2.7 the server lists its groups in EncryptedExtensions when the client's share was not its first choice; the client accepts it", async () => {
  let ee: Uint8Array | null = null;
  const capture = (_client: Connection, server: Connection): void =>
    instead(server, HANDSHAKE.EncryptedExtensions, (raw, send) => {
      ee = raw.slice();
      send(raw);
    });
  const second = await established({
    client: { groups: ["secp256r1", "secp384r1"], keyShareGroups: ["secp256r1"] },
    server: { groups: ["secp384r1", "secp256r1"] },
    before: capture,
  });
  assert.is(second.client.conn.info.group, "secp256r1");
  assert.is(second.client.conn.info.helloRetryRequest, false);
  const listed = eeExtensions(ee!).get(10);
  assert.ok(listed !== undefined, "supported_groups in EncryptedExtensions");
  assert.equal([...listed!], [0, 4, 0x00, 0x18, 0x00, 0x17], "our groups, in our order");

  ee = null;
  const first = await established({
    client: { groups: ["secp256r1", "secp384r1"], keyShareGroups: ["secp256r1"] },
    server: { groups: ["secp256r1", "secp384r1"] },
    before: capture,
  });
  assert.is(first.client.conn.info.group, "secp256r1");
  assert.not.ok(eeExtensions(ee!).has(10), "no supported_groups when the share was our first choice");
});

t("§4.2 supported_groups in a ServerHello is illegal_parameter at the client", async () => {
  const c = await scriptedClient();
  const serverShare = await provider.keyShare("secp256r1");
  const extensions: Extension[] = [TLS13, { type: 51, data: new Writer().u16(0x17).vec16(serverShare.publicKey).finish() }, { type: 10, data: encodeU16List([0x17]) }];
  c.conn.receive(serverHelloFor(c, provider.random(32), extensions));
  await failsWith(c.conn, "illegal_parameter", "ExtensionNotAllowedHere");
  assert.is(lastPlainAlert(c.sent), 47);
});

// ======================================== §4.1.4: HelloRetryRequest at the client ========================================

t("§4.1.4 a HelloRetryRequest that changes nothing, or names a group already shared or never offered, is illegal_parameter; a second one is unexpected_message", async () => {
  const twoGroups = await buildClientConfig({ ...clientOptions, groups: ["secp256r1", "secp384r1"], keyShareGroups: ["secp256r1"] });
  const cases: [Extension[], string][] = [
    [[TLS13], "HelloRetryRequestChangesNothing"],
    [[TLS13, selectedGroup(0x17)], "HelloRetryRequestIllegalGroup"],
    [[TLS13, selectedGroup(0x19)], "HelloRetryRequestIllegalGroup"],
  ];
  for (const [extensions, reason] of cases) {
    const c = await scriptedClient(twoGroups);
    c.conn.receive(serverHelloFor(c, HRR_RANDOM, extensions));
    await failsWith(c.conn, "illegal_parameter", reason);
    assert.is(lastPlainAlert(c.sent), 47);
  }
  const c = await scriptedClient(twoGroups);
  c.conn.receive(serverHelloFor(c, HRR_RANDOM, [TLS13, selectedGroup(0x18)]));
  await until(() => c.sent.filter((r) => r[0] === 22 && r[5] === 1).length === 2, 5000, "the second ClientHello");
  c.conn.receive(serverHelloFor(c, HRR_RANDOM, [TLS13, selectedGroup(0x18)]));
  await failsWith(c.conn, "unexpected_message", "SecondHelloRetryRequest");
  assert.is(lastPlainAlert(c.sent), ALERT.unexpected_message);
});

t.run();
