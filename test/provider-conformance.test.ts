// One conformance suite, run against every CryptoProvider: published known-answer vectors, then
// cross-checks between providers (a signature or key share made by one is accepted by the other).
// node:crypto appears here only as an independent oracle and key generator.
import * as nodeCrypto from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { nodeProvider } from "../providers/node/index.js";
import { webcryptoProvider } from "../providers/webcrypto/index.js";
import { concat, fromHex, toHex, utf8 } from "../src/codec/bytes.js";
import { describePkcs8, encodeSpki, ecdsaRawToDer } from "../src/crypto/keyinfo.js";
import { type CryptoProvider, type FfdheGroupName, type HashAlgorithm, type SignatureAlgorithm } from "../src/crypto/provider.js";
import { ffdhePrime } from "../src/suites/ffdhe.js";
import { hkdfExpand, hkdfExpandLabel, hkdfExtract } from "../src/tls13/hkdf.js";
import {
  CHACHA_RFC8439,
  ECDSA_RFC6979_P256,
  GCM_VECTORS,
  HKDF_RFC5869,
  HMAC_RFC4231_TC1,
  RSA_PSS_CAVP_2048,
  SHA_ABC,
  X25519_RFC7748,
  PBKDF2_SHA256_RFC7914,
  AES_CBC_SP800_38A,
} from "./provider-vectors.js";
import { flip, keys, rejects, signaturesFor } from "./provider-fixtures.js";
import { keyinfoSuite } from "./provider-keyinfo.js";

const providers: readonly CryptoProvider[] = [nodeProvider(), await webcryptoProvider()];
const HASHES: readonly HashAlgorithm[] = ["SHA-256", "SHA-384", "SHA-512"];

