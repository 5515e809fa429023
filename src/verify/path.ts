// Path building: a depth-first search from the leaf towards any trust anchor, through the presented
// intermediates in any order, trying alternatives (cross-signed CAs, duplicate names) when one route
// fails. It is bounded twice over: a path holds at most MAX_PATH_DEPTH certificates, and one search
// spends at most MAX_SIGNATURE_CHECKS signature verifications, so a hostile chain ends quickly.
import { equalBytes } from "../codec/bytes.js";
import type { CryptoProvider, SignatureAlgorithm } from "../crypto/provider.js";
import { InvalidCertificate } from "../errors.js";
import type { Certificate } from "./certificate.js";
import {
  type Placed,
  type Purpose,
  checkAnchorSelfSignature,
  checkIssuer,
  checkPublicKey,
  checkStructure,
  checkValidity,
  fail,
  isSelfIssued,
  usableSignatureAlgorithm,
} from "./checks.js";
import { ComparisonBudget, checkNameConstraints } from "./name-constraints.js";
import type { VerificationPolicy } from "./policy.js";
import type { RevocationChecker } from "./revocation.js";
import type { TrustStore } from "./trust.js";

/** Certificates on one path, leaf and trust anchor included (so at most six intermediates). */
export const MAX_PATH_DEPTH = 8;
/** Signature verifications one verification may spend trying candidate issuers. */
export const MAX_SIGNATURE_CHECKS = 32;

export interface SearchContext {
  readonly intermediates: readonly Placed[];
  readonly store: TrustStore;
  readonly time: Date;
  readonly provider: CryptoProvider;
  readonly policy: VerificationPolicy;
  readonly purpose: Purpose;
  readonly revocation: RevocationChecker | null;
}

// Failures that end the whole search at once rather than one branch of it.
const BUDGET = new Set(["MaximumSignatureChecksExceeded", "MaximumNameConstraintComparisonsExceeded"]);

// When no path is found, the most telling failure is reported: a concrete defect of a real issuer
// beats a path that grew too long, which beats a signature that did not verify, which beats an
// issuer that was never found.
function rank(e: InvalidCertificate): number {
  switch (e.reason) {
    case "UnknownIssuer":
      return 0;
    case "BadSignature":
      return 1;
    case "MaximumPathDepthExceeded":
      return 2;
    default:
      return 3;
  }
}

export class PathSearch {
  private checks = 0;
  private best: InvalidCertificate | null = null;
  private readonly comparisons = new ComparisonBudget();

  constructor(private readonly ctx: SearchContext) {}

  /** The failure to report when `find` returned null. */
  get error(): InvalidCertificate | null {
    return this.best;
  }

  /** A validated path leaf → anchor, or null; throws only when a budget runs out. */
  find(leaf: Placed): Promise<Placed[] | null> {
    return this.extend([leaf]);
  }

  private note(e: InvalidCertificate): void {
    if (BUDGET.has(e.reason)) throw e;
    if (this.best === null || rank(e) > rank(this.best)) this.best = e;
  }

  private async extend(path: readonly Placed[]): Promise<Placed[] | null> {
    const current = path[path.length - 1]!;
    const issuerName = current.cert.issuerDer;
    const anchors = this.ctx.store.bySubject(issuerName);
    // A certificate already on the path (same subject and key) cannot issue again: that is a loop.
    const candidates = this.ctx.intermediates.filter(
      (c) => equalBytes(c.cert.subjectDer, issuerName) && !path.some((p) => equalBytes(p.cert.subjectDer, c.cert.subjectDer) && equalBytes(p.cert.spki, c.cert.spki)),
    );
    if (anchors.length === 0 && candidates.length === 0) {
      this.note(fail("UnknownIssuer", `no trust anchor or presented certificate is named ${current.cert.issuer}`, current));
      return null;
    }
    for (const anchor of byKeyIdHint(current.cert, anchors.map((cert) => ({ cert })))) {
      const found = await this.tryIssuer(path, anchor, true);
      if (found !== null) return found;
    }
    if (candidates.length === 0) return null;
    // One more intermediate needs room for itself and an anchor above it.
    if (path.length + 2 > MAX_PATH_DEPTH) {
      this.note(fail("MaximumPathDepthExceeded", `no trust anchor within ${MAX_PATH_DEPTH} certificates`, current));
      return null;
    }
    for (const next of byKeyIdHint(current.cert, candidates)) {
      const found = await this.tryIssuer(path, next, false);
      if (found !== null) return found;
    }
    return null;
  }

