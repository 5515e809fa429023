// HMAC over crypto.subtle, importing each key once. The key schedules MAC with the same secret several
// times (HKDF-Expand-Label: a traffic secret gives its key, IV and finished key; the TLS 1.2 PRF MACs
// with its secret twice per block), and every WebCrypto call is a trip to the thread pool, so the
// import is kept with the secret's own array: a WeakMap entry dies with it and outlives no connection.
import type { HashAlgorithm } from "../../src/crypto/provider.js";
import { equalBytes } from "../../src/codec/bytes.js";
import { bufferSource } from "./signatures.js";

interface ImportedHmacKey {
  readonly algorithm: HashAlgorithm;
  /** The bytes imported: a caller that reuses its array for another key must not get the old key. */
  readonly material: Uint8Array;
  readonly key: Promise<CryptoKey>;
}

export class HmacKeys {
  private readonly imported = new WeakMap<Uint8Array, ImportedHmacKey>();

  constructor(private readonly subtle: SubtleCrypto) {}

  async sign(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await this.subtle.sign("HMAC", await this.keyFor(algorithm, key), bufferSource(data)));
  }

  private keyFor(algorithm: HashAlgorithm, key: Uint8Array): Promise<CryptoKey> {
    const known = this.imported.get(key);
    if (known !== undefined && known.algorithm === algorithm && equalBytes(known.material, key)) return known.key;
    // WebCrypto refuses zero-length HMAC keys. HMAC pads keys with zeros to the block size
    // (RFC 2104 section 2), so one zero byte is the same key.
    const material = key.slice();
    const imported = this.subtle.importKey("raw", material.length === 0 ? new Uint8Array(1) : material, { name: "HMAC", hash: algorithm }, false, ["sign"]);
    const entry: ImportedHmacKey = { algorithm, material, key: imported };
    // A failed import is not remembered: the next call tries again and reports its own error.
    imported.catch(() => {
      if (this.imported.get(key) === entry) this.imported.delete(key);
    });
    this.imported.set(key, entry);
    return imported;
  }
}
