// The interim certificate check: strict, but narrower than RFC 5280 path validation (which a later
// issue brings). It builds a path leaf → presented intermediates (any order) → configured root, checks
// every signature through the provider, validity at the given time, CA-ness of issuers and the server
// name, and refuses what it cannot judge (SHA-1/MD5, critical extensions it does not understand).
import { equalBytes } from "../codec/bytes.js";
import type { CryptoProvider } from "../crypto/provider.js";
import { type CertificateErrorReason, InvalidCertificate } from "../errors.js";
import { type Certificate, parseCertificate, signatureAlgorithmFor, validityAt } from "./certificate.js";
import { ExtKeyUsageOid, ExtensionOid } from "./extensions.js";
import { matchesServerName } from "./names.js";

export interface InterimVerifyOptions {
  /** DER certificates as the peer sent them, leaf first. */
  readonly chain: readonly Uint8Array[];
  /** DER trust anchors. Malformed entries are skipped: they can anchor nothing. */
  readonly roots: readonly Uint8Array[];
  /** When given, the leaf must match it and, if it has extKeyUsage, allow serverAuth. */
  readonly serverName?: string;
  readonly time: Date;
  readonly provider: CryptoProvider;
}

/** Certificates on a path, root included (so at most 6 intermediates). */
export const MAX_PATH_LENGTH = 8;
/** Signature verifications one call may spend while trying candidate issuers. */
export const MAX_SIGNATURE_CHECKS = 32;

// Extensions whose meaning this check enforces (or, for SAN, uses); any other critical one is refused.
const UNDERSTOOD = new Set<string>([
  ExtensionOid.subjectAltName,
  ExtensionOid.basicConstraints,
  ExtensionOid.keyUsage,
  ExtensionOid.extKeyUsage,
]);

interface Presented {
  readonly cert: Certificate;
  /** Index in the chain as sent (0 = leaf); undefined for trust anchors. */
  readonly position?: number;
}

// Parsed roots, keyed by the caller's array object: configurations reuse the same arrays.
const rootCache = new WeakMap<Uint8Array, Certificate | null>();

function parsedRoot(der: Uint8Array): Certificate | null {
  let cert = rootCache.get(der);
  if (cert === undefined) {
    try {
      cert = parseCertificate(der);
    } catch {
      cert = null;
    }
    rootCache.set(der, cert);
  }
  return cert;
}

function fail(reason: CertificateErrorReason, detail: string, at: Presented): InvalidCertificate {
  return new InvalidCertificate(reason, detail, {
    subject: at.cert.subject,
    ...(at.position !== undefined ? { position: at.position } : {}),
  });
}

function checkValidity(at: Presented, time: Date): InvalidCertificate | null {
  const v = validityAt(at.cert, time);
  if (v === "expired") return fail("Expired", `notAfter ${at.cert.notAfter.toISOString()}`, at);
  if (v === "not-yet-valid") return fail("NotValidYet", `notBefore ${at.cert.notBefore.toISOString()}`, at);
  return null;
}

function checkCriticalExtensions(at: Presented): InvalidCertificate | null {
  const unknown = at.cert.extensions.find((e) => e.critical && !UNDERSTOOD.has(e.oid));
  return unknown ? fail("UnknownCriticalExtension", unknown.oid, at) : null;
}

// When no path is found, the most telling failure is reported: a concrete defect of a real issuer
// beats a signature that did not verify, which beats an issuer that was never found.
function rank(e: InvalidCertificate): number {
  return e.reason === "UnknownIssuer" ? 0 : e.reason === "BadSignature" ? 1 : 2;
}

class PathSearch {
  private checks = 0;
  private best: InvalidCertificate | null = null;

  constructor(
    private readonly intermediates: readonly Presented[],
    private readonly roots: readonly Certificate[],
    private readonly time: Date,
    private readonly provider: CryptoProvider,
  ) {}

  note(e: InvalidCertificate): void {
    if (this.best === null || rank(e) > rank(this.best)) this.best = e;
  }

  get error(): InvalidCertificate | null {
    return this.best;
  }

