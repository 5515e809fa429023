// What client and server configs share: the effective algorithm lists, computed once at build time
// as provider ∩ user choice (DESIGN.md rule 4), with ConfigErrors that name the refused item.
import type { CryptoProvider, GroupName } from "../crypto/provider.js";
import { ConfigError } from "../errors.js";
import { decodePem } from "../codec/pem.js";
import { ALL_SUITES, type SuiteInfo } from "../suites/cipher-suites.js";
import { SCHEMES, type SchemeInfo } from "../suites/signature-schemes.js";
import { GROUP_VERSIONS, HYBRID_GROUPS, groupId, isHybrid, providerHasGroup } from "../suites/groups.js";
import { type Policy, type PolicyName, policyByName, verificationPolicyFor } from "../policy/policies.js";
import { type AnchorProfile, type VerificationPolicy, validateVerificationPolicy } from "../verify/policy.js";
import { type Crl, parseCrl } from "../verify/crl.js";
import { DEFAULT_REVOCATION_OPTIONS, type RevocationOptions } from "../verify/revocation.js";
import { type ConfigDecision, select } from "./effective.js";
import type { CipherSuiteName, SignatureSchemeName } from "../msgs/enums.js";
import { DEFAULT_LIMITS, type ConnectionLimits } from "./limits.js";
import type { TlsVersionName } from "../suites/versions.js";

export interface CommonOptions {
  provider: CryptoProvider;
  /** A named compliance policy ("default", "fips-140-3", "cnsa", or a dated id) or a Policy; default "default". */
  policy?: PolicyName | Policy;
  /** Refuse to build unless the provider attests that its module enforces FIPS mode. */
  requireFipsProvider?: boolean;
  /** Preference order; default: every suite the policy allows and the provider runs, TLS 1.3 first, AES-GCM first. */
  cipherSuites?: readonly CipherSuiteName[];
  /**
   * Preference order; default: the hybrid ML-KEM groups where the provider runs them, then secp256r1, x25519,
   * secp384r1, secp521r1, then x448 and ffdhe2048..ffdhe8192 (TLS 1.3 only) where the provider has them,
   * as the policy allows.
   */
  groups?: readonly GroupName[];
  /** Schemes accepted (and, on our side, used); default: all the policy allows and the provider runs. */
  signatureSchemes?: readonly SignatureSchemeName[];
  alpnProtocols?: readonly string[];
  minVersion?: TlsVersionName;
  maxVersion?: TlsVersionName;
  /** The clock for certificate validity; default: the runtime's current time. */
  now?: () => Date;
  limits?: Partial<ConnectionLimits>;
  /** CRLs (DER, PEM or parsed) for the peer's chain; giving any turns revocation checking on. */
  crls?: readonly (Crl | Uint8Array | string)[];
  /** Revocation scope and what an unknown status means; default { scope: "chain", unknownStatus: "fail" }. */
  revocation?: RevocationOptions;
  /**
   * What a trust anchor must be: "strict" (default; a well-formed CA, as pyca/cryptography checks roots)
   * or "legacy" (validity, key, constraints and cA only), for private PKIs whose roots break the profile.
   */
  anchorProfile?: AnchorProfile;
  /**
   * Receives the connection's secrets as NSS key log lines (SSLKEYLOGFILE format, for Wireshark). This
   * discloses the traffic to whoever reads the lines: for debugging only. Off by default; a connection
   * that logged keys is reported as not compliant by its audit.
   */
  keyLog?: (line: string) => void;
}

export interface CommonConfig {
  readonly provider: CryptoProvider;
  readonly policy: Policy;
  readonly versions: readonly TlsVersionName[];
  /** TLS 1.3 and TLS 1.2 suites, in preference order, only those of enabled versions. */
  readonly cipherSuites: readonly SuiteInfo[];
  readonly groups: readonly GroupName[];
  readonly signatureSchemes: readonly SchemeInfo[];
  readonly alpnProtocols: readonly string[];
  readonly now: () => Date;
  readonly limits: ConnectionLimits;
  /** Every item considered, with its decision, rule, reference and source (for audit reports). */
  readonly decisions: readonly ConfigDecision[];
  /** What peer certificate chains must meet: the policy's algorithms and key sizes. */
  readonly verificationPolicy: VerificationPolicy;
  readonly crls: readonly Crl[];
  readonly revocation: RevocationOptions;
  readonly keyLog: ((line: string) => void) | null;
}

