// Judges certificates against a policy: the key (type and size) and the signature algorithm of each
// certificate in a chain, in the shape audit reports print.
import { describeSpki } from "../crypto/keyinfo.js";
import { parseCertificate } from "../verify/certificate.js";
import { SignatureOid, signatureAlgorithmFor } from "../verify/algorithms.js";
import { toHex } from "../codec/bytes.js";
import { type Judgement, type Policy, judgeKey } from "./policies.js";

export interface CertificateAudit {
  readonly position: number;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly selfSigned: boolean;
  readonly key: { readonly name: string } & Judgement;
  readonly signature: { readonly name: string } & Judgement;
}

const OID_NAMES: Readonly<Record<string, string>> = {
  [SignatureOid.sha1WithRSAEncryption]: "sha1WithRSAEncryption",
  [SignatureOid.sha256WithRSAEncryption]: "sha256WithRSAEncryption",
  [SignatureOid.sha384WithRSAEncryption]: "sha384WithRSAEncryption",
  [SignatureOid.sha512WithRSAEncryption]: "sha512WithRSAEncryption",
  [SignatureOid.ecdsaWithSha1]: "ecdsa-with-SHA1",
  [SignatureOid.ecdsaWithSha256]: "ecdsa-with-SHA256",
  [SignatureOid.ecdsaWithSha384]: "ecdsa-with-SHA384",
  [SignatureOid.ecdsaWithSha512]: "ecdsa-with-SHA512",
  [SignatureOid.ed25519]: "ed25519",
  "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
};

/** The report name of a certificate's signature algorithm ("rsassa-pss-sha256" for PSS by its hash). */
export function certificateSignatureName(cert: ReturnType<typeof parseCertificate>): string {
  if (cert.signatureAlgorithm.oid === SignatureOid.rsassaPss) {
    const alg = signatureAlgorithmFor(cert);
    return alg && alg.type === "rsa-pss" ? `rsassa-pss-${alg.hash.replace("-", "").toLowerCase()}` : "rsassa-pss (unsupported parameters)";
  }
  return OID_NAMES[cert.signatureAlgorithm.oid] ?? `oid ${cert.signatureAlgorithm.oid}`;
}

export function auditChain(chain: readonly Uint8Array[], policy: Policy): CertificateAudit[] {
  return chain.map((der, position) => {
    const cert = parseCertificate(der, position);
    let keyInfo: { type: string; curve?: string; modulusBits?: number };
    try {
      keyInfo = describeSpki(cert.spki);
    } catch {
      keyInfo = { type: "unknown" };
    }
    const selfSigned = toHex(cert.subjectDer) === toHex(cert.issuerDer);
    const sigName = certificateSignatureName(cert);
    const sig = policy.judge("certificate_signature", sigName);
    return {
      position,
      subject: cert.subject,
      issuer: cert.issuer,
      serialNumber: cert.serialNumber,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      selfSigned,
      key: judgeKey(policy, keyInfo),
      // A trust anchor's own signature is never checked, so its algorithm cannot weaken the path.
      signature: selfSigned && position > 0
        ? { name: sigName, decision: "allowed", rule: "self-signed trust anchor: its signature is not relied upon", reference: "RFC 5280 §6.1" }
        : { name: sigName, ...sig },
    };
  });
}
