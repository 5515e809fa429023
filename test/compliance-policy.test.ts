// Each rule of each policy: the decision and the text it cites, what a superseded dated id still
// means, what is offered by default in config building, and the ConfigError (naming the item and
// the rule) when a configuration asks for something the policy refuses.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildClientConfig } from "../src/config/client.js";
import { buildServerConfig } from "../src/config/server.js";
import { ConfigError } from "../src/errors.js";
import {
  CATALOG,
  CNSA,
  CNSA_20261127,
  DEFAULT,
  DEFAULT_20261127,
  DEFAULT_20261130,
  DEFAULT_20261130_PQ,
  FIPS_140_3,
  FIPS_140_3_20261127,
  FIPS_140_3_20261130,
  POLICIES,
  type Policy,
  judgeKey,
  policyByName,
} from "../src/policy/policies.js";
import type { ItemKind } from "../src/policy/catalog.js";
import { auditChain } from "../src/policy/certificates.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { X509Pki, privateKeyPem } from "./pki-x509.js";
import { PROVIDERS } from "./_providers.js";
import type { GroupName } from "../src/crypto/provider.js";
import { providerHasGroup } from "../src/suites/groups.js";

const ec = await makeThrowawayPki({ keyType: "ec-p256" });
const rsa = await makeThrowawayPki({ keyType: "rsa-2048" });
const x509 = new X509Pki();
const edRoot = await x509.root({ key: "ed25519", subject: "CN=Ed25519 Root" });
const edLeaf = await x509.issue(edRoot, { key: "ed25519", dns: ["localhost"] });

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

const KINDS = ["version", "cipher_suite", "group", "signature_scheme", "certificate_signature", "extension"] as const;
/** Every name a policy can be asked about: the catalog, and names the catalog does not list yet. */
const EVERY_ITEM: [ItemKind, string][] = Object.values(CATALOG).flatMap((items) => items.map((i): [ItemKind, string] => [i.kind, i.name]));
const allowedNames = (p: Policy, kind: ItemKind): string[] => EVERY_ITEM.filter(([k, n]) => k === kind && p.judge(k, n).decision === "allowed").map(([, n]) => n);
const j = (p: Policy, kind: ItemKind, name: string) => p.judge(kind, name);

const names = suite("policy names and rules");
names("aliases resolve to the current dated ids; superseded ids still resolve; unknown names list the known ones", () => {
  assert.is(policyByName("fips-140-3"), FIPS_140_3);
  assert.is(FIPS_140_3.id, "fips-140-3-20261201");
  assert.is(policyByName("fips-140-3-20261201"), FIPS_140_3);
  assert.is(policyByName("fips-140-3-20261130"), FIPS_140_3_20261130);
  assert.is(policyByName("fips-140-3-20261127"), FIPS_140_3_20261127);
  assert.equal(FIPS_140_3_20261130.aliases, []);
  assert.equal(FIPS_140_3_20261127.aliases, []);
  assert.is(policyByName("cnsa"), CNSA);
  assert.is(CNSA.id, "cnsa-20261201");
  assert.is(policyByName("cnsa-20261127"), CNSA_20261127);
  assert.equal(CNSA_20261127.aliases, []);
  assert.is(policyByName("default"), DEFAULT);
  assert.is(DEFAULT.id, "default-20261201");
  assert.is(policyByName("default-20261130-pq"), DEFAULT_20261130_PQ);
  assert.equal(DEFAULT_20261130_PQ.aliases, []);
  assert.is(policyByName("default-20261130"), DEFAULT_20261130);
  assert.is(policyByName("default-20261127"), DEFAULT_20261127);
  assert.throws(() => policyByName("fips-140-2"), /known: default, default-20261201, fips-140-3, fips-140-3-20261201, cnsa, cnsa-20261201, default-20261130-pq/);
  const aliases = POLICIES.flatMap((p) => p.aliases);
  assert.is(new Set(aliases).size, aliases.length, "an alias points at one id");
});

