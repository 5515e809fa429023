// Stapled OCSP responses (RFC 6960), as `openssl ocsp` makes them, checked by verifyOcspResponse:
// good/revoked/unknown, CertID hashes, responder authorization (the issuer, a delegated responder with
// and without id-kp-OCSPSigning), freshness, forged and malformed responses, signature algorithms
// and the policy. Both providers.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CryptoProvider } from "../src/crypto/provider.js";
import { type CertificateErrorReason, InvalidCertificate } from "../src/errors.js";
import { CNSA, FIPS_140_3, verificationPolicyFor } from "../src/policy/policies.js";
import { type Certificate, parseCertificate, parseOcspResponse, verifyOcspResponse } from "../src/verify/index.js";
import type { OcspCheckOptions } from "../src/verify/ocsp.js";
import { OcspPki } from "./ocsp-pki.js";
import { PROVIDERS } from "./_providers.js";

const MINUTE = 60_000;
const o = new OcspPki();
const path: Certificate[] = [o.leaf.der, o.intermediate.der, o.root.der].map((d) => parseCertificate(d));
const otherLeaf = o.pki.issue(o.intermediate, { dns: ["other.example"] });

const good = o.respond();
const goodSha256Id = o.respond({ certIdDigest: "sha256" });
const goodByKey = o.respond({ byKey: true, noCerts: true });
const revoked = o.respond({ status: "revoked" });
const unknown = o.respond({ status: "unknown" });
const delegate = o.responder();
const delegated = o.respond({ signer: delegate });
const delegatedByKey = o.respond({ signer: delegate, byKey: true });
const delegatedNoEku = o.respond({ signer: o.responder({ eku: "serverAuth", cn: "no eku responder" }) });
const delegatedByRoot = o.respond({ signer: o.responder({ issuer: o.root, cn: "root's responder" }) });
const delegatedNoCerts = o.respond({ signer: delegate, noCerts: true });
const shortLived = o.respond({ validMinutes: 1 });
const otherCert = o.respond({ cert: otherLeaf });
const sha1Signed = o.respond({ digest: "sha1" });
const rootSigned = o.respond({ signer: o.root });
const byKeyNoCerts = o.respond({ noCerts: true });
const thisUpdateOf = (r: Uint8Array): number => parseOcspResponse(r).basic!.responses[0]!.thisUpdate.getTime();

function suiteFor(name: string, provider: CryptoProvider) {
  const test = suite(`ocsp: stapled responses (${name})`);
  const check = (response: Uint8Array, extra: Partial<OcspCheckOptions> = {}) =>
    verifyOcspResponse({ response, path, time: new Date(), provider, ...extra });
  const fails = async (response: Uint8Array, reason: CertificateErrorReason, extra: Partial<OcspCheckOptions> = {}): Promise<InvalidCertificate> => {
    try {
      await check(response, extra);
    } catch (e) {
      assert.instance(e, InvalidCertificate);
      const err = e as InvalidCertificate;
      assert.is(err.reason, reason, err.message);
      assert.is(err.position, 0);
      return err;
    }
    throw new Error(`expected ${reason}`);
  };

  test("good, signed by the issuer: SHA-1 and SHA-256 CertIDs, responder byName and byKey", async () => {
    for (const r of [good, goodSha256Id, goodByKey]) {
      const res = await check(r);
      assert.is(res.status, "good");
      assert.is(res.responder, "issuer");
      assert.ok(res.nextUpdate !== undefined && res.nextUpdate > res.thisUpdate);
    }
  });

  test("revoked is Revoked (certificate_revoked) with time and reason; unknown is OcspStatusUnknown", async () => {
    const e = await fails(revoked, "Revoked");
    assert.is(e.alert, "certificate_revoked");
    assert.is(e.code, "CERT_REVOKED");
    assert.match(e.message, /2025-01-01T00:00:00\.000Z \(keyCompromise\)/);
    const u = await fails(unknown, "OcspStatusUnknown");
    assert.is(u.alert, "bad_certificate_status_response");
  });

  test("a delegated responder issued by the issuer with id-kp-OCSPSigning is accepted (byName and byKey)", async () => {
    assert.is((await check(delegated)).responder, "delegated");
    assert.is((await check(delegatedByKey)).responder, "delegated");
  });

  test("unauthorized responders: no OCSPSigning EKU, issued by another CA, not in the response, a different CA", async () => {
    assert.match((await fails(delegatedNoEku, "OcspUnauthorizedResponder")).message, /id-kp-OCSPSigning/);
    assert.match((await fails(delegatedByRoot, "OcspUnauthorizedResponder")).message, /not issued by/);
    await fails(delegatedNoCerts, "OcspUnauthorizedResponder");
    // The root is the intermediate's issuer, not the leaf's: it may not answer for the leaf.
    await fails(rootSigned, "OcspUnauthorizedResponder");
    // Only the issuer's key counts for byKey; without certs the responder must be the issuer.
    await check(byKeyNoCerts);
  });

  test("a delegated responder must be valid at the time", async () => {
    const e = await fails(delegated, "OcspUnauthorizedResponder", { time: new Date(Date.now() + 400 * 24 * 60 * MINUTE), clockSkew: 0 });
    assert.match(e.message, /expired|nextUpdate/);
  });

  test("freshness: nextUpdate past is OcspResponseExpired; thisUpdate ahead beyond the skew is OcspResponseNotYetValid", async () => {
    // Times relative to each response's own thisUpdate: a full test run may start long after these were made.
    const s0 = thisUpdateOf(shortLived);
    await check(shortLived, { time: new Date(s0 + 30_000) });
    await fails(shortLived, "OcspResponseExpired", { time: new Date(s0 + 5 * MINUTE) });
    const g0 = thisUpdateOf(good);
    await fails(good, "OcspResponseExpired", { time: new Date(g0 + 2 * 24 * 60 * MINUTE) });
    await fails(good, "OcspResponseNotYetValid", { time: new Date(g0 - 60 * MINUTE) });
    // Within the default five minutes of skew, and outside a skew of zero.
    await check(good, { time: new Date(g0 - 2 * MINUTE) });
    await fails(good, "OcspResponseNotYetValid", { time: new Date(g0 - 2 * MINUTE), clockSkew: 0 });
  });

  test("a response for another certificate is OcspResponseInvalid (wrong CertID)", async () => {
    assert.match((await fails(otherCert, "OcspResponseInvalid")).message, /no response for serial/);
  });

  test("a flipped byte in the signature or the signed data is OcspBadSignature", async () => {
    const sig = byKeyNoCerts.slice();
    sig[sig.length - 3]! ^= 0x01;
    await fails(sig, "OcspBadSignature");
    // producedAt's last digit: still DER, no longer what was signed.
    const basic = parseOcspResponse(byKeyNoCerts).basic!;
    const at = indexOf(byKeyNoCerts, basic.tbs) + basic.tbs.length - 1;
    const tbs = byKeyNoCerts.slice();
    const produced = findProducedAt(tbs, at);
    tbs[produced]! ^= 0x01;
    await fails(tbs, "OcspBadSignature");
  });

  test("a SHA-1 signature is refused: OcspUnsupportedSignatureAlgorithm", async () => {
    assert.match((await fails(sha1Signed, "OcspUnsupportedSignatureAlgorithm")).message, /1\.2\.840\.10045\.4\.1/);
  });

  test("the policy judges the response signature: fips-140-3 accepts ECDSA P-256/SHA-256, cnsa does not", async () => {
    await check(good, { policy: verificationPolicyFor(FIPS_140_3) });
    await check(delegated, { policy: verificationPolicyFor(FIPS_140_3) });
    await fails(good, "OcspUnsupportedSignatureAlgorithm", { policy: verificationPolicyFor(CNSA) });
  });

  test("without SHA-1 in the provider, SHA-1 CertIDs match nothing and SHA-256 ones still work", async () => {
    const { sha1: _, ...rest } = provider;
    const noSha1 = { ...rest, name: `${provider.name} without sha1` } as CryptoProvider;
    assert.match((await fails(good, "OcspResponseInvalid", { provider: noSha1 })).message, /SHA-1 not available/);
    await check(goodSha256Id, { provider: noSha1 });
  });

  return test;
}

