// One scan probe: send a crafted ClientHello over a fresh connection and read the server's answer
// (ServerHello / HelloRetryRequest, the TLS 1.2 Certificate and ServerKeyExchange, or an alert)
// without completing a handshake we would refuse to do. Runtime-agnostic: the caller dials.
import { Writer } from "../src/codec/writer.js";
import { Reader } from "../src/codec/reader.js";
import { Deframer } from "../src/record/deframer.js";
import { HandshakeJoiner } from "../src/msgs/handshake.js";
import { type ServerHello, decodeServerHello, downgradeMarker } from "../src/msgs/hello.js";
import { ExtensionType, HandshakeType, ProtocolVersion } from "../src/msgs/enums.js";
import { decodeU16 } from "../src/msgs/extensions.js";
import { ianaSuiteName } from "./iana-cipher-suites.js";
import { suiteKeyExchange } from "./suite-names.js";

/** A plain byte stream to the server under scan. */
export interface RawStream {
  write(bytes: Uint8Array): void;
  /** The next bytes, or null at end of stream; rejects after `timeoutMs`. */
  read(timeoutMs: number): Promise<Uint8Array | null>;
  close(): void;
}

export type Dialer = () => Promise<RawStream>;

export interface HelloSpec {
  /** legacy_version; for TLS 1.3 probes 0x0303 plus supported_versions. */
  readonly version: number;
  readonly cipherSuites: readonly number[];
  readonly groups: readonly number[];
  readonly signatureSchemes: readonly number[];
  /** signature_algorithms_cert (RFC 8446 4.2.3), so that narrowing signature_algorithms leaves the chain free. */
  readonly signatureSchemesCert?: readonly number[];
  /** Ask for a stapled OCSP response (status_request, RFC 6066 section 8). */
  readonly statusRequest?: boolean;
  readonly serverName?: string;
  readonly extendedMasterSecret?: boolean;
  readonly renegotiationInfo?: boolean;
  /** renegotiated_connection of a renegotiating hello: our previous verify_data (RFC 5746 §3.5). */
  readonly renegotiatedConnection?: Uint8Array;
}

export type ProbeAnswer =
  | {
      readonly kind: "hello";
      readonly version: number;
      readonly cipherSuite: number;
      readonly helloRetryRequest: boolean;
      /** HRR's selected group (TLS 1.3), or the TLS 1.2 ServerKeyExchange curve. */
      readonly group: number | null;
      /** The TLS 1.2 ServerKeyExchange signature scheme. */
      readonly signatureScheme: number | null;
      /** The size in bits of a DHE or DH_anon prime sent in ServerKeyExchange. */
      readonly dhBits: number | null;
      readonly extendedMasterSecret: boolean;
      readonly renegotiationInfo: boolean;
      /** The TLS 1.2 Certificate message's chain. */
      readonly certificates: readonly Uint8Array[];
      /** Whether a TLS 1.2 CertificateStatus (a stapled OCSP response) followed the chain. */
      readonly ocspStapled: boolean;
      /**
       * The version a TLS 1.3 server's random says it was downgraded from, by its last eight bytes
       * (RFC 8446 §4.1.3): "tls12" for DOWNGRD\x01, "tls11" for DOWNGRD\x00, else null.
       */
      readonly downgradeSentinel: "tls12" | "tls11" | null;
    }
  | { readonly kind: "alert"; readonly description: number }
  | { readonly kind: "closed" }
  | { readonly kind: "timeout" }
  | { readonly kind: "malformed"; readonly detail: string }
  /** No TCP connection: `detail` is the system's error code (ECONNREFUSED, ENOTFOUND, …) or what happened. */
  | { readonly kind: "unreachable"; readonly detail: string }
  /** The server answered with bytes that do not begin a TLS record (an HTTP server, an SSH banner, …). */
  | { readonly kind: "not-tls"; readonly detail: string };

