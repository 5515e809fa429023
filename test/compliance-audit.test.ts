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
import { type AuditReport, CMVP_NOT_ESTABLISHED, PROTOCOL_CONSTRUCTIONS, auditConfig, auditConnection } from "../compliance/audit.js";
import { nodeProvider } from "../providers/node/index.js";
import { webcryptoProvider } from "../providers/webcrypto/index.js";
import { FIPS_140_3 } from "../src/policy/policies.js";
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
    assert.is(report.policy.id, FIPS_140_3.id);
    assert.ok(report.policy.notes?.length, "policy notes travel with the report");
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
    assert.ok(report.verdict.notAttested.includes(report.provider!.fips.cmvp!.statement));
    assert.match(report.statement, /not a cryptographic module and is not FIPS validated/);
  });

  t("every report with a provider says what fipstls constructs outside the module, and its CMVP status", async () => {
    const config = await buildClientConfig({ provider, policy: "fips-140-3", serverName: "localhost", roots: ec.caPem, requireFipsProvider: false });
    const report = auditConfig(config);
    for (const statement of PROTOCOL_CONSTRUCTIONS) assert.ok(report.verdict.notAttested.includes(statement));
    const nonce = report.verdict.notAttested.find((n) => /AES-GCM nonces/.test(n))!;
    assert.match(nonce, /RFC 8446 §5\.3/);
    assert.match(nonce, /IG C\.H/);
    assert.match(nonce, /approved-service indicator may flag/);
    const kdf = report.verdict.notAttested.find((n) => /key schedule/.test(n))!;
    assert.match(kdf, /every HMAC runs inside the module/);
    assert.match(kdf, /HKDF-Expand-Label and Derive-Secret \(RFC 8446 §7\.1\) are fipstls's construction/);
    // No provider here was given a certificate number: validation is never inferred.
    assert.is(report.provider!.fips.cmvp!.status, "not established");
    assert.ok(report.verdict.notAttested.some((n) => /^CMVP status: not established\./.test(n)));
    assert.not.ok(JSON.stringify(report).match(/"status":"validated"|is a validated|CMVP-validated module is/));
  });

  t("a config report lists what the policy allows but fipstls does not implement, with source implementation", async () => {
    const config = await buildClientConfig({ provider, policy: "fips-140-3", serverName: "localhost", roots: ec.caPem, requireFipsProvider: false });
    const report = auditConfig(config);
    assert.equal(validate(schema, roundTrip(report)), []);
    const ed448 = report.items.find((i) => i.name === "ed448")!;
    assert.equal([ed448.kind, ed448.decision, ed448.source], ["signature_scheme", "refused", "implementation"]);
    assert.match(ed448.rule, /^allowed by the policy \(EdDSA, approved by FIPS 186-5.*\), but fipstls does not implement it yet$/);
    // A hybrid group is offered where the provider runs ML-KEM and the ECDH part, else refused as the provider's gap.
    const hybrid = report.items.find((i) => i.name === "SecP256r1MLKEM768")!;
    const runsMlKem = (provider.supports.kems ?? []).includes("ML-KEM-768");
    assert.equal([hybrid.kind, hybrid.iana, hybrid.decision, hybrid.source], ["group", 0x11eb, runsMlKem ? "allowed" : "refused", runsMlKem ? "policy" : "provider"]);
    // TLS 1.2 suites are in effect now, judged by the policy like the TLS 1.3 ones.
    const tls12 = report.items.find((i) => i.name === "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")!;
    assert.equal([tls12.decision, tls12.source, tls12.testsslId], ["allowed", "policy", "cipher-tls1_2_xc02f"]);
    // Items the policy refuses are not repeated as "not implemented".
    assert.not.ok(report.items.some((i) => i.source === "implementation" && config.policy.judge(i.kind, i.name).decision === "refused"));
    assert.ok(report.verdict.algorithmsCompliant);
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
    // secp256r1, or X25519MLKEM768 where the provider runs ML-KEM: neither is P-384.
    assert.ok(report.verdict.reasons.some((r) => r.includes(`group ${client.conn.info.group}`)));
    assert.ok(report.verdict.reasons.some((r) => /peer certificate key ec-P-256/.test(r)));
  });

  t.run();
}

