// The certificate profile (RFC 5280 4.1-4.2, CA/Browser Forum BR 7.1, as pyca/cryptography enforces it):
// for every rule, a chain that keeps it passes and one that breaks it fails with the rule's own reason,
// at the position of the offending certificate. Built with the project's PKI factory (test/pki-x509.ts).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DerError, parseDer, time, timeTypeProblem } from "../src/verify/der.js";
import { DEFAULT_VERIFICATION_POLICY, type VerificationPolicy, verifyClientCertificate, verifyServerCertificate } from "../src/verify/index.js";
import { buildClientConfig } from "../src/config/client.js";
import { ConfigError, InvalidCertificate } from "../src/errors.js";
import { makePair, rejection } from "./_pair.js";
import { PROVIDERS, failsWith, verifiers } from "./verify-harness.js";
import { EKU, KU, type Made, X509Pki, der, privateKeyPem, rawExtension, resign } from "./pki-x509.js";

const pki = new X509Pki();
const root = await pki.root({ subject: "CN=Profile Root" });
const inter = await pki.issue(root, { ca: true, subject: "CN=Profile CA" });
const legacy: VerificationPolicy = { ...DEFAULT_VERIFICATION_POLICY, anchorProfile: "legacy" };
type Spec = Parameters<X509Pki["issue"]>[1];

/** A leaf of `spec` under `issuer` (default: the intermediate), as a chain to the root. */
const leafChain = async (spec: Spec = {}, issuer: Made = inter) => ({
  chain: [(await pki.issue(issuer, { dns: ["example.com"], ...spec })).der, ...(issuer === root ? [] : [issuer.der])],
  roots: [root.der],
});
/** A good leaf under an intermediate of `spec`. */
const caChain = async (spec: Spec) => {
  const ca = await pki.issue(root, { ca: true, ...spec });
  return { chain: [(await pki.issue(ca, { dns: ["example.com"] })).der, ca.der], roots: [root.der] };
};
/** A good leaf directly under a root of `spec`. */
const rootChain = async (spec: Spec) => {
  const r = await pki.root(spec);
  return { chain: [(await pki.issue(r, { dns: ["example.com"] })).der], roots: [r.der] };
};

const [, provider] = PROVIDERS[0]!;
const { ok, fails } = verifiers(provider);
const test = suite("verify: certificate profile");

test("authorityKeyIdentifier and subjectKeyIdentifier MUST be non-critical", async () => {
  await ok(await leafChain());
  await fails(await leafChain({ aki: { critical: true } }), "CriticalAuthorityKeyIdentifier", 0);
  await fails(await caChain({ aki: { critical: true } }), "CriticalAuthorityKeyIdentifier", 1);
  await fails(await leafChain({ ski: { critical: true } }), "CriticalSubjectKeyIdentifier", 0);
  await fails(await caChain({ ski: { critical: true } }), "CriticalSubjectKeyIdentifier", 1);
  await fails(await rootChain({ ski: { critical: true } }), "CriticalSubjectKeyIdentifier", null);
  await ok({ ...(await rootChain({ ski: { critical: true } })), policy: legacy });
  // A subjectKeyIdentifier is recommended, not required.
  await ok(await leafChain({ ski: null }));
});

test("every certificate but a self-signed one carries an authorityKeyIdentifier", async () => {
  await fails(await leafChain({ aki: null }), "MissingAuthorityKeyIdentifier", 0);
  await fails(await caChain({ aki: null }), "MissingAuthorityKeyIdentifier", 1);
  // Roots (self-signed) need none, and a self-signed leaf trusted as an anchor needs none either.
  await ok(await rootChain({}));
  const self = await pki.root({ ca: false, dns: ["example.com"], keyUsage: KU.digitalSignature });
  await ok({ chain: [self.der], roots: [self.der] }, 1);
});

