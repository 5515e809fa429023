// The TLS 1.2 PRF and the secrets built on it against published vectors, TLS 1.2 AEAD record
// protection on its own (round trips, tampering, bounds), and both against real OpenSSL peers: a
// handshake is recorded by a proxy, and the key block derived from the peer's logged master secret
// must open every encrypted record and reproduce both Finished messages.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { constants, privateDecrypt } from "node:crypto";
import * as net from "node:net";
import * as tls from "node:tls";
import { concat, fromHex, toHex, utf8 } from "../src/codec/bytes.js";
import type { AeadAlgorithm, CryptoProvider } from "../src/crypto/provider.js";
import { TlsError } from "../src/errors.js";
import { Tls12AeadProtection } from "../src/record/tls12-aead.js";
import { type Tls12PrfHash, extendedMasterSecret, keyBlock, masterSecret, prf, verifyData } from "../src/tls12/prf.js";
import { type CertSet, type Scope, freePort, interopPki, scoped, Sink, spawnOpenssl, untilListening, within } from "./interop/peers.js";
import { PROVIDERS } from "./_providers.js";

const t = suite("TLS 1.2 PRF, key block and AEAD records");
const hex = (b: Uint8Array): string => toHex(b);
const supports = (p: CryptoProvider, a: AeadAlgorithm): boolean => p.supports.aeads.includes(a);
/** What `p` rejects with; fails if it resolves. */
const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => assert.unreachable("expected a rejection"), (e: unknown) => e);
const alertOf = async (p: Promise<unknown>): Promise<string> => {
  const e = await failure(p);
  assert.instance(e, TlsError);
  return (e as TlsError).alert;
};
const rejects = async (p: Promise<unknown>): Promise<void> => assert.instance(await failure(p), RangeError);

// The P_SHA256 / P_SHA384 vectors posted to the IETF TLS list (www.ietf.org/mail-archive/web/tls/current/msg03416.html),
// label "test label"; every value here was also recomputed with `openssl kdf ... TLS1-PRF`.
const IETF = [
  { hash: "SHA-256", secret: "9bbe436ba940f017b17652849a71db35", seed: "a0ba9f936cda311827a6f796ffd5198c",
    out: "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66" },
  { hash: "SHA-384", secret: "b80b733d6ceefcdc71566ea48e5567df", seed: "cd665cf6a8447dd6ff8b27555edb7465",
    out: "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f" },
] as const;
// NIST CAVP SP 800-135 "TLS" KDF vectors (800-135testvectors/tls.zip), [TLS 1.2, SHA-256|SHA-384] COUNT = 0:
// the master secret from the hello randoms, the 1024-bit key block from a second pair of randoms.
const CAVP = [
  { hash: "SHA-256", pms: "f8938ecc9edebc5030c0c6a441e213cd24e6f770a50dda07876f8d55da062bcadb386b411fd4fe4313a604fce6c17fbc",
    serverHello: "f6c9575ed7ddd73e1f7d16eca115415812a43c2b747daaaae043abfb50053fce", clientHello: "36c129d01a3200894b9179faac589d9835d58775f9b5ea3587cb8fd0364cae8c",
    server: "ae6c806f8ad4d80784549dff28a4b58fd837681a51d928c3e30ee5ff14f39868", client: "62e1fd91f23f558a605f28478c58cf72637b89784d959df7e946d3f07bd1b616",
    master: "202c88c00f84a17a20027079604787461176455539e705be730890602c289a5001e34eeb3a043e5d52a65e66125188bf",
    keyBlock: "d06139889fffac1e3a71865f504aa5d0d2a2e89506c6f2279b670c3e1b74f531016a2530c51a3a0f7e1d6590d0f0566b2f387f8d11fd4f731cdd572d2eae927f6f2f81410b25e6960be68985add6c38445ad9f8c64bf8068bf9a6679485d966f1ad6f68b43495b10a683755ea2b858d70ccac7ec8b053c6bd41ca299d4e51928" },
  { hash: "SHA-384", pms: "a5e2642633f5b8c81ad3fe0c2fe3a8e5ef806b06121dd10df4bb0fe857bfdcf522558e05d2682c9a80c741a3aab1716f",
    serverHello: "cb6e0b3eb02976b6466dfa9651c2919414f1648fd3a7838d02153e5bd39535b6", clientHello: "abe4bf5527429ac8eb13574d2709e8012bd1a113c6d3b1d3aa2c3840518778ac",
    server: "1b1c8568344a65c30828e7483c0e353e2c68641c9551efae6927d9cd627a107c", client: "954b5fe1849c2ede177438261f099a2fcd884d001b9fe1de754364b1f6a6dd8e",
    master: "b4d49bfa87747fe815457bc3da15073d6ac73389e703079a3503c09e14bd559a5b3c7c601c7365f6ea8c68d3d9596827",
    keyBlock: "10fd89ef689c7ef033387b8a8f3e5e8e7c11f680f6bdd71fbac3246a73e98d45d03185dde686e6b2369e4503e9dc5a6d2cee3e2bf2fa3f41d3de57dff3e197c8a9d5f74cc2d277119d894f8584b07a0a5822f0bd68b3433ec6adaf5c9406c5f3ddbb71bbe17ce98f3d4d5893d3179ef369f57aad908e2bf710639100c3ce7e0c" },
] as const;
const AEADS: readonly AeadAlgorithm[] = ["AES-128-GCM", "AES-256-GCM", "CHACHA20-POLY1305"];

