// Whether a TLS 1.2 server lets the client renegotiate: complete one full TLS 1.2 handshake (ECDHE
// with an AEAD suite, through fipstls's TLS 1.2 PRF and record protection), then send a second,
// encrypted ClientHello carrying our Finished in renegotiation_info (RFC 5746 §3.5), and see whether
// the server answers with a ServerHello. Nothing the server sends is relied upon beyond this probe:
// its signature is not verified, and the connection is closed once the answer is known.
import type { AeadAlgorithm, CryptoProvider, EcdhGroupName } from "../src/crypto/provider.js";
import { concat, equalBytes } from "../src/codec/bytes.js";
import { Reader } from "../src/codec/reader.js";
import { Writer } from "../src/codec/writer.js";
import { ContentType, ExtensionType, HandshakeType, ProtocolVersion } from "../src/msgs/enums.js";
import { type HandshakeMessage, HandshakeJoiner, frameHandshake } from "../src/msgs/handshake.js";
import { decodeServerHello } from "../src/msgs/hello.js";
import { Deframer, type RawRecord } from "../src/record/deframer.js";
import { Tls12AeadProtection } from "../src/record/tls12-aead.js";
import { agree, groupId, ecdhGroupName } from "../src/suites/groups.js";
import { type Tls12PrfHash, extendedMasterSecret, keyBlock, masterSecret, verifyData } from "../src/tls12/prf.js";
import { type Dialer, type RawStream, encodeProbeHello } from "./probe.js";

/** The ECDHE AEAD suites this probe can complete, by code point. */
const SUITES: ReadonlyMap<number, { readonly aead: AeadAlgorithm; readonly hash: Tls12PrfHash }> = new Map([
  [0xc02b, { aead: "AES-128-GCM", hash: "SHA-256" }],
  [0xc02f, { aead: "AES-128-GCM", hash: "SHA-256" }],
  [0xc02c, { aead: "AES-256-GCM", hash: "SHA-384" }],
  [0xc030, { aead: "AES-256-GCM", hash: "SHA-384" }],
  [0xcca9, { aead: "CHACHA20-POLY1305", hash: "SHA-256" }],
  [0xcca8, { aead: "CHACHA20-POLY1305", hash: "SHA-256" }],
]);
const GROUPS: readonly EcdhGroupName[] = ["secp256r1", "secp384r1", "x25519", "secp521r1"];
const MAX_READS = 256;
const NO_RENEGOTIATION = 100;

export interface RenegotiationSpec {
  readonly serverName?: string;
  /** Suites the server accepted; the probe uses those it can complete. */
  readonly cipherSuites: readonly number[];
  readonly signatureSchemes: readonly number[];
}

export type RenegotiationAnswer =
  /** The handshake completed; `secure`: the server sent renegotiation_info (RFC 5746). */
  | { readonly kind: "answered"; readonly secure: boolean; readonly outcome: "accepted" | "refused" | "ignored"; readonly detail: string }
  /** The first handshake could not be completed, so nothing is known. */
  | { readonly kind: "incomplete"; readonly detail: string };

class Stop extends Error {}

/** Runs the probe; never throws for server behaviour. */
export async function probeRenegotiation(dial: Dialer, spec: RenegotiationSpec, p: CryptoProvider, timeoutMs: number): Promise<RenegotiationAnswer> {
  const suites = spec.cipherSuites.filter((c) => {
    const s = SUITES.get(c);
    return s !== undefined && p.supports.aeads.includes(s.aead) && p.supports.hashes.includes(s.hash);
  });
  const groups = GROUPS.filter((g) => p.supports.groups.includes(g));
  if (suites.length === 0 || groups.length === 0) return { kind: "incomplete", detail: "the server accepts no ECDHE AEAD suite the provider can complete" };
  let stream: RawStream;
  try {
    stream = await dial();
  } catch (e) {
    return { kind: "incomplete", detail: `connect failed: ${(e as Error).message}` };
  }
  try {
    return await run(new Records(stream, timeoutMs), spec, suites, groups, p);
  } catch (e) {
    return { kind: "incomplete", detail: e instanceof Stop ? e.message : `${(e as Error).name}: ${(e as Error).message}` };
  } finally {
    stream.close();
  }
}

