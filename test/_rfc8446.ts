// Shared by the RFC 8446 conformance tests (test/rfc8446-records.test.ts, test/rfc8446-handshake.test.ts):
// two real fipstls connections back to back whose messages can be replaced as they are sent, connections
// fed scripted bytes, crafted hellos, and records sealed here with secrets from the key log. Each case
// checks the error the conforming side ends with and the alert it sent: read in the clear where it is
// plaintext, else as the peer received it.
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { type ServerConfig, type ServerOptions, buildServerConfig } from "../src/config/server.js";
import { type ClientConfig, type ClientOptions, buildClientConfig } from "../src/config/client.js";
import { ServerConnection } from "../src/conn/server.js";
import { ClientConnection } from "../src/conn/client.js";
import type { Connection } from "../src/conn/connection.js";
import { concat, fromHex } from "../src/codec/bytes.js";
import { Writer } from "../src/codec/writer.js";
import { decodeCertificate, frameHandshake } from "../src/msgs/handshake.js";
import { type Extension, encodeKeyShareClient, encodeSupportedVersionsClient, encodeU16List, writeExtensions } from "../src/msgs/extensions.js";
import { hkdfExpandLabel } from "../src/tls13/hkdf.js";
import { AlertReceived, PeerMisbehaved, TlsError } from "../src/errors.js";
import { nodeProvider } from "../providers/node/index.js";
import { until } from "./_pair.js";
import { record } from "./_tamper.js";

export const provider = nodeProvider();
export const pki = await makeThrowawayPki();
// One suite, so that records sealed here (AES-128-GCM, SHA-256) match the connection's.
export const clientOptions: ClientOptions = { provider, serverName: "localhost", roots: pki.caPem, cipherSuites: ["TLS_AES_128_GCM_SHA256"], groups: ["secp256r1"] };
export const serverOptions: ServerOptions = { provider, certificateChain: pki.certPem, privateKey: pki.keyPem, tls13Tickets: 0 };
export const serverConfig = await buildServerConfig(serverOptions);
export const clientConfig = await buildClientConfig(clientOptions);

export const HANDSHAKE = {
  ClientHello: 1,
  ServerHello: 2,
  NewSessionTicket: 4,
  EncryptedExtensions: 8,
  Certificate: 11,
  CertificateRequest: 13,
  CertificateVerify: 15,
  Finished: 20,
  KeyUpdate: 24,
} as const;
export const ALERT = {
  close_notify: 0,
  unexpected_message: 10,
  record_overflow: 22,
  handshake_failure: 40,
  illegal_parameter: 47,
  decode_error: 50,
  protocol_version: 70,
  internal_error: 80,
  user_canceled: 90,
  missing_extension: 109,
  unsupported_extension: 110,
} as const;

// ---- two real connections back to back ----

export interface End {
  readonly conn: Connection;
  /** Every record this side transmitted, in order (a transmit carrying a flight is split into its records). */
  readonly sent: Uint8Array[];
  readonly data: Uint8Array[];
  /** Secrets from the key log, by label. */
  readonly secrets: Map<string, Uint8Array>;
}

export interface Wiring {
  client?: Partial<ClientOptions>;
  server?: Partial<ServerOptions>;
  /** Runs before either side starts: replace what a side sends (see `instead`). */
  before?: (client: Connection, server: Connection) => void;
  /** Rewrites each record in flight; an empty result drops it. */
  c2s?: (bytes: Uint8Array) => Uint8Array;
  s2c?: (bytes: Uint8Array) => Uint8Array;
}

/** The whole records in `bytes`, in order (what one transmit holds). */
export function splitRecords(bytes: Uint8Array): Uint8Array[] {
  const records: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = at + 5 + ((bytes[at + 3]! << 8) | bytes[at + 4]!);
    records.push(bytes.subarray(at, end));
    at = end;
  }
  return records;
}

