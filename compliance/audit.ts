// The audit report model (a versioned JSON schema) and the reports for a config and a connection.
// Items keep the shape {kind, iana, name, decision, rule, reference, source} so two reports diff
// cleanly, and each carries the testssl.sh id where one exists.
import type { CmvpStatus, CryptoProvider, FipsStatus } from "../src/crypto/provider.js";
import type { CommonConfig } from "../src/config/common.js";
import type { ConfigDecision, DecisionSource } from "../src/config/effective.js";
import type { NegotiatedInfo } from "../src/handshake/info.js";
import { CERTIFICATE_SIGNATURES, CIPHER_SUITES, type CatalogItem, GROUPS, type ItemKind, SIGNATURE_SCHEMES, VERSIONS } from "../src/policy/catalog.js";
import { type CertificateAudit, auditChain } from "../src/policy/certificates.js";
import type { Policy } from "../src/policy/policies.js";

export const AUDIT_SCHEMA = "urn:fipstls:audit:v1";
export const AUDIT_SCHEMA_VERSION = 1;

export const NOT_A_MODULE =
  "fipstls is not a cryptographic module and is not FIPS validated: it restricts TLS to the algorithms the policy allows and delegates every primitive to the provider named here.";

/** Reports say this when the provider did not (fipstls never infers validation from FIPS mode). */
export const CMVP_NOT_ESTABLISHED: CmvpStatus = {
  status: "not established",
  statement:
    "CMVP status: not established. fipstls cannot read a module's CMVP certificate and does not take FIPS mode for validation; a provider may record a certificate number the user supplies, shown as user-asserted.",
};

/**
 * What fipstls itself constructs outside the module, in every report that has a provider. These
 * follow from how src/record, src/tls13 and src/tls12 use the CryptoProvider interface, whatever the provider.
 */
export const PROTOCOL_CONSTRUCTIONS: readonly string[] = [
  "that AES-GCM nonces are generated inside the module: fipstls constructs each record's nonce, per RFC 8446 §5.3 in TLS 1.3 (the static IV XOR the record sequence number) and per RFC 5288 in TLS 1.2 (the 4-byte implicit salt and an 8-byte explicit part equal to the sequence number), and passes it to the module, which neither generates nor checks it; FIPS 140-3 IG C.H accepts TLS nonce constructions where the module enforces them (Go's FIPS module labels RFC 5288 and RFC 8446 §5.3 nonces Scenario 1.a and checks the counter inside the module), so the module's approved-service indicator may flag these encryptions as non-approved; see IG C.H",
  "that the TLS 1.3 key schedule is the module's approved KDF service: every HMAC runs inside the module, but HKDF-Extract (one HMAC call), HKDF-Expand (the RFC 5869 T(1)..T(n) iteration), HKDF-Expand-Label and Derive-Secret (RFC 8446 §7.1) are fipstls's construction around it, and the (EC)DH shared secret and derived secrets pass through JavaScript memory as bytes",
  "that the TLS 1.2 KDF is the module's approved TLS 1.2 KDF service (SP 800-135 §4.2, with the Extended Master Secret as IG D.Q requires): every HMAC runs inside the module, but the PRF's P_hash iteration (RFC 5246 §5), the master secret, Extended Master Secret, key block and Finished derivations are fipstls's construction around it, and the pre-master and master secrets pass through JavaScript memory as bytes",
];

export interface AuditItem {
  readonly kind: ItemKind;
  readonly iana: number | null;
  readonly name: string;
  readonly decision: "allowed" | "refused";
  readonly rule: string;
  readonly reference: string;
  readonly source: DecisionSource;
  readonly testsslId: string | null;
  /** Scans only: whether the server accepted the item when offered alone. */
  readonly serverAccepted?: boolean;
}

export interface AuditVerdict {
  /** Algorithms and keys meet the policy and, where the policy requires it, the module attests FIPS mode. */
  readonly compliant: boolean;
  readonly algorithmsCompliant: boolean;
  readonly moduleAttested: boolean;
  readonly reasons: readonly string[];
  /** What this report could not establish, said plainly. */
  readonly notAttested: readonly string[];
}

export interface AuditReport {
  readonly $schema: string;
  readonly schemaVersion: number;
  readonly type: "config" | "connection" | "scan";
  readonly generatedAt: string;
  readonly subject: string;
  readonly statement: string;
  readonly policy: { readonly id: string; readonly aliases: readonly string[]; readonly title: string; readonly references: readonly string[]; readonly notes?: readonly string[] };
  readonly provider: { readonly name: string; readonly fips: FipsStatus } | null;
  readonly negotiated: Readonly<Record<string, string | boolean | null>> | null;
  readonly items: readonly AuditItem[];
  readonly certificates: readonly CertificateAudit[];
  readonly verdict: AuditVerdict;
}

