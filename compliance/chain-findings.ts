// Judges a server's certificate chain as a client relying on it would, one property at a time, so
// that independent defects are all reported (an expired, SHA-1-signed RSA-1024 leaf shows three
// findings): validity at the scan's clock, keys, signature algorithms, a path to the trust store,
// the name the scan aimed at, and where revocation information is published. Path building and
// the name check are the verifier's (src/verify); since it stops at the first failure, it runs once
// with everything but trust relaxed (so a weak key does not hide an unknown issuer), and once more
// exactly as a client under the policy would, so that nothing it refuses passes unreported.
import type { CryptoProvider } from "../src/crypto/provider.js";
import { InvalidCertificate } from "../src/errors.js";
import { type Certificate, parseCertificate, validityAt } from "../src/verify/certificate.js";
import { type DerNode, TagClass, latin1, oid, parseDer, sequence } from "../src/verify/der.js";
import { matchesServerName } from "../src/verify/names.js";
import { CERTIFICATE_SIGNATURE_ALGORITHMS, type VerificationPolicy } from "../src/verify/policy.js";
import type { TrustStore } from "../src/verify/trust.js";
import { verifyCertificatePath, verifyServerCertificate } from "../src/verify/verifier.js";
import { equalBytes } from "../src/codec/bytes.js";
import { type CertificateAudit, auditChain } from "../src/policy/certificates.js";
import { type Policy, verificationPolicyFor } from "../src/policy/policies.js";

export type FindingStatus = "pass" | "fail" | "info";

/** One judged property of the server or its chain; `fail` findings are the verdict's reasons. */
export interface Finding {
  /** Stable id of the check (e.g. "cert_validity"); one per check and certificate. */
  readonly id: string;
  /** The testssl.sh id of the same check, where one exists. */
  readonly testsslId: string | null;
  readonly status: FindingStatus;
  /** Position in the chain as the server sent it (0 = leaf), or null for the chain or the server. */
  readonly certificate: number | null;
  /** Which of the server's chains (scan reports number them from 0); absent for server-wide findings. */
  readonly chain?: number;
  readonly subject: string | null;
  /** What was observed. */
  readonly result: string;
  readonly rule: string;
  readonly reference: string;
}

export interface ChainContext {
  /** DER certificates as the server sent them, leaf first. */
  readonly chain: readonly Uint8Array[];
  readonly policy: Policy;
  /** Computes the signature checks of path building. */
  readonly provider: CryptoProvider;
  readonly roots: TrustStore;
  /** Where the anchors came from, for messages ("Mozilla's root store", "the given roots"). */
  readonly rootsName: string;
  /** The scan's clock. */
  readonly time: Date;
  /** The name the scan aimed at (SNI, else the host), DNS name or IP address. */
  readonly name: string;
  /** Whether the server stapled an OCSP response when asked; null when no hello asked. */
  readonly ocspStapled: boolean | null;
}

export interface ChainJudgement {
  readonly certificates: readonly CertificateAudit[];
  readonly findings: readonly Finding[];
}

const REF = {
  validity: "RFC 5280 §4.1.2.5, §6.1.3 (a)(2); NIST SP 800-52r2 §4.5.1",
  trust: "RFC 5280 §6.1; NIST SP 800-52r2 §4.5.1, §4.5.2",
  name: "RFC 9525 §6; RFC 5280 §4.2.1.6; NIST SP 800-52r2 §3.2.1 (subjectAltName required)",
  staple: "RFC 6066 §8; RFC 8446 §4.4.2.1; NIST SP 800-52r2 §3.4.1 (Certificate Status Request)",
  mustStaple: "RFC 7633; RFC 6066 §8",
  ocspUrl: "RFC 5280 §4.2.2.1; NIST SP 800-52r2 §3.2.1 (Authority Information Access id-ad-ocsp)",
  crl: "RFC 5280 §4.2.1.13; NIST SP 800-52r2 §3.2.1 (CRL Distribution Points)",
  parse: "RFC 5280 §4.1",
} as const;

const OID = {
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  ocsp: "1.3.6.1.5.5.7.48.1",
  crlDistributionPoints: "2.5.29.31",
  tlsFeature: "1.3.6.1.5.5.7.1.24",
} as const;

