// X.509 v1/v3 certificate parsing (RFC 5280 section 4.1). Malformed input of any kind throws
// InvalidCertificate("BadEncoding"), never another exception: certificates are peer input.
import { equalBytes, toHex } from "../codec/bytes.js";
import { InvalidCertificate, PeerMisbehaved } from "../errors.js";
import { type AlgorithmIdentifier, signatureAlgorithmFor } from "./algorithms.js";
import {
  type DerNode,
  DerError,
  bad,
  bitString,
  integerBytes,
  isContext,
  oid,
  parseDer,
  sequence,
  smallUint,
  time,
  timeTypeProblem,
} from "./der.js";
import { nameToString } from "./dn.js";
import { checkAuthorityInfoAccess, checkCertificatePolicies, checkCrlDistributionPoints } from "./extension-syntax.js";
import {
  type BasicConstraints,
  type Extension,
  ExtensionOid,
  type KeyUsage,
  type NameConstraints,
  type SubjectAltName,
  decodeAuthorityKeyIdentifier,
  decodeBasicConstraints,
  decodeNameConstraints,
  decodeSubjectKeyId,
  decodeExtKeyUsage,
  decodeKeyUsage,
  decodeSubjectAltName,
  parseExtensions,
} from "./extensions.js";

export { signatureAlgorithmFor };
export type { AlgorithmIdentifier, BasicConstraints, Extension, KeyUsage, NameConstraints, SubjectAltName };

export interface Certificate {
  /** The whole certificate as given. */
  readonly der: Uint8Array;
  /** Exact DER of tbsCertificate: the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  readonly version: 1 | 2 | 3;
  /** Serial number content octets in lower-case hex. */
  readonly serialNumber: string;
  /** The outer signatureAlgorithm (byte-identical to the tbs `signature` field; checked). */
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signatureAlgorithmOid: string;
  readonly signatureAlgorithmParameters?: Uint8Array;
  /** The `signature` field inside tbsCertificate. */
  readonly tbsSignatureAlgorithm: AlgorithmIdentifier;
  /** Contents of the signatureValue BIT STRING. */
  readonly signatureValue: Uint8Array;
  /** Raw DER of the issuer and subject Names: path building compares these byte-wise. */
  readonly issuerDer: Uint8Array;
  readonly subjectDer: Uint8Array;
  /** Readable RFC 4514-style renderings, for messages and logs only. */
  readonly issuer: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Raw DER of SubjectPublicKeyInfo, as the provider's verify() takes it. */
  readonly spki: Uint8Array;
  readonly publicKeyAlgorithmOid: string;
  readonly extensions: readonly Extension[];
  readonly subjectAltName?: SubjectAltName;
  readonly basicConstraints?: BasicConstraints;
  readonly keyUsage?: KeyUsage;
  readonly extKeyUsage?: readonly string[];
  readonly nameConstraints?: NameConstraints;
  /** keyIdentifier values: hints that order candidate issuers, never a reason to accept one. */
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly authorityKeyIdentifier?: Uint8Array;
  /** The authorityKeyIdentifier also names its issuer's issuer and serial (the profile refuses that on CAs). */
  readonly authorityCertIssuerAndSerial?: true;
  /** Why notBefore/notAfter break RFC 5280 4.1.2.5's choice of time type; the profile refuses it. */
  readonly validityEncodingProblem?: string;
}

/** RFC 5280 4.1.2.2 caps serials at 20 octets; one more allows the sign byte some CAs add. */
const MAX_SERIAL_OCTETS = 21;

/**
 * Certificates parsed before, by a cheap fingerprint of their DER; a hit still compares every byte. The
 * same server chain and trust anchors come back on every handshake, and parsing them was a fifth of a
 * client's handshake CPU; path building also remembers the signatures it verified by these objects.
 * Public data only, bounded, the least recently used dropped first.
 */
const parsed = new Map<string, Certificate>();
const PARSED_LIMIT = 256;

function fingerprint(der: Uint8Array): string {
  // FNV-1a over the bytes: collisions only cost a byte comparison, never a wrong answer.
  let h = 0x811c9dc5;
  for (let i = 0; i < der.length; i++) h = Math.imul(h ^ der[i]!, 0x01000193);
  return `${der.length}:${h >>> 0}`;
}

/**
 * The SubjectPublicKeyInfo of a peer's leaf certificate (`chain[0]`), for checking its handshake
 * signature while the chain is still being verified: an unparsable leaf is bad_certificate.
 */
