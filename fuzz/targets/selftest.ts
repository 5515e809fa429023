// A target that misbehaves on purpose, to check the fuzzer itself: it throws a TypeError, leaves a
// promise pending forever, or spins without yielding, each on a byte pattern the mutators find
// quickly. Not in the default target list; run it with `--target selftest`.
import type { Outcome, Serialized, Target } from "../harness.js";
import { mutateBytes } from "../mutators.js";
import type { Rng } from "../rng.js";

export class SelfTestTarget implements Target<Uint8Array> {
  readonly name = "selftest";
  readonly description = "the fuzzer's own check: a stray TypeError, a never-settling promise and a busy loop, on purpose";
  readonly coverage = [];
  async setup(): Promise<void> {}
  seeds(): Uint8Array[] {
    return [new Uint8Array([1, 2, 3, 4])];
  }
  mutate(input: Uint8Array, rng: Rng): Uint8Array {
    return mutateBytes(input, rng, { maxLength: 16 });
  }
  execute(input: Uint8Array): Outcome | Promise<Outcome> {
    if (input[0] === 0x13) (null as unknown as { x: number }).x;
    if (input[0] === 0x77 && input[1] === 0x77) return new Promise<Outcome>(() => undefined);
    if (input[0] === 0xaa && input.length > 5) for (;;);
    return { kind: "ok", label: `first byte ${input[0]! >> 6}` };
  }
  serialize(input: Uint8Array): Serialized {
    return { ext: "bin", data: input };
  }
  deserialize(s: Serialized): Uint8Array {
    return s.data;
  }
}
