// The fuzzing loop: pick an input from the in-memory corpus, mutate it, execute it against a target,
// classify the outcome, keep inputs that produce a new outcome signature (cheap feedback), and save
// findings. Runs inside a worker (see campaign.ts), which lets the main thread catch hangs that never
// yield; asynchronous hangs are caught here by the per-execution timeout.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { TlsError } from "../src/errors.js";
import { Rng } from "./rng.js";

/** How an execution ended. */
export type Outcome =
  /** The input was accepted (a value, a completed handshake, a connection left waiting for more). */
  | { readonly kind: "ok"; readonly label: string; readonly extra?: string }
  /** The input was refused the way the project refuses bad input (a TlsError, a typed error). */
  | { readonly kind: "expected"; readonly label: string; readonly extra?: string }
  /** Anything else: a stray exception, an unhandled rejection, a hang, a broken contract. */
  | { readonly kind: "finding"; readonly label: string; readonly error?: unknown; readonly detail?: string };

export interface Serialized {
  /** File extension for a saved input: "der", "pem", "json", "bin"... */
  readonly ext: string;
  readonly data: Uint8Array;
}

export interface Target<I> {
  readonly name: string;
  readonly description: string;
  /** Compiled paths (relative to dist/) whose coverage this target is judged by. */
  readonly coverage: readonly string[];
  setup(): Promise<void>;
  seeds(): I[];
  mutate(input: I, rng: Rng, other: I | undefined): I;
  execute(input: I, timeoutMs: number): Outcome | Promise<Outcome>;
  serialize(input: I): Serialized;
  deserialize(s: Serialized): I;
}

export interface LoopOptions {
  readonly runs: number;
  readonly seed: string;
  readonly timeoutMs: number;
  /** Where findings go (one folder per target); null: do not write files. */
  readonly findingsDir: string | null;
  /** The shared input slot the watchdog reads when an execution never returns (see campaign.ts). */
  readonly slot?: InputSlot;
  readonly onProgress?: (p: Progress) => void;
  /** Stop after this many milliseconds even if `runs` is not reached (0 = no limit). */
  readonly maxTimeMs?: number;
  /** Finding keys already saved by an earlier worker of the same campaign (not saved again). */
  readonly knownFindings?: readonly string[];
  /** Told about each new distinct finding as it is saved. */
  readonly onFinding?: (f: FindingRecord) => void;
}

export interface Progress {
  readonly executions: number;
  readonly findings: number;
  readonly corpus: number;
  readonly elapsedMs: number;
}

export interface FindingRecord {
  /** Label and the first project frames of the stack: what tells one bug from another. */
  readonly key: string;
  readonly label: string;
  readonly message: string;
  readonly stack: string;
  readonly count: number;
  readonly file: string | null;
  readonly iteration: number;
}

export interface LoopSummary {
  readonly target: string;
  readonly executions: number;
  readonly elapsedMs: number;
  readonly corpus: number;
  readonly outcomes: Record<string, number>;
  readonly findings: FindingRecord[];
  readonly findingCount: number;
}

/** Shared memory the loop writes each input into before executing it. */
export class InputSlot {
  readonly header: Int32Array;
  readonly bytes: Uint8Array;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, 4);
    this.bytes = new Uint8Array(buffer, 16);
  }
  static create(size = 1 << 20): InputSlot {
    return new InputSlot(new SharedArrayBuffer(16 + size));
  }
  /** Iteration of the input in the slot (-1 for seeds). */
  get iteration(): number {
    return Atomics.load(this.header, 0);
  }
  /** Executions started so far (the watchdog's heartbeat). */
  get started(): number {
    return Atomics.load(this.header, 3);
  }
  write(iteration: number, s: Serialized, extIndex: number): void {
    const n = Math.min(s.data.length, this.bytes.length);
    this.bytes.set(s.data.subarray(0, n));
    Atomics.store(this.header, 1, n);
    Atomics.store(this.header, 2, extIndex);
    Atomics.store(this.header, 0, iteration);
    Atomics.add(this.header, 3, 1);
  }
  read(): { iteration: number; data: Uint8Array; extIndex: number } {
    const n = Atomics.load(this.header, 1);
    return { iteration: Atomics.load(this.header, 0), data: this.bytes.slice(0, n), extIndex: Atomics.load(this.header, 2) };
  }
}

