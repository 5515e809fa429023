// Revocation by user-supplied CRLs: leaf-only and whole-chain scope, unknown status refused or
// allowed, freshness, forged and unusable CRLs, issuingDistributionPoint scopes, parsing. Both providers.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CryptoProvider } from "../src/crypto/provider.js";
import { ConfigError } from "../src/errors.js";
import { parseDer } from "../src/verify/der.js";
import { type RevocationOptions, parseCrl } from "../src/verify/index.js";
import { DAY, PROVIDERS, verifiers } from "./verify-harness.js";
import { KU, type Made, X509Pki, der, rawExtension } from "./pki-x509.js";

const pki = new X509Pki();
const at = (ms: number) => new Date(pki.now.getTime() + ms);

const root = await pki.root({ subject: "CN=CRL Root" });
const inter = await pki.issue(root, { ca: true, subject: "CN=CRL CA" });
const dp = (uri: string) => rawExtension("2.5.29.31", false, der.seq(der.seq(der.tlv(0xa0, der.tlv(0xa0, der.ia5(0x86, uri))))));
const leaf = await pki.issue(inter, { dns: ["example.com"], extensions: [dp("http://crl.example/ca.crl")] });
const revokedLeaf = await pki.issue(inter, { dns: ["example.com"] });
const chainOf = (l: Made) => ({ chain: [l.der, inter.der], roots: [root.der] });

// CRLs: the CA's (revoking revokedLeaf), the root's (empty, or revoking the CA).
const caCrl = await pki.crl(inter, { revoked: [revokedLeaf], reason: 1 });
const rootCrl = await pki.crl(root);
const rootRevokesCa = await pki.crl(root, { revoked: [inter] });
const staleCaCrl = await pki.crl(inter, { thisUpdate: at(-10 * DAY), nextUpdate: at(-DAY) });
const futureCaCrl = await pki.crl(inter, { thisUpdate: at(DAY) });
const staleRevoking = await pki.crl(inter, { revoked: [revokedLeaf], thisUpdate: at(-10 * DAY), nextUpdate: at(-DAY) });
const forged = await pki.crl(inter, { signer: await pki.root({ subject: "CN=CRL CA" }) });
const sha1Crl = await pki.crl(inter, { hash: "SHA-1" });

const idp = (...fields: Uint8Array[]) => rawExtension("2.5.29.28", true, der.seq(...fields));
const onlyCa = await pki.crl(inter, { extensions: [idp(der.tlv(0x82, new Uint8Array([0xff])))] });
const onlyUser = await pki.crl(inter, { extensions: [idp(der.tlv(0x81, new Uint8Array([0xff])))] });
const somReasons = await pki.crl(inter, { extensions: [idp(der.tlv(0x83, new Uint8Array([0x07, 0x80])))] });
const pointCrl = (uri: string) => pki.crl(inter, { extensions: [idp(der.tlv(0xa0, der.tlv(0xa0, der.ia5(0x86, uri))))] });

const LEAF_FAIL: RevocationOptions = { scope: "leaf", unknownStatus: "fail" };
const CHAIN_FAIL: RevocationOptions = { scope: "chain", unknownStatus: "fail" };
const CHAIN_ALLOW: RevocationOptions = { scope: "chain", unknownStatus: "allow" };

