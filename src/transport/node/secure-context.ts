// createSecureContext(): node:tls's reusable bundle of our certificate, key and trust anchors. Built
// once: the key (decrypted, for pfx or an encrypted key) per provider and policy, the trust store on
// first use; connect({ secureContext }), createServer({ secureContext }), SNICallback, addContext() and
// setSecureContext() all take it. node:tls's own SecureContext wraps OpenSSL objects whose keys cannot
// be read, so one given to fipstls is refused with that reason.
import type { CryptoProvider } from "../../crypto/provider.js";
import { type CredentialOptions, keyMaterial } from "../../config/credentials.js";
import { ConfigError } from "../../errors.js";
import { type Policy, policyByName } from "../../policy/policies.js";
import { type TrustStore, toTrustStore } from "../../verify/trust.js";
import { credentialOptions } from "./credentials.js";
import { type SecureContextOptions, SUPPORTED_SERVER_OPTIONS, checkOptions } from "./options.js";
import { nodeTls as tls } from "../../../providers/node/builtins.js";

export const CONTEXT_OPTIONS: Readonly<Record<string, string>> = {
  cert: SUPPORTED_SERVER_OPTIONS.cert!,
  key: SUPPORTED_SERVER_OPTIONS.key!,
  passphrase: SUPPORTED_SERVER_OPTIONS.passphrase!,
  pfx: SUPPORTED_SERVER_OPTIONS.pfx!,
  ca: SUPPORTED_SERVER_OPTIONS.ca!,
  crl: SUPPORTED_SERVER_OPTIONS.crl!,
};

/** The options a secureContext replaces: giving both would leave one of them silently unused. */
export const CONTEXT_KEYS: readonly string[] = Object.keys(CONTEXT_OPTIONS);

type KeyMaterial = { certificateChain: readonly Uint8Array[]; privateKey: Uint8Array };

/** A certificate, key and trust anchors, read once and shared by every connection and server that uses it. */
export class SecureContext {
  readonly fipstls = true;
  /** CRLs the peer's chain is checked against. */
  readonly crl: SecureContextOptions["crl"];
  // Runtime-private (#), so that logging a context shows no key or passphrase.
  readonly #ca: SecureContextOptions["ca"];
  readonly #credentials: Partial<CredentialOptions>;
  readonly #decrypted = new WeakMap<CryptoProvider, Map<string, Promise<KeyMaterial>>>();
  #roots: TrustStore | undefined;

  constructor(options: SecureContextOptions) {
    checkOptions(options, CONTEXT_OPTIONS, "createSecureContext");
    this.#credentials = credentialOptions(options);
    this.#ca = options.ca;
    this.crl = options.crl;
  }

  /** node:tls's handle to its native context; here the context itself, so code that hands `.context` on keeps working. */
  get context(): this {
    return this;
  }

  /** Whether it holds a certificate and key (a client's context may hold only trust anchors). */
  get hasCredentials(): boolean {
    return Object.keys(this.#credentials).length > 0;
  }

  /** The chain and key as the config builder takes them, decrypted once per provider and policy. */
  credentialsFor(provider: CryptoProvider, policy: Policy | undefined): Promise<Partial<CredentialOptions>> {
    if (!this.hasCredentials) return Promise.resolve({});
    const judge = policy ?? policyByName("default");
    let byPolicy = this.#decrypted.get(provider);
    if (byPolicy === undefined) this.#decrypted.set(provider, (byPolicy = new Map()));
    let material = byPolicy.get(judge.id);
    if (material === undefined) {
      material = keyMaterial(this.#credentials, { provider, policy: judge }).then(({ chain, pkcs8 }) => ({ certificateChain: chain, privateKey: pkcs8 }));
      // A failure is reported to each user of the context, and a later one tries again.
      material.catch(() => byPolicy.delete(judge.id));
      byPolicy.set(judge.id, material);
    }
    return material;
  }

  /** `ca` as a TrustStore, parsed on first use; undefined without ca. */
  trustStore(): TrustStore | undefined {
    if (this.#ca === undefined) return undefined;
    this.#roots ??= toTrustStore(this.#ca as Parameters<typeof toTrustStore>[0]);
    return this.#roots;
  }
}

export function createSecureContext(options: SecureContextOptions = {}): SecureContext {
  return new SecureContext(options);
}

/**
 * A fipstls SecureContext from what an application passed: one of ours, or plain options. node:tls's
 * SecureContext (from tls.createSecureContext()) is refused: its key lives inside OpenSSL and cannot be read.
 */
export function contextFrom(value: unknown, what: string): SecureContext {
  if (value instanceof SecureContext) return value;
  if (isNodeSecureContext(value)) {
    throw new ConfigError(
      `${what}: a node:tls SecureContext (tls.createSecureContext()) holds its key inside OpenSSL, where fipstls cannot read it; use fipstls's createSecureContext() with the same cert, key (or pfx) and ca`,
      what,
    );
  }
  if (value === null || typeof value !== "object") throw new ConfigError(`${what}: expected createSecureContext()'s result or { cert, key } / { pfx }`, what);
  return new SecureContext(value as SecureContextOptions);
}

// node:tls exports its SecureContext class at runtime (Node 20 to 24), though @types/node declares only an interface.
const NodeSecureContext = (tls as unknown as { SecureContext?: abstract new (...args: never[]) => object }).SecureContext;

/** A context made by node:tls's createSecureContext(): by class where node exports it, else by its native handle. */
export function isNodeSecureContext(value: unknown): boolean {
  if (value === null || typeof value !== "object" || value instanceof SecureContext) return false;
  if (NodeSecureContext !== undefined && value instanceof NodeSecureContext) return true;
  const handle = (value as { context?: unknown }).context;
  return handle !== null && typeof handle === "object" && handle.constructor?.name === "SecureContext";
}

/**
 * `options` with its cert, key, pfx, passphrase, ca and crl made into one SecureContext, for agents
 * that connect many times with the same options: the key is then decrypted and the ca parsed once.
 * Options that already carry a secureContext, or none of those, come back as they are.
 */
export function withSharedContext<T extends { secureContext?: SecureContext }>(options: T): T {
  const record = options as Record<string, unknown>;
  const given = CONTEXT_KEYS.filter((k) => record[k] !== undefined);
  if (options.secureContext !== undefined || given.length === 0) return options;
  const rest = Object.fromEntries(Object.entries(record).filter(([k]) => !CONTEXT_KEYS.includes(k)));
  return { ...rest, secureContext: new SecureContext(Object.fromEntries(given.map((k) => [k, record[k]]))) } as T;
}
