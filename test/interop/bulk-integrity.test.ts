// Bulk data arrives intact, byte for byte, in both directions against node:tls: a run of distinct
// 64 KiB write()s under backpressure. The record path reuses its output buffers once a net.Socket has
// taken the bytes (Outbound's shared pool, refilled from write callbacks), and the node provider frees
// node:crypto's outputs as soon as they are copied, so a buffer handed back or freed too early would
// show up here as a wrong digest.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import type { Duplex } from "node:stream";
import { connect, createServer } from "../../src/node.js";
import { interopPki, within } from "./peers.js";

const TOTAL = 10 * 1024 * 1024;

/** Chunk i: every byte depends on i and its position, so a reused or reordered buffer changes the digest. */
function chunk(i: number, size: number, into: Buffer = Buffer.allocUnsafe(size)): Buffer {
  for (let j = 0; j < size; j += 4) into.writeUInt32LE((i * 2654435761 + j) >>> 0, j);
  return into;
}

function expectedDigest(size: number): string {
  const h = createHash("sha256");
  for (let i = 0; i < TOTAL / size; i++) h.update(chunk(i, size));
  return h.digest("hex");
}

/**
 * Writes every chunk as an application would (waiting for 'drain'), then ends. A write's callback
 * scribbles over its buffer and keeps it for a later chunk, as the stream contract allows: a write still
 * read after its callback (a small write carried into the next batch) would change the digest.
 */
function sendAll(s: Duplex, size: number): void {
  let i = 0;
  const free: Buffer[] = [];
  const pump = (): void => {
    while (i < TOTAL / size) {
      const b = chunk(i++, size, free.pop());
      const scribble = (): void => void free.push(b.fill(0xee));
      if (!s.write(b, scribble)) return void s.once("drain", pump);
    }
    s.end();
  };
  pump();
}

/**
 * SHA-256 of everything `s` delivers until it ends. The reader stalls for a moment first, so that the
 * kernel's socket buffers fill and the sender's writes go from immediate to queued.
 */
function digestOf(s: Duplex): Promise<string> {
  const h = createHash("sha256");
  s.pause();
  s.on("data", (d: Buffer) => h.update(d));
  setTimeout(() => s.resume(), 300);
  return new Promise((resolve, reject) => {
    s.once("end", () => resolve(h.digest("hex")));
    s.once("error", reject);
  });
}

/** Everything `s` delivers until it ends, as text. */
function textUntilEnd(s: Duplex): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let text = "";
    s.on("data", (d: Buffer) => (text += d.toString()));
    s.once("end", () => resolve(text));
    s.once("error", reject);
  });
}

const t = suite("interop: bulk data intact against node:tls");
const cert = () => interopPki().certs.find((c) => c.kind === "ecdsa-p256")!;

// 64 KiB writes fill four records; 4 KiB ones stay below the stream's high-water mark, so a write may
// complete while its bytes still wait in the raw socket; 1 KiB ones are joined (_writev) in a buffer
// the sockets share, the first of each run carried into the batch behind it.
for (const [version, size] of [["TLSv1.3", 65536], ["TLSv1.3", 4096], ["TLSv1.3", 1024], ["TLSv1.2", 65536], ["TLSv1.2", 4096], ["TLSv1.2", 1024]] as const) {
  t(`${version}: fipstls client uploads 10 MiB in distinct ${size / 1024} KiB writes to node:tls`, async () => {
    let received: Promise<string> | undefined;
    const server = tls.createServer({ cert: cert().certPem, key: cert().keyPem, maxVersion: version, allowHalfOpen: true }, (s) => {
      received = digestOf(s);
      void received.then((d) => s.end(d), () => s.destroy());
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const c = connect({ port: (server.address() as AddressInfo).port, host: "127.0.0.1", servername: "localhost", ca: interopPki().caPem, maxVersion: version, allowHalfOpen: true });
      const answer = textUntilEnd(c);
      c.once("secureConnect", () => sendAll(c, size));
      assert.is(await within(answer, "node:tls's digest"), expectedDigest(size));
      c.destroy();
    } finally {
      server.close();
    }
  });

  t(`${version}: fipstls server sends 10 MiB in distinct ${size / 1024} KiB writes to node:tls`, async () => {
    const server = createServer({ cert: cert().certPem, key: cert().keyPem, maxVersion: version }, (s) => sendAll(s, size));
    await server.ready();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const c = tls.connect({ port: (server.address() as AddressInfo).port, host: "127.0.0.1", servername: "localhost", ca: interopPki().caPem, maxVersion: version });
      assert.is(await within(digestOf(c), "our server's data"), expectedDigest(size));
      c.destroy();
    } finally {
      server.close();
    }
  });
}

