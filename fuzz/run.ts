// `npm run fuzz`: structured mutation fuzzing of fipstls's parsers and state machines.
//
//   npm run fuzz -- [--target NAME[,NAME...]] [--runs N] [--seed S] [--timeout-ms MS]
//                   [--max-time SECONDS] [--no-coverage] [--markdown FILE] [--replay FILE]
//
// Targets run one after another, each in a worker thread watched for hangs. Findings (stray
// exceptions, unhandled rejections, hangs, broken contracts) are saved to fuzz/findings/<target>/ with
// their stack; the exit code is 1 when there are any. See docs/fuzzing.md.
import { readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import process from "node:process";
import { runCampaign, type CampaignResult } from "./campaign.js";
import { coverageByFolder, formatCoverage } from "./coverage.js";
import { EXTRA_TARGETS, TARGET_NAMES, makeTarget } from "./targets/index.js";
import { replayOne } from "./harness.js";
import { FINDINGS_DIR, ROOT } from "./paths.js";

interface Args {
  targets: string[];
  runs: number;
  seed: string;
  timeoutMs: number;
  maxTimeS: number;
  coverage: boolean;
  markdown: string | null;
  replay: string | null;
  quiet: boolean;
}

function usage(message?: string): never {
  if (message) console.error(`fuzz: ${message}`);
  console.error(
    "usage: npm run fuzz -- [--target NAME[,NAME...]] [--runs N] [--seed S] [--timeout-ms MS] [--max-time SECONDS] [--no-coverage] [--markdown FILE] [--replay FILE] [--quiet]\n" +
      `targets: ${TARGET_NAMES.join(", ")} (default: all)`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { targets: [], runs: 10000, seed: "fipstls", timeoutMs: 1000, maxTimeS: 0, coverage: true, markdown: null, replay: null, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    switch (flag) {
      case "--target":
      case "--targets":
        a.targets.push(...value().split(",").filter(Boolean));
        break;
      case "--runs":
        a.runs = Number(value());
        break;
      case "--seed":
        a.seed = value();
        if (a.seed === "random") a.seed = String(Date.now());
        break;
      case "--timeout-ms":
        a.timeoutMs = Number(value());
        break;
      case "--max-time":
        a.maxTimeS = Number(value());
        break;
      case "--no-coverage":
        a.coverage = false;
        break;
      case "--markdown":
        a.markdown = value();
        break;
      case "--replay":
        a.replay = value();
        break;
      case "--quiet":
        a.quiet = true;
        break;
      case "--help":
      case "-h":
        usage();
      // falls through (usage exits)
      default:
        usage(`unknown argument ${arg}`);
    }
  }
  if (!Number.isInteger(a.runs) || a.runs < 0) usage("--runs must be a non-negative integer");
  if (!(a.timeoutMs > 0)) usage("--timeout-ms must be positive");
  for (const t of a.targets) if (!TARGET_NAMES.includes(t as never) && !EXTRA_TARGETS.includes(t as never)) usage(`unknown target ${t}`);
  if (a.targets.length === 0) a.targets = [...TARGET_NAMES];
  return a;
}

function summary(r: CampaignResult, args: Args): string[] {
  const rate = r.loopMs > 0 ? (r.executions / (r.loopMs / 1000)).toFixed(0) : "-";
  const distinct = r.findings.length;
  const lines = [
    `== ${r.target}: ${r.description}`,
    `executions ${r.executions} in ${(r.loopMs / 1000).toFixed(1)} s (${rate} exec/s; ${(r.elapsedMs / 1000).toFixed(1)} s with setup), corpus ${r.corpus}, ` +
      `findings ${r.findingCount} (${distinct} distinct)${r.restarts ? `, ${r.restarts} worker restart(s) after hangs` : ""}`,
  ];
  const kinds = Object.entries(r.outcomes).sort((a, b) => b[1] - a[1]);
  lines.push(`outcome kinds: ${kinds.length}`);
  for (const [k, n] of kinds.slice(0, args.quiet ? 12 : 40)) lines.push(`  ${String(n).padStart(9)}  ${k}`);
  if (kinds.length > (args.quiet ? 12 : 40)) lines.push(`  … ${kinds.length - (args.quiet ? 12 : 40)} more`);
  if (r.coverage) {
    lines.push(`coverage: ${formatCoverage(r.coverage)}${r.restarts ? " (last worker only)" : ""}`);
    for (const l of coverageByFolder(r.coverage)) lines.push(`  ${l}`);
  }
  for (const f of r.findings) {
    lines.push(`FINDING x${f.count}: ${f.label}`);
    if (f.file) lines.push(`  input: ${f.file.startsWith(ROOT) ? f.file.slice(ROOT.length + 1) : f.file}`);
    const stack = f.stack.split("\n").slice(0, 8).join("\n    ");
    if (stack) lines.push(`    ${stack}`);
  }
  return lines;
}

function markdown(results: CampaignResult[], args: Args, started: Date): string {
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    if (dirty) commit += " (working tree had uncommitted changes)";
  } catch {
    // not a git checkout
  }
  const out = [
    `## Fuzzing run of ${started.toISOString()}`,
    "",
    `node ${process.version}, commit ${commit}, seed \`${args.seed}\`, per-execution timeout ${args.timeoutMs} ms, ${args.runs} executions per target requested.`,
    "",
    "| target | executions | exec/s | findings (distinct) | functions covered | source bytes covered |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    const c = r.coverage;
    const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : "n/a");
    out.push(
      `| ${r.target} | ${r.executions} | ${r.loopMs ? (r.executions / (r.loopMs / 1000)).toFixed(0) : "-"} | ${r.findingCount} (${r.findings.length}) | ` +
        `${c ? `${c.functionsCovered}/${c.functions} (${pct(c.functionsCovered, c.functions)})` : "-"} | ${c ? pct(c.bytesCovered, c.bytes) : "-"} |`,
    );
  }
  out.push("", "<details><summary>Per-target output</summary>", "", "```");
  for (const r of results) out.push(...summary(r, args), "");
  out.push("```", "", "</details>", "");
  return out.join("\n");
}

