// Certificate parsing (compared with node:crypto's X509Certificate on OpenSSL-made certificates),
// hostile DER, and server-name matching.
import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { InvalidCertificate } from "../src/errors.js";
import { type Certificate, parseCertificate, signatureAlgorithmFor } from "../src/verify/certificate.js";
import { dnsLabels, isIpLiteral, matchesServerName, parseIpv4, parseIpv6 } from "../src/verify/names.js";
import { Pki, makePki, openssl, pemToDer } from "./pki.js";

const pki = new Pki();
const ec = makePki({ keyType: "ec-p256", dns: ["example.com", "*.example.com"], ip: ["192.0.2.1", "2001:db8::1"] });
const leaf = parseCertificate(ec.leafDer);
const inter = parseCertificate(ec.intermediateDer!);

const parse = suite("certificate parsing");

parse("fields agree with node:crypto's X509Certificate", () => {
  for (const der of [ec.leafDer, ec.intermediateDer!, ec.rootDer]) {
    const ours = parseCertificate(der);
    const theirs = new X509Certificate(der);
    assert.is(ours.version, 3);
    assert.is(ours.serialNumber.toUpperCase(), theirs.serialNumber.toUpperCase());
    assert.is(ours.notBefore.getTime(), Date.parse(theirs.validFrom));
    assert.is(ours.notAfter.getTime(), Date.parse(theirs.validTo));
    assert.equal(ours.spki, new Uint8Array(theirs.publicKey.export({ type: "spki", format: "der" })));
    assert.equal(ours.der, der);
    assert.is(ours.signatureAlgorithmOid, "1.2.840.10045.4.3.2");
    assert.equal(ours.tbsSignatureAlgorithm, ours.signatureAlgorithm);
  }
  assert.is(leaf.subject, "CN=example.com, O=fipstls test");
  assert.is(leaf.issuer, "CN=fipstls test intermediate, O=fipstls test");
  assert.equal(leaf.issuerDer, inter.subjectDer);
  assert.equal(leaf.subjectAltName?.dnsNames, ["example.com", "*.example.com"]);
  assert.equal(leaf.subjectAltName?.ipAddresses, [
    new Uint8Array([192, 0, 2, 1]),
    new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
  ]);
  assert.is(leaf.publicKeyAlgorithmOid, "1.2.840.10045.2.1");
});