async function run(io: Records, spec: RenegotiationSpec, suites: readonly number[], groups: readonly EcdhGroupName[], p: CryptoProvider): Promise<RenegotiationAnswer> {
  const hello = (renegotiatedConnection?: Uint8Array): Uint8Array =>
    encodeProbeHello(
      {
        version: ProtocolVersion.TLS12,
        cipherSuites: suites,
        groups: groups.map(groupId),
        signatureSchemes: spec.signatureSchemes,
        extendedMasterSecret: true,
        renegotiationInfo: true,
        ...(renegotiatedConnection ? { renegotiatedConnection } : {}),
        ...(spec.serverName ? { serverName: spec.serverName } : {}),
      },
      p.random(32),
    ).subarray(5); // the handshake message, without the record header the probe encoder adds
  const clientHello = hello();
  const transcript: Uint8Array[] = [clientHello];
  io.send(ContentType.Handshake, clientHello);

  const sh = await io.expect(HandshakeType.ServerHello);
  transcript.push(sh.raw);
  const serverHello = decodeServerHello(sh.body);
  const suite = SUITES.get(serverHello.cipherSuite);
  if (serverHello.legacyVersion !== ProtocolVersion.TLS12 || suite === undefined || !suites.includes(serverHello.cipherSuite)) {
    throw new Stop(`the server chose version 0x${serverHello.legacyVersion.toString(16)} and suite 0x${serverHello.cipherSuite.toString(16)}`);
  }
  const ems = serverHello.extensions.has(ExtensionType.ExtendedMasterSecret);
  const secure = serverHello.extensions.has(ExtensionType.RenegotiationInfo);
  let point: Uint8Array | null = null;
  let group: EcdhGroupName | undefined;
  let certificateRequested = false;
  for (;;) {
    const m = await io.message();
    transcript.push(m.raw);
    if (m.type === HandshakeType.ServerHelloDone) break;
    if (m.type === HandshakeType.ServerKeyExchange) {
      const r = new Reader(m.body, "ServerKeyExchange");
      if (r.u8() !== 3) throw new Stop("ServerKeyExchange without a named curve");
      group = ecdhGroupName(r.u16());
      point = r.vec8(1);
    } else if (m.type === HandshakeType.CertificateRequest) certificateRequested = true;
  }
  if (point === null || group === undefined || !groups.includes(group)) throw new Stop("no ServerKeyExchange for an offered group");
  const share = await p.keyShare(group);
  const preMaster = await agree(share, point);

  // Our flight: an empty Certificate if one was asked for, ClientKeyExchange, CCS, Finished.
  if (certificateRequested) {
    const empty = frameHandshake(HandshakeType.Certificate, new Uint8Array(3));
    transcript.push(empty);
    io.send(ContentType.Handshake, empty);
  }
  const cke = frameHandshake(HandshakeType.ClientKeyExchange, new Writer().vec8(share.publicKey).finish());
  transcript.push(cke);
  io.send(ContentType.Handshake, cke);
  const hash = (): Promise<Uint8Array> => p.hash(suite.hash, concat(...transcript));
  const master = ems ? await extendedMasterSecret(p, suite.hash, preMaster, await hash()) : await masterSecret(p, suite.hash, preMaster, clientHello.subarray(6, 38), serverHello.random);
  const keys = await keyBlock(p, suite.hash, suite.aead, master, clientHello.subarray(6, 38), serverHello.random);
  const write = await Tls12AeadProtection.create(p, suite.aead, { key: keys.clientWriteKey, iv: keys.clientWriteIv });
  io.send(ContentType.ChangeCipherSpec, new Uint8Array([1]));
  const clientVerify = await verifyData(p, suite.hash, master, "client finished", await hash());
  const finished = frameHandshake(HandshakeType.Finished, clientVerify);
  transcript.push(finished);
  io.sendRaw(await write.seal(ContentType.Handshake, finished, 0));

  await io.changeCipherSpec(await Tls12AeadProtection.create(p, suite.aead, { key: keys.serverWriteKey, iv: keys.serverWriteIv }));
  const serverFinished = await io.expect(HandshakeType.Finished);
  if (!equalBytes(serverFinished.body, await verifyData(p, suite.hash, master, "server finished", await hash()))) throw new Stop("the server's Finished does not verify");

  // The renegotiation: a new ClientHello under the connection's keys, bound to it by our verify_data.
  io.sendRaw(await write.seal(ContentType.Handshake, hello(secure ? clientVerify : undefined), 1));
  const answer = await io.renegotiationAnswer();
  return { kind: "answered", secure, ...answer };
}

