// node:tls's OpenSSL-style option strings (ciphers, ecdhCurve, sigalgs) as fipstls's IANA names, where
// each token names exactly one thing. OpenSSL's keywords and operators (HIGH, !aNULL, @STRENGTH, RSA-PSS+…
// which OpenSSL resolves by its own tables) are refused with a ConfigError naming the token, rather than
// guessed: the policy, not a cipher string, decides what is allowed.
import { type CommonOptions, buildCommon } from "../../config/common.js";
import { ConfigError } from "../../errors.js";
import type { CryptoProvider, GroupName } from "../../crypto/provider.js";
import type { TlsVersionName } from "../../handshake/info.js";
import type { Policy } from "../../policy/policies.js";
import type { CipherSuiteName, SignatureSchemeName } from "../../msgs/enums.js";
import { ALL_SUITES, isTls13Suite } from "../../suites/cipher-suites.js";
import { GROUP_VERSIONS } from "../../suites/groups.js";
import { SCHEMES, type SchemeInfo } from "../../suites/signature-schemes.js";

const tokens = (text: string): string[] => text.split(/[:,]/).map((t) => t.trim()).filter((t) => t.length > 0);

/** node:tls's `ciphers`: TLS 1.3 names (TLS_AES_128_GCM_SHA256) and OpenSSL's TLS 1.2 names (ECDHE-ECDSA-AES128-GCM-SHA256), by version. */
export function suitesFromCiphers(text: string): { tls13: CipherSuiteName[]; tls12: CipherSuiteName[] } {
  const out = { tls13: [] as CipherSuiteName[], tls12: [] as CipherSuiteName[] };
  for (const token of tokens(text)) {
    const suite = ALL_SUITES.find((s) => s.openSslName === token || s.name === token);
    if (suite === undefined) {
      throw new ConfigError(
        `ciphers: "${token}" is not a cipher suite fipstls can map exactly; list suites by name (TLS_AES_128_GCM_SHA256, ECDHE-ECDSA-AES128-GCM-SHA256, …): keywords and operators such as HIGH or !aNULL are not read, the policy decides what is allowed`,
        "ciphers",
      );
    }
    const list = isTls13Suite(suite) ? out.tls13 : out.tls12;
    if (!list.includes(suite.name)) list.push(suite.name);
  }
  if (out.tls13.length + out.tls12.length === 0) throw new ConfigError("ciphers: no cipher suite named", "ciphers");
  return out;
}

/** OpenSSL's group names (and aliases) for the groups fipstls has, lower-cased. */
const GROUP_ALIASES: Readonly<Record<string, GroupName>> = {
  "p-256": "secp256r1",
  prime256v1: "secp256r1",
  "p-384": "secp384r1",
  "p-521": "secp521r1",
};

/** node:tls's `ecdhCurve`: OpenSSL group names separated by ":", or "auto" (undefined: the default groups). */
export function groupsFromEcdhCurve(text: string): GroupName[] | undefined {
  if (text.trim().toLowerCase() === "auto") return undefined;
  const known = Object.keys(GROUP_VERSIONS) as GroupName[];
  const groups: GroupName[] = [];
  for (const token of tokens(text)) {
    const lower = token.toLowerCase();
    const group = GROUP_ALIASES[lower] ?? known.find((g) => g.toLowerCase() === lower);
    if (group === undefined) throw new ConfigError(`ecdhCurve: "${token}" is not a group fipstls has (${known.join(", ")}, or P-256, P-384, P-521, prime256v1, auto)`, "ecdhCurve");
    if (!groups.includes(group)) groups.push(group);
  }
  if (groups.length === 0) throw new ConfigError("ecdhCurve: no group named", "ecdhCurve");
  return groups;
}

/** OpenSSL's "sig+hash" forms that name one scheme each. RSA-PSS+hash is refused: OpenSSL maps it to rsae or pss by its table. */
const SIGALG_FORMS: Readonly<Record<string, SignatureSchemeName>> = {
  "ECDSA+SHA256": "ecdsa_secp256r1_sha256",
  "ECDSA+SHA384": "ecdsa_secp384r1_sha384",
  "ECDSA+SHA512": "ecdsa_secp521r1_sha512",
  "RSA+SHA256": "rsa_pkcs1_sha256",
  "RSA+SHA384": "rsa_pkcs1_sha384",
  "RSA+SHA512": "rsa_pkcs1_sha512",
};

const SIG_TYPE: Readonly<Record<SchemeInfo["algorithm"]["type"], string>> = { ecdsa: "ECDSA", "rsa-pss": "RSA-PSS", "rsa-pkcs1": "RSA", ed25519: "Ed25519" };

