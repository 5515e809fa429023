// Server identity checks (RFC 6125 for DNS names, RFC 5280 4.2.1.6 for IP addresses). Only the
// subjectAltName extension counts; the subject's CN is never consulted.
import type { Certificate } from "./certificate.js";

/** Parses a dotted-quad IPv4 address; leading zeros are refused (they read as octal elsewhere). */
export function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

/** Parses an IPv6 address (RFC 4291 2.2: compressed "::" and a trailing dotted quad); brackets allowed. */
export function parseIpv6(text: string): Uint8Array | null {
  let s = text;
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  // Zone identifiers ("%eth0") name an interface, not an address a certificate could carry.
  if (s.length === 0 || s.length > 45 || s.includes("%")) return null;
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const head = groups(halves[0]!, halves.length === 1);
  if (head === null) return null;
  let all: number[];
  if (halves.length === 1) {
    if (head.length !== 8) return null;
    all = head;
  } else {
    const tail = groups(halves[1]!, true);
    // "::" stands for at least one group of zeros.
    if (tail === null || head.length + tail.length > 7) return null;
    all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

// Colon-separated 16-bit groups; the last may be a dotted quad standing for two groups.
function groups(part: string, dottedQuadLast: boolean): number[] | null {
  if (part === "") return [];
  const items = part.split(":");
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (dottedQuadLast && i === items.length - 1 && item.includes(".")) {
      const v4 = parseIpv4(item);
      if (v4 === null) return null;
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
      out.push(parseInt(item, 16));
    } else {
      return null;
    }
  }
  return out;
}

/** The address bytes (4 or 16) when `text` is an IP literal, else null. */
export function parseIpAddress(text: string): Uint8Array | null {
  return parseIpv4(text) ?? parseIpv6(text);
}

export function isIpLiteral(text: string): boolean {
  return parseIpAddress(text) !== null;
}

// RFC 1034 3.5 / RFC 1123 2.1 preferred name syntax: letters, digits and inner hyphens. Underscores
// are refused (as pyca/cryptography; they are not host name characters, and CAs may not issue them).
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Lower-cased labels of a valid host name, or null. An all-numeric last label is refused so that
 * malformed IP addresses are not read as DNS names.
 */
export function hostLabels(name: string): string[] | null {
  if (name.length === 0 || name.length > 253 || /[^\x21-\x7e]/.test(name)) return null;
  const labels = name.toLowerCase().split(".");
  if (!labels.every((l) => LABEL.test(l))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return null;
  return labels;
}

/** A reference (server) name's labels: a host name, one trailing dot ignored (an absolute name). */
export function dnsLabels(name: string): string[] | null {
  return hostLabels(name.endsWith(".") ? name.slice(0, -1) : name);
}

/**
 * Whether a dNSName SAN `pattern` matches the valid reference name `labels`. A wildcard is only the
 * entire left-most label, matches exactly one label, and needs at least three labels in the pattern
 * ("*.com" never matches); partial wildcards ("f*o.example.com") never match.
 */
function dnsPatternMatches(pattern: string, labels: readonly string[]): boolean {
  const wildcard = pattern.startsWith("*.");
  // A presented name is written without the trailing dot (as webpki and pyca/cryptography read it).
  const p = hostLabels(wildcard ? `x${pattern.slice(1)}` : pattern);
  if (p === null || p.length !== labels.length) return false;
  if (wildcard && p.length < 3) return false;
  for (let i = wildcard ? 1 : 0; i < p.length; i++) if (p[i] !== labels[i]) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Whether the certificate's subjectAltName covers `serverName` (a DNS name or an IP literal). */
export function matchesServerName(cert: Pick<Certificate, "subjectAltName">, serverName: string): boolean {
  const san = cert.subjectAltName;
  if (san === undefined) return false;
  const ip = parseIpAddress(serverName);
  if (ip !== null) return san.ipAddresses.some((candidate) => sameBytes(candidate, ip));
  const labels = dnsLabels(serverName);
  if (labels === null) return false;
  return san.dnsNames.some((pattern) => dnsPatternMatches(pattern, labels));
}
