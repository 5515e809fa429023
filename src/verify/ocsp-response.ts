// OCSP responses (RFC 6960 section 4.2) as a server staples them: peer input, parsed strictly. Any
// defect is InvalidCertificate("OcspResponseInvalid"), which the client reports as
// bad_certificate_status_response.
import { toHex } from "../codec/bytes.js";
import { InvalidCertificate } from "../errors.js";
import type { AlgorithmIdentifier } from "./algorithms.js";
import {
  type DerLimits,
  type DerNode,
  DerError,
  Tag,
  TagClass,
  bad,
  bitString,
  integerBytes,
  isContext,
  isUniversal,
  octetString,
  oid,
  parseDer,
  sequence,
  smallUint,
  time,
} from "./der.js";
import { type Extension, parseExtensions } from "./extensions.js";

export type OcspResponseStatus = "successful" | "malformedRequest" | "internalError" | "tryLater" | "sigRequired" | "unauthorized";

// OCSPResponseStatus values; 4 is unused (RFC 6960 4.2.1).
const RESPONSE_STATUS: Readonly<Record<number, OcspResponseStatus>> = {
  0: "successful",
  1: "malformedRequest",
  2: "internalError",
  3: "tryLater",
  5: "sigRequired",
  6: "unauthorized",
};

export const OcspOid = {
  basic: "1.3.6.1.5.5.7.48.1.1",
  nonce: "1.3.6.1.5.5.7.48.1.2",
  ocspSigning: "1.3.6.1.5.5.7.3.9",
  sha1: "1.3.14.3.2.26",
} as const;

/** Hashes a CertID may be made with; SHA-1 is the common default and only names, never signs. */
export type CertIdHash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

