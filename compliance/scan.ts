// Scan a remote server against a policy, like sslyze or testssl.sh but judged by the named policy:
// which versions, suites, groups and signature schemes it accepts, whether TLS 1.2 has EMS and
// renegotiation indication, whether it supports the versions the policy requires, and its
// certificate chain as a client relying on it would judge it (validity, keys, signatures, trust,
// name, revocation information). One connection at a time, each bounded.
import type { CryptoProvider } from "../src/crypto/provider.js";
import { ConfigError } from "../src/errors.js";
import { ProtocolVersion } from "../src/msgs/enums.js";
import { TrustStore, type TrustAnchors, createTrustStore } from "../src/verify/trust.js";
import { isIpLiteral } from "../src/verify/names.js";
import { CIPHER_SUITES, type CatalogItem, EXTENSIONS, GROUPS, SIGNATURE_SCHEMES, VERSIONS } from "../src/policy/catalog.js";
import { type AuditItem, type AuditReport, auditVerdict, reportHeader } from "./audit.js";
import type { CertificateAudit } from "../src/policy/certificates.js";
import { type Finding, judgeChain } from "./chain-findings.js";
import { type Handshake13Answer, handshake13 } from "./handshake13-probe.js";
import { type Policy, type PolicyName, policyByName } from "../src/policy/policies.js";
import { type Dialer, type HelloSpec, type ProbeAnswer, probe } from "./probe.js";
import { versionRequirements } from "./server-requirements.js";
import { FIPSTLS_VERSION } from "./version.js";

export type { Finding, FindingStatus } from "./chain-findings.js";

export interface ScanOptions {
  readonly policy?: PolicyName | Policy;
  /** Used for randomness and for the TLS 1.3 handshakes that reveal signature schemes and the chain. */
  readonly provider: CryptoProvider;
  /** SNI to send and the name the certificate must match; default: the host (IP literals are not sent as SNI). */
  readonly serverName?: string;
  /** Per-probe timeout in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** The scan's clock: the report's time and the moment certificate validity is judged at. */
  readonly now?: () => Date;
  /** Trust anchors the chain must lead to (PEM, DER or a TrustStore); default: Mozilla's root store (fipstls/roots). */
  readonly roots?: TrustAnchors;
}

export interface ScanTarget {
  readonly host: string;
  readonly port: number;
  readonly dial: Dialer;
}

/** A scan report: an audit report that also names its tool and lists each judged property of the server. */
export interface ScanReport extends AuditReport {
  readonly type: "scan";
  readonly tool: { readonly name: string; readonly version: string };
  /** Certificate and server-wide findings, each with its rule and reference; `fail` ones are verdict reasons. */
  readonly findings: readonly Finding[];
  readonly certificates: readonly CertificateAudit[];
}

const TLS13_SUITES = CIPHER_SUITES.filter((s) => s.iana! >= 0x1301 && s.iana! <= 0x1305);
const TLS12_SUITES = CIPHER_SUITES.filter((s) => !TLS13_SUITES.includes(s));
const EC_GROUPS = GROUPS.filter((g) => ["secp256r1", "secp384r1", "secp521r1", "x25519", "x448"].includes(g.name));
const ECDHE_SUITES = TLS12_SUITES.filter((s) => s.name.startsWith("TLS_ECDHE_"));
const ALL_SCHEMES = SIGNATURE_SCHEMES.map((s) => s.iana!);
/**
 * signature_algorithms_cert: every scheme plus legacy hash/signature pairs (MD5, SHA-224, DSA), so
 * that whatever the chain is signed with, the server has no reason to withhold it (RFC 8446 4.2.3).
 */
const ALL_CERT_SCHEMES = [...ALL_SCHEMES, ...[0x0101, 0x0102, 0x0103, 0x0202, 0x0301, 0x0302, 0x0303].filter((c) => !ALL_SCHEMES.includes(c))];
const NIST_CURVE_IDS = GROUPS.filter((g) => g.name.startsWith("secp")).map((g) => g.iana!);

type Answer = ProbeAnswer | Handshake13Answer;
/** Hello, alert or a closed connection are the server's answer; anything else leaves the question open. */
const conclusive = (a: Answer): boolean => a.kind === "hello" || a.kind === "handshake" || a.kind === "alert" || a.kind === "closed";
/** Accepted if any probe saw it accepted; open if any probe had no conclusive answer; else refused. */
const combine = (results: readonly (boolean | null)[]): boolean | null => (results.includes(true) ? true : results.includes(null) ? null : false);
const why = (a: Answer): string => (a.kind === "malformed" || a.kind === "unsupported" ? `${a.kind}: ${a.detail}` : a.kind);