/** The server's records: plaintext until its ChangeCipherSpec, then opened with its keys. */
class Records {
  private readonly deframer = new Deframer();
  private readonly joiner = new HandshakeJoiner(1 << 17);
  private readonly queue: HandshakeMessage[] = [];
  private reads = 0;
  private opener: Tls12AeadProtection | null = null;
  private opened = 0;

  constructor(
    private readonly stream: RawStream,
    private readonly timeoutMs: number,
  ) {}

  send(type: number, body: Uint8Array): void {
    this.stream.write(new Writer().u8(type).u16(ProtocolVersion.TLS12).vec16(body).finish());
  }

  sendRaw(record: Uint8Array): void {
    this.stream.write(record);
  }

  private async record(): Promise<RawRecord | "closed" | "timeout"> {
    for (;;) {
      const rec = this.deframer.next();
      if (rec !== null) return rec;
      if (++this.reads > MAX_READS) throw new Stop(`no answer after ${MAX_READS} reads`);
      const chunk = await this.stream.read(this.timeoutMs).catch(() => "timeout" as const);
      if (chunk === "timeout" || chunk === null) return chunk ?? "closed";
      this.deframer.push(chunk);
    }
  }

  /** The next record's content, opened once the server's keys are in place. */
  private async content(): Promise<{ type: number; content: Uint8Array } | "closed" | "timeout"> {
    const rec = await this.record();
    if (typeof rec === "string") return rec;
    if (this.opener === null || rec.type === ContentType.ChangeCipherSpec) return { type: rec.type, content: rec.fragment };
    return this.opener.open(rec.header, rec.fragment, this.opened++);
  }

  async message(): Promise<HandshakeMessage> {
    while (this.queue.length === 0) {
      const c = await this.content();
      if (typeof c === "string") throw new Stop(`the server ${c === "closed" ? "closed the connection" : "did not answer"} during the handshake`);
      if (c.type === ContentType.Alert) throw new Stop(`the server sent alert ${c.content[1] ?? "?"} during the handshake`);
      if (c.type !== ContentType.Handshake) throw new Stop(`record type ${c.type} during the handshake`);
      this.queue.push(...this.joiner.push(c.content));
    }
    return this.queue.shift()!;
  }

  async expect(type: number): Promise<HandshakeMessage> {
    const m = await this.message();
    if (m.type !== type) throw new Stop(`expected handshake message ${type}, got ${m.type}`);
    return m;
  }

  async changeCipherSpec(opener: Tls12AeadProtection): Promise<void> {
    if (this.queue.length > 0 || !this.joiner.isEmpty) throw new Stop("handshake data before the server's ChangeCipherSpec");
    const c = await this.content();
    if (typeof c === "string" || c.type !== ContentType.ChangeCipherSpec) throw new Stop("no ChangeCipherSpec from the server");
    this.opener = opener;
  }

  /** ServerHello: accepted; an alert or a close: refused; silence: ignored. */
  async renegotiationAnswer(): Promise<{ outcome: "accepted" | "refused" | "ignored"; detail: string }> {
    for (let records = 0; records < 16; records++) {
      const c = await this.content();
      if (c === "timeout") return { outcome: "ignored", detail: "the server did not answer the renegotiating hello" };
      if (c === "closed") return { outcome: "refused", detail: "the server closed the connection" };
      if (c.type === ContentType.Alert) {
        const refusal = c.content[1] === NO_RENEGOTIATION ? "a no_renegotiation alert" : `alert ${c.content[1] ?? "?"}`;
        return { outcome: "refused", detail: `the server answered with ${refusal}` };
      }
      if (c.type === ContentType.Handshake && c.content[0] === HandshakeType.ServerHello) return { outcome: "accepted", detail: "the server answered the renegotiating hello with a ServerHello" };
    }
    return { outcome: "ignored", detail: "no answer to the renegotiating hello among the next records" };
  }
}
