// The browser bundle in Deno, Bun and workerd: each runtime imports dist/fipstls.browser.js as an ES
// module, opens TCP with its own API, and completes a TLS 1.3 handshake under fips-140-3 with a
// node:https (node:tls) server on 127.0.0.1, then sends one request. The scripts live in
// test/runtimes/ and print one JSON result; the judging happens here.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { policyByName } from "../src/policy/policies.js";

// Compiled to dist/test/, so the repository root is two levels up.
const root = new URL("../../", import.meta.url);
const script = (name: string): string => fileURLToPath(new URL(`test/runtimes/${name}`, root));
/** Must match MARKER in test/runtimes/smoke.mjs: it picks the result out of whatever else a runtime prints. */
const MARKER = "FIPSTLS-RUNTIME-SMOKE ";
/** Startup, handshake and request for one runtime; a cold Deno (empty DENO_DIR) takes the longest. */
const RUNTIME_TIMEOUT_MS = 30_000;
// npm ci installs the runtimes as dev dependencies, so on CI a missing one is a broken install.
const ON_CI = /^(1|true)$/i.test(process.env.CI ?? "");
const FIPS_POLICY_ID = policyByName("fips-140-3").id;

interface SmokeResult {
  runtime: string;
  version: string;
  error?: string;
  stack?: string;
  subtle: Record<"ecdhP256" | "aesGcm" | "x25519" | "ed25519", true | string>;
  supports: { groups: string[]; aeads: string[]; hashes: string[]; signatures: string[]; curves: string[] };
  fips: { enforced: boolean; attestable: boolean; evidence: string };
  negotiated: { version: string; cipherSuite: string; group: string; signatureScheme: string; provider: string; peerCertificates: number; helloRetryRequest: boolean };
  audit: { policy: string; provider: { name: string } | null; verdict: { compliant: boolean; algorithmsCompliant: boolean; moduleAttested: boolean; reasons: string[]; notAttested: string[] } };
  response: { statusLine: string; body: string };
  ms: Record<string, number>;
}

interface Found {
  bin: string;
  version: string;
}

/** Runs `<bin> --version`, preferring the project's own copy over one on PATH. */
function probe(name: string): Found | { reason: string } {
  const reasons: string[] = [];
  for (const bin of [fileURLToPath(new URL(`node_modules/.bin/${name}`, root)), name]) {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 10_000 });
    if (r.status === 0) return { bin, version: r.stdout.trim().split("\n")[0]! };
    reasons.push(`${bin}: ${r.error?.message ?? `exit ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim().slice(0, 200)}`}`);
  }
  return { reason: `\`${name} --version\` fails (${reasons.join("; ")})` };
}

const pki = await makeThrowawayPki();

/** A node:https server (node:tls underneath) that answers one request with what it saw of the connection. */
async function startServer(): Promise<{ port: number; close: () => Promise<void>; tlsErrors: string[] }> {
  const tlsErrors: string[] = [];
  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem, minVersion: "TLSv1.3" }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const body = JSON.stringify({ path: req.url, protocol: socket.getProtocol(), cipher: socket.getCipher().standardName });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.on("tlsClientError", (e: Error) => tlsErrors.push(e.message));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    tlsErrors,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface ChildOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output; kills it (by its own pid) if it outlives the deadline. */
function watch(child: ChildProcess, what: string, timeoutMs: number): { done: Promise<ChildOutput>; stderr: () => string } {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ChildOutput>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${what} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { done, stderr: () => stderr };
}

function parseResult(out: ChildOutput, what: string): SmokeResult {
  const line = out.stdout.split("\n").find((l) => l.startsWith(MARKER));
  if (!line) assert.unreachable(`${what} printed no result (exit ${out.code ?? out.signal})\nstdout: ${out.stdout}\nstderr: ${out.stderr}`);
  const result = JSON.parse(line!.slice(MARKER.length)) as SmokeResult;
  if (result.error) assert.unreachable(`${what} failed: ${result.error}\n${result.stack}\nstderr: ${out.stderr}`);
  return result;
}

