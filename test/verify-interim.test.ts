// The interim certificate check against real OpenSSL-made chains, once per provider: for every rule
// one case that passes and one that fails with the named reason.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CryptoProvider } from "../src/crypto/provider.js";
import { InvalidCertificate } from "../src/errors.js";
import { parseCertificate } from "../src/verify/certificate.js";
import { MAX_SIGNATURE_CHECKS, verifyCertificateChainInterim } from "../src/verify/interim.js";
import { PROVIDERS } from "./_providers.js";
import { type IssuedCert, type MadePki, Pki, makePki } from "./pki.js";

const DAY = 86_400_000;
// Certificates are made during the run with notBefore = their creation second; checking a little
// in the future keeps every fresh certificate valid without clock games.
const NOW = new Date(Date.now() + 10 * 60_000);

const pki = new Pki();
const ec = makePki({ keyType: "ec-p256" });
const rsa = makePki({ keyType: "rsa-2048" });
const pssSigned = makePki({ keyType: "rsa-2048", pss: true });
const pssKeys = makePki({ keyType: "rsa-pss-2048" });
const p384 = makePki({ keyType: "ec-p384" });
const mixed = makePki({ rootKeyType: "rsa-2048", intermediateKeyType: "ec-p384", leafKeyType: "ec-p256" });
const ed = makePki({ keyType: "ed25519" });
const direct = makePki({ intermediate: false, dns: ["direct.example"] });

const root = ec.root;
const inter = ec.intermediate!;
const leafFor = (issuer: IssuedCert, opts: Parameters<Pki["issue"]>[1] = {}): IssuedCert =>
  pki.issue(issuer, { dns: ["example.com"], ...opts });

type Opts = { chain: Uint8Array[]; roots: Uint8Array[]; serverName?: string; time?: Date };

