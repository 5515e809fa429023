// The bulk record path: records sealed synchronously into one buffer per write where the provider
// computes synchronously, records opened several at once where it does not, and the ordering rules both
// must keep (RFC 8446 5.1 sizes, 4.6.3 KeyUpdate answers, key changes inside a batch of records).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { equalBytes, utf8 } from "../src/codec/bytes.js";
import type { Aead, CryptoProvider } from "../src/crypto/provider.js";
import { nodeProvider } from "../providers/node/index.js";
import { webcryptoProvider } from "../providers/webcrypto/index.js";
import { makePair, rejection, until } from "./_pair.js";
import { TlsError } from "../src/errors.js";
import { connect, createServer } from "../src/node.js";
import { Outbound } from "../src/conn/outbound.js";
import { Tls13AeadProtection } from "../src/record/tls13-aead.js";

const pki = await makeThrowawayPki();
const clientOptions = (provider: CryptoProvider, extra: Record<string, unknown> = {}) => ({ provider, serverName: "localhost", roots: pki.caPem, ...extra });
const serverOptions = (provider: CryptoProvider, extra: Record<string, unknown> = {}) => ({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem, ...extra });
const TLS13_OVERHEAD = 5 + 1 + 16;

/** Lengths of the records in a stream of whole records. */
function recordLengths(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + 5 <= bytes.length; at += 5 + ((bytes[at + 3]! << 8) | bytes[at + 4]!)) out.push((bytes[at + 3]! << 8) | bytes[at + 4]!);
  return out;
}

/** The write key derived after the handshake is ready once the tasks in flight have run. */
const settled = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

const t = suite("record path");

t("node provider: one write becomes full records in one transmit, and arrives intact", async () => {
  const provider = nodeProvider();
  assert.ok((await provider.aead("AES-128-GCM", new Uint8Array(16))).sync, "the node provider's AEAD is synchronous");
  const sent: Uint8Array[] = [];
  const { client: c, server: s } = await makePair(clientOptions(provider), serverOptions(provider), {
    tamper: (dir, bytes) => {
      if (dir === "c2s") sent.push(bytes);
      return bytes;
    },
  });
  await c.conn.handshake;
  await settled();
  sent.length = 0;
  const data = pattern(3 * 16384 + 100);
  await c.conn.write(data);
  assert.is(sent.length, 1, "one transmit for the whole write");
  assert.equal(recordLengths(sent[0]!), [16384 + 17, 16384 + 17, 16384 + 17, 100 + 17]);
  assert.is(sent[0]!.length, 4 * TLS13_OVERHEAD + data.length);
  await until(() => s.data().length === data.length);
  assert.ok(equalBytes(s.data(), data));
});

t("record buffers are reused only once the transport released them, and only once however often it releases", async () => {
  const provider = nodeProvider();
  const sent: { bytes: Uint8Array; copy: Uint8Array; release: () => void }[] = [];
  const outbound = new Outbound(
    (bytes, release) => void sent.push({ bytes, copy: bytes.slice(), release }),
    (e) => assert.unreachable(e.message),
  );
  outbound.stopHoldingFlights();
  outbound.installProtection(Tls13AeadProtection.create(provider, "AES-128-GCM", { key: new Uint8Array(16), iv: new Uint8Array(12) }));
  await settled();
  const write = (): { bytes: Uint8Array; copy: Uint8Array; release: () => void } => {
    assert.ok(outbound.trySendSync(23, pattern(65536), 1000), "sealed synchronously");
    return sent.at(-1)!;
  };
  const first = write();
  first.release(); // from now on this transport is known to hand buffers back
  // Buffers other connections released may be pooled (the pool is shared): these writes take them all.
  const held = Array.from({ length: 5 }, write);
  const buffers = new Set(held.map((w) => w.bytes.buffer));
  assert.is(buffers.size, held.length, "no buffer is handed out twice while the transport holds it");
  held[0]!.release();
  held[0]!.release();
  const reused = write();
  assert.is(reused.bytes.buffer, held[0]!.bytes.buffer, "the released buffer is the next one used");
  const next = write();
  assert.ok(next.bytes.buffer !== reused.bytes.buffer && !buffers.has(next.bytes.buffer), "a second release did not pool it twice");
  for (const w of [...held.slice(1), reused, next]) assert.ok(equalBytes(w.bytes, w.copy), "bytes the transport holds were never overwritten");
  for (const w of [reused, next, ...held.slice(1)]) w.release();
});

