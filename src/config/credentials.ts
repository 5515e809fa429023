// Our own certificate chain and private key, checked against each other at build time.
import type { SigningKey } from "../crypto/provider.js";
import { ConfigError } from "../errors.js";
import { equalBytes } from "../codec/bytes.js";
import { describeSpki, importPrivateKeyPem } from "../crypto/keyinfo.js";
import { parseCertificate } from "../verify/certificate.js";
import { keyCanSign } from "../suites/signature-schemes.js";
import { auditChain } from "../policy/certificates.js";
import { type CommonConfig, certificatesFrom, pemText } from "./common.js";

export interface CredentialOptions {
  /** Leaf first, then intermediates: PEM text or DER. */
  certificateChain: string | Uint8Array | readonly (string | Uint8Array)[];
  /** PEM (PKCS#8, SEC1 or PKCS#1) or DER PKCS#8. */
  privateKey: string | Uint8Array;
}

export interface Credentials {
  readonly chain: readonly Uint8Array[];
  readonly key: SigningKey;
}

export async function loadCredentials(o: CredentialOptions, common: CommonConfig): Promise<Credentials> {
  const chain = certificatesFrom(o.certificateChain, "certificateChain");
  if (chain.length === 0) throw new ConfigError("certificateChain is empty", "certificateChain");
  if (o.privateKey === undefined) throw new ConfigError("privateKey is required with certificateChain", "privateKey");
  let pkcs8: Uint8Array;
  try {
    const text = typeof o.privateKey === "string" ? o.privateKey : pemText(o.privateKey);
    pkcs8 = text === null ? new Uint8Array(o.privateKey as Uint8Array) : importPrivateKeyPem(text);
  } catch (e) {
    throw new ConfigError(`privateKey: ${(e as Error).message}`, "privateKey");
  }
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
