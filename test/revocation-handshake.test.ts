// CRLs configured on a client or server config are applied to the peer's chain during the handshake.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { X509Pki, privateKeyPem } from "./pki-x509.js";
import { InvalidCertificate, ConfigError } from "../src/errors.js";
import { buildClientConfig } from "../src/config/client.js";
import { makePair, rejection } from "./_pair.js";
import { PROVIDERS } from "./_providers.js";

const pki = new X509Pki();
const root = await pki.root();
const leaf = await pki.issue(root, { dns: ["localhost"] });
const other = await pki.issue(root, { dns: ["localhost"] });
const leafKey = await privateKeyPem(leaf.keys);
const revokingLeaf = await pki.crl(root, { revoked: [leaf] });
const revokingOther = await pki.crl(root, { revoked: [other] });

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`revocation in the handshake (${pname} provider)`);
  const server = { provider, certificateChain: leaf.pem, privateKey: leafKey };
  const client = (crls: string[]) => ({ provider, serverName: "localhost", roots: root.pem, crls });

  t("a CRL that revokes the server's certificate fails the handshake with Revoked", async () => {
    const { client: c, server: s } = await makePair(client([revokingLeaf.pem]), server);
    const e = await rejection(c.conn.handshake);
    assert.instance(e, InvalidCertificate);
    assert.is((e as InvalidCertificate).reason, "Revoked");
    assert.is((e as InvalidCertificate).alert, "certificate_revoked");
    assert.match((await rejection(s.conn.handshake)).message, /certificate_revoked/);
  });

  t("a CRL that revokes another certificate lets the handshake through", async () => {
    const { client: c } = await makePair(client([revokingOther.pem]), server);
    await c.conn.handshake;
    assert.is(c.conn.info.version, "TLSv1.3");
  });

  t("a malformed CRL is a ConfigError at build time", async () => {
    try {
      await buildClientConfig({ ...client([]), crls: ["-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"] });
      assert.unreachable();
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.is((e as ConfigError).item, "crls[0]");
    }
  });

  t.run();
}
