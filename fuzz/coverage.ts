// Code coverage of a fuzzing run, from V8's precise block coverage (node:inspector), reported as the
// share of functions and of source bytes executed in the compiled modules a target exercises.
import { Session } from "node:inspector";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { DIST_DIR } from "./paths.js";

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface FunctionCoverage {
  functionName: string;
  ranges: Range[];
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

export interface FileCoverage {
  readonly file: string;
  readonly loaded: boolean;
  readonly bytes: number;
  readonly bytesCovered: number;
  readonly functions: number;
  readonly functionsCovered: number;
}

export interface CoverageReport {
  readonly scope: readonly string[];
  readonly files: readonly FileCoverage[];
  readonly bytes: number;
  readonly bytesCovered: number;
  readonly functions: number;
  readonly functionsCovered: number;
}

function post<T>(s: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

/** Starts block coverage; call before the modules to be measured are imported. */
export async function startCoverage(): Promise<Session> {
  const s = new Session();
  s.connect();
  await post(s, "Profiler.enable");
  await post(s, "Profiler.startPreciseCoverage", { callCount: false, detailed: true });
  return s;
}

function filesIn(scope: readonly string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = `${dir}/${name}`;
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".js")) out.add(full);
    }
  };
  for (const entry of scope) {
    const full = `${DIST_DIR}/${entry}`;
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) walk(full.replace(/\/$/, ""));
    else out.add(full);
  }
  return [...out].sort();
}

function fileCoverage(file: string, script: ScriptCoverage | undefined): FileCoverage {
  const source = readFileSync(file, "utf8");
  const rel = file.slice(DIST_DIR.length + 1);
  if (!script) return { file: rel, loaded: false, bytes: source.length, bytesCovered: 0, functions: 0, functionsCovered: 0 };
  const ranges: Range[] = script.functions.flatMap((f) => f.ranges);
  ranges.sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  const painted = new Uint8Array(source.length);
  for (const r of ranges) painted.fill(r.count > 0 ? 1 : 0, r.startOffset, Math.min(r.endOffset, source.length));
  let covered = 0;
  for (const b of painted) covered += b;
  // The first entry is the module itself; every other one is a function.
  const fns = script.functions.filter((f, i) => !(i === 0 && f.functionName === "" && f.ranges[0]!.startOffset === 0));
  return {
    file: rel,
    loaded: true,
    bytes: source.length,
    bytesCovered: covered,
    functions: fns.length,
    functionsCovered: fns.filter((f) => f.ranges[0]!.count > 0).length,
  };
}

export async function takeCoverage(s: Session, scope: readonly string[]): Promise<CoverageReport> {
  const { result } = await post<{ result: ScriptCoverage[] }>(s, "Profiler.takePreciseCoverage");
  await post(s, "Profiler.stopPreciseCoverage");
  s.disconnect();
  const byUrl = new Map(result.map((r) => [r.url, r]));
  const files = filesIn(scope).map((f) => fileCoverage(f, byUrl.get(pathToFileURL(f).href)));
  const sum = (k: keyof FileCoverage): number => files.reduce((n, f) => n + (f[k] as number), 0);
  return { scope, files, bytes: sum("bytes"), bytesCovered: sum("bytesCovered"), functions: sum("functions"), functionsCovered: sum("functionsCovered") };
}

const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : "n/a");

export function formatCoverage(c: CoverageReport): string {
  const unloaded = c.files.filter((f) => !f.loaded).length;
  return (
    `functions ${c.functionsCovered}/${c.functions} (${pct(c.functionsCovered, c.functions)}), ` +
    `source bytes ${pct(c.bytesCovered, c.bytes)} of ${(c.bytes / 1024).toFixed(0)} KiB in ${c.files.length} files` +
    (unloaded ? ` (${unloaded} never loaded, counted as 0)` : "")
  );
}

/** Per-folder lines for the report. */
export function coverageByFolder(c: CoverageReport): string[] {
  const groups = new Map<string, { b: number; bc: number; f: number; fc: number }>();
  for (const f of c.files) {
    const dir = f.file.slice(0, f.file.lastIndexOf("/") + 1);
    const g = groups.get(dir) ?? { b: 0, bc: 0, f: 0, fc: 0 };
    g.b += f.bytes;
    g.bc += f.bytesCovered;
    g.f += f.functions;
    g.fc += f.functionsCovered;
    groups.set(dir, g);
  }
  return [...groups].map(([dir, g]) => `${dir.padEnd(16)} functions ${pct(g.fc, g.f).padStart(6)}   bytes ${pct(g.bc, g.b).padStart(6)}`);
}
