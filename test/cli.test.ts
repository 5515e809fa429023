// The `fipstls` command as a user runs it: demo, connect to a real OpenSSL server, serve to a real
// OpenSSL client, and a named error with a non-zero exit when verification fails.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect as netConnect, createServer as netServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { HttpRequestParser } from "../bin/http.js";

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

function run(cmd: string, args: string[], opts: { input?: string; ms?: number; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
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
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code}) before it was ready: ${text}`));
    });
  });
}

/** Polls `cond` every 20 ms; fails after `ms`. */
async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  for (let waited = 0; !cond(); waited += 20) {
    if (waited >= ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
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

t("serve --keylog appends the lines s_client -keylogfile writes for the same connection, and warns", async () => {
  const port = await freePort();
  const ours = join(dir, "serve-keylog.txt");
  const theirs = join(dir, "s_client-keylog.txt");
  const server = await start(process.execPath, [CLI, "serve", "--cert", cert, "--key", key, "--port", String(port), "--echo", "--keylog", ours], /serving on/);
  try {
    assert.match(server.output(), /logging TLS secrets to .*anyone who can read it can decrypt/);
    const client = await start("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", ca, "-servername", "localhost", "-quiet", "-tls1_3", "-keylogfile", theirs], /log me/, "log me\n");
    await stop(client.child);
    const lines = (f: string): string[] => readFileSync(f, "utf8").split("\n").filter((l) => /^[A-Z_0-9]+ [0-9a-f]+ [0-9a-f]+$/.test(l)).sort();
    // The server appends through a file stream: its writes land a moment after the handshake.
    await waitFor(() => lines(ours).length >= 5, 5_000, "the server's key log lines");
    assert.is(lines(ours).length, 5);
    assert.equal(lines(ours), lines(theirs));
    assert.is(statSync(ours).mode & 0o777, 0o600);
  } finally {
    await stop(server.child);
  }
});

/** A raw TCP connection to 127.0.0.1:port, open. */
function tcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: "127.0.0.1", port });
    socket.once("connect", () => resolve(socket)).once("error", reject);
  });
}

/** Resolves with how long the socket stayed open once the server closes it; fails after `ms`. */
function closedByServer(socket: Socket, ms: number): Promise<number> {
  const opened = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not close the connection within ${ms} ms`));
    }, ms);
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - opened);
    });
  });
}

t("serve --handshake-timeout cuts a silent client at the configured time", async () => {
  const port = await freePort();
  const server = await start(process.execPath, [CLI, "serve", "--cert", cert, "--key", key, "--port", String(port), "--handshake-timeout", "300"], /serving on/);
  try {
    const silent = await tcp(port);
    const localPort = silent.localPort!;
    // The default is 30 s; a close well before that is the configured timeout (the bound is generous for a busy machine).
    await closedByServer(silent, 10_000);
    await waitFor(() => /handshake failed: HandshakeTimeout/.test(server.output()), 5_000, "the log line");
    assert.match(server.output(), new RegExp(`127\\.0\\.0\\.1:${localPort} handshake failed: HandshakeTimeout`));
  } finally {
    await stop(server.child);
  }
});

t("serve and connect refuse a --handshake-timeout that is not a positive integer", async () => {
  for (const bad of ["0", "-5", "1.5", "soon"]) {
    const r = await run(process.execPath, [CLI, "connect", "127.0.0.1:1", "--handshake-timeout", bad]);
    assert.is(r.code, 2, `connect --handshake-timeout ${bad}: ${r.err}`);
    assert.match(r.err, /--handshake-timeout/);
  }
  const r = await run(process.execPath, [CLI, "serve", "--cert", cert, "--key", key, "--handshake-timeout", "0"]);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /--handshake-timeout/);
});

t("connect --handshake-timeout gives up on a silent server", async () => {
  const silent = netServer((s) => s.on("error", () => undefined));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
  const { port } = silent.address() as AddressInfo;
  try {
    const r = await run(process.execPath, [CLI, "connect", `127.0.0.1:${port}`, "--ca", ca, "--servername", "localhost", "--handshake-timeout", "300"], { ms: 15_000 });
    assert.is(r.code, 1, r.err);
    assert.match(r.err, /HandshakeTimeout/);
    assert.match(r.err, /300 ms/);
  } finally {
    silent.close();
  }
});

t("a failed handshake's log line names the peer's address and port", async () => {
  const port = await freePort();
  const server = await start(process.execPath, [CLI, "serve", "--cert", cert, "--key", key, "--port", String(port)], /serving on/);
  try {
    const garbage = await tcp(port);
    const localPort = garbage.localPort!;
    garbage.write("GET / HTTP/1.1\r\nhost: localhost\r\n\r\n");
    await closedByServer(garbage, 10_000);
    await waitFor(() => /handshake failed/.test(server.output()), 5_000, "the log line");
    assert.match(server.output(), new RegExp(`127\\.0\\.0\\.1:${localPort} handshake failed: `));
    assert.not.match(server.output(), /undefined/);
  } finally {
    await stop(server.child);
  }
});

