// Key-container checks for the conformance suite: PEM/SEC1/PKCS#1 -> PKCS#8 round trips that end in
// a working SigningKey on every provider, SPKI description, ECDSA signature re-encoding, and the
// browser-safety of the files the WebCrypto provider is built from.
import * as nodeCrypto from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { fromHex, toHex, utf8 } from "../src/codec/bytes.js";
import { encodePem } from "../src/codec/pem.js";
import {
  describeSpki,
  ecdsaDerToRaw,
  ecdsaRawToDer,
  importPrivateKeyPem,
  pkcs8AsRsaEncryption,
  spkiAsRsaEncryption,
  toPkcs8,
} from "../src/crypto/keyinfo.js";
import type { CryptoProvider, SignatureAlgorithm } from "../src/crypto/provider.js";
import { flip, keys, rejects, type TestKey } from "./provider-fixtures.js";

const byName = (name: string): TestKey => keys.find((k) => k.name === name)!;

export function keyinfoSuite(providers: readonly CryptoProvider[]) {
  const test = suite("keyinfo");

  async function signsEverywhere(pkcs8: Uint8Array, expected: TestKey, alg: SignatureAlgorithm): Promise<void> {
    for (const p of providers) {
      const key = await p.signingKey(pkcs8);
      assert.is(toHex(key.spki), toHex(expected.spki), `${p.name} SPKI`);
      const sig = await key.sign(alg, utf8("round trip"));
      const publicKey = nodeCrypto.createPublicKey(expected.privateKey);
      const options = alg.type === "ecdsa" ? { key: publicKey, dsaEncoding: "der" as const } : { key: publicKey };
      assert.ok(nodeCrypto.verify("sha256", utf8("round trip"), options, sig), `${p.name} signature checks out in node:crypto`);
    }
  }

  test("SEC1 'EC PRIVATE KEY' PEM from node:crypto becomes a PKCS#8 that signs on every provider", async () => {
    for (const name of ["P-256", "P-384", "P-521"]) {
      const k = byName(name);
      const pem = k.privateKey.export({ type: "sec1", format: "pem" }).toString();
      assert.match(pem, /BEGIN EC PRIVATE KEY/);
      await signsEverywhere(importPrivateKeyPem(pem), k, { type: "ecdsa", hash: "SHA-256" });
    }
  });

  test("an EC PARAMETERS block before the key is skipped", async () => {
    const k = byName("P-256");
    const params = encodePem("EC PARAMETERS", fromHex("06082a8648ce3d030107"));
    const pem = params + k.privateKey.export({ type: "sec1", format: "pem" }).toString();
    await signsEverywhere(importPrivateKeyPem(pem), k, { type: "ecdsa", hash: "SHA-256" });
  });

  test("PKCS#1 'RSA PRIVATE KEY' PEM becomes the same PKCS#8 node:crypto writes", async () => {
    const k = byName("RSA 2048");
    const pem = k.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const pkcs8 = importPrivateKeyPem(pem);
    assert.is(toHex(pkcs8), toHex(k.pkcs8));
    await signsEverywhere(pkcs8, k, { type: "rsa-pkcs1", hash: "SHA-256" });
  });

  test("an EC PKCS#8 without the optional public key still yields the right SPKI", async () => {
    const k = byName("P-256");
    const scalar = toHex(new Uint8Array(k.privateKey.export({ type: "sec1", format: "der" })).subarray(7, 39));
    // PrivateKeyInfo { 0, { id-ecPublicKey, P-256 }, OCTET STRING { ECPrivateKey { 1, scalar } } }
    const bare = fromHex(`3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420${scalar}`);
    await signsEverywhere(bare, k, { type: "ecdsa", hash: "SHA-256" });
  });

  test("'PRIVATE KEY' passes through unchanged", () => {
    for (const k of keys) {
      const pem = encodePem("PRIVATE KEY", k.pkcs8);
      assert.is(toHex(importPrivateKeyPem(pem)), toHex(k.pkcs8), k.name);
    }
  });

  test("unsupported or malformed input is a TypeError that quotes no key material", async () => {
    const k = byName("P-256");
    const secret = toHex(k.pkcs8).slice(-40);
    const encrypted = k.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "x" }).toString();
    const sec1 = new Uint8Array(k.privateKey.export({ type: "sec1", format: "der" }));
    const cases: Array<[string, () => unknown]> = [
      ["encrypted", () => importPrivateKeyPem(encrypted)],
      ["no key", () => importPrivateKeyPem(encodePem("CERTIFICATE", k.spki))],
      ["unknown label", () => toPkcs8("DSA PRIVATE KEY", k.pkcs8)],
      ["truncated PKCS#8", () => toPkcs8("PRIVATE KEY", k.pkcs8.subarray(0, 60))],
      ["trailing data", () => toPkcs8("PRIVATE KEY", new Uint8Array([...k.pkcs8, 0]))],
      ["SEC1 as PKCS#1", () => toPkcs8("RSA PRIVATE KEY", sec1)],
      // SEC1 with the [0] curve parameters removed: no way to know the curve.
      ["SEC1 without curve", () => toPkcs8("EC PRIVATE KEY", fromHex(`30250201010420${toHex(sec1.subarray(7, 39))}`))],
      ["unsupported curve", () => toPkcs8("EC PRIVATE KEY", new Uint8Array(nodeCrypto.generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey.export({ type: "sec1", format: "der" })))],
    ];
    for (const [label, run] of cases) {
      const e = await rejects(run, TypeError, label);
      assert.not.ok(e.message.includes(secret) || /[0-9a-f]{40}/i.test(e.message), `${label}: message quotes bytes`);
    }
  });

  test("describeSpki names type, curve, size and raw public key of node-made keys", () => {
    for (const k of keys) {
      const info = describeSpki(k.spki);
      assert.is(info.type, k.type, k.name);
      assert.is(info.curve, k.curve, k.name);
      assert.is(info.modulusBits, k.modulusBits, k.name);
      // node:crypto has no JWK form for RSASSA-PSS keys; that fixture shares the RSA key's n and e.
      const jwkSource = k.type === "rsa-pss" ? byName("RSA 2048").privateKey : k.privateKey;
      const jwk = nodeCrypto.createPublicKey(jwkSource).export({ format: "jwk" });
      const b = (s?: string): string => Buffer.from(s ?? "", "base64url").toString("hex");
      const expected = k.type === "ec" ? `04${b(jwk.x)}${b(jwk.y)}` : k.type === "ed25519" ? b(jwk.x) : undefined;
      if (expected !== undefined) assert.is(toHex(info.publicKey), expected, k.name);
      else assert.ok(toHex(info.publicKey).includes(b(jwk.n)), `${k.name}: RSAPublicKey holds n`);
    }
    const x = describeSpki(new Uint8Array(nodeCrypto.generateKeyPairSync("x25519").publicKey.export({ type: "spki", format: "der" })));
    assert.is(x.type, "x25519");
    assert.is(x.publicKey.length, 32);
  });

  test("RSASSA-PSS containers rewrite to rsaEncryption with the same key", () => {
    const [rsa, pss] = [byName("RSA 2048"), byName("RSA-PSS 2048")];
    assert.is(describeSpki(pss.spki).type, "rsa-pss");
    assert.is(toHex(spkiAsRsaEncryption(pss.spki)), toHex(rsa.spki));
    assert.is(toHex(pkcs8AsRsaEncryption(pss.pkcs8)), toHex(rsa.pkcs8));
  });

  test("ECDSA DER <-> raw: round trips at every curve size, including short and high-bit integers", () => {
    for (const field of [32, 48, 66]) {
      const samples = [new Uint8Array(2 * field).fill(0xff), new Uint8Array(2 * field).fill(0x01)];
      const shortR = new Uint8Array(2 * field).fill(0x7f);
      shortR.fill(0, 0, 3); // r with leading zero bytes
      samples.push(shortR, nodeCrypto.randomBytes(2 * field));
      for (const raw of samples) {
        const der = ecdsaRawToDer(raw, field);
        assert.is(toHex(ecdsaDerToRaw(der, field)), toHex(raw), `field ${field}`);
      }
    }
    const raw = fromHex("00".repeat(31) + "80" + "00".repeat(31) + "01");
    assert.is(toHex(ecdsaRawToDer(raw, 32)), "3007020200800201" + "01");
  });

  test("ECDSA DER -> raw: rejects everything that is not minimal, in-range DER", async () => {
    const bad = [
      "", // empty
      "30", // truncated
      "3006020101020101ff", // trailing byte
      "3006020101020201", // s shorter than its length says
      "3006020100020101", // r = 0
      "3006020181020101", // negative r
      "300702020001020101", // non-minimal r
      "3106020101020101", // SET, not SEQUENCE
      "308106020101020101", // non-minimal length
      `30260221${"01".repeat(33)}020101`, // r wider than the field
    ];
    for (const hex of bad) await rejects(() => ecdsaDerToRaw(fromHex(hex), 32), TypeError, hex);
    await rejects(() => ecdsaRawToDer(new Uint8Array(63), 32), TypeError, "raw length");
    await rejects(() => ecdsaRawToDer(new Uint8Array(64), 32), TypeError, "zero r");
    const good = ecdsaRawToDer(nodeCrypto.randomBytes(64), 32);
    await rejects(() => ecdsaDerToRaw(flip(good, 1), 32), TypeError, "length off by one");
  });

  // pvtsutils is CommonJS: rollup's browser bundle cannot take named imports from it.
  test("files bundled for browsers import no node:* module or CommonJS helper and use no Buffer", () => {
    const root = new URL("../", import.meta.url);
    const files = [
      new URL("src/crypto/keyinfo.js", root),
      new URL("src/crypto/ecdsa.js", root),
      ...readdirSync(new URL("providers/webcrypto/", root)).filter((f) => f.endsWith(".js")).map((f) => new URL(`providers/webcrypto/${f}`, root)),
    ];
    assert.ok(files.length >= 4);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      assert.not.match(text, /from\s+["'](node:|pvtsutils)|require\(|\bBuffer\b|\bprocess\./, file.pathname);
    }
  });

  return test;
}
