// Runs every compiled uvu test file in one process and ends with the closing line CI reads:
// "N passed, N failed". uvu prints its own totals; this adds the plain summary and keeps the exit code.
import { spawn } from "node:child_process";

// An optional first argument narrows the run to test files matching that pattern.
const pattern = process.argv[2] ?? "\\.test\\.js$";
const args = ["node_modules/uvu/bin.js", "dist/test", pattern];
const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
let tail = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString("utf8")).slice(-4096);
});
child.on("close", (code, signal) => {
  const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  if (Number.isNaN(total) || Number.isNaN(passed)) {
    console.log(`0 passed, 1 failed`);
    console.error(`uvu ended (code ${code}, signal ${signal}) without printing totals`);
    process.exit(1);
  }
  // uvu's Total counts the tests that ran; skipped ones are reported apart.
  const failed = total - passed;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
