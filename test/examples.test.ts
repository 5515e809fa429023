// Every runnable file in examples/ runs, exits 0, writes nothing to stderr and prints what its
// section of the README says it prints, so that no example rots.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../../examples/", import.meta.url));
const expected: Record<string, RegExp> = {
  "client.mjs": /negotiated TLSv1\.3 [\s\S]*received: hello from node:tls/,
  "server.mjs": /server negotiated TLSv1\.3 [\s\S]*node:tls received: hello from fipstls/,
  "fips-mode.mjs": /suites: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384[\s\S]*refused: cipher suite TLS_CHACHA20_POLY1305_SHA256/,
  "audit.mjs": /fipstls audit report: config[\s\S]*verdict: /,
  "scan.mjs": /fipstls audit report: scan[\s\S]*accepted items refused by the policy: \d+/,
  "sans-io.mjs": /client negotiated TLSv1\.3[\s\S]*server received: hello over an in-memory pipe/,
  "fetch.mjs": /fetch: 200 hello \/fetch\n[\s\S]*https\.get: 200 hello \/https/,
  "web-streams.mjs": /negotiated TLSv1\.3 \S+ provider webcrypto\nreceived: hello over Web Streams/,
};

const t = suite("examples");
const files = readdirSync(dir).filter((f) => f.endsWith(".mjs")).sort();

t("every example has an expectation here", () => {
  assert.equal(files.filter((f) => !(f in expected)), []);
});

for (const file of files) {
  t(`examples/${file}`, () => {
    const r = spawnSync(process.execPath, [`${dir}${file}`], { encoding: "utf8", timeout: 30_000 });
    assert.is(r.status, 0, `exit ${r.status}: ${r.stderr}`);
    assert.is(r.stderr, "", `stderr: ${r.stderr}`);
    assert.match(r.stdout, expected[file]!);
  });
}

t.run();
