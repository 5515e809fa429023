// Behaviour under a FIPS-enforcing OpenSSL module. The CI's FIPS job builds one (shared/fips) and
// runs this file with FIPSTLS_EXPECT_FIPS=1; in an ordinary run the same file checks the other side:
// that nothing claims FIPS mode and that policies requiring it refuse to start. Under the module, the
// reports must name it as OpenSSL reports it (name, version, build), never by libcrypto's version.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createCipheriv, generateKeyPairSync, randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { nodeProvider } from "../providers/node/index.js";
import { webcryptoProvider } from "../providers/webcrypto/index.js";
import { buildClientConfig } from "../src/config/client.js";
import { ConfigError } from "../src/errors.js";
import { connect, createServer, type TLSSocket } from "../src/node.js";
import type { AuditReport } from "../compliance/audit.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";

const expectFips = process.env.FIPSTLS_EXPECT_FIPS === "1";
const node = nodeProvider();
const webcrypto = await webcryptoProvider();
const enforced = node.fips().enforced;
const pki = await makeThrowawayPki();
const refused = (f: () => unknown): boolean => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

async function handshake(opts: Record<string, unknown>, keys = pki): Promise<AuditReport> {
  const server = createServer({ cert: keys.certPem, key: keys.keyPem, ...opts });
  await server.ready();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  try {
    const socket: TLSSocket = connect({ host: "127.0.0.1", port: (server.address() as AddressInfo).port, servername: "localhost", ca: keys.caPem, ...opts });
    await new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", () => resolve());
      socket.once("error", reject);
      setTimeout(() => reject(new Error("handshake timed out")), 10_000).unref();
    });
    const report = socket.audit();
    socket.destroy();
    return report;
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const t = suite(`FIPS mode (${enforced ? "enforcing module" : "no FIPS module: checking the refusals"})`);

t("the run is in the mode it expects", () => {
  if (expectFips) assert.ok(enforced, "FIPSTLS_EXPECT_FIPS=1 but crypto.getFips() is not 1: the FIPS job is not testing what it claims");
  assert.is(node.fips().attestable, true);
  assert.match(node.fips().evidence, enforced ? /returned 1/ : /returned 0/);
  assert.is(webcrypto.fips().attestable, false);
});

const fact = (id: string): string | undefined => node.fips().facts?.find((f) => f.id === id)?.value;

/** The fips provider block of `openssl list -providers -verbose`, the CLI's view of the same configuration (tests only). */
function opensslListsFips(): { name?: string; version?: string; build?: string } | null {
  const r = spawnSync("openssl", ["list", "-providers", "-verbose"], { encoding: "utf8", timeout: 10_000 });
  if (r.status !== 0) return null;
  const block = /^\s+fips\n((?:\s{4,}.*\n?)*)/m.exec(r.stdout)?.[1] ?? "";
  const field = (k: string): string | undefined => new RegExp(`^\\s+${k}: (.*)$`, "m").exec(block)?.[1]?.trim();
  return { name: field("name"), version: field("version"), build: field("build info") };
}

