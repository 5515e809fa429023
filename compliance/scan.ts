// Scan a remote server against a policy, like sslyze or testssl.sh but judged by the named policy:
// which versions, suites (the whole IANA registry), groups and signature schemes it accepts and in
// whose order it chooses, whether TLS 1.2 has EMS and renegotiation indication, its downgrade
// protection, whether it supports the versions the policy requires, and every certificate chain it
// presents as a client relying on it would judge it (validity, keys, signatures, trust, name,
// revocation information). One connection at a time, each bounded.
import type { CryptoProvider } from "../src/crypto/provider.js";
import { ConfigError, FipstlsError } from "../src/errors.js";
import { ProtocolVersion } from "../src/msgs/enums.js";
import { TrustStore, type TrustAnchors, createTrustStore } from "../src/verify/trust.js";
import { isIpLiteral } from "../src/verify/names.js";
import { CIPHER_SUITES, type CatalogItem, EXTENSIONS, GROUPS, SIGNATURE_SCHEMES, VERSIONS, groupTestsslId, testsslCipherId } from "../src/policy/catalog.js";
import { type AuditItem, type AuditReport, auditVerdict, reportHeader } from "./audit.js";
import type { CertificateAudit } from "../src/policy/certificates.js";
import { type Finding, judgeChain } from "./chain-findings.js";
import { type Handshake13Answer, handshake13 } from "./handshake13-probe.js";
import { type Policy, type PolicyName, policyByName } from "../src/policy/policies.js";
import { type Dialer, type ProbeAnswer, probe } from "./probe.js";
import { ianaSuiteName } from "./iana-cipher-suites.js";
import { ianaGroupName } from "./iana-groups.js";
import { type Ask, type BaseSpec, type SuiteEnumeration, TLS12_CANDIDATES, TLS13_CANDIDATES, enumerateGroups, enumerateSuites, suiteAnswers } from "./scan-algorithms.js";
import { downgradeSentinelFinding, fallbackScsvFinding, orderFinding, renegotiationFinding } from "./scan-server-findings.js";
import { probeRenegotiation } from "./renegotiation-probe.js";
import { equalBytes } from "../src/codec/bytes.js";
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
  /** Every chain the server presented (a server with RSA and ECDSA certificates has two), numbered by `chain`. */
  readonly certificates: readonly (CertificateAudit & { readonly chain: number })[];
}

/**
 * No TLS server could be reached at the target, so there is nothing to judge: the TCP connection
 * failed (`CannotConnect`: refused, a name that does not resolve, a timeout) or whatever listens
 * there never answered a ClientHello as a TLS server would (`NotTls`: an HTTP server, a server that
 * closes at once or stays silent). A TLS server that refuses every offer is a scan result, not this.
 */
export class ScanTargetError extends FipstlsError {
  readonly code = "ERR_FIPSTLS_SCAN_TARGET";
  constructor(
    readonly reason: "CannotConnect" | "NotTls",
    /** host:port, an IPv6 address in brackets. */
    readonly target: string,
    readonly detail: string,
  ) {
    super(reason === "CannotConnect" ? `cannot connect to ${target}: ${detail}` : `${target} does not speak TLS: ${detail}`);
  }
}

/** A chain a server presented, with whether it stapled an OCSP response to it (every probe asks). */
interface Presented {
  readonly chain: readonly Uint8Array[];
  readonly ocspStapled: boolean;
}

const CATALOG_SUITES = new Map(CIPHER_SUITES.map((s) => [s.iana!, s]));
const CATALOG_GROUPS = new Map(GROUPS.map((g) => [g.iana!, g]));
const EC_GROUPS = GROUPS.filter((g) => ["secp256r1", "secp384r1", "secp521r1", "x25519", "x448"].includes(g.name));
const ALL_SCHEMES = SIGNATURE_SCHEMES.map((s) => s.iana!);
/**
 * signature_algorithms_cert: every scheme plus legacy hash/signature pairs (MD5, SHA-224, DSA), so
 * that whatever the chain is signed with, the server has no reason to withhold it (RFC 8446 4.2.3).
 */
const ALL_CERT_SCHEMES = [...ALL_SCHEMES, ...[0x0101, 0x0102, 0x0103, 0x0202, 0x0301, 0x0302, 0x0303].filter((c) => !ALL_SCHEMES.includes(c))];

