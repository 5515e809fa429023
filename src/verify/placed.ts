// A certificate where it sits on a path, and the InvalidCertificate that names it: shared by the
// per-certificate checks, the profile and the name constraints.
import { equalBytes } from "../codec/bytes.js";
import { type CertificateErrorReason, InvalidCertificate } from "../errors.js";
import type { Certificate } from "./certificate.js";

/** A certificate where it sits: `position` in the chain as sent (0 = leaf), absent for anchors. */
export interface Placed {
  readonly cert: Certificate;
  readonly position?: number;
}

export function fail(reason: CertificateErrorReason, detail: string, at: Placed): InvalidCertificate {
  return new InvalidCertificate(reason, detail, {
    subject: at.cert.subject,
    selfIssued: isSelfIssued(at.cert),
    ...(at.position !== undefined ? { position: at.position } : {}),
  });
}

export function isSelfIssued(cert: Certificate): boolean {
  return equalBytes(cert.subjectDer, cert.issuerDer);
}

