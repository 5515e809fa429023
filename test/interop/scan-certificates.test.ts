// `scan` judges the server's certificate chain, against deliberately flawed `openssl s_server`s:
// expired, SHA-1-signed and RSA-1024 leaves over TLS 1.3 only and over TLS 1.2 only, all three
// flaws at once, an untrusted chain, a name mismatch, a server without TLS 1.3 under fips-140-3,
// and good servers that must stay COMPLIANT. Each flawed server is otherwise strict, so the
// certificate (or the missing version) is the only reason it fails.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scan } from "../../src/node.js";
import { AUDIT_JSON_SCHEMA } from "../../compliance/schema.js";
import { renderMarkdown, renderText } from "../../compliance/render.js";
import type { Finding, ScanOptions, ScanReport } from "../../compliance/scan.js";
import { FIPSTLS_VERSION } from "../../compliance/version.js";
import { validate } from "../_schema.js";
import { openssl } from "../pki.js";
import { Scope, freePort, interopPki, spawnOpenssl, untilListening } from "./peers.js";
import { policyByName } from "../../src/policy/policies.js";

const pki = interopPki();
const good = pki.certs.find((c) => c.kind === "ecdsa-p256")!;

// ---------------------------------------------------------------------------------------------
// Flawed certificates, made with `openssl ca` because only it sets arbitrary validity dates. The
// legacy CA is valid from 2019, so an old leaf was once valid under it (only its dates are wrong).

interface Made {
  readonly certPath: string;
  readonly keyPath: string;
  readonly pem: string;
  /** The issuing `openssl ca` database, which `openssl ocsp` answers from. */
  readonly dir: string;
}

