// What client and server configs share: the effective algorithm lists, computed once at build time
// as provider ∩ user choice (DESIGN.md rule 4), with ConfigErrors that name the refused item.
import type { CryptoProvider, GroupName } from "../crypto/provider.js";
import { ConfigError } from "../errors.js";
import { decodePem } from "../codec/pem.js";
import { TLS13_SUITES, type Tls13Suite, suiteByName } from "../tls13/suites.js";
import { SCHEMES, type SchemeInfo, schemeByName } from "../tls13/signature-schemes.js";
import type { CipherSuiteName, SignatureSchemeName } from "../msgs/enums.js";
import { DEFAULT_LIMITS, type ConnectionLimits } from "../conn/connection.js";
import type { TlsVersionName } from "../conn/info.js";

export interface CommonOptions {
  provider: CryptoProvider;
  /** Preference order; default: every suite the provider can run, AES-GCM first. */
  cipherSuites?: readonly CipherSuiteName[];
  /** Preference order; default: secp256r1, x25519 (when present), secp384r1, secp521r1. */
  groups?: readonly GroupName[];
  /** Schemes accepted (and, on our side, used); default: all the provider supports. */
  signatureSchemes?: readonly SignatureSchemeName[];
  alpnProtocols?: readonly string[];
  minVersion?: TlsVersionName;
  maxVersion?: TlsVersionName;
  /** The clock for certificate validity; default: the runtime's current time. */
  now?: () => Date;
  limits?: Partial<ConnectionLimits>;
}

export interface CommonConfig {
  readonly provider: CryptoProvider;
  readonly cipherSuites: readonly Tls13Suite[];
  readonly groups: readonly GroupName[];
  readonly signatureSchemes: readonly SchemeInfo[];
  readonly alpnProtocols: readonly string[];
  readonly now: () => Date;
  readonly limits: ConnectionLimits;
}

const DEFAULT_GROUP_ORDER: readonly GroupName[] = ["secp256r1", "x25519", "secp384r1", "secp521r1"];

function checkVersions(min: TlsVersionName | undefined, max: TlsVersionName | undefined): void {
  const rank = (v: string, what: string): number => {
    if (v === "TLSv1.2") return 2;
    if (v === "TLSv1.3") return 3;
    throw new ConfigError(`${what} ${v} is not supported: fipstls speaks TLSv1.2 and TLSv1.3 only`, what);
  };
  const lo = min === undefined ? 2 : rank(min, "minVersion");
  const hi = max === undefined ? 3 : rank(max, "maxVersion");
  if (lo > hi) throw new ConfigError(`minVersion ${min} is above maxVersion ${max}`, "minVersion");
  // TLS 1.2 lands in a later issue; until then the range must include TLS 1.3.
  if (hi < 3) throw new ConfigError("TLSv1.2-only configurations are not implemented yet: allow TLSv1.3", "maxVersion");
}

export function buildCommon(o: CommonOptions): CommonConfig {
  const p = o.provider;
  if (!p || typeof p.aead !== "function") throw new ConfigError("a CryptoProvider is required", "provider");
  checkVersions(o.minVersion, o.maxVersion);

  const suites = (o.cipherSuites ?? TLS13_SUITES.map((s) => s.name)).map((name) => {
    const suite = suiteByName(name);
    if (!suite) throw new ConfigError(`unknown cipher suite ${name}`, name);
    if (!p.supports.aeads.includes(suite.aead) || !p.supports.hashes.includes(suite.hash)) {
      if (o.cipherSuites) throw new ConfigError(`cipher suite ${name} needs ${suite.aead}, which provider "${p.name}" does not offer`, name);
      return null;
    }
    return suite;
  }).filter((s): s is Tls13Suite => s !== null);
  if (suites.length === 0) throw new ConfigError("no cipher suite left", "cipherSuites");

  const groups = (o.groups ?? DEFAULT_GROUP_ORDER).filter((g) => {
    if (!DEFAULT_GROUP_ORDER.includes(g)) throw new ConfigError(`unknown group ${g}`, g);
    if (p.supports.groups.includes(g)) return true;
    if (o.groups) throw new ConfigError(`group ${g} is not offered by provider "${p.name}"`, g);
    return false;
  });
  if (groups.length === 0) throw new ConfigError("no key-exchange group left", "groups");

  const schemes = (o.signatureSchemes ?? SCHEMES.map((s) => s.name)).map((name) => {
    const s = schemeByName(name);
    if (!s) throw new ConfigError(`unknown signature scheme ${name}`, name);
    const ok = p.supports.signatures.includes(s.algorithm.type) && ("hash" in s.algorithm ? p.supports.hashes.includes(s.algorithm.hash) : true) &&
      (s.curve === undefined || p.supports.curves.includes(s.curve));
    if (!ok) {
      if (o.signatureSchemes) throw new ConfigError(`signature scheme ${name} is not supported by provider "${p.name}"`, name);
      return null;
    }
    return s;
  }).filter((s): s is SchemeInfo => s !== null);
  if (!schemes.some((s) => s.handshake)) throw new ConfigError("no signature scheme usable in a handshake", "signatureSchemes");

  const alpn = [...(o.alpnProtocols ?? [])];
  for (const a of alpn) {
    const n = new TextEncoder().encode(a).length;
    if (n === 0 || n > 255) throw new ConfigError(`ALPN protocol "${a}" must be 1..255 bytes`, "alpnProtocols");
  }

  return {
    provider: p,
    cipherSuites: suites,
    groups,
    signatureSchemes: schemes,
    alpnProtocols: alpn,
    now: o.now ?? (() => new Date()),
    limits: { ...DEFAULT_LIMITS, ...o.limits },
  };
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
