// The IANA tables the scanner enumerates: well-formed (sorted, unique, 16-bit), in agreement with
// every suite the local OpenSSL knows by its standard name, and classified by name the way a scan
// report needs (key exchange, bulk cipher).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import {
  EMPTY_RENEGOTIATION_INFO_SCSV,
  FALLBACK_SCSV,
  IANA_CIPHER_SUITES,
  ianaSuiteName,
  isTls13Suite,
} from "../compliance/iana-cipher-suites.js";
import { suiteCipher, suiteKeyExchange } from "../compliance/suite-names.js";
import { IANA_GROUPS, ianaGroupName } from "../compliance/iana-groups.js";

const t = suite("iana-registry");

const code = (name: string): number | undefined => IANA_CIPHER_SUITES.find((s) => s.name === name)?.iana;
const group = (name: string): number | undefined => IANA_GROUPS.find((g) => g.name === name)?.iana;

function assertTable(rows: readonly { iana: number; name: string }[], what: string): void {
  for (let i = 0; i < rows.length; i++) {
    const { iana, name } = rows[i]!;
    assert.ok(Number.isInteger(iana) && iana >= 0 && iana <= 0xffff, `${what} ${name}: ${iana} is not a 16-bit code point`);
    if (i > 0) assert.ok(rows[i - 1]!.iana < iana, `${what} not strictly ascending at ${name} (0x${iana.toString(16)})`);
    // GREASE (RFC 8701) values are reserved, never assigned.
    assert.ok((iana & 0x0f0f) !== 0x0a0a || iana >> 8 !== (iana & 0xff), `${what} ${name} is a GREASE value`);
  }
  assert.is(new Set(rows.map((r) => r.name)).size, rows.length, `${what} names are not unique`);
}

t("cipher suites: sorted, unique code points and names, registry spelling, signalling values kept apart", () => {
  assertTable(IANA_CIPHER_SUITES, "cipher suite");
  for (const s of IANA_CIPHER_SUITES) assert.match(s.name, /^TLS_[A-Za-z0-9_]+$/);
  assert.is(code("TLS_EMPTY_RENEGOTIATION_INFO_SCSV"), undefined);
  assert.is(code("TLS_FALLBACK_SCSV"), undefined);
  assert.is(EMPTY_RENEGOTIATION_INFO_SCSV, 0x00ff);
  assert.is(FALLBACK_SCSV, 0x5600);
  // The count pins the table to the registry snapshot it was transcribed from: a lost or doubled
  // row fails here; a new registration means updating this number with the row.
  assert.is(IANA_CIPHER_SUITES.length, 354);
});

t("groups: sorted, unique code points and names", () => {
  assertTable(IANA_GROUPS, "group");
  for (const g of IANA_GROUPS) assert.match(g.name, /^[A-Za-z0-9_]+$/);
  assert.is(IANA_GROUPS.length, 59);
});