for (const p of providers) {
  const test = suite(`provider ${p.name}`);

  test("advertises the baseline every provider must have", () => {
    for (const h of HASHES) assert.ok(p.supports.hashes.includes(h), h);
    for (const a of ["AES-128-GCM", "AES-256-GCM"] as const) assert.ok(p.supports.aeads.includes(a), a);
    for (const g of ["secp256r1", "secp384r1", "secp521r1"] as const) assert.ok(p.supports.groups.includes(g), g);
    for (const s of ["ecdsa", "rsa-pss", "rsa-pkcs1"] as const) assert.ok(p.supports.signatures.includes(s), s);
    assert.equal([...p.supports.curves], ["P-256", "P-384", "P-521"]);
    // Beyond the baseline: what this runtime (Node 20, OpenSSL 3 without FIPS) should offer.
    if (nodeCrypto.getFips() === 0) {
      assert.ok(p.supports.groups.includes("x25519"), "x25519");
      assert.ok(p.supports.signatures.includes("ed25519"), "ed25519");
      assert.is(p.supports.aeads.includes("CHACHA20-POLY1305"), p.name === "node", "ChaCha20-Poly1305 only in node:crypto");
    }
  });

  test("random: requested lengths, no repeats, beyond getRandomValues' 64 KiB limit", () => {
    assert.is(p.random(0).length, 0);
    const big = p.random(100_000);
    assert.is(big.length, 100_000);
    assert.ok(big.subarray(65_536).some((b) => b !== 0), "bytes past the first chunk are filled");
    assert.is.not(toHex(p.random(32)), toHex(p.random(32)));
  });

  test("random: small draws stay distinct across refills of the pool they come from", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const r = p.random(i % 2 === 0 ? 32 : 12);
      assert.ok(r.some((b) => b !== 0), "not wiped before it left");
      seen.add(toHex(r));
      r.fill(0); // the caller owns its copy: this must not reach later draws
    }
    assert.is(seen.size, 300);
  });

  test("hash: FIPS 180-2 'abc' examples", async () => {
    for (const h of HASHES) assert.is(toHex(await p.hash(h, utf8("abc"))), SHA_ABC[h], h);
  });

  test("running hash: the digest so far at every step, equal to hashing the concatenation; feeding goes on after it, and a fork is independent", async () => {
    const running = p.runningHash?.bind(p);
    // The webcrypto provider has none: its transcript hashes the concatenation (that path is the control here).
    if (!running) return assert.is(p.name.includes("webcrypto"), true, `${p.name} has no runningHash`);
    for (const h of HASHES) {
      const r = running(h);
      assert.is(toHex(r.digest()), toHex(await p.hash(h, new Uint8Array(0))), `${h} empty`);
      r.update(utf8("ab"));
      r.update(new Uint8Array(0));
      r.update(utf8("c"));
      assert.is(toHex(r.digest()), SHA_ABC[h], h);
      assert.is(toHex(r.digest()), SHA_ABC[h], `${h}, read twice`);
      const fork = r.fork();
      const more = new Uint8Array(5000).map((_, i) => i);
      r.update(more);
      assert.is(toHex(r.digest()), toHex(await p.hash(h, concat(utf8("abc"), more))), `${h} after more`);
      // The fork kept the state at "abc" and goes its own way.
      assert.is(toHex(fork.digest()), SHA_ABC[h], `${h} fork`);
      fork.update(utf8("d"));
      assert.is(toHex(fork.digest()), toHex(await p.hash(h, utf8("abcd"))), `${h} fork fed`);
      assert.is(toHex(r.digest()), toHex(await p.hash(h, concat(utf8("abc"), more))), `${h} unchanged by the fork`);
    }
  });

  test("hmac: RFC 4231 test case 1, and an empty key equals HashLen zero bytes", async () => {
    const { key, data } = HMAC_RFC4231_TC1;
    for (const h of HASHES) assert.is(toHex(await p.hmac(h, key, data)), HMAC_RFC4231_TC1[h], h);
    const viaEmpty = await p.hmac("SHA-256", new Uint8Array(0), utf8("x"));
    assert.is(toHex(viaEmpty), toHex(await p.hmac("SHA-256", new Uint8Array(32), utf8("x"))));
    assert.is(toHex(viaEmpty), nodeCrypto.createHmac("sha256", Buffer.alloc(0)).update("x").digest("hex"));
  });

  test("hmac: the same key array, reused with new bytes or another hash, gives that key's MAC (keys imported once must not go stale)", async () => {
    const key = new Uint8Array(32).fill(1);
    const oracle = (hash: string, k: Uint8Array): string => nodeCrypto.createHmac(hash, k).update("m").digest("hex");
    assert.is(toHex(await p.hmac("SHA-256", key, utf8("m"))), oracle("sha256", key));
    key.fill(2);
    assert.is(toHex(await p.hmac("SHA-256", key, utf8("m"))), oracle("sha256", key));
    assert.is(toHex(await p.hmac("SHA-384", key, utf8("m"))), oracle("sha384", key));
    const [a, b] = await Promise.all([p.hmac("SHA-256", key, utf8("m")), p.hmac("SHA-256", key, utf8("m"))]);
    assert.is(toHex(a), toHex(b));
  });

  for (const v of HKDF_RFC5869) {
    test(`hkdf from hmac: RFC 5869 ${v.name}`, async () => {
      const prk = await hkdfExtract(p, "SHA-256", v.salt, v.ikm);
      assert.is(toHex(prk), v.prk);
      assert.is(toHex(await hkdfExpand(p, "SHA-256", prk, v.info, v.length)), v.okm);
      // T(1) alone, as every TLS 1.3 key and secret is: a prefix of the same OKM.
      for (const length of [12, 32]) assert.is(toHex(await hkdfExpand(p, "SHA-256", prk, v.info, length)), v.okm.slice(0, 2 * length), `L=${length}`);
    });
  }

  test("HKDF-Expand-Label is HKDF-Expand over the HkdfLabel of RFC 8446 7.1, one block or several", async () => {
    const secret = fromHex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
    const context = new Uint8Array(48).map((_, i) => i);
    for (const [label, ctx, length] of [["key", new Uint8Array(0), 16], ["c hs traffic", context.subarray(0, 32), 32], ["exporter", context, 48], ["EXPERIMENTAL x", context.subarray(0, 5), 100]] as const) {
      const name = utf8(`tls13 ${label}`);
      const info = concat(new Uint8Array([length >> 8, length & 0xff, name.length]), name, new Uint8Array([ctx.length]), ctx);
      assert.is(toHex(await hkdfExpandLabel(p, "SHA-256", secret, label, ctx, length)), toHex(await hkdfExpand(p, "SHA-256", secret, info, length)), `${label} L=${length}`);
    }
    // Both opaque vectors are <0..255>: a longer exporter label or context is the caller's error.
    assert.throws(() => hkdfExpandLabel(p, "SHA-256", secret, "x".repeat(250), new Uint8Array(0), 32), RangeError);
    assert.throws(() => hkdfExpandLabel(p, "SHA-256", secret, "key", new Uint8Array(256), 32), RangeError);
  });

  for (const v of GCM_VECTORS) {
    test(`aead: GCM spec ${v.name}; any flipped bit makes open() null`, async () => {
      const aead = await p.aead(v.algorithm, fromHex(v.key));
      const [iv, aad, pt] = [fromHex(v.iv), fromHex(v.aad), fromHex(v.plaintext)];
      const sealed = await aead.seal(iv, aad, pt);
      assert.is(toHex(sealed), v.ciphertext + v.tag);
      assert.is(toHex((await aead.open(iv, aad, sealed))!), v.plaintext);
      assert.is(await aead.open(iv, aad, flip(sealed, sealed.length - 1)), null, "tag");
      assert.is(await aead.open(iv, aad, flip(sealed, 0)), null, "ciphertext");
      assert.is(await aead.open(iv, flip(aad, 3), sealed), null, "aad");
      assert.is(await aead.open(flip(iv, 11), aad, sealed), null, "nonce");
      assert.is(await aead.open(iv, aad, sealed.subarray(0, 15)), null, "shorter than a tag");
    });
  }

  test("aead: full-size records seal and open in place (sync face where offered), the caller's buffers untouched, and the other provider agrees", async () => {
    const other = providers.find((q) => q !== p)!;
    const key = p.random(16);
    const [aead, reference] = await Promise.all([p.aead("AES-128-GCM", key), other.aead("AES-128-GCM", key)]);
    for (const size of [4095, 4096, 16384, 16385]) {
      const nonce = p.random(12);
      const aad = Uint8Array.of(23, 3, 3, (size + 17) >> 8, (size + 17) & 0xff);
      const content = p.random(size);
      const type = Uint8Array.of(23);
      const before = toHex(content);
      // The record path's shape: content and its type byte sealed into one buffer, after a header.
      let sealed: Uint8Array;
      if (aead.sync) {
        // A view into a larger buffer, as the record path's pooled buffers are: offsets are the view's.
        const backing = new Uint8Array(3 + 5 + size + 1 + 16 + 7).fill(0xee);
        const out = backing.subarray(3);
        const n = aead.sync.sealInto(nonce, aad, [content, type], out, 5);
        assert.is(n, size + 1 + 16);
        assert.ok(backing.subarray(0, 8).every((b) => b === 0xee) && out.subarray(5 + n).every((b) => b === 0xee), "writes only its own span");
        sealed = out.slice(5, 5 + n);
      } else {
        sealed = await aead.seal(nonce, aad, concat(content, type));
      }
      assert.is(content.length, size, "the plaintext is still attached");
      assert.is(toHex(content), before, "the plaintext is unchanged");
      assert.is(toHex(sealed), toHex(await reference.seal(nonce, aad, concat(content, type))), `${size}: same ciphertext as ${other.name}`);
      const opened = (await aead.open(nonce, aad, sealed))!;
      assert.is(toHex(opened), before + "17", `${size}: opens to what was sealed`);
    }
  });

  test("aead: wrong key or nonce sizes are caller errors", async () => {
    await rejects(() => p.aead("AES-128-GCM", new Uint8Array(32)), TypeError);
    const aead = await p.aead("AES-256-GCM", new Uint8Array(32));
    await rejects(() => aead.seal(new Uint8Array(8), new Uint8Array(0), new Uint8Array(1)), TypeError);
    const empty = await aead.seal(new Uint8Array(12), new Uint8Array(0), new Uint8Array(0));
    assert.is(empty.length, 16);
    assert.is((await aead.open(new Uint8Array(12), new Uint8Array(0), empty))!.length, 0);
  });

  test("pbkdf2: RFC 7914 section 11 PBKDF2-HMAC-SHA256 vectors; other hashes agree with node:crypto", async () => {
    // OpenSSL's FIPS module refuses these short salts and single iterations (SP 800-132 minimums).
    if (p.name === "node" && nodeCrypto.getFips() === 1) return;
    for (const v of PBKDF2_SHA256_RFC7914) assert.is(toHex(await p.pbkdf2!("SHA-256", v.password, v.salt, v.iterations, 64)), v.dk, `c=${v.iterations}`);
    const [password, salt] = [utf8("pass phrase"), fromHex("00112233445566778899aabbccddeeff")];
    for (const [h, name] of [["SHA-1", "sha1"], ["SHA-384", "sha384"], ["SHA-512", "sha512"]] as const) {
      assert.is(toHex(await p.pbkdf2!(h, password, salt, 1000, 40)), nodeCrypto.pbkdf2Sync(password, salt, 1000, 40, name).toString("hex"), h);
    }
    await rejects(() => p.pbkdf2!("SHA-256", password, salt, 0, 32), TypeError);
  });

  for (const v of AES_CBC_SP800_38A.cases) {
    test(`decryptAesCbc: NIST SP 800-38A ${v.name}, whole blocks, no padding removed`, async () => {
      assert.is(toHex(await p.decryptAesCbc!(v.key, AES_CBC_SP800_38A.iv, v.ciphertext)), AES_CBC_SP800_38A.plaintext);
      assert.is(toHex(await p.decryptAesCbc!(v.key, AES_CBC_SP800_38A.iv, v.ciphertext.subarray(0, 16))), AES_CBC_SP800_38A.plaintext.slice(0, 32));
      assert.is.not(toHex(await p.decryptAesCbc!(v.key, flip(AES_CBC_SP800_38A.iv, 0), v.ciphertext)), AES_CBC_SP800_38A.plaintext, "a flipped IV bit");
    });
  }

  test("decryptAesCbc: wrong key, IV or block sizes are caller errors", async () => {
    const block = new Uint8Array(16);
    await rejects(() => p.decryptAesCbc!(new Uint8Array(20), block, block), TypeError);
    await rejects(() => p.decryptAesCbc!(new Uint8Array(16), new Uint8Array(12), block), TypeError);
    await rejects(() => p.decryptAesCbc!(new Uint8Array(16), block, new Uint8Array(17)), TypeError);
  });

  test("aead: ChaCha20-Poly1305 RFC 8439 2.8.2 where offered, refused where not", async () => {
    const v = CHACHA_RFC8439;
    if (!p.supports.aeads.includes("CHACHA20-POLY1305")) {
      assert.is(p.name, "webcrypto", "only WebCrypto lacks ChaCha20-Poly1305");
      await rejects(() => p.aead("CHACHA20-POLY1305", v.key), TypeError);
      return;
    }
    const aead = await p.aead("CHACHA20-POLY1305", v.key);
    const sealed = await aead.seal(v.nonce, v.aad, v.plaintext);
    assert.is(toHex(sealed), toHex(concat(v.ciphertext, v.tag)));
    assert.is(toHex((await aead.open(v.nonce, v.aad, sealed))!), toHex(v.plaintext));
    assert.is(await aead.open(v.nonce, v.aad, flip(sealed, 40)), null);
  });

  test("ecdsa verify: RFC 6979 A.2.5 P-256 vectors; tampering and bad DER give false", async () => {
    const v = ECDSA_RFC6979_P256;
    const point = fromHex(`04${v.ux}${v.uy}`);
    const spki = fromHex(`3059301306072a8648ce3d020106082a8648ce3d030107034200${toHex(point)}`);
    assert.is(toHex(encodeSpki({ type: "ec", curve: "P-256" }, point)), toHex(spki), "keyinfo builds the same SPKI");
    const alg: SignatureAlgorithm = { type: "ecdsa", hash: "SHA-256" };
    for (const { message, r, s } of v.signatures) {
      const der = ecdsaRawToDer(fromHex(r + s), 32);
      const msg = utf8(message);
      assert.ok(await p.verify(alg, spki, msg, der), message);
      assert.not.ok(await p.verify(alg, spki, utf8(message + "!"), der), "other message");
      assert.not.ok(await p.verify(alg, spki, msg, flip(der, der.length - 1)), "flipped s");
      assert.not.ok(await p.verify({ type: "ecdsa", hash: "SHA-384" }, spki, msg, der), "other hash");
      assert.not.ok(await p.verify(alg, spki, msg, der.subarray(0, der.length - 1)), "truncated DER");
      assert.not.ok(await p.verify(alg, spki, msg, fromHex(r + s)), "raw r||s is not DER");
    }
    // "sample"'s DER, spelled out: both integers have the high bit set, so each gets a 00 prefix.
    const sampleDer = fromHex(`3046022100${v.signatures[0].r}022100${v.signatures[0].s}`);
    assert.ok(await p.verify(alg, spki, utf8("sample"), sampleDer));
    const nonMinimal = fromHex(`30470222 0000${v.signatures[0].r} 022100${v.signatures[0].s}`);
    assert.not.ok(await p.verify(alg, spki, utf8("sample"), nonMinimal), "non-minimal INTEGER");
  });

  test("rsa-pss verify: NIST CAVP SigGenPSS 2048-bit SHA-256 vector; tampering gives false", async () => {
    const v = RSA_PSS_CAVP_2048;
    const b64u = (h: string): string => Buffer.from(h, "hex").toString("base64url");
    const spki = new Uint8Array(
      nodeCrypto.createPublicKey({ key: { kty: "RSA", n: b64u(v.n), e: b64u(v.e) }, format: "jwk" }).export({ type: "spki", format: "der" }),
    );
    const alg: SignatureAlgorithm = { type: "rsa-pss", hash: "SHA-256", saltLength: v.saltLength };
    const [msg, sig] = [fromHex(v.message), fromHex(v.signature)];
    assert.ok(await p.verify(alg, spki, msg, sig));
    assert.not.ok(await p.verify(alg, spki, msg, flip(sig, 100)), "flipped signature bit");
    assert.not.ok(await p.verify(alg, spki, flip(msg, 0), sig), "flipped message bit");
    assert.not.ok(await p.verify({ ...alg, saltLength: 32 }, spki, msg, sig), "other salt length");
    assert.not.ok(await p.verify({ type: "rsa-pkcs1", hash: "SHA-256" }, spki, msg, sig), "PKCS#1 v1.5");
  });

  test("key shares: wire format, and agreement between two shares of this provider", async () => {
    for (const group of p.supports.groups) {
      const [a, b] = await Promise.all([p.keyShare(group), p.keyShare(group)]);
      // FFDHE: Y and Z are both as long as the prime (RFC 8446 4.2.8.1, 7.4.1).
      const ffdhe = { ffdhe2048: 256, ffdhe3072: 384, ffdhe4096: 512, ffdhe6144: 768, ffdhe8192: 1024 };
      const expected = { secp256r1: 65, secp384r1: 97, secp521r1: 133, x25519: 32, x448: 56, ...ffdhe }[group];
      assert.is(a.publicKey.length, expected, group);
      if (group.startsWith("secp")) assert.is(a.publicKey[0], 4, "uncompressed point");
      const [ab, ba] = await Promise.all([a.agree(b.publicKey), b.agree(a.publicKey)]);
      assert.is(ab.length, { secp256r1: 32, secp384r1: 48, secp521r1: 66, x25519: 32, x448: 56, ...ffdhe }[group], group);
      assert.is(toHex(ab), toHex(ba), group);
    }
  });

  test("key shares: invalid peer values are rejected", async () => {
    for (const group of p.supports.groups) {
      const share = await p.keyShare(group);
      const peer = (await p.keyShare(group)).publicKey;
      const bad: Uint8Array[] = [new Uint8Array(0), peer.subarray(1), concat(peer, new Uint8Array(1))];
      if (group === "x25519" || group === "x448") {
        // u = 0 and u = 1 are small-order points: X25519 and X448 would output all zeros (RFC 7748 6).
        bad.push(new Uint8Array(peer.length), concat(new Uint8Array([1]), new Uint8Array(peer.length - 1)));
      } else if (group.startsWith("ffdhe")) {
        // Outside 1 < Y < p-1 (RFC 8446 4.2.8.1): 0, 1, p-1, p, and all ones (above p).
        const p = ffdhePrime(group as FfdheGroupName);
        const pMinus1 = p.slice();
        pMinus1[pMinus1.length - 1]! -= 1;
        const one = new Uint8Array(p.length);
        one[one.length - 1] = 1;
        bad.push(new Uint8Array(p.length), one, pMinus1, p, new Uint8Array(p.length).fill(0xff));
      } else {
        const half = (peer.length - 1) / 2;
        bad.push(flip(peer, peer.length - 1)); // y no longer matches x: off the curve
        bad.push(concat(new Uint8Array([2 | (peer[peer.length - 1]! & 1)]), peer.subarray(1, 1 + half))); // compressed
        bad.push(concat(new Uint8Array([4]), new Uint8Array(2 * half))); // (0, 0)
      }
      for (const value of bad) await rejects(() => share.agree(value), TypeError, `${group}: ${toHex(value).slice(0, 16)}`);
    }
  });

  test("x25519: agreement with the RFC 7748 6.1 keys matches the RFC's private key used by node:crypto", async () => {
    if (!p.supports.groups.includes("x25519")) return assert.is(p.name, "webcrypto");
    const v = X25519_RFC7748;
    // The KeyShare interface never accepts a private key, so the RFC's private key is used on the
    // test's side (node:crypto), after checking there that it reproduces the RFC's values.
    const x25519Private = (raw: Uint8Array) =>
      nodeCrypto.createPrivateKey({ key: Buffer.from(`302e020100300506032b656e04220420${toHex(raw)}`, "hex"), format: "der", type: "pkcs8" });
    const x25519Public = (raw: Uint8Array) =>
      nodeCrypto.createPublicKey({ key: Buffer.from(encodeSpki({ type: "x25519" }, raw)), format: "der", type: "spki" });
    const [alice, bob] = [x25519Private(v.alicePrivate), x25519Private(v.bobPrivate)];
    assert.is(toHex(nodeCrypto.createPublicKey(alice).export({ type: "spki", format: "der" }).subarray(-32)), toHex(v.alicePublic));
    assert.is(toHex(nodeCrypto.createPublicKey(bob).export({ type: "spki", format: "der" }).subarray(-32)), toHex(v.bobPublic));
    assert.is(toHex(nodeCrypto.diffieHellman({ privateKey: alice, publicKey: x25519Public(v.bobPublic) })), toHex(v.shared));
    assert.is(toHex(nodeCrypto.diffieHellman({ privateKey: bob, publicKey: x25519Public(v.alicePublic) })), toHex(v.shared));
    const share = await p.keyShare("x25519");
    const ours = await share.agree(v.alicePublic);
    const theirs = nodeCrypto.diffieHellman({ privateKey: alice, publicKey: x25519Public(share.publicKey) });
    assert.is(toHex(ours), theirs.toString("hex"));
  });

  test("fips(): honest about what it knows", () => {
    const status = p.fips();
    if (p.name === "node") {
      assert.is(status.enforced, nodeCrypto.getFips() === 1);
      assert.is(status.attestable, true);
      // Outside FIPS mode the default provider is libcrypto itself; in FIPS mode the module is the FIPS
      // provider, named as it names itself, or not named at all (then "not attested" says why).
      if (nodeCrypto.getFips() === 1) assert.ok(status.module === undefined ? (status.notAttested ?? []).length > 0 : /FIPS/i.test(status.module), status.module);
      else assert.is(status.module, `OpenSSL ${process.versions.openssl}`);
      assert.match(status.evidence, /crypto\.getFips\(\) returned [01]/);
    } else {
      assert.equal([status.enforced, status.attestable, status.module], [false, false, undefined]);
      assert.match(status.evidence, /cannot be determined/);
    }
  });

  test("signing keys: metadata and SPKI match node:crypto for every key kind", async () => {
    for (const k of keys) {
      if (k.type === "ed25519" && !p.supports.signatures.includes("ed25519")) continue;
      const key = await p.signingKey(k.pkcs8);
      assert.is(key.type, k.type, k.name);
      assert.is(key.curve, k.curve, k.name);
      assert.is(key.modulusBits, k.modulusBits, k.name);
      assert.is(toHex(key.spki), toHex(k.spki), k.name);
    }
  });

  test("signing keys: wrong pairings are refused", async () => {
    const ec = await p.signingKey(keys.find((k) => k.name === "P-256")!.pkcs8);
    await rejects(() => ec.sign({ type: "rsa-pss", hash: "SHA-256", saltLength: 32 }, utf8("m")), TypeError);
    const pss = await p.signingKey(keys.find((k) => k.type === "rsa-pss")!.pkcs8);
    await rejects(() => pss.sign({ type: "rsa-pkcs1", hash: "SHA-256" }, utf8("m")), TypeError);
    const x = nodeCrypto.generateKeyPairSync("x25519").privateKey.export({ type: "pkcs8", format: "der" });
    await rejects(() => p.signingKey(new Uint8Array(x)), TypeError);
    await rejects(() => p.signingKey(utf8("not a key")), TypeError);
    const sig = await ec.sign({ type: "ecdsa", hash: "SHA-256" }, utf8("m"));
    assert.not.ok(await p.verify({ type: "rsa-pkcs1", hash: "SHA-256" }, ec.spki, utf8("m"), sig), "key type mismatch is false");
    const pssSig = await pss.sign({ type: "rsa-pss", hash: "SHA-256", saltLength: 32 }, utf8("m"));
    assert.ok(await p.verify({ type: "rsa-pss", hash: "SHA-256", saltLength: 32 }, pss.spki, utf8("m"), pssSig));
    assert.not.ok(await p.verify({ type: "rsa-pkcs1", hash: "SHA-256" }, pss.spki, utf8("m"), pssSig), "PSS keys never verify PKCS#1");
  });

  test.run();
}