export function encodeProbeHello(spec: HelloSpec, random: Uint8Array): Uint8Array {
  const tls13 = spec.version === ProtocolVersion.TLS13;
  const ext = new Writer();
  const add = (type: number, body: (w: Writer) => void): void => {
    ext.u16(type).prefixed(2, body);
  };
  if (spec.serverName) add(ExtensionType.ServerName, (w) => w.prefixed(2, (x) => x.u8(0).vec16(new TextEncoder().encode(spec.serverName!))));
  add(ExtensionType.SupportedGroups, (w) => w.prefixed(2, (x) => spec.groups.forEach((g) => x.u16(g))));
  add(ExtensionType.EcPointFormats, (w) => w.vec8(new Uint8Array([0])));
  add(ExtensionType.SignatureAlgorithms, (w) => w.prefixed(2, (x) => spec.signatureSchemes.forEach((s) => x.u16(s))));
  if (spec.signatureSchemesCert) add(ExtensionType.SignatureAlgorithmsCert, (w) => w.prefixed(2, (x) => spec.signatureSchemesCert!.forEach((s) => x.u16(s))));
  // status_type ocsp(1), no responder ids, no request extensions.
  if (spec.statusRequest) add(ExtensionType.StatusRequest, (w) => w.bytes(new Uint8Array([1, 0, 0, 0, 0])));
  if (spec.extendedMasterSecret) add(ExtensionType.ExtendedMasterSecret, () => undefined);
  if (spec.renegotiationInfo) add(ExtensionType.RenegotiationInfo, (w) => w.vec8(spec.renegotiatedConnection ?? new Uint8Array(0)));
  if (tls13) {
    add(ExtensionType.SupportedVersions, (w) => w.prefixed(1, (x) => x.u16(ProtocolVersion.TLS13)));
    // No shares: a server that accepts the rest answers with a HelloRetryRequest naming its group.
    add(ExtensionType.KeyShare, (w) => w.prefixed(2, () => undefined));
    add(ExtensionType.PskKeyExchangeModes, (w) => w.vec8(new Uint8Array([1])));
  }
  const body = new Writer()
    .u16(tls13 ? ProtocolVersion.TLS12 : spec.version)
    .bytes(random)
    .vec8(tls13 ? random : new Uint8Array(0))
    .prefixed(2, (w) => spec.cipherSuites.forEach((s) => w.u16(s)))
    .vec8(new Uint8Array([0]))
    .vec16(ext.finish())
    .finish();
  const hs = new Writer().u8(HandshakeType.ClientHello).vec24(body).finish();
  return new Writer().u8(22).u16(ProtocolVersion.TLS10).vec16(hs).finish();
}

/**
 * What a TLS 1.2 ServerKeyExchange names, read by the chosen suite's key exchange: the curve of
 * ECDHE/ECDH_anon (RFC 8422 §5.4), the prime size of DHE/DH_anon (RFC 5246 §7.4.3), and the
 * signature scheme of authenticated ones. Anything else, or a body that does not parse, names nothing:
 * the hello is still the server's answer.
 */
function parseServerKeyExchange(body: Uint8Array, suite: number, tls12: boolean): ServerKeyExchangeFacts {
  const kx = suiteKeyExchange(ianaSuiteName(suite));
  const signed = kx === "ecdhe" || kx === "dhe";
  try {
    const r = new Reader(body, "ServerKeyExchange");
    if (kx === "ecdhe" || (kx === "anon" && ianaSuiteName(suite).startsWith("TLS_ECDH_anon_"))) {
      if (r.u8() !== 3) return NO_FACTS; // not named_curve
      const group = r.u16();
      r.vec8(1);
      return { group, dhBits: null, scheme: tls12 && signed ? r.u16() : null };
    }
    if (kx === "dhe" || kx === "anon") {
      const p = r.vec16(1);
      r.vec16(1);
      r.vec16(1);
      const lead = p.findIndex((b) => b !== 0);
      const dhBits = lead < 0 ? 0 : (p.length - lead) * 8 - Math.clz32(p[lead]!) + 24;
      return { group: null, dhBits, scheme: tls12 && signed ? r.u16() : null };
    }
  } catch {
    // A malformed ServerKeyExchange names nothing; the answer stands.
  }
  return NO_FACTS;
}

interface ServerKeyExchangeFacts {
  readonly group: number | null;
  readonly dhBits: number | null;
  readonly scheme: number | null;
}
const NO_FACTS: ServerKeyExchangeFacts = { group: null, dhBits: null, scheme: null };