for (const [name, p] of PROVIDERS) {
  t(`IETF TLS list P_SHA256 and P_SHA384 vectors, and shorter outputs are prefixes (${name})`, async () => {
    for (const v of IETF) {
      assert.is(hex(await prf(p, v.hash, fromHex(v.secret), "test label", fromHex(v.seed), v.out.length / 2)), v.out, v.hash);
      for (const n of [1, 12, 32, 48, 49]) assert.is(hex(await prf(p, v.hash, fromHex(v.secret), "test label", fromHex(v.seed), n)), v.out.slice(0, 2 * n));
    }
  });

  t(`CAVP SP 800-135 TLS 1.2 master secret and key block; keyBlock() splits its prefix (${name})`, async () => {
    for (const v of CAVP) {
      assert.is(hex(await masterSecret(p, v.hash, fromHex(v.pms), fromHex(v.clientHello), fromHex(v.serverHello))), v.master, v.hash);
      const block = await prf(p, v.hash, fromHex(v.master), "key expansion", fromHex(v.server + v.client), 128);
      assert.is(hex(block), v.keyBlock, v.hash);
      for (const aead of AEADS) {
        const kb = await keyBlock(p, v.hash, aead, fromHex(v.master), fromHex(v.client), fromHex(v.server));
        const order = [kb.clientWriteKey, kb.serverWriteKey, kb.clientWriteIv, kb.serverWriteIv];
        assert.equal(order.map((b) => b.length), aead === "CHACHA20-POLY1305" ? [32, 32, 12, 12] : aead === "AES-128-GCM" ? [16, 16, 4, 4] : [32, 32, 4, 4]);
        assert.is(hex(concat(...order)), v.keyBlock.slice(0, 2 * concat(...order).length), `${v.hash} ${aead}`);
      }
    }
  });

  t(`inputs out of bounds are refused with RangeError (${name})`, async () => {
    const s = new Uint8Array(48);
    const r = new Uint8Array(32);
    await rejects(prf(p, "SHA-256", s, "x", r, 0));
    await rejects(prf(p, "SHA-256", s, "x", r, 1025));
    await rejects(prf(p, "SHA-256", s, "", r, 12));
    await rejects(prf(p, "SHA-512" as Tls12PrfHash, s, "x", r, 12));
    await rejects(masterSecret(p, "SHA-256", s, new Uint8Array(31), r));
    await rejects(masterSecret(p, "SHA-256", new Uint8Array(0), r, r));
    await rejects(extendedMasterSecret(p, "SHA-384", s, new Uint8Array(32)));
    await rejects(keyBlock(p, "SHA-256", "AES-128-GCM", new Uint8Array(47), r, r));
    await rejects(verifyData(p, "SHA-256", s, "client finished", new Uint8Array(48)));
    await rejects(verifyData(p, "SHA-256", s, "finished" as "client finished", r));
  });

  for (const aead of AEADS.filter((a) => supports(p, a))) {
    const explicit = aead === "CHACHA20-POLY1305" ? 0 : 8;
    const keys = { key: p.random(aead === "AES-128-GCM" ? 16 : 32), iv: p.random(explicit ? 4 : 12) };
    t(`${aead} records: wire format, round trips, tampering and bounds (${name})`, async () => {
      const prot = await Tls12AeadProtection.create(p, aead, keys);
      for (const [seq, len] of [[0, 0], [1, 1], [2 ** 32 + 5, 1000], [2 ** 40, 16384]] as const) {
        const content = p.random(len);
        const rec = await prot.seal(23, content, seq);
        assert.equal([...rec.subarray(0, 5)], [23, 3, 3, (explicit + len + 16) >> 8, (explicit + len + 16) & 0xff]);
        // GCM's explicit nonce is the sequence number (RFC 5288 section 3), visible in the record.
        if (explicit) assert.is(hex(rec.subarray(5, 13)), seq.toString(16).padStart(16, "0"));
        const opened = await prot.open(rec.subarray(0, 5), rec.subarray(5), seq);
        assert.is(opened.type, 23);
        assert.is(hex(opened.content), hex(content));
        assert.is(await alertOf(prot.open(rec.subarray(0, 5), rec.subarray(5), seq + 1)), "bad_record_mac", "wrong sequence number");
      }
      const rec = await prot.seal(22, utf8("finished"), 0);
      const open = (r: Uint8Array): Promise<unknown> => prot.open(r.subarray(0, 5), r.subarray(5), 0);
      const flipped = (at: number, bit = 1): Uint8Array => {
        const c = rec.slice();
        c[at]! ^= bit;
        return c;
      };
      assert.is(await alertOf(open(flipped(rec.length - 1, 0x80))), "bad_record_mac", "tag bit");
      assert.is(await alertOf(open(flipped(0, 22 ^ 21))), "bad_record_mac", "content type is authenticated");
      assert.is(await alertOf(open(flipped(2))), "bad_record_mac", "version is authenticated");
      if (explicit) assert.is(await alertOf(open(flipped(5))), "bad_record_mac", "explicit nonce");
      const short = new Uint8Array(explicit + 15);
      assert.is(await alertOf(prot.open(rec.subarray(0, 5), short, 0)), "bad_record_mac", "shorter than nonce + tag");
      assert.is(await alertOf(prot.open(rec.subarray(0, 5), new Uint8Array(2 ** 14 + 2049), 0)), "record_overflow");
      // An authentic record whose plaintext is one byte over 2^14 is still refused.
      const big = p.random(2 ** 14 + 1);
      const aad = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 7, 23, 3, 3, big.length >> 8, big.length & 0xff]);
      const nonceTail = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 7]);
      const nonce = explicit ? concat(keys.iv, nonceTail) : keys.iv.map((b, i) => b ^ (i >= 4 ? nonceTail[i - 4]! : 0));
      const forged = concat(explicit ? nonceTail : new Uint8Array(0), await (await p.aead(aead, keys.key)).seal(nonce, aad, big));
      assert.is(await alertOf(prot.open(new Uint8Array([23, 3, 3, forged.length >> 8, forged.length & 0xff]), forged, 7)), "record_overflow");
      await rejects(prot.seal(23, big, 0));
      await rejects(Tls12AeadProtection.create(p, aead, { key: keys.key, iv: new Uint8Array(explicit ? 12 : 4) }));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Real peers: node:tls (OpenSSL in-process) or `openssl s_server`, recorded by a proxy.