/** Runs every probe and returns the report; never throws for server behaviour. */
export async function scanServer(target: ScanTarget, options: ScanOptions): Promise<ScanReport> {
  const policy = typeof options.policy === "object" ? options.policy : policyByName(options.policy ?? "default");
  const roots = await trustAnchors(options.roots);
  const at = (options.now ?? (() => new Date()))();
  const timeoutMs = options.timeoutMs ?? 5000;
  const p = options.provider;
  const isIp = isIpLiteral(target.host.replace(/^\[|\]$/g, ""));
  const serverName = options.serverName ?? (isIp ? undefined : target.host);
  const checkedName = options.serverName ?? target.host.replace(/^\[|\]$/g, "");
  const ask = (spec: Omit<HelloSpec, "serverName">): Promise<ProbeAnswer> =>
    probe(target.dial, { ...spec, ...(serverName ? { serverName } : {}) }, p.random(32), timeoutMs);
  const shake = (signatureSchemes: readonly number[], statusRequest: boolean): Promise<Handshake13Answer> =>
    handshake13(target.dial, { ...(serverName ? { serverName } : {}), signatureSchemes, signatureSchemesCert: ALL_CERT_SCHEMES, statusRequest }, p, timeoutMs);
  const base = { groups: EC_GROUPS.map((g) => g.iana!), signatureSchemes: ALL_SCHEMES, signatureSchemesCert: ALL_CERT_SCHEMES, extendedMasterSecret: true, renegotiationInfo: true };
  const accepted = new Map<string, boolean>();
  const items: AuditItem[] = [];
  const open: { item: CatalogItem; why: string }[] = [];
  const notAttested: string[] = [];
  /** `ok` null: no conclusive answer; the item is listed without serverAccepted and reported as open. */
  const record = (item: CatalogItem, ok: boolean | null, answer?: Answer): void => {
    const judged = { kind: item.kind, iana: item.iana ?? null, name: item.name, ...policy.judge(item.kind, item.name), source: "peer" as const, testsslId: item.testsslId ?? null };
    if (ok === null) {
      open.push({ item, why: answer ? why(answer) : "not probed" });
      items.push(judged);
      return;
    }
    accepted.set(`${item.kind}:${item.name}`, ok);
    items.push({ ...judged, serverAccepted: ok });
  };
  const outcome = (a: ProbeAnswer, ok: boolean): boolean | null => (ok ? true : conclusive(a) ? false : null);

  // Versions: one hello each; TLS 1.3 without key shares is answered with a HelloRetryRequest. The
  // pre-1.3 hellos also ask for a stapled OCSP response, since their chain is the one judged if
  // the server has no TLS 1.3.
  const legacy: Extract<ProbeAnswer, { kind: "hello" }>[] = [];
  for (const v of VERSIONS) {
    const tls13 = v.iana === ProtocolVersion.TLS13;
    const a = await ask({ ...base, version: v.iana!, cipherSuites: (tls13 ? TLS13_SUITES : TLS12_SUITES).map((s) => s.iana!), statusRequest: !tls13 });
    const ok = a.kind === "hello" && a.version === v.iana;
    if (!tls13 && a.kind === "hello" && ok) legacy.unshift(a);
    record(v, outcome(a, ok), a);
  }
  const tls13 = accepted.get("version:TLSv1.3") === true;
  const tls12 = accepted.get("version:TLSv1.2") === true;

  // Cipher suites, one per hello.
  for (const s of tls13 ? TLS13_SUITES : []) {
    const a = await ask({ ...base, version: ProtocolVersion.TLS13, cipherSuites: [s.iana!] });
    record(s, outcome(a, a.kind === "hello" && a.cipherSuite === s.iana), a);
  }
  const tls12Version = tls12 ? ProtocolVersion.TLS12 : accepted.get("version:TLSv1.1") ? ProtocolVersion.TLS11 : accepted.get("version:TLSv1.0") ? ProtocolVersion.TLS10 : null;
  for (const s of tls12Version !== null ? TLS12_SUITES : []) {
    const a = await ask({ ...base, version: tls12Version!, cipherSuites: [s.iana!] });
    record(s, outcome(a, a.kind === "hello" && a.cipherSuite === s.iana), a);
  }

  // Groups: through HelloRetryRequest in TLS 1.3, through ServerKeyExchange in TLS 1.2.
  for (const g of GROUPS) {
    const results: (boolean | null)[] = [];
    let last: ProbeAnswer | undefined;
    if (tls13) {
      last = await ask({ ...base, version: ProtocolVersion.TLS13, cipherSuites: TLS13_SUITES.map((s) => s.iana!), groups: [g.iana!] });
      results.push(outcome(last, last.kind === "hello" && last.group === g.iana));
    }
    if (!results.includes(true) && tls12 && EC_GROUPS.includes(g)) {
      // RFC 4492: in TLS 1.2 the list also admits the ECDSA certificate's curve, so the NIST curves
      // follow `g`; servers that honour the client's order then pick `g` whenever they support it.
      const groups = [g.iana!, ...NIST_CURVE_IDS.filter((id) => id !== g.iana)];
      last = await ask({ ...base, version: ProtocolVersion.TLS12, cipherSuites: ECDHE_SUITES.map((s) => s.iana!), groups });
      results.push(outcome(last, last.kind === "hello" && last.group === g.iana));
    }
    if (tls13 || tls12) record(g, combine(results), last);
  }

  // The TLS 1.3 chain: a full handshake offering everything, the chain left free by a broad
  // signature_algorithms_cert (with one scheme in both lists, a server whose chain is signed
  // otherwise refuses and no chain is ever seen).
  let chain13: Extract<Handshake13Answer, { kind: "handshake" }> | null = null;
  if (tls13) {
    const a = await shake(ALL_SCHEMES, true);
    if (a.kind === "handshake" && a.certificates.length > 0) chain13 = a;
    else notAttested.push(`the TLS 1.3 handshake that collects the chain did not complete (${a.kind === "handshake" ? "no certificates" : why(a)})`);
  }

  // Signature schemes: visible in TLS 1.2's ServerKeyExchange; in TLS 1.3 in the CertificateVerify of
  // a handshake whose signature_algorithms holds that one scheme (signature_algorithms_cert stays broad).
  for (const s of SIGNATURE_SCHEMES) {
    const results: (boolean | null)[] = [];
    let last: Answer | undefined;
    if (tls12) {
      last = await ask({ ...base, version: ProtocolVersion.TLS12, cipherSuites: ECDHE_SUITES.map((x) => x.iana!), signatureSchemes: [s.iana!] });
      results.push(outcome(last, last.kind === "hello" && last.signatureScheme === s.iana));
    }
    // rsa_pkcs1_* and SHA-1 schemes cannot appear in a TLS 1.3 CertificateVerify at all (RFC 8446 4.2.3).
    const in13 = !s.name.startsWith("rsa_pkcs1_") && !s.name.endsWith("_sha1");
    if (!results.includes(true) && tls13 && in13) {
      last = await shake([s.iana!], false);
      results.push(last.kind === "handshake" ? last.certificateVerifyScheme === s.iana : conclusive(last) ? false : null);
    }
    if (results.length > 0) record(s, combine(results), last);
  }

  if (tls12) {
    const answer = legacy.find((a) => a.version === ProtocolVersion.TLS12)!;
    record(EXTENSIONS.find((e) => e.name === "extended_master_secret")!, answer.extendedMasterSecret);
    record(EXTENSIONS.find((e) => e.name === "renegotiation_info")!, answer.renegotiationInfo);
  }

  // The chain judged: TLS 1.3's if it could be collected, else the newest older version's.
  const older = legacy.find((a) => a.certificates.length > 0);
  const source = chain13 ? { chain: chain13.certificates, ocspStapled: chain13.ocspStapled } : older ? { chain: older.certificates, ocspStapled: older.ocspStapled } : null;
  if (chain13 && older && !sameBytes(chain13.certificates[0]!, older.certificates[0]!)) {
    notAttested.push("the server presents a different certificate over TLS 1.2 than over TLS 1.3; only the TLS 1.3 chain was judged");
  }
  const findings: Finding[] = [];
  let certificates: readonly CertificateAudit[] = [];
  if (source) {
    const judged = await judgeChain({ ...source, policy, provider: p, roots: roots.store, rootsName: roots.name, time: at, name: checkedName });
    certificates = judged.certificates;
    findings.push(...judged.findings);
  } else if (VERSIONS.some((v) => accepted.get(`version:${v.name}`))) {
    findings.push({
      id: "cert_chain",
      testsslId: null,
      status: "fail",
      certificate: null,
      subject: null,
      result: "the server's certificate chain could not be obtained, so it could not be judged",
      rule: "a scan reports compliant only for a server whose certificate chain it has judged",
      reference: "NIST SP 800-52r2 §3.2.1, §4.5.1",
    });
  }

  // Versions the policy requires the server to support, from the day they take effect.
  for (const req of versionRequirements(policy)) {
    if (at < req.from) continue;
    const item = VERSIONS.find((v) => v.name === req.version)!;
    const ok = accepted.get(`version:${req.version}`);
    findings.push({
      id: "version_required",
      testsslId: item.testsslId ?? null,
      status: ok === true ? "pass" : "fail",
      certificate: null,
      subject: null,
      result: ok === true ? `the server accepts ${req.version}` : ok === false ? `the server does not accept ${req.version}` : `whether the server accepts ${req.version} could not be established`,
      rule: req.rule,
      reference: req.reference,
    });
  }

  const reasons: string[] = [];
  for (const i of items) {
    if (i.serverAccepted && i.decision === "refused" && i.kind !== "extension") reasons.push(`server accepts ${i.kind} ${i.name}: ${i.rule} (${i.reference})`);
  }
  if (tls12 && policy.requireExtendedMasterSecret && !accepted.get("extension:extended_master_secret")) {
    reasons.push("server accepts TLS 1.2 without the Extended Master Secret (FIPS 140-3 IG D.Q)");
  }
  if (!VERSIONS.some((v) => accepted.get(`version:${v.name}`) && policy.judge("version", v.name).decision === "allowed")) {
    reasons.push("server accepts no protocol version the policy allows");
  }
  for (const f of findings) {
    if (f.status === "fail") reasons.push(`${f.certificate !== null ? `certificate ${f.certificate} (${f.subject}): ` : ""}${f.result}: ${f.rule} (${f.reference})`);
  }
  // An open question about an item the policy refuses could hide a violation: not compliant.
  const openRefused = open.filter((o) => policy.judge(o.item.kind, o.item.name).decision === "refused");
  if (openRefused.length > 0) reasons.push(`could not establish whether the server accepts ${list(openRefused.map((o) => `${o.item.kind} ${o.item.name} (${o.why})`))}`);
  if (open.length > 0) notAttested.push(`probes without a conclusive answer: ${list(open.map((o) => `${o.item.kind} ${o.item.name} (${o.why})`))}`);
  notAttested.push(
    "revocation status was not fetched: the scan reports whether the server staples an OCSP response and where the issuer publishes revocation information",
    "a server with several certificates (e.g. RSA and ECDSA) is judged on the chain it presents to a broad hello",
  );

  // The same verdict function as every other report: `compliant` means no reason against the policy.
  const v = auditVerdict(policy, null, reasons);
  return {
    ...reportHeader("scan", `${target.host}:${target.port}${serverName ? ` (SNI ${serverName})` : ""}`, at, policy),
    type: "scan",
    tool: { name: "fipstls", version: FIPSTLS_VERSION },
    provider: null,
    negotiated: null,
    items,
    certificates,
    findings,
    verdict: { ...v, notAttested: [...v.notAttested, ...notAttested] },
  };
}

async function trustAnchors(roots: TrustAnchors | undefined): Promise<{ store: TrustStore; name: string }> {
  if (roots === undefined) {
    // Loaded on demand: the compiled-in store is large and parsing it takes ~100 ms.
    const { mozillaTrustStore } = await import("../src/roots/index.js");
    return { store: mozillaTrustStore(), name: "Mozilla's root store (fipstls/roots)" };
  }
  const store = roots instanceof TrustStore ? roots : createTrustStore(roots as Exclude<TrustAnchors, TrustStore>);
  if (store.anchors.length === 0) throw new ConfigError("roots holds no certificate", "roots");
  return { store, name: "the given roots" };
}

function list(entries: readonly string[], max = 8): string {
  return entries.length <= max ? entries.join(", ") : `${entries.slice(0, max).join(", ")} and ${entries.length - max} more`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
