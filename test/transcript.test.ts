// The handshake transcript's hash (RFC 8446 4.4.1): correct after every message, and computed once for
// as long as no message is added (a TLS 1.3 client asks for the hash through the server's Finished twice).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import v8 from "node:v8";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { utf8 } from "../src/codec/bytes.js";
import { makePair, until } from "./_pair.js";
import { skippedAtRunTime } from "./_skip.js";
import type { CryptoProvider, RunningHash } from "../src/crypto/provider.js";
import { Transcript } from "../src/handshake/transcript.js";
import { PROVIDERS } from "./_providers.js";

const t = suite("transcript hash");

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** The provider, counting the digests it computes (whole-message hashes and running-hash digests). */
function counting(p: CryptoProvider): { provider: CryptoProvider; digests: () => number } {
  let digests = 0;
  const running = p.runningHash?.bind(p);
  const count = (h: RunningHash): RunningHash => ({
    update: (data) => h.update(data),
    digest: () => {
      digests++;
      return h.digest();
    },
    fork: () => count(h.fork()),
  });
  const provider: CryptoProvider = {
    ...p,
    hash: (algorithm, data) => {
      digests++;
      return p.hash(algorithm, data);
    },
    ...(running ? { runningHash: (algorithm) => count(running(algorithm)) } : {}),
  };
  return { provider, digests: () => digests };
}

const clientHello = new Uint8Array([1, 0, 0, 3, 0xaa, 0xbb, 0xcc]);
const serverHello = new Uint8Array([2, 0, 0, 2, 0x01, 0x02]);
const finished = new Uint8Array([20, 0, 0, 1, 0x7f]);

for (const [name, p] of PROVIDERS) {
  t(`${name}: one computation while nothing is added, a new one after add()`, async () => {
    const { provider, digests } = counting(p);
    const transcript = new Transcript(provider);
    transcript.add(clientHello);
    transcript.setHash("SHA-256");
    transcript.add(serverHello);
    const [a, b] = await Promise.all([transcript.hash(), transcript.hash()]);
    assert.equal(a, sha256(clientHello, serverHello));
    assert.equal(b, a);
    assert.is(await transcript.hash(), a);
    assert.is(digests(), 1);
    transcript.add(finished);
    assert.equal(await transcript.hash(), sha256(clientHello, serverHello, finished));
    assert.is(digests(), 2);
  });

  t(`${name}: a HelloRetryRequest's message_hash replaces ClientHello1 and its cached hash`, async () => {
    const transcript = new Transcript(p);
    transcript.add(clientHello);
    transcript.setHash("SHA-256");
    const first = await transcript.hash();
    await transcript.replaceWithMessageHash();
    // RFC 8446 4.4.1: message_hash (254), a 24-bit length, then Hash(ClientHello1).
    const messageHash = new Uint8Array([254, 0, 0, 32, ...sha256(clientHello)]);
    assert.equal(await transcript.hash(), sha256(messageHash));
    assert.not.equal(await transcript.hash(), first);
  });
}

const pki = await makeThrowawayPki({ keyType: "ec-p256" });
/** Live Transcript objects, after a full collection (v8.queryObjects, Node 20.13 and later, collects first). */
const queryObjects = (v8 as { queryObjects?: (ctor: unknown, options: { format: "count" }) => number }).queryObjects;
const liveTranscripts = (): number => queryObjects!(Transcript, { format: "count" });

for (const [name, provider] of PROVIDERS) {
  for (const version of ["TLSv1.3", "TLSv1.2"] as const) {
    t(`${name}, ${version}: an established connection keeps no handshake transcript, nor a record behind its Finished`, async () => {
      if (queryObjects === undefined) return skippedAtRunTime("v8.queryObjects needs Node 20.13 or later");
      const before = liveTranscripts();
      const pairs = [];
      for (let i = 0; i < 3; i++) {
        const range = { minVersion: version, maxVersion: version };
        const pair = await makePair({ provider, serverName: "localhost", roots: pki.caPem, ...range }, { provider, certificateChain: pki.certPem, privateKey: pki.keyPem, ...range });
        await Promise.all([pair.client.conn.handshake, pair.server.conn.handshake]);
        assert.is(pair.client.conn.info.version, version);
        // Data both ways: a TLS 1.3 client has read its tickets by the time the answer arrives.
        await pair.client.conn.write(utf8("ping"));
        await until(() => pair.server.data().length === 4);
        await pair.server.conn.write(utf8("pong"));
        await until(() => pair.client.data().length === 4);
        pairs.push(pair);
      }
      // The handshake's result (and with it the transcript) used to live as long as the connection.
      assert.is(liveTranscripts(), before, `${pairs.length} open pairs hold transcripts`);
      for (const { client, server } of pairs) {
        assert.is(client.conn.state, "open", server.conn.state);
        // Kept for getFinished()/getPeerFinished(): copies, not views that keep a whole decrypted record.
        for (const kept of [client.conn.finishedMessages.received!, server.conn.finishedMessages.received!]) {
          assert.is(kept.buffer.byteLength, kept.length, "the peer's Finished owns its bytes");
        }
      }
    });
  }
}

t.run();
