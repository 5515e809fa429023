// Well-formedness of extensions fipstls does not act on but must not accept malformed (RFC 5280
// 4.2.1.4, 4.2.1.13, 4.2.2.1), and of the GeneralName and IA5String pieces they share with the rest.
import { type DerNode, Tag, bad, bitString, isContext, latin1, oid, parseDer, sequence } from "./der.js";
import { nameToString } from "./dn.js";

export function ia5(bytes: Uint8Array, what: string): string {
  // Odd-but-ASCII names are kept: they simply never match a valid server name (names.ts).
  for (const b of bytes) if (b > 0x7f) bad(`${what}: not IA5 (ASCII)`);
  return latin1(bytes);
}

/**
 * The shape of one GeneralName (RFC 5280 4.2.1.6), for extensions whose names fipstls only needs to be
 * well formed (authorityInfoAccess, cRLDistributionPoints, authorityCertIssuer).
 */
export function generalName(n: DerNode, what: string): void {
  if (n.tagClass !== 3 || n.tagNumber > 8) bad(`${what}: not a GeneralName`);
  switch (n.tagNumber) {
    case 0: {
      if (!n.constructed || n.children.length !== 2) bad(`${what}: malformed otherName`);
      oid(n.children[0], `${what} otherName type`);
      if (!isContext(n.children[1], 0) || !n.children[1].constructed) bad(`${what}: malformed otherName value`);
      return;
    }
    case 1:
    case 2:
    case 6:
      if (n.constructed) bad(`${what}: constructed ${FORM[n.tagNumber]}`);
      ia5(n.content, `${what} ${FORM[n.tagNumber]}`);
      return;
    case 4:
      if (!n.constructed || n.children.length !== 1) bad(`${what}: malformed directoryName`);
      nameToString(n.children[0]!, `${what} directoryName`);
      return;
    case 7:
      if (n.constructed || (n.content.length !== 4 && n.content.length !== 16)) bad(`${what}: malformed iPAddress`);
      return;
    case 8:
      if (n.constructed) bad(`${what}: constructed registeredID`);
      oid({ ...n, tagClass: 1, tagNumber: Tag.Oid }, `${what} registeredID`);
      return;
    default:
      // x400Address and ediPartyName: constructed structures nobody uses; their shape is not checked.
      if (!n.constructed) bad(`${what}: malformed GeneralName`);
  }
}

const FORM: Readonly<Record<number, string>> = { 1: "rfc822Name", 2: "dNSName", 6: "URI" };

/** AuthorityInfoAccessSyntax (RFC 5280 4.2.2.1): SEQUENCE SIZE (1..MAX) OF {accessMethod, accessLocation}. */
export function checkAuthorityInfoAccess(value: Uint8Array): void {
  for (const ad of sequence(parseDer(value, "authorityInfoAccess"), "authorityInfoAccess", 1)) {
    const [method, location] = sequence(ad, "AccessDescription", 2, 2);
    oid(method, "accessMethod");
    generalName(location!, "accessLocation");
  }
}

/** CRLDistributionPoints (RFC 5280 4.2.1.13): each point has a name or a cRLIssuer, fields in order. */
export function checkCrlDistributionPoints(value: Uint8Array): void {
  for (const dp of sequence(parseDer(value, "cRLDistributionPoints"), "cRLDistributionPoints", 1)) {
    const fields = sequence(dp, "DistributionPoint", 1, 3);
    let last = -1;
    for (const f of fields) {
      if (f.tagClass !== 3 || f.tagNumber > 2 || f.tagNumber <= last || f.constructed === (f.tagNumber === 1)) bad("DistributionPoint: unexpected field");
      last = f.tagNumber;
      if (f.tagNumber === 0) {
        if (f.children.length !== 1) bad("distributionPoint: malformed");
        const choice = f.children[0]!;
        if (!isContext(choice, 0) && !isContext(choice, 1)) bad("distributionPoint: malformed DistributionPointName");
        if (!choice.constructed || choice.children.length === 0) bad("distributionPoint: empty name");
        if (isContext(choice, 0)) for (const n of choice.children) generalName(n, "distributionPoint fullName");
      } else if (f.tagNumber === 1) {
        bitString({ ...f, tagClass: 1, tagNumber: Tag.BitString, constructed: false }, "DistributionPoint reasons");
      } else {
        if (f.children.length === 0) bad("cRLIssuer: empty");
        for (const n of f.children) generalName(n, "cRLIssuer");
      }
    }
    // RFC 5280: either distributionPoint or cRLIssuer MUST be present.
    if (!fields.some((f) => f.tagNumber === 0 || f.tagNumber === 2)) bad("DistributionPoint: neither a name nor a cRLIssuer");
  }
}

/** certificatePolicies (RFC 5280 4.2.1.4): PolicyInformation entries, each policy OID at most once. */
export function checkCertificatePolicies(value: Uint8Array): void {
  const seen = new Set<string>();
  for (const info of sequence(parseDer(value, "certificatePolicies"), "certificatePolicies", 1)) {
    const [id, qualifiers] = sequence(info, "PolicyInformation", 1, 2);
    const policy = oid(id, "policyIdentifier");
    if (seen.has(policy)) bad(`certificatePolicies: policy ${policy} listed twice`);
    seen.add(policy);
    if (qualifiers !== undefined) for (const q of sequence(qualifiers, "policyQualifiers", 1)) oid(sequence(q, "PolicyQualifierInfo", 1, 2)[0], "policyQualifierId");
  }
}
