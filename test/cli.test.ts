// The `fipstls` command as a user runs it: demo, connect to a real OpenSSL server, serve to a real
// OpenSSL client, and a named error with a non-zero exit when verification fails.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as netServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";

const CLI = fileURLToPath(new URL("../../bin/fipstls.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "fipstls-cli-"));
const pki = await makeThrowawayPki();
const stranger = await makeThrowawayPki();
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const ca = file("ca.pem", pki.caPem);
const otherCa = file("other-ca.pem", stranger.caPem);
const cert = file("cert.pem", pki.certPem);
const key = file("key.pem", pki.keyPem);

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function run(cmd: string, args: string[], opts: { input?: string; ms?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} timed out\n${out}\n${err}`));
    }, opts.ms ?? 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    child.stdin.end(opts.input ?? "");
  });
}

async function freePort(): Promise<number> {
  const s = netServer().listen(0, "127.0.0.1");
  await new Promise((r) => s.once("listening", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts a long-running process and resolves once its output contains `ready`. */
function start(cmd: string, args: string[], ready: RegExp, input?: string): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    if (input !== undefined) child.stdin!.write(input);
    let text = "";
    const onData = (d: Buffer): void => {
      text += d.toString();
      if (ready.test(text)) {
        clearTimeout(timer);
        resolve({ child, output: () => text });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} did not become ready: ${text}`));
    }, 15_000);
    child.on("exit", () => clearTimeout(timer));
  });
}

const stop = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
};

const t = suite("fipstls CLI");
t.after(() => rmSync(dir, { recursive: true, force: true }));

t("demo handshakes through both providers", async () => {
  const r = await run(process.execPath, [CLI, "demo"]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /provider node[\s\S]*TLSv1\.3[\s\S]*provider webcrypto[\s\S]*TLSv1\.3/);
  assert.match(r.out, /not FIPS validated/);
});

for (const provider of ["node", "webcrypto"]) {
  t(`connect (${provider}) to openssl s_server prints the parameters and the response`, async () => {
    const port = await freePort();
    const server = await start("openssl", ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", cert, "-key", key, "-tls1_3", "-www"], /ACCEPT/);
    try {
      const r = await run(process.execPath, [CLI, "connect", `127.0.0.1:${port}`, "--ca", ca, "--servername", "localhost", "--provider", provider]);
      assert.is(r.code, 0, r.err);
      assert.match(r.out, /version:\s+TLSv1\.3/);
      assert.match(r.out, new RegExp(`provider:\\s+${provider}`));
      assert.match(r.out, /HTTP\/1\.0 200 ok/);
      const bad = await run(process.execPath, [CLI, "connect", `127.0.0.1:${port}`, "--ca", otherCa, "--servername", "localhost", "--provider", provider]);
      assert.is(bad.code, 1);
      assert.match(bad.err, /InvalidCertificate\(UnknownIssuer\)/);
    } finally {
      await stop(server.child);
    }
  });

  t(`serve (${provider}) answers openssl s_client with a page, keep-alive, and logs the connection`, async () => {
    const port = await freePort();
    const server = await start(process.execPath, [CLI, "serve", "--cert", cert, "--key", key, "--port", String(port), "--provider", provider, "--alpn", "h2,http/1.1"], /serving on/);
    try {
      const twoRequests = "GET /a HTTP/1.1\r\nhost: localhost\r\n\r\nGET /b HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n";
      const r = await run("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", "-CAfile", ca, "-verify_return_error", "-alpn", "http/1.1", "-ign_eof", "-tls1_3"], { input: twoRequests });
      assert.match(r.out, /Verify return code: 0/);
      assert.match(r.out, /ALPN protocol: http\/1\.1/);
      assert.is((r.out.match(/HTTP\/1\.1 200 OK/g) ?? []).length, 2);
      assert.match(r.out, /request: GET \/a/);
      assert.match(r.out, /request: GET \/b/);
      assert.match(server.output(), /TLSv1\.3 TLS_AES_\d+_GCM_SHA\d+ \S+ ecdsa_secp256r1_sha256 alpn=http\/1\.1 sni=localhost/);
    } finally {
      await stop(server.child);
    }
  });
}

t("serve --echo returns every byte", async () => {
  const port = await freePort();
  const server = await start(process.execPath, [CLI, "serve", "--cert", cert, "--key", key, "--port", String(port), "--echo"], /serving on/);
  try {
    // s_client -quiet never exits on its own: wait for the echo, then stop it.
    const client = await start("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", ca, "-servername", "localhost", "-quiet", "-tls1_3"], /echo me please/, "echo me please\n");
    await stop(client.child);
  } finally {
    await stop(server.child);
  }
});

t("usage errors exit 2", async () => {
  const r = await run(process.execPath, [CLI, "connect", "no-port-here"]);
  assert.is(r.code, 2);
  assert.match(r.err, /host:port/);
});

t.run();
