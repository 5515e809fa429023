// TLS 1.3 resumption (PSK with (EC)DHE) against independent peers, both providers: the peers say
// themselves that they resumed (s_client's "Reused", s_server -www's status page, gnutls-cli's
// "This is a resumed session", node:tls's isSessionReused()), in both directions, with and without a
// HelloRetryRequest, and never under another server name. s_client's -reconnect does not resume
// TLS 1.3 sessions even against s_server (it reconnects before a ticket arrives), so -sess_out and
// -sess_in are used instead.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { PROVIDERS } from "../_providers.js";
import { Peer, Scope, exitOf, fipsConnect, fipsServer, interopPki, opensslServer, scoped, spawnOpenssl } from "./peers.js";
import { gnutlsResumesBothWays, nextSession, nodeTlsResumesBothWays } from "./resumption-peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const rsa = pki.certs.find((c) => c.kind === "rsa-2048")!;

function sClient(scope: Scope, port: number, args: readonly string[], servername = "localhost"): Peer {
  return spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", servername, "-tls1_3", "-CAfile", pki.caPath, ...args], "s_client -tls1_3");
}

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: TLS 1.3 resumption (${pname})`);

  t("openssl s_client -sess_out / -sess_in: resumed for the same name, a full handshake for another", scoped(async (scope) => {
    const server = await fipsServer(scope, { cert: rsa.certPem, key: rsa.keyPem, provider });
    const file = join(pki.dir, `session13-${pname}.pem`);
    const first = sClient(scope, server.port, ["-sess_out", file, "-verify_return_error"]);
    first.write("ping\n");
    await first.stdout.match("pong:ping\n");
    first.child.stdin!.end();
    assert.is(await exitOf(first), 0, first.describe());
    assert.match(first.stdout.text(), /^New, TLSv1\.3/m);
    const again = sClient(scope, server.port, ["-sess_in", file, "-verify_return_error"]);
    again.child.stdin!.end();
    assert.is(await exitOf(again), 0, again.describe());
    assert.match(again.stdout.text(), /^Reused, TLSv1\.3/m);
    const renamed = sClient(scope, server.port, ["-sess_in", file], "other.localhost");
    renamed.child.stdin!.end();
    await exitOf(renamed);
    assert.match(renamed.stdout.text(), /^New, TLSv1\.3/m, "never resumed under another name");
  }));

  t("openssl s_client -sess_in after a HelloRetryRequest (the server wants secp384r1)", scoped(async (scope) => {
    const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider, tls: { groups: ["secp384r1", "secp256r1"], preferGroupOverShare: true } });
    const file = join(pki.dir, `session13-hrr-${pname}.pem`);
    const first = sClient(scope, server.port, ["-sess_out", file, "-groups", "P-256:P-384"]);
    first.write("ping\n");
    await first.stdout.match("pong:ping\n");
    first.child.stdin!.end();
    assert.is(await exitOf(first), 0, first.describe());
    const again = sClient(scope, server.port, ["-sess_in", file, "-groups", "P-256:P-384", "-msg"]);
    again.child.stdin!.end();
    assert.is(await exitOf(again), 0, again.describe());
    assert.match(again.stdout.text(), /^Reused, TLSv1\.3/m);
    // Two ClientHellos went out: the retry carried the PSK with a binder over the new transcript.
    assert.is((again.stdout.text().match(/>>> TLS 1\.3, Handshake \[length [0-9a-f]+\], ClientHello/g) ?? []).length, 2, again.stdout.text().slice(0, 3000));
  }));

  t("fipstls client → openssl s_server -www (TLS 1.3): New, then Reused with a ticket it issued", scoped(async (scope) => {
    const { port } = await opensslServer(scope, { cert: ecdsa, mode: "www", version: "tls1_3" });
    const status = async (session?: Buffer) => {
      const { socket, sink } = await fipsConnect(scope, { port, servername: "localhost", ca: pki.caPem, provider, ...(session ? { session } : {}) });
      const ticket = nextSession(socket);
      socket.write("GET / HTTP/1.0\r\n\r\n");
      const m = await sink.match(/^(New|Reused), TLSv1\.3, Cipher is (\S+)/m);
      return { line: m[1], socket, session: await ticket };
    };
    const first = await status();
    assert.is(first.line, "New");
    const second = await status(first.session);
    assert.is(second.line, "Reused");
    assert.is(second.socket.isSessionReused(), true);
    assert.is((second.socket.getPeerCertificate() as { subject?: { CN?: string } }).subject?.CN, "localhost");
    assert.is(second.socket.audit().verdict.compliant, true);
  }));

  t("node:tls ⇄ fipstls (TLS 1.3): each side resumes the other's tickets", scoped((scope) => nodeTlsResumesBothWays(scope, provider, "TLSv1.3")));

  t("GnuTLS (TLS 1.3): gnutls-cli --resume against our server, and our client against gnutls-serv", scoped((scope) => gnutlsResumesBothWays(scope, provider, "TLSv1.3")));

  t.run();
}