t("node provider: two connections whose records arrive split across reads share the join buffer, and every byte arrives intact", async () => {
  const provider = nodeProvider();
  // Pieces of 7000 bytes: nearly every 16 KiB record spans reads, in both connections at once.
  const pairs = await Promise.all([0, 1].map(() => makePair(clientOptions(provider), serverOptions(provider), { chunk: 7000 })));
  await Promise.all(pairs.map((p) => p.client.conn.handshake));
  const sent = pairs.map((_, i) => Uint8Array.from({ length: 5 * 16384 + 333 }, (_, j) => (j * 13 + i * 101 + (j >> 14)) & 0xff));
  await Promise.all(pairs.map((p, i) => p.client.conn.write(sent[i]!)));
  await until(() => pairs.every((p, i) => p.server.data().length === sent[i]!.length));
  pairs.forEach((p, i) => assert.ok(equalBytes(p.server.data(), sent[i]!), `connection ${i}`));
});

/** Content types of the records in a stream of whole records. */
function recordTypes(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + 5 <= bytes.length; at += 5 + ((bytes[at + 3]! << 8) | bytes[at + 4]!)) out.push(bytes[at]!);
  return out;
}

t("a flight's handshake messages share records, and a key change starts a new one (RFC 8446 5.1, RFC 5246 6.2.1)", async () => {
  const provider = nodeProvider();
  for (const version of ["TLSv1.3", "TLSv1.2"] as const) {
    const flights = { c2s: [] as number[][], s2c: [] as number[][] };
    const { client: c, server: s } = await makePair(clientOptions(provider, { minVersion: version, maxVersion: version }), serverOptions(provider, { minVersion: version, maxVersion: version }), {
      tamper: (dir, bytes) => {
        flights[dir].push(recordTypes(bytes));
        return bytes;
      },
    });
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    await until(() => flights.s2c.length >= 2, 5000, "the server's second flight");
    if (version === "TLSv1.3") {
      // ServerHello in the clear; EncryptedExtensions, Certificate, CertificateVerify and Finished sealed together.
      assert.equal(flights.s2c[0], [22, 20, 23], version);
      assert.equal(flights.c2s[1], [20, 23], "the client's CCS, then its Finished");
      assert.equal(flights.s2c[1], [23], "both NewSessionTickets in one record");
    } else {
      // ServerHello, Certificate, ServerKeyExchange, ServerHelloDone in one plaintext record;
      // ClientKeyExchange, then CCS, then the Finished under the new key in a record of its own; the
      // server's NewSessionTicket, CCS, Finished likewise.
      assert.equal(flights.s2c[0], [22], version);
      assert.equal(flights.c2s[1], [22, 20, 22], version);
      assert.equal(flights.s2c[1], [22, 20, 22], version);
    }
    const echoed = until(() => s.data().length === 5, 5000, "data after the packed flights");
    await c.conn.write(utf8("hello"));
    await echoed;
  }
});

