// A tiny PKI for tests: real certificates made by the openssl CLI (OpenSSL 3.0) in a temp directory.
// Keys are cached per type for the whole process because RSA key generation dominates the cost.
//
//   const { rootDer, chainDer, leafKeyPem } = makePki({ keyType: "rsa-2048", dns: ["example.com"] });
//   const pki = new Pki(); const root = pki.root({ cn: "R" }); const leaf = pki.issue(root, { dns: [...] });
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePem } from "../src/codec/pem.js";

export type KeyType = "ec-p256" | "ec-p384" | "rsa-2048" | "rsa-pss-2048" | "ed25519";
export type Digest = "sha256" | "sha384" | "sha512" | "sha1";

export interface KeyPair {
  readonly type: KeyType;
  readonly path: string;
  readonly pem: string;
  /** DER PKCS#8. */
  readonly pkcs8: Uint8Array;
}

export interface IssuedCert {
  readonly subject: string;
  readonly path: string;
  readonly pem: string;
  readonly der: Uint8Array;
  readonly key: KeyPair;
}

export interface CertOptions {
  /** Common name; the subject is "/O=fipstls test/CN=<cn>". */
  readonly cn?: string;
  readonly key?: KeyType | KeyPair;
  /** Validity from now; default 365 days. */
  readonly days?: number;
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
  /** Shorthands for basicConstraints; `basicConstraints` (a config value, or null to omit) overrides. */
  readonly ca?: boolean;
  readonly pathLen?: number;
  readonly basicConstraints?: string | null;
  /** Config values, or null to omit. Defaults suit the role (CA or server leaf). */
  readonly keyUsage?: string | null;
  readonly extKeyUsage?: string | null;
  /** More lines for the extension section, e.g. "nameConstraints = critical,permitted;DNS:example.com". */
  readonly extensions?: readonly string[];
  /** Signature digest (ignored for Ed25519 issuers); default by issuer key: sha384 for P-384, else sha256. */
  readonly digest?: Digest;
  /** Sign with RSASSA-PSS (salt = digest length) although the issuer key is plain RSA. */
  readonly pss?: boolean;
}

const GENPKEY_ARGS: Readonly<Record<KeyType, readonly string[]>> = {
  "ec-p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  "ec-p384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
  "rsa-2048": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
  "rsa-pss-2048": ["-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"],
  ed25519: ["-algorithm", "ED25519"],
};

let sharedDir: string | undefined;
const keyCache = new Map<KeyType, KeyPair>();

function defaultDir(): string {
  if (sharedDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "fipstls-pki-"));
    sharedDir = dir;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return sharedDir;
}

