// Each rule of each policy, in config building: what is offered by default, and the ConfigError
// (naming the item and the rule) when a configuration asks for something the policy refuses.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildClientConfig } from "../src/config/client.js";
import { buildServerConfig } from "../src/config/server.js";
import { ConfigError } from "../src/errors.js";
import { CNSA, DEFAULT, FIPS_140_3, POLICIES, policyByName } from "../src/policy/policies.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { PROVIDERS } from "./_providers.js";

const ec = await makeThrowawayPki({ keyType: "ec-p256" });
const rsa = await makeThrowawayPki({ keyType: "rsa-2048" });

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

const names = suite("policy names and rules");
names("dated ids and aliases resolve; unknown names list the known ones", () => {
  assert.is(policyByName("fips-140-3"), FIPS_140_3);
  assert.is(policyByName(FIPS_140_3.id), FIPS_140_3);
  assert.is(policyByName("cnsa"), CNSA);
  assert.is(policyByName("default"), DEFAULT);
  assert.throws(() => policyByName("fips-140-2"), /known: default/);
});
names("every judgement carries a rule and a reference", () => {
  for (const p of POLICIES) {
    for (const kind of ["version", "cipher_suite", "group", "signature_scheme", "certificate_signature", "extension"] as const) {
      for (const name of ["TLSv1.0", "TLS_AES_128_GCM_SHA256", "x25519", "ed25519", "sha1WithRSAEncryption", "extended_master_secret", "nonsense"]) {
        const j = p.judge(kind, name);
        assert.ok(j.rule.length > 5 && j.reference.length > 3, `${p.id} ${kind} ${name}`);
      }
    }
  }
});
names("fips-140-3: the SP 800-52r2 table", () => {
  const j = (kind: Parameters<typeof FIPS_140_3.judge>[0], n: string) => FIPS_140_3.judge(kind, n).decision;
  assert.is(j("version", "TLSv1.0"), "refused");
  assert.is(j("version", "TLSv1.1"), "refused");
  assert.is(j("version", "TLSv1.2"), "allowed");
  assert.is(j("version", "TLSv1.3"), "allowed");
  assert.is(j("cipher_suite", "TLS_AES_128_GCM_SHA256"), "allowed");
  assert.is(j("cipher_suite", "TLS_AES_256_GCM_SHA384"), "allowed");
  assert.is(j("cipher_suite", "TLS_CHACHA20_POLY1305_SHA256"), "refused");
  assert.is(j("cipher_suite", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), "allowed");
  assert.is(j("cipher_suite", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"), "refused");
  assert.is(j("cipher_suite", "TLS_RSA_WITH_AES_128_GCM_SHA256"), "refused");
  for (const g of ["secp256r1", "secp384r1", "secp521r1"]) assert.is(j("group", g), "allowed");
  assert.is(j("group", "x25519"), "refused");
  assert.is(j("signature_scheme", "ed25519"), "refused");
  assert.is(j("signature_scheme", "rsa_pkcs1_sha1"), "refused");
  assert.is(j("signature_scheme", "rsa_pss_rsae_sha256"), "allowed");
  assert.is(j("certificate_signature", "sha1WithRSAEncryption"), "refused");
  assert.is(j("certificate_signature", "ecdsa-with-SHA256"), "allowed");
  assert.ok(FIPS_140_3.requireExtendedMasterSecret);
  assert.is(FIPS_140_3.minRsaBits, 2048);
});
names("cnsa: P-384, AES-256-GCM, SHA-384, RSA >= 3072", () => {
  assert.is(CNSA.judge("cipher_suite", "TLS_AES_128_GCM_SHA256").decision, "refused");
  assert.is(CNSA.judge("cipher_suite", "TLS_AES_256_GCM_SHA384").decision, "allowed");
  assert.is(CNSA.judge("group", "secp256r1").decision, "refused");
  assert.is(CNSA.judge("group", "secp384r1").decision, "allowed");
  assert.is(CNSA.judge("signature_scheme", "ecdsa_secp256r1_sha256").decision, "refused");
  assert.is(CNSA.judge("signature_scheme", "ecdsa_secp384r1_sha384").decision, "allowed");
  assert.is(CNSA.minRsaBits, 3072);
});
names.run();

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`policy in config building (${pname} provider)`);
  const client = (extra: Record<string, unknown>) => buildClientConfig({ provider, serverName: "localhost", roots: ec.caPem, ...extra });

  t("fips-140-3 by default offers only approved suites, groups and schemes", async () => {
    const c = await client({ policy: "fips-140-3" });
    assert.equal(c.cipherSuites.map((s) => s.name), ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]);
    assert.equal([...c.groups], ["secp256r1", "secp384r1", "secp521r1"]);
    assert.not.ok(c.signatureSchemes.some((s) => s.name === "ed25519"));
    const refused = c.decisions.filter((d) => d.decision === "refused" && d.source === "policy").map((d) => d.name);
    assert.ok(refused.includes("x25519") && refused.includes("ed25519"));
    if (provider.supports.aeads.includes("CHACHA20-POLY1305")) assert.ok(refused.includes("TLS_CHACHA20_POLY1305_SHA256"));
  });

  t("asking fips-140-3 for ChaCha20, X25519 or Ed25519 is a ConfigError naming item and rule", async () => {
    const e1 = await configError(client({ policy: "fips-140-3", cipherSuites: ["TLS_CHACHA20_POLY1305_SHA256"] }));
    assert.is(e1.item, "TLS_CHACHA20_POLY1305_SHA256");
    assert.match(e1.message, /refused by policy fips-140-3-\d+: ChaCha20-Poly1305 is not an approved algorithm \(NIST SP 800-52r2/);
    const e2 = await configError(client({ policy: "fips-140-3", groups: ["secp256r1", "x25519"] }));
    assert.is(e2.item, "x25519");
    assert.match(e2.message, /SP 800-56A/);
    const e3 = await configError(client({ policy: "fips-140-3", signatureSchemes: ["ed25519", "ecdsa_secp256r1_sha256"] }));
    assert.is(e3.item, "ed25519");
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
    assert.equal(c.cipherSuites.map((s) => s.name), ["TLS_AES_256_GCM_SHA384"]);
    assert.equal([...c.groups], ["secp384r1"]);
    const e = await configError(buildServerConfig({ provider, policy: "cnsa", certificateChain: rsa.certPem, privateKey: rsa.keyPem }));
    assert.is(e.item, "certificateChain");
    assert.match(e.message, /RSA modulus must be at least 3072 bits/);
  });

  t("TLS 1.0/1.1 cannot be configured; maxVersion TLSv1.2 leaves nothing until TLS 1.2 lands", async () => {
    const e = await configError(client({ minVersion: "TLSv1.1" as never }));
    assert.is(e.item, "minVersion");
    const e2 = await configError(client({ maxVersion: "TLSv1.2" }));
    assert.is(e2.item, "maxVersion");
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
