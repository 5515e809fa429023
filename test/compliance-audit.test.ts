// Audit reports: the JSON validates against the versioned schema, items keep their shape and
// testssl ids, a live connection is judged field by field, renderings match golden files, and
// `fipstls audit` exits 0 / 1 / 2 as documented.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { buildClientConfig } from "../src/config/client.js";
import { buildServerConfig } from "../src/config/server.js";
import { ClientConnection } from "../src/conn/client.js";
import { ServerConnection } from "../src/conn/server.js";
import { AUDIT_JSON_SCHEMA } from "../compliance/schema.js";
import { type AuditReport, auditConfig, auditConnection } from "../compliance/audit.js";
import { renderJson, renderMarkdown, renderText } from "../compliance/render.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { makePair } from "./_pair.js";
import { validate } from "./_schema.js";
import { PROVIDERS } from "./_providers.js";

const ec = await makeThrowawayPki({ keyType: "ec-p256" });
const rsa = await makeThrowawayPki({ keyType: "rsa-2048" });
const schema = AUDIT_JSON_SCHEMA as unknown as Record<string, unknown>;
const roundTrip = (r: AuditReport): unknown => JSON.parse(renderJson(r));

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`audit reports (${pname} provider)`);

  t("a config report validates and lists every item with its decision, rule, reference and source", async () => {
    const config = await buildServerConfig({ provider, policy: "fips-140-3", certificateChain: ec.certPem, privateKey: ec.keyPem });
    const report = auditConfig(config);
    assert.equal(validate(schema, roundTrip(report)), []);
    assert.is(report.type, "config");
    assert.is(report.policy.id, "fips-140-3-20261127");
    const byName = new Map(report.items.map((i) => [i.name, i]));
    assert.is(byName.get("TLS_AES_128_GCM_SHA256")!.testsslId, "cipher-tls1_3_x1301");
    assert.is(byName.get("TLS_AES_128_GCM_SHA256")!.iana, 0x1301);
    assert.is(byName.get("x25519")?.decision ?? "refused", "refused");
    assert.is(byName.get("TLSv1.3")!.testsslId, "TLS1_3");
    assert.is(report.certificates.length, 1);
    assert.is(report.certificates[0]!.key.name, "ec-P-256");
    assert.is(report.certificates[0]!.key.decision, "allowed");
    assert.ok(report.verdict.algorithmsCompliant);
    assert.is(report.verdict.compliant, provider.fips().enforced);
    assert.ok(report.verdict.notAttested.some((n) => /CMVP-validated/.test(n)));
    assert.match(report.statement, /not a cryptographic module and is not FIPS validated/);
  });

  t("a connection report judges what was negotiated, including the peer's chain", async () => {
    const { client, server } = await makePair(
      { provider, policy: "fips-140-3", serverName: "localhost", roots: rsa.caPem, groups: ["secp384r1"] },
      { provider, policy: "fips-140-3", certificateChain: rsa.certPem, privateKey: rsa.keyPem },
    );
    await Promise.all([client.conn.handshake, server.conn.handshake]);
    const clientConn = client.conn as ClientConnection;
    const report = auditConnection(clientConn.config, clientConn.info, "test connection");
    assert.equal(validate(schema, roundTrip(report)), []);
    assert.is(report.negotiated!.version, "TLSv1.3");
    assert.is(report.negotiated!.group, "secp384r1");
    assert.equal(report.items.map((i) => [i.kind, i.name, i.decision]), [
      ["version", "TLSv1.3", "allowed"],
      ["cipher_suite", "TLS_AES_128_GCM_SHA256", "allowed"],
      ["group", "secp384r1", "allowed"],
      ["signature_scheme", "rsa_pss_rsae_sha256", "allowed"],
    ]);
    assert.is(report.certificates[0]!.key.name, "rsa-2048");
    assert.is(report.certificates[0]!.signature.name, "ecdsa-with-SHA256");
    assert.ok(report.verdict.algorithmsCompliant);
    const serverConn = server.conn as ServerConnection;
    const serverReport = auditConnection(serverConn.config, serverConn.info, "server connection");
    assert.is(serverReport.negotiated!.signatureScheme, "rsa_pss_rsae_sha256");
  });

  t("the same connection judged under cnsa is not compliant, with reasons", async () => {
    const { client } = await makePair(
      { provider, serverName: "localhost", roots: ec.caPem },
      { provider, certificateChain: ec.certPem, privateKey: ec.keyPem },
    );
    await client.conn.handshake;
    const cnsaClient = await buildClientConfig({ provider, policy: "cnsa", serverName: "localhost", roots: ec.caPem });
    const { auditConnection } = await import("../compliance/audit.js");
    const report = auditConnection(cnsaClient, client.conn.info, "re-judged");
    assert.not.ok(report.verdict.algorithmsCompliant);
    assert.ok(report.verdict.reasons.some((r) => /cipher_suite TLS_AES_128_GCM_SHA256/.test(r)));
    assert.ok(report.verdict.reasons.some((r) => /group secp256r1/.test(r)));
    assert.ok(report.verdict.reasons.some((r) => /peer certificate key ec-P-256/.test(r)));
  });

  t.run();
}