for (const [name, provider] of PROVIDERS) suiteFor(name, provider).run();

const parse = suite("ocsp: parsing peer bytes");

const reasonOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return e instanceof InvalidCertificate ? e.reason : `other: ${String(e)}`;
  }
  return "none";
};

parse("a good response parses into its fields", () => {
  const r = parseOcspResponse(good);
  assert.is(r.status, "successful");
  const b = r.basic!;
  assert.is(b.responses.length, 1);
  assert.is(b.responses[0]!.certId.hash, "SHA-1");
  assert.is(b.responses[0]!.certId.serialNumber, path[0]!.serialNumber);
  assert.is(b.responses[0]!.certStatus.status, "good");
  assert.ok("byName" in b.responderId);
  assert.is(b.certs.length, 1);
  assert.ok("byKey" in parseOcspResponse(goodByKey).basic!.responderId);
  assert.is(parseOcspResponse(goodSha256Id).basic!.responses[0]!.certId.hash, "SHA-256");
});

parse("unsuccessful statuses parse and are refused by the check", async () => {
  const tryLater = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x03);
  assert.is(parseOcspResponse(tryLater).status, "tryLater");
  const e = await verifyOcspResponse({ response: tryLater, path, time: new Date(), provider: PROVIDERS[0]![1] }).catch((x: unknown) => x);
  assert.instance(e, InvalidCertificate);
  assert.is((e as InvalidCertificate).reason, "OcspResponseInvalid");
  assert.is((e as InvalidCertificate).alert, "bad_certificate_status_response");
  assert.match((e as InvalidCertificate).message, /tryLater/);
});

parse("malformed DER of every kind is OcspResponseInvalid and nothing else", () => {
  const cases: Uint8Array[] = [
    new Uint8Array(0),
    Uint8Array.of(0x30),
    Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x04), // status 4 is unassigned
    Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00), // successful without responseBytes
    Uint8Array.of(0x30, 0x80, 0x0a, 0x01, 0x03, 0x00, 0x00), // indefinite length
    Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x03), // INTEGER, not ENUMERATED
    new Uint8Array([...good, 0x00]), // trailing byte
  ];
  for (const c of cases) assert.is(reasonOf(() => parseOcspResponse(c)), "OcspResponseInvalid", `case ${Array.from(c.subarray(0, 8))}`);
  // Every truncation and every single-byte change of a real response parses or fails typed.
  for (let n = 0; n < good.length; n++) assert.is(reasonOf(() => parseOcspResponse(good.subarray(0, n))), "OcspResponseInvalid", `truncated to ${n}`);
  for (let i = 0; i < good.length; i++) {
    const m = good.slice();
    m[i]! ^= 0x80;
    const r = reasonOf(() => parseOcspResponse(m));
    assert.ok(r === "none" || r === "OcspResponseInvalid", `byte ${i}: ${r}`);
  }
});

parse.run();

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The offset of the last digit of the first GeneralizedTime (producedAt) before `end`. */
function findProducedAt(der: Uint8Array, end: number): number {
  for (let i = 0; i < end; i++) if (der[i] === 0x18 && der[i + 1] === 15) return i + 2 + 13;
  throw new Error("no GeneralizedTime");
}