names("every judgement carries a rule and a reference", () => {
  for (const p of POLICIES) {
    for (const kind of KINDS) {
      for (const name of ["TLSv1.0", "TLS_AES_128_GCM_SHA256", "x25519", "ed25519", "sha1WithRSAEncryption", "extended_master_secret", "nonsense"]) {
        const r = p.judge(kind, name);
        assert.ok(r.rule.length > 5 && r.reference.length > 3, `${p.id} ${kind} ${name}`);
      }
    }
  }
});

names("references link to the documents themselves", () => {
  for (const p of POLICIES) {
    for (const r of p.references) {
      assert.match(r.url, /^https:\/\/(doi\.org\/10\.6028\/NIST\.|www\.rfc-editor\.org\/rfc\/rfc\d+$|datatracker\.ietf\.org\/doc\/draft-|csrc\.nist\.gov\/.*\.pdf$)/, `${p.id}: ${r.id} ${r.url}`);
    }
  }
});

names("fips-140-3-20261127 keeps its meaning: exactly the decisions it had", () => {
  const old = FIPS_140_3_20261127;
  assert.equal(allowedNames(old, "version"), ["TLSv1.2", "TLSv1.3"]);
  assert.equal(allowedNames(old, "cipher_suite"), [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  ]);
  assert.equal(allowedNames(old, "group"), ["secp256r1", "secp384r1", "secp521r1"]);
  assert.equal(allowedNames(old, "signature_scheme").sort(), [
    "ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512",
    "rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512",
    "rsa_pss_pss_sha256", "rsa_pss_pss_sha384", "rsa_pss_pss_sha512",
    "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
  ]);
  assert.equal(allowedNames(old, "certificate_signature").sort(), [
    "ecdsa-with-SHA256", "ecdsa-with-SHA384", "ecdsa-with-SHA512",
    "rsassa-pss-sha256", "rsassa-pss-sha384", "rsassa-pss-sha512",
    "sha256WithRSAEncryption", "sha384WithRSAEncryption", "sha512WithRSAEncryption",
  ]);
  assert.equal(allowedNames(old, "extension"), ["extended_master_secret", "renegotiation_info"]);
  assert.equal([old.ed25519Keys, old.minRsaBits, old.requireExtendedMasterSecret, old.requireFipsProvider], [false, 2048, true, true]);
  assert.match(j(old, "signature_scheme", "ed25519").rule, /^stricter than FIPS 186-5, which approves EdDSA/);
});

names("fips-140-3-20261130 differs from -20261127 exactly in EdDSA and the hybrid groups", () => {
  const changed = EVERY_ITEM.filter(([k, n]) => FIPS_140_3_20261130.judge(k, n).decision !== FIPS_140_3_20261127.judge(k, n).decision).map(([k, n]) => `${k} ${n}`);
  assert.equal(changed.sort(), [
    "certificate_signature ed25519",
    "group SecP256r1MLKEM768",
    "group SecP384r1MLKEM1024",
    "group X25519MLKEM768",
    "signature_scheme ed25519",
    "signature_scheme ed448",
  ]);
  for (const c of changed) assert.is(FIPS_140_3_20261130.judge(c.split(" ")[0] as ItemKind, c.split(" ")[1]!).decision, "allowed", c);
  assert.ok(FIPS_140_3_20261130.ed25519Keys);
});

names("fips-140-3-20261201 differs from -20261130 exactly in the ffdhe groups, which it allows (X448 stays refused)", () => {
  const changed = EVERY_ITEM.filter(([k, n]) => FIPS_140_3.judge(k, n).decision !== FIPS_140_3_20261130.judge(k, n).decision).map(([k, n]) => `${k} ${n}`);
  assert.equal(changed, ["group ffdhe2048", "group ffdhe3072", "group ffdhe4096", "group ffdhe6144", "group ffdhe8192"]);
  for (const c of changed) assert.is(FIPS_140_3.judge("group", c.split(" ")[1]!).decision, "allowed", c);
  const old = j(FIPS_140_3_20261130, "group", "ffdhe2048");
  assert.is(old.decision, "refused");
  assert.match(old.rule, /^stricter than NIST SP 800-52r2 §3\.4\.2\.2.*fips-140-3-20261201 allows them/);
  assert.equal(
    [FIPS_140_3.requireExtendedMasterSecret, FIPS_140_3.minRsaBits, FIPS_140_3.ed25519Keys],
    [FIPS_140_3_20261130.requireExtendedMasterSecret, FIPS_140_3_20261130.minRsaBits, FIPS_140_3_20261130.ed25519Keys],
  );
});

