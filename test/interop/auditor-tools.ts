// Runners for the auditors' own tools, testssl.sh and sslscan, against a server on 127.0.0.1, with
// their machine-readable output parsed into typed results. They are what an auditor would run
// beside `fipstls scan`, so tests can compare verdicts. Neither tool is a dependency: when one is
// not on PATH the runner returns { status: "missing" } and the test decides to skip.
//
// Both tools run offline: testssl.sh gets `--nodns none` and `--ip` (no DNS, no CAA lookup) and never
// `--phone-out` (no CRL or OCSP fetch); sslscan only connects to the target.
import { spawn, execFileSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export type ToolName = "testssl.sh" | "sslscan";

/** A tool that is not installed, one that ran but produced nothing usable, or its parsed output. */
export type ToolRun<T> =
  | { readonly status: "missing"; readonly tool: ToolName; readonly message: string }
  | { readonly status: "failed"; readonly tool: ToolName; readonly message: string; readonly ms: number; readonly command: readonly string[]; readonly output: string }
  | ({ readonly status: "ok"; readonly tool: ToolName; readonly version: string; readonly ms: number; readonly command: readonly string[] } & T);

// ---------------------------------------------------------------------------------------------
// Processes

/** The first of `names` that is an executable file on PATH. */
export function findOnPath(names: readonly string[]): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    for (const name of names) {
      const p = join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // Not here.
      }
    }
  }
  return undefined;
}

interface Ran {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly timedOut: boolean;
}

const running = new Set<number>();
let exitHook = false;

/** Kills a whole process group: testssl.sh leaves openssl s_client children behind otherwise. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Runs `bin args` in its own process group, killed (group and all) after `timeoutMs`. */
function run(bin: string, args: readonly string[], timeoutMs: number, cwd: string): Promise<Ran> {
  if (!exitHook) {
    exitHook = true;
    process.on("exit", () => running.forEach(killGroup));
  }
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);
    // Bounded: a runaway tool must not fill the test's memory; the tail is what explains a failure.
    const keep = (s: string, d: Buffer): string => (s.length > 4_000_000 ? s.slice(-2_000_000) : s) + d.toString("utf8");
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout!.on("data", (d: Buffer) => (stdout = keep(stdout, d)));
    child.stderr!.on("data", (d: Buffer) => (stderr = keep(stderr, d)));
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid);
    }, timeoutMs);
    const done = (code: number | null, signal: string | null): void => {
      clearTimeout(timer);
      if (pid !== undefined) {
        // The leader is gone; stragglers in its group (a hung s_client) go with it.
        killGroup(pid);
        running.delete(pid);
      }
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    };
    child.once("error", (e) => {
      stderr += `spawn error: ${e.message}`;
      done(null, null);
    });
    child.once("close", done);
  });
}

const tail = (s: string, n = 2000): string => (s.length > n ? `…${s.slice(-n)}` : s);
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "");

// ---------------------------------------------------------------------------------------------
// Cipher suite names: sslscan prints OpenSSL's names; `openssl ciphers -V -stdname` maps them.

export interface SuiteName {
  readonly code: number;
  readonly iana: string;
  readonly openssl: string;
}

let suiteMemo: { byCode: Map<number, SuiteName>; byOpenssl: Map<string, SuiteName> } | undefined;