/** Everything but trust relaxed: the algorithms and sizes are judged by their own findings. */
const TRUST_ONLY: VerificationPolicy = {
  allowedSignatureAlgorithms: CERTIFICATE_SIGNATURE_ALGORITHMS,
  minRsaModulusBits: 1024,
  allowedCurves: ["P-256", "P-384", "P-521"],
  allowEd25519Keys: true,
  allowSha1OnAnchors: true,
};

// Verifier failures that a property finding of its own already judges, by that finding's id.
const JUDGED_BY: Partial<Record<string, string>> = {
  Expired: "cert_validity",
  NotValidYet: "cert_validity",
  WeakKey: "cert_key",
  UnsupportedPublicKey: "cert_key",
  UnsupportedSignatureAlgorithm: "cert_signature",
  NotValidForName: "cert_name",
  UnknownIssuer: "cert_chain_of_trust",
};

export async function judgeChain(ctx: ChainContext): Promise<ChainJudgement> {
  const findings: Finding[] = [];
  const parsed: Certificate[] = [];
  for (const [i, der] of ctx.chain.entries()) {
    try {
      parsed.push(parseCertificate(der, i));
    } catch (e) {
      findings.push({ id: "cert_parse", testsslId: null, status: "fail", certificate: i, subject: null, result: `certificate ${i} does not parse: ${(e as Error).message}`, rule: "a certificate the server presents must be a well-formed X.509 certificate", reference: REF.parse });
      break;
    }
  }
  // Positions stay those of the chain as sent; a chain that stops parsing is judged up to there.
  const certificates = auditChain(ctx.chain.slice(0, parsed.length), ctx.policy);
  const at = (i: number): Pick<Finding, "certificate" | "subject"> => ({ certificate: i, subject: parsed[i]!.subject });
  const anchorLike = (i: number): boolean => i > 0 && certificates[i]!.selfSigned;

  for (const [i, cert] of parsed.entries()) {
    const v = validityAt(cert, ctx.time);
    const span = `valid ${cert.notBefore.toISOString()} .. ${cert.notAfter.toISOString()}`;
    const result = v === "valid" ? `${span}, scanned at ${ctx.time.toISOString()}` : `${v === "expired" ? "expired" : "not yet valid"}: ${span}, scanned at ${ctx.time.toISOString()}`;
    // A root the server sends along is not relied upon (RFC 5280 6.1): its dates are information.
    const status = v === "valid" ? "pass" : anchorLike(i) ? "info" : "fail";
    findings.push({ id: "cert_validity", testsslId: "cert_expirationStatus", status, ...at(i), result, rule: "every certificate on the path must be within its validity period at the time of use", reference: REF.validity });
  }
  for (const c of certificates) {
    findings.push({ id: "cert_key", testsslId: "cert_keySize", status: c.key.decision === "refused" ? "fail" : "pass", ...at(c.position), result: `key ${c.key.name}`, rule: c.key.rule, reference: c.key.reference });
    if (anchorLike(c.position)) continue; // the anchor's self-signature is not relied upon
    findings.push({ id: "cert_signature", testsslId: "cert_signatureAlgorithm", status: c.signature.decision === "refused" ? "fail" : "pass", ...at(c.position), result: `signed with ${c.signature.name}`, rule: c.signature.rule, reference: c.signature.reference });
  }
  if (parsed.length === ctx.chain.length && parsed.length > 0) {
    findings.push(await trustFinding(ctx, parsed, findings));
    findings.push(nameFinding(ctx, parsed[0]!));
    findings.push(...revocationFindings(ctx, parsed[0]!));
    const extra = await crossCheck(ctx, findings);
    if (extra) findings.push(extra);
  }
  return { certificates, findings };
}

const failed = (findings: readonly Finding[], id: string): boolean => findings.some((f) => f.id === id && f.status === "fail");

/**
 * A moment at which every presented non-root certificate, and the anchor its last issuer names, is
 * valid, if there is one (else the scan's): validity is judged by its own finding, trust by this one.
 */
function trustTime(parsed: readonly Certificate[], roots: TrustStore, time: Date): Date {
  const presented = parsed.filter((c, i) => i === 0 || !equalBytes(c.subjectDer, c.issuerDer));
  const anchor = roots.bySubject(presented[presented.length - 1]!.issuerDer)[0];
  const path = anchor === undefined ? presented : [...presented, anchor];
  if (path.every((c) => validityAt(c, time) === "valid")) return time;
  const from = Math.max(...path.map((c) => c.notBefore.getTime()));
  const to = Math.min(...path.map((c) => c.notAfter.getTime()));
  return from <= to ? new Date(from) : time;
}