if (enforced) {
  t("the provider names the FIPS module as its file states it, with the config in use, never libcrypto's version", () => {
    const fips = node.fips();
    assert.match(fips.module ?? "", /FIPS Provider \d+\.\d+\.\d+/);
    assert.is.not(fips.module, `OpenSSL ${process.versions.openssl}`);
    assert.is(fips.module, `${fact("module.name")} ${fact("module.version")}${fact("module.buildinfo") !== fact("module.version") ? ` (build ${fact("module.buildinfo")})` : ""}`);
    assert.is(fact("libcrypto.version"), `OpenSSL ${process.versions.openssl}`);
    if (process.env.OPENSSL_CONF) assert.is(fact("config.file"), resolve(process.env.OPENSSL_CONF));
    assert.match(fact("config.providers") ?? "", /^fips \(/);
    assert.match(fact("module.file") ?? "", /fips\.(so|dylib|dll) \(\d+ bytes\)$/);
    // shared/fips installs with fipsinstall's default key, so the recomputed module-mac must match.
    assert.match(fact("module.mac") ?? "", /^matches/);
    assert.match(fact("module.status") ?? "", /operational \(inferred\)/);
    assert.ok(fips.notAttested?.some((n) => /Node does not expose OSSL_PROVIDER_get_params/.test(n)));
    assert.ok(fips.notAttested?.some((n) => /no module-internal IV path/.test(n)));
    assert.is(fips.cmvp?.status, "not established");
  });

  t("what fipstls read from the module file agrees with `openssl list -providers` (where the CLI exists)", () => {
    const cli = opensslListsFips();
    if (cli === null || cli.name === undefined) return; // no CLI, or it cannot load this provider
    assert.is(fact("module.name"), cli.name);
    assert.is(fact("module.version"), cli.version);
    if (cli.build !== undefined) assert.is(fact("module.buildinfo"), cli.build);
  });

  t("the module itself refuses non-approved algorithms and runs approved ones", () => {
    assert.ok(refused(() => createCipheriv("chacha20-poly1305", randomBytes(32), randomBytes(12), { authTagLength: 16 })));
    assert.not.ok(refused(() => createCipheriv("aes-256-gcm", randomBytes(32), randomBytes(12))));
    assert.not.ok(refused(() => generateKeyPairSync("ec", { namedCurve: "P-384" })));
    assert.not.ok(node.supports.aeads.includes("CHACHA20-POLY1305"));
  });

  t("fips-140-3 with requireFipsProvider (the Node default) handshakes and audits as compliant", async () => {
    const report = await handshake({ provider: "node", policy: "fips-140-3" });
    assert.is(report.negotiated!.version, "TLSv1.3");
    assert.ok(report.verdict.moduleAttested);
    assert.ok(report.verdict.compliant, report.verdict.reasons.join("; "));
    // The report names the FIPS provider, not libcrypto, and says what it could not read.
    assert.is(report.provider!.fips.module, node.fips().module);
    assert.is.not(report.provider!.fips.module, `OpenSSL ${process.versions.openssl}`);
    assert.ok(report.provider!.fips.facts?.some((f) => f.id === "module.version"));
    assert.is(report.provider!.fips.cmvp?.status, "not established");
    assert.ok(report.verdict.notAttested.some((n) => /^CMVP status: not established/.test(n)));
    assert.ok(report.verdict.notAttested.some((n) => /AES-GCM nonces .* RFC 8446 §5\.3/.test(n)));
  });

  t("cnsa handshakes over P-384 and AES-256-GCM in the enforcing module", async () => {
    const cnsaPki = await makeThrowawayPki({ keyType: "ec-p384" });
    const report = await handshake({ provider: "node", policy: "cnsa" }, cnsaPki);
    assert.is(report.negotiated!.cipherSuite, "TLS_AES_256_GCM_SHA384");
    assert.is(report.negotiated!.group, "secp384r1");
  });
}

if (!enforced) {
  t("without FIPS mode, the module is libcrypto's built-in default provider, and no module file is read", () => {
    const fips = node.fips();
    assert.is(fips.module, `OpenSSL ${process.versions.openssl}`);
    assert.is(fact("module.file"), undefined);
    assert.is(fips.cmvp?.status, "not established");
  });
}

t("webcrypto cannot attest FIPS mode, so a policy that requires it refuses to build", async () => {
  try {
    await buildClientConfig({ provider: webcrypto, policy: "fips-140-3", requireFipsProvider: true, serverName: "localhost", roots: pki.caPem });
    assert.unreachable("built a FIPS-required config over WebCrypto");
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.is((e as ConfigError).item, "requireFipsProvider");
  }
});

t("without an attested module, fips-140-3 in Node refuses by default and audits as not compliant when allowed", async () => {
  if (enforced) {
    const report = await handshake({ provider: "webcrypto", policy: "fips-140-3", requireFipsProvider: false });
    assert.not.ok(report.verdict.compliant);
    assert.ok(report.verdict.algorithmsCompliant);
    return;
  }
  let error: unknown;
  try {
    await handshake({ provider: "node", policy: "fips-140-3" });
  } catch (e) {
    error = e;
  }
  assert.instance(error, ConfigError);
  assert.match((error as Error).message, /requires a provider in FIPS mode/);
  // It says how to get FIPS mode and how to waive the attestation (issue: start-up failures explain themselves).
  assert.match((error as Error).message, /OPENSSL_CONF=.*--enable-fips/);
  assert.match((error as Error).message, /requireFipsProvider: false \(CLI: --allow-non-fips-provider\)/);
  const report = await handshake({ provider: "node", policy: "fips-140-3", requireFipsProvider: false });
  assert.not.ok(report.verdict.compliant);
  assert.ok(report.verdict.algorithmsCompliant);
});

t.run();