/**
 * Hybrid post-quantum groups first where the provider runs them (as Chrome, Firefox and OpenSSL 3.5
 * order theirs), then the classical ones; SecP384r1MLKEM1024 is for those who ask for it. X448 and the
 * RFC 7919 finite-field groups come last (as in OpenSSL's and the JDK's default lists), so they never
 * change what is chosen when an earlier group is shared; a client offers FFDHE in supported_groups only
 * and sends no FFDHE key share unless asked (config/client.ts).
 */
const DEFAULT_GROUP_ORDER: readonly GroupName[] = [
  "X25519MLKEM768",
  "SecP256r1MLKEM768",
  "secp256r1",
  "x25519",
  "secp384r1",
  "secp521r1",
  "SecP384r1MLKEM1024",
  "x448",
  "ffdhe2048",
  "ffdhe3072",
  "ffdhe4096",
  "ffdhe6144",
  "ffdhe8192",
];
const VERSION_NAMES: readonly TlsVersionName[] = ["TLSv1.2", "TLSv1.3"];

function versionRange(o: CommonOptions, policy: Policy): { versions: TlsVersionName[]; decisions: ConfigDecision[] } {
  for (const [what, v] of [["minVersion", o.minVersion], ["maxVersion", o.maxVersion]] as const) {
    if (v !== undefined && !VERSION_NAMES.includes(v)) {
      throw new ConfigError(`${what} ${v} is not supported: fipstls speaks TLSv1.2 and TLSv1.3 only`, what);
    }
  }
  const lo = VERSION_NAMES.indexOf(o.minVersion ?? "TLSv1.2");
  const hi = VERSION_NAMES.indexOf(o.maxVersion ?? "TLSv1.3");
  if (lo > hi) throw new ConfigError(`minVersion ${o.minVersion} is above maxVersion ${o.maxVersion}`, "minVersion");
  const inRange = VERSION_NAMES.slice(lo, hi + 1);
  const decisions: ConfigDecision[] = [];
  const versions: TlsVersionName[] = [];
  for (const v of VERSION_NAMES) {
    const judged = policy.judge("version", v);
    const base = { kind: "version" as const, name: v, iana: v === "TLSv1.2" ? 0x0303 : 0x0304 };
    if (judged.decision === "refused") decisions.push({ ...base, ...judged, source: "policy" });
    else if (!inRange.includes(v)) decisions.push({ ...base, decision: "refused", rule: "outside minVersion..maxVersion", reference: "configuration", source: "user" });
    else {
      decisions.push({ ...base, ...judged, source: o.minVersion || o.maxVersion ? "user" : "policy" });
      versions.push(v);
    }
  }
  if (versions.length === 0) {
    throw new ConfigError(`no TLS version left: policy ${policy.id} and minVersion/maxVersion leave none`, "maxVersion");
  }
  return { versions, decisions };
}

/** Why a suite of a version that is not enabled cannot be used: the version's own refusal, with its source. */
function versionGap(version: TlsVersionName, decisions: readonly ConfigDecision[]): { rule: string; reference: string; source: ConfigDecision["source"] } {
  const d = decisions.find((x) => x.name === version)!;
  return { rule: `a ${version} suite, and ${version} is not enabled: ${d.rule}`, reference: d.reference, source: d.source };
}

function resolvePolicy(p: PolicyName | Policy | undefined): Policy {
  if (p === undefined) return policyByName("default");
  if (typeof p === "string") {
    try {
      return policyByName(p);
    } catch (e) {
      throw new ConfigError((e as Error).message, "policy");
    }
  }
  if (typeof p.judge !== "function") throw new ConfigError("policy must be a policy name or a Policy object", "policy");
  return p;
}

/** What the policy, the provider and the user's lists leave: the part of a config that takes work to compute. */
interface Selection {
  readonly versions: readonly TlsVersionName[];
  readonly cipherSuites: readonly SuiteInfo[];
  readonly groups: readonly GroupName[];
  readonly signatureSchemes: readonly SchemeInfo[];
  readonly decisions: readonly ConfigDecision[];
  readonly verificationPolicy: VerificationPolicy;
}

