// ML-KEM (FIPS 203) through node:crypto: Node >= 24 with OpenSSL 3.5 has crypto.encapsulate and
// crypto.decapsulate and raw ML-KEM keys; older Nodes (and their type definitions) have none of them,
// so the API is looked up at run time and the parameter sets are probed before they are offered.
import type { KeyObject } from "node:crypto";
import type { KemAlgorithm, KemEncapsulation, KemKeyPair } from "../../src/crypto/provider.js";
import { nodeCrypto } from "./builtins.js";
const { createPublicKey, generateKeyPairSync } = nodeCrypto;

interface MlKemApi {
  encapsulate(publicKey: KeyObject): { ciphertext: Buffer; sharedKey: Buffer };
  decapsulate(privateKey: KeyObject, ciphertext: Buffer): Buffer;
}

const KEY_TYPE: Readonly<Record<KemAlgorithm, string>> = { "ML-KEM-768": "ml-kem-768", "ML-KEM-1024": "ml-kem-1024" };
const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function api(): MlKemApi | null {
  const candidate = nodeCrypto as unknown as Partial<MlKemApi>;
  return typeof candidate.encapsulate === "function" && typeof candidate.decapsulate === "function" ? (candidate as MlKemApi) : null;
}

/** A fresh key pair of `type` (the parameter set's node:crypto name, which older type definitions do not know). */
const generate = (algorithm: KemAlgorithm) => generateKeyPairSync(KEY_TYPE[algorithm] as "x25519");

/** The parameter sets this Node runs (in FIPS mode too: OpenSSL 3.5's FIPS provider has ML-KEM). */
export function mlKemAlgorithms(): KemAlgorithm[] {
  const kem = api();
  if (kem === null) return [];
  return (["ML-KEM-768", "ML-KEM-1024"] as const).filter((algorithm) => {
    try {
      kem.encapsulate(generate(algorithm).publicKey);
      return true;
    } catch {
      return false;
    }
  });
}

export function mlKemKeyPair(algorithm: KemAlgorithm): KemKeyPair {
  const kem = api()!;
  const pair = generate(algorithm);
  return {
    encapsulationKey: bytes(pair.publicKey.export({ format: "raw-public" } as unknown as { format: "der"; type: "spki" })),
    decapsulate: async (ciphertext) => bytes(kem.decapsulate(pair.privateKey, Buffer.from(ciphertext))),
  };
}

export function mlKemEncapsulate(algorithm: KemAlgorithm, encapsulationKey: Uint8Array): KemEncapsulation {
  // Importing the raw key runs FIPS 203's encapsulation key check (7.2) in OpenSSL.
  const key = createPublicKey({ key: Buffer.from(encapsulationKey), format: "raw-public", asymmetricKeyType: KEY_TYPE[algorithm] } as unknown as Parameters<typeof createPublicKey>[0]);
  const { ciphertext, sharedKey } = api()!.encapsulate(key);
  return { ciphertext: bytes(ciphertext), sharedSecret: bytes(sharedKey) };
}
