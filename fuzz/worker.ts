// One fuzzing campaign for one target, inside a worker thread (see campaign.ts for why).
import { parentPort, workerData } from "node:worker_threads";
import { InputSlot, runLoop } from "./harness.js";
import { startCoverage, takeCoverage } from "./coverage.js";

export interface WorkerInput {
  readonly target: string;
  readonly runs: number;
  readonly seed: string;
  readonly timeoutMs: number;
  readonly coverage: boolean;
  readonly findingsDir: string | null;
  readonly slot: SharedArrayBuffer;
  readonly maxTimeMs: number;
  readonly knownFindings: readonly string[];
}

const input = workerData as WorkerInput;
const port = parentPort!;

try {
  // Coverage starts before the target's modules are imported, so they are instrumented from the start.
  const session = input.coverage ? await startCoverage() : null;
  const { makeTarget } = await import("./targets/index.js");
  const target = makeTarget(input.target);
  await target.setup();
  port.postMessage({ type: "started", description: target.description });
  const summary = await runLoop(target, {
    runs: input.runs,
    seed: input.seed,
    timeoutMs: input.timeoutMs,
    findingsDir: input.findingsDir,
    slot: new InputSlot(input.slot),
    maxTimeMs: input.maxTimeMs,
    knownFindings: input.knownFindings,
    onFinding: (f) => port.postMessage({ type: "finding", finding: f }),
    onProgress: (p) => port.postMessage({ type: "progress", progress: p }),
  });
  const coverage = session ? await takeCoverage(session, target.coverage) : null;
  port.postMessage({ type: "done", summary, coverage });
} catch (e) {
  port.postMessage({ type: "error", message: (e as Error).message, stack: (e as Error).stack });
}
