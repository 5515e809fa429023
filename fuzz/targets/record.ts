// Target 1: the record layer on its own: Deframer (bytes -> records, however chunked), TLS 1.3 record protection
// (TLS 1.3 record protection, inner plaintext and padding) and HandshakeJoiner (records -> messages),
// fed mutated record streams, plaintext and protected (sealed by the harness under a fixed key).
import { Buffer } from "node:buffer";
import { Deframer } from "../../src/record/deframer.js";
import { Tls13AeadProtection } from "../../src/record/tls13-aead.js";
import { HandshakeJoiner } from "../../src/msgs/handshake.js";
import { TLS13_SUITES } from "../../src/suites/cipher-suites.js";
import { type Outcome, type Serialized, type Target, classifyTlsError } from "../harness.js";
import { FuzzProvider } from "../provider.js";
import { Rng } from "../rng.js";
import { scenarios } from "../scenarios.js";
import { pkiCertificates, seedFiles } from "../seeds.js";
import { type MutationContext, mutateTranscript } from "../tls-mutate.js";
import { type SealKeys, type Transcript, framePlain, seal, transcriptFromJson, transcriptToJson } from "../tls.js";

const KEYS: SealKeys = { algorithm: "AES-128-GCM", key: new Uint8Array(16).fill(0x42), iv: new Uint8Array(12).fill(0x24) };
const SUITE = TLS13_SUITES.find((s) => s.aead === "AES-128-GCM")!;

export class RecordTarget implements Target<Transcript> {
  readonly name = "record";
  readonly description = "Deframer + TLS 1.3 record protection + HandshakeJoiner on mutated record streams (plaintext and protected)";
  readonly coverage = ["src/record/", "src/msgs/handshake.js"];
  private provider = new FuzzProvider("record");
  private seedInputs: Transcript[] = [];
  private ctx!: MutationContext;

  async setup(): Promise<void> {
    const all = await scenarios();
    this.seedInputs = all.flatMap((s) => [s.fromClient, s.fromServer]);
    for (const f of seedFiles("record")) if (f.ext === "json") this.seedInputs.push(transcriptFromJson(Buffer.from(f.data).toString("utf8")));
    this.ctx = { epochs: ["plain", "hs", "ap0"], derDonors: pkiCertificates(), dictionary: [], scenarios: [], maxRecords: 5000 };
  }

  seeds(): Transcript[] {
    return this.seedInputs;
  }

  mutate(input: Transcript, rng: Rng, other: Transcript | undefined): Transcript {
    return mutateTranscript(input, rng, this.ctx, other);
  }

  async execute(t: Transcript): Promise<Outcome> {
    const deframer = new Deframer();
    const opener = await Tls13AeadProtection.create(this.provider, SUITE.aead, { key: KEYS.key, iv: KEYS.iv });
    let opened = 0;
    const joiner = new HandshakeJoiner(64 * 1024);
    let seq = 0;
    const parts: Uint8Array[] = [];
    for (const r of t.records) {
      if (r.epoch === "plain") parts.push(framePlain(r));
      else if (r.epoch === "raw") parts.push(r.content);
      else parts.push(seal(KEYS, seq++, r));
    }
    const stream = Buffer.concat(parts);
    const rng = new Rng(t.chunking.seed);
    let records = 0;
    let messages = 0;
    try {
      for (let at = 0; at < stream.length; ) {
        const n = t.chunking.mode === "whole" ? stream.length : t.chunking.mode === "bytes" ? 1 : 1 + rng.small(Math.max(1, stream.length - at));
        deframer.push(new Uint8Array(stream.subarray(at, at + n)));
        at += n;
        for (let rec = deframer.next(); rec !== null; rec = deframer.next()) {
          records++;
          let type = rec.type;
          let content = rec.fragment;
          if (type === 23) {
            const inner = await opener.open(rec.header, rec.fragment, opened++);
            type = inner.type;
            content = inner.content;
          }
          if (type === 22) messages += joiner.push(content).length;
        }
      }
      if (t.eof && deframer.bufferedBytes > 0) return { kind: "ok", label: "truncated record at end of input", extra: `${Math.min(records, 16)}` };
    } catch (e) {
      return classifyTlsError(e, `${Math.min(records, 16)}`);
    }
    return { kind: "ok", label: `records ${records > 8 ? ">8" : records}, messages ${messages > 8 ? ">8" : messages}${joiner.isEmpty ? "" : ", partial message"}` };
  }

  serialize(t: Transcript): Serialized {
    return { ext: "json", data: new Uint8Array(Buffer.from(transcriptToJson(t), "utf8")) };
  }

  deserialize(s: Serialized): Transcript {
    return transcriptFromJson(Buffer.from(s.data).toString("utf8"));
  }
}
