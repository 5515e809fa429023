// supported_groups in EncryptedExtensions (RFC 8446 4.2.7) against OpenSSL 3, both ways. A server MAY
// list its groups there, in its order of preference, and OpenSSL does so whenever the key share it
// accepted is not its first choice: our client must accept it (and act on nothing in it), and our server
// does the same as OpenSSL, which s_client's -msg trace shows byte by byte.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { fromHex } from "../../src/codec/bytes.js";
import { Reader } from "../../src/codec/reader.js";
import { exitOf, fipsConnect, fipsServer, interopPki, opensslServer, scoped, spawnOpenssl } from "./peers.js";
import { PROVIDERS } from "../_providers.js";

const GET = "GET / HTTP/1.0\r\n\r\n";

/** The EncryptedExtensions body that an -msg trace shows (">>>" sent, "<<<" received), as extensions by type. */
function encryptedExtensions(trace: string, direction: ">>>" | "<<<"): Map<number, number[]> {
  const m = new RegExp(`${direction} TLS 1\\.3, Handshake \\[length [0-9a-f]+\\], EncryptedExtensions\\n((?: +[0-9a-f]{2}(?: [0-9a-f]{2})*\\n)+)`).exec(trace);
  if (!m) throw new Error(`no EncryptedExtensions (${direction}) in the -msg trace:\n${trace.slice(0, 3000)}`);
  const raw = fromHex(m[1]!.replace(/\s+/g, ""));
  const r = new Reader(raw.subarray(4), "EncryptedExtensions");
  const block = r.sub16("extensions");
  const out = new Map<number, number[]>();
  while (!block.atEnd()) {
    const type = block.u16();
    out.set(type, [...block.vec16()]);
  }
  return out;
}

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: supported_groups in EncryptedExtensions (${pname})`);
  const ca = (): string => interopPki().caPem;

  t("our client accepts s_server's supported_groups (s_server prefers P-384, accepts our P-256 share)", scoped(async (scope) => {
    const cert = interopPki().certs[0]!;
    const { peer, port } = await opensslServer(scope, { cert, mode: "www", args: ["-groups", "P-384:P-256", "-msg"] });
    const { socket, sink } = await fipsConnect(scope, {
      port, servername: "localhost", ca: ca(), provider, tls: { groups: ["secp256r1", "secp384r1"], keyShareGroups: ["secp256r1"] },
    }); // prettier-ignore
    assert.is(socket.tlsInfo!.group, "secp256r1");
    assert.is(socket.tlsInfo!.helloRetryRequest, false);
    socket.end(GET);
    await sink.end();
    assert.match(sink.text(), /^HTTP\/1\.0 200 ok/);
    const ee = encryptedExtensions(peer.stdout.text(), ">>>");
    assert.equal(ee.get(10), [0, 4, 0x00, 0x18, 0x00, 0x17], "s_server sent its groups, P-384 first");
  }));

  t("our server sends supported_groups as OpenSSL does: only when the client's share was not our first choice", scoped(async (scope) => {
    const cert = interopPki().certs[0]!;
    const server = await fipsServer(scope, { cert: cert.certPem, key: cert.keyPem, provider, tls: { groups: ["secp384r1", "secp256r1"] } });
    const run = async (groups: string): Promise<Map<number, number[]>> => {
      const peer = spawnOpenssl(
        scope,
        ["s_client", "-connect", `127.0.0.1:${server.port}`, "-servername", "localhost", "-tls1_3", "-CAfile", interopPki().caPath, "-verify_return_error", "-groups", groups, "-msg", "-ign_eof"],
        `s_client -groups ${groups}`,
      );
      peer.child.stdin!.end("ping\n");
      assert.is(await exitOf(peer), 0, peer.describe());
      assert.match(peer.stdout.text(), /pong:ping/);
      return encryptedExtensions(peer.stdout.text(), "<<<");
    };
    // s_client's first share is P-256, which we accept without a retry: we list P-384, P-256.
    assert.equal((await run("P-256:P-384")).get(10), [0, 4, 0x00, 0x18, 0x00, 0x17]);
    const { socket } = await server.nextConnection();
    assert.is(socket.tlsInfo!.group, "secp256r1");
    assert.is(socket.tlsInfo!.helloRetryRequest, false);
    // Its share is our first choice: nothing to tell.
    assert.not.ok((await run("P-384:P-256")).has(10));
  }));

  t.run();
}