export const EXTENSIONS = ["bin", "der", "pem", "json", "txt"];

/** Inputs larger than this (serialized) are executed but not kept in the corpus. */
const MAX_KEPT_INPUT = 512 * 1024;

// ---- classification helpers ----

const normalize = (s: string): string =>
  s
    .replace(/0x[0-9a-f]+/gi, "0x#")
    .replace(/[0-9a-f]{8,}/gi, "#")
    .replace(/\d+/g, "N")
    .replace(/"[^"]*"/g, '"…"')
    .slice(0, 80);

/** A short, stable name for an error: class, reason, and a normalised message where there is no reason. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return `non-Error:${typeof e}`;
  const r = e as Error & { reason?: unknown; alert?: unknown; position?: unknown; descriptionName?: unknown };
  if (typeof r.reason === "string") return `${e.name}:${r.reason}${typeof r.position === "number" ? `@${r.position}` : ""}`;
  if (typeof r.descriptionName === "string") return `${e.name}:${r.descriptionName}`;
  const alert = typeof r.alert === "string" ? `${r.alert}:` : "";
  return `${e.name}:${alert}${normalize(e.message)}`;
}

/** TlsError (any subclass) is the project's way of refusing peer input; anything else is a finding. */
export function classifyTlsError(e: unknown, extra?: string): Outcome {
  if (e instanceof TlsError) return { kind: "expected", label: describeError(e), ...(extra !== undefined ? { extra } : {}) };
  return { kind: "finding", label: `uncaught ${describeError(e)}`, error: e };
}

/** The first frames of a stack inside the project, to tell one bug from another. */
function stackKey(e: unknown): string {
  if (!(e instanceof Error) || !e.stack) return "";
  return e.stack
    .split("\n")
    .slice(1)
    .filter((l) => !l.includes("node:internal") && !l.includes("/fuzz/"))
    .slice(0, 3)
    .map((l) => l.replace(/:\d+:\d+\)?$/, "").trim())
    .join(" | ");
}

const sha = (b: Uint8Array): string => createHash("sha1").update(b).digest("hex").slice(0, 16);

// ---- the loop ----

