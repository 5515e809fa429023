// pfx, passphrase and encrypted keys, side by side with node:tls: files made by the openssl CLI
// (`openssl pkcs12 -export` with OpenSSL 3's defaults, `-legacy`, `openssl pkcs8 -topk8`), given to
// fipstls and to node:tls in the same options, with each side as client and server, mutual auth.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tls from "node:tls";
import { KeyFileError } from "../../src/errors.js";
import { connect, createSecureContext, createServer } from "../../src/node.js";
import { makeThrowawayPki } from "../../bin/throwaway-pki.js";
import { OPENSSL, fipsConnect, fipsServer, interopPki, nodeTlsConnect, nodeTlsServer, rejectionOf, scoped } from "./peers.js";
import { PROVIDERS } from "../_providers.js";

const dir = interopPki().dir;
const serverPki = await makeThrowawayPki();
const clientPki = await makeThrowawayPki({ keyType: "rsa-2048", names: ["client.example"] });
const PASS = "correct horse";
const WRONG = "battery staple";

function file(name: string, text: string): string {
  const path = join(dir, `pfx-${name}`);
  writeFileSync(path, text);
  return path;
}
const openssl = (...args: string[]): void => void execFileSync(OPENSSL, args, { stdio: ["ignore", "ignore", "pipe"] });

/** A PKCS#12 file as `openssl pkcs12 -export` writes it (with the CA as an extra certificate). */
function pkcs12(name: string, pki: { certPem: string; keyPem: string; caPem: string }, ...extra: string[]): Buffer {
  const out = join(dir, `pfx-${name}.p12`);
  openssl("pkcs12", "-export", "-in", file(`${name}.crt`, pki.certPem), "-inkey", file(`${name}.key`, pki.keyPem), "-certfile", file(`${name}-ca.crt`, pki.caPem), "-passout", `pass:${PASS}`, "-out", out, ...extra);
  return readFileSync(out);
}

/** The key encrypted by `openssl pkcs8 -topk8` with the given PBES2 choices. */
function encryptedKey(name: string, keyPem: string, ...args: string[]): string {
  const out = join(dir, `pfx-${name}.enc.pem`);
  openssl("pkcs8", "-topk8", "-in", file(`${name}.plain.key`, keyPem), "-passout", `pass:${PASS}`, "-out", out, ...args);
  return readFileSync(out, "utf8");
}

const serverP12 = pkcs12("server", serverPki);
const clientP12 = pkcs12("client", clientPki);
const legacyP12 = pkcs12("legacy", serverPki, "-legacy");
const serverKeyAes256 = encryptedKey("aes256", serverPki.keyPem, "-v2", "aes-256-cbc");
const clientKeyAes128Sha512 = encryptedKey("aes128", clientPki.keyPem, "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512");
const serverKeySha1Prf = encryptedKey("sha1prf", serverPki.keyPem, "-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA1");
const serverKey3des = encryptedKey("3des", serverPki.keyPem, "-v1", "PBE-SHA1-3DES");

/** What building a fipstls server context with these options throws. */
async function contextError(options: Parameters<typeof createServer>[0]): Promise<KeyFileError> {
  const err = await rejectionOf(createServer(options).ready(), "fipstls config");
  assert.instance(err, KeyFileError);
  return err as KeyFileError;
}

