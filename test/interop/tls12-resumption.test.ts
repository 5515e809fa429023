// TLS 1.2 session resumption against independent peers, both providers: the peers say themselves
// that they resumed (s_client's "Reused", s_server -www's status page, gnutls-cli's "This is a
// resumed session", node:tls's isSessionReused()), by ticket and by session id, in both directions;
// a session is not resumed under another server name; the https.Agent reuses sessions by itself.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Agent } from "../../src/node.js";
import { PROVIDERS } from "../_providers.js";
import { Peer, Scope, exitOf, fipsConnect, fipsServer, interopPki, opensslServer, scoped, spawnOpenssl, within } from "./peers.js";
import { gnutlsResumesBothWays, nodeTlsResumesBothWays } from "./resumption-peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const rsa = pki.certs.find((c) => c.kind === "rsa-2048")!;

function sClient(scope: Scope, port: number, args: readonly string[], servername = "localhost"): Peer {
  return spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", servername, "-tls1_2", "-CAfile", pki.caPath, ...args], "s_client -tls1_2");
}

/** s_server -www's status page for one GET over a fipstls connection: "New, …" or "Reused, …". */
async function statusLine(scope: Scope, port: number, provider: (typeof PROVIDERS)[number][1], session?: Buffer) {
  const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: pki.caPem, provider, ...(session ? { session } : {}) });
  socket.write("GET / HTTP/1.0\r\n\r\n");
  const m = await sink.match(/^(New|Reused), TLSv1\.2, Cipher is (\S+)/m);
  return { line: m[1]!, socket, session: socket.getSession() };
}

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: TLS 1.2 resumption (${pname})`);

  t("openssl s_client -reconnect resumes five times, by ticket and with -no_ticket by session id", scoped(async (scope) => {
    const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider });
    for (const extra of [[], ["-no_ticket"]]) {
      const peer = sClient(scope, server.port, ["-reconnect", "-verify_return_error", ...extra]);
      peer.child.stdin!.end();
      assert.is(await exitOf(peer), 0, peer.describe());
      const out = peer.stdout.text();
      assert.is((out.match(/^Reused, TLSv1\.2/gm) ?? []).length, 5, `${extra.join(" ")}\n${out.slice(-2000)}`);
      assert.is((out.match(/^New, TLSv1\.2/gm) ?? []).length, 1);
    }
  }));

  t("openssl s_client -sess_out / -sess_in: resumed for the same name, a full handshake for another", scoped(async (scope) => {
    const server = await fipsServer(scope, { cert: rsa.certPem, key: rsa.keyPem, provider });
    const file = join(pki.dir, `session-${pname}.pem`);
    const first = sClient(scope, server.port, ["-sess_out", file]);
    first.child.stdin!.end();
    assert.is(await exitOf(first), 0, first.describe());
    assert.match(first.stdout.text(), /^New, TLSv1\.2, Cipher is ECDHE-RSA-/m);
    assert.match(readFileSync(file, "utf8"), /BEGIN SSL SESSION PARAMETERS/);
    const again = sClient(scope, server.port, ["-sess_in", file]);
    again.child.stdin!.end();
    assert.is(await exitOf(again), 0, again.describe());
    assert.match(again.stdout.text(), /^Reused, TLSv1\.2/m);
    assert.match(again.stdout.text(), /Extended master secret: yes/);
    const renamed = sClient(scope, server.port, ["-sess_in", file], "other.localhost");
    renamed.child.stdin!.end();
    await exitOf(renamed);
    assert.match(renamed.stdout.text(), /^New, TLSv1\.2/m, "RFC 6066 section 3: never resumed under another name");
    server.reset();
  }));

  t("fipstls client → openssl s_server -www: resumed by ticket and, with -no_ticket, by session id", scoped(async (scope) => {
    for (const extra of [[], ["-no_ticket"]]) {
      const { port } = await opensslServer(scope, { cert: ecdsa, mode: "www", version: "tls1_2", args: extra });
      const first = await statusLine(scope, port, provider);
      assert.is(first.line, "New");
      assert.ok(first.session, "a session to keep");
      const second = await statusLine(scope, port, provider, first.session);
      assert.is(second.line, "Reused", extra.join(" "));
      assert.is(second.socket.isSessionReused(), true);
      assert.is(second.socket.tlsInfo!.extendedMasterSecret, true);
      // The resumed connection still knows its server: the chain the session holds.
      assert.is((second.socket.getPeerCertificate() as { subject?: { CN?: string } }).subject?.CN, "localhost");
      assert.is(second.socket.audit().verdict.compliant, true);
    }
  }));

  t("node:tls (maxVersion TLSv1.2) ⇄ fipstls: each side resumes the other's sessions", scoped((scope) => nodeTlsResumesBothWays(scope, provider, "TLSv1.2")));

  t("GnuTLS: gnutls-cli --resume against our server, and our client against gnutls-serv", scoped((scope) => gnutlsResumesBothWays(scope, provider, "TLSv1.2")));

  t.run();
}

const a = suite("interop: the https.Agent keeps sessions");

a("https.get twice through one Agent without keep-alive: the second connection resumes", scoped(async (scope) => {
  const server = https.createServer({ cert: ecdsa.certPem, key: ecdsa.keyPem, maxVersion: "TLSv1.2" }, (_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  scope.add(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  const reused: boolean[] = [];
  const agent = new Agent({ ca: pki.caPem, keepAlive: false, onSecureConnect: (socket) => reused.push(socket.isSessionReused()) });
  scope.add(() => agent.destroy());
  for (let i = 0; i < 2; i++) {
    const body = await within(
      new Promise<string>((resolve, reject) => {
        https.get({ host: "127.0.0.1", port, servername: "localhost", agent, path: "/" }, (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () => resolve(text)).on("error", reject);
        }).on("error", reject);
      }),
      "https.get",
    );
    assert.is(body, "ok");
  }
  assert.equal(reused, [false, true]);
}));

a.run();
