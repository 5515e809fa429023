// The metrics measured inside this process: both ends of each connection run here, so a figure
// is the cost of the whole exchange on one event loop (the node:tls end is the same in every row
// of a role, which keeps ratios meaningful). Memory and start-up need a process of their own: see
// child-memory.ts.
import { MiB, type BenchConfig, type Role, type StackName, type Version } from "./config.js";
import { type BenchSession, type BenchSocket, type Endpoint, type Pki, describeNegotiated, endpoint, withTimeout } from "./stacks.js";
import { type ServeMode, download, roundTrip, serve, upload } from "./traffic.js";

/** One row of the table: fipstls (or node:tls, the reference) in one role, at one version. */
export interface Case {
  stack: StackName;
  role: Role;
  version: Version;
}

export const caseKey = (c: Case): string => `${c.stack} ${c.role} ${c.version}`;

export interface Metric {
  /** Matched by BENCH_ONLY. */
  id: string;
  /** Column heading; the unit is part of it. */
  label: string;
  unit: string;
  better: "higher" | "lower";
  /** What one sample is, with this run's settings. */
  describe: (cfg: BenchConfig) => string;
  /** Rounds this metric runs (default cfg.rounds): those that fork a process per sample run fewer. */
  rounds?: (cfg: BenchConfig) => number;
  run(c: Case, env: MetricEnv): Promise<number[]>;
}

export interface MetricEnv {
  cfg: BenchConfig;
  pki: Pki;
  /** Called with what each version negotiated, for the header. */
  negotiated(version: Version, what: string): void;
}

const now = (): number => performance.now();
const mib = (bytes: number): string => `${bytes / MiB} MiB`;
const BULK_CHUNK = 64 * 1024;

/** Client and server endpoints of a case: the stack under test on its role's side, node:tls on the other. */
async function pair(c: Case, env: MetricEnv): Promise<{ client: Endpoint; server: Endpoint }> {
  const ctx = { pki: env.pki, version: c.version, group: env.cfg.group, timeoutMs: env.cfg.timeoutMs };
  const [client, server] = await Promise.all([endpoint(c.role === "client" ? c.stack : "node:tls", ctx), endpoint(c.role === "server" ? c.stack : "node:tls", ctx)]);
  return { client, server };
}

/** Runs `body` against a server in `mode`, and closes everything whatever happens. */
async function withServer<T>(c: Case, env: MetricEnv, mode: ServeMode, body: (dial: (o?: Parameters<Endpoint["dial"]>[1]) => Promise<BenchSocket>) => Promise<T>): Promise<T> {
  const { client, server } = await pair(c, env);
  const listener = await server.listen((s) => serve(s, mode));
  const sockets = new Set<BenchSocket>();
  const dial = async (o?: Parameters<Endpoint["dial"]>[1]): Promise<BenchSocket> => {
    const s = await client.dial(listener.port, o);
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
    return s;
  };
  try {
    return await body(dial);
  } finally {
    for (const s of sockets) s.destroy();
    await listener.close();
  }
}

/** MiB/s of one transfer, timed from the first application byte to the last one's arrival (or its acknowledgement). */
async function transfer(c: Case, env: MetricEnv, direction: "down" | "up", bytes: number, chunk: number): Promise<number[]> {
  const mode: ServeMode = direction === "down" ? { kind: "source", bytes, chunk } : { kind: "sink", bytes };
  return withServer(c, env, mode, async (dial) => {
    const s = await dial();
    const t0 = now();
    const work = direction === "down" ? download(s, bytes) : upload(s, bytes, chunk);
    await withTimeout(work, env.cfg.timeoutMs, `${caseKey(c)} ${direction} ${bytes} bytes`);
    return [bytes / MiB / ((now() - t0) / 1000)];
  });
}

