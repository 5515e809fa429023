// RFC 8446 section 6 against OpenSSL 3: a client that rejects the server's certificate before it has
// switched to its handshake keys sends its alert in the clear, after our server installed those keys.
// OpenSSL's client does exactly that (its -msg trace shows the 0x15 record), and OpenSSL's server accepts
// such alerts until it decrypts the client's first record; our server must report the client's alert,
// not answer it with unexpected_message.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { AlertReceived } from "../../src/errors.js";
import { exitOf, fipsServer, interopPki, scoped, spawnOpenssl } from "./peers.js";
import { PROVIDERS } from "../_providers.js";

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`interop: plaintext alerts after the ServerHello (${pname})`);

  t("s_client rejecting our certificate (unknown CA): our server reports the client's alert", scoped(async (scope) => {
    const pki = interopPki();
    const cert = pki.certs[0]!;
    const server = await fipsServer(scope, { cert: cert.certPem, key: cert.keyPem, provider });
    const peer = spawnOpenssl(
      scope,
      ["s_client", "-connect", `127.0.0.1:${server.port}`, "-servername", "localhost", "-tls1_3", "-CAfile", pki.otherCaPath, "-verify_return_error", "-msg"],
      "s_client (untrusted CA)",
    );
    peer.child.stdin!.end();
    assert.is.not(await exitOf(peer), 0);
    // s_client's alert record: plaintext (content type 0x15, two bytes), not application_data.
    assert.match(peer.stdout.text(), />>> TLS 1\.2, RecordHeader \[length 0005\]\n +15 03 03 00 02\n/, peer.describe());
    const err = await server.nextError();
    assert.instance(err, AlertReceived, `${err.name}: ${err.message}`);
    assert.is((err as AlertReceived).alert, "unknown_ca");
  }));

  t.run();
}