const CERT_ID_HASHES: Readonly<Record<string, CertIdHash>> = {
  [OcspOid.sha1]: "SHA-1",
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

export interface CertId {
  /** The hash algorithm, or its OID when fipstls does not know it (such a CertID matches nothing). */
  readonly hash: CertIdHash | string;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  /** Serial number content octets in lower-case hex, as Certificate.serialNumber. */
  readonly serialNumber: string;
}

export type CertStatus =
  | { readonly status: "good" }
  | { readonly status: "revoked"; readonly revocationTime: Date; readonly reason?: number }
  | { readonly status: "unknown" };

export interface SingleResponse {
  readonly certId: CertId;
  readonly certStatus: CertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

export type ResponderId = { readonly byName: Uint8Array } | { readonly byKey: Uint8Array };

export interface BasicOcspResponse {
  /** Exact DER of tbsResponseData: the bytes the responder signed. */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  /** Certificates the responder sent along (a delegated responder's, possibly its issuers). */
  readonly certs: readonly Uint8Array[];
  /** byName: the DER Name; byKey: the SHA-1 hash of the responder's public key. */
  readonly responderId: ResponderId;
  readonly producedAt: Date;
  readonly responses: readonly SingleResponse[];
}

export interface OcspResponse {
  readonly der: Uint8Array;
  readonly status: OcspResponseStatus;
  /** Present when status is successful. */
  readonly basic?: BasicOcspResponse;
}

// A stapled response normally holds one SingleResponse and at most a few certificates; these bounds
// leave room for that and refuse anything built to exhaust the parser.
const OCSP_LIMITS: DerLimits = { maxDepth: 24, maxNodes: 16384, maxContentLength: 1 << 20 };
const MAX_SINGLE_RESPONSES = 64;
const MAX_CERTS = 8;

/** Parses a DER OCSPResponse; any defect is InvalidCertificate("OcspResponseInvalid"). */
export function parseOcspResponse(input: Uint8Array): OcspResponse {
  try {
    if (!(input instanceof Uint8Array)) bad("not a byte array");
    return parse(input.slice());
  } catch (e) {
    const why = e instanceof DerError ? e.message : `unparseable (${e instanceof Error ? e.name : "error"})`;
    throw new InvalidCertificate("OcspResponseInvalid", `OCSP response: ${why}`);
  }
}

function parse(der: Uint8Array): OcspResponse {
  const [statusNode, bytesNode] = sequence(parseDer(der, "OCSPResponse", OCSP_LIMITS), "OCSPResponse", 1, 2);
  const status = RESPONSE_STATUS[enumerated(statusNode, "responseStatus")];
  if (status === undefined) bad("responseStatus: unknown value");
  if (bytesNode === undefined) {
    // RFC 6960 4.2.1: only unsuccessful responses omit responseBytes.
    if (status === "successful") bad("successful response without responseBytes");
    return { der, status };
  }
  if (status !== "successful") bad(`responseBytes in a ${status} response`);
  const [typeNode, responseNode] = sequence(explicit(bytesNode, 0, "responseBytes"), "ResponseBytes", 2, 2);
  const type = oid(typeNode, "responseType");
  if (type !== OcspOid.basic) bad(`responseType ${type} is not id-pkix-ocsp-basic`);
  const inner = octetString(responseNode, "response");
  return { der, status, basic: basicResponse(parseDer(inner, "BasicOCSPResponse", OCSP_LIMITS)) };
}

function basicResponse(node: DerNode): BasicOcspResponse {
  const [tbsNode, algNode, sigNode, certsNode] = sequence(node, "BasicOCSPResponse", 3, 4);
  const fields = sequence(tbsNode, "tbsResponseData", 3, 5);
  let i = 0;
  if (isContext(fields[0], 0)) {
    // v1 is the only version; DER would omit it, but an explicit v1 says the same.
    if (smallUint(explicit(fields[i++]!, 0, "version"), "version") !== 0) bad("version: unsupported");
  }
  const responderId = responderIdOf(fields[i++]);
  const producedAt = generalizedTime(fields[i++], "producedAt");
  const list = sequence(fields[i++], "responses", 1);
  if (list.length > MAX_SINGLE_RESPONSES) bad(`responses: more than ${MAX_SINGLE_RESPONSES}`);
  const responses = list.map(singleResponse);
  if (isContext(fields[i], 1)) checkExtensions(parseExtensions(explicit(fields[i++]!, 1, "responseExtensions")), "responseExtensions");
  if (i !== fields.length) bad("tbsResponseData: unexpected trailing fields");

  const [algOid, params] = sequence(algNode, "signatureAlgorithm", 1, 2);
  const sig = bitString(sigNode, "signature");
  if (sig.unusedBits !== 0) bad("signature: not a whole number of bytes");
  let certs: Uint8Array[] = [];
  if (certsNode !== undefined) {
    const list = sequence(explicit(certsNode, 0, "certs"), "certs");
    if (list.length > MAX_CERTS) bad(`certs: more than ${MAX_CERTS}`);
    // Parsed (and judged) only if the responder turns out to be one of them.
    certs = list.map((c) => expectSequence(c, "certs").raw);
  }
  return {
    tbs: tbsNode!.raw,
    signatureAlgorithm: { oid: oid(algOid, "signatureAlgorithm"), ...(params !== undefined ? { parameters: params.raw } : {}) },
    signature: sig.bytes,
    certs,
    responderId,
    producedAt,
    responses,
  };
}

function responderIdOf(node: DerNode | undefined): ResponderId {
  // ResponderID is a CHOICE under the module's EXPLICIT tags: byName [1] Name, byKey [2] KeyHash.
  if (isContext(node, 1)) return { byName: expectSequence(explicit(node, 1, "responderID byName"), "responderID byName").raw };
  if (isContext(node, 2)) {
    const hash = octetString(explicit(node, 2, "responderID byKey"), "responderID byKey");
    if (hash.length !== 20) bad("responderID byKey: not a SHA-1 hash");
    return { byKey: hash };
  }
  return bad("responderID: neither byName nor byKey");
}

function singleResponse(node: DerNode): SingleResponse {
  const fields = sequence(node, "SingleResponse", 3, 5);
  const certId = certIdOf(fields[0]);
  const certStatus = certStatusOf(fields[1]!);
  const thisUpdate = generalizedTime(fields[2], "thisUpdate");
  let i = 3;
  let nextUpdate: Date | undefined;
  if (isContext(fields[i], 0)) nextUpdate = generalizedTime(explicit(fields[i++]!, 0, "nextUpdate"), "nextUpdate");
  if (isContext(fields[i], 1)) checkExtensions(parseExtensions(explicit(fields[i++]!, 1, "singleExtensions")), "singleExtensions");
  if (i !== fields.length) bad("SingleResponse: unexpected trailing fields");
  return { certId, certStatus, thisUpdate, ...(nextUpdate !== undefined ? { nextUpdate } : {}) };
}

function certIdOf(node: DerNode | undefined): CertId {
  const [algNode, nameHash, keyHash, serial] = sequence(node, "CertID", 4, 4);
  const [hashOid, params] = sequence(algNode, "CertID hashAlgorithm", 1, 2);
  const id = oid(hashOid, "CertID hashAlgorithm");
  // Parameters are NULL or absent for these hashes (RFC 5754 2); anything else names another algorithm.
  const known = params === undefined || (isUniversal(params, Tag.Null) && params.content.length === 0) ? CERT_ID_HASHES[id] : undefined;
  return {
    hash: known ?? id,
    issuerNameHash: octetString(nameHash, "issuerNameHash"),
    issuerKeyHash: octetString(keyHash, "issuerKeyHash"),
    serialNumber: toHex(integerBytes(serial, "CertID serialNumber")),
  };
}

function certStatusOf(node: DerNode): CertStatus {
  // CertStatus alternatives are IMPLICIT: good [0] NULL, revoked [1] RevokedInfo, unknown [2] NULL.
  const tag = node.tagClass === TagClass.Context ? node.tagNumber : -1;
  if (tag === 0 || tag === 2) {
    if (node.constructed || node.content.length !== 0) bad("certStatus: malformed NULL");
    return { status: tag === 0 ? "good" : "unknown" };
  }
  if (tag !== 1 || !node.constructed) bad("certStatus: unknown choice");
  const [when, reasonNode, ...rest] = node.children;
  if (rest.length > 0) bad("RevokedInfo: unexpected trailing fields");
  const revocationTime = generalizedTime(when, "revocationTime");
  if (reasonNode === undefined) return { status: "revoked", revocationTime };
  return { status: "revoked", revocationTime, reason: enumerated(explicit(reasonNode, 0, "revocationReason"), "revocationReason") };
}

/** The one element inside an EXPLICIT [tag]. */
function explicit(node: DerNode, tag: number, what: string): DerNode {
  if (!isContext(node, tag) || !node.constructed || node.children.length !== 1) bad(`${what}: malformed [${tag}]`);
  return node.children[0]!;
}

function expectSequence(node: DerNode | undefined, what: string): DerNode {
  sequence(node, what);
  return node!;
}

function generalizedTime(node: DerNode | undefined, what: string): Date {
  // RFC 6960 uses GeneralizedTime throughout; UTCTime here is not DER for the type.
  if (!isUniversal(node, Tag.GeneralizedTime)) bad(`${what}: not a GeneralizedTime`);
  return time(node, what);
}

function enumerated(node: DerNode | undefined, what: string): number {
  if (!isUniversal(node, 10) || node.content.length !== 1 || node.content[0]! >= 0x80) bad(`${what}: not a small ENUMERATED`);
  return node.content[0]!;
}

function checkExtensions(extensions: readonly Extension[], what: string): void {
  // Nonces are the only extension a stapled response carries in practice; none changes what we check.
  const critical = extensions.find((e) => e.critical);
  if (critical !== undefined) bad(`${what}: critical extension ${critical.oid} is not supported`);
}