function suiteFor(name: string, provider: CryptoProvider) {
  const test = suite(`verify: revocation (${name})`);
  const { ok, fails } = verifiers(provider);

  test("revoked leaf, from DER and PEM CRLs; a good leaf under the same CRL", async () => {
    const e = await fails({ ...chainOf(revokedLeaf), crls: [caCrl.der], revocation: LEAF_FAIL }, "Revoked", 0);
    assert.match(e.message, /keyCompromise/);
    assert.is(e.alert, "certificate_revoked");
    await fails({ ...chainOf(revokedLeaf), crls: [caCrl.pem], revocation: LEAF_FAIL }, "Revoked", 0);
    await fails({ ...chainOf(revokedLeaf), crls: [parseCrl(caCrl.pem)] }, "Revoked", 0);
    await ok({ ...chainOf(leaf), crls: [caCrl.der], revocation: LEAF_FAIL });
    // No CRLs and no revocation option: no revocation checking at all.
    await ok(chainOf(revokedLeaf));
  });

  test("scope: leaf only vs the whole chain", async () => {
    await ok({ ...chainOf(leaf), crls: [caCrl.der, rootCrl.der], revocation: CHAIN_FAIL });
    await fails({ ...chainOf(leaf), crls: [caCrl.der, rootRevokesCa.der], revocation: CHAIN_FAIL }, "Revoked", 1);
    await ok({ ...chainOf(leaf), crls: [caCrl.der, rootRevokesCa.der], revocation: LEAF_FAIL });
    // Default once CRLs are given: whole chain, unknown status refused.
    await fails({ ...chainOf(leaf), crls: [caCrl.der, rootRevokesCa.der] }, "Revoked", 1);
  });

  test("unknown status: fail or allow", async () => {
    await fails({ ...chainOf(leaf), crls: [caCrl.der], revocation: CHAIN_FAIL }, "UnknownRevocationStatus", 1);
    await ok({ ...chainOf(leaf), crls: [caCrl.der], revocation: CHAIN_ALLOW });
    await fails({ ...chainOf(leaf), revocation: LEAF_FAIL }, "UnknownRevocationStatus", 0);
    await ok({ ...chainOf(leaf), revocation: { scope: "leaf", unknownStatus: "allow" } });
    // Allowing the unknown never lets a listed certificate through.
    await fails({ ...chainOf(revokedLeaf), crls: [caCrl.der], revocation: CHAIN_ALLOW }, "Revoked", 0);
  });

  test("freshness: thisUpdate/nextUpdate against the time; a stale CRL still revokes", async () => {
    await fails({ ...chainOf(leaf), crls: [staleCaCrl.der], revocation: LEAF_FAIL }, "ExpiredRevocationList", 0);
    await fails({ ...chainOf(leaf), crls: [futureCaCrl.der], revocation: LEAF_FAIL }, "ExpiredRevocationList", 0);
    await ok({ ...chainOf(leaf), crls: [staleCaCrl.der], revocation: { scope: "leaf", unknownStatus: "allow" } });
    await ok({ ...chainOf(leaf), crls: [staleCaCrl.der, caCrl.der], revocation: LEAF_FAIL });
    await ok({ ...chainOf(leaf), crls: [futureCaCrl.der], revocation: LEAF_FAIL, time: at(2 * DAY) });
    await fails({ ...chainOf(revokedLeaf), crls: [staleRevoking.der], revocation: LEAF_FAIL }, "Revoked", 0);
  });

  test("a CRL must be signed by the issuer on the path, with an allowed algorithm and cRLSign", async () => {
    const e = await fails({ ...chainOf(leaf), crls: [forged.der], revocation: LEAF_FAIL }, "UnknownRevocationStatus", 0);
    assert.match(e.message, /does not verify/);
    await fails({ ...chainOf(leaf), crls: [sha1Crl.der], revocation: LEAF_FAIL }, "UnknownRevocationStatus", 0);
    const noCrlSign = await pki.issue(root, { ca: true, subject: "CN=No cRLSign", keyUsage: KU.keyCertSign });
    const under = await pki.issue(noCrlSign, { dns: ["example.com"] });
    const itsCrl = await pki.crl(noCrlSign);
    const o = { chain: [under.der, noCrlSign.der], roots: [root.der], crls: [itsCrl.der] };
    const e2 = await fails({ ...o, revocation: LEAF_FAIL }, "UnknownRevocationStatus", 0);
    assert.match(e2.message, /cRLSign/);
    // A forged CRL listing a good certificate cannot revoke it.
    const forgedRevoking = await pki.crl(inter, { revoked: [leaf], signer: await pki.root({ subject: "CN=CRL CA" }) });
    await ok({ ...chainOf(leaf), crls: [forgedRevoking.der, caCrl.der], revocation: LEAF_FAIL });
  });

  test("issuingDistributionPoint: user/CA-only scopes, partial CRLs, distribution point names", async () => {
    await fails({ ...chainOf(leaf), crls: [onlyCa.der], revocation: LEAF_FAIL }, "UnknownRevocationStatus", 0);
    await ok({ ...chainOf(leaf), crls: [onlyUser.der], revocation: LEAF_FAIL });
    await fails({ ...chainOf(leaf), crls: [somReasons.der], revocation: LEAF_FAIL }, "UnknownRevocationStatus", 0);
    await ok({ ...chainOf(leaf), crls: [(await pointCrl("http://crl.example/ca.crl")).der], revocation: LEAF_FAIL });
    await fails({ ...chainOf(leaf), crls: [(await pointCrl("http://crl.example/other.crl")).der], revocation: LEAF_FAIL }, "UnknownRevocationStatus", 0);
    // A leaf naming no distribution point is not covered by a CRL that names one.
    await fails({ ...chainOf(revokedLeaf), crls: [(await pointCrl("http://crl.example/ca.crl")).der], revocation: LEAF_FAIL }, "UnknownRevocationStatus", 0);
  });

  test("a revoked intermediate on one path, a clean alternative on another", async () => {
    const otherRoot = await pki.root({ subject: "CN=CRL Other Root" });
    const viaOther = await pki.issue(otherRoot, { ca: true, subject: "CN=CRL CA", key: inter });
    const otherCrl = await pki.crl(otherRoot);
    const o = { chain: [leaf.der, inter.der, viaOther.der], roots: [root.der, otherRoot.der], crls: [caCrl.der, rootRevokesCa.der, otherCrl.der] };
    const path = await ok({ ...o, revocation: CHAIN_FAIL }, 3);
    assert.is(path[2]!.subject, "CN=CRL Other Root");
    await fails({ ...o, chain: [leaf.der, inter.der], revocation: CHAIN_FAIL }, "Revoked", 1);
  });

  return test;
}