type Answer = ProbeAnswer | Handshake13Answer;
/** Hello, alert or a closed connection are the server's answer; anything else leaves the question open. */
const conclusive = (a: Answer): boolean => a.kind === "hello" || a.kind === "handshake" || a.kind === "alert" || a.kind === "closed";
/** Accepted if any probe saw it accepted; open if any probe had no conclusive answer; else refused. */
const combine = (results: readonly (boolean | null)[]): boolean | null => (results.includes(true) ? true : results.includes(null) ? null : false);
const why = (a: Answer): string => ("detail" in a ? `${a.kind}: ${a.detail}` : a.kind);
const suiteItem = (code: number): CatalogItem => CATALOG_SUITES.get(code) ?? { kind: "cipher_suite", name: ianaSuiteName(code), iana: code, testsslId: testsslCipherId(code) };
const groupItem = (code: number): CatalogItem => CATALOG_GROUPS.get(code) ?? { kind: "group", name: ianaGroupName(code), iana: code, testsslId: groupTestsslId(ianaGroupName(code)) };

/**
 * Runs every probe and returns the report; never throws for a TLS server's behaviour. Throws
 * ScanTargetError when no TLS server answers at the target at all (see there).
 */
export async function scanServer(target: ScanTarget, options: ScanOptions): Promise<ScanReport> {
  const policy = typeof options.policy === "object" ? options.policy : policyByName(options.policy ?? "default");
  const roots = await trustAnchors(options.roots);
  const at = (options.now ?? (() => new Date()))();
  const timeoutMs = options.timeoutMs ?? 5000;
  const p = options.provider;
  const isIp = isIpLiteral(target.host.replace(/^\[|\]$/g, ""));
  const serverName = options.serverName ?? (isIp ? undefined : target.host);
  const checkedName = options.serverName ?? target.host.replace(/^\[|\]$/g, "");
  const presented: Presented[] = [];
  const dhPrimeBits = new Set<number>();
  const present = (a: Answer): void => {
    const chain = a.kind === "hello" || a.kind === "handshake" ? a.certificates : [];
    if (chain.length > 0 && !presented.some((c) => equalBytes(c.chain[0]!, chain[0]!))) presented.push({ chain, ocspStapled: a.kind === "hello" || a.kind === "handshake" ? a.ocspStapled : false });
  };
  // Every probe asks for a stapled OCSP response, so that each chain's staple can be judged.
  const ask: Ask = (spec) =>
    probe(target.dial, { ...spec, statusRequest: true, ...(serverName ? { serverName } : {}) }, p.random(32), timeoutMs).then((a) => {
      present(a);
      if (a.kind === "hello" && a.dhBits !== null) dhPrimeBits.add(a.dhBits);
      return a;
    });
  const shake = (signatureSchemes: readonly number[]): Promise<Handshake13Answer> =>
    handshake13(target.dial, { ...(serverName ? { serverName } : {}), signatureSchemes, signatureSchemesCert: ALL_CERT_SCHEMES, statusRequest: true }, p, timeoutMs).then((a) => {
      present(a);
      return a;
    });
  const base: BaseSpec = { groups: EC_GROUPS.map((g) => g.iana!), signatureSchemes: ALL_SCHEMES, signatureSchemesCert: ALL_CERT_SCHEMES, extendedMasterSecret: true, renegotiationInfo: true };
  const accepted = new Map<string, boolean>();
  const items: AuditItem[] = [];
  const open: { item: CatalogItem; why: string }[] = [];
  const notAttested: string[] = [];
  const findings: Finding[] = [];
  /** `ok` null: no conclusive answer; the item is listed without serverAccepted and reported as open. */
  const record = (item: CatalogItem, ok: boolean | null, reason?: string): void => {
    const judged = { kind: item.kind, iana: item.iana ?? null, name: item.name, ...policy.judge(item.kind, item.name), source: "peer" as const, testsslId: item.testsslId ?? null };
    if (ok === null) {
      open.push({ item, why: reason ?? "not probed" });
      items.push(judged);
      return;
    }
    accepted.set(`${item.kind}:${item.name}`, ok);
    items.push({ ...judged, serverAccepted: ok });
  };
  const outcome = (a: Answer, ok: boolean): boolean | null => (ok ? true : conclusive(a) ? false : null);

  // Versions: one hello each; TLS 1.3 without key shares is answered with a HelloRetryRequest.
  const legacy: Extract<ProbeAnswer, { kind: "hello" }>[] = [];
  const versionAnswers: ProbeAnswer[] = [];
  for (const v of VERSIONS) {
    const tls13 = v.iana === ProtocolVersion.TLS13;
    const a = await ask({ ...base, version: v.iana!, cipherSuites: tls13 ? TLS13_CANDIDATES : TLS12_CANDIDATES });
    versionAnswers.push(a);
    // Nothing to connect to, or a server that answers in another protocol: no point probing further.
    if (versionAnswers.length === 1 && (a.kind === "unreachable" || a.kind === "not-tls")) throw targetError(target, [a], timeoutMs);
    const ok = a.kind === "hello" && a.version === v.iana;
    if (!tls13 && a.kind === "hello" && ok) legacy.unshift(a);
    record(v, outcome(a, ok), why(a));
  }
  // A TLS server answers some hello with a hello or an alert (or a record we cannot parse); one that only
  // closes or stays silent, whatever the version offered, cannot be told from a service that is not TLS.
  if (!versionAnswers.some((a) => a.kind === "hello" || a.kind === "alert" || a.kind === "malformed")) throw targetError(target, versionAnswers, timeoutMs);
  const tls13 = accepted.get("version:TLSv1.3") === true;
  const tls12 = accepted.get("version:TLSv1.2") === true;
  const tls12Version = tls12 ? ProtocolVersion.TLS12 : accepted.get("version:TLSv1.1") ? ProtocolVersion.TLS11 : accepted.get("version:TLSv1.0") ? ProtocolVersion.TLS10 : null;

  // Cipher suites: the whole registry, by elimination, for TLS 1.3 and for the newest older version.
  const suiteRuns: SuiteEnumeration[] = [];
  if (tls13) suiteRuns.push(await enumerateSuites(ask, base, ProtocolVersion.TLS13));
  if (tls12Version !== null) suiteRuns.push(await enumerateSuites(ask, base, tls12Version));
  for (const run of suiteRuns) {
    const answers = suiteAnswers(run);
    const family = run.version === ProtocolVersion.TLS13 ? (c: number) => TLS13_CANDIDATES.includes(c) : (c: number) => !TLS13_CANDIDATES.includes(c);
    // The catalog's suites are always listed; any other suite only when the server accepts it.
    const listed = [...CIPHER_SUITES.filter((s) => family(s.iana!)).map((s) => s.iana!), ...run.enumeration.accepted.filter((c) => !CATALOG_SUITES.has(c))];
    for (const c of listed) record(suiteItem(c), answers.get(c) ?? null, run.enumeration.why);
    const refused = run.candidates.length - run.enumeration.accepted.length;
    findings.push({
      id: "cipher_suites_enumerated",
      testsslId: null,
      status: run.enumeration.end === "refused" ? "info" : "fail",
      certificate: null,
      subject: null,
      result:
        run.enumeration.end === "refused"
          ? `${versionLabel(run.version)}: every one of the ${run.candidates.length} registry code points offered; the server accepts ${run.enumeration.accepted.length} and refuses the other ${refused}`
          : `${versionLabel(run.version)}: the enumeration stopped without a conclusive answer (${run.enumeration.why ?? "unknown"}); suites after ${run.enumeration.accepted.length} accepted ones are not established`,
      rule: "a scan judges every cipher suite the server accepts, from the whole IANA registry, not from a list of known suites",
      reference: "IANA TLS Cipher Suites registry; NIST SP 800-52r2 §3.3.1",
    });
    const order = orderFinding("cipher suite", run.version, run.enumeration.accepted.map(ianaSuiteName), run.order);
    if (order) findings.push(order);
  }
  const suites13 = suiteRuns.find((r) => r.version === ProtocolVersion.TLS13)?.enumeration.accepted ?? null;
  const suites12 = suiteRuns.find((r) => r.version !== ProtocolVersion.TLS13)?.enumeration.accepted ?? [];

  // Groups: the whole registry, by elimination, through HelloRetryRequest and ServerKeyExchange.
  if (tls13 || tls12Version !== null) {
    const g = await enumerateGroups(ask, base, { tls13Suites: tls13 ? (suites13 ?? []) : null, tls12Version, tls12Suites: suites12 });
    const listed = [...GROUPS.map((x) => x.iana!), ...[...g.tls13, ...g.tls12].filter((c, i, all) => !CATALOG_GROUPS.has(c) && all.indexOf(c) === i)];
    for (const c of listed) record(groupItem(c), g.answers.get(c) ?? null, "group enumeration without a conclusive answer");
    notAttested.push(...g.notes);
    for (const [version, list, order] of [[ProtocolVersion.TLS13, g.tls13, g.order13], [tls12Version ?? 0, g.tls12, g.order12]] as const) {
      const f = orderFinding("group", version, list.map(ianaGroupName), order);
      if (f) findings.push(f);
    }
  }

  // The TLS 1.3 chain: a full handshake offering everything, the chain left free by a broad
  // signature_algorithms_cert (with one scheme in both lists, a server whose chain is signed
  // otherwise refuses and no chain is ever seen).
  if (tls13) {
    const a = await shake(ALL_SCHEMES);
    if (a.kind !== "handshake" || a.certificates.length === 0) notAttested.push(`the TLS 1.3 handshake that collects the chain did not complete (${a.kind === "handshake" ? "no certificates" : why(a)})`);
  }

  // Signature schemes: visible in TLS 1.2's ServerKeyExchange; in TLS 1.3 in the CertificateVerify of
  // a handshake whose signature_algorithms holds that one scheme (signature_algorithms_cert stays
  // broad). Narrowing the scheme also makes a server with RSA and ECDSA certificates show each chain.
  const ecdhe12 = suites12.filter((c) => ianaSuiteName(c).startsWith("TLS_ECDHE_"));
  for (const s of SIGNATURE_SCHEMES) {
    const results: (boolean | null)[] = [];
    let last: Answer | undefined;
    if (tls12 && ecdhe12.length > 0) {
      last = await ask({ ...base, version: ProtocolVersion.TLS12, cipherSuites: ecdhe12, signatureSchemes: [s.iana!] });
      results.push(outcome(last, last.kind === "hello" && last.signatureScheme === s.iana));
    }
    // rsa_pkcs1_* and SHA-1 schemes cannot appear in a TLS 1.3 CertificateVerify at all (RFC 8446 4.2.3).
    const in13 = !s.name.startsWith("rsa_pkcs1_") && !s.name.endsWith("_sha1");
    if (!results.includes(true) && tls13 && in13) {
      last = await shake([s.iana!]);
      results.push(last.kind === "handshake" ? last.certificateVerifyScheme === s.iana : conclusive(last) ? false : null);
    }
    if (results.length > 0) record(s, combine(results), last ? why(last) : undefined);
  }

  if (tls12) {
    const answer = legacy.find((a) => a.version === ProtocolVersion.TLS12)!;
    record(EXTENSIONS.find((e) => e.name === "extended_master_secret")!, answer.extendedMasterSecret);
    record(EXTENSIONS.find((e) => e.name === "renegotiation_info")!, answer.renegotiationInfo);
    const renegotiation = await probeRenegotiation(target.dial, { ...(serverName ? { serverName } : {}), cipherSuites: suites12, signatureSchemes: ALL_SCHEMES }, p, timeoutMs);
    findings.push(renegotiationFinding(renegotiation));
  }

  // Every chain the server presented, each judged on its own.
  const certificates: (CertificateAudit & { readonly chain: number })[] = [];
  for (const [index, c] of presented.entries()) {
    const judged = await judgeChain({ chain: c.chain, ocspStapled: c.ocspStapled, policy, provider: p, roots: roots.store, rootsName: roots.name, time: at, name: checkedName });
    certificates.push(...judged.certificates.map((x) => ({ ...x, chain: index })));
    findings.push(...judged.findings.map((f) => ({ ...f, chain: index })));
  }
  if (presented.length === 0 && VERSIONS.some((v) => accepted.get(`version:${v.name}`))) {
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

  // Finite-field DH: TLS 1.2 names no group, only the prime; its size is the strength.
  if (dhPrimeBits.size > 0) {
    const smallest = Math.min(...dhPrimeBits);
    findings.push({
      id: "dh_prime_size",
      testsslId: null,
      status: smallest < 2048 ? "fail" : "info",
      certificate: null,
      subject: null,
      result: `the server's DHE/DH_anon primes have ${[...dhPrimeBits].sort((a, b) => a - b).join(", ")} bits`,
      rule: "finite-field Diffie-Hellman needs a prime of at least 2048 bits for 112-bit security",
      reference: "NIST SP 800-131Ar2 §5 (Table 4); NIST SP 800-56Ar3 §5.5.1.1",
    });
  }

  // Downgrade protection.
  const versionsDown = VERSIONS.filter((v) => accepted.get(`version:${v.name}`)).map((v) => v.iana!).reverse();
  const scsv = await fallbackScsvFinding(ask, base, versionsDown, versionsDown[1] === tls12Version ? suites12 : TLS12_CANDIDATES);
  if (scsv) findings.push(scsv);
  const sentinel = downgradeSentinelFinding(tls13, legacy);
  if (sentinel) findings.push(sentinel);

  const reasons: string[] = [];
  for (const i of items) {
    if (i.serverAccepted && i.decision === "refused" && i.kind !== "extension") reasons.push(`server accepts ${i.kind} ${i.name}: ${i.rule} (${i.reference})`);
  }
  if (tls12 && policy.requireExtendedMasterSecret && !accepted.get("extension:extended_master_secret")) {
    reasons.push("server accepts TLS 1.2 without the Extended Master Secret (FIPS 140-3 IG D.Q)");
  }
  // The policies that require EMS also require renegotiation indication, which ties a renegotiation to its connection.
  if (tls12 && policy.requireExtendedMasterSecret && accepted.get("extension:renegotiation_info") === false) {
    reasons.push("server accepts TLS 1.2 without renegotiation indication (RFC 5746; NIST SP 800-52r2 §3.4.1)");
  }
  if (!VERSIONS.some((v) => accepted.get(`version:${v.name}`) && policy.judge("version", v.name).decision === "allowed")) {
    reasons.push("server accepts no protocol version the policy allows");
  }
  for (const f of findings) {
    if (f.status === "fail") reasons.push(`${f.certificate !== null ? `${presented.length > 1 ? `chain ${f.chain} ` : ""}certificate ${f.certificate} (${f.subject}): ` : ""}${f.result}: ${f.rule} (${f.reference})`);
  }
  // An open question about an item the policy refuses could hide a violation: not compliant.
  const openRefused = open.filter((o) => policy.judge(o.item.kind, o.item.name).decision === "refused");
  if (openRefused.length > 0) reasons.push(`could not establish whether the server accepts ${list(openRefused.map((o) => `${o.item.kind} ${o.item.name} (${o.why})`))}`);
  if (open.length > 0) notAttested.push(`probes without a conclusive answer: ${list(open.map((o) => `${o.item.kind} ${o.item.name} (${o.why})`))}`);
  notAttested.push(
    "revocation status was not fetched: the scan reports whether the server staples an OCSP response and where the issuer publishes revocation information",
    "SSL 2.0 and SSL 3.0 were not probed",
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

/** Why no TLS server answered at the target, from the answers to the version probes. */
function targetError(target: ScanTarget, answers: readonly ProbeAnswer[], timeoutMs: number): ScanTargetError {
  const host = target.host.includes(":") && !target.host.startsWith("[") ? `[${target.host}]` : target.host;
  const label = `${host}:${target.port}`;
  const connect = (detail: string): string => (detail === "timed out" ? `timed out after ${timeoutMs} ms` : detail);
  if (answers.every((a) => a.kind === "unreachable")) return new ScanTargetError("CannotConnect", label, connect(answers[0]!.kind === "unreachable" ? answers[0]!.detail : ""));
  const said = answers.map((a) =>
    a.kind === "unreachable"
      ? `cannot connect (${connect(a.detail)})`
      : a.kind === "not-tls"
        ? a.detail
        : a.kind === "closed"
          ? "it closed the connection without answering a TLS ClientHello"
          : a.kind === "timeout"
            ? `no answer to a TLS ClientHello within ${timeoutMs} ms`
            : why(a),
  );
  return new ScanTargetError("NotTls", label, [...new Set(said)].join("; "));
}

function versionLabel(v: number): string {
  return VERSIONS.find((x) => x.iana === v)?.name ?? `0x${v.toString(16)}`;
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