test("a CA's authorityKeyIdentifier is a keyIdentifier only; roots' included, a leaf's is free", async () => {
  await fails(await caChain({ aki: { issuerAndSerial: true } }), "InvalidAuthorityKeyIdentifier", 1);
  await fails(await caChain({ aki: { keyId: false, issuerAndSerial: true } }), "InvalidAuthorityKeyIdentifier", 1);
  await fails(await rootChain({ aki: { issuerAndSerial: true } }), "InvalidAuthorityKeyIdentifier", null);
  await ok({ ...(await rootChain({ aki: { issuerAndSerial: true } })), policy: legacy });
  await ok(await rootChain({ aki: {} }));
  await ok(await leafChain({ aki: { issuerAndSerial: true } }));
  // issuer without serial breaks RFC 5280's syntax: a malformed extension.
  const half = rawExtension("2.5.29.35", false, der.seq(der.tlv(0x80, new Uint8Array(20)), der.tlv(0x82, new Uint8Array([1]))));
  await fails(await leafChain({ aki: null, extensions: [half] }), "MalformedExtension", 0);
});

test("keyCertSign only with cA=TRUE; nameConstraints only in CA certificates", async () => {
  await fails(await leafChain({ keyUsage: KU.digitalSignature | KU.keyCertSign }), "KeyCertSignWithoutCa", 0);
  await ok(await leafChain({ keyUsage: KU.digitalSignature | KU.keyEncipherment }));
  await fails(await leafChain({ nameConstraints: { permitted: [{ dns: "example.com" }] } }), "NameConstraintsOnEndEntity", 0);
  await ok(await caChain({ nameConstraints: { permitted: [{ dns: "example.com" }] } }));
});

test("CAs: basicConstraints critical and keyUsage present", async () => {
  await fails(await caChain({ basicConstraintsCritical: false }), "InvalidExtensionCriticality", 1);
  await fails(await caChain({ keyUsage: null }), "MissingKeyUsage", 1);
  await ok(await caChain({ keyUsage: KU.keyCertSign }));
  // A leaf's basicConstraints may be non-critical.
  await ok(await leafChain({ basicConstraintsCritical: false }));
});

test("extKeyUsage and authorityInfoAccess are non-critical", async () => {
  await fails(await leafChain({ ekuCritical: true }), "InvalidExtensionCriticality", 0);
  await fails(await caChain({ eku: [EKU.serverAuth], ekuCritical: true }), "InvalidExtensionCriticality", 1);
  const aia = (critical: boolean) => rawExtension("1.3.6.1.5.5.7.1.1", critical, der.seq(der.seq(der.oid("1.3.6.1.5.5.7.48.1"), der.ia5(0x86, "http://ocsp.example/"))));
  await ok(await leafChain({ extensions: [aia(false)] }));
  await fails(await leafChain({ extensions: [aia(true)] }), "InvalidExtensionCriticality", 0);
});

test("a malformed extension of any kind fails the certificate: AIA, CDP, certificatePolicies, SAN, …", async () => {
  const cases: [string, Uint8Array, Spec?][] = [
    ["1.3.6.1.5.5.7.1.1", der.seq()], // authorityInfoAccess: SIZE (1..MAX)
    ["1.3.6.1.5.5.7.1.1", der.seq(der.seq(der.oid("1.3.6.1.5.5.7.48.1"), der.ia5(0x86, "\u00e9")))], // not IA5
    ["2.5.29.31", der.seq(der.seq())], // a DistributionPoint with neither name nor cRLIssuer
    ["2.5.29.32", der.seq(der.seq(der.oid("2.23.140.1.2.1")), der.seq(der.oid("2.23.140.1.2.1")))], // a policy twice
    ["2.5.29.32", der.nul()],
    ["2.5.29.17", der.seq(), { dns: [] }], // subjectAltName: SIZE (1..MAX)
    ["2.5.29.15", der.tlv(0x03, new Uint8Array([0])), { keyUsage: null }], // keyUsage with no bit
  ];
  for (const [oid, value, spec] of cases) {
    await fails(await leafChain({ ...spec, extensions: [rawExtension(oid, false, value)] }), "MalformedExtension", 0);
  }
  await fails(await caChain({ extensions: [rawExtension("1.3.6.1.5.5.7.1.1", false, der.seq())] }), "MalformedExtension", 1);
  const good: [string, Uint8Array][] = [
    ["2.5.29.31", der.seq(der.seq(der.tlv(0xa0, der.tlv(0xa0, der.ia5(0x86, "http://crl.example/ca.crl")))))],
    ["2.5.29.32", der.seq(der.seq(der.oid("2.23.140.1.2.1")))],
  ];
  for (const [oid, value] of good) await ok(await leafChain({ extensions: [rawExtension(oid, false, value)] }));
});