/** Handshake messages from the plaintext records before ChangeCipherSpec, and the (encrypted) records after it. */
function split(stream: Uint8Array): { messages: Uint8Array[]; encrypted: Uint8Array[] } {
  const recs: Uint8Array[] = [];
  for (let at = 0, end = 0; at < stream.length; at = end) {
    end = at + 5 + ((stream[at + 3]! << 8) | stream[at + 4]!);
    assert.ok(at + 5 <= stream.length && end <= stream.length, "truncated record");
    recs.push(stream.slice(at, end));
  }
  const ccs = recs.findIndex((r) => r[0] === 20);
  assert.ok(ccs > 0, "no ChangeCipherSpec");
  assert.ok(recs.slice(0, ccs).every((r) => r[0] === 22), "only handshake records before ChangeCipherSpec");
  const hs = concat(...recs.slice(0, ccs).map((r) => r.subarray(5)));
  const messages: Uint8Array[] = [];
  for (let at = 0, end = 0; at < hs.length; at = end) {
    end = at + 4 + ((hs[at + 1]! << 16) | (hs[at + 2]! << 8) | hs[at + 3]!);
    messages.push(hs.subarray(at, end));
  }
  return { messages, encrypted: recs.slice(ccs + 1) };
}
/** Cipher suite and extension types of a ServerHello message. */
function serverHello(sh: Uint8Array): { suite: number; extensions: number[] } {
  let at = 4 + 2 + 32;
  at += 1 + sh[at]!;
  const suite = (sh[at]! << 8) | sh[at + 1]!;
  const extensions: number[] = [];
  for (at += 3 + 2; at < sh.length; at += 4 + ((sh[at + 2]! << 8) | sh[at + 3]!)) extensions.push((sh[at]! << 8) | sh[at + 1]!);
  return { suite, extensions };
}

