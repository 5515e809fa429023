// Behaviour under a FIPS-enforcing OpenSSL module. The CI's FIPS job builds one (shared/fips) and
// runs this file with FIPSTLS_EXPECT_FIPS=1; in an ordinary run the same file checks the other side:
// that nothing claims FIPS mode and that policies requiring it refuse to start.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createCipheriv, generateKeyPairSync, randomBytes } from "node:crypto";
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

if (enforced) {
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
  });

  t("cnsa handshakes over P-384 and AES-256-GCM in the enforcing module", async () => {
    const cnsaPki = await makeThrowawayPki({ keyType: "ec-p384" });
    const report = await handshake({ provider: "node", policy: "cnsa" }, cnsaPki);
    assert.is(report.negotiated!.cipherSuite, "TLS_AES_256_GCM_SHA384");
    assert.is(report.negotiated!.group, "secp384r1");
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
  const report = await handshake({ provider: "node", policy: "fips-140-3", requireFipsProvider: false });
  assert.not.ok(report.verdict.compliant);
  assert.ok(report.verdict.algorithmsCompliant);
});

t.run();