export async function runLoop<I>(target: Target<I>, o: LoopOptions): Promise<LoopSummary> {
  const rng = new Rng(`${o.seed}:${target.name}`);
  const corpus: I[] = [];
  const seen = new Set<string>();
  const signatures = new Set<string>();
  const outcomes: Record<string, number> = {};
  const findings = new Map<string, FindingRecord>();
  let findingCount = 0;
  let executions = 0;
  let lastSize = 0;
  const start = performance.now();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);

  const save = (iteration: number, input: I, label: string, error: unknown, detail?: string): void => {
    findingCount++;
    const key = `${label}|${stackKey(error)}`;
    const known = findings.get(key);
    if (known) {
      findings.set(key, { ...known, count: known.count + 1 });
      return;
    }
    const message = error instanceof Error ? error.message : detail ?? String(error ?? "");
    const stack = error instanceof Error ? error.stack ?? "" : detail ?? "";
    let file: string | null = null;
    if (o.findingsDir !== null && !o.knownFindings?.includes(key)) {
      const s = target.serialize(input);
      const dir = `${o.findingsDir}/${target.name}`;
      mkdirSync(dir, { recursive: true });
      const base = `${dir}/${label.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 60)}-${sha(s.data)}`;
      writeFileSync(`${base}.${s.ext}`, s.data);
      writeFileSync(
        `${base}.txt`,
        `target: ${target.name}\nlabel: ${label}\nseed: ${o.seed}\niteration: ${iteration}\ninput: ${base}.${s.ext}\n` +
          `replay: npm run fuzz -- --target ${target.name} --replay ${base}.${s.ext}\n\n${stack || message}\n${detail ? `\n${detail}\n` : ""}`,
      );
      file = `${base}.${s.ext}`;
    }
    const record = { key, label, message, stack, count: 1, file, iteration };
    findings.set(key, record);
    o.onFinding?.(record);
  };

  const execute = async (input: I, iteration: number): Promise<Outcome> => {
    if (o.slot) {
      const s = target.serialize(input);
      lastSize = s.data.length;
      o.slot.write(iteration, s, Math.max(0, EXTENSIONS.indexOf(s.ext)));
    }
    let outcome: Outcome;
    try {
      const r = target.execute(input, o.timeoutMs);
      if (r instanceof Promise) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<Outcome>((resolve) => {
          timer = setTimeout(() => resolve({ kind: "finding", label: "hang (no settlement within the per-execution timeout)" }), o.timeoutMs);
        });
        outcome = await Promise.race([r, timeout]);
        clearTimeout(timer);
      } else outcome = r;
    } catch (e) {
      outcome = { kind: "finding", label: `uncaught ${describeError(e)}`, error: e };
    }
    executions++;
    if (unhandled.length) {
      const reason = unhandled.shift();
      unhandled.length = 0;
      outcome = { kind: "finding", label: `unhandled rejection ${describeError(reason)}`, error: reason };
    }
    const name = outcome.kind === "finding" ? `FINDING ${outcome.label}` : `${outcome.kind} ${outcome.label}`;
    outcomes[name] = (outcomes[name] ?? 0) + 1;
    if (outcome.kind === "finding") save(iteration, input, outcome.label, outcome.error, outcome.detail);
    return outcome;
  };

  const keep = (outcome: Outcome): boolean => {
    if (outcome.kind === "finding" || lastSize > MAX_KEPT_INPUT) return false;
    const sig = `${outcome.kind}|${outcome.label}|${outcome.extra ?? ""}`;
    if (signatures.has(sig)) return false;
    signatures.add(sig);
    return true;
  };

  for (const s of target.seeds()) {
    const id = sha(target.serialize(s).data);
    if (seen.has(id)) continue;
    seen.add(id);
    corpus.push(s);
    keep(await execute(s, -1));
  }
  if (corpus.length === 0) throw new Error(`target ${target.name} has no seeds`);
  const seedCount = corpus.length;
  const maxCorpus = 4096;

  let lastProgress = start;
  for (let i = 0; i < o.runs; i++) {
    // Parents: seeds a third of the time (they reach deepest), newer finds more often than old ones.
    const r = rng.int(10);
    const parent = r < 3 ? corpus[rng.int(seedCount)]! : r < 6 ? corpus[corpus.length - 1 - rng.int(Math.min(64, corpus.length))]! : corpus[rng.int(corpus.length)]!;
    const other = corpus[rng.int(corpus.length)];
    let input: I;
    try {
      input = target.mutate(parent, rng, other);
    } catch (e) {
      outcomes["FINDING harness: mutator threw"] = (outcomes["FINDING harness: mutator threw"] ?? 0) + 1;
      save(i, parent, `harness: mutator ${describeError(e)}`, e);
      continue;
    }
    const outcome = await execute(input, i);
    if (keep(outcome)) {
      if (corpus.length >= maxCorpus) corpus.splice(seedCount + rng.int(corpus.length - seedCount), 1);
      corpus.push(input);
    }
    const now = performance.now();
    if (o.onProgress && now - lastProgress > 2000) {
      lastProgress = now;
      o.onProgress({ executions, findings: findingCount, corpus: corpus.length, elapsedMs: now - start });
    }
    if (o.maxTimeMs && now - start > o.maxTimeMs) break;
    // Let timers and I/O (the progress channel) run now and then even for synchronous targets.
    if ((i & 1023) === 1023) await new Promise((res) => setImmediate(res));
  }
  process.off("unhandledRejection", onUnhandled);
  return {
    target: target.name,
    executions,
    elapsedMs: performance.now() - start,
    corpus: corpus.length,
    outcomes,
    findings: [...findings.values()],
    findingCount,
  };
}

/** One execution of a saved input, for --replay. */
export async function replayOne<I>(target: Target<I>, s: Serialized, timeoutMs: number): Promise<Outcome> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const r = await target.execute(target.deserialize(s), timeoutMs);
    await new Promise((res) => setTimeout(res, 10));
    if (unhandled.length) return { kind: "finding", label: `unhandled rejection ${describeError(unhandled[0])}`, error: unhandled[0] };
    return r;
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
}
