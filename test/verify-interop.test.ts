// Every bad chain, served by a real `openssl s_server` on 127.0.0.1, must make the fipstls client
// fail its handshake with the same named InvalidCertificate reason as the offline verifier gives.
// Each server runs on a port of its own choosing, every wait is bounded, and every process is
// killed in `finally`.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CryptoProvider } from "../src/crypto/provider.js";
import { type CertificateErrorReason, InvalidCertificate } from "../src/errors.js";
import { connect } from "../src/node.js";
import { verifyServerCertificate } from "../src/verify/index.js";
import { PROVIDERS } from "./verify-harness.js";
import { EKU, type Made, X509Pki, der, privateKeyPem, rawExtension } from "./pki-x509.js";

const STEP_MS = 8000;
const HOUR = 3_600_000;
const pki = new X509Pki();
const now = pki.now;
const root = await pki.root({ subject: "CN=Interop Root" });
const inter = await pki.issue(root, { ca: true, subject: "CN=Interop CA" });
const leafUnder = (issuer: Made, spec: Parameters<X509Pki["issue"]>[1] = {}) => pki.issue(issuer, { dns: ["example.com"], ...spec });

interface BadChain {
  readonly reason: CertificateErrorReason;
  readonly leaf: Made;
  readonly rest: readonly Made[];
}

async function badChains(): Promise<BadChain[]> {
  const list: BadChain[] = [];
  const add = (reason: CertificateErrorReason, leaf: Made, rest: readonly Made[] = [inter]) => list.push({ reason, leaf, rest });
  const stranger = await pki.issue(await pki.root({ subject: "CN=Stranger Root" }), { ca: true, subject: "CN=Stranger CA" });
  add("UnknownIssuer", await leafUnder(stranger), [stranger]);
  add("BadSignature", await leafUnder(inter, { corruptSignature: true }));
  add("Expired", await leafUnder(inter, { notBefore: new Date(now.getTime() - 48 * HOUR), notAfter: new Date(now.getTime() - HOUR) }));
  add("NotValidYet", await leafUnder(inter, { notBefore: new Date(now.getTime() + HOUR) }));
  add("NotValidForName", await pki.issue(inter, { dns: ["other.example"] }));
  const notCa = await pki.issue(root, { ca: false, subject: "CN=Not a CA", keyUsage: null });
  add("EndEntityUsedAsCa", await leafUnder(notCa), [notCa]);
  add("CaUsedAsEndEntity", await leafUnder(inter, { ca: true }));
  add("InvalidPurpose", await leafUnder(inter, { eku: [EKU.clientAuth] }));
  const zero = await pki.issue(root, { ca: true, pathLen: 0, subject: "CN=Path 0" });
  const belowZero = await pki.issue(zero, { ca: true, subject: "CN=Below 0" });
  add("PathLenConstraintViolated", await leafUnder(belowZero), [belowZero, zero]);
  const constrained = await pki.issue(root, { ca: true, subject: "CN=Constrained", nameConstraints: { permitted: [{ dns: "example.org" }] } });
  add("NameConstraintViolation", await leafUnder(constrained), [constrained]);
  add("UnknownCriticalExtension", await leafUnder(inter, { extensions: [rawExtension("1.3.6.1.4.1.55555.1", true, der.nul())] }));
  const weak = await pki.issue(root, { ca: true, key: "rsa-1024", subject: "CN=Weak CA" });
  add("WeakKey", await leafUnder(weak), [weak]);
  // On the intermediate: OpenSSL itself will not present a leaf signed with SHA-1 to a TLS 1.3 client.
  const sha1Ca = await pki.issue(root, { ca: true, hash: "SHA-1", subject: "CN=SHA-1 CA" });
  add("UnsupportedSignatureAlgorithm", await leafUnder(sha1Ca), [sha1Ca]);
  const levels: Made[] = [root];
  for (let i = 1; i <= 7; i++) levels.push(await pki.issue(levels[i - 1]!, { ca: true, subject: `CN=Deep ${i}` }));
  add("MaximumPathDepthExceeded", await leafUnder(levels[7]!), levels.slice(1).reverse());
  const hostiles: Made[] = [];
  for (let i = 0; i < 50; i++) hostiles.push(await pki.root({ subject: "CN=Hostile", corruptSignature: true }));
  add("MaximumSignatureChecksExceeded", await leafUnder(await pki.root({ subject: "CN=Hostile" })), hostiles);
  return list;
}

const chains = await badChains();

/** openssl s_server on 127.0.0.1 with an OS-chosen port; resolves once it prints that port. */
function startServer(dir: string, c: BadChain, keyPem: string): Promise<{ child: ChildProcess; port: number }> {
  writeFileSync(join(dir, "leaf.pem"), c.leaf.pem);
  writeFileSync(join(dir, "chain.pem"), c.rest.map((m) => m.pem).join(""));
  writeFileSync(join(dir, "key.pem"), keyPem);
  // SECLEVEL=0: the server must serve the weak and SHA-1 chains for the client to judge them.
  const args = ["s_server", "-accept", "127.0.0.1:0", "-tls1_3", "-cert", join(dir, "leaf.pem"), "-key", join(dir, "key.pem"), "-cipher", "DEFAULT@SECLEVEL=0"];
  if (c.rest.length > 0) args.push("-cert_chain", join(dir, "chain.pem"));
  const child = spawn("openssl", args, { stdio: ["pipe", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`s_server did not start within ${STEP_MS} ms: ${err}`)), STEP_MS);
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString("latin1");
      const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.stderr!.on("data", (b: Buffer) => (err += b.toString("latin1")));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`s_server exited (${code}) before listening: ${err}`));
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The fipstls client's handshake error against 127.0.0.1:`port` (bounded). */
function clientError(port: number, provider: CryptoProvider): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: "127.0.0.1",
      port,
      servername: "example.com",
      ca: root.pem,
      provider,
      handshakeTimeout: STEP_MS,
      // The hostile chain has 51 certificates: let the verifier, not the message limit, refuse it.
      tls: { limits: { maxCertificates: 64 } },
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no handshake outcome within ${STEP_MS} ms`));
    }, STEP_MS);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error("the handshake succeeded"));
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(e);
    });
  });
}

const test = suite("verify: interop with openssl s_server");

for (const [name, provider] of PROVIDERS) {
  // All bad chains against the node provider; a sample against WebCrypto keeps the run short.
  const cases = name === "node" ? chains : chains.filter((_, i) => i % 5 === 0);
  test(`a fipstls client (${name}) refuses each bad chain with the offline verifier's reason`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "fipstls-verify-interop-"));
    try {
      for (const c of cases) {
        const offline = await verifyServerCertificate({ chain: [c.leaf.der, ...c.rest.map((m) => m.der)], roots: [root.der], serverName: "example.com", provider }).then(
          () => null,
          (e: unknown) => e,
        );
        assert.ok(offline instanceof InvalidCertificate, `offline verifier accepted the ${c.reason} chain`);
        assert.is(offline.reason, c.reason, offline.message);
        const server = await startServer(dir, c, await privateKeyPem(c.leaf.keys));
        try {
          const online = await clientError(server.port, provider);
          assert.ok(online instanceof InvalidCertificate, `${c.reason}: client failed with ${String(online)}`);
          assert.is(online.reason, offline.reason, online.message);
          assert.is(online.position, offline.position, online.message);
        } finally {
          server.child.kill("SIGKILL");
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
