// Targets 2 and 3: a ServerConnection fed mutated client transcripts, and a ClientConnection fed
// mutated server transcripts, TLS 1.3 and TLS 1.2. The harness plays the peer as a man in the middle
// that holds the keys: records the real protocol protects are sealed with the key the target itself
// derived (seen through the deterministic provider), so mutated messages behind encryption still
// reach their parsers.
import { Buffer } from "node:buffer";
import { ClientConnection } from "../../src/conn/client.js";
import { ServerConnection } from "../../src/conn/server.js";
import { type Outcome, type Serialized, type Target, classifyTlsError } from "../harness.js";
import { FuzzProvider } from "../provider.js";
import { Rng } from "../rng.js";
import { type Scenario, scenarios } from "../scenarios.js";
import { pkiCertificates, seedFiles } from "../seeds.js";
import { type MutationContext, mutateTranscript } from "../tls-mutate.js";
import { type SealKeys, type Transcript, framePlain, seal, splitMessages, transcriptFromJson, transcriptToJson } from "../tls.js";

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Keys for an epoch nobody derived (a record protected "too early"): the target will fail to open it. */
const NOBODY: SealKeys = { algorithm: "AES-128-GCM", key: new Uint8Array(16).fill(7), iv: new Uint8Array(12).fill(7) };
const NOBODY12: SealKeys = { ...NOBODY, iv: NOBODY.iv.subarray(0, 4), tls12: true };

/** TLS 1.2: the handshake bytes after ChangeCipherSpec, up to the end of the first Finished (the handshake's last message). */
function upToFinished(bytes: Buffer): Buffer {
  let at = 0;
  for (const m of splitMessages(bytes).messages) {
    at += 4 + m.body.length;
    if (m.type === 20) return bytes.subarray(0, at);
  }
  return bytes;
}

/**
 * Hex of the handshake bytes a completed handshake consumed (later records may follow a close_notify
 * and never be read); null when raw or lying records make it unknowable. TLS 1.3: the handshake
 * records before the first application-epoch record. TLS 1.2: the plaintext ones before the first
 * protected record, then the protected ones up to the end of the Finished (Finished and application
 * data share an epoch, and a HelloRequest after Finished is answered, not part of the handshake); a
 * record of any other epoch after that point is one the target cannot have read.
 */
function handshakeBytes(t: Transcript, tls12: boolean): string | null {
  const parts: Uint8Array[] = [];
  const protected12: Uint8Array[] = [];
  let seen12 = false;
  for (const r of t.records) {
    const read = tls12 ? r.epoch === "tls12" || r.epoch === "raw" || (r.epoch === "plain" && !seen12) : !r.epoch.startsWith("ap");
    if (!read) break;
    if (r.epoch === "raw" || r.lenDelta !== undefined) return null;
    seen12 ||= r.epoch === "tls12";
    if (r.type !== 22) continue;
    if (r.epoch === "tls12") protected12.push(r.content);
    else if (r.epoch === "plain" || (!tls12 && r.epoch === "hs")) parts.push(r.content);
  }
  return Buffer.concat([...parts, upToFinished(Buffer.concat(protected12))]).toString("hex");
}

export class ConnectionTarget implements Target<Transcript> {
  readonly name: string;
  readonly description: string;
  readonly coverage = ["src/record/", "src/msgs/", "src/handshake/", "src/suites/", "src/tls13/", "src/tls12/", "src/session/", "src/conn/", "src/verify/", "src/policy/", "src/codec/"];
  private all: Scenario[] = [];
  private byName = new Map<string, Scenario>();
  private ctx!: MutationContext;
  private extraSeeds: Transcript[] = [];
  /** Per scenario: the peer's handshake bytes (plaintext and handshake epochs) as recorded. */
  private reference = new Map<string, string>();

  constructor(private readonly side: "server" | "client") {
    this.name = side;
    this.description =
      side === "server"
        ? "ServerConnection fed mutated client transcripts (plaintext and re-encrypted handshake records, post-handshake traffic)"
        : "ClientConnection fed mutated server transcripts (plaintext and re-encrypted handshake records, post-handshake traffic)";
  }

  async setup(): Promise<void> {
    this.all = await scenarios();
    for (const s of this.all) this.byName.set(s.name, s);
    this.ctx = {
      epochs: ["plain", "hs", "ap0", "ap1", "ap2", "tls12"],
      derDonors: pkiCertificates(),
      dictionary: [],
      scenarios: this.all.map((s) => s.name),
      maxRecords: 5000,
    };
    for (const t of this.recorded()) this.reference.set(t.scenario, handshakeBytes(t, this.byName.get(t.scenario)!.tls12)!);
    for (const f of seedFiles(this.side)) if (f.ext === "json") this.extraSeeds.push(transcriptFromJson(Buffer.from(f.data).toString("utf8")));
  }

  /** The recorded peer transcripts (one per scenario), then any saved in fuzz/corpus/<target>/. */
  seeds(): Transcript[] {
    return [...this.all.map((s) => (this.side === "server" ? s.fromClient : s.fromServer)), ...this.extraSeeds];
  }

  recorded(): Transcript[] {
    return this.all.map((s) => (this.side === "server" ? s.fromClient : s.fromServer));
  }

  mutate(input: Transcript, rng: Rng, other: Transcript | undefined): Transcript {
    return mutateTranscript(input, rng, this.ctx, other);
  }