const CATALOG_BY_KIND: Partial<Record<ItemKind, readonly CatalogItem[]>> = {
  version: VERSIONS,
  cipher_suite: CIPHER_SUITES,
  group: GROUPS,
  signature_scheme: SIGNATURE_SCHEMES,
  certificate_signature: CERTIFICATE_SIGNATURES,
};

const testsslIdOf = (kind: ItemKind, name: string): string | null => CATALOG_BY_KIND[kind]?.find((c) => c.name === name)?.testsslId ?? null;

export function itemFrom(d: ConfigDecision): AuditItem {
  return {
    kind: d.kind,
    iana: d.iana ?? null,
    name: d.name,
    decision: d.decision,
    rule: d.rule,
    reference: d.reference,
    source: d.source,
    testsslId: testsslIdOf(d.kind, d.name),
  };
}

export function policySummary(policy: Policy): AuditReport["policy"] {
  return {
    id: policy.id,
    aliases: policy.aliases,
    title: policy.title,
    references: policy.references.map((r) => `${r.id}: ${r.title} <${r.url}>`),
    ...(policy.notes?.length ? { notes: policy.notes } : {}),
  };
}

/** The provider's FIPS status as reports carry it: always with a CMVP status, never an inferred one. */
export function reportedFips(provider: CryptoProvider): FipsStatus {
  const fips = provider.fips();
  return fips.cmvp ? fips : { ...fips, cmvp: CMVP_NOT_ESTABLISHED };
}

function moduleFacts(policy: Policy, provider: CryptoProvider): { attested: boolean; reasons: string[]; notAttested: string[] } {
  const fips = reportedFips(provider);
  const notAttested: string[] = [];
  const reasons: string[] = [];
  if (!fips.attestable) notAttested.push(`the FIPS status of provider "${provider.name}" cannot be determined: ${fips.evidence}`);
  else if (!fips.enforced) notAttested.push(`provider "${provider.name}" reports that its module is not in FIPS mode: ${fips.evidence}`);
  notAttested.push(fips.cmvp!.statement);
  notAttested.push(...(fips.notAttested ?? []), ...PROTOCOL_CONSTRUCTIONS);
  if (policy.requireFipsProvider && !fips.enforced) reasons.push(`policy ${policy.id} requires a FIPS-mode module and none is attested`);
  return { attested: fips.enforced, reasons, notAttested };
}

function verdict(policy: Policy, provider: CryptoProvider | null, algorithmReasons: string[]): AuditVerdict {
  const module = provider ? moduleFacts(policy, provider) : { attested: false, reasons: [], notAttested: ["the peer's cryptographic module cannot be observed from the network"] };
  const algorithmsCompliant = algorithmReasons.length === 0;
  const compliant = algorithmsCompliant && module.reasons.length === 0;
  return { compliant, algorithmsCompliant, moduleAttested: module.attested, reasons: [...algorithmReasons, ...module.reasons], notAttested: module.notAttested };
}

function certificateReasons(certs: readonly CertificateAudit[], who: string): string[] {
  const out: string[] = [];
  for (const c of certs) {
    if (c.key.decision === "refused" && c.position === 0) out.push(`${who} certificate key ${c.key.name}: ${c.key.rule}`);
    if (c.signature.decision === "refused") out.push(`${who} certificate ${c.position} (${c.subject}) signed with ${c.signature.name}: ${c.signature.rule}`);
  }
  return out;
}

/** The fields every report starts with. */
export function reportHeader(type: AuditReport["type"], subject: string, at: Date, policy: Policy): Pick<AuditReport, "$schema" | "schemaVersion" | "type" | "generatedAt" | "subject" | "statement" | "policy"> {
  return { $schema: AUDIT_SCHEMA, schemaVersion: AUDIT_SCHEMA_VERSION, type, generatedAt: at.toISOString(), subject, statement: NOT_A_MODULE, policy: policySummary(policy) };
}

/**
 * Catalog items the policy allows that the config never considered because fipstls does not
 * implement them yet (the hybrid ML-KEM groups): listed, so that a report shows the
 * policy's decision and why it is not in effect.
 */
