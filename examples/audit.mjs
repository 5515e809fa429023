// An audit report for a server configuration under fips-140-3, in text (json and md also exist).
// Run: node examples/audit.mjs
import { buildServerConfig } from "fipstls";
import { nodeProvider } from "fipstls/node";
import { auditConfig, renderReport } from "fipstls/compliance";
import { makeThrowawayPki } from "fipstls/testing";

const pki = await makeThrowawayPki({ keyType: "ec-p384" });
const config = await buildServerConfig({ provider: nodeProvider(), policy: "fips-140-3", certificateChain: pki.certPem, privateKey: pki.keyPem });
const report = auditConfig(config);
process.stdout.write(renderReport(report, "text"));
console.log(`verdict: ${report.verdict.compliant ? "compliant" : "not compliant"}`);
