// Target 6: the PEM decoder (src/codec/pem.ts), on mutated text, with an encode/decode round trip.
import { Buffer } from "node:buffer";
import { decodePem, encodePem } from "../../src/codec/pem.js";
import { type Outcome, type Serialized, type Target, describeError } from "../harness.js";
import { mutateBytes } from "../mutators.js";
import type { Rng } from "../rng.js";
import { seedFiles } from "../seeds.js";

const TOKENS = [
  "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "-----BEGIN X509 CRL-----", "-----END X509 CRL-----", "-----BEGIN ", "-----END ", "-----",
  "PRIVATE KEY", "=", "==", "===", "A", "AA", "AAA", "AAAA", "+/", "\n", "\r\n", "\r", "\t", " ", "\u0000", "\u00a0", "\u2028", "\uffff", "\ud800", "é", "😀", "-", "BEGIN", "END",
];

export class PemTarget implements Target<string> {
  readonly name = "pem";
  readonly description = "decodePem on mutated text, and decodePem(encodePem(block)) round trips";
  readonly coverage = ["src/codec/pem.js"];
  private seedInputs: string[] = [];

  async setup(): Promise<void> {
    this.seedInputs = seedFiles("pem").map((f) => this.deserialize({ ext: f.ext, data: f.data }));
  }

  seeds(): string[] {
    return this.seedInputs;
  }

  mutate(input: string, rng: Rng, other: string | undefined): string {
    let s = input;
    const count = 1 + rng.small(4);
    for (let i = 0; i < count; i++) {
      const at = rng.int(s.length + 1);
      switch (rng.int(9)) {
        case 0:
        case 1:
          s = s.slice(0, at) + rng.pick(TOKENS) + s.slice(at);
          break;
        case 2: {
          const len = 1 + rng.small(Math.max(1, s.length - at));
          s = s.slice(0, at) + s.slice(at + len);
          break;
        }
        case 3: {
          const len = 1 + rng.small(200);
          s = (s.slice(0, at + len) + s.slice(at, at + len) + s.slice(at + len)).slice(0, 1 << 16);
          break;
        }
        case 4: {
          // Relabel one BEGIN or END line.
          const labels = ["CERTIFICATE", "X509 CRL", "PRIVATE KEY", "", "A", "CERTIFICATE ", "certificate", "TRUSTED CERTIFICATE", "EC PRIVATE KEY", "X".repeat(200)];
          let n = 0;
          const which = rng.int(4);
          s = s.replace(/-----(BEGIN|END) ([^-\n]*)-----/g, (m, kind: string) => (n++ === which ? `-----${kind} ${rng.pick(labels)}-----` : m));
          break;
        }
        case 5: {
          // Byte-level on the Latin-1 view (characters above U+00FF are kept as they are around it).
          const bytes = new Uint8Array(Buffer.from(s, "latin1"));
          s = Buffer.from(mutateBytes(bytes, rng, { maxLength: 1 << 16 }, 3)).toString("latin1");
          break;
        }
        case 6:
          if (other) s = (s.slice(0, at) + other.slice(rng.int(other.length + 1))).slice(0, 1 << 16);
          break;
        case 7: {
          // Many openers with no closer, or many empty blocks: the regular expression's worst cases.
          const unit = rng.pick(["-----BEGIN A-----\n", "-----BEGIN A-----\n-----END A-----\n", "-----END A-----", "-----BEGIN A-----AAAA"]);
          s = (s.slice(0, at) + unit.repeat(1 + rng.small(400)) + s.slice(at)).slice(0, 1 << 16);
          break;
        }
        default:
          s = s.slice(0, at);
      }
    }
    return s;
  }

  execute(input: string): Outcome {
    let blocks;
    try {
      blocks = decodePem(input);
    } catch (e) {
      // decodePem's own refusal of a body that is not base64.
      if (e instanceof TypeError && /is not valid base64/.test(e.message)) return { kind: "expected", label: "TypeError:not valid base64" };
      return { kind: "finding", label: `uncaught in decodePem: ${describeError(e)}`, error: e };
    }
    for (const b of blocks) {
      let again;
      try {
        again = decodePem(encodePem(b.label, b.der));
      } catch (e) {
        return { kind: "finding", label: `round trip threw: ${describeError(e)}`, error: e };
      }
      if (again.length !== 1 || again[0]!.label !== b.label || Buffer.compare(Buffer.from(again[0]!.der), Buffer.from(b.der)) !== 0) {
        return { kind: "finding", label: "contract: decodePem(encodePem(block)) differs from block", detail: `label ${JSON.stringify(b.label)}, ${b.der.length} bytes` };
      }
    }
    return { kind: "ok", label: `blocks=${Math.min(blocks.length, 4)}`, extra: blocks.map((b) => b.label.length > 20 ? "long" : b.label).join(",") };
  }

  serialize(input: string): Serialized {
    // JSON keeps every UTF-16 code unit (lone surrogates included), which raw UTF-8 would not.
    return { ext: "json", data: new Uint8Array(Buffer.from(JSON.stringify({ text: input }), "utf8")) };
  }

  deserialize(s: Serialized): string {
    const text = Buffer.from(s.data).toString("utf8");
    return s.ext === "json" ? (JSON.parse(text) as { text: string }).text : text;
  }
}
