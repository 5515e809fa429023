// Hostile TLS 1.2 peers, in memory: a fipstls client and server at TLS 1.2 with the bytes between
// them rewritten. Each broken message must end in its named error and the alert RFC 5246 and RFC 8446
// (section 6.2) give it, on the side that reads it: truncated messages, a ServerKeyExchange with an
// unoffered scheme, group or a bad signature, an unoffered suite, a ChangeCipherSpec out of order, a
// wrong explicit nonce, a tampered Finished, and a Finished that does not verify.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { TlsError } from "../src/errors.js";
import { decodeClientHello, encodeClientHello } from "../src/msgs/hello.js";
import { nodeProvider } from "../providers/node/index.js";
import { makePair, rejection, until } from "./_pair.js";
import { type Tamper, oneMessagePerRecord, perRecord, record, rewriteMessage } from "./_tamper.js";

const provider = nodeProvider();
const pki = await makeThrowawayPki({ keyType: "ec-p256" });
const clientOptions = { provider, serverName: "localhost", roots: pki.caPem, maxVersion: "TLSv1.2" as const };
const serverOptions = { provider, certificateChain: pki.certPem, privateKey: pki.keyPem };

/** The error each side ended with; at least one side must fail. */
async function outcome(tamper: Tamper, client: Record<string, unknown> = {}, server: Record<string, unknown> = {}) {
  const { client: c, server: s } = await makePair({ ...clientOptions, ...client }, { ...serverOptions, ...server }, { tamper });
  const [ce, se] = await Promise.all([rejection(c.conn.handshake), rejection(s.conn.handshake)]);
  return { client: ce as TlsError, server: se as TlsError };
}

const t = suite("hostile TLS 1.2 peers");

t("the untampered pair negotiates TLS 1.2 (the baseline every case below breaks)", async () => {
  const { client: c, server: s } = await makePair(clientOptions, serverOptions);
  await Promise.all([c.conn.handshake, s.conn.handshake]);
  assert.is(c.conn.info.version, "TLSv1.2");
  assert.is(s.conn.info.extendedMasterSecret, true);
});

t("every truncation of ServerKeyExchange is decode_error at the client", async () => {
  let length = 0;
  await outcome(rewriteMessage("s2c", 12, (b) => ((length = b.length), b.subarray(0, 0))));
  assert.ok(length > 100, `ServerKeyExchange of ${length} bytes`);
  // ECDSA signatures vary in length by a byte or two between handshakes: never cut past this one's end.
  for (let cut = 0; cut < length; cut++) {
    const { client } = await outcome(rewriteMessage("s2c", 12, (b) => b.subarray(0, Math.min(cut, b.length - 1))));
    assert.is(client.alert, "decode_error", `cut at ${cut}: ${client.message}`);
  }
});

t("truncated Certificate, ServerHelloDone with a body, and truncated ClientKeyExchange are decode_error where read", async () => {
  for (const cut of [0, 1, 2, 3, 5, 50, 200]) {
    const { client } = await outcome(rewriteMessage("s2c", 11, (b) => b.subarray(0, Math.min(cut, b.length - 1))));
    assert.is(client.alert, "decode_error", `Certificate cut at ${cut}: ${client.message}`);
  }
  const done = await outcome(rewriteMessage("s2c", 14, () => new Uint8Array([0])));
  assert.is(done.client.alert, "decode_error");
  for (const cut of [0, 1, 30, 64]) {
    const { server } = await outcome(rewriteMessage("c2s", 16, (b) => b.subarray(0, cut)));
    assert.is(server.alert, "decode_error", `ClientKeyExchange cut at ${cut}: ${server.message}`);
  }
});

t("a ServerKeyExchange with an unoffered scheme, an unoffered group, or a bad signature", async () => {
  // Layout: curve_type(1) group(2) point<1..255> scheme(2) signature<0..2^16-1>.
  const schemeAt = (b: Uint8Array): number => 4 + b[3]!;
  const scheme = await outcome(rewriteMessage("s2c", 12, (b) => {
    const out = b.slice();
    out.set([0x02, 0x01], schemeAt(b)); // rsa_pkcs1_sha1, which we never offer
    return out;
  }));
  assert.is(scheme.client.alert, "illegal_parameter");
  assert.match(scheme.client.message, /SignatureSchemeNotOffered/);
  const group = await outcome(rewriteMessage("s2c", 12, (b) => {
    const out = b.slice();
    out.set([0x00, 0x18], 1); // secp384r1, not offered below
    return out;
  }), { groups: ["secp256r1"] });
  assert.is(group.client.alert, "illegal_parameter");
  assert.match(group.client.message, /SelectedUnofferedGroup/);
  const signature = await outcome(rewriteMessage("s2c", 12, (b) => {
    const out = b.slice();
    out[out.length - 1]! ^= 0x01;
    return out;
  }));
  assert.is(signature.client.alert, "decrypt_error");
  assert.match(signature.client.message, /BadSignature: ServerKeyExchange/);
});

