// npm run bench: fipstls (node and webcrypto providers) against node:tls in the same run, on
// 127.0.0.1: full and resumed handshakes per second and bulk transfer throughput. Numbers are reported as
// ratios to node:tls, since absolute figures say more about the machine than about the code.
import * as tls from "node:tls";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { connect, createServer } from "../src/node.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";

const pki = await makeThrowawayPki();
const HANDSHAKES = Number(process.env.BENCH_HANDSHAKES ?? 200);
const BULK_BYTES = Number(process.env.BENCH_BULK_MIB ?? 64) * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 7);
/** BENCH_VERSION=TLSv1.2 measures TLS 1.2 on every stack; TLS 1.3 by default. */
const VERSION = (process.env.BENCH_VERSION ?? "TLSv1.3") as "TLSv1.2" | "TLSv1.3";
if (VERSION !== "TLSv1.2" && VERSION !== "TLSv1.3") throw new Error(`BENCH_VERSION must be TLSv1.2 or TLSv1.3, not ${String(VERSION)}`);
const range = { minVersion: VERSION, maxVersion: VERSION } as const;

type Stack = "node:tls" | "fipstls/node" | "fipstls/webcrypto";
interface Endpoint {
  listen(onSocket: (s: Duplex) => void): Promise<{ port: number; close(): Promise<void> }>;
  /** `onSession` sees every session the connection receives (TLS 1.3 tickets come after the handshake). */
  dial(port: number, session?: Buffer, onSession?: (s: Buffer) => void): Promise<Duplex>;
}

function endpoint(stack: Stack): Endpoint {
  if (stack === "node:tls") {
    return {
      async listen(onSocket) {
        const s = tls.createServer({ cert: pki.certPem, key: pki.keyPem, ...range }, onSocket);
        await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
        return { port: (s.address() as AddressInfo).port, close: () => new Promise((r) => s.close(() => r())) };
      },
      dial: (port, session, onSession) =>
        new Promise((resolve, reject) => {
          const c = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ca: pki.caPem, ...range, ...(session ? { session } : {}) }, () => resolve(c));
          if (onSession) c.on("session", onSession);
          c.once("error", reject);
        }),
    };
  }
  const provider = stack === "fipstls/node" ? "node" : "webcrypto";
  return {
    async listen(onSocket) {
      const s = createServer({ cert: pki.certPem, key: pki.keyPem, provider, ...range }, onSocket);
      await s.ready();
      await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
      return { port: (s.address() as AddressInfo).port, close: () => new Promise((r) => s.close(() => r())) };
    },
    dial: (port, session, onSession) =>
      new Promise((resolve, reject) => {
        const c = connect({ host: "127.0.0.1", port, servername: "localhost", ca: pki.caPem, provider, ...range, ...(session ? { session } : {}) }, () => resolve(c));
        if (onSession) c.on("session", onSession);
        c.once("error", reject);
      }),
  };
}

/** Full handshakes per second, or resumed ones: every dial offers the session of one first connection. */
async function handshakesPerSecond(stack: Stack, resumed = false): Promise<number> {
  const e = endpoint(stack);
  const server = await e.listen((s) => s.on("error", () => undefined));
  let session: Buffer | undefined;
  if (resumed) {
    let resolveSession!: (s: Buffer) => void;
    const received = new Promise<Buffer>((r) => (resolveSession = r));
    const first = await e.dial(server.port, undefined, (s) => resolveSession(s));
    session = await received;
    first.destroy();
  }
  const start = performance.now();
  for (let i = 0; i < HANDSHAKES; i++) {
    const c = await e.dial(server.port, session);
    if (resumed && !(c as tls.TLSSocket).isSessionReused()) throw new Error(`${stack}: a handshake offering a session was not resumed`);
    c.destroy();
  }
  const seconds = (performance.now() - start) / 1000;
  await server.close();
  return HANDSHAKES / seconds;
}

async function bulkMiBPerSecond(stack: Stack): Promise<number> {
  const e = endpoint(stack);
  const server = await e.listen((s) => {
    let sent = 0;
    const pump = (): void => {
      while (sent < BULK_BYTES) {
        sent += chunk.length;
        if (!s.write(chunk)) return void s.once("drain", pump);
      }
      s.end();
    };
    pump();
  });
  const c = await e.dial(server.port);
  const start = performance.now();
  let got = 0;
  await new Promise<void>((resolve, reject) => {
    c.on("data", (d: Buffer) => {
      got += d.length;
      if (got >= BULK_BYTES) resolve();
    });
    c.on("error", reject);
  });
  const seconds = (performance.now() - start) / 1000;
  c.destroy();
  await server.close();
  return BULK_BYTES / (1024 * 1024) / seconds;
}

const stacks: Stack[] = ["node:tls", "fipstls/node", "fipstls/webcrypto"];
const results: Record<string, { hs: number; resumed: number; bulk: number }> = {};
for (const s of stacks) results[s] = { hs: await handshakesPerSecond(s), resumed: await handshakesPerSecond(s, true), bulk: await bulkMiBPerSecond(s) };
const base = results["node:tls"]!;
console.log(`fipstls benchmark, ${VERSION}: ${HANDSHAKES} handshakes (ECDSA P-256, default group), ${BULK_BYTES / 1048576} MiB server-to-client, loopback, one connection at a time\n`);
console.log("stack               handshakes/s   vs node:tls   resumed/s   vs node:tls   resumed/full   bulk MiB/s   vs node:tls");
for (const s of stacks) {
  const r = results[s]!;
  const cells = [
    r.hs.toFixed(0).padStart(12),
    (r.hs / base.hs).toFixed(2).padStart(11),
    r.resumed.toFixed(0).padStart(9),
    (r.resumed / base.resumed).toFixed(2).padStart(11),
    (r.resumed / r.hs).toFixed(2).padStart(12),
    r.bulk.toFixed(0).padStart(10),
    (r.bulk / base.bulk).toFixed(2).padStart(11),
  ];
  console.log(`${s.padEnd(18)}  ${cells.join("   ")}`);
}
