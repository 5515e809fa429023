// A TLS 1.3 server makes what needs no secret (its Certificate, the CertificateVerify's signature) while
// the shared secret is agreed and the handshake keys derived, and sends nothing before the client's
// share proved valid.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import type { CryptoProvider, KeyShare } from "../src/crypto/provider.js";
import { PeerMisbehaved } from "../src/errors.js";
import { makePair, rejection } from "./_pair.js";
import { PROVIDERS } from "./_providers.js";

const pki = await makeThrowawayPki({ keyType: "ec-p256" });

/** A server provider whose agreement waits until the signature is asked for (or 500 ms), recording the order. */
function gated(base: CryptoProvider, events: string[]): CryptoProvider {
  let signed: () => void = () => undefined;
  const signAsked = new Promise<void>((resolve) => (signed = resolve));
  return {
    ...base,
    async keyShare(group) {
      const share = await base.keyShare(group);
      const wrapped: KeyShare = {
        ...share,
        agree: async (peer) => {
          await Promise.race([signAsked, new Promise((r) => setTimeout(r, 500))]);
          events.push("agreed");
          return share.agree(peer);
        },
      };
      return wrapped;
    },
    async signingKey(pkcs8) {
      const key = await base.signingKey(pkcs8);
      return {
        ...key,
        sign: (algorithm, message) => {
          events.push("sign");
          signed();
          return key.sign(algorithm, message);
        },
      };
    },
  };
}

for (const [pname, base] of PROVIDERS) {
  const t = suite(`TLS 1.3 server flight (${pname} provider)`);
  const client = { provider: base, serverName: "localhost", roots: pki.caPem, minVersion: "TLSv1.3" as const, groups: ["secp256r1" as const] };

  t("the CertificateVerify is signed while the shared secret is agreed, not after", async () => {
    const events: string[] = [];
    const { client: c, server: s } = await makePair(client, { provider: gated(base, events), certificateChain: pki.certPem, privateKey: pki.keyPem });
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal(events, ["sign", "agreed"]);
  });

  t("a client share that does not agree gets an alert, and no ServerHello before it", async () => {
    const failing: CryptoProvider = {
      ...base,
      async keyShare(group) {
        const share = await base.keyShare(group);
        return { ...share, agree: () => Promise.reject(new TypeError("invalid public key")) };
      },
    };
    const fromServer: number[] = [];
    const { client: c, server: s } = await makePair(client, { provider: failing, certificateChain: pki.certPem, privateKey: pki.keyPem }, {
      tamper: (dir, bytes) => {
        if (dir === "s2c") fromServer.push(...bytes.subarray(0, 1));
        return bytes;
      },
    });
    const err = await rejection(s.conn.handshake);
    assert.instance(err, PeerMisbehaved);
    assert.is((err as PeerMisbehaved).alert, "illegal_parameter");
    await rejection(c.conn.handshake);
    // One record, an alert (content type 21): no handshake record (22) went out before it.
    assert.equal(fromServer, [21]);
  });

  t.run();
}
