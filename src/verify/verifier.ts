// The strict certificate verifier: RFC 5280 path validation with webpki's habits, the server
// identity rules of RFC 6125, a VerificationPolicy for algorithms and keys, and CRLs. Every failure is
// an InvalidCertificate whose reason names the check, with the certificate's subject and position.
import { toHex } from "../codec/bytes.js";
import type { CryptoProvider } from "../crypto/provider.js";
import { webcryptoProvider } from "../../providers/webcrypto/index.js";
import { ConfigError, InvalidCertificate } from "../errors.js";
import { type Certificate, parseCertificate } from "./certificate.js";
import { type Placed, type Purpose, checkEndEntity, checkPublicKey, checkStructure, checkValidity, fail } from "./checks.js";
import { type Crl, parseCrl } from "./crl.js";
import { dnsLabels, isIpLiteral, matchesServerName } from "./names.js";
import { PathSearch } from "./path.js";
import { DEFAULT_VERIFICATION_POLICY, type VerificationPolicy, validateVerificationPolicy } from "./policy.js";
import { DEFAULT_REVOCATION_OPTIONS, RevocationChecker, type RevocationOptions } from "./revocation.js";
import { type TrustAnchors, toTrustStore } from "./trust.js";

export interface VerifyOptions {
  /** DER certificates as the peer sent them, leaf first; the rest in any order, duplicates allowed. */
  readonly chain: readonly Uint8Array[];
  /** Trust anchors: a TrustStore (parse once, reuse), or PEM text / DER certificates. */
  readonly roots: TrustAnchors;
  /** The moment validity is judged at; default: now. A TLS handshake passes its configured clock. */
  readonly time?: Date;
  /** Computes every signature verification; default: the platform's WebCrypto (globalThis.crypto.subtle). */
  readonly provider?: CryptoProvider;
  /** Algorithms and keys accepted; default DEFAULT_VERIFICATION_POLICY. */
  readonly policy?: VerificationPolicy;
  /** CRLs (parsed, DER or PEM). Giving CRLs turns revocation checking on. */
  readonly crls?: readonly (Crl | Uint8Array | string)[];
  /** Revocation scope and unknown-status handling; default { scope: "chain", unknownStatus: "fail" }. */
  readonly revocation?: RevocationOptions;
}

export interface ServerVerifyOptions extends VerifyOptions {
  /** The DNS name (ASCII; IDNs as A-labels) or IP address the client meant to reach. */
  readonly serverName: string;
}

export type ClientVerifyOptions = VerifyOptions;

/**
 * Verifies a server's chain for `serverName` (extKeyUsage serverAuth). Resolves to the validated
 * path, leaf first and trust anchor last; rejects with InvalidCertificate naming the failed check.
 */
export async function verifyServerCertificate(o: ServerVerifyOptions): Promise<Certificate[]> {
  const path = await verifyCertificatePath({ ...o, provider: await providerOf(o), time: o.time ?? new Date(), purpose: "serverAuth" });
  const leaf: Placed = { cert: path[0]!, position: 0 };
  const name = o.serverName;
  if (typeof name !== "string" || (!isIpLiteral(name) && dnsLabels(name) === null)) {
    throw fail("NotValidForName", `"${printable(String(name))}" is neither a DNS name (IDNs as A-labels) nor an IP address`, leaf);
  }
  if (!matchesServerName(leaf.cert, name)) throw fail("NotValidForName", `not valid for "${printable(name)}"`, leaf);
  return path;
}

/** Verifies a client's chain (extKeyUsage clientAuth); same results as verifyServerCertificate. */
export async function verifyClientCertificate(o: ClientVerifyOptions): Promise<Certificate[]> {
  return verifyCertificatePath({ ...o, provider: await providerOf(o), time: o.time ?? new Date(), purpose: "clientAuth" });
}

let platformProvider: Promise<CryptoProvider> | undefined;

/**
 * The caller's provider, else one over the platform's WebCrypto, made once. A runtime without
 * crypto.subtle (an insecure browser context) is a ConfigError that says what to pass instead.
 */
