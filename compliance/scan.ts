// Scan a remote server against a policy, like sslyze or testssl.sh but judged by the named policy:
// which versions, suites, groups and signature schemes it accepts, whether TLS 1.2 has EMS and
// renegotiation indication, and its certificate chain. One connection at a time, each bounded.
import type { CryptoProvider } from "../src/crypto/provider.js";
import { buildClientConfig } from "../src/config/client.js";
import { ClientConnection } from "../src/conn/client.js";
import type { NegotiatedInfo } from "../src/conn/info.js";
import { ProtocolVersion } from "../src/msgs/enums.js";
import { type SignatureSchemeName } from "../src/msgs/enums.js";
import { schemeByName } from "../src/tls13/signature-schemes.js";
import { CIPHER_SUITES, type CatalogItem, EXTENSIONS, GROUPS, SIGNATURE_SCHEMES, VERSIONS } from "./catalog.js";
import { type AuditItem, type AuditReport, auditVerdict, reportHeader } from "./audit.js";
import { auditChain, type CertificateAudit } from "./certificates.js";
import { type Policy, type PolicyName, policyByName } from "./policies.js";
import { type Dialer, type HelloSpec, type ProbeAnswer, probe } from "./probe.js";

export interface ScanOptions {
  readonly policy?: PolicyName | Policy;
  /** Used for randomness and for the TLS 1.3 handshakes that reveal signature schemes and the chain. */
  readonly provider: CryptoProvider;
  /** SNI to send; default: none for IP literals, else the host. */
  readonly serverName?: string;
  /** Per-probe timeout in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** The clock for the report's timestamp. */
  readonly now?: () => Date;
}

export interface ScanTarget {
  readonly host: string;
  readonly port: number;
  readonly dial: Dialer;
}

const TLS13_SUITES = CIPHER_SUITES.filter((s) => s.iana! >= 0x1301 && s.iana! <= 0x1305);
const TLS12_SUITES = CIPHER_SUITES.filter((s) => !TLS13_SUITES.includes(s));
const EC_GROUPS = GROUPS.filter((g) => ["secp256r1", "secp384r1", "secp521r1", "x25519", "x448"].includes(g.name));
const ECDHE_SUITES = TLS12_SUITES.filter((s) => s.name.startsWith("TLS_ECDHE_"));
const ALL_SCHEMES = SIGNATURE_SCHEMES.map((s) => s.iana!);
const NIST_CURVE_IDS = GROUPS.filter((g) => g.name.startsWith("secp")).map((g) => g.iana!);

