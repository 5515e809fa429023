// Deliberately flawed `openssl s_server`s on 127.0.0.1, for comparing what fipstls scan, testssl.sh
// and sslscan say about each flaw. Every kind is one flaw on top of an otherwise sound server, so a
// tool that reports something else has a reason worth reading. Servers run with -www (an HTTP status
// page per connection) because testssl.sh probes the service before judging it.
//
// OpenSSL 3.0 notes, checked with 3.0.19:
// - a SHA-1-signed or RSA-1024 certificate does not even load at the default security level 1
//   ("ca md too weak", "ee key too small"): those servers need `-cipher DEFAULT:@SECLEVEL=0`,
//   which lowers the level for the whole context although TLS 1.3 ignores the cipher list itself;
// - anonymous suites need @SECLEVEL=0 too (they authenticate nothing, so they score 0 bits);
// - in TLS 1.2 a client must list the ECDSA leaf's curve among its groups (RFC 8422 §5.1), so a probe
//   that offers one group at a time never sees P-384 accepted by a P-256 ECDSA server configured
//   with P-256:P-384, although a client offering both may get P-384;
// - there is no server switch that ignores TLS_FALLBACK_SCSV: OpenSSL always answers it with
//   inappropriate_fallback when it could have negotiated more, so no "no-fallback-scsv" kind exists.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Peer, type Scope, interopPki, requireOpenssl, spawnOpenssl } from "./peers.js";

export const FLAWED_KINDS = [
  "expired-tls13-only",
  "sha1-tls13-only",
  "rsa1024-tls13-only",
  "expired-tls12",
  "anon-suites",
  "camellia",
  "aria",
  "group-preference",
  "dual-cert",
  "no-tls13",
  "ems-off",
  "good",
] as const;
export type FlawedKind = (typeof FLAWED_KINDS)[number];

/** What the server was told to do, so that a tool's report can be checked against it. */
export interface Configured {
  readonly versions: readonly ("TLSv1.2" | "TLSv1.3")[];
  /** TLS 1.2 suites by IANA name; undefined: OpenSSL's default list. */
  readonly tls12Suites?: readonly string[];
  /** TLS 1.3 suites; undefined: OpenSSL's default (AES-256-GCM, ChaCha20-Poly1305, AES-128-GCM). */
  readonly tls13Suites?: readonly string[];
  /** OpenSSL group names in the server's order; undefined: OpenSSL's default list. */
  readonly groups?: readonly string[];
  /** -serverpref: the server's order of suites (and, in TLS 1.2, of groups) wins. */
  readonly serverPreference: boolean;
  readonly extendedMasterSecret: boolean;
  readonly ocspStapling: boolean;
  /** One entry per certificate the server holds. */
  readonly certificates: readonly { readonly key: string; readonly signature: string; readonly expired: boolean; readonly revocationUris: boolean }[];
}

export interface FlawedServer {
  readonly kind: FlawedKind;
  readonly port: number;
  /** The CA that issued the served certificate(s), PEM; `caPath` is the same as a file for the tools. */
  readonly caPem: string;
  readonly caPath: string;
  /** The name in the certificates' SAN (they also carry IP:127.0.0.1). */
  readonly serverName: string;
  readonly description: string;
  readonly configured: Configured;
  /** The s_server arguments, for failure messages and the notes. */
  readonly args: readonly string[];
  readonly peer: Peer;
}

interface Leaf {
  readonly certPath: string;
  readonly keyPath: string;
}

interface FixturePki {
  readonly dir: string;
  readonly caPath: string;
  readonly caPem: string;
  readonly expired: Leaf;
  readonly sha1: Leaf;
  readonly rsa1024: Leaf;
  /** ECDSA P-256 with CRL and OCSP URIs (on 127.0.0.1:9, where nothing answers) and a stapled OCSP response. */
  readonly good: Leaf & { readonly ocspPath: string };
  /** OPENSSL_CONF that turns the Extended Master Secret off. */
  readonly noEmsConf: string;
}

const openssl = (args: readonly string[], cwd: string): string => execFileSync("openssl", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** `openssl ca -startdate/-enddate` wants UTCTime-like GeneralizedTime: YYYYMMDDHHMMSSZ. */
const caDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, "").replace(/\.\d+Z$/, "Z");

const DAY = 86_400_000;

let pkiMemo: FixturePki | undefined;

/**
 * One RSA-2048 CA (so that a SHA-1 signature is sha1WithRSAEncryption, the form auditors look for)
 * and the flawed leaves, made once per process in a private temp dir removed at exit. `openssl ca`
 * rather than `x509 -req` because only it takes explicit validity dates in OpenSSL 3.0, which the
 * expired leaf needs, and its index file feeds `openssl ocsp` for the good leaf's staple.
 */
