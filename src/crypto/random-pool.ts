// Small random values (hello randoms, ticket nonces and IVs) taken from one larger draw of the
// provider's generator. In a busy Node server each randomFillSync call costs ~15 µs, almost all of it
// fixed per call (a crypto job object, OpenSSL's DRBG locking), and a handshake wants five. The bytes
// are still the generator's own output; each is handed out once and wiped from the pool as it leaves.

/** Requests above this many bytes (keys, for instance) bypass the pool and draw directly. */
export const POOLED_MAX = 64;
const POOL_BYTES = 2048;

export class RandomPool {
  private readonly pool = new Uint8Array(POOL_BYTES);
  /** Bytes before this offset have been handed out (or not drawn yet: the pool starts empty). */
  private used = POOL_BYTES;

  /** `fill` writes fresh random bytes into the whole of its argument. */
  constructor(private readonly fill: (into: Uint8Array) => void) {}

  take(length: number): Uint8Array {
    const out = new Uint8Array(length);
    if (length > POOLED_MAX) {
      this.fill(out);
      return out;
    }
    if (this.used + length > POOL_BYTES) {
      this.fill(this.pool);
      this.used = 0;
    }
    const from = this.used;
    this.used += length;
    out.set(this.pool.subarray(from, this.used));
    this.pool.fill(0, from, this.used);
    return out;
  }
}
