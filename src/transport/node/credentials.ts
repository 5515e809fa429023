// node:tls's ways of giving our certificate and key (cert and key, an encrypted key with its
// passphrase, key: [{ pem, passphrase }], or pfx: a PKCS#12 file, with a passphrase or as
// [{ buf, passphrase }]) translated into the config builder's credential options. fipstls serves one
// chain and one key per context, so several keys or files are refused with what to use instead.
import type { CredentialOptions } from "../../config/credentials.js";
import { ConfigError } from "../../errors.js";
import type { PemInput } from "./options.js";

/** A private key as node:tls takes it: PEM or DER, or { pem, passphrase } for an encrypted one. */
export type KeyObjectInput = { readonly pem: string | Uint8Array; readonly passphrase?: string };
export type KeyInput = string | Uint8Array | readonly (string | Uint8Array | KeyObjectInput)[];
/** A PKCS#12 file's bytes, or node:tls's [{ buf, passphrase }]. */
export type PfxObjectInput = { readonly buf: Uint8Array; readonly passphrase?: string };
export type PfxInput = Uint8Array | readonly (Uint8Array | PfxObjectInput)[];

/** The node:tls options that carry our credentials. */
export interface CredentialInputs {
  cert?: PemInput;
  key?: KeyInput;
  /** Decrypts an ENCRYPTED PRIVATE KEY given as key, and pfx (unless an entry has its own). */
  passphrase?: string;
  pfx?: PfxInput;
}

/** The credential options for the config builder; empty when none of cert, key and pfx is given. */
export function credentialOptions(o: CredentialInputs): Partial<CredentialOptions> {
  if (o.passphrase !== undefined && typeof o.passphrase !== "string") throw new ConfigError("passphrase must be a string", "passphrase");
  if (o.pfx !== undefined) {
    if (o.cert !== undefined || o.key !== undefined) {
      throw new ConfigError("pfx holds the certificate and key: give either pfx or cert and key (fipstls serves one chain per context; use SNICallback or addContext for more)", "pfx");
    }
    const { buf, passphrase } = onePfx(o.pfx);
    const secret = passphrase ?? o.passphrase;
    return { pkcs12: { der: buf, ...(secret !== undefined ? { passphrase: secret } : {}) } };
  }
  const out: Partial<CredentialOptions> = {};
  if (o.cert !== undefined) out.certificateChain = o.cert;
  if (o.key !== undefined) {
    const { key, passphrase } = oneKey(o.key);
    out.privateKey = key;
    const secret = passphrase ?? o.passphrase;
    if (secret !== undefined) out.privateKeyPassphrase = secret;
  }
  return out;
}

/** One private key: node:tls also takes arrays (one key per chain); fipstls serves one chain per context. */
function oneKey(key: KeyInput): { key: string | Uint8Array; passphrase?: string } {
  const only = typeof key === "string" || key instanceof Uint8Array ? key : Array.isArray(key) && key.length === 1 ? (key[0] as unknown) : undefined;
  if (typeof only === "string" || only instanceof Uint8Array) return { key: only };
  if (only !== null && typeof only === "object" && "pem" in only) {
    const { pem, passphrase } = only as KeyObjectInput;
    if (typeof pem !== "string" && !(pem instanceof Uint8Array)) throw new ConfigError("key: { pem } must be PEM text or a Buffer", "key");
    if (passphrase !== undefined && typeof passphrase !== "string") throw new ConfigError("key: { passphrase } must be a string", "passphrase");
    return { key: pem, ...(passphrase !== undefined ? { passphrase } : {}) };
  }
  throw new ConfigError("key: exactly one private key (PEM, DER or { pem, passphrase }) is supported; serve other certificates through SNICallback", "key");
}

function onePfx(pfx: PfxInput): PfxObjectInput {
  const only = pfx instanceof Uint8Array ? pfx : Array.isArray(pfx) && pfx.length === 1 ? (pfx[0] as unknown) : undefined;
  if (only instanceof Uint8Array) return { buf: only };
  if (only !== null && typeof only === "object" && "buf" in only) {
    const { buf, passphrase } = only as PfxObjectInput;
    if (!(buf instanceof Uint8Array)) throw new ConfigError("pfx: { buf } must be the file's bytes (a Buffer)", "pfx");
    if (passphrase !== undefined && typeof passphrase !== "string") throw new ConfigError("pfx: { passphrase } must be a string", "passphrase");
    return { buf, ...(passphrase !== undefined ? { passphrase } : {}) };
  }
  if (typeof only === "string" || typeof pfx === "string") {
    throw new ConfigError('pfx must be the PKCS#12 file\'s bytes (a Buffer from readFileSync), not a string; for base64 text use Buffer.from(text, "base64")', "pfx");
  }
  throw new ConfigError("pfx: exactly one PKCS#12 file (a Buffer or { buf, passphrase }) is supported; serve other certificates through SNICallback", "pfx");
}
