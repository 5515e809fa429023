// `scan` against real OpenSSL servers: a permissive one (TLS 1.2 with CBC suites, ChaCha20, X25519
// and the Extended Master Secret switched off through an OpenSSL config) and a strict one, with the
// reports checked field by field against what each server was configured to do.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scan } from "../../src/node.js";
import { AUDIT_JSON_SCHEMA } from "../../compliance/schema.js";
import type { AuditItem, AuditReport } from "../../compliance/audit.js";
import { validate } from "../_schema.js";
import { Scope, freePort, interopPki, spawnOpenssl, untilListening } from "./peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const noEms = join(pki.dir, "no-ems.cnf");
writeFileSync(noEms, "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = defaults\n[defaults]\nOptions = -ExtendedMasterSecret\n");

const t = suite("interop: scan of openssl s_server");
const scope = new Scope();
t.after(() => scope.close());

async function server(args: readonly string[]): Promise<number> {
  const port = await freePort();
  const peer = spawnOpenssl(scope, ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", ecdsa.certPath, "-key", ecdsa.keyPath, "-quiet", "-naccept", "1000", ...args]);
  await Promise.race([untilListening(port), peer.exited.then(() => Promise.reject(new Error(peer.describe())))]);
  return port;
}

const find = (r: AuditReport, kind: string, name: string): AuditItem => {
  const i = r.items.find((x) => x.kind === kind && x.name === name);
  if (!i) throw new Error(`no ${kind} ${name} in the report`);
  return i;
};
const accepted = (r: AuditReport, kind: string): string[] => r.items.filter((i) => i.kind === kind && i.serverAccepted).map((i) => i.name);

let permissivePort = 0;

t("a permissive TLS 1.2 server without EMS: every violation is reported", async () => {
  // OPENSSL_CONF turns EMS off for this s_server only.
  const previous = process.env.OPENSSL_CONF;
  process.env.OPENSSL_CONF = noEms;
  try {
    permissivePort = await server(["-no_tls1_3", "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305", "-groups", "X25519:P-256"]);
  } finally {
    if (previous === undefined) delete process.env.OPENSSL_CONF;
    else process.env.OPENSSL_CONF = previous;
  }
  const r = await scan("127.0.0.1", permissivePort, { policy: "fips-140-3", serverName: "localhost", timeoutMs: 5000, roots: pki.caPem });
  assert.equal(validate(AUDIT_JSON_SCHEMA as unknown as Record<string, unknown>, JSON.parse(JSON.stringify(r))), []);
  assert.is(r.type, "scan");
  assert.equal(accepted(r, "version"), ["TLSv1.2"]);
  assert.equal(accepted(r, "cipher_suite").sort(), [
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  ]);
  assert.equal(accepted(r, "group").sort(), ["secp256r1", "x25519"]);
  const cbc = find(r, "cipher_suite", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
  assert.is(cbc.decision, "refused");
  assert.is(cbc.iana, 0xc023);
  assert.is(cbc.testsslId, "cipher-tls1_2_xc023");
  assert.is(cbc.source, "peer");
  const ems = find(r, "extension", "extended_master_secret");
  assert.is(ems.serverAccepted, false);
  assert.is(find(r, "extension", "renegotiation_info").serverAccepted, true);
  assert.ok(accepted(r, "signature_scheme").includes("ecdsa_secp256r1_sha256"));
  assert.not.ok(r.verdict.compliant);
  const reasons = r.verdict.reasons.join("\n");
  assert.match(reasons, /TLS 1\.2 without the Extended Master Secret/);
  assert.match(reasons, /server accepts cipher_suite TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256/);
  assert.match(reasons, /server accepts cipher_suite TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256/);
  assert.match(reasons, /server accepts group x25519/);
  // TLS 1.2 only: SP 800-52r2 §3.1 has required TLS 1.3 since 2024-01-01.
  assert.match(reasons, /the server does not accept TLSv1\.3: servers shall support TLS 1\.3 .*\(NIST SP 800-52r2 §3\.1\)/);
  assert.is(r.certificates[0]!.subject, "CN=localhost, O=fipstls test");
  assert.is(r.certificates[0]!.key.name, "ec-P-256");
});

t("a strict TLS 1.3 server with approved parameters only is compliant", async () => {
  const port = await server(["-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256", "-groups", "P-384:P-256"]);
  // The chain is judged against the trust store too: the interop CA, not the default Mozilla roots.
  const r = await scan("127.0.0.1", port, { policy: "fips-140-3", serverName: "localhost", roots: pki.caPem });
  assert.equal(accepted(r, "version"), ["TLSv1.3"]);
  assert.equal(accepted(r, "cipher_suite"), ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]);
  assert.equal(accepted(r, "group"), ["secp256r1", "secp384r1"]);
  assert.equal(accepted(r, "signature_scheme"), ["ecdsa_secp256r1_sha256"]);
  assert.is(find(r, "cipher_suite", "TLS_CHACHA20_POLY1305_SHA256").serverAccepted, false);
  assert.ok(r.verdict.compliant, r.verdict.reasons.join("; "));
  assert.is(r.certificates.length, 1);
  // Under cnsa the same server is not compliant: it accepts AES-128 and P-256.
  const cnsa = await scan("127.0.0.1", port, { policy: "cnsa", serverName: "localhost", roots: pki.caPem });
  assert.not.ok(cnsa.verdict.compliant);
  assert.match(cnsa.verdict.reasons.join("\n"), /server accepts cipher_suite TLS_AES_128_GCM_SHA256/);
});

t("fipstls scan exits 1 for the permissive server and prints JSON that validates", async () => {
  const cli = fileURLToPath(new URL("../../../bin/fipstls.js", import.meta.url));
  // Asynchronous, so that s_server's stderr pipe keeps draining while the CLI scans it.
  const run = (...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = execFile(process.execPath, [cli, "scan", ...args], { encoding: "utf8", timeout: 30_000, maxBuffer: 1 << 24 }, (_e, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }));
    });
  const r = await run(`127.0.0.1:${permissivePort}`, "--policy", "fips-140-3", "--servername", "localhost", "--format", "json");
  assert.is(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as AuditReport;
  assert.equal(validate(AUDIT_JSON_SCHEMA as unknown as Record<string, unknown>, report), []);
  assert.is(find(report, "extension", "extended_master_secret").serverAccepted, false);
  const closed = await run("127.0.0.1:1", "--timeout", "500");
  assert.ok(closed.status === 1 || closed.status === 2, `exit ${closed.status}`);
});

t.run();