test("names: empty subject needs a critical SAN, a non-empty one a non-critical SAN; no empty issuer or CA subject", async () => {
  await ok(await leafChain({ subject: "", sanCritical: true }));
  await fails(await leafChain({ subject: "", sanCritical: false }), "InvalidSubjectAltName", 0);
  await fails(await leafChain({ subject: "", dns: [] }), "InvalidSubjectAltName", 0);
  await fails(await leafChain({ sanCritical: true }), "InvalidSubjectAltName", 0);
  // A CA named by nothing: the certificate it issued has an empty issuer.
  const nameless = await pki.issue(root, { ca: true, subject: "" });
  const under = await pki.issue(nameless, { dns: ["example.com"] });
  await fails({ chain: [under.der, nameless.der], roots: [root.der] }, "EmptyName", 0);
  const namelessRoot = await pki.root({ subject: "" });
  await fails({ chain: [(await pki.issue(namelessRoot, { dns: ["example.com"] })).der], roots: [namelessRoot.der] }, "EmptyName", 0);
});

test("DNS names in SANs must be host names: an underscore never matches", async () => {
  const o = await leafChain({ dns: ["foo_bar.example.com", "www.example.com"] });
  await ok({ ...o, serverName: "www.example.com" });
  await fails({ ...o, serverName: "foo_bar.example.com" }, "NotValidForName", 0);
});

test("trust anchors: strict by default (a well-formed CA), legacy on request", async () => {
  const anchors: [Spec, string][] = [
    [{ ca: null, keyUsage: KU.keyCertSign }, "EndEntityUsedAsCa"],
    [{ basicConstraintsCritical: false }, "InvalidExtensionCriticality"],
    [{ keyUsage: null }, "MissingKeyUsage"],
    [{ extensions: [rawExtension("1.3.6.1.4.1.55555.9", true, der.nul())] }, "UnknownCriticalExtension"],
    [{ eku: [EKU.clientAuth] }, "InvalidPurpose"],
  ];
  for (const [spec, reason] of anchors) {
    const o = await rootChain(spec);
    await fails(o, reason as "EndEntityUsedAsCa", null);
    await ok({ ...o, policy: legacy });
  }
  // What strict anchors may still do: a zero serial (six Mozilla roots), anyExtendedKeyUsage, no AKI.
  await ok(await rootChain({ serial: "00" }));
  await ok(await rootChain({ eku: [EKU.any] }));
  // A v1 root: legacy only.
  const v3 = await pki.root({ subject: "CN=V1 Root" });
  const v1 = await resign(v3, v3, (f) => f.slice(1, 7));
  const leaf = await pki.issue(v3, { dns: ["example.com"] });
  await fails({ chain: [leaf.der], roots: [v1] }, "UnsupportedCertVersion", null);
  await ok({ chain: [leaf.der], roots: [v1], policy: legacy });
});

const text = (s: string) => new TextEncoder().encode(s);
const utc = (s: string) => der.tlv(0x17, text(s));
const gen = (s: string) => der.tlv(0x18, text(s));

