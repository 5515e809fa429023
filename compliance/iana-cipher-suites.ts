// Every assigned value of the IANA "TLS Cipher Suites" registry (tls-parameters, registry 4), so a
// scan can walk the registry range by range, as sslscan does, and name whatever a server picks,
// including suites fipstls will never implement. The two signalling values are kept out of the
// table because no server can select them; a scan sends them on purpose, by name.
//
// Names are spelled exactly as the registry spells them (its typos and mixed case included, e.g.
// TLS_PSK_DHE_WITH_AES_128_CCM_8 and TLS_DH_anon_*), so they match OpenSSL's -stdname output and
// other scanners' reports byte for byte. Reserved, GREASE (RFC 8701) and private-use values are
// not assignments and are left out.

import { SignalingSuite } from "../src/msgs/enums.js";

export interface IanaCipherSuite {
  readonly iana: number;
  readonly name: string;
}

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746) and TLS_FALLBACK_SCSV (RFC 7507): client signals, never selectable suites. */
export const { EMPTY_RENEGOTIATION_INFO_SCSV, FALLBACK_SCSV } = SignalingSuite;

/** Sorted by code point. */
export const IANA_CIPHER_SUITES: readonly IanaCipherSuite[] = [
  // RFC 5246, RFC 4346 (export), RFC 5469 (DES, IDEA)
  { iana: 0x0000, name: "TLS_NULL_WITH_NULL_NULL" },
  { iana: 0x0001, name: "TLS_RSA_WITH_NULL_MD5" },
  { iana: 0x0002, name: "TLS_RSA_WITH_NULL_SHA" },
  { iana: 0x0003, name: "TLS_RSA_EXPORT_WITH_RC4_40_MD5" },
  { iana: 0x0004, name: "TLS_RSA_WITH_RC4_128_MD5" },
  { iana: 0x0005, name: "TLS_RSA_WITH_RC4_128_SHA" },
  { iana: 0x0006, name: "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5" },
  { iana: 0x0007, name: "TLS_RSA_WITH_IDEA_CBC_SHA" },
  { iana: 0x0008, name: "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA" },
  { iana: 0x0009, name: "TLS_RSA_WITH_DES_CBC_SHA" },
  { iana: 0x000a, name: "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0x000b, name: "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA" },
  { iana: 0x000c, name: "TLS_DH_DSS_WITH_DES_CBC_SHA" },
  { iana: 0x000d, name: "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0x000e, name: "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA" },
  { iana: 0x000f, name: "TLS_DH_RSA_WITH_DES_CBC_SHA" },
  { iana: 0x0010, name: "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0x0011, name: "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA" },
  { iana: 0x0012, name: "TLS_DHE_DSS_WITH_DES_CBC_SHA" },
  { iana: 0x0013, name: "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0x0014, name: "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA" },
  { iana: 0x0015, name: "TLS_DHE_RSA_WITH_DES_CBC_SHA" },
  { iana: 0x0016, name: "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0x0017, name: "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5" },
  { iana: 0x0018, name: "TLS_DH_anon_WITH_RC4_128_MD5" },
  { iana: 0x0019, name: "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA" },
  { iana: 0x001a, name: "TLS_DH_anon_WITH_DES_CBC_SHA" },
  { iana: 0x001b, name: "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA" },
  // 0x001C-0x001D are reserved to avoid clashing with SSLv3 FORTEZZA. RFC 2712 (Kerberos):
  { iana: 0x001e, name: "TLS_KRB5_WITH_DES_CBC_SHA" },
  { iana: 0x001f, name: "TLS_KRB5_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0x0020, name: "TLS_KRB5_WITH_RC4_128_SHA" },
  { iana: 0x0021, name: "TLS_KRB5_WITH_IDEA_CBC_SHA" },
  { iana: 0x0022, name: "TLS_KRB5_WITH_DES_CBC_MD5" },
  { iana: 0x0023, name: "TLS_KRB5_WITH_3DES_EDE_CBC_MD5" },
  { iana: 0x0024, name: "TLS_KRB5_WITH_RC4_128_MD5" },
  { iana: 0x0025, name: "TLS_KRB5_WITH_IDEA_CBC_MD5" },
  { iana: 0x0026, name: "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA" },
  { iana: 0x0027, name: "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA" },
  { iana: 0x0028, name: "TLS_KRB5_EXPORT_WITH_RC4_40_SHA" },
  { iana: 0x0029, name: "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5" },
  { iana: 0x002a, name: "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5" },
  { iana: 0x002b, name: "TLS_KRB5_EXPORT_WITH_RC4_40_MD5" },
  // RFC 4785 (PSK with NULL), RFC 5246 (AES, SHA-256)
  { iana: 0x002c, name: "TLS_PSK_WITH_NULL_SHA" },
  { iana: 0x002d, name: "TLS_DHE_PSK_WITH_NULL_SHA" },
  { iana: 0x002e, name: "TLS_RSA_PSK_WITH_NULL_SHA" },
  { iana: 0x002f, name: "TLS_RSA_WITH_AES_128_CBC_SHA" },
  { iana: 0x0030, name: "TLS_DH_DSS_WITH_AES_128_CBC_SHA" },
  { iana: 0x0031, name: "TLS_DH_RSA_WITH_AES_128_CBC_SHA" },
  { iana: 0x0032, name: "TLS_DHE_DSS_WITH_AES_128_CBC_SHA" },
  { iana: 0x0033, name: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
  { iana: 0x0034, name: "TLS_DH_anon_WITH_AES_128_CBC_SHA" },
  { iana: 0x0035, name: "TLS_RSA_WITH_AES_256_CBC_SHA" },
  { iana: 0x0036, name: "TLS_DH_DSS_WITH_AES_256_CBC_SHA" },
  { iana: 0x0037, name: "TLS_DH_RSA_WITH_AES_256_CBC_SHA" },
  { iana: 0x0038, name: "TLS_DHE_DSS_WITH_AES_256_CBC_SHA" },
  { iana: 0x0039, name: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
  { iana: 0x003a, name: "TLS_DH_anon_WITH_AES_256_CBC_SHA" },
  { iana: 0x003b, name: "TLS_RSA_WITH_NULL_SHA256" },
  { iana: 0x003c, name: "TLS_RSA_WITH_AES_128_CBC_SHA256" },
  { iana: 0x003d, name: "TLS_RSA_WITH_AES_256_CBC_SHA256" },
  { iana: 0x003e, name: "TLS_DH_DSS_WITH_AES_128_CBC_SHA256" },
  { iana: 0x003f, name: "TLS_DH_RSA_WITH_AES_128_CBC_SHA256" },
  { iana: 0x0040, name: "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256" },
  // RFC 5932 (Camellia)
  { iana: 0x0041, name: "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA" },
  { iana: 0x0042, name: "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA" },
  { iana: 0x0043, name: "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA" },
  { iana: 0x0044, name: "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA" },
  { iana: 0x0045, name: "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA" },
  { iana: 0x0046, name: "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA" },
  // 0x0047-0x0066 are reserved for old deployed implementations. RFC 5246:
  { iana: 0x0067, name: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
  { iana: 0x0068, name: "TLS_DH_DSS_WITH_AES_256_CBC_SHA256" },
  { iana: 0x0069, name: "TLS_DH_RSA_WITH_AES_256_CBC_SHA256" },
  { iana: 0x006a, name: "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256" },
  { iana: 0x006b, name: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
  { iana: 0x006c, name: "TLS_DH_anon_WITH_AES_128_CBC_SHA256" },
  { iana: 0x006d, name: "TLS_DH_anon_WITH_AES_256_CBC_SHA256" },
  // NIST SP 800-232 (Ascon), TLS 1.3-style names; the newest assignments in this table.
  { iana: 0x006e, name: "TLS_ASCONAEAD128_ASCONHASH256" },
  { iana: 0x006f, name: "TLS_ASCONAEAD128_SHA256" },
  { iana: 0x0070, name: "TLS_AES_128_GCM_ASCONHASH256" },
  { iana: 0x0071, name: "TLS_AES_128_CCM_ASCONHASH256" },
  // RFC 5932 (Camellia)
  { iana: 0x0084, name: "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA" },
  { iana: 0x0085, name: "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA" },
  { iana: 0x0086, name: "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA" },
  { iana: 0x0087, name: "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA" },
  { iana: 0x0088, name: "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA" },
  { iana: 0x0089, name: "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA" },
  // RFC 4279 (PSK)
  { iana: 0x008a, name: "TLS_PSK_WITH_RC4_128_SHA" },
  { iana: 0x008b, name: "TLS_PSK_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0x008c, name: "TLS_PSK_WITH_AES_128_CBC_SHA" },
  { iana: 0x008d, name: "TLS_PSK_WITH_AES_256_CBC_SHA" },
  { iana: 0x008e, name: "TLS_DHE_PSK_WITH_RC4_128_SHA" },
  { iana: 0x008f, name: "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0x0090, name: "TLS_DHE_PSK_WITH_AES_128_CBC_SHA" },
  { iana: 0x0091, name: "TLS_DHE_PSK_WITH_AES_256_CBC_SHA" },
  { iana: 0x0092, name: "TLS_RSA_PSK_WITH_RC4_128_SHA" },
  { iana: 0x0093, name: "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0x0094, name: "TLS_RSA_PSK_WITH_AES_128_CBC_SHA" },
  { iana: 0x0095, name: "TLS_RSA_PSK_WITH_AES_256_CBC_SHA" },
  // RFC 4162 (SEED)
  { iana: 0x0096, name: "TLS_RSA_WITH_SEED_CBC_SHA" },
  { iana: 0x0097, name: "TLS_DH_DSS_WITH_SEED_CBC_SHA" },
  { iana: 0x0098, name: "TLS_DH_RSA_WITH_SEED_CBC_SHA" },
  { iana: 0x0099, name: "TLS_DHE_DSS_WITH_SEED_CBC_SHA" },
  { iana: 0x009a, name: "TLS_DHE_RSA_WITH_SEED_CBC_SHA" },
  { iana: 0x009b, name: "TLS_DH_anon_WITH_SEED_CBC_SHA" },
  // RFC 5288 (AES-GCM)
  { iana: 0x009c, name: "TLS_RSA_WITH_AES_128_GCM_SHA256" },
  { iana: 0x009d, name: "TLS_RSA_WITH_AES_256_GCM_SHA384" },
  { iana: 0x009e, name: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
  { iana: 0x009f, name: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
  { iana: 0x00a0, name: "TLS_DH_RSA_WITH_AES_128_GCM_SHA256" },
  { iana: 0x00a1, name: "TLS_DH_RSA_WITH_AES_256_GCM_SHA384" },
  { iana: 0x00a2, name: "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256" },
  { iana: 0x00a3, name: "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384" },
  { iana: 0x00a4, name: "TLS_DH_DSS_WITH_AES_128_GCM_SHA256" },
  { iana: 0x00a5, name: "TLS_DH_DSS_WITH_AES_256_GCM_SHA384" },
  { iana: 0x00a6, name: "TLS_DH_anon_WITH_AES_128_GCM_SHA256" },
  { iana: 0x00a7, name: "TLS_DH_anon_WITH_AES_256_GCM_SHA384" },
  // RFC 5487 (PSK with SHA-256/384 and GCM)
  { iana: 0x00a8, name: "TLS_PSK_WITH_AES_128_GCM_SHA256" },
  { iana: 0x00a9, name: "TLS_PSK_WITH_AES_256_GCM_SHA384" },
  { iana: 0x00aa, name: "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256" },
  { iana: 0x00ab, name: "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384" },
  { iana: 0x00ac, name: "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256" },
  { iana: 0x00ad, name: "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384" },
  { iana: 0x00ae, name: "TLS_PSK_WITH_AES_128_CBC_SHA256" },
  { iana: 0x00af, name: "TLS_PSK_WITH_AES_256_CBC_SHA384" },
  { iana: 0x00b0, name: "TLS_PSK_WITH_NULL_SHA256" },
  { iana: 0x00b1, name: "TLS_PSK_WITH_NULL_SHA384" },
  { iana: 0x00b2, name: "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256" },
  { iana: 0x00b3, name: "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384" },
  { iana: 0x00b4, name: "TLS_DHE_PSK_WITH_NULL_SHA256" },
  { iana: 0x00b5, name: "TLS_DHE_PSK_WITH_NULL_SHA384" },
  { iana: 0x00b6, name: "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256" },
  { iana: 0x00b7, name: "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384" },
  { iana: 0x00b8, name: "TLS_RSA_PSK_WITH_NULL_SHA256" },
  { iana: 0x00b9, name: "TLS_RSA_PSK_WITH_NULL_SHA384" },
  // RFC 5932 (Camellia with SHA-256)
  { iana: 0x00ba, name: "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0x00bb, name: "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0x00bc, name: "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0x00bd, name: "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0x00be, name: "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0x00bf, name: "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0x00c0, name: "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
  { iana: 0x00c1, name: "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256" },
  { iana: 0x00c2, name: "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
  { iana: 0x00c3, name: "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256" },
  { iana: 0x00c4, name: "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
  { iana: 0x00c5, name: "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256" },
  // RFC 8998 (ShangMi, TLS 1.3)
  { iana: 0x00c6, name: "TLS_SM4_GCM_SM3" },
  { iana: 0x00c7, name: "TLS_SM4_CCM_SM3" },
  // 0x00FF is TLS_EMPTY_RENEGOTIATION_INFO_SCSV, exported above. RFC 8446 (TLS 1.3):
  { iana: 0x1301, name: "TLS_AES_128_GCM_SHA256" },
  { iana: 0x1302, name: "TLS_AES_256_GCM_SHA384" },
  { iana: 0x1303, name: "TLS_CHACHA20_POLY1305_SHA256" },
  { iana: 0x1304, name: "TLS_AES_128_CCM_SHA256" },
  { iana: 0x1305, name: "TLS_AES_128_CCM_8_SHA256" },
  // draft-irtf-cfrg-aegis-aead; 0x1306 was renamed from TLS_AEGIS_256_SHA384 in December 2023.
  { iana: 0x1306, name: "TLS_AEGIS_256_SHA512" },
  { iana: 0x1307, name: "TLS_AEGIS_128L_SHA256" },
  // 0x5600 is TLS_FALLBACK_SCSV, exported above. RFC 8422 (ECC):
  { iana: 0xc001, name: "TLS_ECDH_ECDSA_WITH_NULL_SHA" },
  { iana: 0xc002, name: "TLS_ECDH_ECDSA_WITH_RC4_128_SHA" },
  { iana: 0xc003, name: "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0xc004, name: "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA" },
  { iana: 0xc005, name: "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA" },
  { iana: 0xc006, name: "TLS_ECDHE_ECDSA_WITH_NULL_SHA" },
  { iana: 0xc007, name: "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA" },
  { iana: 0xc008, name: "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0xc009, name: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
  { iana: 0xc00a, name: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
  { iana: 0xc00b, name: "TLS_ECDH_RSA_WITH_NULL_SHA" },
  { iana: 0xc00c, name: "TLS_ECDH_RSA_WITH_RC4_128_SHA" },
  { iana: 0xc00d, name: "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0xc00e, name: "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA" },
  { iana: 0xc00f, name: "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA" },
  { iana: 0xc010, name: "TLS_ECDHE_RSA_WITH_NULL_SHA" },
  { iana: 0xc011, name: "TLS_ECDHE_RSA_WITH_RC4_128_SHA" },
  { iana: 0xc012, name: "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0xc013, name: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
  { iana: 0xc014, name: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
  { iana: 0xc015, name: "TLS_ECDH_anon_WITH_NULL_SHA" },
  { iana: 0xc016, name: "TLS_ECDH_anon_WITH_RC4_128_SHA" },
  { iana: 0xc017, name: "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0xc018, name: "TLS_ECDH_anon_WITH_AES_128_CBC_SHA" },
  { iana: 0xc019, name: "TLS_ECDH_anon_WITH_AES_256_CBC_SHA" },
  // RFC 5054 (SRP)
  { iana: 0xc01a, name: "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0xc01b, name: "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0xc01c, name: "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0xc01d, name: "TLS_SRP_SHA_WITH_AES_128_CBC_SHA" },
  { iana: 0xc01e, name: "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA" },
  { iana: 0xc01f, name: "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA" },
  { iana: 0xc020, name: "TLS_SRP_SHA_WITH_AES_256_CBC_SHA" },
  { iana: 0xc021, name: "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA" },
  { iana: 0xc022, name: "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA" },
  // RFC 5289 (ECC with SHA-256/384 and GCM)
  { iana: 0xc023, name: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
  { iana: 0xc024, name: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
  { iana: 0xc025, name: "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256" },
  { iana: 0xc026, name: "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384" },
  { iana: 0xc027, name: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
  { iana: 0xc028, name: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
  { iana: 0xc029, name: "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256" },
  { iana: 0xc02a, name: "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384" },
  { iana: 0xc02b, name: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
  { iana: 0xc02c, name: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
  { iana: 0xc02d, name: "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256" },
  { iana: 0xc02e, name: "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384" },
  { iana: 0xc02f, name: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
  { iana: 0xc030, name: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
  { iana: 0xc031, name: "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256" },
  { iana: 0xc032, name: "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384" },
  // RFC 5489 (ECDHE_PSK)
  { iana: 0xc033, name: "TLS_ECDHE_PSK_WITH_RC4_128_SHA" },
  { iana: 0xc034, name: "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA" },
  { iana: 0xc035, name: "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA" },
  { iana: 0xc036, name: "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA" },
  { iana: 0xc037, name: "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256" },
  { iana: 0xc038, name: "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384" },
  { iana: 0xc039, name: "TLS_ECDHE_PSK_WITH_NULL_SHA" },
  { iana: 0xc03a, name: "TLS_ECDHE_PSK_WITH_NULL_SHA256" },
  { iana: 0xc03b, name: "TLS_ECDHE_PSK_WITH_NULL_SHA384" },
  // RFC 6209 (ARIA)
  { iana: 0xc03c, name: "TLS_RSA_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc03d, name: "TLS_RSA_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc03e, name: "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc03f, name: "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc040, name: "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc041, name: "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc042, name: "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc043, name: "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc044, name: "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc045, name: "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc046, name: "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc047, name: "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc048, name: "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc049, name: "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc04a, name: "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc04b, name: "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc04c, name: "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc04d, name: "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc04e, name: "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc04f, name: "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc050, name: "TLS_RSA_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc051, name: "TLS_RSA_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc052, name: "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc053, name: "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc054, name: "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc055, name: "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc056, name: "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc057, name: "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc058, name: "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc059, name: "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc05a, name: "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc05b, name: "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc05c, name: "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc05d, name: "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc05e, name: "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc05f, name: "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc060, name: "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc061, name: "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc062, name: "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc063, name: "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc064, name: "TLS_PSK_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc065, name: "TLS_PSK_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc066, name: "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc067, name: "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc068, name: "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc069, name: "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384" },
  { iana: 0xc06a, name: "TLS_PSK_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc06b, name: "TLS_PSK_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc06c, name: "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc06d, name: "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc06e, name: "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256" },
  { iana: 0xc06f, name: "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384" },
  { iana: 0xc070, name: "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256" },
  { iana: 0xc071, name: "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384" },
  // RFC 6367 (Camellia with ECC, GCM and PSK)
  { iana: 0xc072, name: "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0xc073, name: "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384" },
  { iana: 0xc074, name: "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0xc075, name: "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384" },
  { iana: 0xc076, name: "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0xc077, name: "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384" },
  { iana: 0xc078, name: "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0xc079, name: "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384" },
  { iana: 0xc07a, name: "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc07b, name: "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc07c, name: "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc07d, name: "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc07e, name: "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc07f, name: "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc080, name: "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc081, name: "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc082, name: "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc083, name: "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc084, name: "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc085, name: "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc086, name: "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc087, name: "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc088, name: "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc089, name: "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc08a, name: "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc08b, name: "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc08c, name: "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc08d, name: "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc08e, name: "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc08f, name: "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc090, name: "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc091, name: "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc092, name: "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
  { iana: 0xc093, name: "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
  { iana: 0xc094, name: "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0xc095, name: "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
  { iana: 0xc096, name: "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0xc097, name: "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
  { iana: 0xc098, name: "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0xc099, name: "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
  { iana: 0xc09a, name: "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
  { iana: 0xc09b, name: "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
  // RFC 6655 (AES-CCM); 0xC0AA-0xC0AB really are spelled PSK_DHE in the registry.
  { iana: 0xc09c, name: "TLS_RSA_WITH_AES_128_CCM" },
  { iana: 0xc09d, name: "TLS_RSA_WITH_AES_256_CCM" },
  { iana: 0xc09e, name: "TLS_DHE_RSA_WITH_AES_128_CCM" },
  { iana: 0xc09f, name: "TLS_DHE_RSA_WITH_AES_256_CCM" },
  { iana: 0xc0a0, name: "TLS_RSA_WITH_AES_128_CCM_8" },
  { iana: 0xc0a1, name: "TLS_RSA_WITH_AES_256_CCM_8" },
  { iana: 0xc0a2, name: "TLS_DHE_RSA_WITH_AES_128_CCM_8" },
  { iana: 0xc0a3, name: "TLS_DHE_RSA_WITH_AES_256_CCM_8" },
  { iana: 0xc0a4, name: "TLS_PSK_WITH_AES_128_CCM" },
  { iana: 0xc0a5, name: "TLS_PSK_WITH_AES_256_CCM" },
  { iana: 0xc0a6, name: "TLS_DHE_PSK_WITH_AES_128_CCM" },
  { iana: 0xc0a7, name: "TLS_DHE_PSK_WITH_AES_256_CCM" },
  { iana: 0xc0a8, name: "TLS_PSK_WITH_AES_128_CCM_8" },
  { iana: 0xc0a9, name: "TLS_PSK_WITH_AES_256_CCM_8" },
  { iana: 0xc0aa, name: "TLS_PSK_DHE_WITH_AES_128_CCM_8" },
  { iana: 0xc0ab, name: "TLS_PSK_DHE_WITH_AES_256_CCM_8" },
  // RFC 7251 (ECDHE_ECDSA with AES-CCM)
  { iana: 0xc0ac, name: "TLS_ECDHE_ECDSA_WITH_AES_128_CCM" },
  { iana: 0xc0ad, name: "TLS_ECDHE_ECDSA_WITH_AES_256_CCM" },
  { iana: 0xc0ae, name: "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8" },
  { iana: 0xc0af, name: "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8" },
  // RFC 8492 (ECCPWD), RFC 9150 (integrity-only TLS 1.3)
  { iana: 0xc0b0, name: "TLS_ECCPWD_WITH_AES_128_GCM_SHA256" },
  { iana: 0xc0b1, name: "TLS_ECCPWD_WITH_AES_256_GCM_SHA384" },
  { iana: 0xc0b2, name: "TLS_ECCPWD_WITH_AES_128_CCM_SHA256" },
  { iana: 0xc0b3, name: "TLS_ECCPWD_WITH_AES_256_CCM_SHA384" },
  { iana: 0xc0b4, name: "TLS_SHA256_SHA256" },
  { iana: 0xc0b5, name: "TLS_SHA384_SHA384" },
  // RFC 9189 (GOST, TLS 1.2), RFC 9367 (GOST MGM, TLS 1.3)
  { iana: 0xc100, name: "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC" },
  { iana: 0xc101, name: "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC" },
  { iana: 0xc102, name: "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT" },
  { iana: 0xc103, name: "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L" },
  { iana: 0xc104, name: "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L" },
  { iana: 0xc105, name: "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S" },
  { iana: 0xc106, name: "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S" },
  // RFC 7905 (ChaCha20-Poly1305)
  { iana: 0xcca8, name: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
  { iana: 0xcca9, name: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
  { iana: 0xccaa, name: "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
  { iana: 0xccab, name: "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256" },
  { iana: 0xccac, name: "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256" },
  { iana: 0xccad, name: "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256" },
  { iana: 0xccae, name: "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256" },
  // RFC 8442 (ECDHE_PSK with AEAD); 0xD004 is unassigned.
  { iana: 0xd001, name: "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256" },
  { iana: 0xd002, name: "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384" },
  { iana: 0xd003, name: "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256" },
  { iana: 0xd005, name: "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256" },
];

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
 * are recognised by name instead, where suiteKeyExchange returns "tls13".
 */
export const isTls13Suite = (code: number): boolean => code >= 0x1301 && code <= 0x13ff;

export type SuiteKeyExchange = "anon" | "null" | "rsa" | "dhe" | "ecdhe" | "dh" | "ecdh" | "psk" | "srp" | "krb5" | "tls13" | "other";

/**
 * The key exchange a suite name states. Any PSK flavour (PSK, DHE_PSK, ECDHE_PSK, RSA_PSK, PSK_DHE)
 * answers "psk" because a scanner cannot negotiate it without a shared key it does not have; anon
 * wins over the DH/ECDH it rides on because no certificate authenticates it. Names without _WITH_
 * are TLS 1.3 suites, which leave the key exchange to the extensions; so are the GOST MGM suites
 * (RFC 9367) although their names keep the TLS 1.2 shape.
 */
export function suiteKeyExchange(name: string): SuiteKeyExchange {
  if (!name.startsWith("TLS_")) return "other";
  const withAt = name.indexOf("_WITH_");
  if (withAt < 0) return "tls13";
  const kx = name.slice(4, withAt).split("_");
  if (kx.includes("anon")) return "anon";
  if (kx.includes("PSK")) return "psk";
  switch (kx[0]) {
    case "NULL": return "null";
    case "RSA": return "rsa";
    case "DHE": return "dhe";
    case "DH": return "dh";
    case "ECDHE": return "ecdhe";
    case "ECDH": return "ecdh";
    case "SRP": return "srp";
    case "KRB5": return "krb5";
    case "GOSTR341112": return name.includes("_MGM_") ? "tls13" : "other";
    default: return "other";
  }
}

export type SuiteCipher =
  | "AES-GCM" | "AES-CCM" | "AES-CBC" | "CHACHA20-POLY1305" | "CAMELLIA" | "ARIA" | "3DES" | "DES"
  | "RC4" | "RC2" | "IDEA" | "SEED" | "GOST" | "NULL" | "SM4" | "other";

/**
 * The bulk cipher family a suite name states. RFC 9150's TLS_SHA256_SHA256 and TLS_SHA384_SHA384
 * answer "NULL": they authenticate records but do not encrypt them, which is what a scan must flag.
 * AEGIS and Ascon AEADs answer "other".
 */
export function suiteCipher(name: string): SuiteCipher {
  if (!name.startsWith("TLS_")) return "other";
  const withAt = name.indexOf("_WITH_");
  const bulk = (withAt < 0 ? name.slice(4) : name.slice(withAt + 6)).split("_");
  const [first, , mode] = bulk;
  switch (first) {
    case "NULL": return "NULL";
    case "SHA256":
    case "SHA384": return "NULL";
    case "AES": return mode === "GCM" ? "AES-GCM" : mode === "CCM" ? "AES-CCM" : mode === "CBC" ? "AES-CBC" : "other";
    case "CHACHA20": return "CHACHA20-POLY1305";
    case "CAMELLIA": return "CAMELLIA";
    case "ARIA": return "ARIA";
    case "3DES": return "3DES";
    case "DES":
    case "DES40": return "DES";
    case "RC4": return "RC4";
    case "RC2": return "RC2";
    case "IDEA": return "IDEA";
    case "SEED": return "SEED";
    case "SM4": return "SM4";
    case "KUZNYECHIK":
    case "MAGMA":
    case "28147": return "GOST";
    default: return "other";
  }
}