/**
 * A scheme as OpenSSL's SSL_get_shared_sigalgs names it and node:tls's getSharedSigalgs() returns it:
 * "ECDSA+SHA256", "RSA-PSS+SHA256" (rsae and pss alike), "RSA+SHA256", "Ed25519+UNDEF".
 */
export function opensslSigalgName(scheme: SchemeInfo): string {
  const a = scheme.algorithm;
  return `${SIG_TYPE[a.type]}+${a.type === "ed25519" ? "UNDEF" : a.hash.replace("-", "")}`;
}

/** node:tls's `sigalgs`: TLS names (rsa_pss_rsae_sha256, ed25519) or OpenSSL's ECDSA+SHA256 / RSA+SHA256 forms. */
export function schemesFromSigalgs(text: string): SignatureSchemeName[] {
  const schemes: SignatureSchemeName[] = [];
  for (const token of tokens(text)) {
    const scheme = SIGALG_FORMS[token.toUpperCase()] ?? SCHEMES.find((s) => s.name === token.toLowerCase())?.name;
    if (scheme === undefined) {
      throw new ConfigError(`sigalgs: "${token}" does not name one signature scheme; use TLS names such as rsa_pss_rsae_sha256, rsa_pss_pss_sha256, ecdsa_secp256r1_sha256, ed25519 (or ECDSA+SHA256, RSA+SHA256)`, "sigalgs");
    }
    if (!schemes.includes(scheme)) schemes.push(scheme);
  }
  if (schemes.length === 0) throw new ConfigError("sigalgs: no signature scheme named", "sigalgs");
  return schemes;
}

/** Throws the ConfigError openSslStyleTuning would, without building anything. */
export function checkOpenSslStyle(o: { ciphers?: unknown; ecdhCurve?: unknown; sigalgs?: unknown }): void {
  for (const option of ["ciphers", "ecdhCurve", "sigalgs"] as const) {
    const value = o[option];
    if (value !== undefined && typeof value !== "string") throw new ConfigError(`${option} must be a string, as in node:tls`, option);
  }
  if (typeof o.ciphers === "string") suitesFromCiphers(o.ciphers);
  if (typeof o.ecdhCurve === "string") groupsFromEcdhCurve(o.ecdhCurve);
  if (typeof o.sigalgs === "string") schemesFromSigalgs(o.sigalgs);
}

/** The node:tls options this file reads, as given. */
export interface OpenSslStyleOptions {
  ciphers?: string;
  ecdhCurve?: string;
  sigalgs?: string;
  minVersion?: TlsVersionName;
  maxVersion?: TlsVersionName;
  tls?: { cipherSuites?: unknown; groups?: unknown; signatureSchemes?: unknown };
}

/** ciphers, ecdhCurve and sigalgs as config-builder options; each conflicts with its `tls` counterpart. */
export function openSslStyleTuning(o: OpenSslStyleOptions, provider: CryptoProvider, policy: Policy | undefined): Partial<CommonOptions> {
  const out: { cipherSuites?: CipherSuiteName[]; groups?: GroupName[]; signatureSchemes?: SignatureSchemeName[] } = {};
  for (const [option, tuning] of [["ciphers", "cipherSuites"], ["ecdhCurve", "groups"], ["sigalgs", "signatureSchemes"]] as const) {
    if (o[option] !== undefined && o.tls?.[tuning] !== undefined) throw new ConfigError(`${option} and tls.${tuning} say the same thing: pass one`, option);
  }
  if (o.ciphers !== undefined) {
    const named = suitesFromCiphers(o.ciphers);
    // As node:tls: a version whose suites the string does not name keeps its default suites.
    const defaults = named.tls13.length === 0 || named.tls12.length === 0 ? buildCommon({ provider, ...(policy ? { policy } : {}), ...versionsOf(o) }).cipherSuites : [];
    const byVersion = (v: TlsVersionName): CipherSuiteName[] => defaults.filter((s) => s.versions[0] === v).map((s) => s.name);
    out.cipherSuites = [...(named.tls13.length > 0 ? named.tls13 : byVersion("TLSv1.3")), ...(named.tls12.length > 0 ? named.tls12 : byVersion("TLSv1.2"))];
  }
  const groups = o.ecdhCurve === undefined ? undefined : groupsFromEcdhCurve(o.ecdhCurve);
  if (groups !== undefined) out.groups = groups;
  if (o.sigalgs !== undefined) out.signatureSchemes = schemesFromSigalgs(o.sigalgs);
  return out;
}

const versionsOf = (o: OpenSslStyleOptions): { minVersion?: TlsVersionName; maxVersion?: TlsVersionName } => ({
  ...(o.minVersion ? { minVersion: o.minVersion } : {}),
  ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
});
