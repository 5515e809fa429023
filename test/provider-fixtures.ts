// Keys and small helpers for the provider conformance suite. Keys come from node:crypto, one of
// each kind per run (a single 2048-bit RSA key, since RSA key generation is the slow part).
import * as nodeCrypto from "node:crypto";
import * as assert from "uvu/assert";
import { concat } from "../src/codec/bytes.js";
import type { CurveName, SignatureAlgorithm, SigningKeyType } from "../src/crypto/provider.js";

export interface TestKey {
  readonly name: string;
  readonly type: SigningKeyType;
  readonly curve?: CurveName;
  readonly modulusBits?: number;
  readonly pkcs8: Uint8Array;
  /** The SPKI node:crypto derives for the key: what a certificate for it would carry. */
  readonly spki: Uint8Array;
  /** The key as node:crypto holds it, for tests that need other encodings (SEC1, PKCS#1). */
  readonly privateKey: nodeCrypto.KeyObject;
}

function fromNode(name: string, privateKey: nodeCrypto.KeyObject, extra: Partial<TestKey>, pkcs8?: Uint8Array): TestKey {
  const der = pkcs8 ?? new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" }));
  const key = nodeCrypto.createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" });
  const spki = new Uint8Array(nodeCrypto.createPublicKey(key).export({ type: "spki", format: "der" }));
  return { name, type: extra.type!, pkcs8: der, spki, privateKey: key, ...extra };
}

/**
 * The same RSA key as an id-RSASSA-PSS PKCS#8 (RFC 4055, no parameters): swap the
 * AlgorithmIdentifier and re-wrap, rather than pay for a second key generation.
 */
function asRsaPssPkcs8(pkcs8: Uint8Array): Uint8Array {
  const hex = Buffer.from(pkcs8).toString("hex");
  const rsaEncryption = "300d06092a864886f70d0101010500";
  const at = hex.indexOf(rsaEncryption);
  if (!hex.startsWith("308204") || at !== 14) throw new Error("unexpected PKCS#8 layout from node:crypto");
  const body = `020100300b06092a864886f70d01010a${hex.slice(at + rsaEncryption.length)}`;
  const length = body.length / 2;
  return new Uint8Array(Buffer.from(`3082${length.toString(16).padStart(4, "0")}${body}`, "hex"));
}

const ec = (curve: CurveName): TestKey =>
  fromNode(curve, nodeCrypto.generateKeyPairSync("ec", { namedCurve: curve }).privateKey, { type: "ec", curve });
const rsa = nodeCrypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
const rsaPkcs8 = new Uint8Array(rsa.export({ type: "pkcs8", format: "der" }));

export const keys: readonly TestKey[] = [
  ec("P-256"),
  ec("P-384"),
  ec("P-521"),
  fromNode("RSA 2048", rsa, { type: "rsa", modulusBits: 2048 }),
  fromNode("RSA-PSS 2048", rsa, { type: "rsa-pss", modulusBits: 2048 }, asRsaPssPkcs8(rsaPkcs8)),
  fromNode("Ed25519", nodeCrypto.generateKeyPairSync("ed25519").privateKey, { type: "ed25519" }),
];

/** The algorithms a key of this kind is exercised with. */
export function signaturesFor(key: TestKey): SignatureAlgorithm[] {
  switch (key.type) {
    case "ec":
      return [
        { type: "ecdsa", hash: "SHA-256" },
        { type: "ecdsa", hash: "SHA-384" },
        { type: "ecdsa", hash: "SHA-512" },
      ];
    case "rsa":
    case "rsa-pss": {
      const pss: SignatureAlgorithm[] = [
        { type: "rsa-pss", hash: "SHA-256", saltLength: 32 },
        { type: "rsa-pss", hash: "SHA-384", saltLength: 48 },
        { type: "rsa-pss", hash: "SHA-512", saltLength: 64 },
      ];
      return key.type === "rsa" ? [...pss, { type: "rsa-pkcs1", hash: "SHA-256" }, { type: "rsa-pkcs1", hash: "SHA-512" }] : pss;
    }
    case "ed25519":
      return [{ type: "ed25519" }];
  }
}

/** A copy with one bit flipped at `index`. */
export function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = concat(bytes);
  copy[index]! ^= 0x01;
  return copy;
}

/** Asserts that `run` rejects (or throws) with an instance of `kind`. */
export async function rejects(run: () => unknown, kind: new (...args: never[]) => Error, label = ""): Promise<Error> {
  try {
    await run();
  } catch (e) {
    assert.instance(e, kind, `${label}: ${String(e)}`);
    return e as Error;
  }
  assert.unreachable(`${label}: expected a ${kind.name}`);
  throw new Error("unreachable");
}