/** Everything each runtime must show; `tlsErrors` are the server's view if the handshake failed. */
function check(r: SmokeResult, nonce: string, tlsErrors: string[]): void {
  assert.equal(tlsErrors, [], "the node:tls server saw a handshake error");
  // The issue promises these two in every runtime, and fips-140-3 cannot do without them.
  assert.is(r.subtle.ecdhP256, true, "crypto.subtle ECDH P-256");
  assert.is(r.subtle.aesGcm, true, "crypto.subtle AES-GCM");
  for (const g of ["secp256r1", "secp384r1"]) assert.ok(r.supports.groups.includes(g), `provider supports ${g}`);
  for (const a of ["AES-128-GCM", "AES-256-GCM"]) assert.ok(r.supports.aeads.includes(a), `provider supports ${a}`);
  assert.ok(r.supports.signatures.includes("ecdsa"), "provider verifies ECDSA");
  // The provider advertises X25519/Ed25519 exactly when the runtime has them.
  assert.is(r.supports.groups.includes("x25519"), r.subtle.x25519 === true, "x25519 advertised iff crypto.subtle has it");
  assert.is(r.supports.signatures.includes("ed25519"), r.subtle.ed25519 === true, "ed25519 advertised iff crypto.subtle has it");

  assert.is(r.negotiated.version, "TLSv1.3");
  assert.is(r.negotiated.group, "secp256r1");
  assert.ok(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"].includes(r.negotiated.cipherSuite), r.negotiated.cipherSuite);
  assert.is(r.negotiated.signatureScheme, "ecdsa_secp256r1_sha256");
  assert.is(r.negotiated.provider, "webcrypto");
  assert.is(r.negotiated.peerCertificates, 1);

  // WebCrypto cannot attest FIPS mode: the algorithms comply, the verdict does not, and the report says why.
  assert.equal([r.fips.enforced, r.fips.attestable], [false, false]);
  assert.is(r.audit.policy, FIPS_POLICY_ID);
  assert.is(r.audit.provider?.name, "webcrypto");
  assert.is(r.audit.verdict.algorithmsCompliant, true, r.audit.verdict.reasons.join("; "));
  assert.is(r.audit.verdict.moduleAttested, false);
  assert.is(r.audit.verdict.compliant, false);
  assert.ok(r.audit.verdict.reasons.some((s) => /requires a FIPS-mode module and none is attested/.test(s)), r.audit.verdict.reasons.join("; "));
  assert.ok(r.audit.verdict.notAttested.some((s) => /FIPS status of provider "webcrypto" cannot be determined/.test(s)), r.audit.verdict.notAttested.join("; "));

  assert.is(r.response.statusLine, "HTTP/1.1 200 OK");
  const seen = JSON.parse(r.response.body) as { path: string; protocol: string; cipher: string };
  assert.equal(seen, { path: `/smoke/${nonce}`, protocol: "TLSv1.3", cipher: r.negotiated.cipherSuite });
}

function describe(r: SmokeResult, version: string, wallMs: number): void {
  const yes = (v: true | string): string => (v === true ? "yes" : `no (${v})`);
  console.log(
    `\n  ${r.runtime} ${version}: ${r.negotiated.version} ${r.negotiated.cipherSuite} ${r.negotiated.group}; ` +
      `connect+handshake ${r.ms.connectAndHandshake} ms, whole run ${wallMs} ms\n` +
      `    crypto.subtle: ECDH P-256 ${yes(r.subtle.ecdhP256)}, AES-GCM ${yes(r.subtle.aesGcm)}, X25519 ${yes(r.subtle.x25519)}, Ed25519 ${yes(r.subtle.ed25519)}\n` +
      `    webcrypto provider supports: groups ${r.supports.groups.join(",")}; aeads ${r.supports.aeads.join(",")}; signatures ${r.supports.signatures.join(",")}`,
  );
}

/** One suite per runtime: skipped with its reason when the binary does not run, failed instead on CI. */
function runtimeSuite(name: string, run: (found: Found, port: number, nonce: string) => Promise<ChildOutput>): void {
  const t = suite(`runtime: ${name}`);
  const title = `${name}: TLS 1.3 handshake and one request to node:tls under fips-140-3, bundle as an ES module`;
  const found = probe(name);
  if ("reason" in found) {
    if (ON_CI) {
      t(title, () => assert.unreachable(`${found.reason}; CI installs ${name} with npm ci, so this is a broken install, not a reason to skip`));
    } else {
      console.log(`\n  runtime: ${name} SKIPPED: ${found.reason}`);
      t.skip(title, () => undefined);
    }
    t.run();
    return;
  }
  t(title, async () => {
    const server = await startServer();
    const nonce = randomBytes(8).toString("hex");
    const started = Date.now();
    try {
      const out = await run(found, server.port, nonce);
      const result = parseResult(out, name);
      check(result, nonce, server.tlsErrors);
      describe(result, found.version.replace(new RegExp(`^${name}\\s+`, "i"), ""), Date.now() - started);
    } finally {
      await server.close();
    }
  });
  t.run();
}

// Deno: nothing but a connection to the server's port. The scripts import the bundle statically, which
// needs no read permission; no config, lock file, package.json, remote or npm resolution, and a
// throwaway DENO_DIR, so Deno has nothing to fetch and leaves nothing behind.
runtimeSuite("deno", async ({ bin }, port, nonce) => {
  const denoDir = mkdtempSync(join(tmpdir(), "fipstls-deno-"));
  try {
    const child = spawn(
      bin,
      ["run", "--no-config", "--no-lock", "--no-remote", "--no-npm", "--no-prompt", `--allow-net=127.0.0.1:${port}`, script("deno.mjs"), String(port), nonce, pki.caPem],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PACKAGE_JSON: "1", NO_COLOR: "1" },
      },
    );
    return await watch(child, "deno", RUNTIME_TIMEOUT_MS).done;
  } finally {
    rmSync(denoDir, { recursive: true, force: true });
  }
});

