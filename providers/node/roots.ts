// The operating system's trust store, for Node. Node 22.15+/23.5+ exposes it directly
// (tls.getCACertificates("system")); Node 20 does not, so there the OpenSSL conventions
// SSL_CERT_FILE (a PEM bundle) and SSL_CERT_DIR (directories of PEM files) are read instead.
// Where neither is available the store is reported as unavailable rather than guessed at.
import { decodePem } from "../../src/codec/pem.js";
import { ConfigError } from "../../src/errors.js";
import { nodeFs, nodePath, nodeTls as tls } from "./builtins.js";
const { readFileSync, readdirSync, statSync } = nodeFs;
const { join } = nodePath;

type GetCaCertificates = (type: "default" | "system" | "bundled" | "extra") => string[];

// A trust store is a few hundred certificates; these bounds only stop a misconfigured path (a
// directory of logs, a multi-gigabyte file) from being read into memory.
const MAX_FILE_BYTES = 16 << 20;
const MAX_DIR_FILES = 4096;

export interface SystemRootsOptions {
  /** Environment to read SSL_CERT_FILE / SSL_CERT_DIR from; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Where systemRoots() found the certificates, for logs and audit reports. */
export type SystemRootsSource = "tls.getCACertificates" | "SSL_CERT_FILE/SSL_CERT_DIR";

export interface SystemRoots {
  readonly source: SystemRootsSource;
  /** DER certificates, ready to pass as `roots`. */
  readonly certificates: Uint8Array[];
}

/**
 * The system's trust anchors. Throws ConfigError when this Node cannot tell (Node < 22.15 without
 * SSL_CERT_FILE or SSL_CERT_DIR set) or when the configured locations hold no certificate.
 */
export function systemRoots(options: SystemRootsOptions = {}): SystemRoots {
  const get = (tls as unknown as { getCACertificates?: GetCaCertificates }).getCACertificates;
  if (typeof get === "function") {
    const pems = get("system");
    return { source: "tls.getCACertificates", certificates: pems.flatMap(certificatesIn) };
  }
  const env = options.env ?? process.env;
  const file = env.SSL_CERT_FILE;
  const dirs = (env.SSL_CERT_DIR ?? "").split(":").filter((d) => d !== "");
  if (!file && dirs.length === 0) {
    throw new ConfigError(
      `the system trust store is not available on Node ${process.version} (tls.getCACertificates needs Node 22.15 or later): ` +
        "set SSL_CERT_FILE or SSL_CERT_DIR, or pass roots explicitly (for example fipstls/roots)",
      "roots",
    );
  }
  const certificates: Uint8Array[] = [];
  if (file) certificates.push(...certificatesIn(readBounded(file)));
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).sort().slice(0, MAX_DIR_FILES);
    } catch (e) {
      throw new ConfigError(`SSL_CERT_DIR: cannot read ${dir}: ${(e as Error).message}`, "SSL_CERT_DIR");
    }
    for (const name of names) {
      const path = join(dir, name);
      // OpenSSL's hashed directories hold PEM files (often symlinks); anything else is skipped.
      if (!statSync(path, { throwIfNoEntry: false })?.isFile()) continue;
      certificates.push(...certificatesIn(readBounded(path)));
    }
  }
  if (certificates.length === 0) throw new ConfigError("SSL_CERT_FILE/SSL_CERT_DIR hold no PEM certificates", "roots");
  return { source: "SSL_CERT_FILE/SSL_CERT_DIR", certificates: dedupe(certificates) };
}

function readBounded(path: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) throw new ConfigError(`${path}: ${size} bytes is too large for a certificate bundle`, "roots");
    return readFileSync(path, "latin1");
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`cannot read ${path}: ${(e as Error).message}`, "roots");
  }
}

function certificatesIn(text: string): Uint8Array[] {
  try {
    return decodePem(text)
      // TRUSTED CERTIFICATE blocks carry OpenSSL trust settings fipstls would not apply: skipped.
      .filter((b) => b.label === "CERTIFICATE")
      .map((b) => b.der);
  } catch {
    return []; // a file that is not PEM contributes nothing
  }
}

function dedupe(certs: Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return certs.filter((c) => {
    const key = Buffer.from(c).toString("base64");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
