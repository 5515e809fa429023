// fipstls/compliance: named policies, audit reports and their renderers.
export { CNSA, CNSA_20261127, DEFAULT, DEFAULT_20261127, DEFAULT_20261130_PQ, FIPS_140_3, FIPS_140_3_20261127, FIPS_140_3_20261130, POLICIES, judgeAll, judgeKey, policyByName, type Decision, type Judgement, type Policy, type PolicyName, type PolicyReference } from "../src/policy/policies.js";
export { CATALOG } from "../src/policy/policies.js";
export type { CatalogItem, ItemKind } from "../src/policy/catalog.js";
export { AUDIT_SCHEMA, AUDIT_SCHEMA_VERSION, CMVP_NOT_ESTABLISHED, NOT_A_MODULE, PROTOCOL_CONSTRUCTIONS, auditConfig, auditConnection, type AuditItem, type AuditReport, type AuditVerdict } from "./audit.js";
export { auditChain, type CertificateAudit } from "../src/policy/certificates.js";
export { renderJson, renderMarkdown, renderReport, renderText, type ReportFormat } from "./render.js";
export { AUDIT_JSON_SCHEMA } from "./schema.js";
export { ScanTargetError, type Finding, type FindingStatus, type ScanOptions, type ScanReport } from "./scan.js";