export function fixturePki(): FixturePki {
  if (pkiMemo) return pkiMemo;
  requireOpenssl();
  const dir = mkdtempSync(join(tmpdir(), "fipstls-flawed-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(
    join(dir, "ca.cnf"),
    // unique_subject = no: every leaf is CN=localhost. The serial file is named but never read (-rand_serial).
    "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial.txt\npolicy = p\ndefault_md = sha256\nunique_subject = no\n[p]\ncommonName = supplied\norganizationName = optional\n",
  );
  const key = (name: string, alg: readonly string[]): string => {
    openssl(["genpkey", ...alg, "-out", `${name}.key`], dir);
    return join(dir, `${name}.key`);
  };
  const ec = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"];
  const caKey = key("ca", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]);
  openssl(
    ["req", "-x509", "-new", "-key", caKey, "-subj", "/O=fipstls test/CN=fipstls auditor-fixtures CA", "-days", "3650", "-sha256",
     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem"],
    dir,
  ); // prettier-ignore
  const caPath = join(dir, "ca.pem");
  const leaf = (name: string, keyAlg: readonly string[], o: { md: string; dates?: [number, number]; revocation?: boolean }): Leaf => {
    const keyPath = key(name, keyAlg);
    const ext = [
      "basicConstraints=critical,CA:FALSE",
      `keyUsage=critical,digitalSignature${keyAlg.includes("RSA") ? ",keyEncipherment" : ""}`,
      "extendedKeyUsage=serverAuth",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "subjectKeyIdentifier=hash",
      "authorityKeyIdentifier=keyid",
    ];
    if (o.revocation) ext.push("crlDistributionPoints=URI:http://127.0.0.1:9/ca.crl", "authorityInfoAccess=OCSP;URI:http://127.0.0.1:9/ocsp");
    writeFileSync(join(dir, `${name}.ext`), `${ext.join("\n")}\n`);
    openssl(["req", "-new", "-key", keyPath, "-subj", "/O=fipstls test/CN=localhost", "-out", `${name}.csr`], dir);
    const validity = o.dates ? ["-startdate", caDate(o.dates[0]), "-enddate", caDate(o.dates[1])] : ["-days", "365"];
    openssl(
      ["ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", caKey, "-in", `${name}.csr`, "-out", `${name}.pem`,
       "-notext", "-preserveDN", "-rand_serial", "-md", o.md, "-extfile", `${name}.ext`, ...validity],
      dir,
    ); // prettier-ignore
    return { certPath: join(dir, `${name}.pem`), keyPath };
  };
  const now = Date.now();
  const expired = leaf("expired", ec, { md: "sha256", dates: [now - 400 * DAY, now - 30 * DAY] });
  const sha1 = leaf("sha1", ec, { md: "sha1" });
  const rsa1024 = leaf("rsa1024", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"], { md: "sha256" });
  const good = leaf("good", ec, { md: "sha256", revocation: true });
  const ocspPath = join(dir, "good.ocsp");
  openssl(["ocsp", "-index", "index.txt", "-rsigner", "ca.pem", "-rkey", caKey, "-CA", "ca.pem", "-issuer", "ca.pem", "-cert", good.certPath, "-respout", ocspPath, "-ndays", "30"], dir);
  const noEmsConf = join(dir, "no-ems.cnf");
  writeFileSync(noEmsConf, "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = defaults\n[defaults]\nOptions = -ExtendedMasterSecret\n");
  pkiMemo = { dir, caPath, caPem: readFileSync(caPath, "utf8"), expired, sha1, rsa1024, good: { ...good, ocspPath }, noEmsConf };
  return pkiMemo;
}

interface Plan {
  readonly description: string;
  /** Which CA issued the served certificate(s). */
  readonly ca: "fixture" | "interop";
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly configured: Configured;
}

const GCM_ECDSA = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";
const GCM_ECDSA_IANA = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"];
const GCM_RSA = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384";
const GCM_RSA_IANA = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"];
const GCM13 = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384";
const GCM13_IANA = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"];

function plan(kind: FlawedKind): Plan {
  const f = fixturePki();
  const ip = interopPki();
  const ecdsa = ip.certs.find((c) => c.kind === "ecdsa-p256")!;
  const rsa = ip.certs.find((c) => c.kind === "rsa-2048")!;
  const cert = (l: Leaf): string[] => ["-cert", l.certPath, "-key", l.keyPath];
  const ecdsaCert = cert(ecdsa);
  const interopEc = { key: "EC P-256", signature: "ecdsa-with-SHA256", expired: false, revocationUris: false };
  const interopRsa = { key: "RSA 2048", signature: "ecdsa-with-SHA256", expired: false, revocationUris: false };
  const base = { serverPreference: false, extendedMasterSecret: true, ocspStapling: false } as const;
  // The sound TLS 1.2 + 1.3 configuration most fixtures start from, adding one flaw.
  const soundTls12 = ["-cipher", GCM_ECDSA, "-groups", "P-256:P-384", "-serverpref"];
  const sound = [...soundTls12, "-ciphersuites", GCM13];
  // TLS 1.3 only: without these OpenSSL would also offer ChaCha20-Poly1305, X25519, X448 and the ffdhe groups.
  const sound13 = ["-ciphersuites", GCM13, "-groups", "P-256:P-384", "-serverpref"];
  const sound13Configured = { ...base, versions: ["TLSv1.3"] as const, tls13Suites: GCM13_IANA, groups: ["P-256", "P-384"], serverPreference: true };
  const soundConfigured = { ...base, tls12Suites: GCM_ECDSA_IANA, tls13Suites: GCM13_IANA, groups: ["P-256", "P-384"], serverPreference: true };
  switch (kind) {
    case "expired-tls13-only":
      return {
        description: "TLS 1.3 only, AES-GCM, P-256/P-384; ECDSA P-256 leaf that expired 30 days ago",
        ca: "fixture",
        args: [...cert(f.expired), "-tls1_3", ...sound13],
        configured: { ...sound13Configured, certificates: [{ key: "EC P-256", signature: "sha256WithRSAEncryption", expired: true, revocationUris: false }] },
      };
    case "sha1-tls13-only":
      return {
        description: "TLS 1.3 only, AES-GCM, P-256/P-384; ECDSA P-256 leaf signed sha1WithRSAEncryption (loads only at @SECLEVEL=0)",
        ca: "fixture",
        args: [...cert(f.sha1), "-tls1_3", "-cipher", "DEFAULT:@SECLEVEL=0", ...sound13],
        configured: { ...sound13Configured, certificates: [{ key: "EC P-256", signature: "sha1WithRSAEncryption", expired: false, revocationUris: false }] },
      };
    case "rsa1024-tls13-only":
      return {
        description: "TLS 1.3 only, AES-GCM, P-256/P-384; RSA-1024 leaf (loads only at @SECLEVEL=0)",
        ca: "fixture",
        args: [...cert(f.rsa1024), "-tls1_3", "-cipher", "DEFAULT:@SECLEVEL=0", ...sound13],
        configured: { ...sound13Configured, certificates: [{ key: "RSA 1024", signature: "sha256WithRSAEncryption", expired: false, revocationUris: false }] },
      };
    case "expired-tls12":
      return {
        description: "TLS 1.2 only, AES-GCM, server order; ECDSA P-256 leaf that expired 30 days ago",
        ca: "fixture",
        args: [...cert(f.expired), "-tls1_2", ...soundTls12],
        configured: { ...base, serverPreference: true, versions: ["TLSv1.2"], tls12Suites: GCM_ECDSA_IANA, groups: ["P-256", "P-384"], certificates: [{ key: "EC P-256", signature: "sha256WithRSAEncryption", expired: true, revocationUris: false }] },
      };
    case "anon-suites":
      return {
        description: "TLS 1.2 only, server order; anonymous ADH and AECDH suites beside one ECDSA suite (@SECLEVEL=0)",
        ca: "interop",
        args: [...ecdsaCert, "-tls1_2", "-cipher", `ADH-AES128-GCM-SHA256:ADH-AES256-GCM-SHA384:AECDH-AES128-SHA:AECDH-AES256-SHA:${GCM_ECDSA.split(":")[0]}:@SECLEVEL=0`, "-groups", "P-256:P-384", "-serverpref"],
        configured: {
          ...base,
          serverPreference: true,
          versions: ["TLSv1.2"],
          tls12Suites: ["TLS_DH_anon_WITH_AES_128_GCM_SHA256", "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", GCM_ECDSA_IANA[0]!],
          groups: ["P-256", "P-384"],
          certificates: [interopEc],
        },
      };
    case "camellia":
      return {
        description: "TLS 1.2 only, server order; Camellia-CBC suites only (ECDHE-RSA, DHE-RSA, RSA key transport), RSA-2048 leaf",
        ca: "interop",
        args: [...cert(rsa), "-tls1_2", "-cipher", "ECDHE-RSA-CAMELLIA128-SHA256:ECDHE-RSA-CAMELLIA256-SHA384:DHE-RSA-CAMELLIA128-SHA256:CAMELLIA128-SHA", "-groups", "P-256:P-384", "-serverpref"],
        configured: {
          ...base,
          serverPreference: true,
          versions: ["TLSv1.2"],
          tls12Suites: ["TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"],
          groups: ["P-256", "P-384"],
          certificates: [interopRsa],
        },
      };
    case "aria":
      return {
        description: "TLS 1.2 only, server order; ECDHE-ECDSA ARIA-GCM suites only",
        ca: "interop",
        args: [...ecdsaCert, "-tls1_2", "-cipher", "ECDHE-ECDSA-ARIA128-GCM-SHA256:ECDHE-ECDSA-ARIA256-GCM-SHA384", "-groups", "P-256:P-384", "-serverpref"],
        configured: { ...base, serverPreference: true, versions: ["TLSv1.2"], tls12Suites: ["TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384"], groups: ["P-256", "P-384"], certificates: [interopEc] },
      };
    case "group-preference":
      return {
        // An RSA leaf: with an ECDSA P-256 leaf a TLS 1.2 client must list P-256 among its groups
        // (RFC 8422 §5.1), so the server would never be seen to accept X25519 on its own.
        description: "TLS 1.2 only, ECDHE-RSA AES-GCM, RSA-2048 leaf; accepts X25519 but prefers P-256 over it (-groups P-256:X25519 -serverpref)",
        ca: "interop",
        args: [...cert(rsa), "-tls1_2", "-cipher", GCM_RSA, "-groups", "P-256:X25519", "-serverpref"],
        configured: { ...base, versions: ["TLSv1.2"], tls12Suites: GCM_RSA_IANA, groups: ["P-256", "X25519"], serverPreference: true, certificates: [interopRsa] },
      };
    case "dual-cert":
      return {
        description: "TLS 1.2 + 1.3, AES-GCM, server order; RSA-2048 (-cert) and ECDSA P-256 (-dcert) certificates, chosen by the client's algorithms",
        ca: "interop",
        args: [...cert(rsa), "-dcert", ecdsa.certPath, "-dkey", ecdsa.keyPath, "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256", "-ciphersuites", GCM13, "-groups", "P-256:P-384", "-serverpref"],
        configured: {
          ...base,
          serverPreference: true,
          versions: ["TLSv1.2", "TLSv1.3"],
          tls12Suites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
          tls13Suites: GCM13_IANA,
          groups: ["P-256", "P-384"],
          certificates: [interopRsa, interopEc],
        },
      };
    case "no-tls13":
      return {
        description: "TLS 1.2 only, otherwise sound (AES-GCM, P-256/P-384, server order, EMS, stapled OCSP)",
        ca: "fixture",
        args: [...cert(f.good), "-status_file", f.good.ocspPath, "-tls1_2", ...soundTls12],
        configured: { ...soundConfigured, tls13Suites: undefined, versions: ["TLSv1.2"], ocspStapling: true, certificates: [{ key: "EC P-256", signature: "sha256WithRSAEncryption", expired: false, revocationUris: true }] },
      };
    case "ems-off":
      return {
        description: "the good server with the Extended Master Secret switched off (OPENSSL_CONF Options = -ExtendedMasterSecret)",
        ca: "fixture",
        args: [...cert(f.good), "-status_file", f.good.ocspPath, ...sound],
        env: { OPENSSL_CONF: f.noEmsConf },
        configured: { ...soundConfigured, versions: ["TLSv1.2", "TLSv1.3"], extendedMasterSecret: false, ocspStapling: true, certificates: [{ key: "EC P-256", signature: "sha256WithRSAEncryption", expired: false, revocationUris: true }] },
      };
    case "good":
      return {
        description: "TLS 1.2 + 1.3, AES-GCM only, P-256/P-384 only, server order, EMS on, ECDSA P-256 leaf with CRL/OCSP URIs and a stapled OCSP response",
        ca: "fixture",
        args: [...cert(f.good), "-status_file", f.good.ocspPath, ...sound],
        configured: { ...soundConfigured, versions: ["TLSv1.2", "TLSv1.3"], ocspStapling: true, certificates: [{ key: "EC P-256", signature: "sha256WithRSAEncryption", expired: false, revocationUris: true }] },
      };
  }
}

/**
 * Starts the flawed server `kind` on 127.0.0.1 (port 0, read back from s_server's ACCEPT line) and
 * resolves once it listens; `scope` kills it. Each connection gets the -www status page.
 */
export async function startFlawed(scope: Scope, kind: FlawedKind): Promise<FlawedServer> {
  const p = plan(kind);
  const args = ["s_server", "-accept", "127.0.0.1:0", "-www", ...p.args];
  // spawn() copies process.env synchronously, so the override reaches this s_server only.
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(p.env ?? {})) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  let peer: Peer;
  try {
    peer = spawnOpenssl(scope, args, `s_server ${kind}`);
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const m = await peer.stdout.match(/ACCEPT 127\.0\.0\.1:(\d+)/).catch((e: Error) => Promise.reject(new Error(`${kind}: ${e.message}\n${peer.describe()}`)));
  const ca = p.ca === "fixture" ? { caPem: fixturePki().caPem, caPath: fixturePki().caPath } : { caPem: interopPki().caPem, caPath: interopPki().caPath };
  return { kind, port: Number(m[1]), ...ca, serverName: "localhost", description: p.description, configured: p.configured, args, peer };
}
