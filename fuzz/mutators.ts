// Byte-level mutations in the AFL/libFuzzer tradition: bit flips, interesting values, inserts,
// deletes, duplications, arithmetic, dictionary tokens and splicing with another input. The
// structural mutators (TLS transcripts, DER, PEM text) fall back to these for leaf contents.
import type { Rng } from "./rng.js";

const INTERESTING_8 = [0x00, 0x01, 0x02, 0x03, 0x04, 0x10, 0x1f, 0x20, 0x40, 0x7f, 0x80, 0x81, 0xfe, 0xff];
const INTERESTING_16 = [0x0000, 0x0001, 0x0002, 0x0003, 0x00ff, 0x0100, 0x0101, 0x03ff, 0x0400, 0x3fff, 0x4000, 0x4001, 0x4100, 0x4101, 0x7fff, 0x8000, 0xfffe, 0xffff];
const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

export interface ByteMutationOptions {
  /** Upper bound on the output length. */
  readonly maxLength: number;
  /** Tokens worth inserting or overwriting with (magic values of the format at hand). */
  readonly dictionary?: readonly Uint8Array[];
  /** Another input to splice with, when available. */
  readonly other?: Uint8Array;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function writeBE(out: Uint8Array, at: number, value: number, size: number): void {
  for (let i = size - 1; i >= 0; i--) {
    if (at + i < out.length) out[at + i] = value & 0xff;
    value = Math.floor(value / 256);
  }
}

/** One byte-level mutation of `input` (never in place). */
export function mutateBytesOnce(input: Uint8Array, rng: Rng, opts: ByteMutationOptions): Uint8Array {
  const n = input.length;
  const pos = (): number => rng.int(n);
  const dict = opts.dictionary ?? [];
  const choice = rng.int(n === 0 ? 3 : 18);
  if (n === 0 || choice < 2) {
    // Insert something (the only move for an empty input).
    const at = rng.int(n + 1);
    const what = dict.length && rng.chance(0.4) ? rng.pick(dict) : rng.chance(0.5) ? rng.bytes(rng.range(1, 8)) : new Uint8Array(rng.range(1, 32)).fill(rng.pick(INTERESTING_8));
    return concat(input.subarray(0, at), what, input.subarray(at)).subarray(0, opts.maxLength);
  }
  const out = input.slice();
  switch (choice) {
    case 2: {
      const at = pos();
      out[at]! ^= 1 << rng.int(8);
      return out;
    }
    case 3: {
      out[pos()] = rng.u32() & 0xff;
      return out;
    }
    case 4: {
      out[pos()] = rng.pick(INTERESTING_8);
      return out;
    }
    case 5: {
      writeBE(out, pos(), rng.pick(INTERESTING_16), 2);
      return out;
    }
    case 6: {
      writeBE(out, pos(), rng.pick(INTERESTING_32), rng.chance(0.5) ? 3 : 4);
      return out;
    }
    case 7: {
      // Small arithmetic on a byte or a big-endian u16: shifts lengths by a little.
      const at = pos();
      const delta = rng.pick([-2, -1, 1, 2, rng.range(-35, 35)]);
      if (rng.chance(0.5) || at + 1 >= n) out[at] = (out[at]! + delta) & 0xff;
      else {
        const v = ((out[at]! << 8) | out[at + 1]!) + delta;
        out[at] = (v >> 8) & 0xff;
        out[at + 1] = v & 0xff;
      }
      return out;
    }
    case 8: {
      // Delete a range.
      const at = pos();
      const len = Math.min(n - at, 1 + rng.small(n - at));
      return concat(input.subarray(0, at), input.subarray(at + len));
    }
    case 9: {
      // Duplicate a range in place.
      const at = pos();
      const len = Math.min(n - at, 1 + rng.small(Math.min(64, n - at)));
      return concat(input.subarray(0, at + len), input.subarray(at, at + len), input.subarray(at + len)).subarray(0, opts.maxLength);
    }
    case 10: {
      // Copy a range over another place.
      const from = pos();
      const len = Math.min(n - from, 1 + rng.small(n - from));
      const to = pos();
      out.set(input.subarray(from, from + Math.min(len, n - to)), to);
      return out;
    }
    case 11: {
      // Truncate.
      return input.slice(0, rng.int(n));
    }
    case 12: {
      // Overwrite with a dictionary token.
      if (!dict.length) return mutateBytesOnce(input, rng, opts);
      const tok = rng.pick(dict);
      const at = pos();
      out.set(tok.subarray(0, n - at), at);
      return out;
    }
    case 13: {
      // Splice with another input: our head, its tail (or the reverse).
      const other = opts.other;
      if (!other || other.length === 0) return mutateBytesOnce(input, rng, opts);
      const a = rng.int(n + 1);
      const b = rng.int(other.length + 1);
      return (rng.chance(0.5) ? concat(input.subarray(0, a), other.subarray(b)) : concat(other.subarray(0, b), input.subarray(a))).subarray(0, opts.maxLength);
    }
    case 14: {
      // Insert a piece of another input (or of ourselves).
      const src = opts.other && opts.other.length && rng.chance(0.5) ? opts.other : input;
      const from = rng.int(src.length);
      const len = Math.min(src.length - from, 1 + rng.small(128));
      const at = rng.int(n + 1);
      return concat(input.subarray(0, at), src.subarray(from, from + len), input.subarray(at)).subarray(0, opts.maxLength);
    }
    case 15: {
      // Swap two bytes.
      const i = pos();
      const j = pos();
      out[i] = input[j]!;
      out[j] = input[i]!;
      return out;
    }
    case 16: {
      // Fill a run with one value.
      const at = pos();
      const len = Math.min(n - at, 1 + rng.small(32));
      out.fill(rng.pick(INTERESTING_8), at, at + len);
      return out;
    }
    default: {
      // Append random bytes or a token.
      const tail = dict.length && rng.chance(0.3) ? rng.pick(dict) : rng.bytes(1 + rng.small(16));
      return concat(input, tail).subarray(0, opts.maxLength);
    }
  }
}

/** A stack of 1..max byte mutations (small stacks far more often). */
export function mutateBytes(input: Uint8Array, rng: Rng, opts: ByteMutationOptions, max = 6): Uint8Array {
  let out = input;
  const count = 1 + rng.small(max - 1);
  for (let i = 0; i < count; i++) out = mutateBytesOnce(out, rng, opts);
  return out;
}

export { concat };
