// record_size_limit (RFC 8449) against GnuTLS, which advertises one with --recordsize: our records to it
// never carry more than its limit (TLS 1.3 counts the inner content type), read off the wire by a relay;
// and it is told we take full-size records. OpenSSL 3.0 and node:tls do not implement RFC 8449.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { fipsConnect, fipsServer, freePort, interopPki, scoped, untilListening } from "./peers.js";
import { skipWithoutGnutls as skip, spawnGnutls } from "./gnutls-peer.js";
import { recordRelay } from "./record-relay.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const LIMIT = 512;
const PAYLOAD = `${"x".repeat(5000)}\n`;

/** The record_size_limit a ClientHello (as one record's fragment) carries, or undefined. */
function recordSizeLimitIn(hello: Buffer): number | undefined {
  let at = 4 + 2 + 32;
  at += 1 + hello[at]!; // session id
  at += 2 + hello.readUInt16BE(at); // cipher suites
  at += 1 + hello[at]!; // compression methods
  const end = at + 2 + hello.readUInt16BE(at);
  for (at += 2; at + 4 <= end; at += 4 + hello.readUInt16BE(at + 2)) {
    if (hello.readUInt16BE(at) === 28) return hello.readUInt16BE(at + 4);
  }
  return undefined;
}

/** The largest record fragment of ours a peer's limit allows: TLS 1.3 counts the content type in the limit. */
const largestFor = (version: string, limit: number): number => (version === "TLSv1.3" ? limit + 16 : Math.min(limit, 16384) + 8 + 16);

const t = suite("interop: record_size_limit (RFC 8449) with GnuTLS");

for (const [version, priority] of [["TLSv1.2", "NORMAL:-VERS-ALL:+VERS-TLS1.2"], ["TLSv1.3", "NORMAL:-VERS-ALL:+VERS-TLS1.3"]] as const) {
  t(`gnutls-cli --recordsize=${LIMIT} → fipstls server, ${version}: our records respect its limit`, scoped(async (scope) => {
    if (skip()) return;
    const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
    server.handler = ({ socket }) => socket.once("data", () => socket.write(PAYLOAD));
    const relay = await recordRelay(scope, server.port);
    const client = spawnGnutls(scope, "gnutls-cli", ["127.0.0.1", "--port", String(relay.port), "--sni-hostname", "localhost", "--verify-hostname", "localhost", "--x509cafile", pki.caPath, "--priority", priority, `--recordsize=${LIMIT}`]);
    client.write("go\n");
    await client.stdout.match(PAYLOAD);
    const { socket } = await server.nextConnection();
    assert.is(socket.tlsInfo!.version, version);
    // GnuTLS advertises its --recordsize, plus the content type byte under TLS 1.3.
    const advertised = recordSizeLimitIn(relay.firstFragments.client!);
    assert.is(advertised, version === "TLSv1.3" ? LIMIT + 1 : LIMIT);
    const largest = largestFor(version, advertised!);
    // After the first, unprotected server records (ServerHello; TLS 1.2 also Certificate, key exchange) every record is within the limit.
    const protectedRecords = version === "TLSv1.3" ? relay.serverRecords.slice(2) : relay.serverRecords.slice(relay.serverRecords.lastIndexOf(1) + 1);
    assert.ok(protectedRecords.length >= 10, `server records: ${relay.serverRecords.join(" ")}`);
    assert.ok(Math.max(...protectedRecords) <= largest, `a record past the limit: ${relay.serverRecords.join(" ")}`);
    assert.ok(protectedRecords.includes(largest), `full records of the limit's size: ${relay.serverRecords.join(" ")}`);
    client.child.stdin!.end();
  }));

  t(`fipstls client → gnutls-serv --recordsize=${LIMIT} --echo, ${version}: our records respect its limit`, scoped(async (scope) => {
    if (skip()) return;
    const port = await freePort();
    const server = spawnGnutls(scope, "gnutls-serv", ["--echo", "--port", String(port), "--x509certfile", ecdsa.certPath, "--x509keyfile", ecdsa.keyPath, "--priority", priority, `--recordsize=${LIMIT}`]);
    await Promise.race([untilListening(port), server.exited.then(() => Promise.reject(new Error(server.describe())))]);
    const relay = await recordRelay(scope, port);
    const { socket, sink } = await fipsConnect(scope, { port: relay.port, servername: "localhost", ca: pki.caPem });
    assert.is(socket.tlsInfo!.version, version);
    socket.write(PAYLOAD);
    await sink.match(PAYLOAD);
    // The server's limit came in its ServerHello (TLS 1.2) or EncryptedExtensions; GnuTLS's rule is the same as its client's.
    const largest = largestFor(version, version === "TLSv1.3" ? LIMIT + 1 : LIMIT);
    // And we told it we take full records: 2^14+1, TLS 1.3's count, since our hello offers TLS 1.3 too.
    assert.is(recordSizeLimitIn(relay.firstFragments.client!), 16385);
    const dataRecords = relay.clientRecords.slice(-Math.ceil(PAYLOAD.length / (LIMIT - 1)));
    assert.ok(Math.max(...relay.clientRecords.slice(1)) <= largest, `client records: ${relay.clientRecords.join(" ")}`);
    assert.ok(dataRecords.includes(largest), `client records: ${relay.clientRecords.join(" ")}`);
    socket.destroy();
  }));
}

t.run();
