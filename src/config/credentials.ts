// Our own certificate chain and private key, checked against each other at build time.
import type { SigningKey } from "../crypto/provider.js";
import { ConfigError, KeyFileError } from "../errors.js";
import { equalBytes, fromUtf8, utf8 } from "../codec/bytes.js";
import { decodePem } from "../codec/pem.js";
import { decryptPrivateKeyInfo, malformed } from "./pbes2.js";
import { readPkcs12 } from "./pkcs12.js";
import { describeSpki, importPrivateKeyPem } from "../crypto/keyinfo.js";
import { parseCertificate } from "../verify/certificate.js";
import { keyCanSign } from "../suites/signature-schemes.js";
import { auditChain } from "../policy/certificates.js";
import { type CommonConfig, certificatesFrom, pemText } from "./common.js";

export interface CredentialOptions {
  /** Leaf first, then intermediates: PEM text or DER. Required unless `pkcs12` is given. */
  certificateChain?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** PEM (PKCS#8, SEC1, PKCS#1, or ENCRYPTED PRIVATE KEY with `privateKeyPassphrase`) or DER PKCS#8. */
  privateKey?: string | Uint8Array;
  /** Decrypts an ENCRYPTED PRIVATE KEY (PBES2: PBKDF2 and AES-CBC); a string is used as its UTF-8 bytes. */
  privateKeyPassphrase?: string | Uint8Array;
  /** A PKCS#12 file (DER) holding the key and its chain, instead of certificateChain and privateKey. */
  pkcs12?: { readonly der: Uint8Array; readonly passphrase?: string | Uint8Array };
}

export interface Credentials {
  readonly chain: readonly Uint8Array[];
  readonly key: SigningKey;
}

export async function loadCredentials(o: CredentialOptions, common: CommonConfig): Promise<Credentials> {
  const { chain, pkcs8 } = await keyMaterial(o, common);
  let key: SigningKey;
  try {
    key = await common.provider.signingKey(pkcs8);
  } catch (e) {
    throw new ConfigError(`privateKey could not be imported by provider "${common.provider.name}": ${(e as Error).message}`, "privateKey");
  }
  let leafSpki: Uint8Array;
  try {
    leafSpki = parseCertificate(chain[0]!).spki;
  } catch (e) {
    throw new ConfigError(`certificateChain: leaf certificate does not parse: ${(e as Error).message}`, "certificateChain");
  }
  // Compare key material, not SPKI bytes: an RSA-PSS certificate may carry parameters the key file lacks.
  if (!equalBytes(describeSpki(leafSpki).publicKey, describeSpki(key.spki).publicKey)) {
    throw new ConfigError("privateKey does not match the leaf certificate's public key", "privateKey");
  }
  let audited: ReturnType<typeof auditChain>;
  try {
    audited = auditChain(chain, common.policy);
  } catch (e) {
    throw new ConfigError(`certificateChain: ${(e as Error).message}`, "certificateChain");
  }
  for (const c of audited) {
    if (c.position === 0 && c.key.decision === "refused") {
      throw new ConfigError(`certificateChain: the leaf's ${c.key.name} key is refused by policy ${common.policy.id}: ${c.key.rule} (${c.key.reference})`, "certificateChain");
    }
    if (c.signature.decision === "refused") {
      throw new ConfigError(
        `certificateChain: certificate ${c.position} (${c.subject}) is signed with ${c.signature.name}, refused by policy ${common.policy.id}: ${c.signature.rule} (${c.signature.reference})`,
        "certificateChain",
      );
    }
  }
  if (!common.signatureSchemes.some((s) => keyCanSign(key, s))) {
    throw new ConfigError(`no enabled signature scheme can be made with this ${key.type} key${key.curve ? ` on ${key.curve}` : ""}`, "privateKey");
  }
  return { chain, key };
}

/**
 * The chain and the key as DER PKCS#8: from a PKCS#12 file, or from certificateChain and privateKey
 * (decrypted if need be, by `common.provider` and as `common.policy` allows). Exported so that a
 * context reused by many connections decrypts once.
 */
export async function keyMaterial(o: CredentialOptions, common: Pick<CommonConfig, "provider" | "policy">): Promise<{ chain: readonly Uint8Array[]; pkcs8: Uint8Array }> {
  if (o.pkcs12 !== undefined) {
    if (o.certificateChain !== undefined || o.privateKey !== undefined) throw new ConfigError("pkcs12 holds the chain and key: give either pkcs12 or certificateChain and privateKey", "pkcs12");
    if (!(o.pkcs12.der instanceof Uint8Array)) throw new ConfigError("pkcs12: the file's bytes (DER) are required", "pkcs12");
    const passphrase = o.pkcs12.passphrase === undefined ? null : typeof o.pkcs12.passphrase === "string" ? o.pkcs12.passphrase : fromUtf8(o.pkcs12.passphrase);
    return readPkcs12(o.pkcs12.der, passphrase, { provider: common.provider, policy: common.policy, item: "pfx" });
  }
  if (o.certificateChain === undefined) throw new ConfigError("certificateChain (or pkcs12) is required", "certificateChain");
  const chain = certificatesFrom(o.certificateChain, "certificateChain");
  if (chain.length === 0) throw new ConfigError("certificateChain is empty", "certificateChain");
  if (o.privateKey === undefined) throw new ConfigError("privateKey is required with certificateChain", "privateKey");
  const text = typeof o.privateKey === "string" ? o.privateKey : pemText(o.privateKey);
  const encrypted = text === null ? null : encryptedKeyOf(text);
  if (encrypted !== null) {
    if (o.privateKeyPassphrase === undefined) throw new KeyFileError("PassphraseRequired", "privateKey is encrypted: pass its passphrase", "passphrase");
    const password = typeof o.privateKeyPassphrase === "string" ? utf8(o.privateKeyPassphrase) : o.privateKeyPassphrase;
    try {
      return { chain, pkcs8: await decryptPrivateKeyInfo(encrypted, password, { provider: common.provider, policy: common.policy, item: "key" }) };
    } catch (e) {
      throw malformed(e, "key");
    }
  }
  try {
    return { chain, pkcs8: text === null ? new Uint8Array(o.privateKey as Uint8Array) : importPrivateKeyPem(text) };
  } catch (e) {
    throw new ConfigError(`privateKey: ${(e as Error).message}`, "privateKey");
  }
}

/** The DER of an ENCRYPTED PRIVATE KEY block, or null for a plain key; refuses OpenSSL's older PEM encryption. */
function encryptedKeyOf(text: string): Uint8Array | null {
  if (/Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    throw new KeyFileError(
      "LegacyAlgorithm",
      "privateKey uses OpenSSL's traditional PEM encryption (Proc-Type/DEK-Info, MD5-based key derivation), which fipstls does not read; convert it: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256",
      "key",
    );
  }
  if (!text.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----")) return null;
  try {
    return decodePem(text).find((b) => b.label === "ENCRYPTED PRIVATE KEY")!.der;
  } catch (e) {
    throw new ConfigError(`privateKey: ${(e as Error).message}`, "privateKey");
  }
}
