// Makes a fresh checkout runnable, so that the README's quick start is two commands: installs the
// locked dependencies (npm ci, which also builds) when node_modules is missing, and builds when dist is.
// On a prepared checkout it does nothing.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
function run(args) {
  const r = spawnSync(npm, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!existsSync("node_modules/.package-lock.json")) run(["ci"]);
else if (!existsSync("dist/src/node.js")) run(["run", "build"]);