/** Runs every probe and returns the report; never throws for server behaviour. */
export async function scanServer(target: ScanTarget, options: ScanOptions): Promise<AuditReport> {
  const policy = typeof options.policy === "object" ? options.policy : policyByName(options.policy ?? "default");
  const timeoutMs = options.timeoutMs ?? 5000;
  const p = options.provider;
  const isIp = /^[0-9.]+$/.test(target.host) || target.host.includes(":");
  const serverName = options.serverName ?? (isIp ? undefined : target.host);
  const ask = (spec: Omit<HelloSpec, "serverName">): Promise<ProbeAnswer> =>
    probe(target.dial, { ...spec, ...(serverName ? { serverName } : {}) }, p.random(32), timeoutMs);
  const base = { groups: EC_GROUPS.map((g) => g.iana!), signatureSchemes: ALL_SCHEMES, extendedMasterSecret: true, renegotiationInfo: true };
  const accepted = new Map<string, boolean>();
  const items: AuditItem[] = [];
  const record = (item: CatalogItem, ok: boolean): void => {
    accepted.set(`${item.kind}:${item.name}`, ok);
    items.push({ kind: item.kind, iana: item.iana ?? null, name: item.name, ...policy.judge(item.kind, item.name), source: "peer", testsslId: item.testsslId ?? null, serverAccepted: ok });
  };

  // Versions: one hello each; TLS 1.3 without key shares is answered with a HelloRetryRequest.
  let tls12Answer: ProbeAnswer | null = null;
  for (const v of VERSIONS) {
    const tls13 = v.iana === ProtocolVersion.TLS13;
    const a = await ask({ ...base, version: v.iana!, cipherSuites: (tls13 ? TLS13_SUITES : TLS12_SUITES).map((s) => s.iana!) });
    const ok = a.kind === "hello" && a.version === v.iana;
    if (v.iana === ProtocolVersion.TLS12 && ok) tls12Answer = a;
    record(v, ok);
  }
  const tls13 = accepted.get("version:TLSv1.3") === true;
  const tls12 = accepted.get("version:TLSv1.2") === true;

  // Cipher suites, one per hello.
  for (const s of tls13 ? TLS13_SUITES : []) {
    const a = await ask({ ...base, version: ProtocolVersion.TLS13, cipherSuites: [s.iana!] });
    record(s, a.kind === "hello" && a.cipherSuite === s.iana);
  }
  const tls12Version = tls12 ? ProtocolVersion.TLS12 : accepted.get("version:TLSv1.1") ? ProtocolVersion.TLS11 : accepted.get("version:TLSv1.0") ? ProtocolVersion.TLS10 : null;
  for (const s of tls12Version !== null ? TLS12_SUITES : []) {
    const a = await ask({ ...base, version: tls12Version!, cipherSuites: [s.iana!] });
    record(s, a.kind === "hello" && a.cipherSuite === s.iana);
  }

  // Groups: through HelloRetryRequest in TLS 1.3, through ServerKeyExchange in TLS 1.2.
  for (const g of GROUPS) {
    let ok = false;
    if (tls13) {
      const a = await ask({ ...base, version: ProtocolVersion.TLS13, cipherSuites: TLS13_SUITES.map((s) => s.iana!), groups: [g.iana!] });
      ok = a.kind === "hello" && a.group === g.iana;
    }
    if (!ok && tls12 && EC_GROUPS.includes(g)) {
      // RFC 4492: in TLS 1.2 the list also admits the ECDSA certificate's curve, so the NIST curves
      // follow `g`; servers that honour the client's order then pick `g` whenever they support it.
      const groups = [g.iana!, ...NIST_CURVE_IDS.filter((id) => id !== g.iana)];
      const a = await ask({ ...base, version: ProtocolVersion.TLS12, cipherSuites: ECDHE_SUITES.map((s) => s.iana!), groups });
      ok = a.kind === "hello" && a.group === g.iana;
    }
    record(g, ok);
  }

  // Signature schemes: visible in TLS 1.2's ServerKeyExchange; for TLS 1.3 only a full handshake shows them.
  let chain: readonly Uint8Array[] = tls12Answer?.kind === "hello" ? tls12Answer.certificates : [];
  const notAttested: string[] = ["the server's cryptographic module cannot be observed from the network: a scan judges algorithms only"];
  for (const s of SIGNATURE_SCHEMES) {
    let ok: boolean | null = null;
    if (tls12) {
      const a = await ask({ ...base, version: ProtocolVersion.TLS12, cipherSuites: ECDHE_SUITES.map((x) => x.iana!), signatureSchemes: [s.iana!] });
      ok = a.kind === "hello" && a.signatureScheme === s.iana;
    }
    if (!ok && tls13) {
      const info = await handshake13(target, p, serverName, s.name as SignatureSchemeName, timeoutMs);
      if (info === "not-applicable") {
        // Not a TLS 1.3 handshake signature: nothing to learn from a handshake.
      } else if (info === "unsupported") {
        if (ok === null) notAttested.push(`signature scheme ${s.name}: provider "${p.name}" cannot verify it, so TLS 1.3 acceptance was not probed`);
      } else {
        ok = info !== null;
        if (info && chain.length === 0) chain = info.peerCertificates;
      }
    }
    if (ok !== null) record(s, ok);
  }

  if (tls12) {
    const answer = tls12Answer as Extract<ProbeAnswer, { kind: "hello" }>;
    record(EXTENSIONS.find((e) => e.name === "extended_master_secret")!, answer.extendedMasterSecret);
    record(EXTENSIONS.find((e) => e.name === "renegotiation_info")!, answer.renegotiationInfo);
  }

  let certificates: CertificateAudit[] = [];
  try {
    certificates = auditChain(chain, policy);
  } catch (e) {
    notAttested.push(`the certificate chain could not be parsed: ${(e as Error).message}`);
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
  for (const c of certificates) {
    if (c.position === 0 && c.key.decision === "refused") reasons.push(`server certificate key ${c.key.name}: ${c.key.rule}`);
    if (c.signature.decision === "refused") reasons.push(`server certificate ${c.position} signed with ${c.signature.name}: ${c.signature.rule}`);
  }
  const v = auditVerdict(policy, null, reasons);
  return {
    ...reportHeader("scan", `${target.host}:${target.port}${serverName ? ` (SNI ${serverName})` : ""}`, (options.now ?? (() => new Date()))(), policy),
    provider: null,
    negotiated: null,
    items,
    certificates,
    verdict: { ...v, compliant: v.algorithmsCompliant, notAttested: [...notAttested] },
  };
}

/**
 * A full TLS 1.3 handshake offering one signature scheme: null when the server refuses it,
 * "unsupported" when our provider cannot verify that scheme at all.
 */
async function handshake13(target: ScanTarget, provider: CryptoProvider, serverName: string | undefined, scheme: SignatureSchemeName, timeoutMs: number): Promise<NegotiatedInfo | null | "unsupported" | "not-applicable"> {
  // rsa_pkcs1_* and SHA-1 schemes cannot appear in a TLS 1.3 CertificateVerify at all.
  if (schemeByName(scheme)?.handshake === false || ["rsa_pkcs1_sha1", "ecdsa_sha1"].includes(scheme)) return "not-applicable";
  let config;
  try {
    // The scan judges the chain itself; trust is not what a scan establishes.
    config = await buildClientConfig({ provider, signatureSchemes: [scheme], dangerouslyDisableCertificateVerification: true, ...(serverName ? { serverName } : {}) });
  } catch {
    return "unsupported";
  }
  if (!config.signatureSchemes.some((s) => s.handshake)) return "unsupported";
  const stream = await target.dial().catch(() => null);
  if (!stream) return null;
  const conn = new ClientConnection(config, { transmit: (b) => stream.write(b) });
  conn.start();
  void (async () => {
    for (;;) {
      const chunk = await stream.read(timeoutMs);
      if (chunk === null) return conn.receiveEnd();
      conn.receive(chunk);
    }
  })().catch(() => conn.destroy());
  try {
    await conn.handshake;
    return conn.info;
  } catch {
    return null;
  } finally {
    stream.close();
  }
}
