// A deterministic CryptoProvider for fuzzing, over providers/node. Test code only (it imports
// node:crypto and keeps keys in the clear):
//  - random() comes from a seeded PRNG and key shares are derived from it, so a connection built with
//    the same seed sends byte-identical hellos, and a recorded peer transcript replays against it;
//  - signatures are memoised by input (so a replayed CertificateVerify is byte-identical too), and
//    verifications and key agreements by input (they are pure), which makes an execution cheap;
//  - every HKDF-Expand-Label that derives a traffic secret, key or IV is observed, so the harness knows
//    the record keys of each direction and epoch, as the target itself derived them; for TLS 1.2 the
//    PRF's "key expansion" is observed and its key block matched against the keys passed to aead().
import { createHmac, createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from "node:crypto";
import { Buffer } from "node:buffer";
import type {
  Aead,
  AeadAlgorithm,
  CryptoProvider,
  EcdhGroupName,
  HashAlgorithm,
  KeyShare,
  SignatureAlgorithm,
  SigningKey,
} from "../src/crypto/provider.js";
import { encodeSpki } from "../src/crypto/keyinfo.js";
import { nodeProvider } from "../providers/node/index.js";
import { Rng } from "./rng.js";
import type { SealKeys } from "./tls.js";

export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");

const HMAC_NAME: Record<HashAlgorithm, string> = { "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

/** A bounded memo: oldest entry evicted first. */
class Memo<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
}

type Result<T> = { ok: true; value: T } | { ok: false; error: Error };

// Shared by every FuzzProvider: a replayed target must find the signature its recorded twin made.
const signatures = new Memo<Uint8Array>(8192);
const verifications = new Memo<Result<boolean>>(16384);
const agreements = new Memo<Result<Uint8Array>>(4096);
const privateKeys = new Memo<{ key: KeyObject; publicKey: Uint8Array }>(256);

/** Record protection keys of one direction and epoch: "c-hs", "s-ap0", "s-ap1"... */
export interface EpochKeys {
  key?: Uint8Array;
  iv?: Uint8Array;
}

export class KeyCapture {
  /** Traffic secret (hex) -> role. */
  readonly roles = new Map<string, string>();
  /** Role -> key and IV. */
  readonly keys = new Map<string, EpochKeys>();
  /** AEAD key (hex) -> algorithm, from aead() calls. */
  readonly algorithms = new Map<string, AeadAlgorithm>();
  /** TLS 1.2: key blocks seen (88 bytes, the longest any AEAD suite takes), waiting for aead() to say how to cut them. */
  private readonly blocks: Uint8Array[] = [];
  /** TLS 1.2: "c-tls12" and "s-tls12", complete once an aead() call matched a block. */
  private readonly tls12 = new Map<string, SealKeys>();

  clear(): void {
    this.roles.clear();
    this.keys.clear();
    this.algorithms.clear();
    this.blocks.length = 0;
    this.tls12.clear();
  }

  /** Complete keys for a role, with the algorithm the target asked for (or guessed from the length). */
  get(role: string): SealKeys | null {
    const t12 = this.tls12.get(role);
    if (t12) return t12;
    const k = this.keys.get(role);
    if (!k?.key || !k.iv) return null;
    const algorithm = this.algorithms.get(hex(k.key)) ?? (k.key.length === 16 ? "AES-128-GCM" : "AES-256-GCM");
    return { algorithm, key: k.key, iv: k.iv };
  }

  /** TLS 1.2 PRF(master, "key expansion", seed): the block, recomputed here since only its first HMAC is seen. */
  observeKeyExpansion(hash: HashAlgorithm, master: Uint8Array, labelAndSeed: Uint8Array): void {
    const out: Uint8Array[] = [];
    let a = createHmac(HMAC_NAME[hash], master).update(labelAndSeed).digest();
    for (let n = 0; n < 88; n += a.length) {
      out.push(createHmac(HMAC_NAME[hash], master).update(a).update(labelAndSeed).digest());
      a = createHmac(HMAC_NAME[hash], master).update(a).digest();
    }
    if (this.blocks.length < 4) this.blocks.push(new Uint8Array(Buffer.concat(out)));
  }

  /**
   * An aead() call: if `key` is a write key of a key block seen (RFC 5246 6.3: client key, server key,
   * client IV, server IV, at the lengths of `algorithm`), both directions' TLS 1.2 keys are known.
   */
  matchAead(algorithm: AeadAlgorithm, key: Uint8Array): void {
    const kl = key.length;
    const il = algorithm === "CHACHA20-POLY1305" ? 12 : 4;
    for (const b of this.blocks) {
      const ck = b.subarray(0, kl);
      const sk = b.subarray(kl, 2 * kl);
      if (!equal(ck, key) && !equal(sk, key)) continue;
      this.tls12.set("c-tls12", { algorithm, key: ck.slice(), iv: b.slice(2 * kl, 2 * kl + il), tls12: true });
      this.tls12.set("s-tls12", { algorithm, key: sk.slice(), iv: b.slice(2 * kl + il, 2 * kl + 2 * il), tls12: true });
      return;
    }
  }

  observe(secret: Uint8Array, label: string, output: Uint8Array): void {
    const base: Record<string, string> = { "c hs traffic": "c-hs", "s hs traffic": "s-hs", "c ap traffic": "c-ap0", "s ap traffic": "s-ap0" };
    if (base[label] !== undefined) {
      this.roles.set(hex(output), base[label]!);
      return;
    }
    const role = this.roles.get(hex(secret));
    if (role === undefined) return;
    if (label === "traffic upd") {
      const m = /^([cs])-ap(\d+)$/.exec(role);
      if (m) this.roles.set(hex(output), `${m[1]}-ap${Number(m[2]) + 1}`);
    } else if (label === "key" || label === "iv") {
      const entry = this.keys.get(role) ?? {};
      entry[label] = output.slice();
      this.keys.set(role, entry);
    }
  }
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** "key expansion" || server_random || client_random: the first HMAC of the TLS 1.2 key block's PRF. */
const KEY_EXPANSION = Buffer.from("key expansion", "latin1");
const isKeyExpansion = (data: Uint8Array): boolean => data.length === KEY_EXPANSION.length + 64 && KEY_EXPANSION.equals(data.subarray(0, KEY_EXPANSION.length));

/** HKDF-Expand-Label's first HMAC block: info = u16 L || vec8("tls13 " label) || vec8(context) || 0x01. */
function expandLabel(data: Uint8Array): { label: string; length: number } | null {
  if (data.length < 11 || data[data.length - 1] !== 1) return null;
  const n = data[2]!;
  if (n < 6 || 3 + n + 1 >= data.length) return null;
  if (data[3] !== 0x74 || data[4] !== 0x6c || data[5] !== 0x73 || data[6] !== 0x31 || data[7] !== 0x33 || data[8] !== 0x20) return null;
  const ctx = data[3 + n]!;
  if (3 + n + 1 + ctx + 1 !== data.length) return null;
  return { label: String.fromCharCode(...data.subarray(9, 3 + n)), length: (data[0]! << 8) | data[1]! };
}

const SEC1_CURVE: Partial<Record<EcdhGroupName, { oid: string; field: number; mask: number }>> = {
  secp256r1: { oid: "06082a8648ce3d030107", field: 32, mask: 0x7f },
  secp384r1: { oid: "06052b81040022", field: 48, mask: 0x7f },
  secp521r1: { oid: "06052b81040023", field: 66, mask: 0x01 },
};
const CURVE_NAME: Partial<Record<EcdhGroupName, "P-256" | "P-384" | "P-521">> = { secp256r1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

function derLen(n: number): number[] {
  return n < 0x80 ? [n] : [0x81, n];
}

/** A private key for `group` from `d` (EC: SEC1 without the public key, which OpenSSL derives). */
function privateKeyFrom(group: EcdhGroupName, d: Uint8Array): { key: KeyObject; publicKey: Uint8Array } {
  const id = `${group}:${hex(d)}`;
  const known = privateKeys.get(id);
  if (known) return known;
  let key: KeyObject;
  let publicKey: Uint8Array;
  const curve = SEC1_CURVE[group];
  if (curve === undefined) {
    key = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b656e04220420", "hex"), d]), format: "der", type: "pkcs8" });
    const spki = createPublicKey(key).export({ format: "der", type: "spki" });
    publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  } else {
    const oid = Buffer.from(curve.oid, "hex");
    const params = [0xa0, ...derLen(oid.length), ...oid];
    const body = [0x02, 0x01, 0x01, 0x04, ...derLen(d.length), ...d, ...params];
    key = createPrivateKey({ key: Buffer.from([0x30, ...derLen(body.length), ...body]), format: "der", type: "sec1" });
    const spki = createPublicKey(key).export({ format: "der", type: "spki" });
    publicKey = new Uint8Array(spki.subarray(spki.length - (1 + 2 * curve.field)));
  }
  const entry = { key, publicKey };
  privateKeys.set(id, entry);
  return entry;
}

export interface FuzzProviderOptions {
  /**
   * On a signature not seen before, return stand-in bytes instead of signing (for targets: nothing they
   * do depends on the value of their own signature, and RSA signing costs a millisecond).
   */
  readonly fakeSignOnMiss?: boolean;
}

export class FuzzProvider implements CryptoProvider {
  readonly name = "fuzz-node";
  private readonly inner = nodeProvider();
  readonly supports = this.inner.supports;
  readonly capture = new KeyCapture();
  private rng: Rng;
  /** Counts every call: the harness's quiescence detector and a cheap progress signal. */
  calls = 0;

  constructor(
    readonly seed: string,
    private readonly options: FuzzProviderOptions = {},
  ) {
    this.rng = new Rng(seed);
  }

  /** Back to the state of a fresh provider with the same seed. */
  reset(): void {
    this.rng = new Rng(this.seed);
    this.capture.clear();
    this.calls = 0;
  }

  fips() {
    return this.inner.fips();
  }

  random(length: number): Uint8Array {
    this.calls++;
    return this.rng.bytes(length);
  }

  hash(algorithm: HashAlgorithm, data: Uint8Array): Promise<Uint8Array> {
    this.calls++;
    return this.inner.hash(algorithm, data);
  }

  sha1(data: Uint8Array): Promise<Uint8Array> {
    this.calls++;
    return this.inner.sha1!(data);
  }

  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
    this.calls++;
    const out = new Uint8Array(createHmac(HMAC_NAME[algorithm], key).update(data).digest());
    const label = expandLabel(data);
    if (label !== null) this.capture.observe(key, label.label, out.subarray(0, label.length));
    else if (isKeyExpansion(data)) this.capture.observeKeyExpansion(algorithm, key, data);
    return Promise.resolve(out);
  }

  aead(algorithm: AeadAlgorithm, key: Uint8Array): Promise<Aead> {
    this.calls++;
    this.capture.algorithms.set(hex(key), algorithm);
    this.capture.matchAead(algorithm, key);
    return this.inner.aead(algorithm, key);
  }

  keyShare(group: EcdhGroupName): Promise<KeyShare> {
    this.calls++;
    if (!this.supports.groups.includes(group)) return Promise.reject(new TypeError(`fuzz provider: group ${group} is not supported`));
    const curve = SEC1_CURVE[group];
    const d = this.rng.bytes(curve?.field ?? 32);
    if (curve) {
      d[0]! &= curve.mask;
      d[d.length - 1]! |= 1; // never zero
    }
    const { key, publicKey } = privateKeyFrom(group, d);
    const id = `${group}:${hex(d)}`;
    const provider = this;
    return Promise.resolve({
      group,
      publicKey: publicKey.slice(),
      agree(peer: Uint8Array): Promise<Uint8Array> {
        provider.calls++;
        const memoKey = `${id}:${hex(peer)}`;
        let r = agreements.get(memoKey);
        if (r === undefined) {
          try {
            const name = CURVE_NAME[group];
            const spki = encodeSpki(name === undefined ? { type: "x25519" } : { type: "ec", curve: name }, peer);
            const pub = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
            const secret = new Uint8Array(diffieHellman({ privateKey: key, publicKey: pub }));
            if (secret.every((b) => b === 0)) throw new TypeError(`invalid ${group} public key (small order)`);
            r = { ok: true, value: secret };
          } catch {
            r = { ok: false, error: new TypeError(`invalid ${group} public key`) };
          }
          agreements.set(memoKey, r);
        }
        return r.ok ? Promise.resolve(r.value.slice()) : Promise.reject(r.error);
      },
    });
  }

  async verify(algorithm: SignatureAlgorithm, spki: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    this.calls++;
    const key = `${JSON.stringify(algorithm)}|${latin1(spki)}|${latin1(message)}|${latin1(signature)}`;
    let r = verifications.get(key);
    if (r === undefined) {
      try {
        r = { ok: true, value: await this.inner.verify(algorithm, spki, message, signature) };
      } catch (e) {
        r = { ok: false, error: e as Error };
      }
      verifications.set(key, r);
    }
    if (!r.ok) throw r.error;
    return r.value;
  }

  async signingKey(pkcs8: Uint8Array): Promise<SigningKey> {
    this.calls++;
    const inner = await this.inner.signingKey(pkcs8);
    const provider = this;
    const spkiId = latin1(inner.spki);
    return {
      type: inner.type,
      ...(inner.curve !== undefined ? { curve: inner.curve } : {}),
      ...(inner.modulusBits !== undefined ? { modulusBits: inner.modulusBits } : {}),
      spki: inner.spki,
      async sign(algorithm: SignatureAlgorithm, message: Uint8Array): Promise<Uint8Array> {
        provider.calls++;
        const key = `${JSON.stringify(algorithm)}|${spkiId}|${latin1(message)}`;
        const known = signatures.get(key);
        if (known) return known.slice();
        if (provider.options.fakeSignOnMiss) {
          const size = inner.modulusBits ? inner.modulusBits / 8 : 72;
          return new Uint8Array(size).fill(0x5a);
        }
        const sig = await inner.sign(algorithm, message);
        signatures.set(key, sig);
        return sig.slice();
      },
    };
  }
}
