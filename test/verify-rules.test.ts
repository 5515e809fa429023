// One passing and one failing case per RFC 5280 / policy rule, with the named reason and position.
// Both providers.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CryptoProvider } from "../src/crypto/provider.js";
import { ConfigError } from "../src/errors.js";
import { DEFAULT_VERIFICATION_POLICY, type VerificationPolicy, parseCertificate, validateVerificationPolicy } from "../src/verify/index.js";
import { DAY, PROVIDERS, verifiers } from "./verify-harness.js";
import { EKU, KU, type Made, X509Pki, der, rawExtension, resign, swapOid } from "./pki-x509.js";

const pki = new X509Pki();
const now = pki.now;
const at = (ms: number) => new Date(now.getTime() + ms);

const root = await pki.root({ subject: "CN=Rules Root", notBefore: at(-10 * DAY) });
const inter = await pki.issue(root, { ca: true, subject: "CN=Rules CA", notBefore: at(-10 * DAY) });
const leaf = await pki.issue(inter, { dns: ["example.com"], notBefore: at(-DAY), notAfter: at(30 * DAY) });
const good = { chain: [leaf.der, inter.der], roots: [root.der] };
const under = async (issuer: Made, spec: Parameters<X509Pki["issue"]>[1] = {}) => pki.issue(issuer, { dns: ["example.com"], ...spec });
const chainOf = async (issuer: Made, spec: Parameters<X509Pki["issue"]>[1] = {}) => ({
  chain: [(await under(issuer, spec)).der, issuer.der],
  roots: [root.der],
});
const caUnderRoot = (spec: Parameters<X509Pki["issue"]>[1]) => pki.issue(root, { ca: true, ...spec });
const policy = (p: Partial<VerificationPolicy>): VerificationPolicy => ({ ...DEFAULT_VERIFICATION_POLICY, ...p });