/** Sends one ClientHello and classifies the server's answer. Never throws for peer behaviour. */
export async function probe(dial: Dialer, spec: HelloSpec, random: Uint8Array, timeoutMs: number): Promise<ProbeAnswer> {
  let stream: RawStream;
  try {
    stream = await dial();
  } catch (e) {
    return { kind: "unreachable", detail: connectFailure(e) };
  }
  // The first bytes the server sent, kept to tell a TLS server from something else that answers.
  let head: Uint8Array = new Uint8Array(0);
  const notTls = (): ProbeAnswer | null => (head.length === 0 || looksLikeTlsRecord(head) ? null : { kind: "not-tls", detail: `it answered ${preview(head)}` });
  try {
    stream.write(encodeProbeHello(spec, random));
    const deframer = new Deframer();
    const joiner = new HandshakeJoiner(64 * 1024);
    let hello: ServerHello | null = null;
    let certificates: Uint8Array[] = [];
    let ocspStapled = false;
    let ske = NO_FACTS;
    const done = (): ProbeAnswer => {
      const sh = hello!;
      const sv = sh.extensions.get(ExtensionType.SupportedVersions);
      const version = sv !== undefined ? decodeU16(sv, "supported_versions") : sh.legacyVersion;
      const ks = sh.extensions.get(ExtensionType.KeyShare);
      return {
        kind: "hello",
        version,
        cipherSuite: sh.cipherSuite,
        helloRetryRequest: sh.isHelloRetryRequest,
        group: sh.isHelloRetryRequest && ks !== undefined ? decodeU16(ks, "key_share") : ske.group,
        signatureScheme: ske.scheme,
        dhBits: ske.dhBits,
        extendedMasterSecret: sh.extensions.has(ExtensionType.ExtendedMasterSecret),
        renegotiationInfo: sh.extensions.has(ExtensionType.RenegotiationInfo),
        certificates,
        ocspStapled,
        downgradeSentinel: downgradeMarker(sh.random),
      };
    };
    // Bounded: at most a few dozen records before the answer is known.
    for (let reads = 0; reads < 64; reads++) {
      const chunk = await stream.read(timeoutMs).catch(() => "timeout" as const);
      if (chunk === "timeout") return hello ? done() : (notTls() ?? { kind: "timeout" });
      if (chunk === null) return hello ? done() : (notTls() ?? { kind: "closed" });
      if (head.length < PREVIEW_BYTES) head = concatHead(head, chunk);
      deframer.push(chunk);
      for (let rec = deframer.next(); rec; rec = deframer.next()) {
        if (rec.type === 21 && rec.fragment.length === 2) return hello ? done() : { kind: "alert", description: rec.fragment[1]! };
        if (rec.type !== 22) return hello ? done() : { kind: "malformed", detail: `record type ${rec.type} before ServerHello` };
        for (const m of joiner.push(rec.fragment)) {
          if (m.type === HandshakeType.ServerHello && !hello) {
            hello = decodeServerHello(m.body);
            const sv = hello.extensions.get(ExtensionType.SupportedVersions);
            // TLS 1.3 hides the rest; so does an HRR. Either way the answer is complete.
            if (hello.isHelloRetryRequest || sv !== undefined) return done();
          } else if (m.type === HandshakeType.Certificate && hello) {
            certificates = decodeTls12Certificates(m.body);
          } else if (m.type === HandshakeType.CertificateStatus && hello) {
            ocspStapled = m.body.length > 4 && m.body[0] === 1;
          } else if (m.type === HandshakeType.ServerKeyExchange && hello) {
            ske = parseServerKeyExchange(m.body, hello.cipherSuite, hello.legacyVersion === ProtocolVersion.TLS12);
          } else if (m.type === HandshakeType.ServerHelloDone && hello) {
            return done(); // ServerHelloDone
          }
        }
      }
    }
    return hello ? done() : { kind: "malformed", detail: "no ServerHello" };
  } catch (e) {
    return notTls() ?? { kind: "malformed", detail: (e as Error).message };
  } finally {
    stream.close();
  }
}

const PREVIEW_BYTES = 64;

function concatHead(head: Uint8Array, chunk: Uint8Array): Uint8Array {
  const out: Uint8Array = new Uint8Array(Math.min(PREVIEW_BYTES, head.length + chunk.length));
  out.set(head);
  out.set(chunk.subarray(0, out.length - head.length), head.length);
  return out;
}

/** A TLS record begins with a content type (20 to 24) and a version whose major byte is 3. */
function looksLikeTlsRecord(head: Uint8Array): boolean {
  return head[0]! >= 20 && head[0]! <= 24 && (head.length < 2 || head[1] === 3);
}

/** The first line of a text answer, quoted ("HTTP/1.1 400 Bad Request"), else its first bytes in hex. */
function preview(head: Uint8Array): string {
  const eol = head.findIndex((b) => b === 0x0d || b === 0x0a);
  const text = eol < 0 ? head : head.subarray(0, eol);
  if (text.length > 0 && text.every((b) => b >= 0x20 && b < 0x7f)) return JSON.stringify(new TextDecoder().decode(text.subarray(0, 60)));
  return `bytes that are not a TLS record (${[...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}${head.length > 8 ? " …" : ""})`;
}

/** The system's code of a failed connection (ECONNREFUSED, ENOTFOUND, …), else its message. */
function connectFailure(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && /^E[A-Z_]+$/.test(code)) return code;
  const message = e instanceof Error ? e.message : String(e);
  return /timed out/i.test(message) ? "timed out" : message;
}

/** TLS 1.2's Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
function decodeTls12Certificates(body: Uint8Array): Uint8Array[] {
  const r = new Reader(body, "Certificate");
  const list = r.sub24("certificate_list");
  const out: Uint8Array[] = [];
  while (!list.atEnd() && out.length < 16) out.push(list.vec24(1));
  return out;
}