/** What node:tls throws for the same options. */
function nodeError(options: tls.SecureContextOptions): Error {
  try {
    tls.createSecureContext(options);
  } catch (e) {
    return e as Error;
  }
  throw new Error("node:tls accepted the options");
}

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`node:tls parity: pfx, passphrase and encrypted keys (${pname} provider)`);

  t("pfx from openssl pkcs12 -export, mutual auth: node:tls client to a fipstls server, and a fipstls client to a node:tls server, the same options on both", scoped(async (scope) => {
    const ours = await fipsServer(scope, { provider, pfx: serverP12, passphrase: PASS, requestCert: true, ca: clientPki.caPem });
    const theirs = await nodeTlsConnect(scope, { port: ours.port, pfx: clientP12, passphrase: PASS, ca: serverPki.caPem });
    const accepted = (await ours.nextConnection()).socket;
    assert.ok(theirs.socket.authorized, String(theirs.socket.authorizationError));
    assert.ok(accepted.authorized);
    assert.is(accepted.getPeerCertificate()!.subject.CN, "client.example");
    assert.is(theirs.socket.getPeerCertificate().subject.CN, "localhost");

    const server = await nodeTlsServer(scope, { pfx: serverP12, passphrase: PASS, requestCert: true, rejectUnauthorized: true, ca: clientPki.caPem });
    // node:tls's [{ buf, passphrase }] form.
    const { socket } = await fipsConnect(scope, { provider, port: server.port, servername: "localhost", pfx: [{ buf: clientP12, passphrase: PASS }], ca: serverPki.caPem });
    const theirSide = (await server.nextConnection()).socket;
    assert.ok(theirSide.authorized, String(theirSide.authorizationError));
    assert.is(theirSide.getPeerCertificate()!.subject.CN, "client.example");
    // The chain comes from the file: leaf first, then the CA openssl put beside it.
    assert.is(socket.getCertificate()!.subject.CN, "client.example");
    assert.is(socket.getPeerCertificate()!.subject.CN, "localhost");
  }));

  t("encrypted PKCS#8 keys (openssl pkcs8 -topk8): key + passphrase and key: [{ pem, passphrase }], against node:tls both ways", scoped(async (scope) => {
    const ours = await fipsServer(scope, { provider, cert: serverPki.certPem, key: serverKeyAes256, passphrase: PASS, requestCert: true, ca: clientPki.caPem });
    await nodeTlsConnect(scope, { port: ours.port, cert: clientPki.certPem, key: [{ pem: clientKeyAes128Sha512, passphrase: PASS }], ca: serverPki.caPem });
    assert.ok((await ours.nextConnection()).socket.authorized);

    const server = await nodeTlsServer(scope, { cert: serverPki.certPem, key: serverKeyAes256, passphrase: PASS, requestCert: true, rejectUnauthorized: true, ca: clientPki.caPem });
    await fipsConnect(scope, { provider, port: server.port, servername: "localhost", cert: clientPki.certPem, key: [{ pem: clientKeyAes128Sha512, passphrase: PASS }], ca: serverPki.caPem });
    assert.ok((await server.nextConnection()).socket.authorized);
    // The per-key passphrase wins over the shared one, as in node:tls.
    await createServer({ provider, cert: serverPki.certPem, key: [{ pem: serverKeyAes256, passphrase: PASS }], passphrase: WRONG }).ready();
    tls.createSecureContext({ cert: serverPki.certPem, key: [{ pem: serverKeyAes256, passphrase: PASS }], passphrase: WRONG });
  }));

  t("a wrong or missing passphrase fails as in node:tls (bad decrypt, mac verify failure), typed, and never shows the passphrase", async () => {
    const key = await contextError({ provider, cert: serverPki.certPem, key: serverKeyAes256, passphrase: WRONG });
    assert.is(key.reason, "BadDecrypt");
    assert.match(key.message, /bad decrypt/);
    assert.match(nodeError({ cert: serverPki.certPem, key: serverKeyAes256, passphrase: WRONG }).message, /bad decrypt/);
    const pfx = await contextError({ provider, pfx: serverP12, passphrase: WRONG });
    assert.is(pfx.reason, "MacVerifyFailure");
    assert.match(pfx.message, /mac verify failure/);
    assert.match(nodeError({ pfx: serverP12, passphrase: WRONG }).message, /mac verify failure/);
    for (const e of [key, pfx]) assert.not.match(e.message, new RegExp(`${WRONG}|${PASS}`));
    assert.is((await contextError({ provider, cert: serverPki.certPem, key: serverKeyAes256 })).reason, "PassphraseRequired");
    assert.is((await contextError({ provider, pfx: serverP12 })).reason, "PassphraseRequired");
  });

  t("legacy files (openssl pkcs12 -export -legacy; PBE-SHA1-3DES keys) name their algorithms and how to re-export; a FIPS policy refuses them as not approved", async () => {
    const legacy = await contextError({ provider, pfx: legacyP12, passphrase: PASS });
    assert.is(legacy.reason, "LegacyAlgorithm");
    assert.match(legacy.message, /pbeWithSHAAnd40BitRC2-CBC/);
    assert.match(legacy.message, /pbeWithSHAAnd3-KeyTripleDES-CBC/);
    assert.match(legacy.message, /HMAC-SHA-1 MAC/);
    assert.match(legacy.message, /openssl pkcs12 -export .*without -legacy/);
    // node:tls on OpenSSL 3 cannot read it either without the legacy provider (RC2): it says so less plainly.
    assert.ok(nodeError({ pfx: legacyP12, passphrase: PASS }) instanceof Error);
    const fips = await contextError({ provider, policy: "fips-140-3", requireFipsProvider: false, pfx: legacyP12, passphrase: PASS });
    assert.is(fips.reason, "NotApprovedByPolicy");
    assert.match(fips.message, /not approved under policy fips-140-3/);
    const des = await contextError({ provider, cert: serverPki.certPem, key: serverKey3des, passphrase: PASS });
    assert.is(des.reason, "LegacyAlgorithm");
    assert.match(des.message, /pbeWithSHAAnd3-KeyTripleDES-CBC.*openssl pkcs8 -topk8 -v2 aes-256-cbc/);
  });

  t("PBKDF2 with HMAC-SHA-1: read under the default policy, refused under fips-140-3", async () => {
    await createServer({ provider, cert: serverPki.certPem, key: serverKeySha1Prf, passphrase: PASS }).ready();
    const e = await contextError({ provider, policy: "fips-140-3", requireFipsProvider: false, cert: serverPki.certPem, key: serverKeySha1Prf, passphrase: PASS });
    assert.is(e.reason, "NotApprovedByPolicy");
    assert.match(e.message, /hmacWithSHA1/);
    // PBES2 with HMAC-SHA-2 and AES is approved: the same server builds under fips-140-3 with the other file.
    await createServer({ provider, policy: "fips-140-3", requireFipsProvider: false, cert: serverPki.certPem, key: serverKeyAes256, passphrase: PASS }).ready();
  });

  t("damaged files end in a KeyFileError: truncated, trailing bytes, a flipped byte (the MAC catches it), not PKCS#12 at all", async () => {
    const cases: [string, Buffer, RegExp][] = [
      ["truncated", serverP12.subarray(0, serverP12.length - 40), /Malformed/],
      ["trailing", Buffer.concat([serverP12, Buffer.alloc(3)]), /Malformed/],
      ["flipped", Buffer.from(serverP12.map((b, i) => (i === serverP12.length - 200 ? b ^ 1 : b))), /MacVerifyFailure|Malformed/],
      ["a certificate", Buffer.from(serverPki.certPem), /Malformed/],
    ];
    for (const [name, der, reason] of cases) assert.match((await contextError({ provider, pfx: der, passphrase: PASS })).reason, reason, name);
  });

  t("createSecureContext takes pfx and passphrase too; pfx with cert and key, or as a string, is refused at once", () => {
    createSecureContext({ pfx: serverP12, passphrase: PASS });
    assert.throws(() => createSecureContext({ pfx: serverP12, cert: serverPki.certPem, key: serverPki.keyPem }), /either pfx or cert and key/);
    assert.throws(() => connect({ port: 1, pfx: serverP12.toString("base64") } as never), /Buffer\.from\(text, "base64"\)/);
  });

  t.run();
}
