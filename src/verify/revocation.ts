// Revocation status from user-supplied CRLs (RFC 5280 6.3, without delta or indirect CRLs). A CRL
// speaks for a certificate when it has the certificate's issuer name, is signed by the key of the
// issuer on the path being validated, and its scope (issuingDistributionPoint) includes it.
import { equalBytes, toHex } from "../codec/bytes.js";
import type { CryptoProvider } from "../crypto/provider.js";
import type { InvalidCertificate } from "../errors.js";
import { signatureAlgorithmFromIdentifier } from "./algorithms.js";
import type { Certificate } from "./certificate.js";
import { type Placed, fail, judgeAlgorithm } from "./checks.js";
import { type Crl, certificateDistributionPoints } from "./crl.js";
import type { VerificationPolicy } from "./policy.js";

export interface RevocationOptions {
  /** Which certificates need a known status: the leaf only, or every one below the trust anchor. Default "chain". */
  readonly scope?: "leaf" | "chain";
  /** When no fresh CRL speaks for a certificate: refuse it ("fail") or accept it ("allow"). Default "fail". */
  readonly unknownStatus?: "fail" | "allow";
}

/** rustls's default once CRLs are given: the whole chain, unknown status refused. */
export const DEFAULT_REVOCATION_OPTIONS: Required<RevocationOptions> = Object.freeze({ scope: "chain", unknownStatus: "fail" });

const REASONS = [
  "unspecified",
  "keyCompromise",
  "cACompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "certificateHold",
  "",
  "removeFromCRL",
  "privilegeWithdrawn",
  "aACompromise",
];

export class RevocationChecker {
  // CRL signature results for this verification, per CRL and issuer key.
  private readonly verified = new Map<Crl, Map<string, boolean>>();

  constructor(
    private readonly crls: readonly Crl[],
    private readonly options: RevocationOptions,
    private readonly policy: VerificationPolicy,
    private readonly provider: CryptoProvider,
    private readonly time: Date,
  ) {}

  /** Checks a complete path (leaf first, anchor last; anchors themselves are never checked). */
  async check(path: readonly Placed[]): Promise<InvalidCertificate | null> {
    const last = this.options.scope === "leaf" ? Math.min(1, path.length - 1) : path.length - 1;
    for (let i = 0; i < last; i++) {
      const problem = await this.status(path[i]!, path[i + 1]!.cert);
      if (problem !== null) return problem;
    }
    return null;
  }

  private async status(at: Placed, issuer: Certificate): Promise<InvalidCertificate | null> {
    const cert = at.cert;
    let fresh = false;
    const unusable: string[] = [];
    let stale: string | undefined;
    for (const crl of this.crls) {
      if (!equalBytes(crl.issuerDer, cert.issuerDer) || !covers(crl, cert)) continue;
      const why = await this.unusable(crl, issuer);
      if (why !== null) {
        unusable.push(why);
        continue;
      }
      const entry = crl.revoked.get(cert.serialNumber);
      if (entry !== undefined) {
        const reason = entry.reason !== undefined ? ` (${REASONS[entry.reason] || `reason ${entry.reason}`})` : "";
        return fail("Revoked", `serial ${cert.serialNumber} revoked on ${entry.revocationDate.toISOString()}${reason}`, at);
      }
      const t = this.time.getTime();
      if (crl.thisUpdate.getTime() > t) stale = `the CRL from ${crl.issuer} is dated ${crl.thisUpdate.toISOString()}, after ${this.time.toISOString()}`;
      else if (crl.nextUpdate.getTime() < t) stale = `the CRL from ${crl.issuer} expired at ${crl.nextUpdate.toISOString()}`;
      else fresh = true;
    }
    if (fresh || this.options.unknownStatus === "allow") return null;
    if (stale !== undefined) return fail("ExpiredRevocationList", stale, at);
    const detail = unusable.length > 0 ? `no usable CRL: ${unusable.join("; ")}` : `no CRL from ${cert.issuer} covers it`;
    return fail("UnknownRevocationStatus", detail, at);
  }

  /** Why `crl` cannot be taken as `issuer`'s word, or null when it can. */
  private async unusable(crl: Crl, issuer: Certificate): Promise<string | null> {
    if (issuer.keyUsage !== undefined && !issuer.keyUsage.cRLSign) return `${issuer.subject} may not sign CRLs (keyUsage lacks cRLSign)`;
    const alg = signatureAlgorithmFromIdentifier(crl.signatureAlgorithm);
    if (alg === null) return `CRL signature algorithm ${crl.signatureAlgorithm.oid} is not supported`;
    const judged = judgeAlgorithm(alg, issuer, this.policy, this.provider, (_reason, detail) => detail);
    if (typeof judged === "string") return `CRL signature: ${judged}`;
    let byKey = this.verified.get(crl);
    if (byKey === undefined) this.verified.set(crl, (byKey = new Map()));
    const key = toHex(issuer.spki);
    let ok = byKey.get(key);
    if (ok === undefined) {
      try {
        ok = await this.provider.verify(judged, issuer.spki, crl.tbs, crl.signatureValue);
      } catch {
        ok = false;
      }
      byKey.set(key, ok);
    }
    return ok ? null : `CRL signature does not verify with the key of ${issuer.subject}`;
  }
}

/** Whether the CRL's scope (issuingDistributionPoint) includes `cert`. */
function covers(crl: Crl, cert: Certificate): boolean {
  const s = crl.scope;
  if (s.partial) return false;
  const isCa = cert.basicConstraints?.ca === true;
  if ((s.onlyUserCerts && isCa) || (s.onlyCaCerts && !isCa)) return false;
  if (s.distributionPoints.length === 0) return true;
  // RFC 5280 6.3.3 (b)(2)(i): a named point must match one the certificate names.
  const mine = certificateDistributionPoints(cert);
  return mine.some((dp) => s.distributionPoints.includes(dp));
}