export async function pair(w: Wiring = {}): Promise<{ client: End; server: End }> {
  const cc = w.client ? await buildClientConfig({ ...clientOptions, ...w.client }) : clientConfig;
  const sc = w.server ? await buildServerConfig({ ...serverOptions, ...w.server }) : serverConfig;
  const ends: { client?: End; server?: End } = {};
  const make = (side: "client" | "server", to: () => Connection, tamper?: (b: Uint8Array) => Uint8Array): End => {
    const sent: Uint8Array[] = [];
    const data: Uint8Array[] = [];
    const secrets = new Map<string, Uint8Array>();
    const callbacks = {
      // A flight leaves in one transmit; the tests look at (and rewrite) it record by record.
      transmit: (bytes: Uint8Array) => {
        for (const record of splitRecords(bytes)) {
          sent.push(record.slice());
          const out = tamper ? tamper(record) : record;
          if (out.length > 0) queueMicrotask(() => to().receive(out.slice()));
        }
      },
      onData: (d: Uint8Array) => void data.push(d.slice()),
      onKeyLog: (line: string) => {
        const [label, , secret] = line.trim().split(" ");
        secrets.set(label!, fromHex(secret!));
      },
    };
    const conn = side === "client" ? new ClientConnection(cc, callbacks) : new ServerConnection(sc, callbacks);
    return { conn, sent, data, secrets };
  };
  ends.client = make("client", () => ends.server!.conn, w.c2s);
  ends.server = make("server", () => ends.client!.conn, w.s2c);
  w.before?.(ends.client.conn, ends.server.conn);
  ends.server.conn.start();
  ends.client.conn.start();
  return { client: ends.client, server: ends.server };
}

/** What a connection's outbound offers; reached through the private field, as test/robustness.test.ts does. */
export interface OutboundLike {
  sendHandshake(raw: Uint8Array): void;
  sendRecord(type: number, content: Uint8Array): Promise<void>;
  sendChangeCipherSpec(): void;
}
export const outbound = (conn: Connection): OutboundLike => (conn as unknown as { outbound: OutboundLike }).outbound;

/**
 * Replaces the first handshake message of `type` that `conn` sends: `act` gets the framed message, the
 * original send, and the outbound, whose records are sealed under whatever keys `conn` has installed.
 */
export function instead(conn: Connection, type: number, act: (raw: Uint8Array, send: (raw: Uint8Array) => void, out: OutboundLike) => void): void {
  const out = outbound(conn);
  const original = out.sendHandshake.bind(out);
  let done = false;
  out.sendHandshake = (raw: Uint8Array) => {
    if (done || raw[0] !== type) return original(raw);
    done = true;
    act(raw, original, out);
  };
}

/** The error `conn` ended with (waits for it). */
export async function failure(conn: Connection, what: string): Promise<Error> {
  await until(() => conn.failure !== null, 5000, what);
  return conn.failure!;
}

/** Asserts `conn` failed with `alert` (and the named reason, when given) and returns the error. */
export async function failsWith(conn: Connection, alert: string, reason?: string | RegExp): Promise<TlsError> {
  const e = await failure(conn, `a failure with ${alert}`);
  assert.instance(e, TlsError, `${e.name}: ${e.message}`);
  assert.not.instance(e, AlertReceived, `expected to detect ${alert} itself, got ${e.message}`);
  assert.is((e as TlsError).alert, alert, e.message);
  if (typeof reason === "string") assert.is((e as PeerMisbehaved).reason, reason, e.message);
  else if (reason) assert.match(e.message, reason);
  return e as TlsError;
}

/** Asserts the peer received `alert` from the failing side: the alert that side sent, whatever protected it. */
export async function peerReceived(conn: Connection, alert: string): Promise<void> {
  const e = await failure(conn, `the peer to receive ${alert}`);
  assert.instance(e, AlertReceived, `${e.name}: ${e.message}`);
  assert.is((e as AlertReceived).descriptionName, alert);
}

