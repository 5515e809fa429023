// Typed errors. Every failure caused by a peer is a TlsError naming the failed check and carrying the
// one alert we send for it (rustls's habit, DESIGN.md rule 5). Every error of fipstls has a stable
// `code` (as node's and jose's do): node:tls's own code where node has one for the same failure (a
// received alert, a certificate check, the handshake timeout), else an ERR_FIPSTLS_* code of its
// class; `reason` beside it names the exact check, from a closed list. Messages never contain secrets.
import { AlertDescription, type AlertName, alertName } from "./alerts.js";
import type { PeerIncompatibleReason, PeerMisbehavedReason } from "./error-reasons.js";
import { certificateErrorCode, peerMisbehavedCode, receivedAlertCode } from "./error-codes.js";

export type { PeerIncompatibleReason, PeerMisbehavedReason };

/** A description code outside RFC 8446's registry, as a peer may send one. */
export type UnknownAlertName = `alert(${number})`;

/** What every error fipstls throws has: a stable `code` to match on. */
export abstract class FipstlsError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export abstract class TlsError extends FipstlsError {
  /** The alert this error is reported to the peer with; for AlertReceived, the alert the peer sent. */
  readonly alert: AlertName | UnknownAlertName;
  constructor(alert: AlertName | UnknownAlertName, message: string) {
    super(message);
    this.alert = alert;
  }
  get alertCode(): number {
    const known = AlertDescription[this.alert as AlertName];
    return known ?? Number(/\d+/.exec(this.alert)![0]);
  }
}

/** The peer's bytes did not parse: bad lengths, truncated vectors, trailing data. */
export class DecodeError extends TlsError {
  readonly code = "ERR_FIPSTLS_DECODE_ERROR";
  constructor(message: string) {
    super("decode_error", message);
  }
}

/** The peer broke a protocol rule; `alert` says which class of rule. */
export class PeerMisbehaved extends TlsError {
  readonly code: string;
  readonly reason: PeerMisbehavedReason;
  constructor(reason: PeerMisbehavedReason, alert: AlertName = "illegal_parameter", detail?: string) {
    super(alert, detail ? `${reason}: ${detail}` : reason);
    this.reason = reason;
    this.code = peerMisbehavedCode(reason);
  }
}

/** The peer is well-behaved but shares no acceptable parameters with us. */
export class PeerIncompatible extends TlsError {
  readonly code = "ERR_FIPSTLS_PEER_INCOMPATIBLE";
  readonly reason: PeerIncompatibleReason;
  constructor(reason: PeerIncompatibleReason, alert: AlertName = "handshake_failure", detail?: string) {
    super(alert, detail ? `${reason}: ${detail}` : reason);
    this.reason = reason;
  }
}

/**
 * The peer sent us an alert, reported as received: its level (1 warning, 2 fatal) and description
 * as they were on the wire. `fatal` says whether it ends the connection, which in TLS 1.3 every alert
 * but close_notify and user_canceled does whatever its level (RFC 8446 section 6).
 */
export class AlertReceived extends TlsError {
  readonly description: number;
  readonly level: number;
  readonly fatal: boolean;
  /** `detail` adds what we know of why, e.g. what our policy took out of the offer the peer refused. */
  constructor(description: number, fatal: boolean, level: number = fatal ? 2 : 1, detail?: string) {
    super(alertName(description), `peer sent alert ${alertName(description)} (level ${level === 2 ? "fatal" : level === 1 ? "warning" : level})${detail ? `: ${detail}` : ""}`);
    this.description = description;
    this.level = level;
    this.fatal = fatal;
  }
  /** node:tls's code for the same received alert, e.g. ERR_SSL_TLSV1_ALERT_UNKNOWN_CA. */
  get code(): string {
    return receivedAlertCode(this.description);
  }
  get descriptionName(): string {
    return alertName(this.description);
  }
}

