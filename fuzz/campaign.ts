// Runs one target's campaign in a worker thread and watches it: a synchronous hang (an execution that
// never returns to the event loop) cannot be interrupted from inside, so the main thread watches the
// worker's heartbeat, and when it stops for longer than the watchdog allows, terminates the worker,
// saves the input it was executing (from shared memory) as a hang finding, and starts a new worker for
// the remaining executions.
import { Worker } from "node:worker_threads";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { EXTENSIONS, type FindingRecord, InputSlot, type LoopSummary, type Progress } from "./harness.js";
import type { CoverageReport } from "./coverage.js";
import type { WorkerInput } from "./worker.js";

export interface CampaignOptions {
  readonly target: string;
  readonly runs: number;
  readonly seed: string;
  readonly timeoutMs: number;
  readonly coverage: boolean;
  readonly findingsDir: string | null;
  /** Stop after this long even if `runs` is not reached (0 = no limit). */
  readonly maxTimeMs?: number;
  readonly onProgress?: (target: string, p: Progress) => void;
  readonly onStart?: (target: string, description: string) => void;
}

export interface CampaignResult {
  readonly target: string;
  readonly description: string;
  readonly executions: number;
  readonly elapsedMs: number;
  /** Time spent executing inputs (setup, such as recording handshakes, excluded). */
  readonly loopMs: number;
  readonly corpus: number;
  readonly outcomes: Record<string, number>;
  readonly findings: FindingRecord[];
  readonly findingCount: number;
  /** Workers killed by the watchdog (each is a hang finding). */
  readonly restarts: number;
  readonly coverage: CoverageReport | null;
}

interface Segment {
  summary: LoopSummary | null;
  coverage: CoverageReport | null;
  hung: { executions: number; finding: FindingRecord; earlier: FindingRecord[] } | null;
  description: string;
}

function runSegment(o: CampaignOptions, runs: number, seed: string, knownFindings: readonly string[], saveHang: boolean): Promise<Segment> {
  const slot = InputSlot.create();
  const data: WorkerInput = {
    target: o.target,
    runs,
    seed,
    timeoutMs: o.timeoutMs,
    coverage: o.coverage,
    findingsDir: o.findingsDir,
    slot: slot.buffer,
    maxTimeMs: o.maxTimeMs ?? 0,
    knownFindings,
  };
  const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: data });
  const watchdogMs = Math.max(2 * o.timeoutMs, o.timeoutMs + 2000);
  return new Promise<Segment>((resolve, reject) => {
    let description = "";
    const reported: FindingRecord[] = [];
    let started = false;
    let beat = -1;
    let lastBeat = Date.now();
    const timer = setInterval(() => {
      if (!started) return;
      const now = slot.started;
      if (now !== beat) {
        beat = now;
        lastBeat = Date.now();
        return;
      }
      if (Date.now() - lastBeat < watchdogMs) return;
      clearInterval(timer);
      const { iteration, data: bytes, extIndex } = slot.read();
      const ext = EXTENSIONS[extIndex] ?? "bin";
      let file: string | null = null;
      const label = `hang (did not return to the event loop for ${watchdogMs} ms)`;
      if (o.findingsDir !== null && saveHang) {
        const dir = `${o.findingsDir}/${o.target}`;
        mkdirSync(dir, { recursive: true });
        const base = `${dir}/hang-${createHash("sha1").update(bytes).digest("hex").slice(0, 16)}`;
        writeFileSync(`${base}.${ext}`, bytes);
        writeFileSync(`${base}.txt`, `target: ${o.target}\nlabel: ${label}\nseed: ${seed}\niteration: ${iteration}\nreplay: npm run fuzz -- --target ${o.target} --replay ${base}.${ext}\n`);
        file = `${base}.${ext}`;
      }
      void worker.terminate().then(() =>
        resolve({ summary: null, coverage: null, description, hung: { executions: Math.max(0, now - 1), finding: { key: label, label, message: label, stack: "", count: 1, file, iteration }, earlier: reported } }),
      );
    }, 250);
    worker.on("message", (m: { type: string; [k: string]: unknown }) => {
      if (m.type === "started") {
        started = true;
        description = m.description as string;
        o.onStart?.(o.target, description);
      } else if (m.type === "finding") reported.push(m.finding as FindingRecord);
      else if (m.type === "progress") o.onProgress?.(o.target, m.progress as Progress);
      else if (m.type === "done") {
        clearInterval(timer);
        void worker.terminate();
        resolve({ summary: m.summary as LoopSummary, coverage: m.coverage as CoverageReport | null, hung: null, description });
      } else if (m.type === "error") {
        clearInterval(timer);
        void worker.terminate();
        reject(new Error(`fuzz worker for ${o.target} failed: ${m.message}\n${m.stack}`));
      }
    });
    worker.on("error", (e) => {
      clearInterval(timer);
      reject(e);
    });
  });
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const start = Date.now();
  const outcomes: Record<string, number> = {};
  const findings: FindingRecord[] = [];
  let findingCount = 0;
  let executions = 0;
  let loopMs = 0;
  let corpus = 0;
  let restarts = 0;
  let hangFiles = 0;
  let coverage: CoverageReport | null = null;
  let description = "";
  let remaining = o.runs;
  while (remaining > 0) {
    const budget = o.maxTimeMs ? o.maxTimeMs - (Date.now() - start) : 0;
    if (o.maxTimeMs && budget <= 0) break;
    const segStart = Date.now();
    const seg = await runSegment(
      { ...o, maxTimeMs: budget },
      remaining,
      restarts ? `${o.seed}/after-hang-${restarts}` : o.seed,
      findings.map((f) => f.key),
      hangFiles < 3,
    );
    description = seg.description || description;
    if (seg.hung) {
      restarts++;
      if (seg.hung.finding.file) hangFiles++;
      loopMs += Date.now() - segStart;
      executions += seg.hung.executions;
      remaining -= Math.max(1, seg.hung.executions);
      // Findings the killed worker had reported before it hung (their counts are lost with it).
      for (const f of seg.hung.earlier) if (!findings.some((x) => x.key === f.key)) findings.push(f);
      findingCount += seg.hung.earlier.length;
      const same = findings.find((f) => f.key === seg.hung!.finding.key);
      if (same) (same as { count: number }).count++;
      else findings.push(seg.hung.finding);
      findingCount++;
      outcomes[`FINDING ${seg.hung.finding.label}`] = (outcomes[`FINDING ${seg.hung.finding.label}`] ?? 0) + 1;
      if (restarts >= 20) break;
      continue;
    }
    const s = seg.summary!;
    executions += s.executions;
    loopMs += s.elapsedMs;
    corpus = s.corpus;
    findingCount += s.findingCount;
    for (const f of s.findings) {
      const known = findings.find((x) => x.key === f.key);
      if (known) (known as { count: number }).count += f.count;
      else findings.push(f);
    }
    for (const [k, v] of Object.entries(s.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
    coverage = seg.coverage;
    break;
  }
  return { target: o.target, description, executions, elapsedMs: Date.now() - start, loopMs, corpus, outcomes, findings, findingCount, restarts, coverage };
}
