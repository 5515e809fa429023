// The results file (bench/results.json: machine, settings, every sample and median) and the one
// table made from it, as plain text for stdout and as Markdown for the README.
import * as os from "node:os";
import type { Role, StackName, Version } from "./config.js";

export interface MetricInfo {
  id: string;
  label: string;
  unit: string;
  better: "higher" | "lower";
  describe: string;
}

export interface CaseResult {
  stack: StackName;
  role: Role;
  version: Version;
  /**
   * Per metric id: every sample, their median, the ratio to node:tls in the same role, failures,
   * and, when the stack cannot measure it, why ("n/a" in the table; nothing is run).
   */
  metrics: Record<string, { samples: number[]; median: number | null; ratio: number | null; errors: string[]; na?: string | null }>;
}

export interface Machine {
  cpu: string;
  cpus: number;
  memoryGiB: number;
  os: string;
  node: string;
  openssl: string;
  loadAverageAtStart: number[];
  date: string;
}

export interface Results {
  machine: Machine;
  settings: Record<string, unknown>;
  /** Per version, what a connection negotiated ("TLSv1.3 TLS_AES_128_GCM_SHA256 prime256v1"). */
  negotiated: Partial<Record<Version, string>>;
  metrics: MetricInfo[];
  cases: CaseResult[];
  optionalStacks: string[];
  durationSeconds: number;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cpus: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    openssl: process.versions.openssl ?? "unknown",
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Medians, then ratios to the node:tls row of the same role and version. */
export function finish(cases: CaseResult[]): void {
  for (const c of cases) for (const m of Object.values(c.metrics)) m.median = median(m.samples);
  for (const c of cases) {
    const ref = cases.find((r) => r.stack === "node:tls" && r.role === c.role && r.version === c.version);
    for (const [id, m] of Object.entries(c.metrics)) {
      const base = ref?.metrics[id]?.median;
      m.ratio = m.median !== null && base ? m.median / base : null;
    }
  }
}

const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const arrow = (m: MetricInfo): string => (m.better === "higher" ? "↑" : "↓");

function cell(r: CaseResult, m: MetricInfo): string {
  const x = r.metrics[m.id];
  if (x?.na) return "n/a";
  if (!x || (x.samples.length === 0 && x.errors.length === 0)) return "–";
  if (x.median === null) return "failed";
  const ratio = x.ratio === null ? "" : ` ×${x.ratio.toFixed(2)}`;
  return `${fmt(x.median)}${ratio}${x.errors.length ? "!" : ""}`;
}

const rowName = (r: CaseResult): string => (r.stack === "node:tls" ? "node:tls (reference)" : r.stack);

/** Rows and columns of the table; metrics nobody ran are left out. */
function grid(res: Results): { head: string[]; rows: string[][]; measured: MetricInfo[] } {
  const measured = res.metrics.filter((m) => res.cases.some((c) => (c.metrics[m.id]?.samples.length ?? 0) + (c.metrics[m.id]?.errors.length ?? 0) > 0));
  const head = ["TLS", "stack", "role", ...measured.map((m) => `${m.label} ${arrow(m)}`)];
  const rows = res.cases.map((r) => [r.version.replace("TLSv", ""), rowName(r), r.role, ...measured.map((m) => cell(r, m))]);
  return { head, rows, measured };
}

/** One line per (stack, reason) for the "n/a" cells, naming the columns it explains. */
function notApplicable(res: Results, measured: MetricInfo[]): string[] {
  const reasons = new Map<string, Set<string>>();
  for (const c of res.cases)
    for (const m of measured) {
      const na = c.metrics[m.id]?.na;
      if (!na) continue;
      const key = `${c.stack}\u0000${na}`;
      if (!reasons.has(key)) reasons.set(key, new Set());
      reasons.get(key)!.add(`${m.label} (TLS ${c.version.replace("TLSv", "")} ${c.role})`);
    }
  return [...reasons].map(([key, where]) => {
    const [stack, why] = key.split("\u0000");
    return `n/a, ${stack}: ${[...where].join(", ")}: ${why}.`;
  });
}

function legend(measured: MetricInfo[]): string[] {
  const lines = [
    "Each cell: median, then ×ratio = this row ÷ the node:tls row of the same role and version, measured in the same run, interleaved.",
    "↑ speed ratio, higher is better (×1.20 = 20% faster than node:tls); ↓ time or memory ratio, lower is better (×0.80 = 20% less).",
    "Role client: the stack's client against a node:tls server. Role server: a node:tls client against the stack's server.",
    "The two node:tls rows are the same pair measured separately; where a metric does not depend on the role their spread shows the noise.",
    "\"!\": some samples failed (see results.json); \"failed\": all did.",
  ];
  for (const m of measured) lines.push(`${m.label}: ${m.describe}.`);
  return lines;
}

function header(res: Results): string[] {
  const m = res.machine;
  const s = res.settings;
  const neg = Object.entries(res.negotiated).map(([v, what]) => `${v}: ${what}`);
  return [
    `fipstls vs node:tls, ${m.date.slice(0, 10)}, ${m.cpu} ×${m.cpus}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, OpenSSL ${m.openssl}, load average at start ${m.loadAverageAtStart.join(" ")}`,
    `negotiated (ECDSA P-256 certificate): ${neg.join("; ") || "?"}`,
    `rounds ${String(s.rounds)} (fresh-process and peak RSS ${String(s.childRounds)}, idle connections ${String(s.idleRounds)}), loopback 127.0.0.1, whole run ${res.durationSeconds.toFixed(0)} s`,
  ];
}

export function textTable(res: Results): string {
  const { head, rows, measured } = grid(res);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const out = [...header(res), "", line(head)];
  let last = "";
  for (const r of rows) {
    if (last && r[0] !== last) out.push("");
    last = r[0]!;
    out.push(line(r));
  }
  out.push("", ...legend(measured), ...notApplicable(res, measured));
  for (const o of res.optionalStacks) out.push(o);
  return out.join("\n");
}

export function markdownTable(res: Results): string {
  const { head, rows, measured } = grid(res);
  const out = [...header(res).map((l) => `${l}  `), "", `| ${head.join(" | ")} |`, `|${head.map((_, i) => (i < 3 ? "---" : "---:")).join("|")}|`];
  for (const r of rows) out.push(`| ${r.join(" | ")} |`);
  out.push("", ...[...legend(measured), ...notApplicable(res, measured)].map((l) => `- ${l}`));
  // One bullet per stack: a line may itself hold semicolons (what it plays, how it verifies).
  for (const o of res.optionalStacks) out.push(`- Other JavaScript stack: ${o}.`);
  return out.join("\n");
}