/** The alert description of the last record `sent`, when it is a plaintext alert record. */
export function lastPlainAlert(sent: Uint8Array[]): number | undefined {
  const last = sent[sent.length - 1];
  return last && last[0] === 21 && last.length === 7 ? last[6] : undefined;
}

export const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- scripted bytes against one connection ----

export interface Scripted {
  conn: Connection;
  /** Every record the connection transmitted, in order. */
  sent: Uint8Array[];
}

export function scriptedServer(config: ServerConfig = serverConfig): Scripted {
  const sent: Uint8Array[] = [];
  const conn = new ServerConnection(config, { transmit: (b) => void sent.push(...splitRecords(b).map((r) => r.slice())) });
  conn.start();
  return { conn, sent };
}

export async function scriptedClient(config: ClientConfig = clientConfig): Promise<Scripted> {
  const sent: Uint8Array[] = [];
  const conn = new ClientConnection(config, { transmit: (b) => void sent.push(...splitRecords(b).map((r) => r.slice())) });
  conn.start();
  await until(() => sent.length > 0, 5000, "the ClientHello");
  return { conn, sent };
}

export const share = await provider.keyShare("secp256r1");

/** The ClientHello records a scripted client sent, in order. */
export const clientHellos = (c: Scripted): Uint8Array[] => c.sent.filter((r) => r[0] === 22 && r[5] === HANDSHAKE.ClientHello);

/** The legacy_session_id of a ClientHello record. */
export function sessionIdOf(hello: Uint8Array): Uint8Array {
  const at = 5 + 4 + 2 + 32;
  return hello.subarray(at + 1, at + 1 + hello[at]!);
}

/** Fields of a crafted ServerHello that differ from a well-formed answer. */
export interface ServerHelloFields {
  legacyVersion?: number;
  sessionId?: Uint8Array;
  cipherSuite?: number;
  compressionMethod?: number;
}

/**
 * A ServerHello (or, with HRR_RANDOM, a HelloRetryRequest) record answering the scripted client's last
 * ClientHello: its session id, TLS_AES_128_GCM_SHA256, unless `o` says otherwise.
 */
export function serverHelloFor(c: Scripted, random: Uint8Array, extensions: Extension[], o: ServerHelloFields = {}): Uint8Array {
  const hello = clientHellos(c).at(-1)!;
  const w = new Writer().u16(o.legacyVersion ?? 0x0303).bytes(random).vec8(o.sessionId ?? sessionIdOf(hello)).u16(o.cipherSuite ?? 0x1301).u8(o.compressionMethod ?? 0);
  writeExtensions(w, extensions);
  return record(22, frameHandshake(HANDSHAKE.ServerHello, w.finish()));
}
export const TLS13 = { type: 43, data: new Uint8Array([3, 4]) };
export const selectedGroup = (group: number): Extension => ({ type: 51, data: new Uint8Array([group >> 8, group & 0xff]) });
/** A ServerHello's key_share: one entry. */
export const serverShare = (group: number, keyExchange: Uint8Array): Extension => ({ type: 51, data: new Writer().u16(group).vec16(keyExchange).finish() });

/** What a crafted ClientHello carries; each field defaults to a well-formed TLS 1.3 hello for P-256 and TLS_AES_128_GCM_SHA256. */
export interface ClientHelloFields {
  /** Grows the message (a padding extension) to exactly that many bytes. */
  padTo?: number;
  random?: Uint8Array;
  legacyVersion?: number;
  sessionId?: Uint8Array;
  cipherSuites?: readonly number[];
  compressionMethods?: readonly number[];
  groups?: readonly number[];
  /** The key_share entry (or entries, in order). */
  share?: { group: number; keyExchange: Uint8Array } | readonly { group: number; keyExchange: Uint8Array }[];
  versions?: readonly number[];
  /** Extensions added after the usual ones. */
  extra?: readonly Extension[];
}