export function peerLeafSpki(chain: readonly Uint8Array[]): Uint8Array {
  try {
    return parseCertificate(chain[0]!).spki;
  } catch {
    throw new PeerMisbehaved("UnparsableCertificate", "bad_certificate");
  }
}

/**
 * Parses one DER certificate. `position` (0 = leaf) only enriches the error; any failure is
 * InvalidCertificate("BadEncoding").
 */
export function parseCertificate(der: Uint8Array, position?: number): Certificate {
  const key = der instanceof Uint8Array ? fingerprint(der) : null;
  const known = key === null ? undefined : parsed.get(key);
  if (known !== undefined && equalBytes(known.der, der)) {
    // Moved to the newest end: a chain in use stays while certificates seen once come and go.
    parsed.delete(key!);
    parsed.set(key!, known);
    return known;
  }
  try {
    const cert = parse(der);
    if (key !== null) {
      if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
      parsed.set(key, cert);
    }
    return cert;
  } catch (e) {
    // Anything but DerError escaping the parser is a bug meeting hostile input: still bad encoding.
    const why = e instanceof DerError ? e.message : `unparseable (${e instanceof Error ? e.name : "error"})`;
    const at = position !== undefined ? `certificate ${position}: ` : "";
    const reason = e instanceof MalformedExtensionError ? "MalformedExtension" : "BadEncoding";
    throw new InvalidCertificate(reason, at + why, position !== undefined ? { position } : undefined);
  }
}

function parse(input: Uint8Array): Certificate {
  if (!(input instanceof Uint8Array)) bad("not a byte array");
  const der = input.slice();
  const [tbsNode, outerAlgNode, sigNode] = sequence(parseDer(der, "certificate"), "certificate", 3, 3);
  const fields = sequence(tbsNode, "tbsCertificate", 6, 10);
  let i = 0;

  let version: 1 | 2 | 3 = 1;
  if (isContext(fields[0], 0)) {
    const explicit = fields[i++]!;
    if (!explicit.constructed || explicit.children.length !== 1) bad("version: malformed [0]");
    const v = smallUint(explicit.children[0], "version");
    // DER omits the default v1, so an explicit version is 2 or 3.
    if (v !== 1 && v !== 2) bad(`version: unsupported value ${v}`);
    version = (v + 1) as 2 | 3;
  }

  const serial = integerBytes(fields[i++], "serialNumber");
  if (serial.length > MAX_SERIAL_OCTETS) bad("serialNumber: longer than 20 octets");
  const tbsAlgNode = fields[i++];
  const tbsSignatureAlgorithm = algorithmIdentifier(tbsAlgNode, "tbsCertificate signature");
  const issuerNode = fields[i++]!;
  const issuer = nameToString(issuerNode, "issuer");
  const [nb, na] = sequence(fields[i++], "validity", 2, 2);
  const notBefore = time(nb, "notBefore");
  const notAfter = time(na, "notAfter");
  const validityEncodingProblem = timeTypeProblem(nb!, notBefore) ?? timeTypeProblem(na!, notAfter);
  const subjectNode = fields[i++];
  const subject = nameToString(subjectNode!, "subject");
  const spkiNode = fields[i++];
  const [spkiAlg, spkiKey] = sequence(spkiNode, "subjectPublicKeyInfo", 2, 2);
  const publicKeyAlgorithmOid = algorithmIdentifier(spkiAlg, "subjectPublicKeyInfo algorithm").oid;
  bitString(spkiKey, "subjectPublicKey");

  // issuerUniqueID [1] and subjectUniqueID [2] (v2/v3 only): skipped, nothing uses them.
  for (const tag of [1, 2]) {
    if (isContext(fields[i], tag)) {
      if (version === 1) bad("unique identifier in a v1 certificate");
      i++;
    }
  }
  let extensions: Extension[] = [];
  if (isContext(fields[i], 3)) {
    const wrapper = fields[i++]!;
    if (version !== 3) bad("extensions in a pre-v3 certificate");
    if (!wrapper.constructed || wrapper.children.length !== 1) bad("extensions: malformed [3]");
    extensions = parseExtensions(wrapper.children[0]!);
  }
  if (i !== fields.length) bad("tbsCertificate: unexpected trailing fields");

  const signatureAlgorithm = algorithmIdentifier(outerAlgNode, "signatureAlgorithm");
  // RFC 5280 4.1.1.2: the two algorithm fields MUST be identical; otherwise the unsigned outer one
  // could be swapped to steer verification.
  if (!equalBytes(outerAlgNode!.raw, tbsAlgNode!.raw)) {
    bad("signatureAlgorithm differs from tbsCertificate signature");
  }
  const sig = bitString(sigNode, "signatureValue");
  if (sig.unusedBits !== 0) bad("signatureValue: not a whole number of bytes");

  const cert: Certificate = {
    der,
    tbs: tbsNode!.raw,
    version,
    serialNumber: toHex(serial),
    signatureAlgorithm,
    signatureAlgorithmOid: signatureAlgorithm.oid,
    ...(signatureAlgorithm.parameters !== undefined ? { signatureAlgorithmParameters: signatureAlgorithm.parameters } : {}),
    tbsSignatureAlgorithm,
    signatureValue: sig.bytes,
    issuerDer: issuerNode.raw,
    subjectDer: subjectNode!.raw,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: spkiNode!.raw,
    publicKeyAlgorithmOid,
    extensions,
    ...decodeKnown(extensions),
    ...(validityEncodingProblem !== null ? { validityEncodingProblem } : {}),
  };
  return cert;
}