async function trustFinding(ctx: ChainContext, parsed: readonly Certificate[], judged: readonly Finding[]): Promise<Finding> {
  const base = { id: "cert_chain_of_trust", testsslId: "cert_chain_of_trust", certificate: null, subject: parsed[0]!.subject, rule: "the chain must lead, by RFC 5280 path validation, to a trust anchor the client holds", reference: REF.trust };
  try {
    const path = await verifyCertificatePath({ chain: ctx.chain, roots: ctx.roots, time: trustTime(parsed, ctx.roots, ctx.time), provider: ctx.provider, policy: TRUST_ONLY, purpose: "serverAuth" });
    return { ...base, status: "pass", result: `chains to ${path[path.length - 1]!.subject} in ${ctx.rootsName}` };
  } catch (e) {
    if (!(e instanceof InvalidCertificate)) return { ...base, status: "fail", result: `path validation could not run: ${(e as Error).message}` };
    if (e.reason === "UnknownIssuer") return { ...base, status: "fail", result: `no path to a trust anchor in ${ctx.rootsName}: ${e.message}` };
    const by = JUDGED_BY[e.reason];
    if (by !== undefined && failed(judged, by)) {
      // The signatures cannot be checked past a defect already reported; say whether the names lead to an anchor.
      const anchor = anchorByName(parsed, ctx.roots);
      return anchor === null
        ? { ...base, status: "fail", result: `no issuer of the chain is a trust anchor in ${ctx.rootsName} (and ${e.message})` }
        : { ...base, status: "info", result: `the names lead to ${anchor} in ${ctx.rootsName}, but the path cannot be verified: ${e.message} (reported above)` };
    }
    return { ...base, status: "fail", result: `path validation failed: ${e.message}` };
  }
}

/** Follows issuer names from the leaf through the presented certificates; the anchor's subject, or null. */
function anchorByName(parsed: readonly Certificate[], roots: TrustStore): string | null {
  let cert = parsed[0]!;
  for (let step = 0; step < 8; step++) {
    const anchor = roots.bySubject(cert.issuerDer)[0];
    if (anchor !== undefined) return anchor.subject;
    const next = parsed.find((c) => c !== cert && equalBytes(c.subjectDer, cert.issuerDer));
    if (next === undefined || equalBytes(next.subjectDer, next.issuerDer)) return null;
    cert = next;
  }
  return null;
}

function nameFinding(ctx: ChainContext, leaf: Certificate): Finding {
  const base = { id: "cert_name", testsslId: "cert_trust", certificate: 0, subject: leaf.subject, rule: "the leaf's subjectAltName must cover the name the client asked for", reference: REF.name };
  const san = leaf.subjectAltName;
  const names = san === undefined ? "no subjectAltName" : [...san.dnsNames.map((d) => `DNS:${d}`), ...san.ipAddresses.map((ip) => `IP:${ipText(ip)}`)].join(", ") || "a subjectAltName without DNS names or IP addresses";
  return matchesServerName(leaf, ctx.name)
    ? { ...base, status: "pass", result: `${ctx.name} matches ${names}` }
    : { ...base, status: "fail", result: `${ctx.name} does not match ${names}` };
}

function ipText(ip: Uint8Array): string {
  if (ip.length === 4) return ip.join(".");
  const parts: string[] = [];
  for (let i = 0; i + 1 < ip.length; i += 2) parts.push(((ip[i]! << 8) | ip[i + 1]!).toString(16));
  return parts.join(":");
}