export type CertificateErrorReason =
  | "BadEncoding"
  | "UnknownIssuer"
  | "NotValidForName"
  | "Expired"
  | "NotValidYet"
  | "BadSignature"
  | "UnsupportedSignatureAlgorithm"
  | "CaUsedAsEndEntity"
  | "EndEntityUsedAsCa"
  | "InvalidPurpose"
  | "NameConstraintViolation"
  | "PathLenConstraintViolated"
  | "Revoked"
  | "UnknownCriticalExtension"
  | "WeakKey"
  | "NoCertificate"
  | "UnsupportedCertVersion"
  | "UnsupportedPublicKey"
  | "MaximumPathDepthExceeded"
  | "MaximumSignatureChecksExceeded"
  | "MaximumNameConstraintComparisonsExceeded"
  | "UnknownRevocationStatus"
  | "ExpiredRevocationList"
  | "MalformedExtension"
  | "CriticalAuthorityKeyIdentifier"
  | "CriticalSubjectKeyIdentifier"
  | "MissingAuthorityKeyIdentifier"
  | "InvalidAuthorityKeyIdentifier"
  | "InvalidExtensionCriticality"
  | "MissingKeyUsage"
  | "KeyCertSignWithoutCa"
  | "NameConstraintsOnEndEntity"
  | "InvalidSubjectAltName"
  | "EmptyName"
  | "OcspResponseInvalid"
  | "OcspBadSignature"
  | "OcspUnsupportedSignatureAlgorithm"
  | "OcspUnauthorizedResponder"
  | "OcspResponseExpired"
  | "OcspResponseNotYetValid"
  | "OcspStatusUnknown"
  | "OcspStapleMissing";

/** The alert each certificate failure is reported with. */
export const CERTIFICATE_ALERT: Readonly<Record<CertificateErrorReason, AlertName>> = {
  BadEncoding: "bad_certificate",
  UnknownIssuer: "unknown_ca",
  NotValidForName: "bad_certificate",
  Expired: "certificate_expired",
  NotValidYet: "certificate_expired",
  BadSignature: "bad_certificate",
  UnsupportedSignatureAlgorithm: "bad_certificate",
  CaUsedAsEndEntity: "bad_certificate",
  EndEntityUsedAsCa: "bad_certificate",
  InvalidPurpose: "unsupported_certificate",
  NameConstraintViolation: "bad_certificate",
  PathLenConstraintViolated: "bad_certificate",
  Revoked: "certificate_revoked",
  UnknownCriticalExtension: "unsupported_certificate",
  WeakKey: "insufficient_security",
  NoCertificate: "certificate_required",
  UnsupportedCertVersion: "bad_certificate",
  UnsupportedPublicKey: "unsupported_certificate",
  // Search budgets: nothing was proven wrong, the path simply could not be established in bounds.
  MaximumPathDepthExceeded: "certificate_unknown",
  MaximumSignatureChecksExceeded: "certificate_unknown",
  MaximumNameConstraintComparisonsExceeded: "certificate_unknown",
  // As rustls: without a usable CRL the issuer's current word on the certificate is unknown.
  UnknownRevocationStatus: "unknown_ca",
  ExpiredRevocationList: "unknown_ca",
  // The certificate profile (RFC 5280 4.2, CA/Browser Forum Baseline Requirements 7.1): the
  // certificate is malformed for its role, whatever its signature says.
  MalformedExtension: "bad_certificate",
  CriticalAuthorityKeyIdentifier: "bad_certificate",
  CriticalSubjectKeyIdentifier: "bad_certificate",
  MissingAuthorityKeyIdentifier: "bad_certificate",
  InvalidAuthorityKeyIdentifier: "bad_certificate",
  InvalidExtensionCriticality: "bad_certificate",
  MissingKeyUsage: "bad_certificate",
  KeyCertSignWithoutCa: "bad_certificate",
  NameConstraintsOnEndEntity: "bad_certificate",
  InvalidSubjectAltName: "bad_certificate",
  EmptyName: "bad_certificate",
  // A stapled OCSP response we cannot use (RFC 6066 section 8, RFC 8446 section 6.2); a verified
  // "revoked" is Revoked above.
  OcspResponseInvalid: "bad_certificate_status_response",
  OcspBadSignature: "bad_certificate_status_response",
  OcspUnsupportedSignatureAlgorithm: "bad_certificate_status_response",
  OcspUnauthorizedResponder: "bad_certificate_status_response",
  OcspResponseExpired: "bad_certificate_status_response",
  OcspResponseNotYetValid: "bad_certificate_status_response",
  OcspStatusUnknown: "bad_certificate_status_response",
  // No response was provided, so none was bad: the certificate is what we cannot accept.
  OcspStapleMissing: "certificate_unknown",
};

