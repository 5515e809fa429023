// Documentation that is generated from code stays in step with it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { optionsMarkdown } from "../src/node.js";

const t = suite("docs");
t("docs/node-options.md is optionsMarkdown()", () => {
  const path = fileURLToPath(new URL("../../docs/node-options.md", import.meta.url));
  const text = readFileSync(path, "utf8");
  const start = text.indexOf("**connect()**");
  // UPDATE_DOCS=1 rewrites the generated part; review the diff before committing.
  if (process.env.UPDATE_DOCS === "1") writeFileSync(path, `${text.slice(0, start)}${optionsMarkdown()}\n`);
  assert.fixture(readFileSync(path, "utf8").slice(start), `${optionsMarkdown()}\n`);
});
t.run();
