// `scan` enumerates by the IANA registries, not by our catalog: real OpenSSL servers configured with
// suites fipstls has never heard of (anonymous DH, Camellia, ARIA, CCM), with their own group order,
// with two certificates, and each report checked against what the server was told to do.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { scan } from "../../src/node.js";
import { AUDIT_JSON_SCHEMA } from "../../compliance/schema.js";
import type { ScanReport } from "../../compliance/scan.js";
import { TLS12_CANDIDATES } from "../../compliance/scan-algorithms.js";
import { renderText } from "../../compliance/render.js";
import { validate } from "../_schema.js";
import { OPENSSL, Scope, freePort, interopPki, spawnOpenssl, untilListening } from "./peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const rsa = pki.certs.find((c) => c.kind === "rsa-2048")!;

const t = suite("interop: scan enumerates the registries");
const scope = new Scope();
t.after(() => scope.close());

async function server(cert: typeof ecdsa, args: readonly string[]): Promise<number> {
  const port = await freePort();
  const peer = spawnOpenssl(scope, ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", cert.certPath, "-key", cert.keyPath, "-quiet", "-naccept", "5000", ...args]);
  await Promise.race([untilListening(port), peer.exited.then(() => Promise.reject(new Error(peer.describe())))]);
  return port;
}

const accepted = (r: ScanReport, kind: string): string[] => r.items.filter((i) => i.kind === kind && i.serverAccepted).map((i) => i.name);
const findings = (r: ScanReport, id: string) => r.findings.filter((f) => f.id === id);
/** The IANA names OpenSSL gives a cipher string, so the expectation is OpenSSL's, not ours. */
const ianaNames = (cipherString: string): string[] =>
  execFileSync(OPENSSL, ["ciphers", "-stdname", "-tls1_2", cipherString], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.split(" - ")[0]!.trim())
    .filter((n) => !n.startsWith("TLS_AES_") && !n.startsWith("TLS_CHACHA20_"));

t("suites outside fipstls's catalog (anonymous DH, Camellia, ARIA, CCM) are found and refused by the policy", async () => {
  const ciphers = "ADH-AES128-SHA:AECDH-AES256-SHA:CAMELLIA128-SHA:DHE-RSA-CAMELLIA256-SHA:ECDHE-ARIA128-GCM-SHA256:AES128-CCM:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0";
  const port = await server(rsa, ["-no_tls1_3", "-cipher", ciphers]);
  const r = await scan("127.0.0.1", port, { policy: "fips-140-3", serverName: "localhost", roots: pki.caPem });
  assert.equal(validate(AUDIT_JSON_SCHEMA as unknown as Record<string, unknown>, JSON.parse(JSON.stringify(r))), []);
  const expected = ianaNames(ciphers);
  assert.is(expected.length, 7, expected.join(","));
  assert.equal(accepted(r, "cipher_suite").sort(), expected.sort());
  for (const name of ["TLS_DH_anon_WITH_AES_128_CBC_SHA", "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CCM"]) {
    const item = r.items.find((i) => i.name === name)!;
    assert.is(item.decision, "refused", name);
    assert.match(r.verdict.reasons.join("\n"), new RegExp(`server accepts cipher_suite ${name}:`));
  }
  // The enumeration ran to a refusal over the whole TLS 1.2 range of the registry.
  const enumerated = findings(r, "cipher_suites_enumerated")[0]!;
  assert.is(enumerated.status, "info");
  assert.match(enumerated.result, new RegExp(`every one of the ${TLS12_CANDIDATES.length} registry code points offered; the server accepts 7 `));
  // The 1024-bit prime OpenSSL uses at security level 0 is reported against SP 800-131Ar2.
  const dh = findings(r, "dh_prime_size")[0];
  assert.ok(dh, "a DHE/DH_anon suite was accepted, so the prime size is reported");
  // At security level 0 OpenSSL speaks TLS 1.1 too: a TLS 1.1 hello with the SCSV is a needless fallback.
  assert.match(findings(r, "fallback_scsv")[0]!.result, /^a TLSv1\.1 hello with TLS_FALLBACK_SCSV to a server that accepts TLSv1\.2 was refused with inappropriate_fallback/);
  assert.not.ok(r.verdict.compliant);
});

t("a TLS 1.2 server with its own group order: each group found, and the order reported", async () => {
  const port = await server(rsa, ["-no_tls1_3", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "-groups", "P-256:X25519:P-384", "-serverpref", "-client_renegotiation"]);
  const r = await scan("127.0.0.1", port, { policy: "default", serverName: "localhost", roots: pki.caPem });
  // The old probe offered each group followed by the NIST curves, and a server preferring P-256 hid x25519.
  assert.equal(accepted(r, "group").sort(), ["secp256r1", "secp384r1", "x25519"]);
  const order = findings(r, "group_order")[0]!;
  assert.is(order.status, "info");
  assert.match(order.result, /TLSv1\.2: the server chooses by its own group order: secp256r1, x25519, secp384r1/);
  // Told to allow it, OpenSSL renegotiates at the client's request: a full TLS 1.2 handshake, then a ServerHello.
  const renegotiation = findings(r, "client_renegotiation")[0]!;
  assert.is(renegotiation.status, "info");
  assert.match(renegotiation.result, /^client-initiated renegotiation is accepted \(secure\)/);
});

t("TLS 1.2 with only an ECDSA certificate and a server preferring its curve: the other groups are an open question, said so", async () => {
  const port = await server(ecdsa, ["-no_tls1_3", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-groups", "P-256:X25519", "-serverpref"]);
  const r = await scan("127.0.0.1", port, { policy: "default", serverName: "localhost", roots: pki.caPem });
  assert.equal(accepted(r, "group"), ["secp256r1"]);
  // x25519 can be neither seen nor ruled out: its answer is open, not "rejects".
  const x25519 = r.items.find((i) => i.name === "x25519")!;
  assert.is(x25519.serverAccepted, undefined);
  assert.match(r.verdict.notAttested.join("\n"), /ECDSA certificate is on 0x0017, which must stay in supported_groups \(RFC 8422 §5\.1\)/);
});

t("a server with RSA and ECDSA certificates: both chains are judged", async () => {
  const port = await server(rsa, ["-dcert", ecdsa.certPath, "-dkey", ecdsa.keyPath, "-groups", "P-256"]);
  const r = await scan("127.0.0.1", port, { policy: "fips-140-3", serverName: "localhost", roots: pki.caPem });
  assert.equal(validate(AUDIT_JSON_SCHEMA as unknown as Record<string, unknown>, JSON.parse(JSON.stringify(r))), []);
  const leaves = r.certificates.filter((c) => c.position === 0);
  assert.equal(leaves.map((c) => c.key.name).sort(), ["ec-P-256", "rsa-2048"]);
  assert.equal(new Set(leaves.map((c) => c.chain)).size, 2);
  // Every chain has its own findings, and the text report says which chain each belongs to.
  for (const chain of [0, 1]) assert.ok(r.findings.some((f) => f.chain === chain && f.id === "cert_chain_of_trust" && f.status === "pass"), `chain ${chain} trusted`);
  assert.match(renderText(r), /chain 1 \[0\] CN=localhost/);
  assert.not.match(r.verdict.notAttested.join("\n"), /judged on the chain it presents/);
});

t("downgrade protection: OpenSSL honours TLS_FALLBACK_SCSV and marks TLS 1.2 answers with the sentinel", async () => {
  const port = await server(ecdsa, ["-groups", "P-256"]);
  const r = await scan("127.0.0.1", port, { policy: "fips-140-3", serverName: "localhost", roots: pki.caPem });
  const scsv = findings(r, "fallback_scsv")[0]!;
  assert.is(scsv.status, "pass");
  assert.match(scsv.result, /a TLSv1\.2 hello with TLS_FALLBACK_SCSV to a server that accepts TLSv1\.3 was refused with inappropriate_fallback/);
  assert.is(scsv.testsslId, "fallback_SCSV");
  assert.is(findings(r, "downgrade_sentinel")[0]!.status, "pass");
  // OpenSSL 3 refuses client-initiated renegotiation unless told otherwise.
  assert.match(findings(r, "client_renegotiation")[0]!.result, /^client-initiated renegotiation is refused: the server answered with a no_renegotiation alert/);
  // TLS 1.3 suites are enumerated over the registry too, and the order the server follows is reported.
  assert.match(findings(r, "cipher_suites_enumerated")[0]!.result, /^TLSv1\.3: every one of the \d+ registry code points offered; the server accepts 3 /);
  assert.ok(findings(r, "cipher_order").length >= 1);
});

t.run();