function suiteFor(name: string, provider: CryptoProvider): ReturnType<typeof suite> {
  const test = suite(`verify-interim (${name})`);
  const verify = (o: Opts) => verifyCertificateChainInterim({ time: NOW, provider, ...o });
  const ok = async (o: Opts, pathLength?: number) => {
    const path = await verify(o);
    if (pathLength !== undefined) assert.is(path.length, pathLength);
    return path;
  };
  const fails = async (o: Opts, reason: string, position?: number) => {
    try {
      await verify(o);
    } catch (e) {
      if (!(e instanceof InvalidCertificate)) throw e;
      assert.is(e.reason, reason, e.message);
      if (position !== undefined) assert.is(e.position, position, e.message);
      return e;
    }
    assert.unreachable(`expected InvalidCertificate(${reason})`);
    throw new Error("unreachable");
  };
  const good = (p: MadePki, serverName = "example.com") => ({ chain: p.chainDer, roots: [p.rootDer], serverName });

  test("good chains: EC P-256, RSA-2048, RSA-PSS signatures, RSA-PSS keys, P-384, mixed, direct", async () => {
    for (const p of [ec, rsa, pssSigned, pssKeys, p384, mixed]) {
      const path = await ok(good(p), 3);
      assert.equal(path[0]!.der, p.leafDer);
      assert.equal(path[2]!.der, p.rootDer);
    }
    await ok(good(direct, "direct.example"), 2);
  });

  test("Ed25519 chain, when the provider has Ed25519", async () => {
    if (!provider.supports.signatures.includes("ed25519")) return;
    await ok(good(ed), 3);
  });

  test("intermediates in any order, duplicated, with strangers", async () => {
    const i2 = pki.issue(inter, { cn: "second intermediate", ca: true });
    const leaf = leafFor(i2);
    const stranger = rsa.intermediateDer!;
    const path = await ok({ chain: [leaf.der, inter.der, stranger, i2.der, i2.der, inter.der], roots: [root.der] }, 4);
    assert.equal(path.map((c) => c.subject), [leaf, i2, inter, root].map((c) => parseCertificate(c.der).subject));
    await ok({ chain: [leaf.der, i2.der, inter.der, root.der], roots: [rsa.rootDer, root.der] }, 4);
  });

  test("unknown issuer: no root, wrong root, missing intermediate, self-signed leaf", async () => {
    await fails({ chain: ec.chainDer, roots: [] }, "UnknownIssuer");
    const otherRoot = pki.root({ cn: "some other root" });
    await fails({ chain: ec.chainDer, roots: [otherRoot.der] }, "UnknownIssuer", 1);
    await fails({ chain: [ec.leafDer], roots: [ec.rootDer] }, "UnknownIssuer", 0);
    const selfSigned = pki.root({ cn: "example.com", dns: ["example.com"], ca: false });
    await fails({ chain: [selfSigned.der], roots: [root.der] }, "UnknownIssuer", 0);
    await fails({ chain: [], roots: [root.der] }, "NoCertificate");
  });

  test("bad signature: tampered signature, tampered tbs, impostor root with the same name", async () => {
    const sigTampered = ec.leafDer.slice();
    sigTampered[sigTampered.length - 5]! ^= 0x01;
    await fails({ chain: [sigTampered, inter.der], roots: [root.der] }, "BadSignature", 0);
    const serial = parseCertificate(ec.leafDer).serialNumber;
    const tbsTampered = ec.leafDer.slice();
    tbsTampered[indexOf(tbsTampered, hex(serial)) + serial.length / 2 - 1]! ^= 0x01;
    assert.is.not(parseCertificate(tbsTampered).serialNumber, serial);
    await fails({ chain: [tbsTampered, inter.der], roots: [root.der] }, "BadSignature", 0);
    const impostor = pki.root({ cn: "fipstls test root", key: "ec-p384" });
    await fails({ chain: ec.chainDer, roots: [impostor.der] }, "BadSignature", 1);
    // The genuine root among impostors is still found.
    await ok({ chain: ec.chainDer, roots: [impostor.der, root.der] }, 3);
  });

  test("validity at `time`: leaf, intermediate and root", async () => {
    const leaf = parseCertificate(ec.leafDer);
    await ok({ ...good(ec), time: leaf.notAfter }); // both bounds are inclusive
    await ok({ ...good(ec), time: leaf.notBefore });
    await fails({ ...good(ec), time: new Date(leaf.notAfter.getTime() + 1000) }, "Expired", 0);
    await fails({ ...good(ec), time: new Date(leaf.notBefore.getTime() - 1000) }, "NotValidYet", 0);
    const shortInter = makePki({ intermediateDays: 10, leafDays: 100 });
    await ok({ ...good(shortInter), time: new Date(NOW.getTime() + 5 * DAY) });
    await fails({ ...good(shortInter), time: new Date(NOW.getTime() + 20 * DAY) }, "Expired", 1);
    const shortRoot = makePki({ rootDays: 10, leafDays: 100 });
    const e = await fails({ ...good(shortRoot), time: new Date(NOW.getTime() + 20 * DAY) }, "Expired");
    assert.is(e.position, undefined);
    assert.match(e.message, /fipstls test root/);
  });

  test("server name: SAN match, mismatch, case and trailing dot, no SAN", async () => {
    await ok(good(ec, "example.com"));
    await ok(good(ec, "EXAMPLE.com."));
    const e = await fails(good(ec, "example.org"), "NotValidForName", 0);
    assert.match(e.message, /example\.org/);
    await fails(good(ec, ""), "NotValidForName", 0);
    // CN is never used.
    const cnOnly = leafFor(inter, { cn: "cn.example.com", dns: [] });
    await fails({ chain: [cnOnly.der, inter.der], roots: [root.der], serverName: "cn.example.com" }, "NotValidForName");
    // No serverName: no name check.
    await ok({ chain: [cnOnly.der, inter.der], roots: [root.der] });
  });

  test("wildcards", async () => {
    const wild = leafFor(inter, { dns: ["*.example.com"] });
    const w = (serverName: string) => ({ chain: [wild.der, inter.der], roots: [root.der], serverName });
    await ok(w("a.example.com"));
    await ok(w("A.Example.COM"));
    await fails(w("a.b.example.com"), "NotValidForName");
    await fails(w("example.com"), "NotValidForName");
    await fails(w(".example.com"), "NotValidForName");
    for (const [pattern, name] of [["*.com", "example.com"], ["f*o.example.com", "foo.example.com"], ["a.*.example.com", "a.b.example.com"], ["*", "localhost"]]) {
      const leaf = leafFor(inter, { dns: [pattern!] });
      await fails({ chain: [leaf.der, inter.der], roots: [root.der], serverName: name! }, "NotValidForName");
    }
  });

  test("IP addresses: IPv4, IPv6 in every spelling, never via DNS SANs", async () => {
    const leaf = leafFor(inter, { dns: ["127.0.0.2"], ip: ["127.0.0.1", "::1", "2001:db8::8:800:200c:417a"] });
    const at = (serverName: string) => ({ chain: [leaf.der, inter.der], roots: [root.der], serverName });
    for (const name of ["127.0.0.1", "::1", "0:0:0:0:0:0:0:1", "[::1]", "0::0:1", "2001:DB8:0:0:8:800:200C:417A", "2001:db8::8:800:32.12.65.122"]) {
      await ok(at(name));
    }
    for (const name of ["127.0.0.2", "127.000.000.001", "::2", "::ffff:127.0.0.1", "1::1::1", "localhost"]) {
      await fails(at(name), "NotValidForName");
    }
  });

  test("issuers must be CAs: no cA bit, no basicConstraints, keyUsage without keyCertSign", async () => {
    const variants: [string, Parameters<Pki["issue"]>[1]][] = [
      ["CA:FALSE", { ca: false, keyUsage: "critical,keyCertSign,digitalSignature" }],
      ["no basicConstraints", { basicConstraints: null, keyUsage: "critical,keyCertSign" }],
      ["no keyCertSign", { ca: true, keyUsage: "critical,digitalSignature,cRLSign" }],
    ];
    for (const [cn, opts] of variants) {
      const notCa = pki.issue(root, { cn, extKeyUsage: null, ...opts });
      const leaf = leafFor(notCa);
      await fails({ chain: [leaf.der, notCa.der], roots: [root.der] }, "EndEntityUsedAsCa", 1);
    }
  });

  test("pathLenConstraint", async () => {
    const zero = pki.issue(root, { cn: "pathlen 0", ca: true, pathLen: 0 });
    await ok({ chain: [leafFor(zero).der, zero.der], roots: [root.der] }, 3);
    const below = pki.issue(zero, { cn: "below pathlen 0", ca: true });
    await fails({ chain: [leafFor(below).der, below.der, zero.der], roots: [root.der] }, "PathLenConstraintViolated", 2);
  });

  test("SHA-1: refused on leaf and intermediate, ignored on the trust anchor", async () => {
    const sha1Leaf = leafFor(inter, { digest: "sha1" });
    await fails({ chain: [sha1Leaf.der, inter.der], roots: [root.der] }, "UnsupportedSignatureAlgorithm", 0);
    const sha1Inter = pki.issue(root, { cn: "sha1 intermediate", ca: true, digest: "sha1" });
    await fails({ chain: [leafFor(sha1Inter).der, sha1Inter.der], roots: [root.der] }, "UnsupportedSignatureAlgorithm", 1);
    const sha1Root = pki.root({ cn: "sha1 root", digest: "sha1" });
    const i = pki.issue(sha1Root, { cn: "under sha1 root", ca: true });
    await ok({ chain: [leafFor(i).der, i.der], roots: [sha1Root.der] }, 3);
  });

  test("a leaf that is itself a root: accepted only with name and validity", async () => {
    const self = pki.root({ cn: "self.example", dns: ["self.example"], days: 30, digest: "sha1" });
    const o = { chain: [self.der], roots: [root.der, self.der], serverName: "self.example" };
    await ok(o, 1);
    await fails({ ...o, serverName: "other.example" }, "NotValidForName", 0);
    await fails({ ...o, time: new Date(NOW.getTime() + 40 * DAY) }, "Expired", 0);
  });

  test("critical extensions it cannot enforce are refused", async () => {
    const critical = leafFor(inter, { extensions: ["1.3.6.1.4.1.55555.1 = critical,ASN1:NULL"] });
    await fails({ chain: [critical.der, inter.der], roots: [root.der] }, "UnknownCriticalExtension", 0);
    const benign = leafFor(inter, { extensions: ["1.3.6.1.4.1.55555.1 = ASN1:NULL"] });
    await ok({ chain: [benign.der, inter.der], roots: [root.der] });
    const constrained = pki.issue(root, { cn: "constrained", ca: true, extensions: ["nameConstraints = critical,permitted;DNS:example.com"] });
    await fails({ chain: [leafFor(constrained).der, constrained.der], roots: [root.der] }, "UnknownCriticalExtension", 1);
  });

  test("extKeyUsage must allow serverAuth when a server name is checked", async () => {
    const clientOnly = leafFor(inter, { extKeyUsage: "clientAuth" });
    await fails({ chain: [clientOnly.der, inter.der], roots: [root.der], serverName: "example.com" }, "InvalidPurpose", 0);
    await ok({ chain: [clientOnly.der, inter.der], roots: [root.der] });
    const noEku = leafFor(inter, { extKeyUsage: null });
    await ok({ chain: [noEku.der, inter.der], roots: [root.der], serverName: "example.com" });
  });

  test("bounded: path length and signature checks", async () => {
    let issuer = root;
    const chain: IssuedCert[] = [];
    for (let i = 0; i < 7; i++) chain.unshift((issuer = pki.issue(issuer, { cn: `level ${i}`, ca: true })));
    const deep = leafFor(issuer);
    // chain is [level 6, …, level 0]: six intermediates under level 0 as root is the longest path.
    await ok({ chain: [deep.der, ...chain.slice(0, 6).map((c) => c.der)], roots: [chain[6]!.der] }, 8);
    await fails({ chain: [deep.der, ...chain.map((c) => c.der)], roots: [root.der] }, "UnknownIssuer");
    const impostors = Array.from({ length: MAX_SIGNATURE_CHECKS }, () => pki.root({ cn: "fipstls test intermediate", key: "ec-p384" }).der);
    const e = await fails({ chain: [ec.leafDer, ...impostors, inter.der], roots: [root.der] }, "UnknownIssuer", 0);
    assert.match(e.message, /signature checks/);
  });

  test("malformed DER is BadEncoding, with its position", async () => {
    const truncated = ec.leafDer.subarray(0, ec.leafDer.length - 1);
    await fails({ chain: [truncated, inter.der], roots: [root.der] }, "BadEncoding", 0);
    await fails({ chain: [ec.leafDer, new Uint8Array([0x30, 0x03, 0x02, 0x01])], roots: [root.der] }, "BadEncoding", 1);
    await fails({ chain: [new Uint8Array(0)], roots: [root.der] }, "BadEncoding", 0);
    // A malformed root is skipped, not blamed on the peer.
    await ok({ chain: ec.chainDer, roots: [new Uint8Array([1, 2, 3]), root.der] });
  });

  return test;
}

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error("needle not found");
}

for (const [name, provider] of PROVIDERS) suiteFor(name, provider).run();
