// Distinguished names for people: RFC 4514-style strings ("CN=example.com, O=Acme"). Matching between
// certificates never uses these strings; it compares the DER of the Name (see certificate.ts).
import { toHex } from "../codec/bytes.js";
import { type DerNode, Tag, bad, isUniversal, latin1, oid, parseDer, sequence } from "./der.js";

const SHORT_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.42": "GN",
  "2.5.4.97": "organizationIdentifier",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "emailAddress",
};

/** Checks a Name's shape (SEQUENCE OF non-empty SET OF {OID, value}) and renders it. */
export function nameToString(name: DerNode, what: string): string {
  const rdns = sequence(name, what);
  const parts: string[] = [];
  for (const rdn of rdns) {
    if (!isUniversal(rdn, Tag.Set) || rdn.children.length === 0) bad(`${what}: RDN is not a non-empty SET`);
    const atvs = rdn.children.map((atv) => {
      const [type, value] = sequence(atv, what, 2, 2);
      const id = oid(type, `${what} attribute type`);
      const text = attributeText(value!);
      const key = SHORT_NAMES[id];
      return key !== undefined && text !== null ? `${key}=${escape(text)}` : `${id}=#${toHex(value!.raw)}`;
    });
    parts.push(atvs.join("+"));
  }
  // RFC 4514 writes the most specific RDN first, the reverse of the encoded order.
  return parts.reverse().join(", ");
}

function attributeText(value: DerNode): string | null {
  if (value.tagClass !== 1 || value.constructed) return null;
  const c = value.content;
  switch (value.tagNumber) {
    case Tag.Utf8String:
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(c);
      } catch {
        return null;
      }
    case Tag.PrintableString:
    case Tag.Ia5String:
    case 18: // NumericString
    case 26: // VisibleString
    case Tag.TeletexString: // in practice Latin-1
      return latin1(c);
    case Tag.BmpString:
      return c.length % 2 === 0 ? codeUnits(c, 2) : null;
    case Tag.UniversalString:
      return c.length % 4 === 0 ? codeUnits(c, 4) : null;
    default:
      return null;
  }
}

function codeUnits(c: Uint8Array, width: 2 | 4): string {
  let s = "";
  for (let i = 0; i < c.length; i += width) {
    let cp = 0;
    for (let j = 0; j < width; j++) cp = cp * 256 + c[i + j]!;
    s += cp <= 0x10ffff && (width === 4 || cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : "\ufffd";
  }
  return s;
}

function escape(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    if (',+"\\<>;'.includes(ch) || (i === 0 && (ch === "#" || ch === " ")) || (i === text.length - 1 && ch === " ")) {
      out += `\\${ch}`;
    } else if (code < 0x20 || code === 0x7f) {
      // Control characters would let a subject forge log lines.
      out += `\\${code.toString(16).padStart(2, "0")}`;
    } else {
      out += ch;
    }
  }
  return out;
}

const EMAIL_ADDRESS = "1.2.840.113549.1.9.1";

/**
 * A Name as comparable RDN keys, for directoryName constraints (RFC 5280 7.1). Text values compare
 * after case folding and whitespace trimming/collapsing, an approximation of RFC 4518's string
 * preparation; other values compare as DER. Within an RDN the attribute order does not matter.
 */
export function comparableRdns(nameDer: Uint8Array): string[] {
  const rdns = sequence(parseDer(nameDer, "Name"), "Name");
  return rdns.map((rdn) =>
    rdn.children
      .map((atv) => {
        const [type, value] = sequence(atv, "Name", 2, 2);
        const text = attributeText(value!);
        const key = text === null ? `x:${toHex(value!.raw)}` : `t:${text.toLowerCase().trim().replace(/\s+/g, " ")}`;
        return `${oid(type, "Name attribute type")}=${key}`;
      })
      .sort()
      .join("+"),
  );
}

/**
 * The legacy emailAddress attributes of a Name (rfc822Names for name constraints). A value that is
 * not text is returned as "" so that a constraint on addresses fails closed on it.
 */
export function emailAddresses(nameDer: Uint8Array): string[] {
  const out: string[] = [];
  for (const rdn of sequence(parseDer(nameDer, "Name"), "Name")) {
    for (const atv of rdn.children) {
      const [type, value] = sequence(atv, "Name", 2, 2);
      if (oid(type, "Name attribute type") === EMAIL_ADDRESS) out.push(attributeText(value!) ?? "");
    }
  }
  return out;
}
