// Decoding of the extensions the verifier added: nameConstraints, the SAN forms name constraints
// need to see, key identifiers; and the DN comparison used for directoryName subtrees.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { InvalidCertificate } from "../src/errors.js";
import { parseCertificate } from "../src/verify/certificate.js";
import { comparableRdns } from "../src/verify/dn.js";
import { X509Pki, der, ipBytes, rawExtension } from "./pki-x509.js";

const pki = new X509Pki();
const root = await pki.root({ subject: "CN=Ext Root" });

const test = suite("verify: extension decoding");

test("nameConstraints: forms, criticality, IP address and mask", async () => {
  const ca = await pki.issue(root, {
    ca: true,
    nameConstraints: { permitted: [{ dns: "example.com" }, { ip: "10.0.0.0/8" }, { dn: "O=Acme" }], excluded: [{ email: "bad.example" }, { ip: "2001:db8::/32" }] },
  });
  const nc = parseCertificate(ca.der).nameConstraints!;
  assert.ok(nc.critical);
  assert.equal(nc.permitted.map((s) => s.form), [2, 7, 4]);
  assert.equal(nc.permitted[0], { form: 2, dns: "example.com" });
  assert.equal(nc.permitted[1], { form: 7, address: new Uint8Array([10, 0, 0, 0]), mask: new Uint8Array([255, 0, 0, 0]) });
  assert.equal(nc.excluded[0], { form: 1, email: "bad.example" });
  assert.equal((nc.excluded[1] as { mask: Uint8Array }).mask, ipBytes("ffff:ffff::"));
  const lax = await pki.issue(root, { ca: true, nameConstraints: { excluded: [{ dns: "x.test" }], critical: false } });
  assert.not.ok(parseCertificate(lax.der).nameConstraints!.critical);
});

test("nameConstraints that break RFC 5280 are MalformedExtension", async () => {
  const subtree = (base: Uint8Array, ...rest: Uint8Array[]) => der.seq(der.tlv(0xa0, der.seq(base, ...rest)));
  const bad: [string, Uint8Array][] = [
    ["empty", der.seq()],
    ["minimum", subtree(der.ia5(0x82, "a.test"), der.tlv(0x80, new Uint8Array([1])))],
    ["maximum", subtree(der.ia5(0x82, "a.test"), der.tlv(0x81, new Uint8Array([1])))],
    ["non-prefix mask", subtree(der.tlv(0x87, new Uint8Array([10, 0, 0, 0, 255, 0, 255, 0])))],
    ["odd IP length", subtree(der.tlv(0x87, new Uint8Array([10, 0, 0, 0])))],
    ["non-ASCII dNSName", subtree(der.tlv(0x82, new Uint8Array([0xc3, 0xa9])))],
  ];
  for (const [label, value] of bad) {
    const ca = await pki.issue(root, { ca: true, extensions: [rawExtension("2.5.29.30", true, value)] });
    assert.throws(() => parseCertificate(ca.der), (e: unknown) => e instanceof InvalidCertificate && e.reason === "MalformedExtension", label);
  }
});

test("subjectAltName keeps directoryNames and notes the other forms; key identifiers", async () => {
  const leaf = await pki.issue(root, { dns: ["a.test"], ip: ["192.0.2.1"], emails: ["x@a.test"], uris: ["https://a.test/"] });
  const c = parseCertificate(leaf.der);
  assert.equal(c.subjectAltName!.dnsNames, ["a.test"]);
  assert.equal([...c.subjectAltName!.otherForms!], [6]);
  assert.equal(c.subjectAltName!.rfc822Names, ["x@a.test"]);
  assert.equal(c.subjectAltName!.directoryNames, []);
  assert.ok(c.subjectKeyIdentifier !== undefined && c.authorityKeyIdentifier !== undefined);
  assert.equal(c.authorityKeyIdentifier, parseCertificate(root.der).subjectKeyIdentifier);
});

test("comparableRdns: case and spacing folded, attribute order within an RDN ignored", async () => {
  const a = parseCertificate((await pki.root({ subject: "O=Acme  Corp, CN=Host" })).der).subjectDer;
  const b = parseCertificate((await pki.root({ subject: "O= acme corp , CN=host" })).der).subjectDer;
  const c = parseCertificate((await pki.root({ subject: "O=Acme Corp, CN=Other" })).der).subjectDer;
  assert.equal(comparableRdns(a), comparableRdns(b));
  assert.not.equal(comparableRdns(a), comparableRdns(c));
  assert.is(comparableRdns(a)[0], comparableRdns(c)[0]);
});

test.run();