/** Every suite the local OpenSSL knows, by code point and by OpenSSL name (empty if openssl is absent). */
export function opensslSuiteNames(): { byCode: ReadonlyMap<number, SuiteName>; byOpenssl: ReadonlyMap<string, SuiteName> } {
  if (suiteMemo) return suiteMemo;
  suiteMemo = { byCode: new Map(), byOpenssl: new Map() };
  let out = "";
  try {
    out = execFileSync("openssl", ["ciphers", "-V", "-stdname", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch {
    return suiteMemo;
  }
  for (const line of out.split("\n")) {
    const m = /^\s*0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2}) - (\S+)\s+- (\S+)/.exec(line);
    if (!m) continue;
    const s = { code: parseInt(m[1]! + m[2]!, 16), iana: m[3]!, openssl: m[4]! };
    suiteMemo.byCode.set(s.code, s);
    suiteMemo.byOpenssl.set(s.openssl, s);
  }
  return suiteMemo;
}

// ---------------------------------------------------------------------------------------------
// testssl.sh

/** Each is one command-line section of testssl.sh; every one costs a few seconds at least. */
export type TestsslCheck =
  | "protocols" // -p
  | "ciphersPerProtocol" // -E: ids cipher-tls1_2_xc02b …
  | "eachCipher" // -e: ids cipher_xc02b …, no protocol
  | "standard" // -s: cipherlist_NULL, cipherlist_aNULL, cipherlist_OBSOLETED …
  | "serverDefaults" // -S: TLS_extensions, cert_*, OCSP_stapling …
  | "serverPreference" // -P: cipher_order, protocol_negotiated, cipherorder_TLSv1_2 …
  | "forwardSecrecy" // -f: PFS, PFS_ciphers, PFS_ECDHE_curves (3.0.x names)
  | "renegotiation" // -R: secure_renego, secure_client_renego
  | "fallback"; // -Z: fallback_SCSV

const TESTSSL_FLAG: Readonly<Record<TestsslCheck, string>> = {
  protocols: "-p",
  ciphersPerProtocol: "-E",
  eachCipher: "-e",
  standard: "-s",
  serverDefaults: "-S",
  serverPreference: "-P",
  forwardSecrecy: "-f",
  renegotiation: "-R",
  fallback: "-Z",
};

/** Protocols, suites per protocol, order, FS groups, certificate, renegotiation, fallback SCSV: about 40 s per server on 2 cores. */
export const TESTSSL_FULL: readonly TestsslCheck[] = ["protocols", "ciphersPerProtocol", "serverDefaults", "serverPreference", "forwardSecrecy", "renegotiation", "fallback"];

export type TestsslSeverity = "OK" | "INFO" | "LOW" | "MEDIUM" | "HIGH" | "CRITICAL" | "WARN" | "DEBUG" | "FATAL";

export interface TestsslFinding {
  readonly id: string;
  readonly severity: TestsslSeverity;
  readonly finding: string;
  /** The pretty JSON's section: protocols, ciphers, serverPreferences, fs/pfs, serverDefaults, vulnerabilities, cipherTests … */
  readonly section: string;
  readonly cve?: string;
  readonly cwe?: string;
}

export interface TestsslOptions {
  /** Sent as SNI and checked against the certificate; the connection still goes to `host` (--ip). */
  readonly serverName?: string;
  /** A PEM file with the CA that issued the server's certificate (--add-ca), for cert_chain_of_trust. */
  readonly caFile?: string;
  /** Default TESTSSL_FULL. */
  readonly checks?: readonly TestsslCheck[];
  /** Hard limit for the whole run; default 240 s. */
  readonly timeoutMs?: number;
  /** --ssl-native: OpenSSL only, no bash sockets; a third faster, but blind to what the local OpenSSL cannot do. */
  readonly native?: boolean;
  /** The testssl.sh executable; default "testssl" (Debian) or "testssl.sh" on PATH, or $FIPSTLS_TESTSSL. */
  readonly bin?: string;
}

export interface TestsslResult {
  /** By id; for the few ids 3.0.x repeats (an empty "cipher_order_"), the first. */
  readonly findings: ReadonlyMap<string, TestsslFinding>;
  readonly all: readonly TestsslFinding[];
  /** The OpenSSL testssl.sh used, as it reports it. */
  readonly openssl: string;
  /** How many checks testssl.sh could not complete (its exit code; 0 when all ran). */
  readonly exitCode: number | null;
}

/**
 * Runs testssl.sh against `host`:`port` and parses its --jsonfile-pretty output.
 * Flags, chosen for a short, non-interactive, offline run: --quiet (no banner), --warnings off (never
 * waits for a keypress), --color 0, --nodns none, --sneaky, --connect-timeout/--openssl-timeout 5.
 */
export async function runTestssl(host: string, port: number, opts: TestsslOptions = {}): Promise<ToolRun<TestsslResult>> {
  const bin = opts.bin ?? process.env.FIPSTLS_TESTSSL ?? findOnPath(["testssl", "testssl.sh"]);
  if (bin === undefined) return { status: "missing", tool: "testssl.sh", message: "testssl.sh is not on PATH (apt-get install testssl.sh)" };
  const dir = mkdtempSync(join(tmpdir(), "fipstls-testssl-"));
  try {
    const json = join(dir, "out.json"); // must not exist yet: testssl.sh refuses to overwrite
    const checks = (opts.checks ?? TESTSSL_FULL).map((c) => TESTSSL_FLAG[c]);
    const target = opts.serverName ? `${opts.serverName}:${port}` : `${host}:${port}`;
    const args = [
      "--quiet", "--color", "0", "--warnings", "off", "--nodns", "none", "--sneaky",
      "--connect-timeout", "5", "--openssl-timeout", "5",
      ...(opts.serverName ? ["--ip", host] : []),
      ...(opts.caFile ? ["--add-ca", opts.caFile] : []),
      ...(opts.native ? ["--ssl-native"] : []),
      "--jsonfile-pretty", json,
      ...checks,
      target,
    ]; // prettier-ignore
    const r = await run(bin, args, opts.timeoutMs ?? 240_000, dir);
    const command = [bin, ...args];
    const output = tail(plain(r.stdout + r.stderr));
    if (r.timedOut) return { status: "failed", tool: "testssl.sh", message: `timed out after ${r.ms} ms`, ms: r.ms, command, output };
    let doc: PrettyJson;
    try {
      doc = JSON.parse(readFileSync(json, "utf8")) as PrettyJson;
    } catch (e) {
      return { status: "failed", tool: "testssl.sh", message: `exit ${r.code ?? r.signal}, no readable JSON: ${(e as Error).message}`, ms: r.ms, command, output };
    }
    const all: TestsslFinding[] = [];
    for (const target of doc.scanResult ?? []) {
      for (const [section, value] of Object.entries(target)) {
        if (!Array.isArray(value)) continue;
        for (const f of value as RawFinding[]) {
          if (typeof f?.id !== "string") continue;
          all.push({ id: f.id, severity: f.severity as TestsslSeverity, finding: f.finding ?? "", section, ...(f.cve ? { cve: f.cve } : {}), ...(f.cwe ? { cwe: f.cwe } : {}) });
        }
      }
    }
    const findings = new Map<string, TestsslFinding>();
    for (const f of all) if (!findings.has(f.id)) findings.set(f.id, f);
    // testssl.sh exits with the number of checks that went wrong (small), or 242-255 for a fatal
    // error such as ERR_CONNECT (246), after which the JSON holds little or nothing.
    const fatal = all.find((f) => f.severity === "FATAL" || (f.id === "scanProblem" && f.severity !== "INFO"));
    if ((r.code !== null && r.code >= 240) || all.length === 0 || (fatal && findings.size < 5)) {
      const why = fatal ? `${fatal.id}: ${fatal.finding}` : `${all.length} findings`;
      return { status: "failed", tool: "testssl.sh", message: `exit ${r.code ?? r.signal}, ${why}`, ms: r.ms, command, output };
    }
    return { status: "ok", tool: "testssl.sh", version: (doc.version ?? "").replace(/\s+from\s*$/, "").trim(), ms: r.ms, command, findings, all, openssl: doc.openssl ?? "", exitCode: r.code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface RawFinding {
  id?: string;
  severity?: string;
  finding?: string;
  cve?: string;
  cwe?: string;
}

interface PrettyJson {
  version?: string;
  openssl?: string;
  scanResult?: Record<string, unknown>[];
}

export interface TestsslSuite {
  /** "TLSv1.2" …, or undefined for -e's protocol-less ids. */
  readonly protocol?: string;
  readonly code: number;
  readonly openssl: string;
  readonly iana: string;
}

const TESTSSL_PROTOCOL: Readonly<Record<string, string>> = { ssl2: "SSLv2", ssl3: "SSLv3", tls1: "TLSv1.0", tls1_1: "TLSv1.1", tls1_2: "TLSv1.2", tls1_3: "TLSv1.3" };

/**
 * The suites testssl.sh found (from -E's "cipher-tls1_2_xc02b" or -e's "cipher_xc02b" ids). The
 * finding reads "TLS 1.2  xc02b  ECDHE-ECDSA-AES128-GCM-SHA256  ECDH 256  AESGCM  128  TLS_ECDHE_…"
 * (no protocol for -e): the OpenSSL name follows the hexcode, the IANA name comes last.
 */
export function testsslSuites(findings: Iterable<TestsslFinding>): TestsslSuite[] {
  const out: TestsslSuite[] = [];
  for (const f of findings) {
    const m = /^cipher(?:-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3))?_(x[0-9a-f]+)$/.exec(f.id);
    if (!m) continue;
    const words = f.finding.trim().split(/\s+/);
    const at = words.indexOf(m[2]!);
    const protocol = m[1] !== undefined ? TESTSSL_PROTOCOL[m[1]] : undefined;
    out.push({ ...(protocol ? { protocol } : {}), code: parseInt(m[2]!.slice(1), 16), openssl: words[at + 1] ?? "", iana: words[words.length - 1] ?? "" });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// sslscan

export interface SslscanOptions {
  /** SNI (--sni-name); sslscan sends the host itself otherwise, an IP literal here. */
  readonly serverName?: string;
  /** Hard limit for the whole run; default 60 s. */
  readonly timeoutMs?: number;
  /** Per-socket timeout in seconds (--timeout); default 5. */
  readonly socketTimeoutS?: number;
  /** --show-sigs: also enumerate signature algorithms (slower). */
  readonly sigs?: boolean;
  /** --ocsp: ask for a stapled OCSP response (reported in the text output only). */
  readonly ocsp?: boolean;
  readonly bin?: string;
}

export interface SslscanCipher {
  readonly protocol: string;
  readonly openssl: string;
  /** From the XML's id attribute, else by name through `openssl ciphers -V -stdname`. */
  readonly code?: number;
  readonly iana?: string;
  /** sslscan's "preferred" is the suite the server picked for sslscan's own offer, one per protocol. */
  readonly status: "preferred" | "accepted";
  readonly bits: number;
  readonly strength?: string;
  readonly curve?: string;
  /** ECDHE or DHE key exchange size as sslscan reports it ("ecdhebits"/"dhebits"). */
  readonly kxBits?: number;
}

export interface SslscanGroup {
  readonly protocol: string;
  /** The first word of sslscan's name, e.g. "secp256r1" from "secp256r1 (NIST P-256)", "x25519". */
  readonly name: string;
  readonly code?: number;
  readonly bits: number;
}

export interface SslscanCertificate {
  readonly signatureAlgorithm: string;
  readonly keyType: string;
  /** RSA: modulus bits. EC: sslscan reports the security strength (128 for P-256), not the curve size. */
  readonly keyBits: number;
  readonly curve?: string;
  readonly subject: string;
  readonly altNames: string;
  readonly issuer: string;
  readonly selfSigned: boolean;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly expired: boolean;
}

export interface SslscanResult {
  readonly protocols: Readonly<Record<string, boolean>>;
  readonly ciphers: readonly SslscanCipher[];
  readonly groups: readonly SslscanGroup[];
  readonly signatureAlgorithms: readonly { readonly protocol: string; readonly name: string; readonly code?: number }[];
  readonly certificate?: SslscanCertificate;
  /** From the text output: sslscan 2.0.7 writes no XML element for it. */
  readonly fallbackScsv: "supported" | "not-supported" | "unknown";
  readonly renegotiation?: { readonly supported: boolean; readonly secure: boolean };
  readonly heartbleed: readonly { readonly protocol: string; readonly vulnerable: boolean }[];
  /** From the text output, with --ocsp only. */
  readonly ocspStapled?: boolean;
  readonly xml: string;
  readonly text: string;
}

/** Attributes of one XML start tag; sslscan's values never contain quotes or entities that matter here. */
function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w-]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** The text of <name>…</name> inside `xml` (CDATA unwrapped). */
function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  if (!m) return undefined;
  return m[1]!.replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, "$1").trim();
}

/** Parses sslscan 2.0.x XML (and the text output for what the XML lacks). */
export function parseSslscan(xml: string, text: string): Omit<SslscanResult, "xml" | "text"> {
  const names = opensslSuiteNames();
  const protocols: Record<string, boolean> = {};
  for (const m of xml.matchAll(/<protocol [^>]*\/>/g)) {
    const a = attrs(m[0]);
    const name = a.type === "ssl" ? `SSLv${a.version}` : `TLSv${a.version}`;
    protocols[name] = a.enabled === "1";
  }
  const ciphers: SslscanCipher[] = [];
  for (const m of xml.matchAll(/<cipher [^>]*\/>/g)) {
    const a = attrs(m[0]);
    const byName = names.byOpenssl.get(a.cipher ?? "");
    const code = a.id ? parseInt(a.id, 16) : byName?.code;
    // TLS 1.3 suites already carry their IANA names; the others are OpenSSL names.
    const iana = (code !== undefined ? names.byCode.get(code)?.iana : undefined) ?? byName?.iana ?? (a.cipher?.startsWith("TLS_") ? a.cipher : undefined);
    ciphers.push({
      protocol: a.sslversion ?? "",
      openssl: a.cipher ?? "",
      ...(code !== undefined ? { code } : {}),
      ...(iana !== undefined ? { iana } : {}),
      status: a.status === "preferred" ? "preferred" : "accepted",
      bits: Number(a.bits ?? 0),
      ...(a.strength ? { strength: a.strength } : {}),
      ...(a.curve ? { curve: a.curve } : {}),
      ...(a.ecdhebits || a.dhebits ? { kxBits: Number(a.ecdhebits ?? a.dhebits) } : {}),
    });
  }
  const groups: SslscanGroup[] = [];
  for (const m of xml.matchAll(/<group [^>]*\/>/g)) {
    const a = attrs(m[0]);
    const code = a.id ? parseInt(a.id, 16) : undefined;
    groups.push({ protocol: a.sslversion ?? "", name: (a.name ?? "").split(" ")[0]!, ...(code !== undefined ? { code } : {}), bits: Number(a.bits ?? 0) });
  }
  const signatureAlgorithms: { protocol: string; name: string; code?: number }[] = [];
  for (const m of xml.matchAll(/<connection-signature-algorithm [^>]*\/>/g)) {
    const a = attrs(m[0]);
    const code = a.id ? parseInt(a.id, 16) : undefined;
    signatureAlgorithms.push({ protocol: a.sslversion ?? "", name: a.name ?? "", ...(code !== undefined ? { code } : {}) });
  }
  let certificate: SslscanCertificate | undefined;
  const cert = /<certificate type="short">([\s\S]*?)<\/certificate>/.exec(xml)?.[1];
  // Against a server that prefers an anonymous suite sslscan gets no certificate ("Unable to parse
  // certificate") but still writes an empty <certificate> element.
  if (cert !== undefined && /<pk |<signature-algorithm>/.test(cert)) {
    const pk = attrs(/<pk [^>]*\/>/.exec(cert)?.[0] ?? "");
    certificate = {
      signatureAlgorithm: element(cert, "signature-algorithm") ?? "",
      keyType: pk.type ?? "",
      keyBits: Number(pk.bits ?? 0),
      ...(pk.curve_name ? { curve: pk.curve_name } : {}),
      subject: element(cert, "subject") ?? "",
      altNames: element(cert, "altnames") ?? "",
      issuer: element(cert, "issuer") ?? "",
      selfSigned: element(cert, "self-signed") === "true",
      notBefore: element(cert, "not-valid-before") ?? "",
      notAfter: element(cert, "not-valid-after") ?? "",
      expired: element(cert, "expired") === "true",
    };
  }
  const reneg = /<renegotiation [^>]*\/>/.exec(xml);
  const renegotiation = reneg ? { supported: attrs(reneg[0]).supported === "1", secure: attrs(reneg[0]).secure === "1" } : undefined;
  const heartbleed = [...xml.matchAll(/<heartbleed [^>]*\/>/g)].map((m) => ({ protocol: attrs(m[0]).sslversion ?? "", vulnerable: attrs(m[0]).vulnerable === "1" }));
  const fallbackXml = /<fallback supported="([01])"/.exec(xml)?.[1];
  const t = plain(text);
  const fallbackScsv =
    fallbackXml === "1" || /Server supports TLS Fallback SCSV/.test(t) ? "supported" : fallbackXml === "0" || /Server does not support TLS Fallback SCSV/.test(t) ? "not-supported" : "unknown";
  const ocsp = /OCSP Response Status: successful/.test(t) ? true : /No OCSP response received|OCSP response: no response sent/i.test(t) ? false : undefined;
  return { protocols, ciphers, groups, signatureAlgorithms, ...(certificate ? { certificate } : {}), fallbackScsv, ...(renegotiation ? { renegotiation } : {}), heartbleed, ...(ocsp !== undefined ? { ocspStapled: ocsp } : {}) };
}

/** Runs sslscan --xml against `host`:`port` (about 1.5 s against a local s_server). */
export async function runSslscan(host: string, port: number, opts: SslscanOptions = {}): Promise<ToolRun<SslscanResult>> {
  const bin = opts.bin ?? process.env.FIPSTLS_SSLSCAN ?? findOnPath(["sslscan"]);
  if (bin === undefined) return { status: "missing", tool: "sslscan", message: "sslscan is not on PATH (apt-get install sslscan)" };
  const dir = mkdtempSync(join(tmpdir(), "fipstls-sslscan-"));
  try {
    const xmlPath = join(dir, "out.xml");
    const args = [
      "--no-colour", `--xml=${xmlPath}`, `--timeout=${opts.socketTimeoutS ?? 5}`, "--ipv4",
      ...(opts.serverName ? [`--sni-name=${opts.serverName}`] : []),
      ...(opts.sigs ? ["--show-sigs"] : []),
      ...(opts.ocsp ? ["--ocsp"] : []),
      `${host}:${port}`,
    ]; // prettier-ignore
    const r = await run(bin, args, opts.timeoutMs ?? 60_000, dir);
    const command = [bin, ...args];
    const text = plain(r.stdout);
    const output = tail(text + plain(r.stderr));
    if (r.timedOut) return { status: "failed", tool: "sslscan", message: `timed out after ${r.ms} ms`, ms: r.ms, command, output };
    let xml: string;
    try {
      xml = readFileSync(xmlPath, "utf8");
    } catch (e) {
      return { status: "failed", tool: "sslscan", message: `exit ${r.code ?? r.signal}, no XML: ${(e as Error).message}`, ms: r.ms, command, output };
    }
    if (!/<\/document>/.test(xml) || /<error>/.test(xml)) {
      return { status: "failed", tool: "sslscan", message: `exit ${r.code ?? r.signal}, incomplete or error XML: ${tail(xml, 400)}`, ms: r.ms, command, output };
    }
    const version = /<document [^>]*version="([^"]+)"/.exec(xml)?.[1] ?? "";
    return { status: "ok", tool: "sslscan", version, ms: r.ms, command, ...parseSslscan(xml, text), xml, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