// The join buffer is shared by every socket of the process, and WebCrypto seals after the join returns:
// two uploads at once, one per provider, each must still arrive as it was written.
t("two fipstls clients, node and WebCrypto providers, upload 1 KiB writes to node:tls at the same time", async () => {
  const received: Promise<string>[] = [];
  const server = tls.createServer({ cert: cert().certPem, key: cert().keyPem, allowHalfOpen: true }, (s) => {
    const digest = digestOf(s);
    received.push(digest);
    void digest.then((d) => s.end(d), () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const upload = (provider: "node" | "webcrypto"): Promise<string> => {
      const c = connect({ port: (server.address() as AddressInfo).port, host: "127.0.0.1", servername: "localhost", ca: interopPki().caPem, provider, allowHalfOpen: true });
      c.once("secureConnect", () => sendAll(c, 1024));
      return textUntilEnd(c).finally(() => c.destroy());
    };
    const answers = await within(Promise.all([upload("node"), upload("webcrypto")]), "node:tls's digests");
    assert.equal(answers, [expectedDigest(1024), expectedDigest(1024)]);
    assert.is(received.length, 2);
  } finally {
    server.close();
  }
});

// Small writes are carried into the batch behind them: around cork()/uncork(), and with end() right
// after, every byte still arrives once and in order.
for (const provider of ["node", "webcrypto"] as const) {
  t(`${provider} provider: small writes around cork(), uncork() and end() arrive in order`, async () => {
    const server = tls.createServer({ cert: cert().certPem, key: cert().keyPem, allowHalfOpen: true }, (s) => {
      void textUntilEnd(s).then((text) => s.end(text), () => s.destroy());
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const c = connect({ port: (server.address() as AddressInfo).port, host: "127.0.0.1", servername: "localhost", ca: interopPki().caPem, provider, allowHalfOpen: true });
      const answer = textUntilEnd(c);
      c.once("secureConnect", () => {
        c.write("a1.");
        c.write("a2.");
        queueMicrotask(() => {
          c.cork();
          c.write("b1.");
          c.write("b2.");
          process.nextTick(() => c.uncork());
        });
        setImmediate(() => {
          c.write("c1.");
          c.write("c2.");
          c.end("c3.");
        });
      });
      assert.is(await within(answer, "node:tls's copy"), "a1.a2.b1.b2.c1.c2.c3.");
      c.destroy();
    } finally {
      server.close();
    }
  });

  // The first of two writes is carried and its callback runs before it is sealed: a callback that
  // destroys the socket must still see it sent, as it would have been without the carry. (Node
  // provider only: with WebCrypto a write's callback means its records are queued for sealing, and
  // destroy() drops what is still being sealed, with or without the carry.)
  if (provider === "node") t(`${provider} provider: a write whose callback destroys the socket still leaves`, async () => {
    // Wrapped, so that the promise of the text is not adopted by the one of the connection.
    let accepted!: (server: { received: Promise<string> }) => void;
    const established = new Promise<{ received: Promise<string> }>((resolve) => (accepted = resolve));
    const server = tls.createServer({ cert: cert().certPem, key: cert().keyPem }, (s) => {
      const received = new Promise<string>((resolve) => {
        let text = "";
        s.on("data", (d: Buffer) => (text += d.toString()));
        s.on("error", () => undefined);
        s.once("close", () => resolve(text));
      });
      accepted({ received });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const c = connect({ port: (server.address() as AddressInfo).port, host: "127.0.0.1", servername: "localhost", ca: interopPki().caPem, provider });
      c.on("error", () => undefined);
      await within(new Promise((resolve) => c.once("secureConnect", resolve)), "handshake");
      const { received } = await within(established, "node:tls's 'secureConnection'");
      c.write("first.", () => c.destroy());
      c.write("second.");
      await within(new Promise((resolve) => c.once("close", resolve)), "our close");
      assert.is(await within(received, "node:tls's copy"), "first.");
    } finally {
      server.close();
    }
  });
}

t.run();
