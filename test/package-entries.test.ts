// The package's entry points as users import them (package.json exports, built by rollup into shared
// chunks): each loads, and they share one copy of every class, so an error thrown by fipstls/node is an
// instance of fipstls's error classes and a TrustStore from fipstls/roots is the one fipstls/node takes.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";

const t = suite("package entry points");
const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { exports: Record<string, unknown> };

t("every export loads by its package name", async () => {
  for (const entry of Object.keys(manifest.exports).filter((e) => e !== "./package.json")) {
    const name = entry === "." ? "fipstls" : `fipstls/${entry.slice(2)}`;
    const m = (await import(name)) as Record<string, unknown>;
    assert.ok(Object.keys(m).length > 0, `${name} exports nothing`);
  }
});

t("one copy of each class across entry points", async () => {
  const core = (await import("fipstls")) as typeof import("../src/index.js");
  const node = (await import("fipstls/node")) as typeof import("../src/node.js");
  const roots = (await import("fipstls/roots")) as typeof import("../src/roots/index.js");
  let thrown: unknown;
  try {
    node.connect({ port: 1, pfx: "x" } as never);
  } catch (e) {
    thrown = e;
  }
  assert.instance(thrown, core.ConfigError);
  assert.instance(thrown, core.FipstlsError);
  assert.instance(await roots.mozillaTrustStore(), core.TrustStore);
});

/** The files an entry loads before any of its code runs: it, and the chunks it imports statically, transitively. */
function staticGraph(entry: URL): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (file: URL): void => {
    if (files.has(file.href)) return;
    const text = readFileSync(file, "utf8");
    files.set(file.href, text);
    // Rollup writes one import per line: `import … from './x.js';` or `import './x.js';` (not import()).
    for (const m of text.matchAll(/^(?:import|export)\b[^;]*?["'](\.{1,2}\/[^"']+)["'];?$/gm)) visit(new URL(m[1]!, file));
  };
  visit(entry);
  return files;
}

t("fipstls/node imports no builtin module statically", () => {
  // An ES import of a builtin links a facade that reads every export first: node:process's reads every
  // property of process (2.5-4 ms of start-up, for a global), node:fs's fs.promises, node:crypto's
  // webcrypto. The Node provider and transport take builtins with process.getBuiltinModule instead
  // (providers/node/builtins.ts); measured, about 2.5 ms less to import fipstls/node on Node 20.
  const entry = new URL(`../../${(manifest.exports["./node"] as { default: string }).default}`, import.meta.url);
  const graph = staticGraph(entry);
  assert.ok(graph.size > 1, "the entry's chunks were not found");
  for (const [file, text] of graph) {
    const builtin = /^(?:import|export)\b[^;]*?["']node:([\w/]+)["']/m.exec(text);
    assert.is(builtin, null, `${file} imports node:${builtin?.[1]}`);
  }
});

t.run();
