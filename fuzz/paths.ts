// Where the fuzzer's files live, from the compiled location (dist/fuzz/*.js) or the source one.
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (dist/fuzz -> ../..). */
export const ROOT = resolve(here, here.includes("/dist/") ? "../.." : "..");
export const CORPUS_DIR = resolve(ROOT, "fuzz/corpus");
export const FINDINGS_DIR = resolve(ROOT, "fuzz/findings");
/** Where compiled modules live, for coverage accounting. */
export const DIST_DIR = resolve(ROOT, "dist");
