// Key logging (NSS key log format) checked against peers that log the same connection: the lines
// our side writes must be exactly the ones OpenSSL (s_client -keylogfile) and node:tls ('keylog')
// write for their end, TLS 1.3 and TLS 1.2. A connection that logged keys audits as not compliant;
// one without a 'keylog' listener logs nothing.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exitOf, fipsConnect, fipsServer, interopPki, nodeTlsServer, scoped, spawnOpenssl, within } from "./peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
const lines = (text: string): string[] => text.split("\n").filter((l) => /^[A-Z_0-9]+ [0-9a-f]+ [0-9a-f]+$/.test(l)).sort();

const t = suite("interop: key log lines agree with OpenSSL's and node:tls's");

for (const version of ["tls1_3", "tls1_2"] as const) {
  t(`fipstls server 'keylog' = openssl s_client -keylogfile (${version})`, scoped(async (scope) => {
    const server = await fipsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem });
    const ours: string[] = [];
    server.server.on("keylog", (line: Buffer) => ours.push(line.toString("utf8")));
    const file = join(pki.dir, `keylog-${version}.txt`);
    const client = spawnOpenssl(scope, ["s_client", "-connect", `127.0.0.1:${server.port}`, "-servername", "localhost", `-${version}`, "-CAfile", pki.caPath, "-keylogfile", file]);
    client.write("ping\n");
    await client.stdout.match("pong:ping\n");
    client.child.stdin!.end();
    assert.is(await exitOf(client), 0, client.describe());
    assert.ok(ours.every((l) => l.endsWith("\n")), "each line ends with a newline, as node:tls's");
    assert.equal(lines(ours.join("")), lines(readFileSync(file, "utf8")));
    assert.is(lines(ours.join("")).length, version === "tls1_3" ? 5 : 1);
    const { socket } = await server.nextConnection();
    const audit = socket.audit();
    assert.is(audit.negotiated?.keyLogged, true);
    assert.is(audit.verdict.compliant, false);
    assert.ok(audit.verdict.reasons.some((r) => r.startsWith("key logging was on")));
  }));

  t(`fipstls client without a 'keylog' listener logs nothing (${version})`, scoped(async (scope) => {
    const tlsVersion = version === "tls1_3" ? "TLSv1.3" : "TLSv1.2";
    const node = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, minVersion: tlsVersion, maxVersion: tlsVersion });
    const { socket } = await fipsConnect(scope, { port: node.port, servername: "localhost", ca: pki.caPem, minVersion: tlsVersion, maxVersion: tlsVersion });
    assert.is(socket.tlsInfo?.keyLogged, undefined);
    assert.not.ok(socket.audit().negotiated && "keyLogged" in socket.audit().negotiated!);
  }));
}

t("fipstls client with a 'keylog' listener logs what the node:tls server logs", scoped(async (scope) => {
  for (const tlsVersion of ["TLSv1.3", "TLSv1.2"] as const) {
    const node = await nodeTlsServer(scope, { cert: ecdsa.certPem, key: ecdsa.keyPem, minVersion: tlsVersion, maxVersion: tlsVersion });
    const theirs: string[] = [];
    node.server.on("keylog", (line: Buffer) => theirs.push(line.toString("utf8")));
    const { connect } = await import("../../src/node.js");
    const ours: string[] = [];
    const socket = scope.stream(connect({ host: "127.0.0.1", port: node.port, servername: "localhost", ca: pki.caPem, minVersion: tlsVersion, maxVersion: tlsVersion }));
    socket.on("keylog", (line: Buffer) => ours.push(line.toString("utf8")));
    await within(new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject)), "handshake");
    await node.nextConnection();
    assert.equal(lines(ours.join("")), lines(theirs.join("")), tlsVersion);
    assert.is(socket.tlsInfo?.keyLogged, true);
  }
}));

t.run();