test("time: UTCTime for 1950-2049, GeneralizedTime from 2050, no fractions or offsets", async () => {
  const nodeOf = (bytes: Uint8Array) => parseDer(bytes, "t");
  assert.is(time(nodeOf(utc("491231235959Z")), "t").toISOString(), "2049-12-31T23:59:59.000Z");
  assert.is(time(nodeOf(utc("500101000000Z")), "t").toISOString(), "1950-01-01T00:00:00.000Z");
  assert.is(time(nodeOf(gen("20500101000000Z")), "t").toISOString(), "2050-01-01T00:00:00.000Z");
  assert.is(timeTypeProblem(nodeOf(gen("20500101000000Z")), new Date("2050-01-01T00:00:00Z")), null);
  assert.ok(timeTypeProblem(nodeOf(gen("20491231235959Z")), new Date("2049-12-31T23:59:59Z")) !== null);
  assert.ok(timeTypeProblem(nodeOf(gen("19500101000000Z")), new Date("1950-01-01T00:00:00Z")) !== null);
  assert.is(timeTypeProblem(nodeOf(gen("19491231235959Z")), new Date("1949-12-31T23:59:59Z")), null);
  for (const bad of [gen("20500101000000.5Z"), gen("20500101000000+0100"), gen("205001010000Z"), utc("4912312359Z"), utc("491231235960Z"), utc("490231000000Z")]) {
    assert.throws(() => time(nodeOf(bad), "t"), (e: unknown) => e instanceof DerError, new TextDecoder().decode(bad));
  }
  // End to end, on the leaf's validity (re-signed by the intermediate).
  const base = await pki.issue(inter, { dns: ["example.com"] });
  const withValidity = async (notBefore: Uint8Array, notAfter: Uint8Array) => ({
    chain: [await resign(base, inter, (f) => [...f.slice(0, 4), der.seq(notBefore, notAfter), ...f.slice(5)]), inter.der],
    roots: [root.der],
  });
  const nb = utc(`${isoToUtc(pki.now, -3600)}`);
  await ok(await withValidity(nb, gen("20500101000000Z")));
  await fails(await withValidity(nb, gen("20491231235959Z")), "BadEncoding", 0);
  await fails(await withValidity(nb, gen("20500101000000.000Z")), "BadEncoding", 0);
  await fails(await withValidity(gen(`20${isoToUtc(pki.now, -3600)}`), gen("20500101000000Z")), "BadEncoding", 0);
});

test("time: valid exactly at notBefore and at notAfter, not a second outside", async () => {
  const start = new Date(Math.floor(pki.now.getTime() / 1000) * 1000 + 3_600_000);
  const end = new Date(start.getTime() + 10 * 86_400_000);
  const o = await leafChain({ notBefore: start, notAfter: end });
  await ok({ ...o, time: start });
  await ok({ ...o, time: end });
  await fails({ ...o, time: new Date(start.getTime() - 1000) }, "NotValidYet", 0);
  await fails({ ...o, time: new Date(end.getTime() + 1000) }, "Expired", 0);
});

test("no provider given: the platform's WebCrypto verifies", async () => {
  const o = await leafChain();
  assert.is((await verifyServerCertificate({ ...o, serverName: "example.com" })).length, 3);
  assert.is((await verifyClientCertificate(o)).length, 3);
  await failsWith(verifyServerCertificate({ ...o, serverName: "example.org" }), "NotValidForName", 0);
});

test("anchorProfile in a TLS client config: strict refuses a root without keyUsage in the handshake, legacy takes it", async () => {
  const bareRoot = await pki.root({ subject: "CN=Private Root", keyUsage: null });
  const leaf = await pki.issue(bareRoot, { dns: ["localhost"] });
  const server = { provider, certificateChain: leaf.pem, privateKey: await privateKeyPem(leaf.keys) };
  const client = { provider, serverName: "localhost", roots: bareRoot.pem };
  const strict = await makePair(client, server);
  const e = await rejection(strict.client.conn.handshake);
  assert.ok(e instanceof InvalidCertificate && e.reason === "MissingKeyUsage", String(e));
  await rejection(strict.server.conn.handshake);
  const lax = await makePair({ ...client, anchorProfile: "legacy" as const }, server);
  await lax.client.conn.handshake;
  assert.is((await buildClientConfig(client)).verificationPolicy.anchorProfile, "strict");
  try {
    await buildClientConfig({ ...client, anchorProfile: "loose" as "legacy" });
    assert.unreachable("expected a ConfigError");
  } catch (err) {
    assert.ok(err instanceof ConfigError && err.item === "anchorProfile", String(err));
  }
});

// YYMMDDHHMMSS of `at` shifted by `seconds`.
function isoToUtc(at: Date, seconds: number): string {
  const iso = new Date(at.getTime() + seconds * 1000).toISOString();
  return `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

test.run();
