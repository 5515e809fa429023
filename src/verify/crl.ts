// Certificate revocation lists (RFC 5280 section 5), supplied by the user as DER or PEM. Parsing is
// strict like certificate parsing, but a bad CRL is a configuration mistake, so it is a ConfigError.
import { toHex } from "../codec/bytes.js";
import { decodePem } from "../codec/pem.js";
import { ConfigError } from "../errors.js";
import type { AlgorithmIdentifier } from "./algorithms.js";
import type { Certificate } from "./certificate.js";
import {
  type DerLimits,
  type DerNode,
  DerError,
  Tag,
  bad,
  bitString,
  integerBytes,
  isContext,
  isUniversal,
  oid,
  parseDer,
  sequence,
  smallUint,
  time,
  timeTypeProblem,
} from "./der.js";
import { nameToString } from "./dn.js";
import { type Extension, ExtensionOid, parseExtensions } from "./extensions.js";

export interface RevokedEntry {
  readonly revocationDate: Date;
  /** CRLReason code (RFC 5280 5.3.1) when the entry carries one. */
  readonly reason?: number;
}

/** What an issuingDistributionPoint extension says the CRL covers. */
export interface CrlScope {
  readonly onlyUserCerts: boolean;
  readonly onlyCaCerts: boolean;
  /** The IDP's distribution point names (hex DER GeneralNames); empty when it names none. */
  readonly distributionPoints: readonly string[];
  /** Covers only some reasons, is indirect, names its point relative to the issuer, or lists attribute certificates. */
  readonly partial: boolean;
}

export interface Crl {
  readonly der: Uint8Array;
  /** Exact DER of tbsCertList: the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signatureValue: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly issuer: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** Revoked serial numbers (content octets in lower-case hex, as Certificate.serialNumber). */
  readonly revoked: ReadonlyMap<string, RevokedEntry>;
  readonly scope: CrlScope;
}

// CRLs can list hundreds of thousands of serials; they come from the user, not from the peer.
const CRL_LIMITS: DerLimits = { maxDepth: 24, maxNodes: 1 << 22, maxContentLength: 1 << 28 };

const CrlOid = {
  cRLNumber: "2.5.29.20",
  reasonCode: "2.5.29.21",
  invalidityDate: "2.5.29.24",
  deltaCRLIndicator: "2.5.29.27",
  issuingDistributionPoint: "2.5.29.28",
  certificateIssuer: "2.5.29.29",
} as const;

/** Parses one CRL from DER bytes or PEM text ("X509 CRL"); throws ConfigError saying what is wrong. */
export function parseCrl(input: Uint8Array | string): Crl {
  try {
    return parse(derOf(input).slice());
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const why = e instanceof DerError || e instanceof TypeError ? e.message : "unparseable";
    throw new ConfigError(`CRL: ${why}`, "crls");
  }
}

function derOf(input: Uint8Array | string): Uint8Array {
  let text: string | null = typeof input === "string" ? input : null;
  if (input instanceof Uint8Array && /^\s*-----BEGIN /.test(String.fromCharCode(...input.subarray(0, 64)))) {
    text = new TextDecoder().decode(input);
  }
  if (text === null) {
    if (!(input instanceof Uint8Array)) throw new ConfigError("CRL: expected DER bytes or PEM text", "crls");
    return input;
  }
  const block = decodePem(text).find((b) => b.label === "X509 CRL");
  if (block === undefined) throw new ConfigError("CRL: no PEM X509 CRL block", "crls");
  return block.der;
}