/** A ClientHello message (framed), built byte by byte so that any field can be wrong. */
export function clientHelloMessage(o: ClientHelloFields = {}): Uint8Array {
  const padTo = o.padTo ?? 0;
  const random = o.random ?? provider.random(32);
  const shares = o.share === undefined ? [{ group: 0x17, keyExchange: share.publicKey }] : "group" in o.share ? [o.share] : o.share;
  const extensions: Extension[] = [
    { type: 10, data: encodeU16List(o.groups ?? [0x17]) },
    { type: 13, data: encodeU16List([0x0403]) },
    { type: 43, data: encodeSupportedVersionsClient(o.versions ?? [0x0304]) },
    { type: 51, data: encodeKeyShareClient(shares) },
    ...(o.extra ?? []),
  ];
  const build = (ext: Extension[]): Uint8Array => {
    const w = new Writer().u16(o.legacyVersion ?? 0x0303).bytes(random).vec8(o.sessionId ?? new Uint8Array(32));
    w.prefixed(2, (x) => (o.cipherSuites ?? [0x1301]).forEach((s) => x.u16(s)));
    w.vec8(new Uint8Array(o.compressionMethods ?? [0]));
    writeExtensions(w, ext);
    return frameHandshake(HANDSHAKE.ClientHello, w.finish());
  };
  const plain = build(extensions);
  if (padTo === 0) return plain;
  const padded = build([...extensions, { type: 21, data: new Uint8Array(padTo - plain.length - 4) }]);
  assert.is(padded.length, padTo);
  return padded;
}

// ---- records sealed here, with the connection's own secrets ----

/** One TLS 1.3 record under the traffic secret logged as `label` (AES-128-GCM), as record number `seq`. */
export async function seal(secrets: Map<string, Uint8Array>, label: string, seq: number, type: number, content: Uint8Array, padding = 0): Promise<Uint8Array> {
  const secret = secrets.get(label);
  if (!secret) throw new Error(`no ${label} in the key log`);
  const key = await hkdfExpandLabel(provider, "SHA-256", secret, "key", new Uint8Array(0), 16);
  const iv = await hkdfExpandLabel(provider, "SHA-256", secret, "iv", new Uint8Array(0), 12);
  const inner = new Uint8Array(content.length + 1 + padding);
  inner.set(content);
  inner[content.length] = type;
  const length = inner.length + 16;
  const header = new Uint8Array([23, 3, 3, length >> 8, length & 0xff]);
  const nonce = iv.slice();
  for (let i = 0, s = seq; i < 8; i++, s = Math.floor(s / 256)) nonce[11 - i]! ^= s & 0xff;
  const aead = await provider.aead("AES-128-GCM", key);
  return concat(header, await aead.seal(nonce, header, inner));
}

/** A completed handshake, nothing sent since (no tickets): the client's next record under its application key is number 0. */
export async function established(w: Wiring = {}) {
  const p = await pair(w);
  await Promise.all([p.client.conn.handshake, p.server.conn.handshake]);
  return p;
}

/** The server's Certificate (TLS 1.3) with `extension` on entry `at` (negative: from the end). */
export function certificateWith(extension: Extension, at = 0) {
  return (_client: unknown, server: Parameters<typeof instead>[0]) =>
    instead(server, HANDSHAKE.Certificate, (raw, send) => {
      const entries = decodeCertificate(raw.subarray(4), 10).entries;
      const where = at < 0 ? entries.length + at : at;
      const w = new Writer().vec8(new Uint8Array(0));
      w.prefixed(3, (x) => entries.forEach((e, i) => {
        x.vec24(e.data);
        writeExtensions(x, i === where ? [extension] : []);
      })); // prettier-ignore
      send(frameHandshake(HANDSHAKE.Certificate, w.finish()));
    });
}