/** A TCP relay on 127.0.0.1 that keeps every byte of each direction. */
async function recordingProxy(scope: Scope, target: number): Promise<{ port: number; c2s: Buffer[]; s2c: Buffer[]; closed: Promise<void> }> {
  const c2s: Buffer[] = [];
  const s2c: Buffer[] = [];
  let done!: () => void;
  const closed = new Promise<void>((r) => (done = r));
  const server = net.createServer({ allowHalfOpen: true }, (inbound) => {
    const outbound = scope.stream(net.connect({ host: "127.0.0.1", port: target, allowHalfOpen: true }));
    scope.stream(inbound);
    let open = 2;
    const pipe = (from: net.Socket, to: net.Socket, log: Buffer[]): void => {
      from.on("data", (d: Buffer) => (log.push(d), to.write(d)));
      from.on("end", () => to.end());
      from.on("error", () => to.destroy());
      from.on("close", () => --open === 0 && done());
    };
    pipe(inbound, outbound, c2s);
    pipe(outbound, inbound, s2c);
  });
  scope.add(() => new Promise<void>((r) => server.close(() => r())));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { port: (server.address() as net.AddressInfo).port, c2s, s2c, closed };
}

// `ems` is set for RSA key exchange, where the pre-master secret can be recovered and the master secret recomputed:
// whether the client offers Extended Master Secret.
type Case = { server: "node:tls" | "s_server"; cipher: string; id: number; hash: Tls12PrfHash; aead: AeadAlgorithm; cert: CertSet["kind"]; ems?: boolean };
const CASES: readonly Case[] = [
  { server: "node:tls", cipher: "ECDHE-ECDSA-AES128-GCM-SHA256", id: 0xc02b, hash: "SHA-256", aead: "AES-128-GCM", cert: "ecdsa-p256" },
  { server: "s_server", cipher: "ECDHE-ECDSA-CHACHA20-POLY1305", id: 0xcca9, hash: "SHA-256", aead: "CHACHA20-POLY1305", cert: "ecdsa-p256" },
  { server: "node:tls", cipher: "ECDHE-ECDSA-AES256-GCM-SHA384", id: 0xc02c, hash: "SHA-384", aead: "AES-256-GCM", cert: "ecdsa-p256" },
  { server: "node:tls", cipher: "AES128-GCM-SHA256", id: 0x009c, hash: "SHA-256", aead: "AES-128-GCM", cert: "rsa-2048", ems: false },
  { server: "s_server", cipher: "AES256-GCM-SHA384", id: 0x009d, hash: "SHA-384", aead: "AES-256-GCM", cert: "rsa-2048", ems: true },
];
const CLIENT_MSG = "hello from the TLS 1.2 client\n";
const SERVER_MSG = "hello from the TLS 1.2 server\n";
// OpenSSL's SSL_OP_NO_EXTENDED_MASTER_SECRET (ssl.h: SSL_OP_BIT(0)); Node 20 does not export it.
const NO_EMS = (constants as unknown as Record<string, number>).SSL_OP_NO_EXTENDED_MASTER_SECRET ?? 1;