/**
 * Selections by provider, policy and user lists. node:tls-style code builds a config per connection from
 * the same options, and judging every item against the policy cost about 5 % of a client handshake's CPU.
 * Providers and policies are treated as immutable, as everything else in a config already does.
 */
const selections = new WeakMap<CryptoProvider, WeakMap<Policy, Map<string, Selection>>>();
const SELECTIONS_PER_POLICY = 64;

function selectionFor(o: CommonOptions, p: CryptoProvider, policy: Policy): Selection {
  const key = JSON.stringify([o.cipherSuites, o.groups, o.signatureSchemes, o.minVersion, o.maxVersion, o.anchorProfile]);
  let byPolicy = selections.get(p);
  if (byPolicy === undefined) selections.set(p, (byPolicy = new WeakMap()));
  let byLists = byPolicy.get(policy);
  if (byLists === undefined) byPolicy.set(policy, (byLists = new Map()));
  const cached = byLists.get(key);
  if (cached !== undefined) return cached;
  const fresh = computeSelection(o, p, policy);
  // Bounded: a caller that varies its lists per connection must not grow this without limit.
  if (byLists.size >= SELECTIONS_PER_POLICY) byLists.delete(byLists.keys().next().value!);
  byLists.set(key, fresh);
  return fresh;
}

function computeSelection(o: CommonOptions, p: CryptoProvider, policy: Policy): Selection {
  const { versions, decisions: versionDecisions } = versionRange(o, policy);
  const suites = select(
    "cipher_suite",
    ALL_SUITES.map((s) => ({
      name: s.name,
      iana: s.id,
      value: s,
      providerGap: p.supports.aeads.includes(s.aead) && p.supports.hashes.includes(s.hash) ? null : `${s.aead} is not offered`,
      otherGap: versions.includes(s.versions[0]) ? null : versionGap(s.versions[0], versionDecisions),
    })),
    o.cipherSuites,
    policy,
    p.name,
  );
  const groups = select(
    "group",
    DEFAULT_GROUP_ORDER.map((g) => {
      const version = versions.find((v) => GROUP_VERSIONS[g].includes(v));
      return {
        name: g,
        iana: groupId(g),
        value: g,
        providerGap: providerHasGroup(p, g) ? null : isHybrid(g) ? `${g} needs ML-KEM and ${HYBRID_GROUPS[g].ecdh}, which ${p.name} does not both offer` : `${g} is not offered`,
        otherGap: version !== undefined ? null : versionGap("TLSv1.3", versionDecisions),
      };
    }),
    o.groups,
    policy,
    p.name,
  );
  const schemes = select(
    "signature_scheme",
    SCHEMES.map((s) => {
      const runs = p.supports.signatures.includes(s.algorithm.type) && ("hash" in s.algorithm ? p.supports.hashes.includes(s.algorithm.hash) : true) &&
        (s.curve === undefined || p.supports.curves.includes(s.curve));
      return { name: s.name, iana: s.id, value: s, providerGap: runs ? null : `${s.algorithm.type}${s.curve ? ` on ${s.curve}` : ""} is not offered` };
    }),
    o.signatureSchemes,
    policy,
    p.name,
  );
  if (!schemes.chosen.some((s) => s.handshake)) throw new ConfigError("no signature scheme usable in a handshake", "signatureSchemes");

  return Object.freeze({
    versions: Object.freeze(versions),
    cipherSuites: Object.freeze(suites.chosen),
    groups: Object.freeze(groups.chosen),
    signatureSchemes: Object.freeze(schemes.chosen),
    decisions: Object.freeze([...versionDecisions, ...suites.decisions, ...groups.decisions, ...schemes.decisions]),
    verificationPolicy: validateVerificationPolicy({ ...verificationPolicyFor(policy), anchorProfile: o.anchorProfile ?? "strict" }),
  });
}

