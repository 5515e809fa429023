// node:tls's codes for failures it shares with fipstls, so that code written against node:tls keeps
// matching: a received alert is OpenSSL's reason for it (ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE, …,
// as Node 22 and 24 with OpenSSL 3.5 name them; Node 20's OpenSSL 3.0 said SSLV3_ALERT_ where 3.5 says SSL/TLS_ALERT_),
// a certificate check is OpenSSL's verify error (CERT_HAS_EXPIRED, …) or node's own
// (ERR_TLS_CERT_ALTNAME_INVALID). Checks OpenSSL does not make keep a fipstls code.
import type { CertificateErrorReason, CertificatePlace } from "./errors.js";
import type { PeerMisbehavedReason } from "./error-reasons.js";
import { AlertDescription, type AlertName } from "./alerts.js";

/** OpenSSL's reason for each alert, uppercased as node turns it into a code. */
const ALERT_REASON: Partial<Record<AlertName, string>> = {
  unexpected_message: "SSL/TLS_ALERT_UNEXPECTED_MESSAGE",
  bad_record_mac: "SSL/TLS_ALERT_BAD_RECORD_MAC",
  handshake_failure: "SSL/TLS_ALERT_HANDSHAKE_FAILURE",
  bad_certificate: "SSL/TLS_ALERT_BAD_CERTIFICATE",
  unsupported_certificate: "SSL/TLS_ALERT_UNSUPPORTED_CERTIFICATE",
  certificate_revoked: "SSL/TLS_ALERT_CERTIFICATE_REVOKED",
  certificate_expired: "SSL/TLS_ALERT_CERTIFICATE_EXPIRED",
  certificate_unknown: "SSL/TLS_ALERT_CERTIFICATE_UNKNOWN",
  illegal_parameter: "SSL/TLS_ALERT_ILLEGAL_PARAMETER",
  record_overflow: "TLSV1_ALERT_RECORD_OVERFLOW",
  unknown_ca: "TLSV1_ALERT_UNKNOWN_CA",
  access_denied: "TLSV1_ALERT_ACCESS_DENIED",
  decode_error: "TLSV1_ALERT_DECODE_ERROR",
  decrypt_error: "TLSV1_ALERT_DECRYPT_ERROR",
  protocol_version: "TLSV1_ALERT_PROTOCOL_VERSION",
  insufficient_security: "TLSV1_ALERT_INSUFFICIENT_SECURITY",
  internal_error: "TLSV1_ALERT_INTERNAL_ERROR",
  inappropriate_fallback: "TLSV1_ALERT_INAPPROPRIATE_FALLBACK",
  user_canceled: "TLSV1_ALERT_USER_CANCELLED",
  no_renegotiation: "TLSV1_ALERT_NO_RENEGOTIATION",
  missing_extension: "TLSV13_ALERT_MISSING_EXTENSION",
  unsupported_extension: "TLSV1_UNSUPPORTED_EXTENSION",
  unrecognized_name: "TLSV1_UNRECOGNIZED_NAME",
  bad_certificate_status_response: "TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE",
  unknown_psk_identity: "TLSV1_ALERT_UNKNOWN_PSK_IDENTITY",
  certificate_required: "TLSV13_ALERT_CERTIFICATE_REQUIRED",
  no_application_protocol: "TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
};

/** node:tls's code for an alert the peer sent, by its description. */
export function receivedAlertCode(description: number): string {
  const name = (Object.keys(AlertDescription) as AlertName[]).find((n) => AlertDescription[n] === description);
  const reason = name === undefined ? undefined : ALERT_REASON[name];
  return reason === undefined ? "ERR_FIPSTLS_ALERT_RECEIVED" : `ERR_SSL_${reason}`;
}

const CERTIFICATE_CODE: Partial<Record<CertificateErrorReason, string>> = {
  NotValidForName: "ERR_TLS_CERT_ALTNAME_INVALID",
  Expired: "CERT_HAS_EXPIRED",
  NotValidYet: "CERT_NOT_YET_VALID",
  BadSignature: "CERT_SIGNATURE_FAILURE",
  EndEntityUsedAsCa: "INVALID_CA",
  InvalidPurpose: "INVALID_PURPOSE",
  PathLenConstraintViolated: "PATH_LENGTH_EXCEEDED",
  Revoked: "CERT_REVOKED",
  UnknownCriticalExtension: "UNHANDLED_CRITICAL_EXTENSION",
  MaximumPathDepthExceeded: "CERT_CHAIN_TOO_LONG",
  UnknownRevocationStatus: "UNABLE_TO_GET_CRL",
  ExpiredRevocationList: "CRL_HAS_EXPIRED",
  // What node:tls's server reports for a client that sent no certificate (requestCert, rejectUnauthorized: false).
  NoCertificate: "UNABLE_TO_GET_ISSUER_CERT",
};

/**
 * node:tls's code for a failed certificate check. An unknown issuer is told apart as OpenSSL does: a
 * self-signed leaf, a self-signed certificate further up, a lone leaf, or a missing issuer higher up.
 */
export function certificateErrorCode(reason: CertificateErrorReason, at: CertificatePlace): string {
  if (reason === "UnknownIssuer") {
    if (at.selfIssued) return at.position === 0 ? "DEPTH_ZERO_SELF_SIGNED_CERT" : "SELF_SIGNED_CERT_IN_CHAIN";
    return at.position === 0 ? "UNABLE_TO_VERIFY_LEAF_SIGNATURE" : "UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
  }
  if (reason === "WeakKey") return at.position === 0 ? "EE_KEY_TOO_SMALL" : "CA_KEY_TOO_SMALL";
  return CERTIFICATE_CODE[reason] ?? "ERR_FIPSTLS_INVALID_CERTIFICATE";
}

/** The protocol failures node:tls (OpenSSL) names itself; every other one is ERR_FIPSTLS_PEER_MISBEHAVED. */
export const PEER_MISBEHAVED_CODE: Readonly<Partial<Record<PeerMisbehavedReason, string>>> = {
  HttpRequest: "ERR_SSL_HTTP_REQUEST",
  HttpsProxyRequest: "ERR_SSL_HTTPS_PROXY_REQUEST",
};

export function peerMisbehavedCode(reason: PeerMisbehavedReason): string {
  return PEER_MISBEHAVED_CODE[reason] ?? "ERR_FIPSTLS_PEER_MISBEHAVED";
}
