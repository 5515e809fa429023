// Maps a certificate's signatureAlgorithm to the provider's SignatureAlgorithm. SHA-1, MD5 and anything
// unrecognised map to null: the caller reports UnsupportedSignatureAlgorithm.
import type { HashAlgorithm, SignatureAlgorithm } from "../crypto/provider.js";
import { type DerNode, DerError, Tag, isContext, isUniversal, oid, parseDer, sequence, smallUint } from "./der.js";

export interface AlgorithmIdentifier {
  readonly oid: string;
  /** DER of the parameters element; absent when the encoding omits it. */
  readonly parameters?: Uint8Array;
}

export const SignatureOid = {
  sha1WithRSAEncryption: "1.2.840.113549.1.1.5",
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  rsassaPss: "1.2.840.113549.1.1.10",
  ecdsaWithSha1: "1.2.840.10045.4.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  ed25519: "1.3.101.112",
} as const;

const MGF1 = "1.2.840.113549.1.1.8";

const RSA_PKCS1: Readonly<Record<string, HashAlgorithm>> = {
  [SignatureOid.sha256WithRSAEncryption]: "SHA-256",
  [SignatureOid.sha384WithRSAEncryption]: "SHA-384",
  [SignatureOid.sha512WithRSAEncryption]: "SHA-512",
};

const ECDSA: Readonly<Record<string, HashAlgorithm>> = {
  [SignatureOid.ecdsaWithSha256]: "SHA-256",
  [SignatureOid.ecdsaWithSha384]: "SHA-384",
  [SignatureOid.ecdsaWithSha512]: "SHA-512",
};

const HASHES: Readonly<Record<string, HashAlgorithm>> = {
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

// A bound far above any real salt (hash length is the norm) that keeps providers out of trouble.
const MAX_SALT = 1024;

export function signatureAlgorithmFor(cert: { readonly signatureAlgorithm: AlgorithmIdentifier }): SignatureAlgorithm | null {
  return signatureAlgorithmFromIdentifier(cert.signatureAlgorithm);
}

export function signatureAlgorithmFromIdentifier(alg: AlgorithmIdentifier): SignatureAlgorithm | null {
  const rsaHash = RSA_PKCS1[alg.oid];
  // RFC 4055 says NULL; absent parameters are seen in the wild and mean the same.
  if (rsaHash !== undefined) return nullOrAbsent(alg.parameters) ? { type: "rsa-pkcs1", hash: rsaHash } : null;
  const ecHash = ECDSA[alg.oid];
  // RFC 5758 3.2: the parameters field MUST be absent.
  if (ecHash !== undefined) return alg.parameters === undefined ? { type: "ecdsa", hash: ecHash } : null;
  if (alg.oid === SignatureOid.ed25519) return alg.parameters === undefined ? { type: "ed25519" } : null;
  if (alg.oid === SignatureOid.rsassaPss && alg.parameters !== undefined) {
    try {
      return pssParameters(parseDer(alg.parameters, "RSASSA-PSS parameters"));
    } catch (e) {
      if (e instanceof DerError) return null;
      throw e;
    }
  }
  return null;
}

function nullOrAbsent(parameters: Uint8Array | undefined): boolean {
  return parameters === undefined || (parameters.length === 2 && parameters[0] === Tag.Null && parameters[1] === 0);
}

/** A hash AlgorithmIdentifier with NULL or absent parameters (RFC 4055 2.1). */
function hashOf(node: DerNode | undefined): HashAlgorithm | null {
  const fields = sequence(node, "hash algorithm", 1, 2);
  if (fields.length === 2 && !isUniversal(fields[1], Tag.Null)) return null;
  return HASHES[oid(fields[0], "hash algorithm")] ?? null;
}

// RSASSA-PSS-params (RFC 4055 3.1). Every field defaults to SHA-1, which we refuse, so the hash and
// mask generation fields must be present; the trailer field, if present, must be 1.
function pssParameters(params: DerNode): SignatureAlgorithm | null {
  const fields = sequence(params, "RSASSA-PSS parameters", 0, 4);
  let i = 0;
  const take = (tag: number): DerNode | undefined => {
    const f = fields[i];
    if (!isContext(f, tag) || !f.constructed || f.children.length !== 1) return undefined;
    i++;
    return f.children[0];
  };
  const hashNode = take(0);
  const mgfNode = take(1);
  const saltNode = take(2);
  const trailerNode = take(3);
  if (i !== fields.length || hashNode === undefined || mgfNode === undefined) return null;
  const hash = hashOf(hashNode);
  if (hash === null) return null;
  const [mgfOid, mgfHash] = sequence(mgfNode, "mask generation function", 2, 2);
  if (oid(mgfOid, "mask generation function") !== MGF1 || hashOf(mgfHash) !== hash) return null;
  const saltLength = saltNode === undefined ? 20 : smallUint(saltNode, "saltLength");
  if (saltLength > MAX_SALT) return null;
  if (trailerNode !== undefined && smallUint(trailerNode, "trailerField") !== 1) return null;
  return { type: "rsa-pss", hash, saltLength };
}
