// Server identity (RFC 6125 DNS names with wildcards, IDNA A-labels, IPv4/IPv6) and name
// constraints (RFC 5280 4.2.1.10) for DNS, IP and directory names, failing closed on other forms.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CryptoProvider } from "../src/crypto/provider.js";
import { MAX_NAME_CONSTRAINT_COMPARISONS } from "../src/verify/index.js";
import { PROVIDERS, verifiers } from "./verify-harness.js";
import { type CertSpec, type Made, X509Pki } from "./pki-x509.js";

const pki = new X509Pki();
const root = await pki.root({ subject: "CN=Names Root" });
const inter = await pki.issue(root, { ca: true, subject: "CN=Names CA" });

const leafWith = async (spec: CertSpec, issuer: Made = inter) => pki.issue(issuer, spec);
const constrainedCa = (nc: CertSpec["nameConstraints"]) => pki.issue(root, { ca: true, nameConstraints: nc });

function suiteFor(name: string, provider: CryptoProvider) {
  const test = suite(`verify: names (${name})`);
  const { ok, fails } = verifiers(provider);
  const chain = (leaf: Made, issuer: Made = inter) => ({ chain: [leaf.der, issuer.der], roots: [root.der] });
  const via = async (ca: Made, spec: CertSpec) => chain(await leafWith(spec, ca), ca);
  const sans = async (dns: string[], ip: string[] = []) => chain(await leafWith({ dns, ip }));

  test("DNS names: exact, case and trailing dot, mismatch, CN never used, no SAN", async () => {
    const c = await sans(["example.com", "www.example.com"]);
    for (const serverName of ["example.com", "EXAMPLE.com.", "www.Example.COM"]) await ok({ ...c, serverName });
    const e = await fails({ ...c, serverName: "example.org" }, "NotValidForName", 0);
    assert.match(e.message, /example\.org/);
    const cnOnly = chain(await leafWith({ subject: "CN=cn.example.com" }));
    await fails({ ...cnOnly, serverName: "cn.example.com" }, "NotValidForName", 0);
    for (const serverName of ["", "exa mple.com", "a..b", "*.example.com"]) await fails({ ...c, serverName }, "NotValidForName", 0);
  });

  test("wildcards: one whole left-most label, never for public-suffix-like or partial patterns", async () => {
    const w = await sans(["*.example.com"]);
    await ok({ ...w, serverName: "a.example.com" });
    await ok({ ...w, serverName: "XN--BCHER-KVA.example.com" });
    for (const serverName of ["a.b.example.com", "example.com", ".example.com", "a.example.org"]) await fails({ ...w, serverName }, "NotValidForName", 0);
    const table: [string, string][] = [
      ["*.com", "example.com"],
      ["f*o.example.com", "foo.example.com"],
      ["*o.example.com", "foo.example.com"],
      ["a.*.example.com", "a.b.example.com"],
      ["*", "localhost"],
      ["*.*.example.com", "a.b.example.com"],
    ];
    for (const [pattern, serverName] of table) await fails({ ...(await sans([pattern])), serverName }, "NotValidForName", 0);
  });

  test("IDNA: A-labels are plain ASCII names; U-labels are refused with a hint", async () => {
    const c = await sans(["xn--bcher-kva.example", "*.xn--d1acufc.xn--p1ai"]);
    await ok({ ...c, serverName: "xn--bcher-kva.example" });
    await ok({ ...c, serverName: "Xn--Bcher-Kva.Example" });
    await ok({ ...c, serverName: "xn--80ak6aa92e.xn--d1acufc.xn--p1ai" });
    const e = await fails({ ...c, serverName: "bücher.example" }, "NotValidForName", 0);
    assert.match(e.message, /A-labels/);
  });

  test("IP addresses: IPv4 and IPv6 in every spelling, never through DNS SANs", async () => {
    const c = await sans(["127.0.0.2"], ["127.0.0.1", "::1", "2001:db8::8:800:200c:417a"]);
    for (const serverName of ["127.0.0.1", "::1", "0:0:0:0:0:0:0:1", "[::1]", "2001:DB8:0:0:8:800:200C:417A", "2001:db8::8:800:32.12.65.122"]) {
      await ok({ ...c, serverName });
    }
    for (const serverName of ["127.0.0.2", "127.000.000.001", "::2", "::ffff:127.0.0.1", "1::1::1"]) await fails({ ...c, serverName }, "NotValidForName", 0);
  });

  test("name constraints, DNS: permitted subtree covers the name and what is below it", async () => {
    const ca = await constrainedCa({ permitted: [{ dns: "example.com" }] });
    for (const dns of [["example.com"], ["a.example.com", "b.c.example.com"], ["*.example.com"]]) {
      await ok({ ...(await via(ca, { dns })), serverName: dns[0]!.replace("*", "w") });
    }
    for (const dns of [["evil.com"], ["example.com", "evil.com"], ["badexample.com"], ["*.com"], [".example.com"]]) {
      await fails((await via(ca, { dns })), "NameConstraintViolation", 0);
    }
    // A DNS constraint is a host name: a leading period (or "") is malformed and fails closed (pyca/cryptography).
    for (const dns of [".example.com", "", "ex_ample.com"]) {
      const malformed = await constrainedCa({ permitted: [{ dns }] });
      await fails((await via(malformed, { dns: ["a.example.com"] })), "NameConstraintViolation", 0);
      // ...but only where a DNS name is judged against it.
      await ok({ ...(await via(malformed, { ip: ["192.0.2.1"] })), serverName: "192.0.2.1" });
    }
    // An invalid SAN (underscore) below a DNS constraint cannot be shown inside it.
    await fails((await via(ca, { dns: ["example.com", "a_b.example.com"] })), "NameConstraintViolation", 0);
  });

  test("name constraints, DNS: excluded subtree, wildcards that could reach into it", async () => {
    const ca = await constrainedCa({ excluded: [{ dns: "bad.example.com" }] });
    await ok({ ...(await via(ca, { dns: ["good.example.com"] })), serverName: "good.example.com" });
    await ok({ ...(await via(ca, { dns: ["*.good.example.com"] })), serverName: "a.good.example.com" });
    for (const dns of [["bad.example.com"], ["x.bad.example.com"], ["*.bad.example.com"], ["*.example.com"], ["not a name"]]) {
      await fails((await via(ca, { dns })), "NameConstraintViolation", 0);
    }
  });

  test("name constraints, IP: permitted and excluded ranges, IPv4 and IPv6 kept apart", async () => {
    const ca = await constrainedCa({ permitted: [{ ip: "10.0.0.0/8" }, { ip: "2001:db8::/32" }], excluded: [{ ip: "10.9.0.0/16" }] });
    await ok({ ...(await via(ca, { ip: ["10.1.2.3", "2001:db8::1"] })), serverName: "10.1.2.3" });
    await ok({ ...(await via(ca, { ip: ["2001:db8:ffff::1"] })), serverName: "2001:db8:ffff::1" });
    for (const ip of [["192.168.0.1"], ["10.9.1.1"], ["2001:db9::1"], ["10.1.2.3", "::ffff:10.1.2.3"]]) {
      await fails((await via(ca, { ip })), "NameConstraintViolation", 0);
    }
    const v4only = await constrainedCa({ permitted: [{ ip: "192.0.2.0/24" }] });
    await fails((await via(v4only, { ip: ["2001:db8::1"] })), "NameConstraintViolation", 0);
    // DNS names are not constrained by IP subtrees (and the reverse).
    await ok({ ...(await via(v4only, { dns: ["example.com"] })), serverName: "example.com" });
  });

  test("name constraints, directoryName: RDN prefix, case-insensitive text", async () => {
    const ca = await constrainedCa({ permitted: [{ dn: "O=Acme" }] });
    await ok((await via(ca, { subject: "O=Acme, CN=example.com", dns: ["example.com"] })));
    await ok((await via(ca, { subject: "O=ACME, CN=example.com", dns: ["example.com"] })));
    await fails((await via(ca, { subject: "O=Other, CN=example.com", dns: ["example.com"] })), "NameConstraintViolation", 0);
    const excl = await constrainedCa({ excluded: [{ dn: "O=Evil" }] });
    await fails((await via(excl, { subject: "O=evil, CN=x", dns: ["example.com"] })), "NameConstraintViolation", 0);
    await ok((await via(excl, { subject: "O=Good, CN=x", dns: ["example.com"] })));
  });

  test("name constraints on anchors and on the intermediates below a constrained CA", async () => {
    const constrainedRoot = await pki.root({ nameConstraints: { permitted: [{ dns: "example.com" }] } });
    const mid = await pki.issue(constrainedRoot, { ca: true, subject: "CN=Mid" });
    await ok({ chain: [(await leafWith({ dns: ["a.example.com"] }, mid)).der, mid.der], roots: [constrainedRoot.der], serverName: "a.example.com" });
    await fails({ chain: [(await leafWith({ dns: ["a.example.net"] }, mid)).der, mid.der], roots: [constrainedRoot.der] }, "NameConstraintViolation", 0);
    const ca = await constrainedCa({ permitted: [{ dn: "O=Acme" }] });
    const outsider = await pki.issue(ca, { ca: true, subject: "O=Other, CN=Sub CA" });
    await fails({ chain: [(await leafWith({ subject: "O=Acme, CN=l", dns: ["example.com"] }, outsider)).der, outsider.der, ca.der], roots: [root.der] }, "NameConstraintViolation", 1);
  });

  test("name constraints, rfc822Name: mailbox, host and .domain, on SAN emails and the subject's emailAddress", async () => {
    const host = await constrainedCa({ permitted: [{ email: "example.com" }] });
    await ok((await via(host, { dns: ["example.com"], emails: ["a@example.com", "B@EXAMPLE.COM"] })));
    await ok((await via(host, { dns: ["example.com"] })));
    for (const emails of [["a@sub.example.com"], ["a@example.org"], ["not-an-address"], ["a@ex_ample.com"], ['"q"@example.com']]) {
      const e = await fails((await via(host, { dns: ["example.com"], emails })), "NameConstraintViolation", 0);
      assert.match(e.message, /rfc822Name/);
    }
    await fails((await via(host, { subject: "CN=x, E=a@example.org", dns: ["example.com"] })), "NameConstraintViolation", 0);
    await ok((await via(host, { subject: "CN=x, E=a@example.com", dns: ["example.com"] })));
    const domain = await constrainedCa({ permitted: [{ email: ".example.com" }] });
    await ok((await via(domain, { dns: ["example.com"], emails: ["a@sub.example.com"] })));
    await fails((await via(domain, { dns: ["example.com"], emails: ["a@example.com"] })), "NameConstraintViolation", 0);
    const mailbox = await constrainedCa({ permitted: [{ email: "boss@example.com" }] });
    await ok((await via(mailbox, { dns: ["example.com"], emails: ["boss@EXAMPLE.com"] })));
    await fails((await via(mailbox, { dns: ["example.com"], emails: ["Boss@example.com"] })), "NameConstraintViolation", 0);
    const excluded = await constrainedCa({ excluded: [{ email: "example.com" }], critical: false });
    await fails((await via(excluded, { subject: "CN=x, E=a@example.com", dns: ["example.com"] })), "NameConstraintViolation", 0);
    await ok((await via(excluded, { dns: ["example.com"], emails: ["a@example.net"] })));
  });

  test("forms it cannot evaluate (URI, …): fail closed once a name of that form appears, critical or not", async () => {
    for (const critical of [true, false]) {
      const ca = await constrainedCa({ permitted: [{ uri: ".example.com" }], critical });
      await ok((await via(ca, { dns: ["example.com"] })));
      const e = await fails((await via(ca, { dns: ["example.com"], uris: ["https://www.example.com/"] })), "NameConstraintViolation", 0);
      assert.match(e.message, /URI/);
    }
  });

  test(`name constraints are bounded: ${MAX_NAME_CONSTRAINT_COMPARISONS} comparisons at most`, async () => {
    const subtrees = Array.from({ length: 400 }, (_, i) => ({ dns: `n${i}.example.com` }));
    const ca = await constrainedCa({ permitted: subtrees });
    const many = await leafWith({ dns: Array.from({ length: 700 }, (_, i) => `h${i}.n${i % 400}.example.com`) }, ca);
    const started = Date.now();
    await fails({ ...chain(many, ca), serverName: "h0.n0.example.com" }, "MaximumNameConstraintComparisonsExceeded", 0);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    const fewer = await leafWith({ dns: Array.from({ length: 100 }, (_, i) => `h${i}.n${i}.example.com`) }, ca);
    await ok({ ...chain(fewer, ca), serverName: "h0.n0.example.com" });
  });

  return test;
}

for (const [name, provider] of PROVIDERS) suiteFor(name, provider).run();
