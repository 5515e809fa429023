// Names for cipher suite code points, as a scan reports what a server picked: the IANA registry's
// (iana-cipher-suite-table.ts), the two signalling values', or `unassigned_0x....`.

import { SignalingSuite } from "../src/msgs/enums.js";
import { IANA_CIPHER_SUITES } from "./iana-cipher-suite-table.js";

export { type IanaCipherSuite, IANA_CIPHER_SUITES } from "./iana-cipher-suite-table.js";

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746) and TLS_FALLBACK_SCSV (RFC 7507): client signals, never selectable suites. */
export const { EMPTY_RENEGOTIATION_INFO_SCSV, FALLBACK_SCSV } = SignalingSuite;

const BY_CODE: ReadonlyMap<number, string> = new Map(IANA_CIPHER_SUITES.map((s) => [s.iana, s.name]));

/** The value as a report shows a code point nobody has registered: `unassigned_0xc0ff`. */
export const unassignedName = (code: number): string => `unassigned_0x${code.toString(16).padStart(4, "0")}`;

/** The registry name of a code point; the signalling values by their own names; otherwise `unassigned_0x....`. */
export function ianaSuiteName(code: number): string {
  if (code === EMPTY_RENEGOTIATION_INFO_SCSV) return "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";
  if (code === FALLBACK_SCSV) return "TLS_FALLBACK_SCSV";
  return BY_CODE.get(code) ?? unassignedName(code);
}

/**
 * Whether a code point lies in the TLS 1.3 block 0x1301-0x13FF, the block a scan enumerates with a
 * TLS 1.3 ClientHello. A range test, not a registry lookup: the few TLS 1.3 suites registered
 * elsewhere (TLS_SM4_*_SM3, the Ascon and GOST MGM suites, TLS_SHA256_SHA256) answer false here and
 * are recognised by name instead, where suiteKeyExchange (suite-names.ts) returns "tls13".
 */
export const isTls13Suite = (code: number): boolean => code >= 0x1301 && code <= 0x13ff;