t("a ServerHello choosing a suite we did not offer (RSA key transport) is illegal_parameter", async () => {
  const { client } = await outcome(rewriteMessage("s2c", 2, (b) => {
    const out = b.slice();
    const suiteAt = 2 + 32 + 1 + b[34]!;
    out.set([0x00, 0x9c], suiteAt); // TLS_RSA_WITH_AES_128_GCM_SHA256
    return out;
  }));
  assert.is(client.alert, "illegal_parameter");
  assert.match(client.message, /SelectedUnofferedCipherSuite/);
});

t("a ChangeCipherSpec before ServerHelloDone, or a second one, is unexpected_message", async () => {
  const early = await outcome(oneMessagePerRecord(perRecord((dir, bytes) => (dir === "s2c" && bytes[0] === 22 && bytes[5] === 12 ? new Uint8Array([...bytes, ...record(20, new Uint8Array([1]))]) : bytes))));
  assert.is(early.client.alert, "unexpected_message");
  assert.match(early.client.message, /UnexpectedChangeCipherSpec/);
  const twice = await outcome(perRecord((dir, bytes) => (dir === "c2s" && bytes[0] === 20 ? new Uint8Array([...bytes, ...bytes]) : bytes)));
  assert.is(twice.server.alert, "unexpected_message");
  assert.match(twice.server.message, /UnexpectedChangeCipherSpec/);
});

t("a tampered encrypted Finished is bad_record_mac; a Finished over a different transcript is decrypt_error", async () => {
  let afterCcs = false;
  const tampered = await outcome(perRecord((dir, bytes) => {
    if (dir === "c2s" && bytes[0] === 20) afterCcs = true;
    // The first handshake record after our ChangeCipherSpec is the encrypted Finished.
    if (dir !== "c2s" || bytes[0] !== 22 || !afterCcs) return bytes;
    const out = bytes.slice();
    out[out.length - 1]! ^= 0x01;
    return out;
  }));
  assert.is(tampered.server.alert, "bad_record_mac");
  // Without EMS the master secret does not cover the hellos: drop the client's EMS offer in flight and
  // both sides derive the same keys from different transcripts, so only Finished can tell.
  const transcript = await outcome(rewriteMessage("c2s", 1, (b) => {
    const ch = decodeClientHello(b);
    return encodeClientHello({ random: ch.random, legacySessionId: ch.legacySessionId, cipherSuites: ch.cipherSuites, extensions: ch.extensions.list.filter((e) => e.type !== 23) });
  }));
  assert.is(transcript.server.alert, "decrypt_error");
  assert.match(transcript.server.message, /client Finished does not verify/);
});

t("after the handshake: a wrong explicit nonce is bad_record_mac", async () => {
  let armed = false;
  const { client: c, server: s } = await makePair(clientOptions, serverOptions, {
    tamper: (dir, bytes) => {
      if (!armed || dir !== "c2s" || bytes[0] !== 23) return bytes;
      const out = bytes.slice();
      out[5]! ^= 0x80; // the first byte of the 8-byte explicit nonce (RFC 5288)
      return out;
    },
  });
  await Promise.all([c.conn.handshake, s.conn.handshake]);
  armed = true;
  void c.conn.write(new TextEncoder().encode("hello"));
  await until(() => s.error !== null, 5000, "the server's error");
  assert.is((s.error as TlsError).alert, "bad_record_mac");
});

t("a record of another version once TLS 1.2 is negotiated is protocol_version, plaintext or protected", async () => {
  // The ClientHello's record may say 0x0301; every record after the ServerHello must say 0x0303:
  // the client's records are ClientHello, ClientKeyExchange, ChangeCipherSpec, encrypted Finished.
  for (const [index, what] of [[1, "ClientKeyExchange"], [2, "ChangeCipherSpec"], [3, "the encrypted Finished"]] as const) {
    let n = 0;
    const { server } = await outcome(perRecord((dir, bytes) => (dir === "c2s" && n++ === index ? new Uint8Array([bytes[0]!, 3, 1, ...bytes.subarray(3)]) : bytes)));
    assert.is(server.alert, "protocol_version", `${what}: ${server.message}`);
    assert.match(server.message, /InvalidRecordVersion/);
  }
  const tamper = perRecord((dir, bytes) => (dir === "c2s" && bytes[0] === 22 && bytes[5] === 1 ? new Uint8Array([22, 3, 1, ...bytes.subarray(3)]) : bytes));
  const { client: c, server: s } = await makePair(clientOptions, serverOptions, { tamper });
  await Promise.all([c.conn.handshake, s.conn.handshake]);
});

t.run();
