// Growable writer for the TLS presentation language. Length prefixes are back-patched, and an
// overflowing vector is a programming error (our own output), so it throws RangeError.

export class Writer {
  private buf: Uint8Array;
  private length = 0;

  /**
   * `capacity`: the bytes expected. The default fits most handshake fields and messages, and V8 keeps a
   * typed array of at most 64 bytes on its heap; a larger one gets a backing store of its own, which
   * costs 1-2 µs to allocate and collect (measured on Node 20-24): callers that know a large size say so.
   */
  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.reserve(2);
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    this.reserve(3);
    this.buf[this.length++] = (v >>> 16) & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    return this.u16(Math.floor(v / 0x10000)).u16(v & 0xffff);
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  vec8(b: Uint8Array): this {
    return this.prefixed(1, (w) => w.bytes(b));
  }

  vec16(b: Uint8Array): this {
    return this.prefixed(2, (w) => w.bytes(b));
  }

  vec24(b: Uint8Array): this {
    return this.prefixed(3, (w) => w.bytes(b));
  }

  /** Writes a length prefix of `size` bytes covering whatever `body` writes. */
  prefixed(size: 1 | 2 | 3, body: (w: this) => void): this {
    this.reserve(size);
    const at = this.length;
    this.length += size;
    body(this);
    const n = this.length - at - size;
    if (n >= 2 ** (8 * size)) throw new RangeError(`vector of ${n} bytes exceeds a ${size}-byte length`);
    for (let i = 0; i < size; i++) this.buf[at + i] = (n >>> (8 * (size - 1 - i))) & 0xff;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
