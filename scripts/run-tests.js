// Runs every compiled uvu test file in one process and ends with the closing line CI reads:
// "N passed, N failed". uvu prints its own totals; this adds the plain summary and keeps the exit code.
import { spawn } from "node:child_process";

// An optional first argument narrows the run to test files matching that pattern.
const pattern = process.argv[2] ?? "\\.test\\.js$";
const args = ["node_modules/uvu/bin.js", "dist/test", pattern];
const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
// Tests that had to skip at run time print this mark (test/_skip.ts); they ran as "passed" for uvu.
const SKIP_MARK = "[skipped at run time]";
let tail = "";
let skippedAtRunTime = 0;
let carry = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  const text = chunk.toString("utf8");
  tail = (tail + text).slice(-4096);
  const lines = (carry + text).split("\n");
  carry = lines.pop() ?? "";
  for (const line of lines) if (line.includes(SKIP_MARK)) skippedAtRunTime++;
});
child.on("close", (code, signal) => {
  const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  if (carry.includes(SKIP_MARK)) skippedAtRunTime++;
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0) + skippedAtRunTime;
  if (Number.isNaN(total) || Number.isNaN(passed)) {
    console.log(`0 passed, 1 failed`);
    console.error(`uvu ended (code ${code}, signal ${signal}) without printing totals`);
    process.exit(1);
  }
  // uvu's Total counts the tests that ran; skipped ones are reported apart.
  const failed = total - passed;
  console.log(`${passed - skippedAtRunTime} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
