// Trust stores: Mozilla's compiled-in roots (each must parse), TrustStore from PEM/DER, the
// verifier's handling of root inputs, and the Node system store helper.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { systemRoots } from "../providers/node/roots.js";
import { ConfigError } from "../src/errors.js";
import { MOZILLA_ROOTS_BASE64, mozillaRoots, mozillaTrustStore } from "../src/roots/index.js";
import { TrustStore, createTrustStore, parseCertificate } from "../src/verify/index.js";
import { checkIssuer, checkStructure } from "../src/verify/checks.js";
import { PROVIDERS, verifiers } from "./verify-harness.js";
import { X509Pki } from "./pki-x509.js";

const pki = new X509Pki();
const root = await pki.root({ subject: "CN=Store Root" });
const other = await pki.root({ subject: "CN=Store Other" });
const leaf = await pki.issue(root, { dns: ["example.com"] });
const repo = fileURLToPath(new URL("../../", import.meta.url));

const mozilla = suite("verify: Mozilla roots (fipstls/roots)");

mozilla("every compiled-in root parses with parseCertificate", () => {
  const ders = mozillaRoots();
  assert.ok(ders.length > 100, `${ders.length} roots`);
  assert.is(ders.length, MOZILLA_ROOTS_BASE64.length);
  for (const [i, der] of ders.entries()) {
    const cert = parseCertificate(der, i);
    assert.ok(cert.subject.length > 0);
  }
  const store = mozillaTrustStore();
  assert.is(store.anchors.length, ders.length);
  assert.is(mozillaTrustStore(), store);
});

mozilla('every compiled-in root against the strict anchor profile: five break it (as under pyca/cryptography), legacy takes all', () => {
  const broken = new Map<string, string>();
  for (const der of mozillaRoots()) {
    const at = { cert: parseCertificate(der) };
    const problem = checkStructure(at, "anchor") ?? checkIssuer(at, 0, "serverAuth", false);
    if (problem !== null) broken.set(at.cert.subject.split(", ")[0]!, problem.reason);
    // Under anchorProfile "legacy" only cA=false or keyUsage without keyCertSign could refuse a root.
    assert.is(checkIssuer(at, 0, "serverAuth", true), null, at.cert.subject);
  }
  assert.equal(Object.fromEntries(broken), {
    // An authorityKeyIdentifier naming issuer and serial (RFC 5280 allows it; CA/B BR 7.1.2.11.1 and pyca do not).
    "CN=QuoVadis Root CA 2": "InvalidAuthorityKeyIdentifier",
    "CN=QuoVadis Root CA 3": "InvalidAuthorityKeyIdentifier",
    "CN=Certigna": "InvalidAuthorityKeyIdentifier",
    // basicConstraints not critical, and no keyUsage.
    "OU=ePKI Root Certification Authority": "InvalidExtensionCriticality",
    // notBefore in 2011 written as GeneralizedTime.
    "CN=Certum Trusted Network CA 2": "BadEncoding",
  });
});

mozilla("the generated file is what scripts/build-roots.mjs makes on the Node it names", () => {
  const header = readFileSync(join(repo, "src/roots/mozilla.ts"), "utf8").split("\n")[0]!;
  // A different Node ships a different store; the check only means something on the same one.
  if (!header.includes(`from Node ${process.version}'s`)) return;
  const out = execFileSync(process.execPath, [join(repo, "scripts/build-roots.mjs"), "--check"], { encoding: "utf8" });
  assert.match(out, /is current/);
});

const stores = suite("verify: trust stores");

stores("createTrustStore: PEM bundles, DER, mixed arrays, PEM as bytes, duplicates once", () => {
  const bundle = root.pem + other.pem;
  assert.is(createTrustStore(bundle).anchors.length, 2);
  assert.is(createTrustStore(root.der).anchors.length, 1);
  assert.is(createTrustStore([root.der, other.pem, root.pem]).anchors.length, 2);
  assert.is(createTrustStore(new TextEncoder().encode(bundle)).anchors.length, 2);
  const s = createTrustStore([root.der, other.der]);
  assert.is(s.bySubject(parseCertificate(root.der).subjectDer).length, 1);
  assert.ok(s.contains(parseCertificate(other.der)) && !s.contains(parseCertificate(leaf.der)));
});

stores("createTrustStore: malformed entries are ConfigErrors naming the index, unless skipped", () => {
  const isConfig = (re: RegExp) => (e: unknown) => e instanceof ConfigError && re.test(e.message);
  assert.throws(() => createTrustStore([root.der, new Uint8Array([1, 2, 3])]), isConfig(/roots\[1\]/));
  assert.throws(() => createTrustStore("no pem here"), isConfig(/roots\[0\]: no PEM CERTIFICATE/));
  assert.throws(() => createTrustStore(root.pem.replace(/CERTIFICATE/g, "TRUSTED CERTIFICATE")), isConfig(/TRUSTED CERTIFICATE/));
  assert.is(createTrustStore([root.der, new Uint8Array([1, 2, 3]), "junk"], { skipInvalid: true }).anchors.length, 1);
});

for (const [name, provider] of PROVIDERS) {
  stores(`verifier accepts a TrustStore, PEM text, DER and arrays (${name})`, async () => {
    const { ok, fails } = verifiers(provider);
    for (const roots of [createTrustStore([other.pem, root.pem]), root.pem, root.der, [other.der, root.pem], other.pem + root.pem]) {
      await ok({ chain: [leaf.der], roots }, 2);
    }
    await fails({ chain: [leaf.der], roots: new TrustStore([]) }, "UnknownIssuer", 0);
    await fails({ chain: [leaf.der], roots: mozillaTrustStore() }, "UnknownIssuer", 0);
  });
}

const system = suite("verify: systemRoots (Node)");

system("SSL_CERT_FILE and SSL_CERT_DIR are read when Node has no getCACertificates", () => {
  const dir = mkdtempSync(join(tmpdir(), "fipstls-roots-"));
  try {
    writeFileSync(join(dir, "bundle.pem"), root.pem + other.pem + root.pem);
    writeFileSync(join(dir, "notes.txt"), "not a certificate");
    const fromFile = systemRoots({ env: { SSL_CERT_FILE: join(dir, "bundle.pem") } });
    if (fromFile.source === "tls.getCACertificates") return; // Node 22.15+: the OS store is used as is
    assert.is(fromFile.certificates.length, 2);
    const fromDir = systemRoots({ env: { SSL_CERT_DIR: dir } });
    assert.is(fromDir.certificates.length, 2);
    assert.is(createTrustStore(fromDir.certificates).anchors.length, 2);
    assert.throws(() => systemRoots({ env: {} }), (e: unknown) => e instanceof ConfigError && /not available on Node/.test(e.message));
    assert.throws(() => systemRoots({ env: { SSL_CERT_DIR: join(dir, "missing") } }), (e: unknown) => e instanceof ConfigError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

mozilla.run();
stores.run();
system.run();