t("node provider, TLS 1.3 server: the flight leaves before the application secrets are derived", async () => {
  // They are needed once the client's Finished comes: derived while the client checks the flight, not
  // in the microtasks before it is written (with a provider that seals synchronously).
  const base = nodeProvider();
  const events: string[] = [];
  const label = utf8("tls13 c ap traffic");
  const names = (data: Uint8Array): boolean => data.some((_, i) => label.every((b, j) => data[i + j] === b));
  const server: CryptoProvider = {
    ...base,
    hmac: (hash, key, data) => {
      if (names(data)) events.push("application secret");
      return base.hmac(hash, key, data);
    },
  };
  const { client: c, server: s } = await makePair(clientOptions(base), serverOptions(server), {
    tamper: (dir, bytes) => {
      if (dir === "s2c" && recordTypes(bytes).includes(23) && events.every((e) => e !== "flight")) events.push("flight");
      return bytes;
    },
  });
  await Promise.all([c.conn.handshake, s.conn.handshake]);
  assert.equal(events.slice(0, 2), ["flight", "application secret"]);
});

t("node provider: a write that crosses the key's record limit updates the key between records", async () => {
  const provider = nodeProvider();
  const { client: c, server: s } = await makePair(clientOptions(provider, { limits: { keyUpdateAfterRecords: 2 } }), serverOptions(provider));
  await c.conn.handshake;
  await settled();
  const data = pattern(7 * 16384 + 5);
  await c.conn.write(pattern(16384)); // the synchronous path, to the edge of the key's limit
  await c.conn.write(data);
  await c.conn.write(utf8("tail"));
  await until(() => s.data().length === 16384 + data.length + 4);
  assert.ok(equalBytes(s.data().subarray(16384, 16384 + data.length), data));
  assert.is(c.error, null);
  assert.is(s.error, null);
});

/** A provider whose key derivations wait `delayMs` once `slow` is set: the window where an answer could fall behind. */
function slowDerivations(inner: CryptoProvider, delayMs: number): { provider: CryptoProvider; slow: { on: boolean } } {
  const slow = { on: false };
  const provider: CryptoProvider = Object.create(inner) as CryptoProvider;
  Object.assign(provider, {
    hmac: async (...args: Parameters<CryptoProvider["hmac"]>) => {
      if (slow.on) await new Promise((r) => setTimeout(r, delayMs));
      return inner.hmac(...args);
    },
  });
  return { provider, slow };
}

t("a KeyUpdate request is answered before our next application data record (RFC 8446 4.6.3)", async () => {
  const { provider, slow } = slowDerivations(nodeProvider(), 50);
  const fromClient: Uint8Array[] = [];
  const { client: c, server: s } = await makePair(clientOptions(provider), serverOptions(nodeProvider()), {
    tamper: (dir, bytes) => {
      if (dir === "c2s") fromClient.push(bytes);
      return bytes;
    },
  });
  await c.conn.handshake;
  await until(() => s.conn.state === "open");
  slow.on = true;
  fromClient.length = 0;
  await s.conn.updateKeys(true);
  // The client has read the request and is deriving its next read key (slowly) when the application writes.
  await new Promise((r) => setTimeout(r, 15));
  await c.conn.write(utf8("data"));
  await until(() => s.data().length === 4, 5000, "the data");
  const lengths = recordLengths(Uint8Array.from(fromClient.flatMap((b) => [...b])));
  // KeyUpdate: 4-byte handshake header + 1 byte; then "data".
  assert.equal(lengths.slice(0, 2), [5 + 1 + 16, 4 + 1 + 16], "the KeyUpdate answer went first");
  assert.is(utf8Decode(s.data()), "data");
  assert.is(c.error, null);
});

const utf8Decode = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A provider whose AEAD opens (or seals) are counted, to see how many run at once. */
function countingAead(inner: CryptoProvider, counted: "open" | "seal"): { provider: CryptoProvider; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const count = async <T>(run: () => Promise<T>): Promise<T> => {
    max = Math.max(max, ++inFlight);
    try {
      return await run();
    } finally {
      inFlight--;
    }
  };
  const provider: CryptoProvider = Object.create(inner) as CryptoProvider;
  Object.assign(provider, {
    aead: async (...args: Parameters<CryptoProvider["aead"]>): Promise<Aead> => {
      const aead = await inner.aead(...args);
      return {
        algorithm: aead.algorithm,
        seal: (n, a, p) => (counted === "seal" ? count(() => aead.seal(n, a, p)) : aead.seal(n, a, p)),
        open: (n, a, c) => (counted === "open" ? count(() => aead.open(n, a, c)) : aead.open(n, a, c)),
      };
    },
  });
  return { provider, maxInFlight: () => max };
}

