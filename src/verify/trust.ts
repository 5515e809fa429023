// Trust anchors: certificates from PEM or DER, parsed once and indexed by subject. The verifier
// accepts raw arrays too; those are cached per array (configurations reuse theirs) and per entry.
import { equalBytes, toHex } from "../codec/bytes.js";
import { decodePem } from "../codec/pem.js";
import { ConfigError } from "../errors.js";
import { type Certificate, parseCertificate } from "./certificate.js";

/** A certificate as PEM text (any number of CERTIFICATE blocks) or DER bytes. */
export type CertificateSource = string | Uint8Array;

export class TrustStore {
  readonly anchors: readonly Certificate[];
  private readonly bySubjectHex = new Map<string, Certificate[]>();

  constructor(anchors: readonly Certificate[]) {
    const unique: Certificate[] = [];
    for (const cert of anchors) {
      const key = toHex(cert.subjectDer);
      const same = this.bySubjectHex.get(key) ?? [];
      if (same.some((c) => equalBytes(c.der, cert.der))) continue;
      same.push(cert);
      this.bySubjectHex.set(key, same);
      unique.push(cert);
    }
    this.anchors = unique;
  }

  /** Anchors whose subject is byte-for-byte `subjectDer`. */
  bySubject(subjectDer: Uint8Array): readonly Certificate[] {
    return this.bySubjectHex.get(toHex(subjectDer)) ?? [];
  }

  /** Whether exactly this certificate is an anchor. */
  contains(cert: Certificate): boolean {
    return this.bySubject(cert.subjectDer).some((a) => equalBytes(a.der, cert.der));
  }
}

export interface TrustStoreOptions {
  /** Skip entries that are not certificates instead of throwing ConfigError (default false). */
  readonly skipInvalid?: boolean;
}

/**
 * Builds a TrustStore from PEM text(s) and/or DER certificates. A malformed entry is a ConfigError
 * naming its index, unless `skipInvalid` is set.
 */
export function createTrustStore(input: CertificateSource | readonly CertificateSource[], options: TrustStoreOptions = {}): TrustStore {
  const items: readonly CertificateSource[] = typeof input === "string" || input instanceof Uint8Array ? [input] : input;
  const anchors: Certificate[] = [];
  items.forEach((item, index) => {
    for (const der of derOf(item, index, options.skipInvalid === true)) {
      const cert = parsedAnchor(der);
      if (cert !== null) anchors.push(cert);
      else if (!options.skipInvalid) throw new ConfigError(`roots[${index}]: not a parseable X.509 certificate`, `roots[${index}]`);
    }
  });
  return new TrustStore(anchors);
}

function derOf(item: CertificateSource, index: number, skip: boolean): Uint8Array[] {
  if (item instanceof Uint8Array) {
    const head = String.fromCharCode(...item.subarray(0, 64));
    if (!/^\s*-----BEGIN /.test(head)) return [item];
    item = new TextDecoder().decode(item);
  }
  if (typeof item !== "string") {
    if (skip) return [];
    throw new ConfigError(`roots[${index}]: expected PEM text or DER bytes`, `roots[${index}]`);
  }
  try {
    const all = decodePem(item);
    // OpenSSL's TRUSTED CERTIFICATE appends trust settings (which may restrict the anchor) that
    // fipstls would not apply; refusing them is safer than silently widening trust.
    if (all.some((b) => b.label === "TRUSTED CERTIFICATE") && !skip) {
      throw new ConfigError(`roots[${index}]: TRUSTED CERTIFICATE blocks are not supported; convert them with "openssl x509"`, `roots[${index}]`);
    }
    const blocks = all.filter((b) => b.label === "CERTIFICATE");
    if (blocks.length === 0 && !skip) throw new ConfigError(`roots[${index}]: no PEM CERTIFICATE block`, `roots[${index}]`);
    return blocks.map((b) => b.der);
  } catch (e) {
    if (skip) return [];
    throw e instanceof ConfigError ? e : new ConfigError(`roots[${index}]: ${(e as Error).message}`, `roots[${index}]`);
  }
}

// Parsed anchors, keyed by the caller's bytes (the same arrays come back on every handshake).
const anchorCache = new WeakMap<Uint8Array, Certificate | null>();

function parsedAnchor(der: Uint8Array): Certificate | null {
  let cert = anchorCache.get(der);
  if (cert === undefined) {
    try {
      cert = parseCertificate(der);
    } catch {
      cert = null;
    }
    anchorCache.set(der, cert);
  }
  return cert;
}

export type TrustAnchors = TrustStore | CertificateSource | readonly CertificateSource[];

const storeCache = new WeakMap<readonly CertificateSource[], TrustStore>();
const PEM_STORE_CACHE_LIMIT = 32;
const pemStoreCache = new Map<string, TrustStore>();

/**
 * The verifier's view of `roots`. Entries that do not parse are skipped: they can anchor nothing,
 * and configuration (createTrustStore) is the place to complain about them.
 */
export function toTrustStore(roots: TrustAnchors): TrustStore {
  if (roots instanceof TrustStore) return roots;
  if (typeof roots === "string") {
    // PEM text is immutable, so the same text (a `ca` option passed on every connect) is parsed once.
    let cached = pemStoreCache.get(roots);
    if (cached === undefined) {
      cached = createTrustStore(roots, { skipInvalid: true });
      if (pemStoreCache.size >= PEM_STORE_CACHE_LIMIT) pemStoreCache.delete(pemStoreCache.keys().next().value!);
      pemStoreCache.set(roots, cached);
    }
    return cached;
  }
  if (roots instanceof Uint8Array) return createTrustStore(roots, { skipInvalid: true });
  if (!Array.isArray(roots)) throw new ConfigError("roots must be a TrustStore, PEM text, DER bytes or an array of those", "roots");
  let store = storeCache.get(roots);
  if (store === undefined) {
    store = createTrustStore(roots, { skipInvalid: true });
    // Arrays may be mutated by their owner; only frozen ones are safe to remember.
    if (Object.isFrozen(roots)) storeCache.set(roots, store);
  }
  return store;
}
