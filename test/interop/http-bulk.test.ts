// Bulk HTTP over fipstls against node:https on 127.0.0.1 (node provider): a 50 MiB download
// byte-exact, timed next to node:tls's own https in the same run, and a slow reader that must not
// make fipstls buffer the stream.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as https from "node:https";
import type { IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createHash } from "node:crypto";
import { fetch as undiciFetch } from "undici";
import { Agent, TLSSocket, createUndiciAgent } from "../../src/node.js";
import { MIB, type Scope, interopPki, randomData, scoped, sha256, within } from "./peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const SIZE = 50 * MIB;
const payload = randomData(SIZE);
const digest = sha256(payload);

/** A node:https server that sends `payload` in 1 MiB writes, waiting for 'drain', and reports its progress. */
async function bulkServer(scope: Scope): Promise<{ port: number; sent: () => number }> {
  let sent = 0;
  const server = https.createServer({ cert: ecdsa.certPem, key: ecdsa.keyPem }, async (_req, res) => {
    res.writeHead(200, { "content-length": SIZE });
    for (sent = 0; sent < SIZE && !res.destroyed; sent += MIB) {
      if (res.write(payload.subarray(sent, sent + MIB))) continue;
      await new Promise<void>((resolve) => {
        const go = (): void => void (res.off("drain", go).off("close", go), resolve());
        res.on("drain", go).on("close", go);
      });
    }
    res.end();
  });
  scope.add(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  await within(new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())), "bulk server listen");
  return { port: (server.address() as AddressInfo).port, sent: () => sent };
}

function request(port: number, agent: https.Agent): Promise<IncomingMessage> {
  return within(
    new Promise((resolve, reject) => https.get({ host: "127.0.0.1", port, servername: "localhost", agent }, resolve).on("error", reject)),
    "the response head",
  );
}

/** Hashes a response to its end; resolves with [milliseconds since `start`, bytes, sha256]. */
function drain(res: IncomingMessage, start: number): Promise<[number, number, string]> {
  const hash = createHash("sha256");
  let bytes = 0;
  return within(
    new Promise((resolve, reject) => {
      res.on("data", (d: Buffer) => {
        hash.update(d);
        bytes += d.length;
      });
      res.on("end", () => resolve([performance.now() - start, bytes, hash.digest("hex")]));
      res.on("error", reject);
      res.resume();
    }),
    "the whole body",
    20_000,
  );
}

async function timedDownload(port: number, agent: https.Agent): Promise<number> {
  const start = performance.now();
  const [ms, bytes, hash] = await drain(await request(port, agent), start);
  assert.is(bytes, SIZE);
  assert.is(hash, digest);
  return ms;
}

const t = suite("interop: bulk HTTP over fipstls");

t(
  "a 50 MiB download arrives byte-exact, timed against node:tls in the same run (and through undici)",
  scoped(async (scope) => {
    const server = await bulkServer(scope);
    const ours = new Agent({ ca: pki.caPem, keepAlive: true });
    const theirs = new https.Agent({ ca: pki.caPem, keepAlive: true });
    scope.add(() => ours.destroy());
    scope.add(() => theirs.destroy());
    // Best of two each, alternating, so JIT warm-up and a noisy moment do not decide the ratio.
    const times = { fipstls: Infinity, node: Infinity };
    for (let i = 0; i < 2; i++) {
      times.fipstls = Math.min(times.fipstls, await timedDownload(server.port, ours));
      times.node = Math.min(times.node, await timedDownload(server.port, theirs));
    }
    console.log(`      50 MiB over https: fipstls ${times.fipstls.toFixed(0)} ms, node:tls ${times.node.toFixed(0)} ms (${(times.fipstls / times.node).toFixed(2)}x)`);
    assert.ok(times.fipstls < 10_000, `50 MiB took ${times.fipstls} ms`);

    const dispatcher = createUndiciAgent({ ca: pki.caPem });
    scope.add(() => dispatcher.destroy());
    const start = performance.now();
    const res = await within(undiciFetch(`https://localhost:${server.port}/`, { dispatcher }), "undici fetch");
    const body = new Uint8Array(await within(res.arrayBuffer(), "the fetched body", 20_000));
    console.log(`      50 MiB over undici fetch: fipstls ${(performance.now() - start).toFixed(0)} ms`);
    assert.is(body.length, SIZE);
    assert.is(sha256(body), digest);
  }),
);

t(
  "a paused reader keeps fipstls's buffers bounded while the server has 50 MiB to send; resuming gets every byte",
  scoped(async (scope) => {
    const server = await bulkServer(scope);
    const agent = new Agent({ ca: pki.caPem });
    scope.add(() => agent.destroy());
    const res = await request(server.port, agent);
    res.pause();
    const tls = res.socket as unknown as TLSSocket;
    const raw = tls.socket as Socket;
    // What this process holds of the stream between the kernel and the paused reader: the raw
    // socket's readable buffer, the deframer's undecrypted bytes (private: read here, in a test,
    // because that is the layer under test), the TLSSocket's plaintext buffer, and http's own
    // IncomingMessage buffer above it. Once the reader pauses, each stops at its high-water mark
    // and TCP's window pushes back on the server, which then waits for 'drain'.
    const deframer = (tls as unknown as { connection: { inbound: { bufferedBytes: number } } }).connection.inbound;
    const buffered = (): number => raw.readableLength + deframer.bufferedBytes + tls.readableLength + res.readableLength;
    let peak = 0;
    let last = -1;
    let stableSince = performance.now();
    // Sample until the server's progress has stood still for 300 ms (it is blocked on 'drain').
    await within(
      (async () => {
        while (performance.now() - stableSince < 300) {
          await new Promise((r) => setTimeout(r, 20));
          peak = Math.max(peak, buffered());
          if (server.sent() !== last) [last, stableSince] = [server.sent(), performance.now()];
        }
      })(),
      "the server to stall",
    );
    console.log(`      paused reader: ${(peak / 1024).toFixed(0)} KiB buffered at most in this process, ${(raw.bytesRead / MIB).toFixed(2)} MiB read from the socket, server stalled after writing ${server.sent() / MIB} of 50 MiB`);
    assert.ok(peak < 2 * MIB, `buffered ${peak} bytes`);
    assert.ok(raw.bytesRead < 4 * MIB, `read ${raw.bytesRead} bytes from the socket while paused`);
    assert.ok(server.sent() < SIZE, "the server could not send everything");
    const [, bytes, hash] = await drain(res, performance.now());
    assert.is(bytes, SIZE);
    assert.is(hash, digest);
  }),
);

t.run();