names("fips-140-3: versions (SP 800-52r2 §3.1: TLS 1.2 and TLS 1.3 shall be supported)", () => {
  const v13 = j(FIPS_140_3, "version", "TLSv1.3");
  assert.is(v13.decision, "allowed");
  assert.match(v13.rule, /TLS 1\.3 shall be supported/);
  assert.not.match(v13.rule, /should/);
  assert.match(v13.reference, /NIST SP 800-52r2 §3\.1/);
  assert.is(j(FIPS_140_3, "version", "TLSv1.2").decision, "allowed");
  assert.match(j(FIPS_140_3, "version", "TLSv1.2").reference, /IG D\.Q/);
  assert.is(j(FIPS_140_3, "version", "TLSv1.0").decision, "refused");
  const v11 = j(FIPS_140_3, "version", "TLSv1.1");
  assert.is(v11.decision, "refused");
  assert.match(v11.rule, /^stricter than NIST SP 800-52r2 §3\.1 \(TLS 1\.1 "should not" be used/);
});

names("fips-140-3: cipher suites (SP 800-52r2 §3.3.1; refusals of listed suites are stricter choices)", () => {
  for (const s of ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"]) {
    assert.is(j(FIPS_140_3, "cipher_suite", s).decision, "allowed", s);
  }
  const chacha = j(FIPS_140_3, "cipher_suite", "TLS_CHACHA20_POLY1305_SHA256");
  assert.equal([chacha.decision, chacha.rule], ["refused", "ChaCha20-Poly1305 is not an approved algorithm"]);
  // SP 800-52r2 §3.3.1 lists CCM (TLS 1.3), CBC and DHE (TLS 1.2): refusing them is fipstls's choice.
  for (const s of ["TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"]) {
    const r = j(FIPS_140_3, "cipher_suite", s);
    assert.is(r.decision, "refused", s);
    assert.match(r.rule, /^stricter than NIST SP 800-52r2 §3\.3\.1/, s);
  }
  const rsaKx = j(FIPS_140_3, "cipher_suite", "TLS_RSA_WITH_AES_128_GCM_SHA256");
  assert.is(rsaKx.decision, "refused");
  assert.match(rsaKx.reference, /^NIST SP 800-131Ar2 §6 \(Table 5\)/);
  assert.match(j(FIPS_140_3, "cipher_suite", "TLS_RSA_WITH_3DES_EDE_CBC_SHA").reference, /NIST SP 800-131Ar2 §2 \(Table 1\)/);
});

names("fips-140-3: groups (P-curves and ffdhe2048+ approved; X25519 and X448 not; hybrids allowed, offered where ML-KEM runs)", () => {
  for (const g of ["secp256r1", "secp384r1", "secp521r1"]) assert.is(j(FIPS_140_3, "group", g).decision, "allowed");
  for (const g of ["x25519", "x448"]) {
    const x = j(FIPS_140_3, "group", g);
    assert.is(x.decision, "refused", g);
    assert.match(x.rule, /not approved for key agreement: SP 800-56Ar3 approves the NIST P-curves and the finite-field groups, not X25519 or X448/);
    assert.match(x.reference, /SP 800-56Ar3/);
  }
  for (const g of ["ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"]) {
    const ff = j(FIPS_140_3, "group", g);
    assert.is(ff.decision, "allowed", g);
    assert.match(ff.reference, /^NIST SP 800-52r2 §3\.4\.2\.2; NIST SP 800-56Ar3 §5\.5\.2, Appendix D; RFC 7919$/);
    assert.match(ff.rule, /TLS 1\.3 only/);
  }
  // The TLS 1.2 DHE suites stay refused: fipstls implements none.
  assert.match(j(FIPS_140_3, "cipher_suite", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256").rule, /^stricter than NIST SP 800-52r2 §3\.3\.1.*no TLS 1\.2 DHE suites/);
  for (const h of ["X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024"]) {
    const r = j(FIPS_140_3, "group", h);
    assert.is(r.decision, "allowed", h);
    assert.match(r.reference, /FIPS 203; NIST SP 800-56Cr2; NIST SP 800-227/);
  }
  assert.ok(FIPS_140_3.notes?.some((n) => /offered where the provider runs ML-KEM/.test(n)));
});

names("fips-140-3: signatures (FIPS 186-5 approves EdDSA; SHA-1 cites SP 800-131Ar2's hash table; keys cite §3 Table 2)", () => {
  const ed = j(FIPS_140_3, "signature_scheme", "ed25519");
  assert.equal([ed.decision, ed.reference], ["allowed", "FIPS 186-5"]);
  assert.is(j(FIPS_140_3, "signature_scheme", "ed448").decision, "allowed");
  assert.is(j(FIPS_140_3, "certificate_signature", "ed25519").decision, "allowed");
  assert.is(j(FIPS_140_3, "signature_scheme", "rsa_pss_rsae_sha256").decision, "allowed");
  assert.match(j(FIPS_140_3, "signature_scheme", "rsa_pss_rsae_sha256").reference, /NIST SP 800-131Ar2 §3 \(Table 2\)/);
  const sha1 = j(FIPS_140_3, "signature_scheme", "rsa_pkcs1_sha1");
  assert.equal([sha1.decision, sha1.reference], ["refused", "NIST SP 800-131Ar2 §9 (Table 8)"]);
  const sha1Cert = j(FIPS_140_3, "certificate_signature", "sha1WithRSAEncryption");
  assert.is(sha1Cert.decision, "refused");
  assert.match(sha1Cert.rule, /^stricter than NIST SP 800-131Ar2 §9 \(Table 8\) for verification/);
  assert.is(j(FIPS_140_3, "certificate_signature", "ecdsa-with-SHA256").decision, "allowed");
  const weak = judgeKey(FIPS_140_3, { type: "rsa", modulusBits: 1024 });
  assert.is(weak.decision, "refused");
  assert.match(weak.reference, /^NIST SP 800-131Ar2 §3 \(Table 2\)/);
  assert.not.match(weak.reference, /§2\b/);
  assert.is(judgeKey(FIPS_140_3, { type: "ed25519" }).decision, "allowed");
  assert.is(judgeKey(FIPS_140_3_20261127, { type: "ed25519" }).decision, "refused");
  assert.ok(FIPS_140_3.requireExtendedMasterSecret);
  assert.is(FIPS_140_3.minRsaBits, 2048);
});

names("an Ed25519 chain is judged allowed under fips-140-3 and refused under fips-140-3-20261127", () => {
  const now = auditChain([edLeaf.der, edRoot.der], FIPS_140_3);
  assert.equal([now[0]!.key.name, now[0]!.key.decision, now[0]!.signature.name, now[0]!.signature.decision], ["ed25519", "allowed", "ed25519", "allowed"]);
  const before = auditChain([edLeaf.der, edRoot.der], FIPS_140_3_20261127);
  assert.equal([before[0]!.key.decision, before[0]!.signature.decision], ["refused", "refused"]);
});

names("cnsa: CNSA 1.0 (RFC 9151), P-384 or ffdhe3072+, AES-256-GCM, SHA-384, RSA >= 3072; TLS 1.2 DHE and RSA key transport refused as stricter choices", () => {
  assert.match(CNSA.title, /CNSA Suite 1\.0 profile for TLS \(RFC 9151\)/);
  assert.ok(CNSA.notes?.some((n) => /DHE with a 3072-bit or larger group/.test(n)));
  assert.ok(CNSA.notes?.some((n) => /No cnsa-2\.0 policy yet: CNSA 2\.0 requires ML-KEM-1024/.test(n)));
  assert.is(j(CNSA, "cipher_suite", "TLS_AES_128_GCM_SHA256").decision, "refused");
  assert.is(j(CNSA, "cipher_suite", "TLS_AES_256_GCM_SHA384").decision, "allowed");
  assert.is(j(CNSA, "group", "secp256r1").decision, "refused");
  assert.is(j(CNSA, "group", "secp384r1").decision, "allowed");
  assert.is(j(CNSA, "signature_scheme", "ecdsa_secp256r1_sha256").decision, "refused");
  assert.is(j(CNSA, "signature_scheme", "ecdsa_secp384r1_sha384").decision, "allowed");
  assert.match(j(CNSA, "cipher_suite", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384").rule, /^stricter than RFC 9151 §4\.1/);
  assert.match(j(CNSA, "cipher_suite", "TLS_RSA_WITH_AES_256_GCM_SHA384").rule, /^stricter than RFC 9151 §4\.1/);
  for (const g of ["ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"]) {
    const ff = j(CNSA, "group", g);
    assert.equal([ff.decision, ff.reference], ["allowed", "RFC 9151 §4.1; RFC 7919"], g);
  }
  const small = j(CNSA, "group", "ffdhe2048");
  assert.is(small.decision, "refused");
  assert.match(small.rule, /3072-bit minimum/);
  for (const g of ["x25519", "x448"]) {
    const x = j(CNSA, "group", g);
    assert.is(x.decision, "refused", g);
    assert.match(x.rule, /not a CNSA 1\.0 algorithm/);
  }
  assert.ok(CNSA.notes?.some((n) => /CNSA 2\.0 replaces both ECDH and finite-field DH with ML-KEM-1024/.test(n)));
  const hybrid = j(CNSA, "group", "SecP384r1MLKEM1024");
  assert.is(hybrid.decision, "refused");
  assert.match(hybrid.rule, /CNSA 1\.0 predates ML-KEM/);
  assert.is(CNSA.minRsaBits, 3072);
});

names("cnsa-20261201 differs from cnsa-20261127 exactly in ffdhe3072..ffdhe8192; the old id keeps refusing them", () => {
  const changed = EVERY_ITEM.filter(([k, n]) => CNSA.judge(k, n).decision !== CNSA_20261127.judge(k, n).decision).map(([k, n]) => `${k} ${n}`);
  assert.equal(changed, ["group ffdhe3072", "group ffdhe4096", "group ffdhe6144", "group ffdhe8192"]);
  assert.match(j(CNSA_20261127, "group", "ffdhe3072").rule, /^stricter than RFC 9151 §4\.1.*cnsa-20261201 allows them/);
  assert.match(j(CNSA_20261127, "group", "ffdhe2048").rule, /3072-bit minimum/);
  assert.equal([CNSA_20261127.minRsaBits, CNSA_20261127.certificateCurves], [CNSA.minRsaBits, CNSA.certificateCurves]);
});

names("each default keeps its decisions: -20261127 refuses Ed25519-signed certificates, -20261130 the hybrid groups, -20261130-pq X448 and ffdhe, -20261201 none of these", () => {
  assert.is(j(DEFAULT_20261130, "certificate_signature", "ed25519").decision, "allowed");
  const old = j(DEFAULT_20261127, "certificate_signature", "ed25519");
  assert.is(old.decision, "refused");
  assert.match(old.rule, /omission/);
  const changes = (a: typeof DEFAULT, b: typeof DEFAULT): string[] => EVERY_ITEM.filter(([k, n]) => a.judge(k, n).decision !== b.judge(k, n).decision).map(([k, n]) => `${k} ${n}`);
  assert.equal(changes(DEFAULT_20261130, DEFAULT_20261127), ["certificate_signature ed25519"]);
  assert.equal(changes(DEFAULT_20261130_PQ, DEFAULT_20261130), ["group X25519MLKEM768", "group SecP256r1MLKEM768", "group SecP384r1MLKEM1024"]);
  assert.equal(changes(DEFAULT, DEFAULT_20261130_PQ), ["group x448", "group ffdhe2048", "group ffdhe3072", "group ffdhe4096", "group ffdhe6144", "group ffdhe8192"]);
  for (const old of [DEFAULT_20261130_PQ, DEFAULT_20261130, DEFAULT_20261127]) assert.match(j(old, "group", "x448").rule, /default-20261201 allows them/, old.id);
  assert.match(j(DEFAULT, "group", "x448").reference, /RFC 7748/);
  assert.match(j(DEFAULT, "group", "ffdhe2048").reference, /RFC 7919/);
  assert.match(j(DEFAULT, "group", "X25519MLKEM768").reference, /draft-ietf-tls-ecdhe-mlkem/);
  assert.match(judgeKey(DEFAULT, { type: "rsa", modulusBits: 1024 }).reference, /NIST SP 800-131Ar2 §3 \(Table 2\)/);
});
names.run();

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`policy in config building (${pname} provider)`);
  const client = (extra: Record<string, unknown>) => buildClientConfig({ provider, serverName: "localhost", roots: ec.caPem, ...extra });
  const hasEd25519 = provider.supports.signatures.includes("ed25519");

  t("fips-140-3 by default offers only approved suites, groups and schemes (Ed25519 where the provider has it)", async () => {
    const c = await client({ policy: "fips-140-3" });
    assert.equal(c.cipherSuites.map((s) => s.name), [
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    ]);
    assert.equal([...c.versions], ["TLSv1.2", "TLSv1.3"]);
    // The hybrids lead where the provider runs them (Node >= 24), SecP384r1MLKEM1024 last.
    const has = (g: GroupName): boolean => providerHasGroup(provider, g);
    const hybridsFirst = (["X25519MLKEM768", "SecP256r1MLKEM768"] as const).filter(has);
    // The ffdhe groups come last, where the provider has them (node; not WebCrypto).
    const ffdhe = (["ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"] as const).filter(has);
    assert.equal(ffdhe.length, pname === "node" ? 5 : 0);
    assert.equal([...c.groups], [...hybridsFirst, "secp256r1", "secp384r1", "secp521r1", ...(has("SecP384r1MLKEM1024") ? ["SecP384r1MLKEM1024"] : []), ...ffdhe]);
    // ...but never in the first ClientHello's key shares.
    assert.not.ok(c.keyShareGroups.some((g) => g.startsWith("ffdhe")));
    assert.is(c.signatureSchemes.some((s) => s.name === "ed25519"), hasEd25519);
    const refused = c.decisions.filter((d) => d.decision === "refused" && d.source === "policy").map((d) => d.name);
    assert.ok(refused.includes("x25519"));
    assert.ok(refused.includes("x448"));
    assert.not.ok(refused.includes("ed25519"));
    if (provider.supports.aeads.includes("CHACHA20-POLY1305")) {
      assert.ok(refused.includes("TLS_CHACHA20_POLY1305_SHA256"));
      assert.ok(refused.includes("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
    }
  });

  t("asking fips-140-3 for ChaCha20 or X25519 is a ConfigError naming item and rule; Ed25519 only under the superseded id", async () => {
    const e1 = await configError(client({ policy: "fips-140-3", cipherSuites: ["TLS_CHACHA20_POLY1305_SHA256"] }));
    assert.is(e1.item, "TLS_CHACHA20_POLY1305_SHA256");
    assert.match(e1.message, /refused by policy fips-140-3-20261201: ChaCha20-Poly1305 is not an approved algorithm \(NIST SP 800-52r2/);
    const e2 = await configError(client({ policy: "fips-140-3", groups: ["secp256r1", "x25519"] }));
    assert.is(e2.item, "x25519");
    assert.match(e2.message, /SP 800-56A/);
    const e3 = await configError(client({ policy: "fips-140-3-20261127", signatureSchemes: ["ed25519", "ecdsa_secp256r1_sha256"] }));
    assert.is(e3.item, "ed25519");
    assert.match(e3.message, /stricter than FIPS 186-5/);
    if (hasEd25519) {
      const c = await client({ policy: "fips-140-3", signatureSchemes: ["ed25519", "ecdsa_secp256r1_sha256"] });
      assert.equal(c.signatureSchemes.map((s) => s.name), ["ed25519", "ecdsa_secp256r1_sha256"]);
    } else {
      const e4 = await configError(client({ policy: "fips-140-3", signatureSchemes: ["ed25519"] }));
      assert.match(e4.message, new RegExp(`not available from provider "${pname}"`));
    }
  });

  t("an Ed25519 server certificate builds under fips-140-3 (where the provider signs Ed25519), not under fips-140-3-20261127", async () => {
    const creds = { certificateChain: [edLeaf.pem, edRoot.pem].join(""), privateKey: await privateKeyPem(edLeaf.keys) };
    if (hasEd25519) {
      const c = await buildServerConfig({ provider, policy: "fips-140-3", ...creds });
      assert.is(c.policy, FIPS_140_3);
    }
    const e = await configError(buildServerConfig({ provider, policy: "fips-140-3-20261127", ...creds }));
    assert.is(e.item, "certificateChain");
  });

  t("the default policy allows what the provider runs; user lists narrow it", async () => {
    const c = await client({ groups: ["secp384r1"], cipherSuites: ["TLS_AES_256_GCM_SHA384"] });
    assert.equal([...c.groups], ["secp384r1"]);
    const x = c.decisions.find((d) => d.name === "secp256r1")!;
    assert.is(x.decision, "refused");
    assert.is(x.source, "user");
    if (!provider.supports.aeads.includes("CHACHA20-POLY1305")) {
      const ch = c.decisions.find((d) => d.name === "TLS_CHACHA20_POLY1305_SHA256")!;
      assert.is(ch.source, "provider");
      const e = await configError(client({ cipherSuites: ["TLS_CHACHA20_POLY1305_SHA256"] }));
      assert.match(e.message, new RegExp(`not available from provider "${pname}"`));
    }
  });

  t("cnsa narrows to AES-256-GCM and P-384, and refuses an RSA-2048 certificate of ours", async () => {
    const c = await client({ policy: "cnsa" });
    assert.equal(c.cipherSuites.map((s) => s.name), ["TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]);
    const ffdhe = (["ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"] as const).filter((g) => providerHasGroup(provider, g));
    assert.equal(ffdhe.length, pname === "node" ? 4 : 0);
    assert.equal([...c.groups], ["secp384r1", ...ffdhe]);
    assert.equal([...c.keyShareGroups], ["secp384r1"]);
    assert.equal([...(await client({ policy: "cnsa-20261127" })).groups], ["secp384r1"]);
    const e = await configError(buildServerConfig({ provider, policy: "cnsa", certificateChain: rsa.certPem, privateKey: rsa.keyPem }));
    assert.is(e.item, "certificateChain");
    assert.match(e.message, /RSA modulus must be at least 3072 bits/);
  });

  t("TLS 1.0/1.1 cannot be configured; both sides may cap at TLSv1.2; min above max is a ConfigError", async () => {
    const e = await configError(client({ minVersion: "TLSv1.1" as never }));
    assert.is(e.item, "minVersion");
    const capped = await client({ maxVersion: "TLSv1.2" });
    assert.equal([...capped.versions], ["TLSv1.2"]);
    assert.ok(capped.cipherSuites.every((s) => s.versions[0] === "TLSv1.2"));
    const tls13 = capped.decisions.find((d) => d.name === "TLS_AES_128_GCM_SHA256")!;
    assert.equal([tls13.decision, tls13.source], ["refused", "user"]);
    assert.match(tls13.rule, /^a TLSv1\.3 suite, and TLSv1\.3 is not enabled: outside minVersion\.\.maxVersion$/);
    const server = await buildServerConfig({ provider, certificateChain: ec.certPem, privateKey: ec.keyPem, maxVersion: "TLSv1.2" });
    assert.equal([...server.versions], ["TLSv1.2"]);
    const e2 = await configError(client({ minVersion: "TLSv1.3", maxVersion: "TLSv1.2" }));
    assert.is(e2.item, "minVersion");
  });

  t("requireFipsProvider follows what the provider attests", async () => {
    const fips = provider.fips();
    if (fips.enforced) {
      const c = await client({ policy: "fips-140-3", requireFipsProvider: true });
      assert.is(c.policy, FIPS_140_3);
    } else {
      const e = await configError(client({ policy: "fips-140-3", requireFipsProvider: true }));
      assert.is(e.item, "requireFipsProvider");
      assert.match(e.message, new RegExp(`provider "${pname}" does not attest one`));
    }
  });

  t.run();
}
