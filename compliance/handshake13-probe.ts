// A TLS 1.3 handshake run as far as the server's CertificateVerify, for the scan. TLS 1.3 encrypts
// the chain, so a bare hello (probe.ts) cannot show it; and the policy-bound ClientConnection cannot
// offer what a scan must (SHA-1 and legacy code points in signature_algorithms_cert, status_request,
// one scheme in signature_algorithms with the cert list left broad). Nothing the server sends is
// trusted or acted on: the chain is handed to the scan to judge, and we stop before our Finished.
import type { CryptoProvider, EcdhGroupName, KeyShare } from "../src/crypto/provider.js";
import { Reader } from "../src/codec/reader.js";
import { Writer } from "../src/codec/writer.js";
import { Deframer } from "../src/record/deframer.js";
import type { RecordProtection } from "../src/record/protection.js";
import { Tls13AeadProtection } from "../src/record/tls13-aead.js";
import { ContentType, ExtensionType, HandshakeType, ProtocolVersion } from "../src/msgs/enums.js";
import { type Extension, decodeCookie, decodeKeyShareServer, decodeU16, encodeCookie, encodeKeyShareClient, encodeServerName, encodeSupportedVersionsClient, encodeU16List } from "../src/msgs/extensions.js";
import { decodeServerHello, encodeClientHello } from "../src/msgs/hello.js";
import { type HandshakeMessage, HandshakeJoiner, decodeCertificate, decodeCertificateVerify, frameHandshake } from "../src/msgs/handshake.js";
import { agree, groupId, ecdhGroupName } from "../src/suites/groups.js";
import { KeySchedule } from "../src/tls13/key-schedule.js";
import { TLS13_SUITES, type Tls13Suite, suiteById } from "../src/suites/cipher-suites.js";
import { Transcript } from "../src/handshake/transcript.js";
import { isIpLiteral } from "../src/verify/names.js";
import type { Dialer, ProbeAnswer, RawStream } from "./probe.js";

export interface Handshake13Spec {
  readonly serverName?: string;
  /** signature_algorithms: what the server may sign the handshake with. */
  readonly signatureSchemes: readonly number[];
  /** signature_algorithms_cert: what the chain may be signed with. */
  readonly signatureSchemesCert: readonly number[];
  /** Ask for a stapled OCSP response. */
  readonly statusRequest: boolean;
}

export type Handshake13Answer =
  | {
      readonly kind: "handshake";
      readonly cipherSuite: number;
      readonly group: number;
      readonly helloRetryRequest: boolean;
      /** The Certificate message's chain, leaf first, as sent. */
      readonly certificates: readonly Uint8Array[];
      /** Whether the leaf's CertificateEntry carried an OCSP response (RFC 8446 4.4.2.1). */
      readonly ocspStapled: boolean;
      /** The scheme of the server's CertificateVerify (read, not verified: nothing here is relied upon). */
      readonly certificateVerifyScheme: number | null;
    }
  | Exclude<ProbeAnswer, { kind: "hello" }>
  /** Our provider shares no suite or group with the server, so the handshake cannot be run. */
  | { readonly kind: "unsupported"; readonly detail: string };

// Key shares in this order of preference; only groups the provider can compute are offered.
const GROUP_ORDER: readonly EcdhGroupName[] = ["secp256r1", "x25519", "secp384r1", "secp521r1"];
/** Bounds: records read before the server's flight is complete, and one handshake message's size. */
const MAX_READS = 256;
const MAX_MESSAGE = 1 << 17;
const MAX_CERTIFICATES = 16;

class Stop extends Error {
  constructor(readonly answer: Exclude<Handshake13Answer, { kind: "handshake" }>) {
    super(answer.kind);
  }
}

/** The server's records turned into handshake messages: plaintext until keys are set, then opened. */
class ServerFlight {
  private readonly deframer = new Deframer();
  private readonly joiner = new HandshakeJoiner(MAX_MESSAGE);
  private readonly queue: HandshakeMessage[] = [];
  private reads = 0;
  opener: RecordProtection | null = null;
  private openedRecords = 0;

  constructor(
    private readonly stream: RawStream,
    private readonly timeoutMs: number,
  ) {}

