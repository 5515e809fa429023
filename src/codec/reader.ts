// Bounds-checked reader for the TLS presentation language (RFC 8446 section 3). Every overrun is a
// DecodeError, so malformed peer input always ends in a decode_error alert.
import { DecodeError } from "../errors.js";

export class Reader {
  private offset = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what = "message",
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  atEnd(): boolean {
    return this.offset === this.bytes.length;
  }

  private need(n: number): void {
    if (n > this.remaining) throw new DecodeError(`${this.what} truncated: need ${n} bytes, have ${this.remaining}`);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    this.need(2);
    const v = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!;
    this.offset += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const b = this.bytes;
    const v = (b[this.offset]! << 16) | (b[this.offset + 1]! << 8) | b[this.offset + 2]!;
    this.offset += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.u16() * 0x10000;
    return v + this.u16();
  }

  /** A view of the next n bytes (not a copy). */
  bytesN(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  rest(): Uint8Array {
    return this.bytesN(this.remaining);
  }

  /** opaque x<min..2^8-1> */
  vec8(min = 0): Uint8Array {
    return this.checkedMin(this.bytesN(this.u8()), min);
  }

  /** opaque x<min..2^16-1> */
  vec16(min = 0): Uint8Array {
    return this.checkedMin(this.bytesN(this.u16()), min);
  }

  /** opaque x<min..2^24-1> */
  vec24(min = 0): Uint8Array {
    return this.checkedMin(this.bytesN(this.u24()), min);
  }

  /** A sub-reader over a length-prefixed vector; the caller must consume it entirely. */
  sub8(what: string, min = 0): Reader {
    return new Reader(this.vec8(min), what);
  }

  sub16(what: string, min = 0): Reader {
    return new Reader(this.vec16(min), what);
  }

  sub24(what: string, min = 0): Reader {
    return new Reader(this.vec24(min), what);
  }

  /** Reads a vector of u16 values, rejecting odd lengths. */
  u16List(what: string, min = 0): number[] {
    const r = this.sub16(what, min);
    if (r.remaining % 2 !== 0) throw new DecodeError(`${what} has odd length`);
    const out: number[] = [];
    while (!r.atEnd()) out.push(r.u16());
    return out;
  }

  expectEnd(): void {
    if (!this.atEnd()) throw new DecodeError(`${this.what} has ${this.remaining} trailing bytes`);
  }

  private checkedMin(v: Uint8Array, min: number): Uint8Array {
    if (v.length < min) throw new DecodeError(`${this.what}: vector shorter than ${min} bytes`);
    return v;
  }
}