async function replay(args: Args): Promise<void> {
  const file = args.replay!;
  const name = args.targets.length === 1 ? args.targets[0]! : /findings\/([a-z]+)\//.exec(file)?.[1] ?? /corpus\/([a-z]+)\//.exec(file)?.[1];
  if (!name) usage("--replay needs --target NAME (or a file under fuzz/findings/<target>/)");
  const target = makeTarget(name);
  await target.setup();
  const ext = file.slice(file.lastIndexOf(".") + 1);
  const outcome = await replayOne(target, { ext, data: new Uint8Array(readFileSync(file)) }, args.timeoutMs);
  console.log(`${name}: ${outcome.kind} ${outcome.label}`);
  if (outcome.kind === "finding") {
    if (outcome.error instanceof Error) console.log(outcome.error.stack);
    if (outcome.detail) console.log(outcome.detail);
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.replay) return replay(args);
  const started = new Date();
  const results: CampaignResult[] = [];
  for (const target of args.targets) {
    let lastLog = 0;
    const r = await runCampaign({
      target,
      runs: args.runs,
      seed: args.seed,
      timeoutMs: args.timeoutMs,
      coverage: args.coverage,
      findingsDir: FINDINGS_DIR,
      maxTimeMs: args.maxTimeS * 1000,
      onStart: (t, d) => !args.quiet && console.log(`fuzzing ${t}: ${d}`),
      onProgress: (t, p) => {
        if (args.quiet || p.elapsedMs - lastLog < 10000) return;
        lastLog = p.elapsedMs;
        console.log(`  ${t}: ${p.executions} executions, ${(p.executions / (p.elapsedMs / 1000)).toFixed(0)}/s, corpus ${p.corpus}, findings ${p.findings}`);
      },
    });
    results.push(r);
    console.log(summary(r, args).join("\n") + "\n");
    if (args.markdown) writeFileSync(`${args.markdown}.partial`, markdown(results, args, started));
  }
  console.log("target        executions    exec/s   findings   functions   bytes");
  for (const r of results) {
    const c = r.coverage;
    const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : "-");
    console.log(
      `${r.target.padEnd(12)} ${String(r.executions).padStart(11)} ${(r.loopMs ? (r.executions / (r.loopMs / 1000)).toFixed(0) : "-").padStart(9)} ${String(r.findingCount).padStart(10)}` +
        `   ${(c ? pct(c.functionsCovered, c.functions) : "-").padStart(9)} ${(c ? pct(c.bytesCovered, c.bytes) : "-").padStart(7)}`,
    );
  }
  if (args.markdown) appendFileSync(args.markdown, markdown(results, args, started) + "\n");
  if (results.some((r) => r.findingCount > 0)) {
    console.log(`\nfindings saved under ${FINDINGS_DIR.slice(ROOT.length + 1)}/<target>/ (replay one with --replay FILE)`);
    process.exitCode = 1;
  }
}

await main();
