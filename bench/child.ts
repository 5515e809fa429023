// Runs in a child process (forked by child-memory.ts), so that its memory and start-up belong to
// one stack alone: it loads only the stack it measures, runs one task, reports over IPC and exits.
// The peer (always node:tls) lives in the parent.
import { readFileSync } from "node:fs";
import type { Role, StackName, Version, BenchGroup } from "./config.js";
import { type BenchSocket, type Pki, endpoint, withTimeout } from "./stacks.js";
import { download, serve } from "./traffic.js";

export type ChildTask = "first" | "rss" | "idle";

export interface ChildSpec {
  task: ChildTask;
  role: Role;
  stack: StackName;
  version: Version;
  group: BenchGroup;
  pki: Pki;
  /** The parent's server, when the child is the client. */
  port?: number;
  bytes: number;
  connections: number;
  concurrency: number;
  timeoutMs: number;
}

/** Messages child → parent. */
export type ChildMessage =
  | { type: "ready"; port: number }
  | { type: "ack" }
  | { type: "result"; values: Record<string, number> }
  | { type: "error"; message: string };
/** Messages parent → child (server role: the parent drives the connections). */
export type ParentMessage = { cmd: "baseline" } | { cmd: "report" };

const send = (m: ChildMessage): Promise<void> => new Promise((r) => process.send!(m, () => r()));
const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  // Twice: the first pass may only queue finalizers.
  g?.();
  g?.();
};
/**
 * Peak RSS of this process. Linux's getrusage maxRSS survives exec, so a child forked from a big
 * parent would report the parent's size: VmHWM (this address space's high-water mark) does not.
 */
function peakRssKiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}
const memory = (): Record<string, number> => {
  const m = process.memoryUsage();
  return { rssKiB: m.rss / 1024, heapUsedKiB: m.heapUsed / 1024, externalKiB: m.external / 1024, peakRssKiB: peakRssKiB() };
};
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function onParent(handler: (m: ParentMessage) => void): void {
  process.on("message", (m) => handler(m as ParentMessage));
}

async function main(spec: ChildSpec): Promise<Record<string, number>> {
  const startRssKiB = process.memoryUsage().rss / 1024;
  const ep = await endpoint(spec.stack, { pki: spec.pki, version: spec.version, group: spec.group, timeoutMs: spec.timeoutMs });
  const t = spec.timeoutMs;
  if (spec.role === "client") {
    const port = spec.port!;
    if (spec.task === "first") {
      const s = await ep.dial(port);
      // performance.now() counts from the start of this process.
      const ms = performance.now();
      s.destroy();
      return { ms };
    }
    if (spec.task === "rss") {
      const s = await ep.dial(port);
      await withTimeout(download(s, spec.bytes), t, "child download");
      const m = { ...memory(), startRssKiB };
      s.destroy();
      return m;
    }
    // idle: one warm-up connection stays open, so code loading is not counted per connection.
    const held: BenchSocket[] = [await ep.dial(port)];
    await settle(200);
    gc();
    const before = memory();
    let started = 0;
    const worker = async (): Promise<void> => {
      while (started < spec.connections) {
        started++;
        held.push(await ep.dial(port));
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, worker));
    // TLS 1.3 tickets come after the handshake; let them land before measuring.
    await settle(300);
    gc();
    const after = memory();
    const result = perConnection(before, after, spec.connections, held.length - 1);
    for (const s of held) s.destroy();
    return result;
  }

  // Server role: listen, tell the parent where, and answer its commands.
  let secure = 0;
  let firstMs = 0;
  let firstSeen!: () => void;
  const first = new Promise<void>((r) => (firstSeen = r));
  const mode = spec.task === "rss" ? ({ kind: "source", bytes: spec.bytes, chunk: 64 * 1024 } as const) : ({ kind: "hold" } as const);
  const listener = await ep.listen((s) => {
    if (secure++ === 0) {
      firstMs = performance.now();
      firstSeen();
    }
    serve(s, mode);
  });
  let before: Record<string, number> = {};
  const reported = new Promise<Record<string, number>>((resolve) =>
    onParent((m) => {
      if (m.cmd === "baseline") {
        gc();
        before = memory();
        void send({ type: "ack" });
      } else {
        gc();
        const after = memory();
        resolve(spec.task === "idle" ? perConnection(before, after, spec.connections, secure - 1) : { ...after, startRssKiB });
      }
    }),
  );
  await send({ type: "ready", port: listener.port });
  if (spec.task === "first") await withTimeout(first, t, "first connection");
  // Close only when the parent says its side is done: a TLS 1.2 server is secure before its
  // Finished has reached the client, and closing then would fail the parent's handshake.
  const result = await withTimeout(reported, t, "parent's report command");
  await listener.close();
  return spec.task === "first" ? { ms: firstMs } : result;
}

function perConnection(before: Record<string, number>, after: Record<string, number>, wanted: number, open: number): Record<string, number> {
  if (open !== wanted) throw new Error(`${open} of ${wanted} idle connections were established`);
  return {
    kibPerConnection: (after.rssKiB! - before.rssKiB!) / wanted,
    heapKibPerConnection: (after.heapUsedKiB! - before.heapUsedKiB!) / wanted,
    externalKibPerConnection: (after.externalKiB! - before.externalKiB!) / wanted,
    rssBeforeKiB: before.rssKiB!,
    rssAfterKiB: after.rssKiB!,
  };
}

if (process.send) {
  const spec = JSON.parse(process.env.BENCH_CHILD ?? "{}") as ChildSpec;
  // Never outlive the parent's patience, even if a socket hangs.
  setTimeout(() => process.exit(3), spec.timeoutMs + 5000).unref();
  main(spec).then(
    async (values) => {
      await send({ type: "result", values });
      process.exit(0);
    },
    async (e: unknown) => {
      await send({ type: "error", message: e instanceof Error ? e.message : String(e) });
      process.exit(1);
    },
  );
}
