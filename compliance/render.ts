// Renderers for audit reports: JSON (the stable, versioned form), plain text for terminals and
// logs, and Markdown for filing. Text and Markdown show the same facts in the same order.
import type { AuditItem, AuditReport } from "./audit.js";
import type { CertificateAudit } from "../src/policy/certificates.js";
import type { CmvpStatus } from "../src/crypto/provider.js";
import type { Finding, ScanReport } from "./scan.js";

export type ReportFormat = "json" | "text" | "md";

export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const KIND_TITLES: Record<string, string> = {
  version: "Protocol versions",
  cipher_suite: "Cipher suites",
  group: "Key-exchange groups",
  signature_scheme: "Signature schemes",
  certificate_signature: "Certificate signature algorithms",
  key: "Keys",
  extension: "Extensions",
};

function groupByKind(items: readonly AuditItem[]): [string, AuditItem[]][] {
  const out = new Map<string, AuditItem[]>();
  for (const i of items) out.set(i.kind, [...(out.get(i.kind) ?? []), i]);
  return [...out.entries()];
}

const hex = (n: number | null): string => (n === null ? "-" : `0x${n.toString(16).padStart(4, "0")}`);
const mark = (d: "allowed" | "refused"): string => (d === "allowed" ? "allowed" : "REFUSED");
/** In scans, what the server did comes first: a refused item the server accepts is the finding. */
/** In a scan, an item without serverAccepted is one no probe answered conclusively. */
const served = (i: AuditItem, scan: boolean): string =>
  i.serverAccepted === undefined ? (scan ? "unknown  " : "") : i.serverAccepted ? (i.decision === "refused" ? "ACCEPTS  " : "accepts  ") : "rejects  ";

function verdictLine(r: AuditReport): string {
  if (r.verdict.compliant) return `COMPLIANT with ${r.policy.id}`;
  if (r.verdict.algorithmsCompliant) return `NOT COMPLIANT with ${r.policy.id}: algorithms comply, the module is not attested`;
  return `NOT COMPLIANT with ${r.policy.id}`;
}

/** Scan reports add the tool and their findings; other reports render as before. */
const scanParts = (r: AuditReport): Partial<Pick<ScanReport, "tool" | "findings">> => r as Partial<ScanReport>;
const byTool = (r: AuditReport): string => {
  const tool = scanParts(r).tool;
  return tool ? ` by ${tool.name} ${tool.version}` : "";
};
/** Chains are numbered only when the server presented more than one. */
const chainCount = (r: AuditReport): number => new Set(r.certificates.map((c) => (c as { chain?: number }).chain ?? 0)).size;
const chainTag = (chain: number | undefined, many: boolean): string => (many && chain !== undefined ? `chain ${chain} ` : "");
const findingWhere = (f: Finding, many = false): string => (f.certificate === null ? "" : `${chainTag(f.chain, many)}[${f.certificate}] ${f.subject ?? ""}: `);
const findingLine = (f: Finding, many: boolean): string => `${findingWhere(f, many)}${f.result}; ${f.rule} (${f.reference})`;

/** "user-asserted" is the most a report ever says about validation: fipstls cannot check a certificate. */
const cmvpLine = (c: CmvpStatus): string => (c.status === "user-asserted" ? `certificate ${c.certificate ?? "?"}, user-asserted (not verified by fipstls)` : "not established");

const certLine = (c: CertificateAudit & { chain?: number }, many = false): string =>
  `${chainTag(c.chain, many)}[${c.position}] ${c.subject} (issuer ${c.issuer}), ${c.notBefore} .. ${c.notAfter}; key ${c.key.name} ${mark(c.key.decision)} (${c.key.rule}); signature ${c.signature.name} ${mark(c.signature.decision)} (${c.signature.rule})`;