  async execute(t: Transcript, timeoutMs: number): Promise<Outcome> {
    const sc = this.byName.get(t.scenario) ?? this.all[0]!;
    const provider: FuzzProvider = this.side === "server" ? sc.serverProvider : sc.clientProvider;
    provider.reset();
    const peer = this.side === "server" ? "c" : "s";
    const fallback = this.side === "server" ? sc.clientKeys : sc.serverKeys;
    const st = { error: null as unknown, ended: null as boolean | null, data: 0, sent: 0, hs: "pending" as "pending" | "ok" | "failed" };
    const callbacks = {
      transmit: (): void => void st.sent++,
      onData: (): void => void st.data++,
      onEnd: (truncated: boolean): void => void (st.ended = truncated),
      onError: (e: Error): void => void (st.error ??= e),
    };
    const conn = this.side === "server" ? new ServerConnection(sc.serverConfig, callbacks) : new ClientConnection(sc.clientConfig, callbacks);
    conn.handshake.then(
      () => void (st.hs = "ok"),
      (e: unknown) => {
        st.hs = "failed";
        st.error ??= e;
      },
    );
    conn.start();

    const deadline = performance.now() + timeoutMs * 0.9;
    const failed = (): boolean => st.hs === "failed" || st.error !== null;
    const activity = (): number => provider.calls * 7919 + st.sent * 31 + st.data;
    const quiescent = async (): Promise<boolean> => {
      const before = activity();
      await turn();
      await turn();
      return activity() === before;
    };
    const rng = new Rng(t.chunking.seed);
    let pending: Uint8Array[] = [];
    const flush = async (): Promise<void> => {
      if (!pending.length) return;
      const all = Buffer.concat(pending);
      pending = [];
      conn.receive(new Uint8Array(all));
    };
    const deliver = async (bytes: Uint8Array): Promise<void> => {
      switch (t.chunking.mode) {
        case "whole":
          pending.push(bytes);
          return;
        case "record":
          conn.receive(bytes);
          break;
        case "bytes":
        case "split": {
          const step = t.chunking.mode === "bytes" ? (bytes.length > 4096 ? 97 : 1) : 0;
          for (let at = 0; at < bytes.length; ) {
            const n = step || 1 + rng.small(Math.max(1, bytes.length - at));
            conn.receive(bytes.slice(at, at + n));
            at += n;
            if (t.chunking.yields && rng.int(8) < t.chunking.yields) await turn();
          }
          return;
        }
      }
      if (t.chunking.yields && rng.int(8) < t.chunking.yields) await turn();
    };
    const keysFor = async (epoch: string): Promise<SealKeys> => {
      const role = `${peer}-${epoch}`;
      for (;;) {
        const k = provider.capture.get(role);
        if (k) return k;
        if (failed() || performance.now() > deadline) break;
        await flush();
        if (await quiescent()) {
          const again = provider.capture.get(role);
          if (again) return again;
          break;
        }
      }
      return fallback[epoch] ?? (epoch === "tls12" ? NOBODY12 : NOBODY);
    };

    const seqs = new Map<string, number>();
    for (const r of t.records) {
      if (failed()) break;
      if (performance.now() > deadline) return { kind: "finding", label: "hang (still feeding at the per-execution timeout)" };
      let bytes: Uint8Array;
      if (r.epoch === "plain") bytes = framePlain(r);
      else if (r.epoch === "raw") bytes = r.content.slice();
      else {
        const keys = await keysFor(r.epoch);
        const seq = seqs.get(r.epoch) ?? 0;
        seqs.set(r.epoch, seq + 1);
        bytes = seal(keys, seq, r);
      }
      await deliver(bytes);
    }
    await flush();
    if (t.eof) conn.receiveEnd();

    for (;;) {
      if (failed()) break;
      if (t.eof && st.hs === "ok" && st.ended !== null) break;
      if (await quiescent()) break;
      if (performance.now() > deadline) return { kind: "finding", label: "hang (no settlement within the per-execution timeout)" };
    }
    const extra = `${Math.floor(Math.log2(provider.calls + 1))}:${Math.min(st.sent, 12)}:${st.data > 0}`;
    if (st.error !== null) {
      conn.destroy();
      return classifyTlsError(st.error, extra);
    }
    if (st.hs === "pending") {
      conn.destroy();
      if (t.eof) return { kind: "finding", label: "stall: handshake neither completed nor failed after end of input" };
      return { kind: "ok", label: "handshaking, waiting for more input", extra };
    }
    if (t.eof && st.ended === null) return { kind: "finding", label: "stall: open connection saw end of input but never ended" };
    // Oracle: a handshake can only complete on exactly the handshake messages that were recorded
    // (anything else must break the Finished check or a signature), however the records cut them.
    const sent = handshakeBytes(t, sc.tls12);
    if (sent !== null && sent !== this.reference.get(sc.name)) {
      conn.destroy();
      return { kind: "finding", label: "handshake completed on a peer transcript that differs from the recorded one", detail: `scenario ${sc.name}` };
    }
    const end = st.ended === null ? "waiting" : st.ended ? "end of input (truncated)" : "close_notify";
    conn.destroy();
    return { kind: "ok", label: `handshake complete; ${end}`, extra };
  }

  serialize(t: Transcript): Serialized {
    return { ext: "json", data: new Uint8Array(Buffer.from(transcriptToJson(t), "utf8")) };
  }

  deserialize(s: Serialized): Transcript {
    return transcriptFromJson(Buffer.from(s.data).toString("utf8"));
  }
}
