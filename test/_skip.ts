// A test that cannot run here (a tool missing on a developer's machine; CI installs every one and
// fails instead) says so with this line, and scripts/run-tests.js counts it as skipped, not passed.
export const SKIP_MARK = "[skipped at run time]";

export function skippedAtRunTime(reason: string): void {
  console.log(`\n  ${SKIP_MARK} ${reason}`);
}