  async next(): Promise<HandshakeMessage> {
    while (this.queue.length === 0) {
      const rec = this.deframer.next();
      if (rec === null) {
        if (++this.reads > MAX_READS) throw new Stop({ kind: "malformed", detail: `no complete server flight after ${MAX_READS} reads` });
        const chunk = await this.stream.read(this.timeoutMs).catch(() => "timeout" as const);
        if (chunk === "timeout") throw new Stop({ kind: "timeout" });
        if (chunk === null) throw new Stop({ kind: "closed" });
        this.deframer.push(chunk);
        continue;
      }
      if (rec.type === ContentType.ChangeCipherSpec) continue; // middlebox compatibility (RFC 8446 D.4)
      if (rec.type === ContentType.Alert) throw alert(rec.fragment);
      if (this.opener === null) {
        if (rec.type !== ContentType.Handshake) throw new Stop({ kind: "malformed", detail: `record type ${rec.type} before ServerHello` });
        this.queue.push(...this.joiner.push(rec.fragment));
        continue;
      }
      if (rec.type !== ContentType.ApplicationData) throw new Stop({ kind: "malformed", detail: `unprotected record type ${rec.type} after ServerHello` });
      const inner = await this.opener.open(rec.header, rec.fragment, this.openedRecords++);
      if (inner.type === ContentType.Alert) throw alert(inner.content);
      if (inner.type !== ContentType.Handshake) throw new Stop({ kind: "malformed", detail: `record type ${inner.type} in the server's handshake flight` });
      this.queue.push(...this.joiner.push(inner.content));
    }
    return this.queue.shift()!;
  }

  /** Keys change only on a message boundary (RFC 8446 5.1). */
  setOpener(opener: RecordProtection): void {
    if (!this.joiner.isEmpty || this.queue.length > 0) throw new Stop({ kind: "malformed", detail: "handshake data shares a record with ServerHello" });
    this.opener = opener;
  }
}

function alert(fragment: Uint8Array): Stop {
  return new Stop(fragment.length === 2 ? { kind: "alert", description: fragment[1]! } : { kind: "malformed", detail: "malformed alert" });
}

function record(type: number, body: Uint8Array): Uint8Array {
  return new Writer().u8(type).u16(ProtocolVersion.TLS10).vec16(body).finish();
}

/**
 * Runs one TLS 1.3 handshake offering every suite and group `provider` can compute, up to the
 * server's CertificateVerify. Never throws for server behaviour; every wait is bounded by `timeoutMs`.
 */
export async function handshake13(dial: Dialer, spec: Handshake13Spec, provider: CryptoProvider, timeoutMs: number): Promise<Handshake13Answer> {
  const s = provider.supports;
  const suites = TLS13_SUITES.filter((x) => s.aeads.includes(x.aead) && s.hashes.includes(x.hash));
  const groups = GROUP_ORDER.filter((g) => s.groups.includes(g));
  if (suites.length === 0 || groups.length === 0) return { kind: "unsupported", detail: `provider "${provider.name}" offers no TLS 1.3 suite or group` };
  let stream: RawStream;
  try {
    stream = await dial();
  } catch (e) {
    return { kind: "malformed", detail: `connect failed: ${(e as Error).message}` };
  }
  try {
    return await run(stream, spec, provider, suites, groups, timeoutMs);
  } catch (e) {
    if (e instanceof Stop) return e.answer;
    return { kind: "malformed", detail: (e as Error).message };
  } finally {
    stream.close();
  }
}

