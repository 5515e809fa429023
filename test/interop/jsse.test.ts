// fipstls client ⇄ Java's JSSE (OpenJDK's own TLS 1.3 and TLS 1.2 server, run from test/interop/jsse/). JSSE has two
// habits that broke fipstls clients: after a HelloRetryRequest it sends a ChangeCipherSpec and then a
// second one after the ServerHello, and past its key limit it asks for a KeyUpdate after every record it
// reads until ours arrives. Both are legal (RFC 8446 5, 4.6.3); both must just work.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Scope, MIB, Peer, fipsConnect, interopPki, randomData, scoped, sha256, within, writeAll } from "./peers.js";
import { PROVIDERS } from "../_providers.js";

const SOURCE = join(fileURLToPath(new URL(".", import.meta.url)), "../../../test/interop/jsse/JsseServer.java");
const PASSWORD = "fipstls-test";

/** A PKCS#12 of the interop ECDSA leaf, made once, for Java's KeyStore. */
let keystore: string | undefined;
function keystorePath(): string {
  if (keystore) return keystore;
  const pki = interopPki();
  const cert = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
  keystore = join(pki.dir, "jsse.p12");
  execFileSync("openssl", ["pkcs12", "-export", "-in", cert.certPath, "-inkey", cert.keyPath, "-name", "server", "-out", keystore, "-passout", `pass:${PASSWORD}`]);
  return keystore;
}

function requireJava(): void {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
  } catch (e) {
    throw new Error(`the JSSE interop test needs a JDK on PATH (apt-get install openjdk-17-jdk-headless): ${(e as Error).message}`);
  }
}

async function jsseServer(scope: Scope, namedGroups: string, keyLimit: string, mode: "echo" | "sink", protocol = "TLSv1.3"): Promise<{ peer: Peer; port: number }> {
  requireJava();
  const child = spawn("java", [SOURCE, keystorePath(), PASSWORD, namedGroups, keyLimit, mode, protocol], { stdio: ["pipe", "pipe", "pipe"] });
  const peer = new Peer(child, "JSSE server");
  scope.add(() => peer.kill());
  // Java compiles the source file first: allow it more than one step.
  const m = await peer.stdout.match(/PORT (\d+)/, 60_000).catch((e: Error) => Promise.reject(new Error(`${e.message}\n${peer.describe()}`)));
  return { peer, port: Number(m[1]) };
}

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: fipstls client (${pname}) ⇄ Java JSSE server`);
  const ca = (): string => interopPki().caPem;

  t("HelloRetryRequest: JSSE's CCS after the HRR and again after the ServerHello are dropped", scoped(async (scope) => {
    // JSSE only does secp384r1; our client's first share is for secp256r1, so JSSE must ask again.
    const { peer, port } = await jsseServer(scope, "secp384r1", "0", "echo");
    const { socket, sink } = await fipsConnect(scope, {
      port, servername: "localhost", ca: ca(), provider, tls: { groups: ["secp256r1", "secp384r1"], keyShareGroups: ["secp256r1"] },
    }); // prettier-ignore
    assert.ok(socket.tlsInfo!.helloRetryRequest);
    assert.is(socket.tlsInfo!.group, "secp384r1");
    await writeAll(socket, "hello jsse", "write");
    await sink.atLeast(10);
    assert.is(sink.text(), "hello jsse");
    socket.end();
    await peer.stdout.match(/ECHOED 10 /);
  }));

  t("KeyUpdate requests after every record past JSSE's key limit, with no data coming back: 4 MiB arrive intact", scoped(async (scope) => {
    // 2^16 bytes per key: JSSE passes its limit on our write key after a few records, then asks for a
    // KeyUpdate after each record it reads until ours reaches it, behind the rest of the upload.
    const { port } = await jsseServer(scope, "secp256r1", "2^16", "sink");
    const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: ca(), provider });
    const data = randomData(4 * MIB);
    await writeAll(socket, data, "4 MiB upload");
    // JSSE (17) tries to send its own KeyUpdate when it decodes a record under a key past its limit, even
    // our close_notify, and fails its socket with unexpected_message. A fresh key of ours before closing
    // keeps the close_notify under the limit however the last requests and answers crossed.
    await socket.updateKeys(false);
    socket.end();
    await sink.end(30_000);
    assert.is(sink.error, null);
    assert.is(sink.text(), `RECEIVED ${data.length} ${sha256(data)}\n`);
  }));

  t("echo under a small key limit: KeyUpdates both ways, 4 MiB echoed intact", scoped(async (scope) => {
    const { peer, port } = await jsseServer(scope, "secp256r1", "2^16", "echo");
    const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: ca(), provider });
    const data = randomData(4 * MIB);
    await writeAll(socket, data, "4 MiB upload");
    await sink.atLeast(data.length, 30_000);
    assert.is(sha256(sink.bytes()), sha256(data));
    socket.end();
    await within(peer.stdout.match(/ECHOED 4194304 /), "JSSE summary");
  }));

  t("TLS 1.2: JSSE's ECDHE_ECDSA with the Extended Master Secret, 1 MiB echoed intact", scoped(async (scope) => {
    const { peer, port } = await jsseServer(scope, "secp256r1", "0", "echo", "TLSv1.2");
    const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: ca(), provider, policy: "fips-140-3", requireFipsProvider: false });
    assert.is(socket.tlsInfo!.version, "TLSv1.2");
    assert.is(socket.tlsInfo!.extendedMasterSecret, true);
    const data = randomData(MIB);
    await writeAll(socket, data, "1 MiB upload");
    await sink.atLeast(data.length, 30_000);
    assert.is(sha256(sink.bytes()), sha256(data));
    socket.end();
    await within(peer.stdout.match(/ECHOED 1048576 /), "JSSE summary");
  }));

  t.run();
}