/** Where in the presented chain a certificate failed: what makes node:tls's code for it exact. */
export interface CertificatePlace {
  /** Subject of the offending certificate, as a readable DN. */
  readonly subject?: string;
  /** Position in the presented chain (0 = leaf); absent for a trust anchor. */
  readonly position?: number;
  /** The certificate names itself as its issuer (a self-signed root or leaf). */
  readonly selfIssued?: boolean;
}

export class InvalidCertificate extends TlsError {
  readonly reason: CertificateErrorReason;
  /** node:tls's (OpenSSL's) code for the same failure, e.g. CERT_HAS_EXPIRED; else ERR_FIPSTLS_INVALID_CERTIFICATE. */
  readonly code: string;
  /** Subject of the offending certificate, as a readable DN, where known. */
  readonly subject?: string;
  /** Position in the presented chain (0 = leaf), where known. */
  readonly position?: number;
  constructor(reason: CertificateErrorReason, detail?: string, where?: CertificatePlace) {
    const at = where?.subject !== undefined ? ` (certificate ${where.position ?? "?"}: ${where.subject})` : "";
    super(CERTIFICATE_ALERT[reason], `InvalidCertificate(${reason})${detail ? `: ${detail}` : ""}${at}`);
    this.reason = reason;
    this.code = certificateErrorCode(reason, where ?? {});
    if (where?.subject !== undefined) this.subject = where.subject;
    if (where?.position !== undefined) this.position = where.position;
  }
}

/** A configuration that cannot be built; thrown at build time, never sent to a peer. */
export class ConfigError extends FipstlsError {
  readonly code = "ERR_FIPSTLS_CONFIG";
  readonly item?: string;
  constructor(message: string, item?: string) {
    super(message);
    if (item !== undefined) this.item = item;
  }
}

/**
 * Why an encrypted private key or a PKCS#12 file could not be read: a wrong or missing passphrase, a
 * damaged file, or an algorithm fipstls (or the policy, or the provider) does not take. Never names
 * the passphrase; `item` is the option ("key", "pfx", "passphrase").
 */
export type KeyFileReason =
  | "PassphraseRequired"
  | "BadDecrypt"
  | "MacVerifyFailure"
  | "LegacyAlgorithm"
  | "NotApprovedByPolicy"
  | "UnsupportedAlgorithm"
  | "ProviderLacksAlgorithm"
  | "ProviderRefused"
  | "Malformed";

export class KeyFileError extends ConfigError {
  readonly reason: KeyFileReason;
  constructor(reason: KeyFileReason, message: string, item?: string) {
    super(message, item);
    this.reason = reason;
  }
}

/** The local side misused the API (write after close, and so on). */
export class UsageError extends FipstlsError {
  readonly code = "ERR_FIPSTLS_USAGE";
}

/** The handshake did not finish within the configured time (node:tls's code for it). */
export class HandshakeTimeout extends TlsError {
  readonly code = "ERR_TLS_HANDSHAKE_TIMEOUT";
  constructor(ms: number) {
    super("user_canceled", `handshake did not complete within ${ms} ms`);
  }
}
