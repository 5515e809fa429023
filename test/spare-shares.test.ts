// A server makes its next ephemeral key share once its flight has left, a client the shares of its next
// ClientHello once this one has left (src/suites/spare-shares.ts): each share still serves exactly one
// handshake, the spare is the one the next handshake uses, and a spare that failed to be made costs
// nothing but a share made the usual way.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { buildServerConfig } from "../src/config/server.js";
import type { CryptoProvider, KeyShare } from "../src/crypto/provider.js";
import type { TlsVersionName } from "../src/suites/versions.js";
import { makePair } from "./_pair.js";
import { PROVIDERS } from "./_providers.js";

const pki = await makeThrowawayPki({ keyType: "ec-p256" });

/** A provider that records the shares it makes and the ones whose agree() a handshake called. */
function recording(base: CryptoProvider, failCall?: number) {
  const made: KeyShare[] = [];
  const agreed: KeyShare[] = [];
  let calls = 0;
  const provider: CryptoProvider = {
    ...base,
    async keyShare(group) {
      if (++calls === failCall) throw new Error("key generation failed");
      const share = await base.keyShare(group);
      const recorded: KeyShare = {
        ...share,
        agree: (peer) => {
          agreed.push(recorded);
          return share.agree(peer);
        },
      };
      made.push(recorded);
      return recorded;
    },
  };
  return { provider, made, agreed };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

for (const [pname, base] of PROVIDERS) {
  const t = suite(`spare key shares (${pname} provider)`);
  const client = (version: TlsVersionName) => ({ provider: base, serverName: "localhost", roots: pki.caPem, minVersion: version, maxVersion: version, groups: ["secp256r1" as const] });

  for (const version of ["TLSv1.3", "TLSv1.2"] as const) {
    t(`${version} server: each handshake agrees with the share the one before it made, and no share twice`, async () => {
      const { provider, made, agreed } = recording(base);
      const config = await buildServerConfig({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem });
      for (let i = 0; i < 3; i++) {
        const { client: c, server: s } = await makePair(client(version), config);
        await Promise.all([c.conn.handshake, s.conn.handshake]);
        assert.is(s.conn.info.version, version);
        await settle();
        // One share used per handshake, and one spare waiting for the next.
        assert.is(agreed.length, i + 1);
        assert.is(made.length, i + 2);
      }
      // The second and third handshakes used the spares the first and second made after their flights.
      assert.ok(agreed[0] === made[0] && agreed[1] === made[1] && agreed[2] === made[2]);
      assert.is(new Set(agreed).size, agreed.length);
      assert.is(new Set(made.map((s) => Buffer.from(s.publicKey).toString("hex"))).size, made.length);
    });
  }

  for (const version of ["TLSv1.3", "TLSv1.2"] as const) {
    t(`${version} client: each handshake uses the share made while the one before it waited for its server`, async () => {
      const { provider, made, agreed } = recording(base);
      const config = await buildServerConfig({ provider: base, certificateChain: pki.certPem, privateKey: pki.keyPem });
      for (let i = 0; i < 3; i++) {
        const { client: c, server: s } = await makePair({ ...client(version), provider }, config);
        await Promise.all([c.conn.handshake, s.conn.handshake]);
        await settle();
        assert.is(agreed.length, i + 1);
        assert.is(made.length, i + 2);
      }
      assert.ok(agreed[0] === made[0] && agreed[1] === made[1] && agreed[2] === made[2]);
      assert.is(new Set(agreed).size, agreed.length);
    });
  }

  t("a spare made before FIPS mode changed is not used after it", async () => {
    const { provider, made, agreed } = recording(base);
    let enforced = false;
    const switching: CryptoProvider = { ...provider, fips: () => ({ ...base.fips(), enforced }) };
    const config = await buildServerConfig({ provider: switching, certificateChain: pki.certPem, privateKey: pki.keyPem });
    for (let i = 0; i < 2; i++) {
      const { client: c, server: s } = await makePair(client("TLSv1.3"), config);
      await Promise.all([c.conn.handshake, s.conn.handshake]);
      await settle();
      enforced = true;
    }
    // made: [first handshake's, its spare (made with FIPS mode off), the second's own, its spare]
    assert.is(made.length, 4);
    assert.ok(agreed[1] === made[2], "the second handshake made a share of its own");
  });

  t("a spare that could not be made leaves the next handshake to make its own share", async () => {
    // The second keyShare call is the spare made after the first handshake's flight.
    const { provider, made, agreed } = recording(base, 2);
    const config = await buildServerConfig({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem });
    for (let i = 0; i < 2; i++) {
      const { client: c, server: s } = await makePair(client("TLSv1.3"), config);
      await Promise.all([c.conn.handshake, s.conn.handshake]);
      assert.is(s.error, null);
      await settle();
    }
    assert.is(agreed.length, 2);
    assert.ok(agreed[1] === made[1], "the second handshake made its own share when the spare had failed");
  });

  t.run();
}
