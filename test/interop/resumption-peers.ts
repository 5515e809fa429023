// Resumption both ways with node:tls and GnuTLS, the same for TLS 1.2 and TLS 1.3 but for how a client
// gets its session: with the handshake (TLS 1.2), or from a ticket after it (TLS 1.3).
import * as assert from "uvu/assert";
import type * as tls from "node:tls";
import type { CryptoProvider } from "../../src/crypto/provider.js";
import type { TLSSocket } from "../../src/node.js";
import { type Scope, type Sink, fipsConnect, fipsServer, freePort, interopPki, nodeTlsConnect, nodeTlsServer, untilListening, within } from "./peers.js";
import { skipWithoutGnutls, spawnGnutls } from "./gnutls-peer.js";

type Version = "TLSv1.2" | "TLSv1.3";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const rsa = pki.certs.find((c) => c.kind === "rsa-2048")!;

/** The first session a socket receives: TLS 1.3 tickets arrive after the handshake, so wait for the event. */
export function nextSession(socket: TLSSocket | tls.TLSSocket): Promise<Buffer> {
  return within(new Promise<Buffer>((resolve) => socket.once("session", resolve)), "a session ticket");
}

/**
 * The session a fipstls client keeps: TLS 1.2's comes with the handshake; a TLS 1.3 ticket after it, and
 * with `nudge` only once data has flowed (a server that sends its tickets when it next writes).
 */
async function sessionOf(version: Version, socket: TLSSocket, nudge?: Sink): Promise<Buffer> {
  if (version === "TLSv1.2") return socket.getSession()!;
  const ticket = nextSession(socket);
  if (nudge) {
    socket.write("x\n");
    await nudge.match("x\n");
  }
  return ticket;
}

/** node:tls as the client of our server and as the server of our client: each resumes the other's sessions. */
export async function nodeTlsResumesBothWays(scope: Scope, provider: CryptoProvider, version: Version): Promise<void> {
  const range = { minVersion: version, maxVersion: version };
  const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider });
  const opts = { port: server.port, ca: pki.caPem, ...range };
  const first = await nodeTlsConnect(scope, opts);
  const session = version === "TLSv1.2" ? first.socket.getSession() : await nextSession(first.socket);
  assert.ok(session);
  first.socket.destroy();
  const second = await nodeTlsConnect(scope, { ...opts, session });
  assert.is(second.socket.isSessionReused(), true);
  await server.nextConnection();
  assert.is((await server.nextConnection()).socket.isSessionReused(), true);

  const node = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, ...range });
  const a = await fipsConnect(scope, { port: node.port, servername: "localhost", ca: pki.caPem, provider });
  const b = await fipsConnect(scope, { port: node.port, servername: "localhost", ca: pki.caPem, provider, session: await sessionOf(version, a.socket) });
  assert.is(b.socket.isSessionReused(), true);
  await node.nextConnection();
  assert.is((await node.nextConnection()).socket.isSessionReused(), true);
}

/**
 * gnutls-cli --resume against our server, and our client resuming with gnutls-serv. Under TLS 1.3 the
 * tickets come after the handshake, and gnutls-cli otherwise waits for them only about a round trip
 * before it disconnects: --waitresumption makes it wait for one.
 */
export async function gnutlsResumesBothWays(scope: Scope, provider: CryptoProvider, version: Version): Promise<void> {
  if (skipWithoutGnutls()) return;
  const priority = `NORMAL:-VERS-ALL:+VERS-TLS${version.slice(4)}`;
  const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, provider });
  const cli = spawnGnutls(scope, "gnutls-cli", ["127.0.0.1", "--port", String(server.port), "--sni-hostname", "localhost", "--verify-hostname", "localhost", "--x509cafile", pki.caPath, "--priority", priority, "--resume", ...(version === "TLSv1.3" ? ["--waitresumption"] : [])], "gnutls-cli --resume");
  cli.child.stdin!.end();
  await cli.exit();
  assert.match(cli.stdout.text(), /This is a resumed session/, cli.describe());

  const port = await freePort();
  const serv = spawnGnutls(scope, "gnutls-serv", ["--echo", "--port", String(port), "--x509certfile", rsa.certPath, "--x509keyfile", rsa.keyPath, "--priority", priority], "gnutls-serv");
  await Promise.race([untilListening(port), serv.exited.then(() => Promise.reject(new Error(serv.describe())))]);
  const a = await fipsConnect(scope, { port, servername: "localhost", ca: pki.caPem, provider });
  const b = await fipsConnect(scope, { port, servername: "localhost", ca: pki.caPem, provider, session: await sessionOf(version, a.socket, a.sink) });
  assert.is(b.socket.isSessionReused(), true);
  b.socket.write("resumed\n");
  await b.sink.match("resumed\n");
}