const parsing = suite("verify: CRL parsing");

parsing("fields, PEM and DER alike", () => {
  const crl = parseCrl(caCrl.der);
  assert.is(crl.issuer, "CN=CRL CA");
  assert.ok(crl.thisUpdate.getTime() < pki.now.getTime() && crl.nextUpdate!.getTime() > pki.now.getTime());
  assert.equal([...crl.revoked.keys()], [revokedLeaf.serial]);
  assert.is(crl.revoked.get(revokedLeaf.serial)!.reason, 1);
  assert.equal(parseCrl(caCrl.pem).der, crl.der);
  assert.equal(parseCrl(new TextEncoder().encode(caCrl.pem)).tbs, crl.tbs);
  assert.equal(parseCrl(onlyCa.der).scope, { onlyUserCerts: false, onlyCaCerts: true, distributionPoints: [], partial: false });
});

parsing("malformed, delta and unsupported CRLs are ConfigErrors", async () => {
  const configError = (input: Uint8Array | string, pattern: RegExp) =>
    assert.throws(() => parseCrl(input), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
  configError(caCrl.der.subarray(0, 40), /CRL/);
  configError(new Uint8Array([0x30, 0x00]), /CRL/);
  configError("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", /no PEM X509 CRL/);
  configError((await pki.crl(inter, { extensions: [rawExtension("2.5.29.27", true, der.int(1))] })).der, /delta/);
  configError((await pki.crl(inter, { extensions: [rawExtension("1.3.6.1.4.1.55555.9", true, der.nul())] })).der, /critical extension/);
  for (let n = 0; n < caCrl.der.length; n += 7) configError(caCrl.der.subarray(0, n), /CRL/);
  const { fails: f } = verifiers(PROVIDERS[0]![1]);
  // Through the verifier, the bad CRL's index is named.
  try {
    await f({ ...chainOf(leaf), crls: [caCrl.der, new Uint8Array([1, 2, 3])] }, "Revoked");
    assert.unreachable("expected a ConfigError");
  } catch (e) {
    assert.ok(e instanceof ConfigError && /crls\[1\]/.test(e.message), String(e));
  }
});

parsing("RFC 5280 section 5 conformance: cRLNumber, issuingDistributionPoint, time types", async () => {
  const refused = async (spec: Parameters<X509Pki["crl"]>[1], pattern: RegExp) => {
    const crl = await pki.crl(inter, spec);
    assert.throws(() => parseCrl(crl.der), (e: unknown) => e instanceof ConfigError && pattern.test(e.message), String(pattern));
  };
  // A good CRL carries a non-critical cRLNumber (every other test's CRLs do).
  assert.ok(parseCrl(caCrl.der).revoked.size === 1);
  await refused({ crlNumber: null }, /no cRLNumber/);
  await refused({ nextUpdate: null }, /no nextUpdate/);
  await refused({ crlNumber: { critical: true } }, /cRLNumber is marked critical/);
  await refused({ extensions: [rawExtension("2.5.29.27", true, der.int(1))] }, /delta CRL.*complete CRL/);
  const flag = (tag: number, value = 0xff) => der.tlv(tag, new Uint8Array([value]));
  await refused({ extensions: [rawExtension("2.5.29.28", false, der.seq(flag(0x81)))] }, /issuingDistributionPoint is not marked critical/);
  await refused({ extensions: [idp()] }, /issuingDistributionPoint/);
  await refused({ extensions: [idp(flag(0x81), flag(0x82))] }, /both set/);
  await refused({ extensions: [idp(flag(0x81, 0x00))] }, /BOOLEAN/);
  await refused({ extensions: [idp(flag(0x85))] }, /attribute certificates/);
  await refused({ extensions: [idp(flag(0x82), flag(0x81))] }, /unexpected field/);
  // thisUpdate as GeneralizedTime before 2050 breaks 5.1.2.4; the generator writes UTCTime, so rebuild
  // tbsCertList with the time re-tagged (parsing refuses it before any signature is looked at).
  const [tbs, alg, sig] = parseDer((await pki.crl(inter)).der, "CRL").children;
  const fields = tbs!.children.map((f) => (f.tagNumber === 23 ? der.tlv(0x18, new Uint8Array([0x32, 0x30, ...f.content])) : f.raw));
  const generalized = der.seq(der.seq(...fields), alg!.raw, sig!.raw);
  assert.throws(() => parseCrl(generalized), (e: unknown) => e instanceof ConfigError && /GeneralizedTime for 20\d\d/.test(e.message));
});

for (const [name, provider] of PROVIDERS) suiteFor(name, provider).run();
parsing.run();