t("the HTTP request parser copies a body sent in small pieces a bounded number of times", () => {
  const body = 1 << 20;
  const head = Buffer.from(`POST /upload HTTP/1.1\r\nhost: localhost\r\ncontent-length: ${body}\r\n\r\n`);
  const piece = Buffer.alloc(256, 0x62);
  // Count what the parser allocates: a parser that re-concatenates its whole buffer per piece allocates ~2 GiB here.
  let allocated = 0;
  const saved = { concat: Buffer.concat, alloc: Buffer.alloc, allocUnsafe: Buffer.allocUnsafe, allocUnsafeSlow: Buffer.allocUnsafeSlow };
  Buffer.concat = ((list: readonly Uint8Array[], length?: number) => {
    const out = saved.concat(list, length);
    allocated += out.length;
    return out;
  }) as typeof Buffer.concat;
  Buffer.alloc = ((size: number, ...rest: unknown[]) => {
    allocated += size;
    return (saved.alloc as (...a: unknown[]) => Buffer)(size, ...rest);
  }) as typeof Buffer.alloc;
  Buffer.allocUnsafe = ((size: number) => {
    allocated += size;
    return saved.allocUnsafe(size);
  }) as typeof Buffer.allocUnsafe;
  Buffer.allocUnsafeSlow = ((size: number) => {
    allocated += size;
    return saved.allocUnsafeSlow(size);
  }) as typeof Buffer.allocUnsafeSlow;
  const requests: { method: string; target: string }[] = [];
  const parser = new HttpRequestParser();
  const feed = (bytes: Buffer): void => {
    parser.push(bytes);
    for (let r = parser.next(); r; r = parser.next()) requests.push(r);
  };
  try {
    feed(head);
    for (let sent = 0; sent < body; sent += piece.length) feed(piece);
  } finally {
    Object.assign(Buffer, saved);
  }
  assert.equal(requests.map((r) => `${r.method} ${r.target}`), ["POST /upload"]);
  assert.ok(allocated <= 8 * body, `the parser allocated ${allocated} bytes for a ${body}-byte body`);
  assert.is(parser.bufferedBytes, 0);
});

t("usage errors exit 2", async () => {
  const r = await run(process.execPath, [CLI, "connect", "no-port-here"]);
  assert.is(r.code, 2);
  assert.match(r.err, /host:port/);
});

const USAGE_TEXT = /^usage:\n  fipstls demo/m;

t("no arguments: the usage text on stderr, exit 2", async () => {
  const r = await run(process.execPath, [CLI]);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, USAGE_TEXT);
  assert.is(r.out, "");
});

t("an unknown command is named, then the usage text, exit 2", async () => {
  const r = await run(process.execPath, [CLI, "sacn", "example.com:443"]);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /^fipstls: unknown command "sacn"\nusage:/);
  assert.is(r.out, "");
});

t("help asks for the usage text: on stdout, exit 0", async () => {
  for (const arg of ["help", "--help"]) {
    const r = await run(process.execPath, [CLI, arg]);
    assert.is(r.code, 0, `${arg}: ${r.err}`);
    assert.match(r.out, USAGE_TEXT);
    assert.is(r.err, "");
  }
});

t("--policy nope: every command that takes a policy says so in the same one line, exit 2, no usage text", async () => {
  const port = await freePort();
  const commands: Record<string, string[]> = {
    demo: ["demo"],
    serve: ["serve", "--cert", cert, "--key", key, "--port", String(port)],
    connect: ["connect", "127.0.0.1:1", "--ca", ca],
    audit: ["audit"],
    scan: ["scan", "127.0.0.1:1", "--timeout", "500"],
  };
  const results = await Promise.all(Object.entries(commands).map(async ([name, args]) => [name, await run(process.execPath, [CLI, ...args, "--policy", "nope"])] as const));
  for (const [name, r] of results) {
    assert.is(r.code, 2, `${name}: exit ${r.code}: ${r.err}`);
    assert.match(r.err, /^fipstls: ConfigError: unknown policy "nope" \(known: default, [^\n]*fips-140-3[^\n]*cnsa[^\n]*\)\n$/, `${name}: ${r.err}`);
    assert.is(r.out, "", name);
  }
  // The relay takes part in no handshake: --policy is an unknown option there, a usage error.
  const relay = await run(process.execPath, [CLI, "relay", "--listen", "127.0.0.1:0", "--allow", "127.0.0.1:1", "--policy", "nope"]);
  assert.is(relay.code, 2, relay.err);
  assert.match(relay.err, /^fipstls: Unknown option '--policy'[^\n]*\nusage:/);
});

