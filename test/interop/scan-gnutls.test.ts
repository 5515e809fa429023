// `scan` against GnuTLS's gnutls-serv, a second server implementation: its priority strings can do
// what OpenSSL's s_server cannot (TLS 1.2 without renegotiation indication), and its defaults
// (the client's order, TLS_FALLBACK_SCSV) differ from OpenSSL's. gnutls-serv has no option to bind
// one address, so it listens on every interface of the test machine; the scan only dials 127.0.0.1.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { scan } from "../../src/node.js";
import type { ScanReport } from "../../compliance/scan.js";
import { Peer, Scope, freePort, interopPki, untilListening } from "./peers.js";
import { skippedAtRunTime } from "../_skip.js";

const pki = interopPki();
const rsa = pki.certs.find((c) => c.kind === "rsa-2048")!;
const available = spawnSync("gnutls-serv", ["--version"], { encoding: "utf8" }).status === 0;

const t = suite("interop: scan of gnutls-serv");
const scope = new Scope();
t.after(() => scope.close());

async function gnutlsServer(priority: string): Promise<number> {
  const port = await freePort();
  const child = spawn("gnutls-serv", ["--port", String(port), "--x509certfile", rsa.certPath, "--x509keyfile", rsa.keyPath, "--priority", priority], { stdio: ["pipe", "pipe", "pipe"] });
  const peer = new Peer(child, "gnutls-serv");
  scope.add(() => peer.kill());
  await Promise.race([untilListening(port), peer.exited.then(() => Promise.reject(new Error(peer.describe())))]);
  return port;
}

const item = (r: ScanReport, kind: string, name: string) => r.items.find((i) => i.kind === kind && i.name === name);
const finding = (r: ScanReport, id: string) => r.findings.find((f) => f.id === id);

t("TLS 1.2 without renegotiation indication and without EMS: both are reasons under fips-140-3", async () => {
  if (!available) {
    // .ci/run installs gnutls-bin, so on CI a missing gnutls-serv is a failure, elsewhere a loud skip.
    if (process.env.CI) assert.unreachable("gnutls-serv is missing on CI (Debian package gnutls-bin)");
    skippedAtRunTime("gnutls-serv is not installed (Debian: gnutls-bin)");
    return;
  }
  const port = await gnutlsServer("NORMAL:-VERS-TLS1.3:%DISABLE_SAFE_RENEGOTIATION:%NO_SESSION_HASH");
  const r = await scan("127.0.0.1", port, { policy: "fips-140-3", serverName: "localhost", roots: pki.caPem });
  assert.is(item(r, "extension", "renegotiation_info")!.serverAccepted, false);
  assert.is(item(r, "extension", "extended_master_secret")!.serverAccepted, false);
  assert.match(item(r, "extension", "renegotiation_info")!.reference, /RFC 5746/);
  const reasons = r.verdict.reasons.join("\n");
  assert.match(reasons, /server accepts TLS 1\.2 without renegotiation indication \(RFC 5746; NIST SP 800-52r2 §3\.4\.1\)/);
  assert.match(reasons, /server accepts TLS 1\.2 without the Extended Master Secret/);
  // GnuTLS follows the client's order unless told otherwise (%SERVER_PRECEDENCE).
  assert.match(finding(r, "cipher_order")!.result, /the server follows the client's cipher suite order/);
  // With renegotiation indication disabled, GnuTLS still renegotiates: the attack RFC 5746 closed.
  const renegotiation = finding(r, "client_renegotiation")!;
  assert.is(renegotiation.status, "fail");
  assert.match(r.verdict.reasons.join("\n"), /the server renegotiates without renegotiation indication/);
  assert.not.ok(r.verdict.compliant);
});

t("TLS 1.2 and 1.3 with the server's precedence: downgrade protection and orders as GnuTLS implements them", async () => {
  if (!available) return;
  const port = await gnutlsServer("NORMAL:%SERVER_PRECEDENCE");
  const r = await scan("127.0.0.1", port, { policy: "default", serverName: "localhost", roots: pki.caPem });
  assert.is(item(r, "version", "TLSv1.3")!.serverAccepted, true);
  assert.is(item(r, "version", "TLSv1.2")!.serverAccepted, true);
  assert.is(finding(r, "fallback_scsv")!.status, "pass");
  assert.is(finding(r, "downgrade_sentinel")!.status, "pass");
  assert.ok(r.findings.some((f) => f.id === "cipher_order" && /TLSv1\.2: the server chooses by its own cipher suite order/.test(f.result)), JSON.stringify(r.findings.filter((f) => f.id === "cipher_order")));
  assert.is(item(r, "extension", "renegotiation_info")!.serverAccepted, true);
  assert.match(finding(r, "client_renegotiation")!.result, /^client-initiated renegotiation is accepted \(secure\)/);
});

t.run();