function algorithmIdentifier(node: DerNode | undefined, what: string): AlgorithmIdentifier {
  const [id, params] = sequence(node, what, 1, 2);
  const algorithm = oid(id, what);
  return params === undefined ? { oid: algorithm } : { oid: algorithm, parameters: params.raw };
}

interface KnownExtensions {
  subjectAltName?: SubjectAltName;
  basicConstraints?: BasicConstraints;
  keyUsage?: KeyUsage;
  extKeyUsage?: readonly string[];
  nameConstraints?: NameConstraints;
  subjectKeyIdentifier?: Uint8Array;
  authorityKeyIdentifier?: Uint8Array;
  authorityCertIssuerAndSerial?: true;
}

/** An extension whose value does not decode: the certificate is malformed in a way worth naming. */
class MalformedExtensionError extends DerError {}

function decodeKnown(extensions: readonly Extension[]): KnownExtensions {
  const known: KnownExtensions = {};
  for (const ext of extensions) {
    try {
      decodeOne(ext, known);
    } catch (e) {
      if (e instanceof DerError) throw new MalformedExtensionError(`extension ${ext.oid}: ${e.message}`);
      throw e;
    }
  }
  return known;
}

function decodeOne(ext: Extension, known: KnownExtensions): void {
  switch (ext.oid) {
    case ExtensionOid.subjectAltName:
      known.subjectAltName = decodeSubjectAltName(ext.value);
      break;
    case ExtensionOid.basicConstraints:
      known.basicConstraints = decodeBasicConstraints(ext.value);
      break;
    case ExtensionOid.keyUsage:
      known.keyUsage = decodeKeyUsage(ext.value);
      break;
    case ExtensionOid.extKeyUsage:
      known.extKeyUsage = decodeExtKeyUsage(ext.value);
      break;
    case ExtensionOid.nameConstraints:
      known.nameConstraints = decodeNameConstraints(ext.value, ext.critical);
      break;
    case ExtensionOid.subjectKeyIdentifier:
      known.subjectKeyIdentifier = decodeSubjectKeyId(ext.value);
      break;
    case ExtensionOid.authorityKeyIdentifier: {
      const form = decodeAuthorityKeyIdentifier(ext.value);
      if (form.keyIdentifier !== undefined) known.authorityKeyIdentifier = form.keyIdentifier;
      if (form.issuerAndSerial) known.authorityCertIssuerAndSerial = true;
      break;
    }
    // Not acted on, but a malformed one fails the certificate all the same (as pyca/cryptography).
    case ExtensionOid.authorityInfoAccess:
      checkAuthorityInfoAccess(ext.value);
      break;
    case ExtensionOid.crlDistributionPoints:
      checkCrlDistributionPoints(ext.value);
      break;
    case ExtensionOid.certificatePolicies:
      checkCertificatePolicies(ext.value);
      break;
  }
}

/** Whether `time` lies within [notBefore, notAfter], both inclusive (RFC 5280 4.1.2.5). */
export function validityAt(cert: Certificate, at: Date): "valid" | "expired" | "not-yet-valid" {
  const t = at.getTime();
  if (t < cert.notBefore.getTime()) return "not-yet-valid";
  if (t > cert.notAfter.getTime()) return "expired";
  return "valid";
}