/** Runs one TLS 1.2 handshake and exchange through the proxy; returns the bytes and the client's key log. */
async function converse(scope: Scope, c: Case): Promise<{ c2s: Uint8Array; s2c: Uint8Array; keylog: string; cert: CertSet }> {
  const pki = interopPki();
  const cert = pki.certs.find((x) => x.kind === c.cert)!;
  let target: number;
  let reply: () => Promise<void>;
  if (c.server === "node:tls") {
    const server = tls.createServer(
      { key: cert.keyPem, cert: cert.certPem, minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: c.cipher, secureOptions: constants.SSL_OP_NO_TICKET },
      (s) => {
        s.on("error", () => {});
        new Sink(s, "node:tls server").match(CLIENT_MSG).then(() => s.end(SERVER_MSG), () => s.destroy());
      },
    );
    scope.add(() => new Promise<void>((r) => server.close(() => r())));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    target = (server.address() as net.AddressInfo).port;
    reply = async () => {};
  } else {
    target = await freePort();
    const args = ["s_server", "-accept", `127.0.0.1:${target}`, "-cert", cert.certPath, "-key", cert.keyPath, "-tls1_2", "-cipher", c.cipher, "-no_ticket", "-quiet"];
    const peer = spawnOpenssl(scope, args, `s_server ${c.cipher}`);
    await Promise.race([untilListening(target), peer.exited.then(() => Promise.reject(new Error(peer.describe())))]);
    reply = async () => {
      await peer.stdout.match(CLIENT_MSG);
      peer.write(SERVER_MSG);
    };
  }
  const proxy = await recordingProxy(scope, target);
  const client = scope.stream(
    tls.connect({
      host: "127.0.0.1", port: proxy.port, servername: "localhost", ca: pki.caPem, minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: c.cipher,
      ...(c.ems === false ? { secureOptions: NO_EMS } : {}),
    }),
  );
  const keylog: string[] = [];
  client.on("keylog", (line: Buffer) => keylog.push(line.toString("latin1")));
  const sink = new Sink(client, "node:tls client");
  await within(new Promise<void>((resolve, reject) => (client.once("secureConnect", resolve), client.once("error", reject))), "TLS 1.2 handshake");
  assert.is(client.getProtocol(), "TLSv1.2");
  client.write(CLIENT_MSG);
  await reply();
  await sink.match(SERVER_MSG);
  client.end();
  await within(proxy.closed, "both sides to close");
  return { c2s: concat(...proxy.c2s), s2c: concat(...proxy.s2c), keylog: keylog.join(""), cert };
}

/** Strips PKCS #1 v1.5 encryption padding (00 02 PS 00 M) from a raw RSA decryption. */
function unpadPkcs1(em: Uint8Array): Uint8Array {
  assert.equal([em[0], em[1]], [0, 2]);
  return em.subarray(em.indexOf(0, 2) + 1);
}