  /** Extends `path` (leaf first, each element verified by the next) up to a root, or returns null. */
  async extend(path: readonly Presented[]): Promise<Certificate[] | null> {
    const current = path[path.length - 1]!;
    const issuerName = current.cert.issuerDer;
    const anchors = this.roots.filter((r) => equalBytes(r.subjectDer, issuerName));
    const candidates = this.intermediates.filter(
      (c) => equalBytes(c.cert.subjectDer, issuerName) && !path.some((p) => p.cert === c.cert),
    );
    if (anchors.length === 0 && candidates.length === 0) {
      this.note(fail("UnknownIssuer", `no certificate for issuer ${current.cert.issuer}`, current));
      return null;
    }
    const algorithm = signatureAlgorithmFor(current.cert);
    if (algorithm === null) {
      this.note(fail("UnsupportedSignatureAlgorithm", current.cert.signatureAlgorithmOid, current));
      return null;
    }

    for (const root of anchors) {
      if (!(await this.signedBy(current, root, algorithm))) continue;
      const expiry = checkValidity({ cert: root }, this.time);
      if (expiry !== null) {
        this.note(expiry);
        continue;
      }
      return [...path.map((p) => p.cert), root];
    }

    if (path.length + 2 > MAX_PATH_LENGTH) {
      if (candidates.length > 0) this.note(fail("UnknownIssuer", "path too long", current));
      return null;
    }
    for (const next of candidates) {
      if (!(await this.signedBy(current, next.cert, algorithm))) continue;
      const problem = this.issuerProblem(next, path.length - 1) ?? checkValidity(next, this.time) ?? checkCriticalExtensions(next);
      if (problem !== null) {
        this.note(problem);
        continue;
      }
      const found = await this.extend([...path, next]);
      if (found !== null) return found;
    }
    return null;
  }

  private async signedBy(
    subject: Presented,
    issuer: Certificate,
    algorithm: NonNullable<ReturnType<typeof signatureAlgorithmFor>>,
  ): Promise<boolean> {
    if (++this.checks > MAX_SIGNATURE_CHECKS) {
      // Thrown, not noted: the search stops here rather than grinding on through a hostile chain.
      throw fail("UnknownIssuer", `gave up after ${MAX_SIGNATURE_CHECKS} signature checks`, subject);
    }
    let ok = false;
    try {
      ok = await this.provider.verify(algorithm, issuer.spki, subject.cert.tbs, subject.cert.signatureValue);
    } catch {
      // A key the provider cannot use with this algorithm cannot have made the signature.
      ok = false;
    }
    if (!ok) this.note(fail("BadSignature", `not signed by ${issuer.subject}`, subject));
    return ok;
  }

  /** What disqualifies an intermediate from issuing, given how many intermediates sit below it. */
  private issuerProblem(at: Presented, intermediatesBelow: number): InvalidCertificate | null {
    const bc = at.cert.basicConstraints;
    if (bc === undefined || !bc.ca) return fail("EndEntityUsedAsCa", "basicConstraints lacks cA=true", at);
    if (at.cert.keyUsage !== undefined && !at.cert.keyUsage.keyCertSign) {
      return fail("EndEntityUsedAsCa", "keyUsage lacks keyCertSign", at);
    }
    if (bc.pathLen !== undefined && intermediatesBelow > bc.pathLen) {
      return fail("PathLenConstraintViolated", `pathLenConstraint ${bc.pathLen}`, at);
    }
    return null;
  }
}

/**
 * Verifies `chain` against `roots` at `time` and, when given, for `serverName`. Returns the path
 * leaf → root; throws InvalidCertificate naming the failed check, the subject and the position.
 */
export async function verifyCertificateChainInterim(opts: InterimVerifyOptions): Promise<Certificate[]> {
  if (opts.chain.length === 0) throw new InvalidCertificate("NoCertificate", "empty certificate chain");
  const presented: Presented[] = opts.chain.map((der, position) => ({ cert: parseCertificate(der, position), position }));
  const leaf = presented[0]!;
  const roots = opts.roots.map(parsedRoot).filter((r): r is Certificate => r !== null);

  const leafProblem = checkValidity(leaf, opts.time) ?? checkCriticalExtensions(leaf);
  if (leafProblem !== null) throw leafProblem;

  let path: Certificate[];
  if (roots.some((r) => equalBytes(r.der, leaf.cert.der))) {
    // The leaf is itself trusted: its signature is not checked, but name and validity still are.
    path = [leaf.cert];
  } else {
    // Servers often repeat certificates; keep each distinct one once, at its first position.
    const intermediates = presented
      .slice(1)
      .filter((c, i, all) => all.findIndex((o) => equalBytes(o.cert.der, c.cert.der)) === i);
    const search = new PathSearch(intermediates, roots, opts.time, opts.provider);
    const found = await search.extend([leaf]);
    if (found === null) throw search.error ?? fail("UnknownIssuer", "no path to a trusted root", leaf);
    path = found;
  }

  if (opts.serverName !== undefined) {
    if (!matchesServerName(leaf.cert, opts.serverName)) {
      throw fail("NotValidForName", `not valid for "${printable(opts.serverName)}"`, leaf);
    }
    const eku = leaf.cert.extKeyUsage;
    if (eku !== undefined && !eku.includes(ExtKeyUsageOid.serverAuth)) {
      throw fail("InvalidPurpose", "extKeyUsage lacks serverAuth", leaf);
    }
  }
  return path;
}

// Server names end up in error messages and logs; keep them to one printable line.
function printable(name: string): string {
  const clean = name.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}
