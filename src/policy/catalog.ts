// Everything a policy can judge, by kind and IANA name, with the code points and the testssl.sh ids
// that let a report be diffed against the scanners auditors already run.
import { CipherSuite, NamedGroup, SignatureScheme } from "../msgs/enums.js";
import { CERTIFICATE_SIGNATURE_ALGORITHMS } from "../verify/policy.js";

export type ItemKind = "version" | "cipher_suite" | "group" | "signature_scheme" | "certificate_signature" | "key" | "extension";

export interface CatalogItem {
  readonly kind: ItemKind;
  readonly name: string;
  /** IANA code point, where the item has one. */
  readonly iana?: number;
  /** testssl.sh finding id, where one exists. */
  readonly testsslId?: string;
}

export const VERSIONS: readonly CatalogItem[] = [
  { kind: "version", name: "TLSv1.0", iana: 0x0301, testsslId: "TLS1" },
  { kind: "version", name: "TLSv1.1", iana: 0x0302, testsslId: "TLS1_1" },
  { kind: "version", name: "TLSv1.2", iana: 0x0303, testsslId: "TLS1_2" },
  { kind: "version", name: "TLSv1.3", iana: 0x0304, testsslId: "TLS1_3" },
];

const suite = (name: string, iana: number): CatalogItem => ({
  kind: "cipher_suite",
  name,
  iana,
  testsslId: testsslCipherId(iana),
});

/** testssl.sh's id of a suite: the code point in hex, without a zero high byte (x9c, xc02f, x1301). */
export function testsslCipherId(iana: number): string {
  return `cipher-${iana < 0x1300 || iana > 0x13ff ? "tls1_2" : "tls1_3"}_x${iana.toString(16).padStart(iana < 0x100 ? 2 : 4, "0")}`;
}

/** TLS 1.3 suites fipstls implements, then the TLS 1.2 suites a scan probes for. */
export const CIPHER_SUITES: readonly CatalogItem[] = [
  suite("TLS_AES_128_GCM_SHA256", CipherSuite.TLS_AES_128_GCM_SHA256),
  suite("TLS_AES_256_GCM_SHA384", CipherSuite.TLS_AES_256_GCM_SHA384),
  suite("TLS_CHACHA20_POLY1305_SHA256", CipherSuite.TLS_CHACHA20_POLY1305_SHA256),
  suite("TLS_AES_128_CCM_SHA256", 0x1304),
  suite("TLS_AES_128_CCM_8_SHA256", 0x1305),
  suite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02b),
  suite("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xc02c),
  suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc02f),
  suite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xc030),
  suite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9),
  suite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca8),
  suite("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xc023),
  suite("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 0xc024),
  suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xc027),
  suite("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0xc028),
  suite("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xc009),
  suite("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 0xc00a),
  suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xc013),
  suite("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 0xc014),
  suite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009e),
  suite("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0x009f),
  suite("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 0x0067),
  suite("TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", 0x006b),
  suite("TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009c),
  suite("TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009d),
  suite("TLS_RSA_WITH_AES_128_CBC_SHA256", 0x003c),
  suite("TLS_RSA_WITH_AES_256_CBC_SHA256", 0x003d),
  suite("TLS_RSA_WITH_AES_128_CBC_SHA", 0x002f),
  suite("TLS_RSA_WITH_AES_256_CBC_SHA", 0x0035),
  suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x000a),
  suite("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", 0xc012),
  suite("TLS_RSA_WITH_RC4_128_SHA", 0x0005),
  suite("TLS_RSA_WITH_NULL_SHA256", 0x003b),
];

/** testssl.sh 3.2+ reports finite-field groups in DH_groups, hybrids in FS_KEMs, curves in FS_ECDHE_curves (3.0.x: PFS_ECDHE_curves). */
export function groupTestsslId(name: string): string {
  return name.startsWith("ffdhe") ? "DH_groups" : name.includes("MLKEM") ? "FS_KEMs" : "FS_ECDHE_curves";
}

export const GROUPS: readonly CatalogItem[] = [
  { kind: "group", name: "secp256r1", iana: NamedGroup.secp256r1 },
  { kind: "group", name: "secp384r1", iana: NamedGroup.secp384r1 },
  { kind: "group", name: "secp521r1", iana: NamedGroup.secp521r1 },
  { kind: "group", name: "x25519", iana: NamedGroup.x25519 },
  { kind: "group", name: "x448", iana: 0x001e },
  { kind: "group", name: "ffdhe2048", iana: 0x0100 },
  { kind: "group", name: "ffdhe3072", iana: 0x0101 },
  { kind: "group", name: "ffdhe4096", iana: 0x0102 },
  { kind: "group", name: "ffdhe6144", iana: 0x0103 },
  { kind: "group", name: "ffdhe8192", iana: 0x0104 },
  { kind: "group", name: "X25519MLKEM768", iana: 0x11ec },
  { kind: "group", name: "SecP256r1MLKEM768", iana: 0x11eb },
  { kind: "group", name: "SecP384r1MLKEM1024", iana: 0x11ed },
].map((g) => ({ ...g, kind: "group" as const, testsslId: groupTestsslId(g.name) }));

export const SIGNATURE_SCHEMES: readonly CatalogItem[] = [
  ...Object.entries(SignatureScheme).map(([name, iana]) => ({ kind: "signature_scheme" as const, name, iana })),
  { kind: "signature_scheme", name: "ed448", iana: 0x0808 },
  { kind: "signature_scheme", name: "rsa_pkcs1_sha1", iana: 0x0201 },
  { kind: "signature_scheme", name: "ecdsa_sha1", iana: 0x0203 },
];

/** X.509 signature algorithms: those the verifier knows, then the legacy ones reports must name. */
export const CERTIFICATE_SIGNATURES: readonly CatalogItem[] = [
  ...CERTIFICATE_SIGNATURE_ALGORITHMS,
  "sha1WithRSAEncryption",
  "ecdsa-with-SHA1",
  "md5WithRSAEncryption",
].map((name) => ({ kind: "certificate_signature" as const, name, testsslId: "cert_signatureAlgorithm" }));

export const EXTENSIONS: readonly CatalogItem[] = [
  { kind: "extension", name: "extended_master_secret", iana: 23, testsslId: "TLS_misses_extension_23" },
  { kind: "extension", name: "renegotiation_info", iana: 0xff01, testsslId: "secure_renego" },
];