function parse(der: Uint8Array): Crl {
  const [tbsNode, algNode, sigNode] = sequence(parseDer(der, "CRL", CRL_LIMITS), "CertificateList", 3, 3);
  const fields = sequence(tbsNode, "tbsCertList", 3, 7);
  let i = 0;
  if (isUniversal(fields[0], Tag.Integer)) {
    // v2 is the only explicit version (v1 omits the field).
    if (smallUint(fields[i++], "CRL version") !== 1) bad("CRL version: unsupported");
  }
  const innerAlg = fields[i++]!;
  const issuerNode = fields[i++]!;
  const issuer = nameToString(issuerNode, "CRL issuer");
  const thisUpdateNode = fields[i++];
  const thisUpdate = time(thisUpdateNode, "thisUpdate");
  const wrongType = (node: DerNode, at: Date, what: string) => {
    // RFC 5280 5.1.2.4-5.1.2.5: the same UTCTime/GeneralizedTime split as certificate validity.
    const problem = timeTypeProblem(node, at);
    if (problem !== null) bad(`${what}: ${problem}`);
  };
  wrongType(thisUpdateNode!, thisUpdate, "thisUpdate");
  // RFC 5280 5.1.2.5: conforming CRL issuers MUST include nextUpdate (rustls-webpki requires it too);
  // without it nothing says when the CRL stops being the issuer's current word.
  if (!isUniversal(fields[i], Tag.UtcTime) && !isUniversal(fields[i], Tag.GeneralizedTime)) {
    throw new ConfigError("CRL: no nextUpdate; RFC 5280 5.1.2.5 requires one in every conforming CRL", "crls");
  }
  const nextNode = fields[i++]!;
  const nextUpdate = time(nextNode, "nextUpdate");
  wrongType(nextNode, nextUpdate, "nextUpdate");
  const revoked = new Map<string, RevokedEntry>();
  if (isUniversal(fields[i], Tag.Sequence)) {
    for (const entry of sequence(fields[i++], "revokedCertificates")) {
      const [serialNode, dateNode, extNode] = sequence(entry, "revoked certificate", 2, 3);
      const serial = toHex(integerBytes(serialNode, "userCertificate"));
      // An empty crlEntryExtensions breaks SIZE (1..MAX) but says nothing; some generators write one.
      const empty = extNode !== undefined && isUniversal(extNode, Tag.Sequence) && extNode.children.length === 0;
      revoked.set(serial, revokedEntry(time(dateNode, "revocationDate"), extNode === undefined || empty ? [] : parseExtensions(extNode)));
    }
  }
  let extensions: Extension[] = [];
  if (isContext(fields[i], 0)) {
    const wrapper = fields[i++]!;
    if (!wrapper.constructed || wrapper.children.length !== 1) bad("crlExtensions: malformed [0]");
    extensions = parseExtensions(wrapper.children[0]!);
  }
  if (i !== fields.length) bad("tbsCertList: unexpected trailing fields");
  // RFC 5280 5.1.1.2: as for certificates, the unsigned outer algorithm must repeat the signed one.
  if (toHex(innerAlg.raw) !== toHex(algNode!.raw)) bad("signatureAlgorithm differs from tbsCertList signature");
  const sig = bitString(sigNode, "CRL signatureValue");
  if (sig.unusedBits !== 0) bad("CRL signatureValue: not a whole number of bytes");
  const [algOid, params] = sequence(algNode, "CRL signatureAlgorithm", 1, 2);

  let scope: CrlScope = { onlyUserCerts: false, onlyCaCerts: false, distributionPoints: [], partial: false };
  let numbered = false;
  for (const ext of extensions) {
    if (ext.oid === CrlOid.deltaCRLIndicator) {
      throw new ConfigError("CRL: a delta CRL (deltaCRLIndicator) only lists changes since a base CRL; supply the complete CRL", "crls");
    } else if (ext.oid === CrlOid.cRLNumber) {
      // RFC 5280 5.2.3: conforming CRLs carry a non-critical cRLNumber, an INTEGER of 0 to 20 octets' worth.
      if (ext.critical) throw new ConfigError("CRL: cRLNumber is marked critical; RFC 5280 5.2.3 requires it non-critical", "crls");
      const n = integerBytes(parseDer(ext.value, "cRLNumber"), "cRLNumber");
      if (n[0]! >= 0x80 || n.length > 21) bad("cRLNumber: not an integer from 0 to 2^159");
      numbered = true;
    } else if (ext.oid === CrlOid.issuingDistributionPoint) {
      // RFC 5280 5.2.5: critical, so that no verifier reads a partial CRL as a complete one.
      if (!ext.critical) throw new ConfigError("CRL: issuingDistributionPoint is not marked critical (RFC 5280 5.2.5)", "crls");
      scope = issuingDistributionPoint(ext.value);
    } else if (ext.critical && ext.oid !== ExtensionOid.authorityKeyIdentifier) {
      throw new ConfigError(`CRL: critical extension ${ext.oid} is not supported`, "crls");
    }
  }
  if (!numbered) throw new ConfigError("CRL: no cRLNumber; RFC 5280 5.2.3 requires one in every conforming CRL (a v1 CRL has none)", "crls");
  return {
    der,
    tbs: tbsNode!.raw,
    signatureAlgorithm: { oid: oid(algOid, "CRL signatureAlgorithm"), ...(params !== undefined ? { parameters: params.raw } : {}) },
    signatureValue: sig.bytes,
    issuerDer: issuerNode.raw,
    issuer,
    thisUpdate,
    nextUpdate,
    revoked,
    scope,
  };
}

