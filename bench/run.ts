// npm run bench: fipstls (node and webcrypto providers, client and server roles, TLS 1.3 and 1.2)
// against node:tls in the same run, on 127.0.0.1. Every (stack, role) runs once per metric and
// round, in an order that rotates each round, so drift in the machine's load hits all rows alike;
// the table shows medians and ratios to node:tls. Knobs: BENCH_ROUNDS, BENCH_CHILD_ROUNDS,
// BENCH_IDLE_ROUNDS, BENCH_VERSION (TLSv1.2 | TLSv1.3 | both), BENCH_ONLY (regex of metric ids), BENCH_BULK_MIB,
// BENCH_SMALL_MIB, BENCH_HANDSHAKES, BENCH_CONCURRENT_HANDSHAKES, BENCH_RSS_MIB, BENCH_IDLE_CONNS,
// BENCH_GROUP, BENCH_STACKS (regex of stack names), BENCH_TIMEOUT_MS. `--update-readme` also
// rewrites the README's table. Other JavaScript stacks join when installed (optional-stacks.ts).
import { writeFileSync } from "node:fs";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { MiB, ROLES, STACKS, loadConfig, type Role, type StackName, type Version } from "./config.js";
import { CHILD_METRICS } from "./child-memory.js";
import { type Case, type Metric, type MetricEnv, PROCESS_METRICS, caseKey } from "./metrics.js";
import { type OptionalStack, probeOptionalStacks } from "./optional-stacks.js";
import { type CaseResult, type Results, finish, machine, textTable } from "./report.js";
import { RESULTS_PATH, updateReadme } from "./readme-table.js";

const started = performance.now();
const cfg = loadConfig();
const host = machine();
const pki = await makeThrowawayPki();

const wanted = (s: StackName): boolean => cfg.stacks === null || cfg.stacks.test(s);
const probes = await probeOptionalStacks(wanted, cfg.versions, cfg.group, pki.caPem);
for (const p of probes) console.error(p.line);
const stacks: StackName[] = [...STACKS.filter(wanted), ...probes.filter((p) => p.status === "ready").map((p) => p.stack.name)];
if (stacks.length === 0) throw new Error(`BENCH_STACKS=${String(cfg.stacks)} matches no stack; names: ${[...STACKS, ...probes.map((p) => p.stack.name)].join(", ")}`);
if (!stacks.includes("node:tls")) console.error("BENCH_STACKS leaves out node:tls: the table will have no ratios");
const optional = (s: StackName): OptionalStack | undefined => probes.find((p) => p.stack.name === s)?.stack;
const plays = (s: StackName, role: Role, version: Version): boolean => optional(s)?.rowUnsupported({ role, version, group: cfg.group }) == null;

const cases: Case[] = [];
for (const version of cfg.versions) for (const role of ROLES) for (const stack of stacks) if (plays(stack, role, version)) cases.push({ stack, role, version });

const selected = (m: Metric): boolean => cfg.only === null || cfg.only.test(m.id);
const metrics = [...PROCESS_METRICS, ...CHILD_METRICS].filter(selected);
if (metrics.length === 0) throw new Error(`BENCH_ONLY=${String(cfg.only)} matches no metric; ids: ${[...PROCESS_METRICS, ...CHILD_METRICS].map((m) => m.id).join(", ")}`);

/** Why a stack cannot measure a metric in a row ("n/a" in the table), or null. */
const notApplicable = (c: Case, id: string): string | null => optional(c.stack)?.metricUnsupported(id, { ...c, group: cfg.group }) ?? null;
const results: CaseResult[] = cases.map((c) => ({
  ...c,
  metrics: Object.fromEntries(metrics.map((m) => [m.id, { samples: [], median: null, ratio: null, errors: [], na: notApplicable(c, m.id) }])),
}));
const resultOf = (c: Case): CaseResult => results.find((r) => caseKey(r) === caseKey(c))!;
const negotiated: Results["negotiated"] = {};
const env: MetricEnv = { cfg, pki, negotiated: (v, what) => void (negotiated[v] ??= what) };

/** The cases in this round's order: a rotation, so no row always goes first (or right after a slow one). */
const rotated = (round: number, metricIndex: number): Case[] => {
  const k = (round * 5 + metricIndex) % cases.length;
  return [...cases.slice(k), ...cases.slice(0, k)];
};

/** Seconds spent per metric, so a developer can see what to trim with the knobs. */
const spent: Record<string, number> = {};

async function measure(m: Metric, round: number, index: number): Promise<void> {
  const t0 = performance.now();
  for (const c of rotated(round, index)) {
    const r = resultOf(c).metrics[m.id]!;
    if (r.na) continue;
    try {
      r.samples.push(...(await m.run(c, env)));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      r.errors.push(message);
      console.error(`  ${m.id} ${caseKey(c)}: ${message}`);
    }
  }
  spent[m.id] = (spent[m.id] ?? 0) + (performance.now() - t0) / 1000;
}

// Warm-up (discarded): load and JIT every stack's code paths before the first timed round.
const warm = { ...cfg, handshakes: 3, bulkBytes: MiB };
for (const c of cases) {
  for (const m of PROCESS_METRICS.filter((x) => (x.id === "handshake" || x.id === "download") && notApplicable(c, x.id) === null)) {
    await m.run(c, { ...env, cfg: warm }).catch((e: unknown) => console.error(`  warm-up ${m.id} ${caseKey(c)}: ${String(e)}`));
  }
}

const roundsOf = (m: Metric): number => m.rounds?.(cfg) ?? cfg.rounds;
console.error(`${cases.length} rows × ${metrics.length} metrics, rounds: ${metrics.map((m) => `${m.id} ${roundsOf(m)}`).join(", ")}`);
for (let round = 0; round < Math.max(...metrics.map(roundsOf)); round++) {
  const t0 = performance.now();
  for (const [i, m] of metrics.entries()) if (round < roundsOf(m)) await measure(m, round, i);
  console.error(`round ${round + 1}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
console.error(`seconds per metric: ${Object.entries(spent).map(([id, s]) => `${id} ${s.toFixed(1)}`).join(", ")}`);

finish(results);
const res: Results = {
  machine: host,
  settings: { ...cfg, only: cfg.only?.source ?? null, stacks: cfg.stacks?.source ?? null, secondsPerMetric: spent },
  negotiated,
  metrics: metrics.map(({ id, label, unit, better, describe }) => ({ id, label, unit, better, describe: describe(cfg) })),
  cases: results,
  optionalStacks: probes.map((p) => p.line),
  durationSeconds: (performance.now() - started) / 1000,
};
writeFileSync(RESULTS_PATH, JSON.stringify(res, null, 2) + "\n");
console.log(textTable(res));
console.log(`\nresults: ${RESULTS_PATH}`);
if (process.argv.includes("--update-readme")) console.log(updateReadme());

// Everything was closed; if some handle still lingers, say so rather than hang.
setTimeout(() => {
  console.error("bench: a handle is still open after the run; exiting");
  process.exit(1);
}, 5000).unref();