async function run(stream: RawStream, spec: Handshake13Spec, p: CryptoProvider, suites: readonly Tls13Suite[], groups: readonly EcdhGroupName[], timeoutMs: number): Promise<Handshake13Answer> {
  const random = p.random(32);
  const sessionId = p.random(32);
  const sni = spec.serverName !== undefined && !isIpLiteral(spec.serverName) ? spec.serverName.replace(/\.$/, "") : undefined;
  const hello = (share: KeyShare, cookie?: Uint8Array): Uint8Array => {
    const ext: Extension[] = [];
    if (sni !== undefined) ext.push({ type: ExtensionType.ServerName, data: encodeServerName(sni) });
    ext.push({ type: ExtensionType.SupportedGroups, data: encodeU16List(groups.map(groupId)) });
    ext.push({ type: ExtensionType.SignatureAlgorithms, data: encodeU16List(spec.signatureSchemes) });
    ext.push({ type: ExtensionType.SignatureAlgorithmsCert, data: encodeU16List(spec.signatureSchemesCert) });
    ext.push({ type: ExtensionType.SupportedVersions, data: encodeSupportedVersionsClient([ProtocolVersion.TLS13]) });
    ext.push({ type: ExtensionType.KeyShare, data: encodeKeyShareClient([{ group: groupId(share.group), keyExchange: share.publicKey }]) });
    if (spec.statusRequest) ext.push({ type: ExtensionType.StatusRequest, data: new Uint8Array([1, 0, 0, 0, 0]) });
    if (cookie) ext.push({ type: ExtensionType.Cookie, data: encodeCookie(cookie) });
    return frameHandshake(HandshakeType.ClientHello, encodeClientHello({ random, legacySessionId: sessionId, cipherSuites: suites.map((x) => x.id), extensions: ext }));
  };
  const transcript = new Transcript(p);
  const flight = new ServerFlight(stream, timeoutMs);
  let share = await p.keyShare(groups[0]!);
  const ch1 = hello(share);
  stream.write(record(ContentType.Handshake, ch1));
  transcript.add(ch1);

  let shMsg = await expectMessage(flight, HandshakeType.ServerHello);
  let sh = decodeServerHello(shMsg.body);
  let suite = checkHello(sh, suites);
  const retried = sh.isHelloRetryRequest;
  if (retried) {
    const selected = sh.extensions.get(ExtensionType.KeyShare);
    const cookie = sh.extensions.get(ExtensionType.Cookie);
    if (selected !== undefined) {
      const name = ecdhGroupName(decodeU16(selected, "key_share"));
      if (name === undefined || !groups.includes(name) || name === share.group) throw new Stop({ kind: "malformed", detail: "HelloRetryRequest names a group that was not offered" });
      share = await p.keyShare(name);
    }
    transcript.setHash(suite.hash);
    await transcript.replaceWithMessageHash();
    transcript.add(shMsg.raw);
    const ch2 = hello(share, cookie === undefined ? undefined : decodeCookie(cookie));
    stream.write(record(ContentType.Handshake, ch2));
    transcript.add(ch2);
    shMsg = await expectMessage(flight, HandshakeType.ServerHello);
    sh = decodeServerHello(shMsg.body);
    if (sh.isHelloRetryRequest) throw new Stop({ kind: "malformed", detail: "second HelloRetryRequest" });
    suite = checkHello(sh, suites);
  }
  const ks = sh.extensions.get(ExtensionType.KeyShare);
  if (ks === undefined) throw new Stop({ kind: "malformed", detail: "ServerHello without key_share" });
  const serverShare = decodeKeyShareServer(ks);
  if (serverShare.group !== groupId(share.group)) throw new Stop({ kind: "malformed", detail: "ServerHello key_share for a group without our share" });
  const secret = await agree(share, serverShare.keyExchange);
  transcript.setHash(suite.hash);
  transcript.add(shMsg.raw);
  const schedule = new KeySchedule(p, suite);
  const hs = await schedule.inputSharedSecret(secret, await transcript.hash());
  flight.setOpener(await Tls13AeadProtection.create(p, suite.aead, await schedule.trafficKeys(hs.serverHandshakeTrafficSecret)));

  let certificates: Uint8Array[] = [];
  let ocspStapled = false;
  for (;;) {
    const m = await flight.next();
    if (m.type === HandshakeType.EncryptedExtensions || m.type === HandshakeType.CertificateRequest) continue;
    if (m.type === HandshakeType.Certificate) {
      const cert = decodeCertificate(m.body, MAX_CERTIFICATES);
      certificates = cert.entries.map((e) => e.data);
      ocspStapled = isOcspStatus(cert.entries[0]?.extensions.get(ExtensionType.StatusRequest));
      continue;
    }
    const done = { kind: "handshake" as const, cipherSuite: suite.id, group: groupId(share.group), helloRetryRequest: retried, certificates, ocspStapled };
    if (m.type === HandshakeType.CertificateVerify) return { ...done, certificateVerifyScheme: decodeCertificateVerify(m.body).scheme };
    if (m.type === HandshakeType.Finished) return { ...done, certificateVerifyScheme: null };
    throw new Stop({ kind: "malformed", detail: `unexpected handshake message ${m.type}` });
  }
}

async function expectMessage(flight: ServerFlight, type: number): Promise<HandshakeMessage> {
  const m = await flight.next();
  if (m.type !== type) throw new Stop({ kind: "malformed", detail: `expected handshake message ${type}, got ${m.type}` });
  return m;
}

function checkHello(sh: ReturnType<typeof decodeServerHello>, suites: readonly Tls13Suite[]): Tls13Suite {
  const sv = sh.extensions.get(ExtensionType.SupportedVersions);
  const version = sv === undefined ? sh.legacyVersion : decodeU16(sv, "supported_versions");
  if (version !== ProtocolVersion.TLS13) throw new Stop({ kind: "malformed", detail: `server chose version 0x${version.toString(16)}` });
  const suite = suiteById(sh.cipherSuite);
  if (suite === undefined || !suites.includes(suite)) throw new Stop({ kind: "malformed", detail: `server chose suite 0x${sh.cipherSuite.toString(16)}, which was not offered` });
  return suite;
}

/** CertificateStatus: status_type ocsp(1) and a non-empty OCSPResponse (RFC 6066 section 8). */
function isOcspStatus(data: Uint8Array | undefined): boolean {
  if (data === undefined) return false;
  try {
    const r = new Reader(data, "CertificateStatus");
    return r.u8() === 1 && r.vec24(1).length > 0;
  } catch {
    return false;
  }
}