function notImplemented(policy: Policy, decided: readonly ConfigDecision[]): AuditItem[] {
  const seen = new Set(decided.map((d) => `${d.kind} ${d.name}`));
  return (["version", "cipher_suite", "group", "signature_scheme"] as const).flatMap((kind) =>
    (CATALOG_BY_KIND[kind] ?? [])
      .filter((c) => !seen.has(`${kind} ${c.name}`))
      .flatMap((c): AuditItem[] => {
        const j = policy.judge(kind, c.name);
        if (j.decision !== "allowed") return [];
        return [{
          kind,
          iana: c.iana ?? null,
          name: c.name,
          decision: "refused",
          rule: `allowed by the policy (${j.rule}), but fipstls does not implement it yet`,
          reference: j.reference,
          source: "implementation",
          testsslId: c.testsslId ?? null,
        }];
      }),
  );
}

/** The policy, as applied to one built client or server config. */
export function auditConfig(config: CommonConfig & { readonly certificateChain?: readonly Uint8Array[]; readonly side?: string }): AuditReport {
  const certificates = config.certificateChain?.length ? auditChain(config.certificateChain, config.policy) : [];
  const items = [...config.decisions.map(itemFrom), ...notImplemented(config.policy, config.decisions)];
  const reasons = [
    ...items.filter((i) => i.decision === "allowed" && config.policy.judge(i.kind, i.name).decision === "refused").map((i) => `${i.kind} ${i.name} is enabled but refused by the policy`),
    ...certificateReasons(certificates, "our"),
  ];
  return {
    ...reportHeader("config", `${config.side ?? "tls"} configuration`, config.now(), config.policy),
    provider: { name: config.provider.name, fips: reportedFips(config.provider) },
    negotiated: null,
    items,
    certificates,
    verdict: verdict(config.policy, config.provider, reasons),
  };
}

/** What one live connection negotiated, judged against the policy, peer chain included. */
export function auditConnection(config: CommonConfig, info: NegotiatedInfo, subject = "connection"): AuditReport {
  const judged = (kind: ItemKind, name: string, iana: number | null): AuditItem => ({
    kind,
    iana,
    name,
    ...config.policy.judge(kind, name),
    source: "policy",
    testsslId: testsslIdOf(kind, name),
  });
  const items = [
    judged("version", info.version, info.version === "TLSv1.3" ? 0x0304 : 0x0303),
    judged("cipher_suite", info.cipherSuite, CIPHER_SUITES.find((c) => c.name === info.cipherSuite)?.iana ?? null),
    judged("group", info.group, GROUPS.find((g) => g.name === info.group)?.iana ?? null),
    judged("signature_scheme", info.signatureScheme, SIGNATURE_SCHEMES.find((s) => s.name === info.signatureScheme)?.iana ?? null),
  ];
  // TLS 1.2: whether the master secret is the Extended Master Secret (FIPS 140-3 IG D.Q).
  if (info.version === "TLSv1.2") {
    const ems = judged("extension", "extended_master_secret", 23);
    items.push(info.extendedMasterSecret ? ems : { ...ems, decision: config.policy.requireExtendedMasterSecret ? "refused" : ems.decision, rule: `not negotiated: ${ems.rule}` });
  }
  const certificates = info.peerCertificates.length ? auditChain(info.peerCertificates, config.policy) : [];
  const reasons = [
    ...items.filter((i) => i.decision === "refused").map((i) => `negotiated ${i.kind} ${i.name}: ${i.rule}`),
    ...certificateReasons(certificates, "peer"),
    // Whoever holds the logged lines can read and forge the traffic: no policy's guarantees survive that.
    ...(info.keyLogged ? ["key logging was on: the connection's secrets were written out (keyLog / 'keylog')"] : []),
  ];
  return {
    ...reportHeader("connection", subject, config.now(), config.policy),
    provider: { name: config.provider.name, fips: reportedFips(config.provider) },
    negotiated: {
      version: info.version,
      cipherSuite: info.cipherSuite,
      group: info.group,
      signatureScheme: info.signatureScheme,
      alpnProtocol: info.alpnProtocol,
      serverName: info.serverName,
      helloRetryRequest: info.helloRetryRequest,
      // A resumed connection's group (TLS 1.2) and signature scheme are those of the handshake that made its session.
      resumed: info.resumed,
      ...(info.keyLogged ? { keyLogged: true } : {}),
      ...(info.version === "TLSv1.2" ? { extendedMasterSecret: info.extendedMasterSecret ?? false } : {}),
    },
    items,
    certificates,
    verdict: verdict(config.policy, config.provider, reasons),
  };
}

export { verdict as auditVerdict };