export function openssl(args: readonly string[]): string {
  // Found on PATH, like every other tool; CI installs the openssl package.
  return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export function pemToDer(pem: string): Uint8Array {
  const block = decodePem(pem)[0];
  if (block === undefined) throw new Error("no PEM block");
  return block.der;
}

let counter = 0;
function fresh(dir: string, stem: string): string {
  return join(dir, `${stem}-${process.pid}-${++counter}`);
}

export class Pki {
  readonly dir: string;

  constructor(dir?: string) {
    this.dir = dir ?? defaultDir();
  }

  /** A new key pair of `type`. */
  freshKey(type: KeyType): KeyPair {
    const path = `${fresh(this.dir, type)}.key`;
    openssl(["genpkey", ...GENPKEY_ARGS[type], "-out", path]);
    const pem = readFileSync(path, "utf8");
    return { type, path, pem, pkcs8: pemToDer(pem) };
  }

  /** The process-wide key of `type` (generated once). */
  key(type: KeyType): KeyPair {
    let k = keyCache.get(type);
    if (k === undefined) {
      k = this.freshKey(type);
      keyCache.set(type, k);
    }
    return k;
  }

  /** A self-signed CA certificate. */
  root(opts: CertOptions = {}): IssuedCert {
    return this.make(undefined, { ca: true, ...opts });
  }

  /** A certificate for a new subject signed by `issuer`; a leaf unless `ca` is set. */
  issue(issuer: IssuedCert, opts: CertOptions = {}): IssuedCert {
    return this.make(issuer, opts);
  }

  private make(issuer: IssuedCert | undefined, opts: CertOptions): IssuedCert {
    const key = typeof opts.key === "object" ? opts.key : this.key(opts.key ?? "ec-p256");
    const cn = opts.cn ?? (opts.ca ? "fipstls test CA" : (opts.dns?.[0] ?? "fipstls test leaf"));
    const subject = `/O=fipstls test/CN=${cn}`; // encoded O then CN, read back "CN=…, O=…"
    const stem = fresh(this.dir, "cert");
    const config = `${stem}.cnf`;
    writeFileSync(config, configText(opts, issuer !== undefined, key.type));
    const signer = issuer?.key ?? key;
    const sign = signingArgs(signer.type, opts);
    const common = ["-days", String(opts.days ?? 365), "-set_serial", `0x${serial()}`, "-out", `${stem}.pem`, ...sign];
    if (issuer === undefined) {
      openssl(["req", "-x509", "-new", "-key", key.path, "-subj", subject, "-config", config, "-extensions", "ext", ...common]);
    } else {
      openssl(["req", "-new", "-key", key.path, "-subj", subject, "-config", config, "-out", `${stem}.csr`]);
      openssl([
        "x509", "-req", "-in", `${stem}.csr`, "-CA", issuer.path, "-CAkey", issuer.key.path,
        "-extfile", config, "-extensions", "ext", ...common,
      ]); // prettier-ignore
    }
    const pem = readFileSync(`${stem}.pem`, "utf8");
    return { subject, path: `${stem}.pem`, pem, der: pemToDer(pem), key };
  }
}

function serial(): string {
  const b = randomBytes(16);
  b[0]! &= 0x7f; // positive
  b[0]! |= 0x10; // no leading zero byte to trim
  return b.toString("hex");
}

function signingArgs(signer: KeyType, opts: CertOptions): string[] {
  if (signer === "ed25519") return [];
  const digest = opts.digest ?? (signer === "ec-p384" ? "sha384" : "sha256");
  const args = [`-${digest}`];
  if (opts.pss) args.push("-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest");
  return args;
}

function configText(opts: CertOptions, issued: boolean, keyType: KeyType): string {
  const lines = ["[req]", "distinguished_name = dn", "[dn]", "[ext]", "subjectKeyIdentifier = hash"];
  if (issued) lines.push("authorityKeyIdentifier = keyid");
  const isCa = opts.ca ?? false;
  const bc =
    opts.basicConstraints !== undefined
      ? opts.basicConstraints
      : isCa
        ? `critical,CA:TRUE${opts.pathLen !== undefined ? `,pathlen:${opts.pathLen}` : ""}`
        : "critical,CA:FALSE";
  if (bc !== null) lines.push(`basicConstraints = ${bc}`);
  const rsaLeaf = !isCa && keyType.startsWith("rsa");
  const ku =
    opts.keyUsage !== undefined
      ? opts.keyUsage
      : isCa
        ? "critical,keyCertSign,cRLSign"
        : `critical,digitalSignature${rsaLeaf ? ",keyEncipherment" : ""}`;
  if (ku !== null) lines.push(`keyUsage = ${ku}`);
  const eku = opts.extKeyUsage !== undefined ? opts.extKeyUsage : isCa ? null : "serverAuth,clientAuth";
  if (eku !== null) lines.push(`extendedKeyUsage = ${eku}`);
  const san = [...(opts.dns ?? []).map((d) => `DNS:${d}`), ...(opts.ip ?? []).map((i) => `IP:${i}`)];
  if (san.length > 0) lines.push(`subjectAltName = ${san.join(",")}`);
  lines.push(...(opts.extensions ?? []));
  return `${lines.join("\n")}\n`;
}

export interface MakePkiOptions {
  readonly dir?: string;
  /** Key type of every certificate unless overridden below; default "ec-p256". */
  readonly keyType?: KeyType;
  readonly rootKeyType?: KeyType;
  readonly intermediateKeyType?: KeyType;
  readonly leafKeyType?: KeyType;
  /** Leaf SANs; default dns ["example.com", "*.example.com"] when neither list is given. */
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
  /** Issue the leaf through an intermediate (default) or directly from the root. */
  readonly intermediate?: boolean;
  readonly digest?: Digest;
  readonly pss?: boolean;
  /** Validity of each certificate in days. */
  readonly rootDays?: number;
  readonly intermediateDays?: number;
  readonly leafDays?: number;
}

export interface MadePki {
  readonly pki: Pki;
  readonly root: IssuedCert;
  readonly intermediate?: IssuedCert;
  readonly leaf: IssuedCert;
  readonly rootPem: string;
  readonly rootDer: Uint8Array;
  readonly intermediatePem?: string;
  readonly intermediateDer?: Uint8Array;
  /** Leaf then intermediate (if any), as a server would present them. */
  readonly leafPem: string;
  readonly chainDer: Uint8Array[];
  readonly leafDer: Uint8Array;
  readonly leafKeyPem: string;
  readonly leafKeyPkcs8: Uint8Array;
}

export function makePki(opts: MakePkiOptions = {}): MadePki {
  const pki = new Pki(opts.dir);
  const base = opts.keyType ?? "ec-p256";
  const sign = { ...(opts.digest ? { digest: opts.digest } : {}), ...(opts.pss ? { pss: true } : {}) };
  const root = pki.root({ cn: "fipstls test root", key: opts.rootKeyType ?? base, days: opts.rootDays ?? 3650, ...sign });
  const intermediate =
    opts.intermediate === false
      ? undefined
      : pki.issue(root, {
          cn: "fipstls test intermediate",
          ca: true,
          key: opts.intermediateKeyType ?? base,
          days: opts.intermediateDays ?? 1825,
          ...sign,
        });
  const noSans = opts.dns === undefined && opts.ip === undefined;
  const leaf = pki.issue(intermediate ?? root, {
    key: opts.leafKeyType ?? base,
    dns: noSans ? ["example.com", "*.example.com"] : (opts.dns ?? []),
    ip: opts.ip ?? [],
    days: opts.leafDays ?? 365,
    ...sign,
  });
  const chain = intermediate ? [leaf, intermediate] : [leaf];
  return {
    pki,
    root,
    ...(intermediate ? { intermediate, intermediatePem: intermediate.pem, intermediateDer: intermediate.der } : {}),
    leaf,
    rootPem: root.pem,
    rootDer: root.der,
    leafPem: chain.map((c) => c.pem).join(""),
    chainDer: chain.map((c) => c.der),
    leafDer: leaf.der,
    leafKeyPem: leaf.key.pem,
    leafKeyPkcs8: leaf.key.pkcs8,
  };
}