function revokedEntry(revocationDate: Date, extensions: readonly Extension[]): RevokedEntry {
  let reason: number | undefined;
  for (const ext of extensions) {
    if (ext.oid === CrlOid.reasonCode) {
      const node = parseDer(ext.value, "reasonCode");
      if (!isUniversal(node, 10) || node.content.length !== 1) bad("reasonCode: not an ENUMERATED");
      reason = node.content[0];
    } else if (ext.oid === CrlOid.certificateIssuer) {
      throw new ConfigError("CRL: indirect CRLs (certificateIssuer entries) are not supported", "crls");
    } else if (ext.critical && ext.oid !== CrlOid.invalidityDate) {
      throw new ConfigError(`CRL: critical entry extension ${ext.oid} is not supported`, "crls");
    }
  }
  return reason === undefined ? { revocationDate } : { revocationDate, reason };
}

// The IDP's flags are BOOLEAN DEFAULT FALSE: DER writes only TRUE (0xFF), and only when it is true.
function implicitBoolean(node: DerNode, what: string): boolean {
  if (node.constructed || node.content.length !== 1 || node.content[0] !== 0xff) bad(`${what}: not a DER BOOLEAN TRUE`);
  return true;
}

function issuingDistributionPoint(value: Uint8Array): CrlScope {
  // RFC 5280 5.2.5: an empty IDP says nothing, and conforming issuers never write one.
  const fields = sequence(parseDer(value, "issuingDistributionPoint"), "issuingDistributionPoint", 1, 6);
  let distributionPoints: string[] = [];
  let onlyUserCerts = false;
  let onlyCaCerts = false;
  let partial = false;
  let last = -1;
  for (const f of fields) {
    if (f.tagClass !== 3 || f.tagNumber <= last) bad("issuingDistributionPoint: unexpected field");
    last = f.tagNumber;
    switch (f.tagNumber) {
      case 0: {
        const names = distributionPointNames(f);
        if (names === null) partial = true;
        else distributionPoints = names;
        break;
      }
      case 1:
        onlyUserCerts = implicitBoolean(f, "onlyContainsUserCerts");
        break;
      case 2:
        onlyCaCerts = implicitBoolean(f, "onlyContainsCACerts");
        break;
      case 3: // onlySomeReasons
        partial = true;
        break;
      case 4: // indirectCRL
        partial ||= implicitBoolean(f, "indirectCRL");
        break;
      case 5:
        implicitBoolean(f, "onlyContainsAttributeCerts");
        throw new ConfigError("CRL: it only covers attribute certificates (onlyContainsAttributeCerts), never a TLS certificate", "crls");
      default:
        bad("issuingDistributionPoint: unexpected field");
    }
  }
  // RFC 5280 5.2.5: at most one of onlyContainsUserCerts, onlyContainsCACerts, onlyContainsAttributeCerts.
  if (onlyUserCerts && onlyCaCerts) bad("issuingDistributionPoint: onlyContainsUserCerts and onlyContainsCACerts both set");
  return { onlyUserCerts, onlyCaCerts, distributionPoints, partial };
}

/** fullName GeneralNames of a [0] EXPLICIT DistributionPointName as hex DER; null for the relative form. */
function distributionPointNames(wrapper: DerNode): string[] | null {
  if (!wrapper.constructed || wrapper.children.length !== 1) bad("distributionPoint: malformed");
  const choice = wrapper.children[0]!;
  if (isContext(choice, 0) && choice.constructed && choice.children.length > 0) return choice.children.map((n) => toHex(n.raw));
  if (isContext(choice, 1)) return null;
  return bad("distributionPoint: malformed DistributionPointName");
}

/**
 * The distribution point names a certificate's cRLDistributionPoints extension gives for CRLs from
 * its own issuer (points with a cRLIssuer belong to indirect CRLs, which are not supported).
 */
export function certificateDistributionPoints(cert: Certificate): string[] {
  const ext = cert.extensions.find((e) => e.oid === ExtensionOid.crlDistributionPoints);
  if (ext === undefined) return [];
  try {
    const names: string[] = [];
    for (const dp of sequence(parseDer(ext.value, "cRLDistributionPoints"), "cRLDistributionPoints", 1)) {
      const fields = sequence(dp, "DistributionPoint", 0, 3);
      if (fields.some((f) => isContext(f, 2))) continue;
      const point = fields.find((f) => isContext(f, 0));
      if (point !== undefined) names.push(...(distributionPointNames(point) ?? []));
    }
    return names;
  } catch (e) {
    if (e instanceof DerError) return []; // an unreadable pointer points nowhere
    throw e;
  }
}