/** Milliseconds from dial to the first echoed byte, `n` times in a row, each on a new connection. */
async function latencies(c: Case, env: MetricEnv, resumed: boolean): Promise<number[]> {
  return withServer(c, env, { kind: "echo" }, async (dial) => {
    let session: BenchSession = undefined;
    if (resumed) {
      // TLS 1.3 tickets arrive after the handshake: the round trip makes the client read them.
      let got!: (s: BenchSession) => void;
      const first = new Promise<BenchSession>((r) => (got = r));
      const s = await dial({ onSession: (x) => got(x) });
      await withTimeout(roundTrip(s), env.cfg.timeoutMs, `${caseKey(c)} round trip`);
      session = await withTimeout(first, env.cfg.timeoutMs, `${caseKey(c)} 'session' event`);
      s.destroy();
    }
    const samples: number[] = [];
    for (let i = 0; i < env.cfg.handshakes; i++) {
      const t0 = now();
      const s = await dial(session !== undefined ? { session } : {});
      await withTimeout(roundTrip(s), env.cfg.timeoutMs, `${caseKey(c)} round trip`);
      samples.push(now() - t0);
      if (i === 0 && !resumed) env.negotiated(c.version, describeNegotiated(s));
      if (resumed && !s.isSessionReused()) throw new Error(`${caseKey(c)}: a connection offering a session was not resumed`);
      s.destroy();
    }
    return samples;
  });
}

/** Full handshakes per second with `concurrency` clients dialing at once (each: handshake, one echoed byte, close). */
async function concurrent(c: Case, env: MetricEnv): Promise<number[]> {
  return withServer(c, env, { kind: "echo" }, async (dial) => {
    const total = env.cfg.concurrentHandshakes;
    let started = 0;
    const worker = async (): Promise<void> => {
      while (started < total) {
        started++;
        const s = await dial();
        await withTimeout(roundTrip(s), env.cfg.timeoutMs, `${caseKey(c)} round trip`);
        s.destroy();
      }
    };
    const t0 = now();
    await Promise.all(Array.from({ length: env.cfg.concurrency }, worker));
    return [total / ((now() - t0) / 1000)];
  });
}

export const PROCESS_METRICS: readonly Metric[] = [
  {
    id: "download",
    label: "download MiB/s",
    unit: "MiB/s",
    better: "higher",
    describe: (cfg) => `server → client, ${mib(cfg.bulkBytes)} in 64 KiB writes on one connection (BENCH_BULK_MIB)`,
    run: (c, env) => transfer(c, env, "down", env.cfg.bulkBytes, BULK_CHUNK),
  },
  {
    id: "upload",
    label: "upload MiB/s",
    unit: "MiB/s",
    better: "higher",
    describe: (cfg) => `client → server, ${mib(cfg.bulkBytes)} in 64 KiB writes on one connection (BENCH_BULK_MIB)`,
    run: (c, env) => transfer(c, env, "up", env.cfg.bulkBytes, BULK_CHUNK),
  },
  {
    id: "small",
    label: "1 KiB writes MiB/s",
    unit: "MiB/s",
    better: "higher",
    describe: (cfg) => `${mib(cfg.smallBytes)} in 1 KiB write()s by the side under test (client role: upload; server role: download; BENCH_SMALL_MIB)`,
    run: (c, env) => transfer(c, env, c.role === "client" ? "up" : "down", env.cfg.smallBytes, env.cfg.smallWrite),
  },
  {
    id: "handshake",
    label: "handshake ms",
    unit: "ms",
    better: "lower",
    describe: (cfg) => `full handshake, from dial to the first echoed byte, one connection at a time, ${cfg.handshakes} a round (BENCH_HANDSHAKES)`,
    run: (c, env) => latencies(c, env, false),
  },
  {
    id: "hs16",
    label: "handshakes/s, 16 clients",
    unit: "1/s",
    better: "higher",
    describe: (cfg) => `full handshakes per second, ${cfg.concurrency} clients at once (handshake, one echoed byte, close), ${cfg.concurrentHandshakes} a round (BENCH_CONCURRENT_HANDSHAKES)`,
    run: concurrent,
  },
  {
    id: "resumed",
    label: "resumed ms",
    unit: "ms",
    better: "lower",
    describe: (cfg) => `resumed handshake (session from the 'session' event, isSessionReused() checked), from dial to the first echoed byte, ${cfg.handshakes} a round`,
    run: (c, env) => latencies(c, env, true),
  },
];