for (const c of CASES) {
  t(`real peer (${c.server}): ${c.cipher}${c.ems === undefined ? "" : c.ems ? ", RSA key exchange with EMS" : ", RSA key exchange without EMS"}`, scoped(async (scope) => {
    const run = await converse(scope, c);
    const client = split(run.c2s);
    const server = split(run.s2c);
    const [ch, ...clientRest] = client.messages;
    const clientRandom = ch!.subarray(6, 38);
    const serverRandom = server.messages[0]!.subarray(6, 38);
    const sh = serverHello(server.messages[0]!);
    assert.is(sh.suite, c.id);
    assert.is(sh.extensions.includes(23), c.ems !== false, "extended_master_secret negotiated");
    const logged = new RegExp(`^CLIENT_RANDOM ${hex(clientRandom)} ([0-9a-f]{96})$`, "mi").exec(run.keylog);
    assert.ok(logged, `no CLIENT_RANDOM line for this handshake in: ${run.keylog}`);
    const master = fromHex(logged![1]!);
    // Client Finished covers ClientHello, the server's first flight, ClientKeyExchange (no tickets, no client certificate).
    const transcript = concat(ch!, ...server.messages, ...clientRest);
    for (const [name, p] of PROVIDERS.filter(([, p]) => supports(p, c.aead))) {
      if (c.ems !== undefined) {
        // RSA key exchange: the pre-master secret is recoverable with the server's key, so the master secret can be recomputed.
        const cke = clientRest.find((m) => m[0] === 16)!;
        const pms = unpadPkcs1(privateDecrypt({ key: run.cert.keyPem, padding: constants.RSA_NO_PADDING }, cke.subarray(6)));
        assert.is(pms.length, 48);
        const ours = c.ems
          ? await extendedMasterSecret(p, c.hash, pms, await p.hash(c.hash, transcript))
          : await masterSecret(p, c.hash, pms, clientRandom, serverRandom);
        assert.is(hex(ours), hex(master), `${name}: master secret`);
      }
      const kb = await keyBlock(p, c.hash, c.aead, master, clientRandom, serverRandom);
      const sides = [
        { recs: client.encrypted, keys: { key: kb.clientWriteKey, iv: kb.clientWriteIv }, label: "client finished", hs: transcript, want: CLIENT_MSG },
        { recs: server.encrypted, keys: { key: kb.serverWriteKey, iv: kb.serverWriteIv }, label: "server finished", hs: undefined, want: SERVER_MSG },
      ] as const;
      let clientFinished: Uint8Array | undefined;
      for (const side of sides) {
        const prot = await Tls12AeadProtection.create(p, c.aead, side.keys);
        const opened = await Promise.all(side.recs.map((r, seq) => prot.open(r.subarray(0, 5), r.subarray(5), seq)));
        // Record 0 under the new keys is Finished; its verify_data must be ours.
        const fin = opened[0]!;
        assert.is(fin.type, 22);
        assert.equal([...fin.content.subarray(0, 4)], [20, 0, 0, 12]);
        const hs = side.hs ?? concat(transcript, clientFinished!);
        const expected = await verifyData(p, c.hash, master, side.label, await p.hash(c.hash, hs));
        assert.is(hex(fin.content.subarray(4)), hex(expected), `${name}: ${side.label}`);
        if (side.hs) clientFinished = fin.content;
        const app = opened.filter((o) => o.type === 23).map((o) => o.content);
        assert.is(new TextDecoder().decode(concat(...app)), side.want, `${name}: application data`);
        for (const o of opened.slice(1)) if (o.type === 21) assert.equal([...o.content], [1, 0], "only close_notify alerts");
        // ChaCha20-Poly1305 nonces are fixed by the sequence number, so sealing the same content must give the peer's
        // bytes. (OpenSSL's GCM explicit nonces count up from a random start where ours are the sequence number.)
        if (c.aead === "CHACHA20-POLY1305") {
          for (const [seq, o] of opened.entries()) assert.is(hex(await prot.seal(o.type, o.content, seq)), hex(side.recs[seq]!), `${name}: re-sealed record ${seq}`);
        }
      }
    }
  }));
}

t.run();