parse("extensions: basicConstraints, keyUsage, extKeyUsage, the raw list", () => {
  assert.equal(inter.basicConstraints, { ca: true });
  assert.equal(leaf.basicConstraints, { ca: false });
  assert.ok(inter.keyUsage?.keyCertSign && inter.keyUsage.cRLSign && !inter.keyUsage.digitalSignature);
  assert.ok(leaf.keyUsage?.digitalSignature && !leaf.keyUsage.keyCertSign);
  assert.equal(leaf.extKeyUsage, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
  assert.is(inter.extKeyUsage, undefined);
  const bc = leaf.extensions.find((e) => e.oid === "2.5.29.19");
  assert.ok(bc?.critical);
  assert.ok(leaf.extensions.some((e) => e.oid === "2.5.29.14" && !e.critical));
  const pathLen = parseCertificate(pki.root({ cn: "pl", pathLen: 3 }).der);
  assert.equal(pathLen.basicConstraints, { ca: true, pathLen: 3 });
});

parse("signatureAlgorithmFor: the approved set, and null for SHA-1 and the unknown", () => {
  const alg = (opts: Parameters<Pki["root"]>[0]) => signatureAlgorithmFor(parseCertificate(pki.root(opts).der));
  assert.equal(signatureAlgorithmFor(leaf), { type: "ecdsa", hash: "SHA-256" });
  assert.equal(alg({ key: "ec-p384" }), { type: "ecdsa", hash: "SHA-384" });
  assert.equal(alg({ key: "ec-p256", digest: "sha512" }), { type: "ecdsa", hash: "SHA-512" });
  assert.equal(alg({ key: "rsa-2048" }), { type: "rsa-pkcs1", hash: "SHA-256" });
  assert.equal(alg({ key: "rsa-2048", digest: "sha384" }), { type: "rsa-pkcs1", hash: "SHA-384" });
  assert.equal(alg({ key: "rsa-2048", pss: true }), { type: "rsa-pss", hash: "SHA-256", saltLength: 32 });
  assert.equal(alg({ key: "rsa-2048", pss: true, digest: "sha512" }), { type: "rsa-pss", hash: "SHA-512", saltLength: 64 });
  // OpenSSL 3.0's default salt for an RSA-PSS key is the maximum: 256 - 32 - 2.
  assert.equal(alg({ key: "rsa-pss-2048" }), { type: "rsa-pss", hash: "SHA-256", saltLength: 222 });
  assert.equal(alg({ key: "ed25519" }), { type: "ed25519" });
  assert.is(alg({ key: "rsa-2048", digest: "sha1" }), null);
  assert.is(alg({ key: "ec-p256", digest: "sha1" }), null);
  assert.is(alg({ key: "rsa-2048", pss: true, digest: "sha1" }), null);
  assert.is(signatureAlgorithmFor({ signatureAlgorithm: { oid: "1.2.840.113549.1.1.4" } }), null); // MD5
  const ecWithNull = { oid: "1.2.840.10045.4.3.2", parameters: new Uint8Array([5, 0]) };
  assert.is(signatureAlgorithmFor({ signatureAlgorithm: ecWithNull }), null);
  assert.is(signatureAlgorithmFor({ signatureAlgorithm: { oid: "1.2.840.113549.1.1.10" } }), null); // PSS, no params
});

parse("GeneralizedTime after 2049, v1 certificates, escaped names", () => {
  const long = parseCertificate(pki.root({ days: 12000 }).der);
  assert.ok(long.notAfter.getUTCFullYear() >= 2050);
  assert.is(long.notAfter.getTime(), Date.parse(new X509Certificate(long.der).validTo));
  const v1 = parseCertificate(v1Certificate(pki.dir, pki.key("ec-p256").path));
  assert.is(v1.version, 1);
  assert.equal(v1.extensions, []);
  assert.is(v1.basicConstraints, undefined);
  const odd = parseCertificate(pki.root({ cn: "#a,b;<c> " }).der);
  assert.is(odd.subject, "CN=\\#a\\,b\\;\\<c\\>\\ , O=fipstls test");
});

// `x509 -req` without extensions signs a v1 certificate (OpenSSL 3.0).
function v1Certificate(dir: string, key: string): Uint8Array {
  const cnf = `${dir}/v1.cnf`;
  writeFileSync(cnf, "[req]\ndistinguished_name = dn\n[dn]\n");
  openssl(["req", "-new", "-key", key, "-subj", "/CN=v1 cert", "-config", cnf, "-out", `${dir}/v1.csr`]);
  openssl(["x509", "-req", "-in", `${dir}/v1.csr`, "-key", key, "-days", "10", "-out", `${dir}/v1.pem`]);
  return pemToDer(readFileSync(`${dir}/v1.pem`, "utf8"));
}

const hostile = suite("certificate parsing: hostile DER");

function expectBadEncoding(der: Uint8Array, label: string): void {
  try {
    parseCertificate(der);
  } catch (e) {
    if (e instanceof InvalidCertificate && e.reason === "BadEncoding") return;
    throw new Error(`${label}: threw ${String(e)}`);
  }
  assert.unreachable(`${label}: parsed`);
}

hostile("every truncation, trailing bytes, empty input, non-bytes", () => {
  for (let n = 0; n < ec.leafDer.length; n++) expectBadEncoding(ec.leafDer.subarray(0, n), `truncated to ${n}`);
  expectBadEncoding(new Uint8Array([...ec.leafDer, 0]), "trailing zero");
  expectBadEncoding("not bytes" as unknown as Uint8Array, "a string");
  expectBadEncoding(new Uint8Array([0x30, 0x00]), "empty SEQUENCE");
  expectBadEncoding(new Uint8Array([0x02, 0x01, 0x00]), "an INTEGER");
});

hostile("BER liberties are refused: long-form and indefinite lengths", () => {
  const body = ec.leafDer.subarray(4); // leaf > 255 bytes: 30 82 hi lo
  assert.is(ec.leafDer[1], 0x82);
  const longer = new Uint8Array([0x30, 0x83, 0x00, ec.leafDer[2]!, ec.leafDer[3]!, ...body]);
  expectBadEncoding(longer, "non-minimal length");
  const indefinite = new Uint8Array([0x30, 0x80, ...body, 0x00, 0x00]);
  expectBadEncoding(indefinite, "indefinite length");
});

hostile("outer and inner signature algorithms must match", () => {
  const der = ec.leafDer.slice();
  const ecdsaSha256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
  let last = -1;
  for (let i = 0; i + ecdsaSha256.length <= der.length; i++) {
    if (ecdsaSha256.every((b, j) => der[i + j] === b)) last = i;
  }
  der[last + ecdsaSha256.length - 1] = 0x03; // outer becomes ecdsa-with-SHA384
  expectBadEncoding(der, "algorithm mismatch");
});

hostile("random mutations parse or fail with BadEncoding or MalformedExtension, nothing else", () => {
  let seed = 0x5eed;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  let rejected = 0;
  for (let round = 0; round < 3000; round++) {
    const der = (round % 2 ? ec.intermediateDer! : ec.leafDer).slice();
    for (let k = 1 + (next() % 3); k > 0; k--) der[next() % der.length] = next() & 0xff;
    try {
      parseCertificate(der);
    } catch (e) {
      if (!(e instanceof InvalidCertificate) || (e.reason !== "BadEncoding" && e.reason !== "MalformedExtension")) throw new Error(`round ${round}: ${String(e)}`);
      rejected++;
    }
  }
  assert.ok(rejected > 100);
});

const names = suite("server names");

names("IPv4 and IPv6 literals", () => {
  assert.equal(parseIpv4("192.0.2.255"), new Uint8Array([192, 0, 2, 255]));
  for (const bad of ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.-4", "1.2.3.4 ", "", "0x1.2.3.4"]) {
    assert.is(parseIpv4(bad), null, bad);
  }
  const loopback = new Uint8Array(16);
  loopback[15] = 1;
  for (const s of ["::1", "0:0:0:0:0:0:0:1", "0000:0000::0001", "[::1]", "::0:1"]) assert.equal(parseIpv6(s), loopback, s);
  assert.equal(parseIpv6("::"), new Uint8Array(16));
  assert.equal(parseIpv6("::ffff:192.0.2.1"), new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]));
  assert.equal(parseIpv6("1:2:3:4:5:6:7::")?.[13], 7);
  for (const bad of [":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "::1%eth0", "::1.2.3.4:5", "1:2:3:4:5:6:7::8", ":1::", "g::", "[::1", ""]) {
    assert.is(parseIpv6(bad), null, bad);
  }
  assert.ok(isIpLiteral("10.0.0.1") && isIpLiteral("fe80::1") && !isIpLiteral("example.com"));
});

names("DNS name validity: host names only (letters, digits, inner hyphens), no underscore", () => {
  assert.equal(dnsLabels("WWW.Example.COM."), ["www", "example", "com"]);
  assert.equal(dnsLabels("xn--bcher-kva.example"), ["xn--bcher-kva", "example"]);
  assert.is(dnsLabels("_srv.example.com"), null);
  assert.is(dnsLabels("foo_bar.example.com"), null);
  const tooLong = `${"a".repeat(63)}.`.repeat(4) + "com";
  for (const bad of ["", ".", "a..b", "-a.com", "a-.com", "exa mple.com", "ex*.com", "bücher.de", "1.2.3.256", tooLong, `${"a".repeat(64)}.com`, "a.com..", "*.example.com"]) {
    assert.is(dnsLabels(bad), null, bad);
  }
});

names("matching: exact, wildcard, IP, never CN", () => {
  const cert = (dnsNames: string[], ipAddresses: Uint8Array[] = []): Pick<Certificate, "subjectAltName"> => ({
    subjectAltName: { dnsNames, ipAddresses },
  });
  const table: [string[], string, boolean][] = [
    [["example.com"], "example.com", true],
    [["Example.COM"], "example.com.", true],
    // A presented name is never absolute, and never carries an underscore (as pyca/cryptography).
    [["Example.COM."], "example.com.", false],
    [["foo_bar.example.com"], "foo_bar.example.com", false],
    [["*.foo_bar.example.com"], "a.foo_bar.example.com", false],
    [["example.com"], "www.example.com", false],
    [["*.example.com"], "www.example.com", true],
    [["*.example.com"], "a.b.example.com", false],
    [["*.example.com"], "example.com", false],
    [["*.com"], "example.com", false],
    [["*.*.example.com"], "a.b.example.com", false],
    [["w*.example.com"], "www.example.com", false],
    [["*w.example.com"], "www.example.com", false],
    [["www.*.com"], "www.example.com", false],
    [["*.example.com"], "*.example.com", false],
    [["bad name", "example.com"], "example.com", true],
    [["192.0.2.1"], "192.0.2.1", false],
  ];
  for (const [sans, name, expected] of table) assert.is(matchesServerName(cert(sans), name), expected, `${sans} vs ${name}`);
  const v4 = new Uint8Array([192, 0, 2, 1]);
  assert.ok(matchesServerName(cert([], [v4]), "192.0.2.1"));
  assert.not.ok(matchesServerName(cert([], [v4]), "::ffff:192.0.2.1"));
  assert.not.ok(matchesServerName({}, "example.com"));
  assert.ok(matchesServerName(leaf, "2001:DB8:0::1") && matchesServerName(leaf, "x.example.com"));
});

parse.run();
hostile.run();
names.run();