function revocationFindings(ctx: ChainContext, leaf: Certificate): Finding[] {
  const at = { certificate: 0, subject: leaf.subject };
  const out: Finding[] = [];
  const mustStaple = hasMustStaple(leaf);
  if (ctx.ocspStapled !== null) {
    const rule = "a server should staple the OCSP response when the client sends status_request; revocation status is information, not judged by this policy";
    if (ctx.ocspStapled) out.push({ id: "ocsp_stapling", testsslId: "OCSP_stapling", status: "info", certificate: null, subject: null, result: "an OCSP response was stapled", rule, reference: REF.staple });
    else if (mustStaple) out.push({ id: "ocsp_stapling", testsslId: "OCSP_stapling", status: "fail", ...at, result: "the leaf requires a stapled OCSP response (TLS feature status_request) and none was sent", rule: "a certificate with the must-staple TLS feature is not acceptable without a stapled OCSP response", reference: REF.mustStaple });
    else out.push({ id: "ocsp_stapling", testsslId: "OCSP_stapling", status: "info", certificate: null, subject: null, result: "no OCSP response was stapled although status_request was sent", rule, reference: REF.staple });
  }
  const urls = revocationUrls(leaf);
  const info = "where the issuer publishes revocation status; reported as information, not judged by this policy";
  out.push({ id: "cert_ocsp_url", testsslId: "cert_ocspURL", status: "info", ...at, result: urls.ocsp.length ? `OCSP responder ${urls.ocsp.join(", ")}` : "no OCSP responder (authorityInfoAccess id-ad-ocsp)", rule: info, reference: REF.ocspUrl });
  out.push({ id: "cert_crl_distribution_points", testsslId: "cert_crlDistributionPoints", status: "info", ...at, result: urls.crl.length ? `CRL ${urls.crl.join(", ")}` : "no CRL distribution point", rule: info, reference: REF.crl });
  return out;
}

function revocationUrls(cert: Certificate): { ocsp: string[]; crl: string[] } {
  const ocsp: string[] = [];
  const crl: string[] = [];
  for (const ext of cert.extensions) {
    try {
      if (ext.oid === OID.authorityInfoAccess) {
        for (const desc of sequence(parseDer(ext.value, "authorityInfoAccess"), "authorityInfoAccess")) {
          const [method, location] = sequence(desc, "AccessDescription", 2, 2);
          if (oid(method, "accessMethod") === OID.ocsp && isUri(location)) ocsp.push(latin1(location!.content));
        }
      } else if (ext.oid === OID.crlDistributionPoints) {
        crl.push(...uris(parseDer(ext.value, "cRLDistributionPoints")));
      }
    } catch {
      // An unparseable extension publishes nothing usable.
    }
  }
  return { ocsp, crl };
}

const isUri = (n: DerNode | undefined): boolean => n !== undefined && n.tagClass === TagClass.Context && n.tagNumber === 6 && !n.constructed;

/** Every uniformResourceIdentifier GeneralName ([6] IA5String) under `node`. */
function uris(node: DerNode): string[] {
  if (isUri(node)) return [latin1(node.content)];
  return node.constructed ? node.children.flatMap(uris) : [];
}

/** RFC 7633: a TLS feature extension listing status_request (5). */
function hasMustStaple(cert: Certificate): boolean {
  const ext = cert.extensions.find((e) => e.oid === OID.tlsFeature);
  if (ext === undefined) return false;
  try {
    return sequence(parseDer(ext.value, "tlsFeature"), "tlsFeature").some((n) => n.content.length === 1 && n.content[0] === 5);
  } catch {
    return false;
  }
}

/**
 * The verifier exactly as a client under this policy runs it, at the scan's clock. Its first failure
 * is already a finding when a property check of the same kind failed; otherwise it becomes one.
 */
async function crossCheck(ctx: ChainContext, judged: readonly Finding[]): Promise<Finding | null> {
  try {
    await verifyServerCertificate({ chain: ctx.chain, roots: ctx.roots, serverName: ctx.name, time: ctx.time, provider: ctx.provider, policy: verificationPolicyFor(ctx.policy) });
    return null;
  } catch (e) {
    const reason = e instanceof InvalidCertificate ? e.reason : null;
    const by = reason === null ? undefined : JUDGED_BY[reason];
    if (by !== undefined && failed(judged, by)) return null;
    if (reason !== null && failed(judged, "cert_chain_of_trust")) return null;
    return {
      id: "cert_policy_verification",
      testsslId: null,
      status: "fail",
      certificate: e instanceof InvalidCertificate ? (e.position ?? null) : null,
      subject: e instanceof InvalidCertificate ? (e.subject ?? null) : null,
      result: `a client under ${ctx.policy.id} refuses the chain: ${(e as Error).message}`,
      rule: "the chain must pass the verification a client applies under this policy",
      reference: REF.trust,
    };
  }
}
