// Every assigned value of the IANA "TLS Supported Groups" registry (tls-parameters, registry 8), so
// a scan can offer each group in turn and name whatever a server picks, including groups fipstls
// does not implement. Names are the registry's, with its mixed case (x25519 beside X25519MLKEM768).
// GREASE values (RFC 8701) and the private-use ranges (0x01FC-0x01FF, 0xFE00-0xFEFF) are not
// assignments and are left out.
import { unassignedName } from "./iana-cipher-suites.js";

export interface IanaGroup {
  readonly iana: number;
  readonly name: string;
}

/** Sorted by code point. */
export const IANA_GROUPS: readonly IanaGroup[] = [
  // RFC 8422: binary curves (sect*) and the SEC prime curves before secp256r1, all deprecated.
  { iana: 1, name: "sect163k1" },
  { iana: 2, name: "sect163r1" },
  { iana: 3, name: "sect163r2" },
  { iana: 4, name: "sect193r1" },
  { iana: 5, name: "sect193r2" },
  { iana: 6, name: "sect233k1" },
  { iana: 7, name: "sect233r1" },
  { iana: 8, name: "sect239k1" },
  { iana: 9, name: "sect283k1" },
  { iana: 10, name: "sect283r1" },
  { iana: 11, name: "sect409k1" },
  { iana: 12, name: "sect409r1" },
  { iana: 13, name: "sect571k1" },
  { iana: 14, name: "sect571r1" },
  { iana: 15, name: "secp160k1" },
  { iana: 16, name: "secp160r1" },
  { iana: 17, name: "secp160r2" },
  { iana: 18, name: "secp192k1" },
  { iana: 19, name: "secp192r1" },
  { iana: 20, name: "secp224k1" },
  { iana: 21, name: "secp224r1" },
  { iana: 22, name: "secp256k1" },
  // RFC 8422 / RFC 8446: the NIST curves TLS 1.3 keeps.
  { iana: 23, name: "secp256r1" },
  { iana: 24, name: "secp384r1" },
  { iana: 25, name: "secp521r1" },
  // RFC 7027 (Brainpool for TLS 1.2), RFC 8422 / RFC 7748 (X25519, X448)
  { iana: 26, name: "brainpoolP256r1" },
  { iana: 27, name: "brainpoolP384r1" },
  { iana: 28, name: "brainpoolP512r1" },
  { iana: 29, name: "x25519" },
  { iana: 30, name: "x448" },
  // RFC 8734 (Brainpool for TLS 1.3)
  { iana: 31, name: "brainpoolP256r1tls13" },
  { iana: 32, name: "brainpoolP384r1tls13" },
  { iana: 33, name: "brainpoolP512r1tls13" },
  // RFC 9189 (GOST curves)
  { iana: 34, name: "GC256A" },
  { iana: 35, name: "GC256B" },
  { iana: 36, name: "GC256C" },
  { iana: 37, name: "GC256D" },
  { iana: 38, name: "GC512A" },
  { iana: 39, name: "GC512B" },
  { iana: 40, name: "GC512C" },
  // RFC 8998 (ShangMi)
  { iana: 41, name: "curveSM2" },
  // RFC 7919 (finite-field Diffie-Hellman)
  { iana: 0x0100, name: "ffdhe2048" },
  { iana: 0x0101, name: "ffdhe3072" },
  { iana: 0x0102, name: "ffdhe4096" },
  { iana: 0x0103, name: "ffdhe6144" },
  { iana: 0x0104, name: "ffdhe8192" },
  // draft-ietf-tls-mlkem (pure ML-KEM, FIPS 203)
  { iana: 0x0200, name: "MLKEM512" },
  { iana: 0x0201, name: "MLKEM768" },
  { iana: 0x0202, name: "MLKEM1024" },
  // draft-rosomakho-tls-ecdhe-mlkem512 (4585, 4586)
  { iana: 0x11e9, name: "SecP256r1MLKEM512" },
  { iana: 0x11ea, name: "MLKEM512X25519" },
  // draft-ietf-tls-ecdhe-mlkem (4587-4589), the hybrids browsers and servers deploy
  { iana: 0x11eb, name: "SecP256r1MLKEM768" },
  { iana: 0x11ec, name: "X25519MLKEM768" },
  { iana: 0x11ed, name: "SecP384r1MLKEM1024" },
  // draft-yang-tls-hybrid-sm2-mlkem (4590)
  { iana: 0x11ee, name: "curveSM2MLKEM768" },
  // Pre-standard Kyber hybrids (25497, 25498); the registry marks both "(OBSOLETE)", but servers
  // that still pick them must be named, so they stay.
  { iana: 0x6399, name: "X25519Kyber768Draft00" },
  { iana: 0x639a, name: "SecP256r1Kyber768Draft00" },
  // RFC 8422: explicit curve parameters, deprecated and never negotiable in TLS 1.3.
  { iana: 0xff01, name: "arbitrary_explicit_prime_curves" },
  { iana: 0xff02, name: "arbitrary_explicit_char2_curves" },
];

const BY_CODE: ReadonlyMap<number, string> = new Map(IANA_GROUPS.map((g) => [g.iana, g.name]));

/** The registry name of a group, or `unassigned_0x....` as for cipher suites. */
export const ianaGroupName = (code: number): string => BY_CODE.get(code) ?? unassignedName(code);
