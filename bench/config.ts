// The benchmark's knobs (environment variables) and the fixed choices that make the comparison
// fair: both stacks are pinned to one suite per version and one key-exchange group, so a ratio
// compares implementations, not algorithms.
import type { CipherSuiteName } from "../src/index.js";

export type Version = "TLSv1.2" | "TLSv1.3";
export type Role = "client" | "server";
/**
 * "node:tls" is the reference; then fipstls with one provider each; any other name is an optional
 * JavaScript stack from optional-stacks.ts.
 */
export type StackName = "node:tls" | "fipstls/node" | "fipstls/webcrypto" | (string & {});

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(raw)}`);
  return v;
}

function versions(): Version[] {
  const raw = process.env.BENCH_VERSION ?? "both";
  if (raw === "both") return ["TLSv1.3", "TLSv1.2"];
  if (raw === "TLSv1.2" || raw === "TLSv1.3") return [raw];
  throw new Error(`BENCH_VERSION must be TLSv1.2, TLSv1.3 or both, not ${JSON.stringify(raw)}`);
}

/** Key-exchange groups both stacks can be pinned to: fipstls's name → node:tls's ecdhCurve name. */
export const GROUPS = { secp256r1: "P-256", x25519: "X25519", secp384r1: "P-384" } as const;
export type BenchGroup = keyof typeof GROUPS;

function group(): BenchGroup {
  const raw = process.env.BENCH_GROUP ?? "secp256r1";
  if (!(raw in GROUPS)) throw new Error(`BENCH_GROUP must be one of ${Object.keys(GROUPS).join(", ")}, not ${JSON.stringify(raw)}`);
  return raw as BenchGroup;
}

/** One AES-128-GCM suite per version (IANA name for fipstls, OpenSSL name for node:tls). */
export const SUITES: Readonly<Record<Version, { iana: CipherSuiteName; openssl: string }>> = {
  "TLSv1.3": { iana: "TLS_AES_128_GCM_SHA256", openssl: "TLS_AES_128_GCM_SHA256" },
  "TLSv1.2": { iana: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", openssl: "ECDHE-ECDSA-AES128-GCM-SHA256" },
};

export const MiB = 1024 * 1024;

export interface BenchConfig {
  rounds: number;
  /**
   * Rounds of the child-process metrics (peak RSS, fresh-process handshake), which cost a process each.
   * Five by default: with three, one build's fresh-process ratio read 1.01 and 1.39 in runs minutes apart.
   */
  childRounds: number;
  /** Rounds of memory per idle connection: each opens BENCH_IDLE_CONNS connections per row. */
  idleRounds: number;
  versions: Version[];
  group: BenchGroup;
  bulkBytes: number;
  smallBytes: number;
  smallWrite: number;
  /** Sequential handshakes per (stack, role) and round, for the latency medians. */
  handshakes: number;
  /** Handshakes per (stack, role) and round spread over `concurrency` clients. */
  concurrentHandshakes: number;
  concurrency: number;
  rssBytes: number;
  idleConnections: number;
  only: RegExp | null;
  /** Stack rows to run (a regex of stack names; node:tls is the reference every ratio needs). */
  stacks: RegExp | null;
  timeoutMs: number;
}

export function loadConfig(): BenchConfig {
  const only = process.env.BENCH_ONLY;
  const stacks = process.env.BENCH_STACKS;
  return {
    rounds: Math.round(num("BENCH_ROUNDS", 5)),
    childRounds: Math.round(num("BENCH_CHILD_ROUNDS", 5)),
    idleRounds: Math.round(num("BENCH_IDLE_ROUNDS", 1)),
    versions: versions(),
    group: group(),
    bulkBytes: Math.round(num("BENCH_BULK_MIB", 32) * MiB),
    smallBytes: Math.round(num("BENCH_SMALL_MIB", 4) * MiB),
    smallWrite: 1024,
    handshakes: Math.round(num("BENCH_HANDSHAKES", 24)),
    concurrentHandshakes: Math.round(num("BENCH_CONCURRENT_HANDSHAKES", 64)),
    concurrency: 16,
    rssBytes: Math.round(num("BENCH_RSS_MIB", 32) * MiB),
    idleConnections: Math.round(num("BENCH_IDLE_CONNS", 1000)),
    only: only ? new RegExp(only) : null,
    stacks: stacks ? new RegExp(stacks) : null,
    timeoutMs: num("BENCH_TIMEOUT_MS", 60_000),
  };
}

export const STACKS: readonly StackName[] = ["node:tls", "fipstls/node", "fipstls/webcrypto"];
export const ROLES: readonly Role[] = ["client", "server"];