  /** Tries `issuer` as the issuer of the last certificate on `path`; recurses unless it is an anchor. */
  private async tryIssuer(path: readonly Placed[], issuer: Placed, anchor: boolean): Promise<Placed[] | null> {
    const { time, policy, purpose, provider } = this.ctx;
    const current = path[path.length - 1]!;
    // pathLenConstraint counts the intermediates below the issuer, self-issued ones excepted (6.1.4 (l)).
    const below = path.slice(1).filter((p) => !isSelfIssued(p.cert)).length;
    // Cheap checks first: a candidate that could never issue costs no signature verification.
    // A trust anchor is configuration; under anchorProfile "strict" it must still be a well-formed CA.
    const legacyAnchor = anchor && policy.anchorProfile === "legacy";
    const problem =
      checkValidity(issuer, time) ??
      (anchor ? checkAnchorSelfSignature(issuer, policy) : null) ??
      (legacyAnchor ? null : checkStructure(issuer, anchor ? "anchor" : "intermediate")) ??
      checkIssuer(issuer, below, purpose, legacyAnchor) ??
      checkPublicKey(issuer, policy);
    if (problem !== null) {
      this.note(problem);
      return null;
    }
    const alg = usableSignatureAlgorithm(current, issuer.cert, policy, provider);
    if (alg instanceof InvalidCertificate) {
      this.note(alg);
      return null;
    }
    if (!(await this.signedBy(current, issuer.cert, alg))) return null;
    const constraints = issuer.cert.nameConstraints;
    if (constraints !== undefined) {
      const violation = checkNameConstraints(issuer, constraints, [...path].reverse(), this.comparisons);
      if (violation !== null) {
        this.note(violation);
        return null;
      }
    }
    const next = [...path, issuer];
    if (!anchor) return this.extend(next);
    const revoked = this.ctx.revocation === null ? null : await this.ctx.revocation.check(next);
    if (revoked !== null) {
      this.note(revoked);
      return null;
    }
    return next;
  }

  private async signedBy(subject: Placed, issuer: Certificate, alg: SignatureAlgorithm): Promise<boolean> {
    // A remembered signature still counts: the budget bounds the search, not only the verifications.
    if (++this.checks > MAX_SIGNATURE_CHECKS) {
      throw fail("MaximumSignatureChecksExceeded", `gave up after ${MAX_SIGNATURE_CHECKS} signature checks`, subject);
    }
    const provider = this.ctx.provider;
    if (knownSignature(provider, subject.cert, issuer, alg)) return true;
    let ok = false;
    try {
      ok = await provider.verify(alg, issuer.spki, subject.cert.tbs, subject.cert.signatureValue);
    } catch {
      // A key the provider cannot use with this algorithm cannot have made the signature.
      ok = false;
    }
    if (ok) rememberSignature(provider, subject.cert, issuer, alg);
    else this.note(fail("BadSignature", `signature does not verify with the key of ${issuer.subject}`, subject));
    return ok;
  }
}

/**
 * Certificate signatures this provider has verified: subject -> issuer -> the algorithms it verified
 * under. parseCertificate() gives one object per DER while it is cached, so a server met again costs
 * no second verification of its chain (an ECDSA P-256 verify is ~75 µs of a client's handshake on
 * Node 20); the CertificateVerify and every other check still run on every handshake. A signature
 * over fixed bytes verifies or not once and for all: only successes are kept, and they go with the
 * certificates.
 */
const verifiedSignatures = new WeakMap<CryptoProvider, WeakMap<Certificate, WeakMap<Certificate, Set<string>>>>();

const algorithmKey = (alg: SignatureAlgorithm): string => (alg.type === "ed25519" ? alg.type : alg.type === "rsa-pss" ? `${alg.type}/${alg.hash}/${alg.saltLength}` : `${alg.type}/${alg.hash}`);

function knownSignature(provider: CryptoProvider, subject: Certificate, issuer: Certificate, alg: SignatureAlgorithm): boolean {
  return verifiedSignatures.get(provider)?.get(subject)?.get(issuer)?.has(algorithmKey(alg)) === true;
}

function rememberSignature(provider: CryptoProvider, subject: Certificate, issuer: Certificate, alg: SignatureAlgorithm): void {
  let bySubject = verifiedSignatures.get(provider);
  if (bySubject === undefined) verifiedSignatures.set(provider, (bySubject = new WeakMap()));
  let byIssuer = bySubject.get(subject);
  if (byIssuer === undefined) bySubject.set(subject, (byIssuer = new WeakMap()));
  let algorithms = byIssuer.get(issuer);
  if (algorithms === undefined) byIssuer.set(issuer, (algorithms = new Set()));
  algorithms.add(algorithmKey(alg));
}

/**
 * Candidates whose subjectKeyIdentifier matches the child's authorityKeyIdentifier first, then those
 * without one, then mismatches (as Go does): a hint for spending the signature budget well, never a
 * reason to skip a candidate.
 */
function byKeyIdHint(child: Certificate, candidates: readonly Placed[]): Placed[] {
  const aki = child.authorityKeyIdentifier;
  if (aki === undefined) return [...candidates];
  const score = (p: Placed): number => {
    const ski = p.cert.subjectKeyIdentifier;
    return ski === undefined ? 1 : equalBytes(ski, aki) ? 0 : 2;
  };
  return candidates.map((p, i) => ({ p, i, s: score(p) })).sort((a, b) => a.s - b.s || a.i - b.i).map((x) => x.p);
}