t("demo runs under --policy", async () => {
  const r = await run(process.execPath, [CLI, "demo", "--policy", "cnsa"]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /under policy cnsa/);
  // CNSA 1.0: AES-256-GCM, P-384 and a P-384 certificate, through both providers.
  assert.is((r.out.match(/cipher suite:\s+TLS_AES_256_GCM_SHA384/g) ?? []).length, 2);
  assert.is((r.out.match(/signature scheme: ecdsa_secp384r1_sha384/g) ?? []).length, 2);
  assert.match(r.out, /policy\s+cnsa-\d+ \(cnsa\)/);
});

t("scan of a port nobody listens on: one line, exit 2, no report", async () => {
  const port = await freePort();
  const r = await run(process.execPath, [CLI, "scan", `127.0.0.1:${port}`, "--timeout", "2000"]);
  assert.is(r.code, 2, r.err);
  assert.is(r.err, `fipstls: cannot connect to 127.0.0.1:${port}: ECONNREFUSED\n`);
  assert.is(r.out, "");
});

/** A plain TCP server on 127.0.0.1 that treats each connection with `handle`. */
async function plainServer(handle: (socket: Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = netServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
    handle(s);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

t("scan of a server that does not speak TLS: one line naming what it did, exit 2, no report", async () => {
  const servers = {
    http: await plainServer((s) => s.once("data", () => s.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"))),
    closes: await plainServer((s) => s.destroy()),
    silent: await plainServer(() => undefined),
  };
  try {
    const [http, closes, silent] = await Promise.all(
      [servers.http, servers.closes, servers.silent].map((x) => run(process.execPath, [CLI, "scan", `127.0.0.1:${x.port}`, "--timeout", "300", "--format", "json"])),
    );
    assert.is(http!.code, 2, http!.err);
    assert.is(http!.err, `fipstls: 127.0.0.1:${servers.http.port} does not speak TLS: it answered "HTTP/1.1 400 Bad Request"\n`);
    assert.is(closes!.code, 2, closes!.err);
    assert.is(closes!.err, `fipstls: 127.0.0.1:${servers.closes.port} does not speak TLS: it closed the connection without answering a TLS ClientHello\n`);
    assert.is(silent!.code, 2, silent!.err);
    assert.is(silent!.err, `fipstls: 127.0.0.1:${servers.silent.port} does not speak TLS: no answer to a TLS ClientHello within 300 ms\n`);
    for (const r of [http!, closes!, silent!]) assert.is(r.out, "");
  } finally {
    await Promise.all(Object.values(servers).map((x) => x.close()));
  }
});

t("relay warns on stderr when no --origin restricts the pages that may use it", async () => {
  const open = await start(process.execPath, [CLI, "relay", "--listen", "127.0.0.1:0", "--allow", "127.0.0.1:1"], /relay on/);
  try {
    assert.match(open.output(), /^fipstls: warning: no --origin given: a page from any web site[^\n]*--origin https:\/\/app\.example$/m);
  } finally {
    await stop(open.child);
  }
  const restricted = await start(process.execPath, [CLI, "relay", "--listen", "127.0.0.1:0", "--allow", "127.0.0.1:1", "--origin", "https://app.example"], /relay on/);
  try {
    assert.not.match(restricted.output(), /warning/);
  } finally {
    await stop(restricted.child);
  }
});

t("the package holds what users need: no tests, benchmarks or fuzzers; the LICENSE, every export and the CLI", async () => {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  // --ignore-scripts: list what would be packed without rebuilding dist/ under the running tests.
  const r = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, ms: 60_000 });
  assert.is(r.code, 0, r.err);
  const [pack] = JSON.parse(r.out) as { files: { path: string }[] }[];
  const files = new Set(pack!.files.map((f) => f.path));
  assert.equal([...files].filter((f) => /^dist\/(test|bench|fuzz|examples|scripts)\//.test(f)), []);
  assert.equal([...files].filter((f) => !/^(dist\/(src|providers|compliance|bin|pkg)\/|dist\/fipstls\.browser\.js(\.map)?$|bin\/fipstls\.js$|README\.md$|LICENSE$|package\.json$)/.test(f)), []);
  assert.ok(files.has("LICENSE"));
  assert.match(readFileSync(join(root, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/);
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string> };
  const targets = Object.values(manifest.exports).flatMap((e) => (typeof e === "string" ? [e] : Object.values(e)));
  for (const target of [...targets, ...Object.values(manifest.bin)]) assert.ok(files.has(target.replace(/^\.\//, "")), `${target} is not in the package`);
  // The CLI's compiled modules, which bin/fipstls.js loads.
  for (const f of ["dist/bin/cli.js", "dist/bin/relay.js", "dist/bin/throwaway-pki.js", "dist/fipstls.browser.js"]) assert.ok(files.has(f), `${f} is not in the package`);
});

t.run();
