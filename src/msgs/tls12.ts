// The TLS 1.2 handshake message bodies (RFC 5246 section 7.4; ECDHE from RFC 8422 section 5; session
// tickets from RFC 5077 section 3.3; OCSP stapling from RFC 6066 section 8), without the 4-byte header
// that frameHandshake adds. Every decoder consumes its body exactly and enforces the RFC's vector
// bounds, so a malformed body is a DecodeError (decode_error); a body that parses but carries a value
// the protocol forbids is PeerMisbehaved (illegal_parameter). Where TLS 1.3 (handshake.ts) already
// owns a message's name, the TLS 1.2 variant carries a `Tls12` suffix (Go's and rustls's habit, the
// other way round). Encoders write our own messages: a bound they would break is a RangeError.
import { concat } from "../codec/bytes.js";
import { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { DecodeError, PeerMisbehaved } from "../errors.js";
import type { CertificateVerifyMsg } from "./handshake.js";

// TLS 1.2's CertificateVerify is a bare DigitallySigned { SignatureAndHashAlgorithm; opaque
// signature<0..2^16-1> } (RFC 5246 section 7.4.8), byte for byte the shape of TLS 1.3's.
export { type CertificateVerifyMsg, decodeCertificateVerify, encodeCertificateVerify } from "./handshake.js";

/** ECCurveType named_curve (RFC 8422 section 5.4); explicit_prime (1) and explicit_char2 (2) are refused. */
export const EC_CURVE_TYPE_NAMED = 3;
/** CertificateStatusType ocsp (RFC 6066 section 8). */
export const CERTIFICATE_STATUS_OCSP = 1;
/** verify_data_length of every suite we implement (RFC 5246 section 7.4.9); src/tls12/prf.ts agrees. */
export const FINISHED_LENGTH = 12;
/** ClientCertificateType values a TLS 1.2 server asks for (RFC 5246 section 7.4.4, RFC 8422 section 5.5). */
export const ClientCertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

/** Runs `read` over the whole body and requires it to consume every byte. */
function whole<T>(body: Uint8Array, what: string, read: (r: Reader) => T): T {
  const r = new Reader(body, what);
  const v = read(r);
  r.expectEnd();
  return v;
}

/** Our own vectors must respect the lower bounds the peer's decoder will enforce. */
function atLeast(v: Uint8Array, min: number, what: string): Uint8Array {
  if (v.length < min) throw new RangeError(`${what}: ${v.length} bytes, need at least ${min}`);
  return v;
}

const readDigitallySigned = (r: Reader): CertificateVerifyMsg => {
  const scheme = r.u16();
  return { scheme, signature: r.vec16() };
};

// ---------------------------------------------------------------------------------------------
// Certificate (RFC 5246 section 7.4.2): opaque ASN.1Cert<1..2^24-1>; ASN.1Cert certificate_list<0..2^24-1>.
// No per-entry extensions, unlike TLS 1.3. An empty list parses (a client without a certificate
// answers a CertificateRequest with one); a server's empty list is the handshake's to refuse.

export function encodeCertificateTls12(chain: readonly Uint8Array[]): Uint8Array {
  return new Writer()
    .prefixed(3, (w) => {
      for (const der of chain) w.vec24(atLeast(der, 1, "ASN.1Cert"));
    })
    .finish();
}

/** The DER certificates, leaf first, as views into `body`; more than `maxEntries` is bad_certificate. */
export function decodeCertificateTls12(body: Uint8Array, maxEntries: number): Uint8Array[] {
  return whole(body, "Certificate", (r) => {
    const list = r.sub24("certificate_list");
    const chain: Uint8Array[] = [];
    while (!list.atEnd()) {
      if (chain.length >= maxEntries) {
        throw new PeerMisbehaved("TooManyCertificates", "bad_certificate", `more than ${maxEntries}`);
      }
      chain.push(list.vec24(1));
    }
    return chain;
  });
}

// ---------------------------------------------------------------------------------------------
// ServerKeyExchange for ECDHE_ECDSA / ECDHE_RSA (RFC 8422 section 5.4):
//   struct { ECCurveType curve_type = named_curve; NamedCurve namedcurve; } ECParameters;
//   struct { ECParameters curve_params; opaque point<1..2^8-1>; } ServerECDHParams;
//   struct { ServerECDHParams params; DigitallySigned signed_params; } ServerKeyExchange;
// The signature covers client_random || server_random || params (RFC 5246 section 7.4.3).
// Whether the group and scheme were offered, and whether the point is a valid public key for the
// group (length, 0x04 form: src/suites/groups.ts `agree`), are the handshake's checks, not the codec's.

export interface ServerKeyExchangeEcdhe {
  /** NamedGroup code point. */
  readonly group: number;
  /** The server's ephemeral public value: an uncompressed point, or an X25519 key. */
  readonly publicKey: Uint8Array;
  /** SignatureScheme code point of signed_params. */
  readonly scheme: number;
  readonly signature: Uint8Array;
  /** The exact ServerECDHParams bytes: what the signature covers after the two randoms. */
  readonly params: Uint8Array;
}

/** ServerECDHParams for a named group: what a server signs (after the randoms) and then sends. */
export const encodeServerEcdhParams = (group: number, publicKey: Uint8Array): Uint8Array =>
  new Writer().u8(EC_CURVE_TYPE_NAMED).u16(group).vec8(atLeast(publicKey, 1, "ECPoint")).finish();

/** A ServerKeyExchange from params made by encodeServerEcdhParams and their signature. */
export const encodeServerKeyExchangeEcdhe = (m: { params: Uint8Array; scheme: number; signature: Uint8Array }): Uint8Array =>
  new Writer().bytes(m.params).u16(m.scheme).vec16(m.signature).finish();

export function decodeServerKeyExchangeEcdhe(body: Uint8Array): ServerKeyExchangeEcdhe {
  return whole(body, "ServerKeyExchange", (r) => {
    const curveType = r.u8();
    if (curveType !== EC_CURVE_TYPE_NAMED) {
      throw new PeerMisbehaved("UnsupportedCurveType", "illegal_parameter", `ECCurveType ${curveType}`);
    }
    const group = r.u16();
    const publicKey = r.vec8(1);
    const params = body.subarray(0, body.length - r.remaining);
    const { scheme, signature } = readDigitallySigned(r);
    return { group, publicKey, scheme, signature, params };
  });
}

/** client_random || server_random || ServerECDHParams: the message signed_params signs. */
export function serverKeyExchangeSignedData(clientRandom: Uint8Array, serverRandom: Uint8Array, params: Uint8Array): Uint8Array {
  if (clientRandom.length !== 32 || serverRandom.length !== 32) {
    throw new RangeError(`hello randoms must be 32 bytes, got ${clientRandom.length} and ${serverRandom.length}`);
  }
  return concat(clientRandom, serverRandom, params);
}

// ---------------------------------------------------------------------------------------------
// CertificateRequest (RFC 5246 section 7.4.4):
//   ClientCertificateType certificate_types<1..2^8-1>;
//   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
//   DistinguishedName certificate_authorities<0..2^16-1>;  opaque DistinguishedName<1..2^16-1>;

export interface CertificateRequestTls12 {
  /** ClientCertificateType values, in wire order. */
  readonly certificateTypes: readonly number[];
  /** SignatureScheme code points, in the server's order. */
  readonly signatureSchemes: readonly number[];
  /** DER-encoded X.501 Names of acceptable CAs, as views into the body. */
  readonly certificateAuthorities: readonly Uint8Array[];
}

export function encodeCertificateRequestTls12(m: CertificateRequestTls12): Uint8Array {
  if (m.certificateTypes.length === 0) throw new RangeError("certificate_types must not be empty");
  if (m.signatureSchemes.length === 0) throw new RangeError("supported_signature_algorithms must not be empty");
  const w = new Writer().vec8(Uint8Array.from(m.certificateTypes));
  w.prefixed(2, (x) => m.signatureSchemes.forEach((s) => x.u16(s)));
  w.prefixed(2, (x) => m.certificateAuthorities.forEach((dn) => x.vec16(atLeast(dn, 1, "DistinguishedName"))));
  return w.finish();
}

export function decodeCertificateRequestTls12(body: Uint8Array): CertificateRequestTls12 {
  return whole(body, "CertificateRequest", (r) => {
    const certificateTypes = Array.from(r.vec8(1));
    const signatureSchemes = r.u16List("supported_signature_algorithms", 2);
    const list = r.sub16("certificate_authorities");
    const certificateAuthorities: Uint8Array[] = [];
    while (!list.atEnd()) certificateAuthorities.push(list.vec16(1));
    return { certificateTypes, signatureSchemes, certificateAuthorities };
  });
}

// ---------------------------------------------------------------------------------------------
// ServerHelloDone (RFC 5246 section 7.4.5) and HelloRequest (section 7.4.1.1): empty bodies.

const EMPTY = new Uint8Array(0);
export const encodeServerHelloDone = (): Uint8Array => EMPTY.slice();
export const encodeHelloRequest = (): Uint8Array => EMPTY.slice();

function decodeEmpty(body: Uint8Array, what: string): void {
  if (body.length !== 0) throw new DecodeError(`${what} must be empty, has ${body.length} bytes`);
}
export const decodeServerHelloDone = (body: Uint8Array): void => decodeEmpty(body, "ServerHelloDone");
export const decodeHelloRequest = (body: Uint8Array): void => decodeEmpty(body, "HelloRequest");

// ---------------------------------------------------------------------------------------------
// ClientKeyExchange for ECDHE (RFC 8422 section 5.7): ClientECDiffieHellmanPublic, an explicit
// ECPoint point<1..2^8-1> (the implicit form is for fixed-ECDH client certificates, never offered).

export const encodeClientKeyExchangeEcdhe = (publicKey: Uint8Array): Uint8Array =>
  new Writer().vec8(atLeast(publicKey, 1, "ECPoint")).finish();

/** The client's ephemeral public value, a view into `body`; its validity is `agree`'s to judge. */
export const decodeClientKeyExchangeEcdhe = (body: Uint8Array): Uint8Array =>
  whole(body, "ClientKeyExchange", (r) => r.vec8(1));

// ---------------------------------------------------------------------------------------------
// Finished (RFC 5246 section 7.4.9): opaque verify_data[verify_data_length], 12 bytes for our suites.

export function encodeFinishedTls12(verifyData: Uint8Array): Uint8Array {
  if (verifyData.length !== FINISHED_LENGTH) throw new RangeError(`verify_data must be ${FINISHED_LENGTH} bytes, got ${verifyData.length}`);
  return verifyData.slice();
}

export function decodeFinishedTls12(body: Uint8Array): Uint8Array {
  if (body.length !== FINISHED_LENGTH) throw new DecodeError(`Finished must be ${FINISHED_LENGTH} bytes, has ${body.length}`);
  return body;
}

// ---------------------------------------------------------------------------------------------
// NewSessionTicket (RFC 5077 section 3.3): uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>.
// An empty ticket is legal: the server announced one in its hello and then decided not to issue it.

export interface NewSessionTicketTls12 {
  /** Seconds; 0 means unspecified. A hint only, so no upper bound applies. */
  readonly lifetimeHint: number;
  readonly ticket: Uint8Array;
}

export const encodeNewSessionTicketTls12 = (m: NewSessionTicketTls12): Uint8Array => {
  if (!Number.isInteger(m.lifetimeHint) || m.lifetimeHint < 0 || m.lifetimeHint > 0xffffffff) {
    throw new RangeError(`ticket_lifetime_hint ${m.lifetimeHint} is not a uint32`);
  }
  return new Writer().u32(m.lifetimeHint).vec16(m.ticket).finish();
};

export const decodeNewSessionTicketTls12 = (body: Uint8Array): NewSessionTicketTls12 =>
  whole(body, "NewSessionTicket", (r) => {
    const lifetimeHint = r.u32();
    return { lifetimeHint, ticket: r.vec16() };
  });

// ---------------------------------------------------------------------------------------------
// CertificateStatus (RFC 6066 section 8): CertificateStatusType status_type = ocsp;
// opaque OCSPResponse<1..2^24-1>. We only ever request ocsp, so any other type (ocsp_multi from
// RFC 6961 included) is a value we did not ask for: illegal_parameter.

export const encodeCertificateStatus = (ocspResponse: Uint8Array): Uint8Array =>
  new Writer().u8(CERTIFICATE_STATUS_OCSP).vec24(atLeast(ocspResponse, 1, "OCSPResponse")).finish();

/** The DER OCSPResponse, a view into `body`. */
export const decodeCertificateStatus = (body: Uint8Array): Uint8Array =>
  whole(body, "CertificateStatus", (r) => {
    const statusType = r.u8();
    if (statusType !== CERTIFICATE_STATUS_OCSP) {
      throw new PeerMisbehaved("UnsupportedCertificateStatusType", "illegal_parameter", `status_type ${statusType}`);
    }
    return r.vec24(1);
  });
