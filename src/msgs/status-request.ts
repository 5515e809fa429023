// status_request (RFC 6066 section 8): the client's CertificateStatusRequest, and the CertificateStatus
// a TLS 1.3 server puts in the leaf's CertificateEntry (RFC 8446 4.4.2.1), the same struct as TLS
// 1.2's CertificateStatus message (msgs/tls12.ts).
import { Writer } from "../codec/writer.js";
import { CERTIFICATE_STATUS_OCSP, decodeCertificateStatus, encodeCertificateStatus } from "./tls12.js";
import { decodeExtension } from "./extensions.js";

export { decodeCertificateStatus, encodeCertificateStatus };

/** status_type ocsp with no responder ids and no request extensions: "staple what you have". */
export const encodeStatusRequest = (): Uint8Array => new Writer().u8(CERTIFICATE_STATUS_OCSP).u16(0).u16(0).finish();

/**
 * Whether a ClientHello's status_request asks for an OCSP response. Other status types (ocsp_multi
 * is RFC 6961's, in its own extension) have bodies we do not know and are simply not answered.
 */
export const decodeStatusRequest = (data: Uint8Array): boolean =>
  decodeExtension(data, "status_request", (r) => {
    const type = r.u8();
    if (type !== CERTIFICATE_STATUS_OCSP) {
      r.rest();
      return false;
    }
    r.vec16(); // responder_id_list: we staple one response whoever the client trusts
    r.vec16(); // request_extensions (a nonce, say) cannot apply to a stapled response
    return true;
  });
