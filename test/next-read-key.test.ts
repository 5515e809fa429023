// A TLS 1.3 server knows the client's application key before the client's Finished: with an
// asynchronous provider, the records that come with the Finished start opening under that key while the
// Finished is still being opened (RecordReader.expectNext), and install() keeps those openings only
// where the key change really falls.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { concat, equalBytes, utf8 } from "../src/codec/bytes.js";
import type { Aead, CryptoProvider } from "../src/crypto/provider.js";
import { PeerMisbehaved } from "../src/errors.js";
import { webcryptoProvider } from "../providers/webcrypto/index.js";
import { type Side, makePair, until } from "./_pair.js";

const pki = await makeThrowawayPki();
const webcrypto = await webcryptoProvider();
const client = { provider: webcrypto, serverName: "localhost", roots: pki.caPem, minVersion: "TLSv1.3" as const };

/** A server provider that notes whether an AEAD was asked to open while another one's opening was pending. */
function watchingOpens(base: CryptoProvider) {
  const seen = { overlapped: false };
  let pending: Aead | null = null;
  const provider: CryptoProvider = {
    ...base,
    async aead(algorithm, key) {
      const inner = await base.aead(algorithm, key);
      const aead: Aead = {
        algorithm: inner.algorithm,
        seal: (nonce, aad, plaintext) => inner.seal(nonce, aad, plaintext),
        open: (nonce, aad, ciphertext) => {
          if (pending !== null && pending !== aead) seen.overlapped = true;
          pending = aead;
          return inner.open(nonce, aad, ciphertext).finally(() => {
            if (pending === aead) pending = null;
          });
        },
      };
      return aead;
    },
  };
  return { provider, seen };
}

/**
 * Holds the client's second flight (its Finished) until its first data, and delivers both in one piece,
 * as a client's Finished and request usually come; `corrupt` flips a byte of the data record.
 */
function finishedWithData(corrupt = false) {
  let held: Uint8Array | null = null;
  return (dir: "c2s" | "s2c", bytes: Uint8Array, index: number): Uint8Array => {
    if (dir !== "c2s" || index === 0) return bytes;
    if (index === 1) {
      held = bytes;
      return new Uint8Array(0);
    }
    if (index === 2 && held !== null) {
      const data = bytes.slice();
      if (corrupt) data[data.length - 1]! ^= 1;
      return concat(held, data);
    }
    return bytes;
  };
}

/** The client's first data, written once its handshake is done, arrives at the server intact. */
async function requestArrives(c: Side, s: Side, request: Uint8Array): Promise<void> {
  await c.conn.handshake;
  await c.conn.write(request);
  await s.conn.handshake;
  await until(() => s.data().length === request.length);
  assert.ok(equalBytes(s.data(), request));
}

const t = suite("the client's application key, expected before its Finished (webcrypto provider)");

t("the data that comes with the client's Finished is opened beside it, and arrives intact", async () => {
  const { provider, seen } = watchingOpens(webcrypto);
  const { client: c, server: s } = await makePair(client, { provider, certificateChain: pki.certPem, privateKey: pki.keyPem }, { tamper: finishedWithData() });
  await requestArrives(c, s, utf8("GET / HTTP/1.1\r\n\r\n"));
  assert.ok(seen.overlapped, "the data record started opening while the Finished record was being opened");
  assert.is(s.error, null);
});

t("a data record that does not authenticate under the expected key still fails as bad_record_mac", async () => {
  const { client: c, server: s } = await makePair(client, { provider: webcrypto, certificateChain: pki.certPem, privateKey: pki.keyPem }, { tamper: finishedWithData(true) });
  await c.conn.handshake;
  await c.conn.write(utf8("tampered"));
  await s.conn.handshake;
  await until(() => s.error !== null);
  assert.instance(s.error, PeerMisbehaved);
  assert.is((s.error as PeerMisbehaved).alert, "bad_record_mac");
  assert.is(s.data().length, 0);
});

t("a client certificate flight in several records, with data after it: each record opens under its own key", async () => {
  const mtls = { provider: webcrypto, certificateChain: pki.certPem, privateKey: pki.keyPem, clientAuth: "required" as const, clientRoots: pki.caPem };
  const hold = finishedWithData();
  let flightRecords = 0;
  const tamper = (dir: "c2s" | "s2c", bytes: Uint8Array, index: number): Uint8Array => {
    if (dir === "c2s" && index === 1) for (let at = 0; at + 5 <= bytes.length; at += 5 + ((bytes[at + 3]! << 8) | bytes[at + 4]!)) if (bytes[at] === 23) flightRecords++;
    return hold(dir, bytes, index);
  };
  const { client: c, server: s } = await makePair({ ...client, certificateChain: pki.certPem, privateKey: pki.keyPem }, mtls, { tamper });
  // Certificate, CertificateVerify and Finished then span several records under the client's handshake key.
  c.conn.setMaxFragment(512);
  await requestArrives(c, s, utf8("after a split flight"));
  assert.is(s.conn.info.peerCertificates.length, 1);
  assert.ok(flightRecords >= 2, `the client's flight took ${flightRecords} protected records`);
  assert.is(s.error, null);
});

t("records after a KeyUpdate are opened under the next key as before (no key was expected)", async () => {
  const { client: c, server: s } = await makePair(client, { provider: webcrypto, certificateChain: pki.certPem, privateKey: pki.keyPem });
  await Promise.all([c.conn.handshake, s.conn.handshake]);
  await c.conn.write(utf8("one"));
  await c.conn.updateKeys(false);
  await c.conn.write(utf8("two"));
  await until(() => s.data().length === 6);
  assert.is(new TextDecoder().decode(s.data()), "onetwo");
  assert.is(s.error, null);
});

t.run();
