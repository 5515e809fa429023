// A short, seeded run of every fuzz target (see docs/fuzzing.md): each target executes a fixed number
// of mutated inputs, reproducibly, in a worker watched for hangs. The test fails on any finding: an
// exception that is not one of the project's typed errors, an unhandled rejection, a hang or a
// broken contract. Findings are saved under fuzz/findings/<target>/ for `npm run fuzz -- --replay`.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runCampaign } from "../fuzz/campaign.js";
import { FINDINGS_DIR } from "../fuzz/paths.js";

// Executions per target: a few seconds each on a small shared machine (about 15 s in all).
const RUNS: Record<string, number> = {
  record: 2000,
  server: 1200,
  client: 1200,
  certificate: 600,
  crl: 1200,
  ocsp: 1500,
  pem: 3000,
  relay: 3000,
};

const t = suite("fuzz regression");

for (const [target, runs] of Object.entries(RUNS)) {
  t(`${target}: ${runs} seeded executions without a finding`, async () => {
    const r = await runCampaign({ target, runs, seed: "regression", timeoutMs: 2000, coverage: false, findingsDir: FINDINGS_DIR });
    assert.ok(r.executions >= runs, `only ${r.executions} of ${runs} executions ran`);
    const report = r.findings
      .map((f) => `${f.count}x ${f.label}${f.file ? `\n    input: ${f.file}` : ""}\n    ${f.stack.split("\n").slice(0, 6).join("\n    ")}`)
      .join("\n");
    assert.is(r.findingCount, 0, `${target}: ${r.findingCount} finding(s):\n${report}`);
    // The run must reach past the first parser: more than a couple of distinct outcomes.
    assert.ok(Object.keys(r.outcomes).length >= 5, `${target}: only ${Object.keys(r.outcomes).length} outcome kinds`);
  });
}

t.run();