t("webcrypto: several records open at once, in order, across a KeyUpdate inside the batch", async () => {
  const { provider, maxInFlight } = countingAead(await webcryptoProvider(), "open");
  const { client: c, server: s } = await makePair(clientOptions(provider), serverOptions(await webcryptoProvider()));
  await c.conn.handshake;
  await until(() => s.conn.state === "open");
  const first = pattern(6 * 16384);
  const second = pattern(6 * 16384 + 3).reverse();
  // Queued in one go: the client finds a KeyUpdate between records it has already started opening.
  void s.conn.write(first);
  void s.conn.updateKeys(false);
  await s.conn.write(second);
  await until(() => c.data().length === first.length + second.length, 10_000, "all data");
  assert.ok(equalBytes(c.data().subarray(0, first.length), first));
  assert.ok(equalBytes(c.data().subarray(first.length), second));
  assert.ok(maxInFlight() > 1, `opens in flight at once: ${maxInFlight()}`);
  assert.is(c.error, null);
});

t("node transport, webcrypto: the next write() is taken while earlier records are still being sealed", async () => {
  const { provider, maxInFlight } = countingAead(await webcryptoProvider(), "seal");
  const server = createServer({ cert: pki.certPem, key: pki.keyPem, provider: "webcrypto" }, (s) => s.on("data", () => undefined));
  await server.ready();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  const client = connect({ host: "127.0.0.1", port, servername: "localhost", ca: pki.caPem, provider });
  await new Promise<void>((resolve, reject) => client.once("secureConnect", () => resolve()).once("error", reject));
  // Writes of one record each, handed over one by one as the stream takes them (no writev batching).
  for (let i = 0; i < 32; i++) await new Promise<void>((r) => client.write(Buffer.alloc(16384, i), () => r()));
  await new Promise<void>((r) => client.end(() => r()));
  client.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  assert.ok(maxInFlight() > 1, `seals in flight at once: ${maxInFlight()}`);
});

/** Rewrites the record_size_limit our client offers (2^14+1, or 2^14 offering TLS 1.2 only) in the bytes of its ClientHello. */
function withRecordSizeLimit(bytes: Uint8Array, limit: number): Uint8Array {
  const ext = [0x00, 0x1c, 0x00, 0x02, 0x40];
  for (let i = 0; i + ext.length + 1 <= bytes.length; i++) {
    if (ext.every((b, j) => bytes[i + j] === b) && bytes[i + 5]! <= 1) {
      const out = bytes.slice();
      out[i + 4] = limit >> 8;
      out[i + 5] = limit & 0xff;
      return out;
    }
  }
  return bytes;
}

for (const version of ["TLSv1.3", "TLSv1.2"] as const) {
  t(`${version}: a record_size_limit below 64 is illegal_parameter (RFC 8449 4)`, async () => {
    const provider = nodeProvider();
    const options = { minVersion: version, maxVersion: version };
    const refused = await makePair(clientOptions(provider, options), serverOptions(provider, options), { tamper: (dir, b, i) => (dir === "c2s" && i === 0 ? withRecordSizeLimit(b, 63) : b) });
    const e = await rejection(refused.server.conn.handshake);
    assert.instance(e, TlsError);
    assert.is((e as TlsError).alert, "illegal_parameter");
    assert.is((e as TlsError & { reason: string }).reason, "RecordSizeLimitTooSmall");
  });
}

t.run();
