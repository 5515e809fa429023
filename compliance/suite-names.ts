// What a cipher suite's registry name says about it: its key exchange and its bulk cipher family.
// A scan classifies every suite a server picks, including ones fipstls never implements, by reading
// the name (IANA's spelling, as iana-cipher-suite-table.ts keeps it), since no table lists these facts.

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
