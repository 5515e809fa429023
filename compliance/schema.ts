// JSON Schema (draft 2020-12) of audit reports, version 1. Required fields are only ever added in a
// new version, so that auditors can diff two reports of the same version field by field; optional
// ones (a scan's `tool` and `findings`, a policy's `notes`, a module's `facts`, `notAttested` and
// `cmvp`) may be added within it, as older reports stay valid.
const judgement = {
  decision: { enum: ["allowed", "refused"] },
  rule: { type: "string" },
  reference: { type: "string" },
};

const item = {
  type: "object",
  additionalProperties: false,
  required: ["kind", "iana", "name", "decision", "rule", "reference", "source", "testsslId"],
  properties: {
    kind: { enum: ["version", "cipher_suite", "group", "signature_scheme", "certificate_signature", "key", "extension"] },
    iana: { type: ["integer", "null"] },
    name: { type: "string" },
    ...judgement,
    source: { enum: ["policy", "provider", "user", "implementation", "peer"] },
    testsslId: { type: ["string", "null"] },
    serverAccepted: { type: "boolean" },
  },
};

const judged = {
  type: "object",
  additionalProperties: false,
  required: ["name", "decision", "rule", "reference"],
  properties: { name: { type: "string" }, ...judgement },
};

const certificate = {
  type: "object",
  additionalProperties: false,
  required: ["position", "subject", "issuer", "serialNumber", "notBefore", "notAfter", "selfSigned", "key", "signature"],
  properties: {
    position: { type: "integer" },
    subject: { type: "string" },
    issuer: { type: "string" },
    serialNumber: { type: "string" },
    notBefore: { type: "string" },
    notAfter: { type: "string" },
    selfSigned: { type: "boolean" },
    key: judged,
    signature: judged,
    // Added compatibly within version 1 (optional; scan reports): which of the server's chains.
    chain: { type: "integer" },
  },
};

const fact = {
  type: "object",
  additionalProperties: false,
  required: ["id", "value", "source"],
  properties: { id: { type: "string" }, value: { type: "string" }, source: { type: "string" } },
};

const cmvp = {
  type: "object",
  additionalProperties: false,
  required: ["status", "statement"],
  properties: { status: { enum: ["user-asserted", "not established"] }, certificate: { type: "string" }, statement: { type: "string" } },
};

// Scan reports only: a judged property of the server or its chain (compliance/chain-findings.ts).
const finding = {
  type: "object",
  additionalProperties: false,
  required: ["id", "testsslId", "status", "certificate", "subject", "result", "rule", "reference"],
  properties: {
    id: { type: "string" },
    testsslId: { type: ["string", "null"] },
    status: { enum: ["pass", "fail", "info"] },
    certificate: { type: ["integer", "null"] },
    subject: { type: ["string", "null"] },
    result: { type: "string" },
    rule: { type: "string" },
    reference: { type: "string" },
    chain: { type: "integer" },
  },
};

export const AUDIT_JSON_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:fipstls:audit:v1",
  title: "fipstls audit report, version 1",
  type: "object",
  additionalProperties: false,
  required: ["$schema", "schemaVersion", "type", "generatedAt", "subject", "statement", "policy", "provider", "negotiated", "items", "certificates", "verdict"],
  properties: {
    $schema: { const: "urn:fipstls:audit:v1" },
    schemaVersion: { const: 1 },
    type: { enum: ["config", "connection", "scan"] },
    generatedAt: { type: "string" },
    subject: { type: "string" },
    statement: { type: "string" },
    policy: {
      type: "object",
      additionalProperties: false,
      required: ["id", "aliases", "title", "references"],
      properties: {
        id: { type: "string" },
        aliases: { type: "array", items: { type: "string" } },
        title: { type: "string" },
        references: { type: "array", items: { type: "string" } },
        // Added compatibly within version 1 (optional).
        notes: { type: "array", items: { type: "string" } },
      },
    },
    provider: {
      type: ["object", "null"],
      additionalProperties: false,
      required: ["name", "fips"],
      properties: {
        name: { type: "string" },
        fips: {
          type: "object",
          additionalProperties: false,
          required: ["enforced", "attestable", "evidence"],
          properties: {
            enforced: { type: "boolean" },
            attestable: { type: "boolean" },
            module: { type: "string" },
            evidence: { type: "string" },
            // Added compatibly within version 1 (optional): what was read about the module and where,
            // what could not be, and the CMVP status (never more than "user-asserted").
            facts: { type: "array", items: fact },
            notAttested: { type: "array", items: { type: "string" } },
            cmvp: cmvp,
          },
        },
      },
    },
    negotiated: { type: ["object", "null"], additionalProperties: { type: ["string", "boolean", "null"] } },
    items: { type: "array", items: item },
    certificates: { type: "array", items: certificate },
    // Added compatibly within version 1 (optional; scan reports carry both).
    tool: {
      type: "object",
      additionalProperties: false,
      required: ["name", "version"],
      properties: { name: { type: "string" }, version: { type: "string" } },
    },
    findings: { type: "array", items: finding },
    verdict: {
      type: "object",
      additionalProperties: false,
      required: ["compliant", "algorithmsCompliant", "moduleAttested", "reasons", "notAttested"],
      properties: {
        compliant: { type: "boolean" },
        algorithmsCompliant: { type: "boolean" },
        moduleAttested: { type: "boolean" },
        reasons: { type: "array", items: { type: "string" } },
        notAttested: { type: "array", items: { type: "string" } },
      },
    },
  },
} as const;