// Bun: Bun.connect() adapted to Web Streams in the script. --no-install and a disabled transpiler
// cache keep it from touching a registry or writing outside the temp dir.
runtimeSuite("bun", async ({ bin }, port, nonce) => {
  const child = spawn(bin, ["--no-install", script("bun.mjs"), String(port), nonce, pki.caPem], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0", DO_NOT_TRACK: "1", NO_COLOR: "1" },
  });
  return watch(child, "bun", RUNTIME_TIMEOUT_MS).done;
});

// workerd: serves test/runtimes/workerd.capnp on a port it picks and reports on descriptor 3; one POST
// runs the smoke inside the worker's fetch handler, and the reply is its result.
runtimeSuite("workerd", async ({ bin }, port, nonce) => {
  const child = spawn(bin, ["serve", script("workerd.capnp"), "--socket-addr", "http=127.0.0.1:0", "--control-fd", "3"], {
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  const watched = watch(child, "workerd", RUNTIME_TIMEOUT_MS);
  const exited = watched.done;
  exited.catch(() => undefined);
  const deadline = AbortSignal.timeout(RUNTIME_TIMEOUT_MS);
  try {
    const listening = await new Promise<number>((resolve, reject) => {
      let control = "";
      (child.stdio[3] as NodeJS.ReadableStream).on("data", (d: Buffer) => {
        control += d.toString();
        for (const line of control.split("\n")) {
          // One JSON object per line, e.g. {"event":"listen","socket":"http","port":43027}.
          const m = /^\{.*\}$/.test(line) ? (JSON.parse(line) as { event?: string; socket?: string; port?: number }) : null;
          if (m?.event === "listen" && m.socket === "http" && m.port) resolve(m.port);
        }
      });
      void exited.then((o) => reject(new Error(`workerd exited before listening (${o.code ?? o.signal}): ${o.stderr}`)), reject);
      deadline.addEventListener("abort", () => reject(new Error(`workerd did not report a listening socket in time: ${watched.stderr()}`)));
    });
    const text = await fetch(`http://127.0.0.1:${listening}/`, { method: "POST", body: JSON.stringify({ port, nonce, caPem: pki.caPem }), signal: deadline }).then(
      (res) => res.text(),
      // A worker that crashes workerd leaves its story on workerd's stderr, not in the reply.
      (e: Error) => Promise.reject(new Error(`request to workerd failed: ${e.message}\nstderr: ${watched.stderr()}`)),
    );
    return { code: 0, signal: null, stdout: MARKER + text.trim(), stderr: watched.stderr() };
  } finally {
    child.kill("SIGTERM");
    let grace: NodeJS.Timeout | undefined;
    const out = await Promise.race([exited.catch(() => null), new Promise((r) => (grace = setTimeout(r, 5_000)))]);
    clearTimeout(grace);
    if (out === undefined) child.kill("SIGKILL");
  }
});