const evidence = suite("module evidence and CMVP status in reports");
const rsaClient = { serverName: "localhost", roots: rsa.caPem, policy: "fips-140-3", requireFipsProvider: false } as const;

evidence("the node provider names libcrypto as libcrypto, and the module only as the module states itself", async () => {
  const fips = nodeProvider().fips();
  const fact = (id: string) => fips.facts?.find((f) => f.id === id);
  assert.is(fact("fips.mode")?.source, "crypto.getFips()");
  assert.equal([fact("libcrypto.version")?.value, fact("libcrypto.version")?.source.startsWith("process.versions.openssl (the library that loads providers, not the FIPS module)")], [`OpenSSL ${process.versions.openssl}`, true]);
  if (fips.enforced) {
    // Under a FIPS provider, libcrypto's version is never offered as the module's (fips-mode.test.ts checks the rest).
    assert.is.not(fips.module, `OpenSSL ${process.versions.openssl}`);
  } else {
    // FIPS mode off: the default provider is compiled into libcrypto, so libcrypto's version is the module's.
    assert.is(fips.module, `OpenSSL ${process.versions.openssl}`);
    assert.match(fips.evidence, /default provider, built into libcrypto/);
  }
});

evidence("CMVP status: not established without a certificate; user-asserted (normalized, never verified) with one", async () => {
  const plain = auditConfig(await buildClientConfig({ provider: nodeProvider(), ...rsaClient }));
  assert.equal(validate(schema, roundTrip(plain)), []);
  assert.is(plain.provider!.fips.cmvp!.status, "not established");
  assert.is(plain.provider!.fips.cmvp!.certificate, undefined);
  assert.match(renderText(plain), /^cmvp {6}not established$/m);

  const asserted = auditConfig(await buildClientConfig({ provider: nodeProvider({ fipsCertificate: "4985" }), ...rsaClient }));
  assert.equal(validate(schema, roundTrip(asserted)), []);
  const cmvp = asserted.provider!.fips.cmvp!;
  assert.equal([cmvp.status, cmvp.certificate], ["user-asserted", "#4985"]);
  assert.match(cmvp.statement, /^CMVP certificate #4985: user-asserted\. fipstls has not checked that it covers /);
  assert.ok(asserted.verdict.notAttested.includes(cmvp.statement));
  assert.not.ok(asserted.verdict.notAttested.some((n) => /CMVP status: not established/.test(n)));
  assert.match(renderText(asserted), /^cmvp {6}certificate #4985, user-asserted \(not verified by fipstls\)$/m);
  assert.match(renderMarkdown(asserted), /^- \*\*CMVP:\*\* certificate #4985, user-asserted \(not verified by fipstls\)$/m);
  // A certificate number changes what the report records, never the verdict: FIPS mode still decides.
  assert.is(asserted.verdict.moduleAttested, plain.verdict.moduleAttested);
  assert.is(asserted.verdict.compliant, plain.verdict.compliant);

  assert.throws(() => nodeProvider({ fipsCertificate: "FIPS validated" }), /fipsCertificate must be a CMVP certificate number such as "#4985"/);
  assert.throws(() => nodeProvider({ fipsCertificate: "#0" }), TypeError);
});

evidence("a provider that reports no CMVP status gets \"not established\" from the audit", async () => {
  const webcrypto = await webcryptoProvider();
  assert.is(webcrypto.fips().cmvp, undefined);
  const report = auditConfig(await buildClientConfig({ provider: webcrypto, ...rsaClient }));
  assert.equal(report.provider!.fips.cmvp, CMVP_NOT_ESTABLISHED);
  assert.ok(report.verdict.notAttested.some((n) => /FIPS status of provider "webcrypto" cannot be determined/.test(n)));
});

evidence("the schema accepts only user-asserted or not established as a CMVP status", () => {
  const bad = JSON.parse(JSON.stringify(FIXED)) as { provider: { fips: { cmvp: { status: string } } } };
  bad.provider.fips.cmvp.status = "validated";
  assert.ok(validate(schema, bad).some((e) => /cmvp\.status/.test(e)));
});

// A fixed report, so that renderings can be compared byte for byte with the golden files.
const FIXED: AuditReport = {
  $schema: "urn:fipstls:audit:v1",
  schemaVersion: 1,
  type: "connection",
  generatedAt: "2026-11-27T00:00:00.000Z",
  subject: "client connection 127.0.0.1:50000 <-> 127.0.0.1:443",
  statement: "fipstls is not a cryptographic module and is not FIPS validated: it restricts TLS to the algorithms the policy allows and delegates every primitive to the provider named here.",
  policy: {
    id: "fips-140-3-20261130",
    aliases: ["fips-140-3"],
    title: "FIPS 140-3 test title",
    references: ["NIST SP 800-52r2: Guidelines <https://doi.org/10.6028/NIST.SP.800-52r2>"],
    notes: ["a policy note"],
  },
  provider: {
    name: "node",
    fips: {
      enforced: true,
      attestable: true,
      module: "OpenSSL FIPS Provider 3.5.7",
      evidence: "crypto.getFips() returned 1",
      facts: [
        { id: "libcrypto.version", value: "OpenSSL 3.0.19", source: "process.versions.openssl" },
        { id: "module.version", value: "3.5.7", source: "strings in fips.so | beside the name" },
      ],
      notAttested: ["the provider's status parameter"],
      cmvp: { status: "user-asserted", certificate: "#4985", statement: "CMVP certificate #4985: user-asserted." },
    },
  },
  negotiated: { version: "TLSv1.3", cipherSuite: "TLS_AES_256_GCM_SHA384", group: "secp384r1", signatureScheme: "ecdsa_secp384r1_sha384", alpnProtocol: null, serverName: "localhost", helloRetryRequest: false },
  items: [
    { kind: "version", iana: 0x0304, name: "TLSv1.3", decision: "allowed", rule: "TLS 1.3 shall be supported", reference: "NIST SP 800-52r2 §3.1", source: "policy", testsslId: "TLS1_3" },
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
  verdict: { compliant: true, algorithmsCompliant: true, moduleAttested: true, reasons: [], notAttested: ["CMVP certificate #4985: user-asserted.", "the provider's status parameter"] },
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
evidence.run();

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
  assert.match(r.stdout, new RegExp(`NOT COMPLIANT with ${FIPS_140_3.id}: algorithms comply, the module is not attested`));
});
cli("an RSA-2048 certificate under cnsa is reported refused (exit 1), in Markdown", () => {
  const cert = join(dir, "rsa.pem");
  writeFileSync(cert, rsa.certPem);
  const r = run("--policy", "cnsa", "--cert", cert, "--format", "md");
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /key rsa-2048 REFUSED \(RSA modulus must be at least 3072 bits\)/);
});
cli("--fips-certificate records the CMVP certificate as user-asserted, never as verified", () => {
  const r = run("--policy", "fips-140-3", "--fips-certificate", "#4985", "--format", "json");
  const report = JSON.parse(r.stdout) as { provider: { fips: { cmvp: { status: string; certificate?: string; statement: string } } } };
  assert.equal(validate(schema, report), []);
  assert.is(report.provider.fips.cmvp.status, "user-asserted");
  assert.is(report.provider.fips.cmvp.certificate, "#4985");
  assert.match(report.provider.fips.cmvp.statement, /fipstls has not checked/);
  assert.match(run("--fips-certificate", "#4985").stdout, /certificate #4985, user-asserted \(not verified by fipstls\)/);
});
cli("errors exit 2", () => {
  assert.is(run("--format", "pdf").status, 2);
  assert.is(run("--policy", "fips-140-2").status, 2);
  // Not a certificate number, and not a module WebCrypto can name.
  assert.is(run("--fips-certificate", "FIPS").status, 2);
  assert.is(run("--fips-certificate", "#4985", "--provider", "webcrypto").status, 2);
});
cli.run();
