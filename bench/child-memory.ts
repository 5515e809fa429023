// The metrics that need a fresh process per sample: peak RSS of a download, memory per idle
// connection, and the first handshake of a process. The stack under test runs in a child
// (child.ts); its node:tls peer runs here, so the child's RSS is that stack's alone.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Case, Metric, MetricEnv } from "./metrics.js";
import type { ChildMessage, ChildSpec, ChildTask, ParentMessage } from "./child.js";
import { type BenchSocket, endpoint, withTimeout } from "./stacks.js";
import { type ServeMode, download, serve } from "./traffic.js";

const CHILD = fileURLToPath(new URL("./child.js", import.meta.url));

/** A forked child with typed messages; every wait is bounded and the child is killed on failure. */
class Child {
  private readonly proc: ChildProcess;
  private readonly queue: ChildMessage[] = [];
  private waiter: ((m: ChildMessage) => void) | null = null;
  private exited: Error | null = null;

  constructor(spec: ChildSpec) {
    this.proc = fork(CHILD, [], {
      execArgv: ["--expose-gc"],
      env: { ...process.env, BENCH_CHILD: JSON.stringify(spec) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.proc.on("message", (m) => this.push(m as ChildMessage));
    this.proc.on("exit", (code, signal) => {
      this.exited = new Error(`child exited (${signal ?? code}) before answering`);
      this.waiter?.({ type: "error", message: this.exited.message });
    });
  }

  private push(m: ChildMessage): void {
    if (this.waiter) this.waiter(m);
    else this.queue.push(m);
  }

  async next(type: ChildMessage["type"], timeoutMs: number): Promise<ChildMessage> {
    const m =
      this.queue.shift() ??
      (this.exited
        ? ({ type: "error", message: this.exited.message } as const)
        : await withTimeout(new Promise<ChildMessage>((r) => (this.waiter = r)), timeoutMs, `child message '${type}'`).finally(() => (this.waiter = null)));
    if (m.type === "error") throw new Error(`child: ${m.message}`);
    if (m.type !== type) throw new Error(`child sent '${m.type}', expected '${type}'`);
    return m;
  }

  send(m: ParentMessage): void {
    this.proc.send(m);
  }

  /** Kills the child if it is still running (only this child, by its own handle). */
  stop(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill();
  }
}

async function runChild(task: ChildTask, c: Case, env: MetricEnv, serveMode: ServeMode): Promise<Record<string, number>> {
  const cfg = env.cfg;
  const ctx = { pki: env.pki, version: c.version, group: cfg.group, timeoutMs: cfg.timeoutMs };
  const peer = await endpoint("node:tls", ctx);
  const spec: ChildSpec = {
    task,
    role: c.role,
    stack: c.stack,
    version: c.version,
    group: cfg.group,
    pki: env.pki,
    bytes: cfg.rssBytes,
    connections: cfg.idleConnections,
    concurrency: cfg.concurrency,
    timeoutMs: cfg.timeoutMs,
  };
  const held: BenchSocket[] = [];
  let child: Child | undefined;
  let listener: { close(): Promise<void> } | undefined;
  try {
    if (c.role === "client") {
      const l = await peer.listen((s) => serve(s, serveMode));
      listener = l;
      child = new Child({ ...spec, port: l.port });
      const m = await child.next("result", cfg.timeoutMs + 10_000);
      return (m as { values: Record<string, number> }).values;
    }
    child = new Child(spec);
    const { port } = (await child.next("ready", cfg.timeoutMs)) as { port: number };
    if (task === "first") {
      held.push(await peer.dial(port));
      child.send({ cmd: "report" });
    } else if (task === "rss") {
      const s = await peer.dial(port);
      held.push(s);
      await withTimeout(download(s, cfg.rssBytes), cfg.timeoutMs, "download from child");
      child.send({ cmd: "report" });
    } else {
      held.push(await peer.dial(port));
      child.send({ cmd: "baseline" });
      await child.next("ack", cfg.timeoutMs);
      let started = 0;
      const worker = async (): Promise<void> => {
        while (started < cfg.idleConnections) {
          started++;
          held.push(await peer.dial(port));
        }
      };
      await Promise.all(Array.from({ length: cfg.concurrency }, worker));
      await new Promise((r) => setTimeout(r, 300));
      child.send({ cmd: "report" });
    }
    const m = await child.next("result", cfg.timeoutMs);
    return (m as { values: Record<string, number> }).values;
  } finally {
    for (const s of held) s.destroy();
    child?.stop();
    await listener?.close();
  }
}

export const CHILD_METRICS: readonly Metric[] = [
  {
    id: "first",
    label: "fresh-process handshake ms",
    unit: "ms",
    better: "lower",
    describe: () => "a new process (a child): from its start, loading the stack included, to its first secure connection",
    rounds: (cfg) => cfg.childRounds,
    run: async (c, env) => [(await runChild("first", c, env, { kind: "echo" })).ms!],
  },
  {
    id: "rss",
    label: "peak RSS MiB",
    unit: "MiB",
    better: "lower",
    describe: (cfg) => `peak RSS (VmHWM) of a child process that downloads (client role) or serves (server role) ${cfg.rssBytes / 2 ** 20} MiB over one connection (BENCH_RSS_MIB)`,
    rounds: (cfg) => cfg.childRounds,
    run: async (c, env) => [(await runChild("rss", c, env, { kind: "source", bytes: env.cfg.rssBytes, chunk: 64 * 1024 })).peakRssKiB! / 1024],
  },
  {
    id: "idle",
    label: "KiB/idle conn",
    unit: "KiB",
    better: "lower",
    describe: (cfg) => `RSS growth, after GC, of a child that opens (client role) or accepts (server role) ${cfg.idleConnections} idle connections, divided by ${cfg.idleConnections} (BENCH_IDLE_CONNS)`,
    rounds: (cfg) => cfg.idleRounds,
    run: async (c, env) => [(await runChild("idle", c, env, { kind: "hold" })).kibPerConnection!],
  },
];