export function buildCommon(o: CommonOptions): CommonConfig {
  const p = o.provider;
  if (!p || typeof p.aead !== "function") throw new ConfigError("a CryptoProvider is required", "provider");
  const policy = resolvePolicy(o.policy);
  if (o.requireFipsProvider) {
    const fips = p.fips();
    if (!fips.enforced) {
      throw new ConfigError(
        `policy ${policy.id} requires a provider in FIPS mode, and provider "${p.name}" does not attest one: ${fips.evidence} ` +
          "To run in FIPS mode, start Node with an OpenSSL configuration that activates the FIPS provider (OPENSSL_CONF=… node --enable-fips …; README, FIPS mode). " +
          "To use the policy's algorithms without that attestation, pass requireFipsProvider: false (CLI: --allow-non-fips-provider); audit reports then say the module is not attested.",
        "requireFipsProvider",
      );
    }
  }
  const selection = selectionFor(o, p, policy);

  const alpn = [...(o.alpnProtocols ?? [])];
  for (const a of alpn) {
    const n = new TextEncoder().encode(a).length;
    if (n === 0 || n > 255) throw new ConfigError(`ALPN protocol "${a}" must be 1..255 bytes`, "alpnProtocols");
  }

  return {
    provider: p,
    policy,
    versions: selection.versions,
    cipherSuites: selection.cipherSuites,
    groups: selection.groups,
    signatureSchemes: selection.signatureSchemes,
    alpnProtocols: alpn,
    now: o.now ?? (() => new Date()),
    limits: { ...DEFAULT_LIMITS, ...o.limits },
    decisions: selection.decisions,
    verificationPolicy: selection.verificationPolicy,
    crls: parseCrls(o.crls),
    revocation: o.revocation ?? DEFAULT_REVOCATION_OPTIONS,
    keyLog: keyLogOf(o.keyLog),
  };
}

function keyLogOf(keyLog: unknown): ((line: string) => void) | null {
  if (keyLog === undefined) return null;
  if (typeof keyLog !== "function") throw new ConfigError("keyLog must be a function (line: string) => void", "keyLog");
  return keyLog as (line: string) => void;
}

/** DER certificates from PEM text(s) and/or DER bytes. */
export function certificatesFrom(input: string | Uint8Array | readonly (string | Uint8Array)[] | undefined, what: string): Uint8Array[] {
  if (input === undefined) return [];
  const items = Array.isArray(input) ? (input as readonly (string | Uint8Array)[]) : [input as string | Uint8Array];
  const out: Uint8Array[] = [];
  for (const item of items) {
    const text = typeof item === "string" ? item : pemText(item);
    if (text === null) {
      out.push(new Uint8Array(item as Uint8Array));
      continue;
    }
    const blocks = decodePem(text).filter((b) => b.label === "CERTIFICATE" || b.label === "TRUSTED CERTIFICATE");
    if (blocks.length === 0) throw new ConfigError(`${what}: no PEM CERTIFICATE block found`, what);
    out.push(...blocks.map((b) => b.der));
  }
  return out;
}

/** PEM given as bytes (a Node Buffer read from a file) is text; anything else is DER. */
export function pemText(bytes: Uint8Array): string | null {
  const head = String.fromCharCode(...bytes.subarray(0, 64));
  return /^\s*-----BEGIN /.test(head) ? new TextDecoder().decode(bytes) : null;
}

/** CRLs parsed once at build time, so a malformed one is a ConfigError rather than a handshake failure. */
function parseCrls(input: readonly (Crl | Uint8Array | string)[] | undefined): Crl[] {
  return (input ?? []).flatMap((c, i) => {
    if (typeof c === "object" && !(c instanceof Uint8Array)) return [c];
    const ders = typeof c === "string" ? decodePem(c).filter((b) => b.label === "X509 CRL").map((b) => b.der) : [c];
    if (ders.length === 0) throw new ConfigError(`crls[${i}]: no PEM X509 CRL block found`, `crls[${i}]`);
    return ders.map((der) => {
      try {
        return parseCrl(der);
      } catch (e) {
        throw new ConfigError(`crls[${i}]: ${(e as Error).message}`, `crls[${i}]`);
      }
    });
  });
}

/** What every check of a peer's chain takes from a config: clock, provider, policy, revocation. */
export function peerVerification(config: CommonConfig): { time: Date; provider: CryptoProvider; policy: VerificationPolicy; crls?: readonly Crl[]; revocation?: RevocationOptions } {
  return {
    time: config.now(),
    provider: config.provider,
    policy: config.verificationPolicy,
    // Revocation is checked only when CRLs were configured.
    ...(config.crls.length ? { crls: config.crls, revocation: config.revocation } : {}),
  };
}