/** `openssl ciphers -V -stdname` as [code, standard name]; null when there is no openssl to ask. */
function opensslSuites(): [number, string][] | null {
  let out: string;
  try {
    out = execFileSync("openssl", ["ciphers", "-V", "-stdname", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 10_000,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const rows: [number, string][] = [];
  for (const line of out.split("\n")) {
    if (line.trim() === "") continue;
    const m = /^\s*0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2}) - (\S+) /.exec(line);
    assert.ok(m, `unexpected openssl ciphers line: ${line}`);
    rows.push([parseInt(m[1]! + m[2]!, 16), m[3]!]);
  }
  return rows;
}

const openssl = opensslSuites();
const opensslTitle = "every suite OpenSSL lists (ALL:COMPLEMENTOFALL:@SECLEVEL=0) is in the table under the same code point and name";
if (openssl === null) {
  console.log("\n  iana-registry: openssl not found on PATH; SKIPPED the comparison with `openssl ciphers -V -stdname`");
  t.skip(opensslTitle, () => undefined);
} else {
  t(opensslTitle, () => {
    assert.ok(openssl.length > 50, `openssl listed only ${openssl.length} suites`);
    for (const [iana, name] of openssl) {
      const hex = `0x${iana.toString(16).padStart(4, "0")}`;
      // With a GOST engine loaded OpenSSL also lists the pre-RFC GOST values 0x0080-0x0083 and
      // private-use 0xFFxx ones, which IANA never assigned; nothing else may be missing.
      if ((iana >= 0x0080 && iana <= 0x0083) || iana >= 0xff00) continue;
      assert.ok(!ianaSuiteName(iana).startsWith("unassigned_"), `OpenSSL knows ${hex} (${name}) but the table does not`);
      // OpenSSL prints (NONE) for a suite it has no standard name for; the code point still counts.
      if (name !== "(NONE)") assert.is(ianaSuiteName(iana), name, `${hex}`);
    }
  });
}

t("spot checks: Camellia, ARIA, CCM, anon, NULL, export, GOST, SM4, TLS 1.3, RFC 9150", () => {
  assert.is(code("TLS_RSA_WITH_AES_128_CBC_SHA"), 0x002f);
  assert.is(code("TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"), 0x0045);
  assert.is(code("TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384"), 0xc08b);
  assert.is(code("TLS_RSA_WITH_ARIA_128_CBC_SHA256"), 0xc03c);
  assert.is(code("TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256"), 0xc05c);
  assert.is(code("TLS_RSA_WITH_AES_128_CCM_8"), 0xc0a0);
  assert.is(code("TLS_PSK_DHE_WITH_AES_128_CCM_8"), 0xc0aa);
  assert.is(code("TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256"), 0xd005);
  assert.is(code("TLS_ECDH_anon_WITH_AES_128_CBC_SHA"), 0xc018);
  assert.is(code("TLS_DH_anon_WITH_RC4_128_MD5"), 0x0018);
  assert.is(code("TLS_NULL_WITH_NULL_NULL"), 0x0000);
  assert.is(code("TLS_ECDHE_ECDSA_WITH_NULL_SHA"), 0xc006);
  assert.is(code("TLS_RSA_EXPORT_WITH_RC4_40_MD5"), 0x0003);
  assert.is(code("TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5"), 0x002a);
  assert.is(code("TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC"), 0xc100);
  assert.is(code("TLS_GOSTR341112_256_WITH_MAGMA_MGM_S"), 0xc106);
  assert.is(code("TLS_SM4_GCM_SM3"), 0x00c6);
  assert.is(code("TLS_AES_128_GCM_SHA256"), 0x1301);
  assert.is(code("TLS_AES_128_CCM_8_SHA256"), 0x1305);
  assert.is(code("TLS_AEGIS_256_SHA512"), 0x1306);
  assert.is(code("TLS_SHA256_SHA256"), 0xc0b4);
  assert.is(code("TLS_SHA384_SHA384"), 0xc0b5);
  assert.is(code("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"), 0xcca8);
  // Values the registry leaves unassigned or reserved: 0x001C (SSLv3 FORTEZZA), 0xD004, past 0x1307.
  for (const hole of [0x001c, 0x0047, 0x00c8, 0x1300, 0x1308, 0xc0b6, 0xc107, 0xd004]) assert.match(ianaSuiteName(hole), /^unassigned_0x[0-9a-f]{4}$/);
});

t("ianaSuiteName names the signalling values and spells unknown values unassigned_0x....", () => {
  assert.is(ianaSuiteName(0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  assert.is(ianaSuiteName(0x00ff), "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  assert.is(ianaSuiteName(0x5600), "TLS_FALLBACK_SCSV");
  assert.is(ianaSuiteName(0xc0ff), "unassigned_0xc0ff");
  assert.is(ianaSuiteName(0x0a0a), "unassigned_0x0a0a");
  assert.is(ianaSuiteName(0x1), "TLS_RSA_WITH_NULL_MD5");
  assert.is(ianaSuiteName(0x72), "unassigned_0x0072");
});

t("isTls13Suite is the 0x1301-0x13FF range", () => {
  assert.ok(isTls13Suite(0x1301));
  assert.ok(isTls13Suite(0x1307));
  assert.ok(isTls13Suite(0x13ff));
  assert.not.ok(isTls13Suite(0x1300));
  assert.not.ok(isTls13Suite(0x1400));
  assert.not.ok(isTls13Suite(0xc02f));
  assert.equal(IANA_CIPHER_SUITES.filter((s) => isTls13Suite(s.iana)).map((s) => s.name), [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_CCM_SHA256",
    "TLS_AES_128_CCM_8_SHA256",
    "TLS_AEGIS_256_SHA512",
    "TLS_AEGIS_128L_SHA256",
  ]);
});

t("suiteKeyExchange reads the key exchange from the name", () => {
  const cases: [string, string][] = [
    ["TLS_NULL_WITH_NULL_NULL", "null"],
    ["TLS_RSA_WITH_AES_128_CBC_SHA", "rsa"],
    ["TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", "rsa"],
    ["TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "dhe"],
    ["TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", "dhe"],
    ["TLS_DH_RSA_WITH_AES_128_GCM_SHA256", "dh"],
    ["TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", "dh"],
    ["TLS_DH_anon_WITH_AES_128_CBC_SHA", "anon"],
    ["TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", "anon"],
    ["TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "anon"],
    ["TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "ecdhe"],
    ["TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", "ecdh"],
    ["TLS_PSK_WITH_AES_128_CCM_8", "psk"],
    ["TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "psk"],
    ["TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "psk"],
    ["TLS_RSA_PSK_WITH_NULL_SHA", "psk"],
    ["TLS_PSK_DHE_WITH_AES_256_CCM_8", "psk"],
    ["TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", "srp"],
    ["TLS_KRB5_EXPORT_WITH_RC4_40_SHA", "krb5"],
    ["TLS_AES_256_GCM_SHA384", "tls13"],
    ["TLS_SHA256_SHA256", "tls13"],
    ["TLS_SM4_CCM_SM3", "tls13"],
    ["TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L", "tls13"],
    ["TLS_GOSTR341112_256_WITH_28147_CNT_IMIT", "other"],
    ["TLS_ECCPWD_WITH_AES_128_GCM_SHA256", "other"],
    ["not a suite", "other"],
  ];
  for (const [name, kx] of cases) assert.is(suiteKeyExchange(name), kx, name);
  // Only the password and GOST TLS 1.2 suites fall outside the named families.
  const other = IANA_CIPHER_SUITES.filter((s) => suiteKeyExchange(s.name) === "other").map((s) => s.name);
  assert.ok(other.every((n) => n.startsWith("TLS_ECCPWD_") || /^TLS_GOSTR341112_256_WITH_.*_(CTR_OMAC|CNT_IMIT)$/.test(n)), other.join(", "));
});

t("suiteCipher reads the bulk cipher family from the name", () => {
  const cases: [string, string][] = [
    ["TLS_RSA_WITH_AES_128_CBC_SHA", "AES-CBC"],
    ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "AES-GCM"],
    ["TLS_AES_128_GCM_SHA256", "AES-GCM"],
    ["TLS_RSA_WITH_AES_128_CCM_8", "AES-CCM"],
    ["TLS_AES_128_CCM_SHA256", "AES-CCM"],
    ["TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256", "AES-CCM"],
    ["TLS_CHACHA20_POLY1305_SHA256", "CHACHA20-POLY1305"],
    ["TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "CHACHA20-POLY1305"],
    ["TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "CAMELLIA"],
    ["TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256", "CAMELLIA"],
    ["TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "ARIA"],
    ["TLS_RSA_WITH_3DES_EDE_CBC_SHA", "3DES"],
    ["TLS_RSA_WITH_DES_CBC_SHA", "DES"],
    ["TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", "DES"],
    ["TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5", "DES"],
    ["TLS_RSA_WITH_RC4_128_SHA", "RC4"],
    ["TLS_RSA_EXPORT_WITH_RC4_40_MD5", "RC4"],
    ["TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", "RC2"],
    ["TLS_RSA_WITH_IDEA_CBC_SHA", "IDEA"],
    ["TLS_DHE_RSA_WITH_SEED_CBC_SHA", "SEED"],
    ["TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC", "GOST"],
    ["TLS_GOSTR341112_256_WITH_MAGMA_MGM_L", "GOST"],
    ["TLS_GOSTR341112_256_WITH_28147_CNT_IMIT", "GOST"],
    ["TLS_NULL_WITH_NULL_NULL", "NULL"],
    ["TLS_ECDHE_RSA_WITH_NULL_SHA", "NULL"],
    ["TLS_SHA384_SHA384", "NULL"],
    ["TLS_SM4_GCM_SM3", "SM4"],
    ["TLS_AES_128_GCM_ASCONHASH256", "AES-GCM"],
    ["TLS_AEGIS_128L_SHA256", "other"],
    ["TLS_ASCONAEAD128_ASCONHASH256", "other"],
  ];
  for (const [name, cipher] of cases) assert.is(suiteCipher(name), cipher, name);
  // Only the AEGIS and Ascon AEADs fall outside the named families.
  const other = IANA_CIPHER_SUITES.filter((s) => suiteCipher(s.name) === "other").map((s) => s.name);
  assert.equal(other, ["TLS_ASCONAEAD128_ASCONHASH256", "TLS_ASCONAEAD128_SHA256", "TLS_AEGIS_256_SHA512", "TLS_AEGIS_128L_SHA256"]);
});

t("group spot checks and the unassigned convention", () => {
  assert.is(group("sect163k1"), 1);
  assert.is(group("secp256r1"), 23);
  assert.is(group("secp384r1"), 24);
  assert.is(group("secp521r1"), 25);
  assert.is(group("brainpoolP256r1"), 26);
  assert.is(group("x25519"), 29);
  assert.is(group("x448"), 30);
  assert.is(group("brainpoolP256r1tls13"), 31);
  assert.is(group("GC256A"), 34);
  assert.is(group("curveSM2"), 41);
  assert.is(group("ffdhe2048"), 256);
  assert.is(group("ffdhe8192"), 260);
  assert.is(group("MLKEM512"), 0x0200);
  assert.is(group("MLKEM768"), 0x0201);
  assert.is(group("MLKEM1024"), 0x0202);
  assert.is(group("SecP256r1MLKEM768"), 0x11eb);
  assert.is(group("X25519MLKEM768"), 0x11ec);
  assert.is(group("SecP384r1MLKEM1024"), 0x11ed);
  assert.is(group("arbitrary_explicit_prime_curves"), 0xff01);
  assert.is(group("arbitrary_explicit_char2_curves"), 0xff02);
  assert.is(ianaGroupName(0x001d), "x25519");
  assert.is(ianaGroupName(0x11ec), "X25519MLKEM768");
  assert.is(ianaGroupName(0), "unassigned_0x0000");
  assert.is(ianaGroupName(0x0a0a), "unassigned_0x0a0a");
  assert.is(ianaGroupName(0xfe00), "unassigned_0xfe00");
});

t.run();