function suiteFor(name: string, provider: CryptoProvider) {
  const test = suite(`verify: rules (${name})`);
  const { ok, fails, client, clientFails } = verifiers(provider);

  test("validity at the given time: bounds inclusive, leaf, intermediate and root", async () => {
    const l = parseCertificate(leaf.der);
    await ok({ ...good, time: l.notBefore });
    await ok({ ...good, time: l.notAfter });
    await fails({ ...good, time: new Date(l.notAfter.getTime() + 1000) }, "Expired", 0);
    await fails({ ...good, time: new Date(l.notBefore.getTime() - 1000) }, "NotValidYet", 0);
    const shortCa = await caUnderRoot({ notAfter: at(2 * DAY) });
    await ok({ ...(await chainOf(shortCa)), time: at(DAY) });
    await fails({ ...(await chainOf(shortCa)), time: at(3 * DAY) }, "Expired", 1);
    const shortRoot = await pki.root({ notAfter: at(2 * DAY) });
    const o = { chain: [(await under(shortRoot)).der], roots: [shortRoot.der] };
    await ok({ ...o, time: at(DAY) });
    const e = await fails({ ...o, time: at(3 * DAY) }, "Expired", null);
    assert.match(e.message, new RegExp(shortRoot.subject));
    const lateRoot = await pki.root({ notBefore: at(DAY) });
    await fails({ chain: [(await under(lateRoot, { notBefore: at(-DAY) })).der], roots: [lateRoot.der] }, "NotValidYet", null);
  });

  test("basicConstraints: issuers must be CAs; the leaf must not be one", async () => {
    await ok(good);
    await fails(await chainOf(await caUnderRoot({ ca: false, keyUsage: KU.keyCertSign })), "EndEntityUsedAsCa", 1);
    await fails(await chainOf(await caUnderRoot({ ca: null, keyUsage: KU.keyCertSign })), "EndEntityUsedAsCa", 1);
    await fails({ chain: [(await under(inter, { ca: true })).der, inter.der], roots: [root.der] }, "CaUsedAsEndEntity", 0);
    // An anchor without basicConstraints (a v1-style root) may issue only under anchorProfile "legacy";
    // one that says cA=false never may.
    const bare = await pki.root({ ca: null, keyUsage: null });
    await fails({ chain: [(await under(bare)).der], roots: [bare.der] }, "EndEntityUsedAsCa", null);
    await ok({ chain: [(await under(bare)).der], roots: [bare.der], policy: policy({ anchorProfile: "legacy" }) });
    const notCa = await pki.root({ ca: false, keyUsage: null, eku: null });
    await fails({ chain: [(await under(notCa)).der], roots: [notCa.der] }, "EndEntityUsedAsCa", null);
  });

  test("pathLenConstraint: counts intermediates below, not self-issued ones; anchors' too", async () => {
    const zero = await caUnderRoot({ pathLen: 0, subject: "CN=Zero" });
    await ok(await chainOf(zero), 3);
    const below = await pki.issue(zero, { ca: true });
    await fails({ chain: [(await under(below)).der, below.der, zero.der], roots: [root.der] }, "PathLenConstraintViolated", 2);
    const one = await caUnderRoot({ pathLen: 1 });
    const belowOne = await pki.issue(one, { ca: true });
    await ok({ chain: [(await under(belowOne)).der, belowOne.der, one.der], roots: [root.der] }, 4);
    // A self-issued certificate (key rollover: same name, new key) does not count (RFC 5280 6.1.4 (l)).
    const rolled = await pki.issue(zero, { ca: true, subject: "CN=Zero" });
    await ok({ chain: [(await under(rolled)).der, rolled.der, zero.der], roots: [root.der] }, 4);
    const tightRoot = await pki.root({ pathLen: 0 });
    const mid = await pki.issue(tightRoot, { ca: true });
    await ok({ chain: [(await under(tightRoot)).der], roots: [tightRoot.der] }, 2);
    await fails({ chain: [(await under(mid)).der, mid.der], roots: [tightRoot.der] }, "PathLenConstraintViolated", null);
  });

  test("keyUsage: keyCertSign on issuers, digitalSignature on the leaf, where present", async () => {
    await fails(await chainOf(await caUnderRoot({ keyUsage: KU.cRLSign | KU.digitalSignature })), "EndEntityUsedAsCa", 1);
    await ok(await chainOf(await caUnderRoot({ keyUsage: KU.keyCertSign })));
    // A CA's keyUsage is required (RFC 5280 4.2.1.3 MUST, as pyca/cryptography).
    await fails(await chainOf(await caUnderRoot({ keyUsage: null })), "MissingKeyUsage", 1);
    await fails(await chainOf(inter, { keyUsage: KU.keyEncipherment }), "InvalidPurpose", 0);
    await ok(await chainOf(inter, { keyUsage: KU.digitalSignature | KU.keyEncipherment }));
    await ok(await chainOf(inter, { keyUsage: null }));
  });

  test("extKeyUsage: serverAuth/clientAuth on leaf and intermediates, anyExtendedKeyUsage only on CAs", async () => {
    await fails(await chainOf(inter, { eku: [EKU.clientAuth] }), "InvalidPurpose", 0);
    await fails(await chainOf(inter, { eku: [EKU.any] }), "InvalidPurpose", 0);
    await ok(await chainOf(inter, { eku: [EKU.serverAuth] }));
    await ok(await chainOf(inter, { eku: null }));
    await fails(await chainOf(await caUnderRoot({ eku: [EKU.clientAuth, EKU.codeSigning] })), "InvalidPurpose", 1);
    await ok(await chainOf(await caUnderRoot({ eku: [EKU.any] })));
    await ok(await chainOf(await caUnderRoot({ eku: [EKU.serverAuth] })));
    // Client certificates need clientAuth instead.
    await clientFails(await chainOf(inter, { eku: [EKU.serverAuth] }), "InvalidPurpose", 0);
    assert.is((await client(await chainOf(inter, { eku: [EKU.clientAuth] }))).length, 3);
    await clientFails(await chainOf(await caUnderRoot({ eku: [EKU.serverAuth] }), { eku: [EKU.clientAuth] }), "InvalidPurpose", 1);
  });

  test("critical extensions it cannot enforce are refused (on anchors too, unless legacy)", async () => {
    const unknown = (critical: boolean) => rawExtension("1.3.6.1.4.1.55555.1", critical, der.nul());
    await fails(await chainOf(inter, { extensions: [unknown(true)] }), "UnknownCriticalExtension", 0);
    await ok(await chainOf(inter, { extensions: [unknown(false)] }));
    await fails(await chainOf(await caUnderRoot({ extensions: [unknown(true)] })), "UnknownCriticalExtension", 1);
    const odd = await pki.root({ extensions: [unknown(true)] });
    await fails({ chain: [(await under(odd)).der], roots: [odd.der] }, "UnknownCriticalExtension", null);
    await ok({ chain: [(await under(odd)).der], roots: [odd.der], policy: policy({ anchorProfile: "legacy" }) });
  });

  test("version and serial: v1 and negative serials refused in the chain, zero accepted", async () => {
    const dropVersionAndExtensions = (f: Uint8Array[]) => f.slice(1, 7);
    const v1Leaf = await resign(leaf, inter, dropVersionAndExtensions);
    await fails({ chain: [v1Leaf, inter.der], roots: [root.der] }, "UnsupportedCertVersion", 0);
    const v1Ca = await resign(inter, root, dropVersionAndExtensions);
    await fails({ chain: [leaf.der, v1Ca], roots: [root.der] }, "UnsupportedCertVersion", 1);
    const withSerial = (serial: number[]) => (f: Uint8Array[]) => [f[0]!, der.tlv(0x02, new Uint8Array(serial)), ...f.slice(2)];
    await fails({ chain: [await resign(leaf, inter, withSerial([0xff, 0x01])), inter.der], roots: [root.der] }, "BadEncoding", 0);
    // Zero breaks RFC 5280's "positive" but pyca/cryptography, rustls-webpki and Go all accept it.
    await ok({ chain: [await resign(leaf, inter, withSerial([0x00])), inter.der], roots: [root.der] });
    await ok({ chain: [await resign(leaf, inter, withSerial([0x01])), inter.der], roots: [root.der] });
  });

  test("SHA-1 and MD5: refused in the chain, tolerated on anchors unless the policy says otherwise", async () => {
    await fails(await chainOf(inter, { hash: "SHA-1" }), "UnsupportedSignatureAlgorithm", 0);
    await fails(await chainOf(await caUnderRoot({ hash: "SHA-1" })), "UnsupportedSignatureAlgorithm", 1);
    const rsaRoot = await pki.root({ key: "rsa-2048" });
    const rsaLeaf = await under(rsaRoot);
    await ok({ chain: [rsaLeaf.der], roots: [rsaRoot.der] });
    const md5 = swapOid(rsaLeaf.der, "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.4");
    await fails({ chain: [md5], roots: [rsaRoot.der] }, "UnsupportedSignatureAlgorithm", 0);
    const sha1Root = await pki.root({ hash: "SHA-1" });
    const o = { chain: [(await under(sha1Root)).der], roots: [sha1Root.der] };
    await ok(o, 2);
    await fails({ ...o, policy: policy({ allowSha1OnAnchors: false }) }, "UnsupportedSignatureAlgorithm", null);
    await ok({ ...good, policy: policy({ allowSha1OnAnchors: false }) });
  });

  test("policy: allowed signature algorithms", async () => {
    const only384 = policy({ allowedSignatureAlgorithms: ["ecdsa-with-SHA384"] });
    await fails({ ...good, policy: only384 }, "UnsupportedSignatureAlgorithm", 0);
    const r = await pki.root({ key: "ec-p384" });
    await ok({ chain: [(await under(r, { key: "ec-p384" })).der], roots: [r.der], policy: only384 });
    const noPss = policy({ allowedSignatureAlgorithms: ["sha256WithRSAEncryption", "ecdsa-with-SHA256"] });
    const rsaRoot = await pki.root({ key: "rsa-2048" });
    await fails({ chain: [(await under(rsaRoot, { pss: true })).der], roots: [rsaRoot.der], policy: noPss }, "UnsupportedSignatureAlgorithm", 0);
    await ok({ chain: [(await under(rsaRoot)).der], roots: [rsaRoot.der], policy: noPss });
  });

  test("policy: RSA below 2048 bits is WeakKey anywhere on the path; curves and Ed25519 as allowed", async () => {
    const rsa1024Root = await pki.root({ key: "rsa-1024" });
    const o = { chain: [(await under(rsa1024Root)).der], roots: [rsa1024Root.der] };
    await fails(o, "WeakKey", null);
    await ok({ ...o, policy: policy({ minRsaModulusBits: 1024 }) });
    await fails(await chainOf(await caUnderRoot({ key: "rsa-1024" })), "WeakKey", 1);
    await fails(await chainOf(inter, { key: "rsa-1024" }), "WeakKey", 0);
    await ok(await chainOf(inter, { key: "rsa-2048" }));
    await fails({ ...(await chainOf(inter, { key: "rsa-2048" })), policy: policy({ minRsaModulusBits: 3072 }) }, "WeakKey", 0);
    const p521 = await chainOf(inter, { key: "ec-p521" });
    await ok(p521);
    await fails({ ...p521, policy: policy({ allowedCurves: ["P-256", "P-384"] }) }, "UnsupportedPublicKey", 0);
    if (provider.supports.signatures.includes("ed25519")) {
      const ed = await chainOf(inter, { key: "ed25519" });
      await ok(ed);
      await fails({ ...ed, policy: policy({ allowEd25519Keys: false }) }, "UnsupportedPublicKey", 0);
    }
  });

  test("policy objects are validated", () => {
    assert.is(validateVerificationPolicy(DEFAULT_VERIFICATION_POLICY), DEFAULT_VERIFICATION_POLICY);
    const bad: Partial<VerificationPolicy>[] = [
      { allowedSignatureAlgorithms: ["sha1WithRSAEncryption" as "ed25519"] },
      { minRsaModulusBits: 512 },
      { allowedCurves: ["P-192" as "P-256"] },
      { allowEd25519Keys: "yes" as unknown as boolean },
      { anchorProfile: "lenient" as "legacy" },
    ];
    for (const p of bad) assert.throws(() => validateVerificationPolicy(policy(p)), (e: unknown) => e instanceof ConfigError);
  });

  test("a provider without an algorithm: UnsupportedSignatureAlgorithm, not BadSignature", async () => {
    const limited: CryptoProvider = { ...provider, supports: { ...provider.supports, hashes: ["SHA-256"] } };
    const r = await pki.root({ key: "ec-p384" });
    const o = { chain: [(await under(r, { key: "ec-p384" })).der], roots: [r.der] };
    await ok(o);
    await failsWithProvider(limited, o);
  });

  test("a leaf that is itself an anchor: trusted, but name, validity and role still count", async () => {
    const self = await pki.root({ ca: false, dns: ["self.example"], keyUsage: KU.digitalSignature, notAfter: at(30 * DAY) });
    const o = { chain: [self.der], roots: [root.der, self.der], serverName: "self.example" };
    await ok(o, 1);
    await fails({ ...o, serverName: "other.example" }, "NotValidForName", 0);
    await fails({ ...o, time: at(40 * DAY) }, "Expired", 0);
    const caSelf = await pki.root({ dns: ["self.example"] });
    await fails({ chain: [caSelf.der], roots: [caSelf.der], serverName: "self.example" }, "CaUsedAsEndEntity", 0);
  });

  test("malformed DER is BadEncoding with its position; malformed roots are skipped", async () => {
    await fails({ chain: [leaf.der.subarray(0, leaf.der.length - 1), inter.der], roots: [root.der] }, "BadEncoding", 0);
    await fails({ chain: [leaf.der, new Uint8Array([0x30, 0x03, 0x02, 0x01])], roots: [root.der] }, "BadEncoding", 1);
    await fails({ chain: [new Uint8Array(0)], roots: [root.der] }, "BadEncoding", 0);
    await ok({ ...good, roots: [new Uint8Array([1, 2, 3]), root.der] });
  });

  async function failsWithProvider(p: CryptoProvider, o: { chain: Uint8Array[]; roots: Uint8Array[] }) {
    await verifiers(p).fails(o, "UnsupportedSignatureAlgorithm", 0);
  }

  return test;
}

for (const [name, provider] of PROVIDERS) suiteFor(name, provider).run();