const rsaKey = (bits: number): string => {
  const path = join(mkdtempSync(join(pki.dir, "key-")), `rsa-${bits}.key`);
  openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${bits}`, "-out", path]);
  return path;
};

function issue(o: { issuer?: Made; keyPath: string; cn: string; ca?: boolean; digest: "sha1" | "sha256"; from: string; to: string; extensions?: readonly string[] }): Made {
  const dir = mkdtempSync(join(pki.dir, "ca-"));
  writeFileSync(join(dir, "index.txt"), "");
  const config = join(dir, "ca.cnf");
  writeFileSync(
    config,
    [
      "[ca]", "default_ca = d",
      "[d]", `database = ${dir}/index.txt`, `new_certs_dir = ${dir}`, "policy = p", "unique_subject = no", "rand_serial = yes",
      "[p]", "commonName = supplied", "organizationName = optional",
      "[authority]", "basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign,cRLSign", "subjectKeyIdentifier = hash",
      "[leaf]", "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature,keyEncipherment", "extendedKeyUsage = serverAuth",
      "subjectAltName = DNS:localhost,IP:127.0.0.1", "subjectKeyIdentifier = hash", "authorityKeyIdentifier = keyid", ...(o.extensions ?? []),
      "",
    ].join("\n"),
  ); // prettier-ignore
  const csr = join(dir, "req.csr");
  const certPath = join(dir, "cert.pem");
  openssl(["req", "-new", "-key", o.keyPath, "-subj", `/O=fipstls test/CN=${o.cn}`, "-out", csr]);
  const signer = o.issuer ? ["-cert", o.issuer.certPath, "-keyfile", o.issuer.keyPath] : ["-selfsign", "-keyfile", o.keyPath];
  openssl(["ca", "-batch", "-config", config, ...signer, "-in", csr, "-out", certPath, "-startdate", o.from, "-enddate", o.to, "-md", o.digest, "-extfile", config, "-extensions", o.ca ? "authority" : "leaf", "-notext"]);
  return { certPath, keyPath: o.keyPath, pem: readFileSync(certPath, "utf8"), dir };
}

/** A DER OCSP response for `leaf`, signed by its CA, for s_server -status_file. */
function ocspResponse(leaf: Made, ca: Made): string {
  const request = join(leaf.dir, "ocsp-request.der");
  const response = join(leaf.dir, "ocsp-response.der");
  openssl(["ocsp", "-issuer", ca.certPath, "-cert", leaf.certPath, "-no_nonce", "-reqout", request]);
  openssl(["ocsp", "-index", join(leaf.dir, "index.txt"), "-rsigner", ca.certPath, "-rkey", ca.keyPath, "-CA", ca.certPath, "-reqin", request, "-respout", response, "-ndays", "1"]);
  return response;
}

const LONG = { from: "20190601000000Z", to: "20350101000000Z" };
const EXPIRED = { from: "20200101000000Z", to: "20210101000000Z" };
const rsa2048 = rsaKey(2048);
const rsa1024 = rsaKey(1024);
const legacyCa = issue({ keyPath: rsaKey(2048), cn: "fipstls legacy CA", ca: true, digest: "sha256", from: "20190101000000Z", to: "20360101000000Z" });
const flawed = {
  expired: issue({ issuer: legacyCa, keyPath: rsa2048, cn: "localhost", digest: "sha256", ...EXPIRED }),
  sha1: issue({ issuer: legacyCa, keyPath: rsa2048, cn: "localhost", digest: "sha1", ...LONG }),
  rsa1024: issue({ issuer: legacyCa, keyPath: rsa1024, cn: "localhost", digest: "sha256", ...LONG }),
  all: issue({ issuer: legacyCa, keyPath: rsa1024, cn: "localhost", digest: "sha1", ...EXPIRED }),
  // RFC 7633 "must staple": not acceptable without a stapled OCSP response.
  mustStaple: issue({ issuer: legacyCa, keyPath: rsa2048, cn: "localhost", digest: "sha256", ...LONG, extensions: ["tlsfeature = status_request"] }),
};
const revocable = issue({
  issuer: legacyCa, keyPath: rsa2048, cn: "localhost", digest: "sha256", ...LONG,
  extensions: ["authorityInfoAccess = OCSP;URI:http://ocsp.example/, caIssuers;URI:http://ca.example/ca.crt", "crlDistributionPoints = URI:http://crl.example/ca.crl"],
}); // prettier-ignore
const roots = legacyCa.pem + pki.caPem;
const caFile = join(pki.dir, "scan-roots.pem");
writeFileSync(caFile, roots);

// ---------------------------------------------------------------------------------------------
// Servers: strict apart from the certificate. SECLEVEL=0 lets OpenSSL 3 load SHA-1 and RSA-1024
// certificates at all; it does not widen what these servers negotiate.

const TLS13_ONLY = ["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384", "-groups", "P-256:P-384", "-cipher", "DEFAULT@SECLEVEL=0"];
const TLS12_ONLY_RSA = [
  "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0", "-groups", "P-256:P-384",
  "-sigalgs", "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pkcs1_sha256:rsa_pkcs1_sha384",
]; // prettier-ignore
const ECDSA_GOOD = ["-groups", "P-256:P-384", "-sigalgs", "ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384"];
const TLS12_ONLY_ECDSA = ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384", ...ECDSA_GOOD];
const BOTH_ECDSA = ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384", ...ECDSA_GOOD];

const t = suite("interop: scan judges the certificate chain");
const scope = new Scope();
t.after(() => scope.close());

async function server(cert: { certPath: string; keyPath: string }, args: readonly string[]): Promise<number> {
  const port = await freePort();
  const peer = spawnOpenssl(scope, ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", cert.certPath, "-key", cert.keyPath, "-quiet", "-naccept", "1000", ...args]);
  await Promise.race([untilListening(port), peer.exited.then(() => Promise.reject(new Error(peer.describe())))]);
  return port;
}

const scanOf = async (port: number, o: Omit<ScanOptions, "provider">): Promise<ScanReport> => {
  const r = (await scan("127.0.0.1", port, { serverName: "localhost", timeoutMs: 5000, ...o })) as ScanReport;
  assert.equal(validate(AUDIT_JSON_SCHEMA as unknown as Record<string, unknown>, JSON.parse(JSON.stringify(r))), []);
  return r;
};
/** Checked first, so that against the old scanner the tests fail on the verdict itself. */
const notCompliant = (r: ScanReport): void => assert.not.ok(r.verdict.compliant, `called compliant: ${r.verdict.reasons.join("; ")}`);
const failures = (r: ScanReport): Finding[] => r.findings.filter((f) => f.status === "fail");
const failed = (r: ScanReport, id: string, certificate: number | null = 0): Finding => {
  const f = r.findings.find((x) => x.id === id && x.status === "fail" && x.certificate === certificate);
  if (!f) throw new Error(`no failing ${id} finding for certificate ${certificate}; findings:\n${r.findings.map((x) => `${x.status} ${x.id} ${x.result}`).join("\n")}`);
  return f;
};
const only = (r: ScanReport, ids: readonly string[]): void => {
  assert.not.ok(r.verdict.compliant, "the scan must not call this server compliant");
  assert.equal(failures(r).map((f) => f.id).sort(), [...ids].sort(), r.verdict.reasons.join("\n"));
  // Every failing finding is a reason, and no other reason exists.
  assert.is(r.verdict.reasons.length, ids.length, r.verdict.reasons.join("\n"));
};
const status = (r: ScanReport, id: string): string | undefined => r.findings.find((f) => f.id === id)?.status;

const expectExpired = (r: ScanReport): void => {
  const f = failed(r, "cert_validity");
  assert.match(f.result, /^expired: valid 2020-01-01T00:00:00\.000Z \.\. 2021-01-01T00:00:00\.000Z/);
  assert.match(f.reference, /RFC 5280 §4\.1\.2\.5/);
  assert.is(f.testsslId, "cert_expirationStatus");
  // Expiry is its own finding: the chain still leads to the legacy CA.
  assert.is(status(r, "cert_chain_of_trust"), "pass");
};
const expectSha1 = (r: ScanReport): void => {
  const f = failed(r, "cert_signature");
  assert.is(f.result, "signed with sha1WithRSAEncryption");
  assert.match(f.reference, /NIST SP 800-131Ar2/);
  assert.is(f.testsslId, "cert_signatureAlgorithm");
  assert.is(r.certificates[0]!.signature.decision, "refused");
};
const expectRsa1024 = (r: ScanReport): void => {
  const f = failed(r, "cert_key");
  assert.is(f.result, "key rsa-1024");
  assert.match(f.rule, /at least 2048 bits/);
  assert.match(f.reference, /NIST SP 800-131Ar2/);
  assert.is(f.testsslId, "cert_keySize");
};

t("TLS 1.3 only, expired leaf: not compliant, cert_validity", async () => {
  const r = await scanOf(await server(flawed.expired, TLS13_ONLY), { policy: "fips-140-3", roots });
  notCompliant(r);
  assert.equal(r.items.filter((i) => i.kind === "version" && i.serverAccepted).map((i) => i.name), ["TLSv1.3"]);
  expectExpired(r);
  only(r, ["cert_validity"]);
});

t("TLS 1.3 only, SHA-1-signed leaf: the chain is collected and the signature refused", async () => {
  const r = await scanOf(await server(flawed.sha1, TLS13_ONLY), { policy: "fips-140-3", roots });
  notCompliant(r);
  expectSha1(r);
  // The verifier cannot check a SHA-1 signature, so trust is information pointing at that finding.
  assert.is(status(r, "cert_chain_of_trust"), "info");
  only(r, ["cert_signature"]);
  // Signature schemes are probed with signature_algorithms narrowed and the cert list broad.
  assert.ok(r.items.some((i) => i.kind === "signature_scheme" && i.name === "rsa_pss_rsae_sha256" && i.serverAccepted));
});

t("TLS 1.3 only, RSA-1024 leaf: cert_key", async () => {
  const r = await scanOf(await server(flawed.rsa1024, TLS13_ONLY), { policy: "fips-140-3", roots });
  notCompliant(r);
  expectRsa1024(r);
  assert.is(status(r, "cert_chain_of_trust"), "pass");
  only(r, ["cert_key"]);
});

t("TLS 1.3 only, an expired SHA-1-signed RSA-1024 leaf shows all three findings", async () => {
  const r = await scanOf(await server(flawed.all, TLS13_ONLY), { policy: "fips-140-3", roots });
  notCompliant(r);
  expectRsa1024(r);
  assert.ok(failed(r, "cert_validity"));
  expectSha1(r);
  only(r, ["cert_validity", "cert_key", "cert_signature"]);
  const text = renderText(r);
  assert.match(text, /FAIL {2}cert_validity/);
  assert.match(text, /FAIL {2}cert_key/);
  assert.match(text, /FAIL {2}cert_signature/);
  assert.match(renderMarkdown(r), /\| FAIL \| `cert_signature` \|/);
});

t("TLS 1.2 only, expired leaf: cert_validity", async () => {
  const r = await scanOf(await server(flawed.expired, TLS12_ONLY_RSA), { policy: "default", roots });
  notCompliant(r);
  assert.equal(r.items.filter((i) => i.kind === "version" && i.serverAccepted).map((i) => i.name), ["TLSv1.2"]);
  expectExpired(r);
  only(r, ["cert_validity"]);
});

t("TLS 1.2 only, SHA-1-signed leaf: cert_signature", async () => {
  const r = await scanOf(await server(flawed.sha1, TLS12_ONLY_RSA), { policy: "default", roots });
  notCompliant(r);
  expectSha1(r);
  only(r, ["cert_signature"]);
});

t("TLS 1.2 only, RSA-1024 leaf: cert_key", async () => {
  const r = await scanOf(await server(flawed.rsa1024, TLS12_ONLY_RSA), { policy: "default", roots });
  notCompliant(r);
  expectRsa1024(r);
  only(r, ["cert_key"]);
});

t("revocation information: stapled OCSP (TLS 1.3 and 1.2), OCSP and CRL URLs as information; must-staple without a staple fails", async () => {
  const staple = ocspResponse(revocable, legacyCa);
  for (const args of [TLS13_ONLY, TLS12_ONLY_RSA]) {
    const r = await scanOf(await server(revocable, [...args, "-status_file", staple]), { policy: "default", roots });
    assert.ok(r.verdict.compliant, r.verdict.reasons.join("\n"));
    const byId = new Map(r.findings.map((f) => [f.id, f]));
    assert.is(byId.get("ocsp_stapling")!.result, "an OCSP response was stapled");
    assert.is(byId.get("ocsp_stapling")!.status, "info");
    assert.is(byId.get("cert_ocsp_url")!.result, "OCSP responder http://ocsp.example/");
    assert.is(byId.get("cert_crl_distribution_points")!.result, "CRL http://crl.example/ca.crl");
    assert.match(byId.get("cert_ocsp_url")!.reference, /RFC 5280 §4\.2\.2\.1/);
  }
  const plain = await scanOf(await server(flawed.mustStaple, TLS13_ONLY), { policy: "default", roots });
  notCompliant(plain);
  assert.match(failed(plain, "ocsp_stapling").result, /requires a stapled OCSP response/);
  only(plain, ["ocsp_stapling"]);
});

let goodPort = 0;

t("a good TLS 1.2 + 1.3 server stays COMPLIANT under fips-140-3: no false positives", async () => {
  goodPort = await server(good, BOTH_ECDSA);
  const r = await scanOf(goodPort, { policy: "fips-140-3", roots: pki.caPem });
  assert.ok(r.verdict.compliant, r.verdict.reasons.join("\n"));
  assert.equal(r.verdict.reasons, []);
  assert.equal(failures(r), []);
  for (const id of ["cert_validity", "cert_key", "cert_signature", "cert_chain_of_trust", "cert_name", "version_required"]) assert.is(status(r, id), "pass", id);
  assert.is(status(r, "ocsp_stapling"), "info");
  assert.is(status(r, "cert_ocsp_url"), "info");
  assert.is(r.tool.version, FIPSTLS_VERSION);
  assert.is(r.type, "scan");
  assert.ok(r.verdict.notAttested.some((n) => /cryptographic module cannot be observed/.test(n)));
  assert.ok(r.verdict.notAttested.some((n) => /revocation status was not fetched/.test(n)));
  assert.match(renderText(r), new RegExp(`^verdict {3}COMPLIANT with ${policyByName("fips-140-3").id}$`, "m"));
  assert.match(renderText(r), new RegExp(`by fipstls ${FIPSTLS_VERSION.replace(/\./g, "\\.")}`));
});

t("the scan's clock judges validity: the same good server scanned in 2040 is expired", async () => {
  const r = await scanOf(goodPort, { policy: "fips-140-3", roots: pki.caPem, now: () => new Date("2040-01-01T00:00:00Z") });
  notCompliant(r);
  assert.is(r.generatedAt, "2040-01-01T00:00:00.000Z");
  assert.ok(failed(r, "cert_validity"));
  assert.not.ok(r.verdict.compliant);
});

t("an untrusted chain: not compliant with Mozilla's roots (the default) or an unrelated CA", async () => {
  const r = await scanOf(goodPort, { policy: "fips-140-3" });
  notCompliant(r);
  const f = failed(r, "cert_chain_of_trust", null);
  assert.match(f.result, /no path to a trust anchor in Mozilla's root store/);
  assert.match(f.reference, /RFC 5280 §6\.1/);
  only(r, ["cert_chain_of_trust"]);
  const other = await scanOf(goodPort, { policy: "fips-140-3", roots: pki.otherCaPem });
  only(other, ["cert_chain_of_trust"]);
});

t("a hostname mismatch: cert_name", async () => {
  const r = await scanOf(goodPort, { policy: "fips-140-3", roots: pki.caPem, serverName: "other.example" });
  notCompliant(r);
  const f = failed(r, "cert_name");
  assert.is(f.result, "other.example does not match DNS:localhost, IP:127.0.0.1");
  assert.match(f.reference, /RFC 9525/);
  only(r, ["cert_name"]);
});

t("a server without TLS 1.3: compliant under default, not under fips-140-3 (SP 800-52r2 §3.1)", async () => {
  const port = await server(good, TLS12_ONLY_ECDSA);
  const byDefault = await scanOf(port, { policy: "default", roots: pki.caPem });
  assert.ok(byDefault.verdict.compliant, byDefault.verdict.reasons.join("\n"));
  const fips = await scanOf(port, { policy: "fips-140-3", roots: pki.caPem });
  notCompliant(fips);
  const f = failed(fips, "version_required", null);
  assert.is(f.result, "the server does not accept TLSv1.3");
  assert.is(f.reference, "NIST SP 800-52r2 §3.1");
  assert.is(f.testsslId, "TLS1_3");
  only(fips, ["version_required"]);
});

t("fipstls scan --ca: exit 0 with the issuing CA, 1 without it", async () => {
  const cli = fileURLToPath(new URL("../../../bin/fipstls.js", import.meta.url));
  // Asynchronous on purpose: s_server's stderr pipe must keep draining while the CLI scans it.
  const run = (...extra: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const args = [cli, "scan", `127.0.0.1:${goodPort}`, "--policy", "fips-140-3", "--servername", "localhost", "--format", "json", ...extra];
      const child = execFile(process.execPath, args, { encoding: "utf8", timeout: 30_000, maxBuffer: 1 << 24 }, (_e, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }));
    });
  const trusted = await run("--ca", caFile);
  assert.is(trusted.status, 0, trusted.stderr + trusted.stdout.slice(0, 2000));
  const report = JSON.parse(trusted.stdout) as ScanReport;
  assert.is(report.findings.find((f) => f.id === "cert_chain_of_trust")!.status, "pass");
  const untrusted = await run();
  assert.is(untrusted.status, 1, untrusted.stderr);
  assert.is((await run("--ca", join(pki.dir, "missing.pem"))).status, 2);
});

t("the report's tool version is package.json's", () => {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../../package.json", import.meta.url)), "utf8")) as { version: string };
  assert.is(FIPSTLS_VERSION, pkg.version);
});

t.run();