// A fixed report, so that renderings can be compared byte for byte with the golden files.
const FIXED: AuditReport = {
  $schema: "urn:fipstls:audit:v1",
  schemaVersion: 1,
  type: "connection",
  generatedAt: "2026-11-27T00:00:00.000Z",
  subject: "client connection 127.0.0.1:50000 <-> 127.0.0.1:443",
  statement: "fipstls is not a cryptographic module and is not FIPS validated: it restricts TLS to the algorithms the policy allows and delegates every primitive to the provider named here.",
  policy: { id: "fips-140-3-20261127", aliases: ["fips-140-3"], title: "FIPS 140-3 test title", references: ["NIST SP 800-52r2: Guidelines <https://doi.org/10.6028/NIST.SP.800-52r2>"] },
  provider: { name: "node", fips: { enforced: true, attestable: true, module: "OpenSSL 3.0.19", evidence: "crypto.getFips() returned 1" } },
  negotiated: { version: "TLSv1.3", cipherSuite: "TLS_AES_256_GCM_SHA384", group: "secp384r1", signatureScheme: "ecdsa_secp384r1_sha384", alpnProtocol: null, serverName: "localhost", helloRetryRequest: false },
  items: [
    { kind: "version", iana: 0x0304, name: "TLSv1.3", decision: "allowed", rule: "TLS 1.3 should be supported", reference: "NIST SP 800-52r2 §3.1", source: "policy", testsslId: "TLS1_3" },
    { kind: "cipher_suite", iana: 0x1302, name: "TLS_AES_256_GCM_SHA384", decision: "allowed", rule: "approved AEAD | suite", reference: "NIST SP 800-52r2 §3.3.1", source: "policy", testsslId: "cipher-tls1_3_x1302" },
    { kind: "group", iana: 0x001d, name: "x25519", decision: "refused", rule: "not approved", reference: "NIST SP 800-56Ar3", source: "policy", testsslId: "FS_ECDHE_curves" },
  ],
  certificates: [
    {
      position: 0,
      subject: "CN=localhost",
      issuer: "CN=Test CA",
      serialNumber: "02",
      notBefore: "2026-11-26T00:00:00.000Z",
      notAfter: "2026-11-28T00:00:00.000Z",
      selfSigned: false,
      key: { name: "ec-P-384", decision: "allowed", rule: "allowed curve", reference: "NIST SP 800-52r2 §3.2" },
      signature: { name: "ecdsa-with-SHA384", decision: "allowed", rule: "SHA-2", reference: "NIST SP 800-131Ar2 §3" },
    },
  ],
  verdict: { compliant: true, algorithmsCompliant: true, moduleAttested: true, reasons: [], notAttested: ["whether the module is a CMVP-validated build"] },
};

const golden = suite("audit renderings");
const goldenPath = (name: string): string => fileURLToPath(new URL(`../../test/golden/${name}`, import.meta.url));
const compare = (name: string, actual: string): void => {
  // UPDATE_GOLDEN=1 rewrites the files; review the diff before committing.
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(goldenPath(name), actual);
  assert.fixture(actual, readFileSync(goldenPath(name), "utf8"));
};
golden("the fixed report validates against the schema", () => assert.equal(validate(schema, FIXED), []));
golden("text rendering", () => compare("audit-connection.txt", renderText(FIXED)));
golden("Markdown rendering", () => compare("audit-connection.md", renderMarkdown(FIXED)));
golden("JSON rendering", () => compare("audit-connection.json", renderJson(FIXED)));
golden("the schema rejects a report with a bad decision or a missing field", () => {
  const bad = JSON.parse(JSON.stringify(FIXED)) as Record<string, unknown> & { items: Record<string, unknown>[] };
  bad.items[0]!.decision = "maybe";
  delete (bad as Record<string, unknown>).verdict;
  const errors = validate(schema, bad);
  assert.ok(errors.some((e) => /decision/.test(e)) && errors.some((e) => /missing verdict/.test(e)), errors.join("; "));
});
golden.run();

const cli = suite("fipstls audit command");
const CLI = fileURLToPath(new URL("../../bin/fipstls.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "fipstls-audit-"));
cli.after(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, "audit", ...args], { encoding: "utf8", timeout: 20_000 });

cli("exit 0 when compliant (default policy), with a valid JSON report", () => {
  const r = run("--policy", "default", "--format", "json");
  assert.is(r.status, 0, r.stderr);
  assert.equal(validate(schema, JSON.parse(r.stdout)), []);
});
cli("fips-140-3 exits 1 unless the module attests FIPS mode", () => {
  const r = run("--policy", "fips-140-3", "--provider", "webcrypto");
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /NOT COMPLIANT with fips-140-3-20261127: algorithms comply, the module is not attested/);
});
cli("an RSA-2048 certificate under cnsa is reported refused (exit 1), in Markdown", () => {
  const cert = join(dir, "rsa.pem");
  writeFileSync(cert, rsa.certPem);
  const r = run("--policy", "cnsa", "--cert", cert, "--format", "md");
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /key rsa-2048 REFUSED \(RSA modulus must be at least 3072 bits\)/);
});
cli("errors exit 2", () => {
  assert.is(run("--format", "pdf").status, 2);
  assert.is(run("--policy", "fips-140-2").status, 2);
});
cli.run();
