// A socket whose writer the kernel keeps up with does not hold the event loop: its write()s complete no
// earlier than the loop's next turn, so the other sockets of the process (here the node:tls peer reading
// it) are served while it writes. node:tls's do not wait so: it completes writes within the turn until
// the kernel's buffer is full (megabytes on loopback). Counted in bytes written before a setImmediate
// runs, not timed. Also checks that a run of 1 KiB writes is sealed as full records, not a small record
// for the first write of each run.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import { connect, type TLSSocket } from "../../src/node.js";
import { interopPki, within } from "./peers.js";

const TOTAL = 8 * 1024 * 1024;
const CHUNK = 1024;

const t = suite("interop: a busy writer leaves the event loop to the rest of the process");
const cert = () => interopPki().certs.find((c) => c.kind === "ecdsa-p256")!;

t("1 KiB writes to a node:tls peer in the same process: few complete before the next turn, and records are full", async () => {
  let receivedAll!: () => void;
  const received = new Promise<void>((r) => (receivedAll = r));
  let got = 0;
  const server = tls.createServer({ cert: cert().certPem, key: cert().keyPem }, (s) => {
    s.on("data", (d: Buffer) => {
      got += d.length;
      if (got >= TOTAL) receivedAll();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const c: TLSSocket = connect({ port: (server.address() as AddressInfo).port, host: "127.0.0.1", servername: "localhost", ca: interopPki().caPem });
    // The server's tickets read first (node:tls sends them after the handshake), so that only the writes below run.
    const ticket = new Promise<void>((resolve) => c.once("session", () => resolve()));
    await within(new Promise<void>((resolve, reject) => c.once("secureConnect", resolve).once("error", reject)), "handshake");
    await within(ticket, "a session ticket");
    const recordSizes: number[] = [];
    const raw = (c as unknown as { socket: { write: (b: Uint8Array, cb?: unknown) => boolean } }).socket;
    const rawWrite = raw.write.bind(raw);
    raw.write = (b, cb) => {
      for (let at = 0; at + 5 <= b.length; at += 5 + ((b[at + 3]! << 8) | b[at + 4]!)) recordSizes.push((b[at + 3]! << 8) | b[at + 4]!);
      return rawWrite(b, cb);
    };

    let completed = 0;
    let sent = 0;
    const chunk = Buffer.alloc(CHUNK, 0x5a);
    const pump = (): void => {
      while (sent < TOTAL) {
        sent += CHUNK;
        if (!c.write(chunk, () => void (completed += CHUNK))) return void c.once("drain", pump);
      }
    };
    pump();
    const completedByNextTurn = await new Promise<number>((r) => setImmediate(() => r(completed)));
    await within(received, "the peer received everything");
    c.destroy();

    // One batch of writes (the write buffer is 64 KiB) may complete before the next turn; without the
    // yield, writes went on completing until the kernel's socket buffer (megabytes on loopback) was full.
    assert.ok(completedByNextTurn <= 128 * 1024, `${completedByNextTurn} bytes of writes completed before the next turn`);
    // Every record but the last of each batch is full: 16 KiB of plaintext plus the content type and tag.
    const small = recordSizes.filter((n) => n < 16 * 1024).length;
    const batches = Math.ceil(TOTAL / (64 * 1024));
    assert.ok(small <= batches, `${small} short records in ${recordSizes.length}, for at least ${batches} batches`);
  } finally {
    server.close();
  }
});

t.run();