const cross = suite("providers agree with each other");

for (const k of keys) {
  cross(`${k.name}: signatures made by each provider verify with both`, async () => {
    const able = providers.filter((p) => k.type !== "ed25519" || p.supports.signatures.includes("ed25519"));
    if (able.length < 2) return assert.ok(able.length === 1 && k.type === "ed25519");
    for (const signer of able) {
      const key = await signer.signingKey(k.pkcs8);
      for (const alg of signaturesFor(k)) {
        const message = signer.random(100);
        const signature = await key.sign(alg, message);
        for (const verifier of able) {
          const label = `${signer.name} -> ${verifier.name} ${JSON.stringify(alg)}`;
          assert.ok(await verifier.verify(alg, key.spki, message, signature), label);
          assert.not.ok(await verifier.verify(alg, key.spki, flip(message, 7), signature), `${label} (tampered)`);
        }
      }
    }
  });
}

cross("key shares: each provider agrees with the other on every shared group", async () => {
  const [a, b] = providers as [CryptoProvider, CryptoProvider];
  const groups = a.supports.groups.filter((g) => b.supports.groups.includes(g));
  assert.ok(groups.length >= 3);
  for (const group of groups) {
    const [x, y] = await Promise.all([a.keyShare(group), b.keyShare(group)]);
    assert.is(toHex(await x.agree(y.publicKey)), toHex(await y.agree(x.publicKey)), group);
  }
});

cross("describePkcs8 finds the public key wherever the PKCS#8 carries it", () => {
  for (const k of keys) {
    const info = describePkcs8(k.pkcs8);
    assert.is(info.type, k.type, k.name);
    // node writes the SEC1 publicKey for EC and derives n,e for RSA; Ed25519 v1 keys lack it.
    if (k.type === "ed25519") assert.is(info.spki, undefined);
    else assert.is(toHex(info.spki!), toHex(k.spki), k.name);
  }
});

cross.run();

keyinfoSuite(providers).run();