function providerOf(o: VerifyOptions): Promise<CryptoProvider> | CryptoProvider {
  if (o.provider !== undefined) return o.provider;
  if (globalThis.crypto?.subtle === undefined) {
    throw new ConfigError("no CryptoProvider given and this runtime has no WebCrypto (crypto.subtle); pass provider", "provider");
  }
  platformProvider ??= webcryptoProvider(globalThis.crypto.subtle);
  return platformProvider;
}

export interface PathOptions extends VerifyOptions {
  readonly time: Date;
  readonly purpose: Purpose;
  /** The core takes no default: a TLS connection passes the provider its configuration chose. */
  readonly provider: CryptoProvider;
}

/** The core: path building and validation for `purpose`, no identity check. `time` is required here. */
export async function verifyCertificatePath(o: PathOptions): Promise<Certificate[]> {
  if (!(o.time instanceof Date) || Number.isNaN(o.time.getTime())) throw new ConfigError("time must be a valid Date", "time");
  if (o.provider === undefined || typeof o.provider.verify !== "function") throw new ConfigError("a CryptoProvider is required", "provider");
  const policy = o.policy === undefined ? DEFAULT_VERIFICATION_POLICY : validateVerificationPolicy(o.policy);
  const revocation = revocationChecker(o, policy);
  if (!Array.isArray(o.chain) || o.chain.length === 0) throw new InvalidCertificate("NoCertificate", "empty certificate chain");

  const presented: Placed[] = o.chain.map((der, position) => ({ cert: parseCertificate(der, position), position }));
  const leaf = presented[0]!;
  const problem = checkValidity(leaf, o.time) ?? checkStructure(leaf, "leaf") ?? checkEndEntity(leaf, o.purpose) ?? checkPublicKey(leaf, policy);
  if (problem !== null) throw problem;

  const store = toTrustStore(o.roots);
  // A leaf that is itself an anchor is trusted as configured; its name and validity still count.
  if (store.contains(leaf.cert)) return [leaf.cert];
  // Servers repeat certificates (and send the leaf or the root again): keep each once, first position.
  const seen = new Set<string>([toHex(leaf.cert.der)]);
  const intermediates = presented.slice(1).filter((c) => {
    const key = toHex(c.cert.der);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const search = new PathSearch({ intermediates, store, time: o.time, provider: o.provider, policy, purpose: o.purpose, revocation });
  const path = await search.find(leaf);
  if (path === null) throw search.error ?? fail("UnknownIssuer", "no path to a trust anchor", leaf);
  return path.map((p) => p.cert);
}

// Parsed CRLs, keyed by the caller's bytes (configurations hand the same ones to every handshake).
const crlCache = new WeakMap<Uint8Array, Crl>();

function revocationChecker(o: PathOptions, policy: VerificationPolicy): RevocationChecker | null {
  if (o.crls === undefined && o.revocation === undefined) return null;
  const options = o.revocation ?? DEFAULT_REVOCATION_OPTIONS;
  // Absent fields take their defaults (a TLS client's revocation option may carry only OCSP stapling).
  const scope = options.scope ?? DEFAULT_REVOCATION_OPTIONS.scope;
  const unknownStatus = options.unknownStatus ?? DEFAULT_REVOCATION_OPTIONS.unknownStatus;
  if ((scope !== "leaf" && scope !== "chain") || (unknownStatus !== "fail" && unknownStatus !== "allow")) {
    throw new ConfigError('revocation must be { scope: "leaf" | "chain", unknownStatus: "fail" | "allow" }', "revocation");
  }
  const crls = (o.crls ?? []).map((c, i) => {
    try {
      if (typeof c === "string") return parseCrl(c);
      if (!(c instanceof Uint8Array)) return c;
      let parsed = crlCache.get(c);
      if (parsed === undefined) crlCache.set(c, (parsed = parseCrl(c)));
      return parsed;
    } catch (e) {
      throw new ConfigError(`crls[${i}]: ${(e as Error).message}`, `crls[${i}]`);
    }
  });
  return new RevocationChecker(crls, { scope, unknownStatus }, policy, o.provider, o.time);
}

// Server names end up in error messages and logs; keep them to one printable line.
function printable(name: string): string {
  const clean = name.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}