export function renderText(r: AuditReport): string {
  const lines: string[] = [];
  lines.push(`fipstls audit report: ${r.type}, ${r.subject}`);
  lines.push(`generated ${r.generatedAt}${byTool(r)}, schema ${r.$schema}`);
  lines.push(`policy    ${r.policy.id} (${r.policy.aliases.join(", ")}): ${r.policy.title}`);
  for (const n of r.policy.notes ?? []) lines.push(`          note: ${n}`);
  if (r.provider) {
    const f = r.provider.fips;
    lines.push(`provider  ${r.provider.name}: FIPS mode ${!f.attestable ? "not attestable" : f.enforced ? "enforced" : "not enabled"}${f.module ? ` (${f.module})` : ""}`);
    lines.push(`          ${f.evidence}`);
    if (f.cmvp) lines.push(`cmvp      ${cmvpLine(f.cmvp)}`);
  }
  lines.push(`verdict   ${verdictLine(r)}`);
  for (const reason of r.verdict.reasons) lines.push(`          - ${reason}`);
  if (r.negotiated) {
    lines.push("", "negotiated");
    for (const [k, v] of Object.entries(r.negotiated)) lines.push(`  ${k.padEnd(18)} ${v === null ? "-" : String(v)}`);
  }
  for (const [kind, items] of groupByKind(r.items)) {
    lines.push("", KIND_TITLES[kind] ?? kind);
    const width = Math.max(...items.map((i) => i.name.length));
    for (const i of items) lines.push(`  ${served(i, r.type === "scan")}${mark(i.decision).padEnd(8)} ${i.name.padEnd(width)}  ${hex(i.iana)}  [${i.source}] ${i.rule} (${i.reference})`);
  }
  if (r.certificates.length) {
    lines.push("", "Certificates");
    for (const c of r.certificates) lines.push(`  ${certLine(c, chainCount(r) > 1)}`);
  }
  const findings = scanParts(r).findings ?? [];
  if (findings.length) {
    lines.push("", "Findings");
    for (const f of findings) lines.push(`  ${f.status.toUpperCase().padEnd(4)}  ${f.id.padEnd(28)} ${findingLine(f, chainCount(r) > 1)}`);
  }
  const facts = r.provider?.fips.facts ?? [];
  if (facts.length) {
    lines.push("", "Module evidence");
    const width = Math.max(...facts.map((f) => f.id.length));
    for (const f of facts) lines.push(`  ${f.id.padEnd(width)}  ${f.value}  [${f.source}]`);
  }
  lines.push("", "Not attested");
  for (const n of r.verdict.notAttested) lines.push(`  - ${n}`);
  lines.push("", r.statement, "");
  return lines.join("\n");
}

const cell = (s: string): string => s.replace(/\|/g, "\\|");

export function renderMarkdown(r: AuditReport): string {
  const lines: string[] = [];
  lines.push(`# fipstls audit report: ${r.type}`, "");
  lines.push(`- **Subject:** ${r.subject}`);
  lines.push(`- **Generated:** ${r.generatedAt}${byTool(r)} (schema \`${r.$schema}\`)`);
  lines.push(`- **Policy:** \`${r.policy.id}\` (${r.policy.aliases.map((a) => `\`${a}\``).join(", ")}): ${r.policy.title}`);
  for (const n of r.policy.notes ?? []) lines.push(`  - ${n}`);
  if (r.provider) {
    const f = r.provider.fips;
    lines.push(`- **Provider:** \`${r.provider.name}\`, FIPS mode ${!f.attestable ? "not attestable" : f.enforced ? "enforced" : "not enabled"}${f.module ? ` (${f.module})` : ""}. ${f.evidence}`);
    if (f.cmvp) lines.push(`- **CMVP:** ${cmvpLine(f.cmvp)}`);
  }
  lines.push(`- **Verdict:** ${verdictLine(r)}`);
  for (const reason of r.verdict.reasons) lines.push(`  - ${reason}`);
  if (r.negotiated) {
    lines.push("", "## Negotiated", "", "| parameter | value |", "|---|---|");
    for (const [k, v] of Object.entries(r.negotiated)) lines.push(`| ${k} | ${v === null ? "-" : cell(String(v))} |`);
  }
  for (const [kind, items] of groupByKind(r.items)) {
    const scan = r.type === "scan" || items.some((i) => i.serverAccepted !== undefined);
    lines.push("", `## ${KIND_TITLES[kind] ?? kind}`, "", `| ${scan ? "server | " : ""}decision | name | IANA | source | rule | reference |`, `|${scan ? "---|" : ""}---|---|---|---|---|---|`);
    for (const i of items) lines.push(`| ${scan ? `${served(i, r.type === "scan").trim()} | ` : ""}${mark(i.decision)} | \`${i.name}\` | ${hex(i.iana)} | ${i.source} | ${cell(i.rule)} | ${cell(i.reference)} |`);
  }
  if (r.certificates.length) {
    lines.push("", "## Certificates", "");
    for (const c of r.certificates) lines.push(`- ${cell(certLine(c, chainCount(r) > 1))}`);
  }
  const mdFindings = scanParts(r).findings ?? [];
  if (mdFindings.length) {
    lines.push("", "## Findings", "", "| status | check | certificate | result | rule | reference |", "|---|---|---|---|---|---|");
    for (const f of mdFindings) lines.push(`| ${f.status.toUpperCase()} | \`${f.id}\` | ${f.certificate === null ? "-" : cell(`${chainTag(f.chain, chainCount(r) > 1)}${f.certificate} ${f.subject ?? ""}`)} | ${cell(f.result)} | ${cell(f.rule)} | ${cell(f.reference)} |`);
  }
  const mdFacts = r.provider?.fips.facts ?? [];
  if (mdFacts.length) {
    lines.push("", "## Module evidence", "", "| fact | value | read from |", "|---|---|---|");
    for (const f of mdFacts) lines.push(`| \`${f.id}\` | ${cell(f.value)} | ${cell(f.source)} |`);
  }
  lines.push("", "## Not attested", "");
  for (const n of r.verdict.notAttested) lines.push(`- ${n}`);
  lines.push("", `> ${r.statement}`, "");
  return lines.join("\n");
}

export function renderReport(report: AuditReport, format: ReportFormat): string {
  return format === "json" ? renderJson(report) : format === "md" ? renderMarkdown(report) : renderText(report);
}
