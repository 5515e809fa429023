// TLS 1.2 handshake message codecs (src/msgs/tls12.ts): round trips, every truncation and a trailing
// byte, single-byte corruptions, the illegal values the RFCs name, and the plaintext first flight of a
// real `openssl s_server -tls1_2` decoded with them. The ServerKeyExchange signature is verified over
// serverKeyExchangeSignedData with node:crypto against the leaf certificate, which proves that
// `params` is exactly the signed byte string.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { KeyObject, X509Certificate, constants, randomBytes, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writer } from "../src/codec/writer.js";
import { fromHex } from "../src/codec/bytes.js";
import { DecodeError, PeerMisbehaved, TlsError } from "../src/errors.js";
import { ContentType, ExtensionType, HandshakeType, NamedGroup, SignatureScheme } from "../src/msgs/enums.js";
import { encodeServerName, encodeU16List } from "../src/msgs/extensions.js";
import { type HandshakeMessage, HandshakeJoiner, frameHandshake } from "../src/msgs/handshake.js";
import { decodeServerHello, encodeClientHello } from "../src/msgs/hello.js";
import {
  ClientCertificateType,
  decodeCertificateRequestTls12,
  decodeCertificateStatus,
  decodeCertificateTls12,
  decodeCertificateVerify,
  decodeClientKeyExchangeEcdhe,
  decodeFinishedTls12,
  decodeHelloRequest,
  decodeNewSessionTicketTls12,
  decodeServerHelloDone,
  decodeServerKeyExchangeEcdhe,
  encodeCertificateRequestTls12,
  encodeCertificateStatus,
  encodeCertificateTls12,
  encodeCertificateVerify,
  encodeClientKeyExchangeEcdhe,
  encodeFinishedTls12,
  encodeHelloRequest,
  encodeNewSessionTicketTls12,
  encodeServerEcdhParams,
  encodeServerHelloDone,
  encodeServerKeyExchangeEcdhe,
  serverKeyExchangeSignedData,
} from "../src/msgs/tls12.js";
import { Deframer } from "../src/record/deframer.js";
import { type CertSet, Scope, interopPki, scoped, spawnOpenssl, within } from "./interop/peers.js";

/** The TlsError `f` throws; any other exception (or none) fails the test. */
function errorOf(f: () => unknown): TlsError {
  try {
    f();
  } catch (e) {
    if (e instanceof TlsError) return e;
    throw new Error(`expected a TlsError, got ${(e as Error)?.stack ?? String(e)}`);
  }
  throw new Error("expected a TlsError, got a value");
}
const alertOf = (f: () => unknown): string => errorOf(f).alert;

const bytes = (n: number, seed: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 31 + seed) & 0xff);
const list = (b: Uint8Array): number[] => Array.from(b);
const hex = (v: number): string => `0x${v.toString(16).padStart(4, "0")}`;

// ---------------------------------------------------------------------------------------------
// One sample per message: its encoding, and a decoder that must consume it.

interface Sample {
  readonly name: string;
  readonly body: Uint8Array;
  readonly decode: (body: Uint8Array) => unknown;
  /** Encodes what `decode` returned; must give back `body` byte for byte. */
  readonly reencode: (decoded: never) => Uint8Array;
}

const chain = [bytes(700, 1), bytes(1, 2), bytes(300, 3)];
const skeParams = encodeServerEcdhParams(NamedGroup.secp256r1, Uint8Array.of(4, ...bytes(64, 4)));
const certificateRequest = {
  certificateTypes: [ClientCertificateType.rsa_sign, ClientCertificateType.ecdsa_sign],
  signatureSchemes: [SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pkcs1_sha256],
  certificateAuthorities: [bytes(90, 5), bytes(1, 6)],
};

const SAMPLES: readonly Sample[] = [
  { name: "Certificate", body: encodeCertificateTls12(chain), decode: (b) => decodeCertificateTls12(b, 10), reencode: encodeCertificateTls12 },
  { name: "Certificate (empty list)", body: encodeCertificateTls12([]), decode: (b) => decodeCertificateTls12(b, 10), reencode: encodeCertificateTls12 },
  {
    name: "ServerKeyExchange",
    body: encodeServerKeyExchangeEcdhe({ params: skeParams, scheme: SignatureScheme.ecdsa_secp256r1_sha256, signature: bytes(71, 7) }),
    decode: decodeServerKeyExchangeEcdhe,
    reencode: encodeServerKeyExchangeEcdhe,
  },
  {
    name: "ServerKeyExchange (x25519, empty signature)",
    body: encodeServerKeyExchangeEcdhe({ params: encodeServerEcdhParams(NamedGroup.x25519, bytes(32, 8)), scheme: SignatureScheme.rsa_pss_rsae_sha256, signature: new Uint8Array(0) }),
    decode: decodeServerKeyExchangeEcdhe,
    reencode: encodeServerKeyExchangeEcdhe,
  },
  { name: "CertificateRequest", body: encodeCertificateRequestTls12(certificateRequest), decode: decodeCertificateRequestTls12, reencode: encodeCertificateRequestTls12 },
  {
    name: "CertificateRequest (no authorities)",
    body: encodeCertificateRequestTls12({ certificateTypes: [64], signatureSchemes: [0x0403], certificateAuthorities: [] }),
    decode: decodeCertificateRequestTls12,
    reencode: encodeCertificateRequestTls12,
  },
  { name: "ServerHelloDone", body: encodeServerHelloDone(), decode: decodeServerHelloDone, reencode: encodeServerHelloDone },
  { name: "HelloRequest", body: encodeHelloRequest(), decode: decodeHelloRequest, reencode: encodeHelloRequest },
  { name: "ClientKeyExchange", body: encodeClientKeyExchangeEcdhe(Uint8Array.of(4, ...bytes(96, 9))), decode: decodeClientKeyExchangeEcdhe, reencode: encodeClientKeyExchangeEcdhe },
  { name: "Finished", body: encodeFinishedTls12(bytes(12, 10)), decode: decodeFinishedTls12, reencode: encodeFinishedTls12 },
  {
    name: "CertificateVerify",
    body: encodeCertificateVerify({ scheme: SignatureScheme.rsa_pss_rsae_sha256, signature: bytes(256, 11) }),
    decode: decodeCertificateVerify,
    reencode: encodeCertificateVerify,
  },
  { name: "NewSessionTicket", body: encodeNewSessionTicketTls12({ lifetimeHint: 0xfffffffe, ticket: bytes(180, 12) }), decode: decodeNewSessionTicketTls12, reencode: encodeNewSessionTicketTls12 },
  { name: "NewSessionTicket (empty ticket)", body: encodeNewSessionTicketTls12({ lifetimeHint: 0, ticket: new Uint8Array(0) }), decode: decodeNewSessionTicketTls12, reencode: encodeNewSessionTicketTls12 },
  { name: "CertificateStatus", body: encodeCertificateStatus(bytes(400, 13)), decode: decodeCertificateStatus, reencode: encodeCertificateStatus },
];

const codecs = suite("tls12 msgs: codecs");

codecs("round trips: every sample decodes and re-encodes byte for byte", () => {
  for (const s of SAMPLES) {
    const decoded = s.decode(s.body);
    assert.equal(list(s.reencode(decoded as never)), list(s.body), s.name);
  }
});

codecs("round trips: decoded fields are the encoded ones", () => {
  assert.equal(decodeCertificateTls12(encodeCertificateTls12(chain), 3).map(list), chain.map(list));
  const ske = decodeServerKeyExchangeEcdhe(SAMPLES[2]!.body);
  assert.is(ske.group, NamedGroup.secp256r1);
  assert.is(ske.publicKey.length, 65);
  assert.is(ske.scheme, SignatureScheme.ecdsa_secp256r1_sha256);
  assert.equal(list(ske.signature), list(bytes(71, 7)));
  assert.equal(list(ske.params), list(skeParams));
  assert.equal(list(ske.params.subarray(0, 4)), [3, 0x00, 0x17, 65]);
  const cr = decodeCertificateRequestTls12(encodeCertificateRequestTls12(certificateRequest));
  assert.equal(cr.certificateTypes, certificateRequest.certificateTypes);
  assert.equal(cr.signatureSchemes, certificateRequest.signatureSchemes);
  assert.equal(cr.certificateAuthorities.map(list), certificateRequest.certificateAuthorities.map(list));
  assert.equal(list(decodeClientKeyExchangeEcdhe(encodeClientKeyExchangeEcdhe(bytes(32, 1)))), list(bytes(32, 1)));
  assert.equal(list(decodeFinishedTls12(bytes(12, 2))), list(bytes(12, 2)));
  const nst = decodeNewSessionTicketTls12(SAMPLES[11]!.body);
  assert.is(nst.lifetimeHint, 0xfffffffe);
  assert.is(nst.ticket.length, 180);
  assert.equal(list(decodeCertificateStatus(encodeCertificateStatus(Uint8Array.of(0x30, 3, 10, 1, 3)))), [0x30, 3, 10, 1, 3]);
  assert.equal(list(encodeCertificateStatus(Uint8Array.of(9)).subarray(0, 4)), [1, 0, 0, 1]);
  const signed = serverKeyExchangeSignedData(bytes(32, 1), bytes(32, 2), skeParams);
  assert.equal(list(signed), [...bytes(32, 1), ...bytes(32, 2), ...skeParams]);
});

codecs("every truncation and a trailing byte are DecodeError, never another exception", () => {
  for (const s of SAMPLES) {
    for (let n = 0; n < s.body.length; n++) {
      const e = errorOf(() => s.decode(s.body.subarray(0, n)));
      assert.ok(e instanceof DecodeError, `${s.name} cut to ${n} of ${s.body.length} bytes: ${e.name} ${e.message}`);
    }
    const longer = Uint8Array.of(...s.body, 0);
    const e = errorOf(() => s.decode(longer));
    assert.ok(e instanceof DecodeError, `${s.name} with a trailing byte: ${e.name} ${e.message}`);
  }
});

codecs("any single corrupted byte ends in a value or a TlsError", () => {
  for (const s of SAMPLES) {
    for (let i = 0; i < s.body.length; i++) {
      for (const v of [0x00, 0x01, 0x7f, 0x80, 0xff, s.body[i]! ^ 0x01]) {
        const bad = s.body.slice();
        bad[i] = v;
        try {
          s.decode(bad);
        } catch (e) {
          assert.ok(e instanceof TlsError, `${s.name} byte ${i} = ${v}: ${(e as Error).stack}`);
        }
      }
    }
  }
});

codecs("ServerKeyExchange: explicit curves are illegal_parameter; an empty point is decode_error", () => {
  for (const curveType of [1, 2, 0, 255]) {
    const body = SAMPLES[2]!.body.slice();
    body[0] = curveType;
    const e = errorOf(() => decodeServerKeyExchangeEcdhe(body));
    assert.ok(e instanceof PeerMisbehaved, `curve_type ${curveType}`);
    assert.is(e.alert, "illegal_parameter");
    assert.is((e as PeerMisbehaved).reason, "UnsupportedCurveType");
  }
  assert.is(alertOf(() => decodeServerKeyExchangeEcdhe(fromHex("030017 00 0403 0000"))), "decode_error");
  assert.throws(() => encodeServerEcdhParams(23, new Uint8Array(0)), RangeError);
  assert.throws(() => serverKeyExchangeSignedData(bytes(31, 0), bytes(32, 0), skeParams), RangeError);
});

codecs("CertificateRequest: bounds on types, algorithms and names are decode_error", () => {
  // certificate_types<1..2^8-1> empty
  assert.is(alertOf(() => decodeCertificateRequestTls12(fromHex("00 0002 0403 0000"))), "decode_error");
  // supported_signature_algorithms of odd length, and empty (< 2)
  assert.is(alertOf(() => decodeCertificateRequestTls12(fromHex("01 40 0003 040308 0000"))), "decode_error");
  assert.is(alertOf(() => decodeCertificateRequestTls12(fromHex("01 40 0000 0000"))), "decode_error");
  // DistinguishedName<1..2^16-1> empty, and one overrunning its list
  assert.is(alertOf(() => decodeCertificateRequestTls12(fromHex("01 40 0002 0403 0002 0000"))), "decode_error");
  assert.is(alertOf(() => decodeCertificateRequestTls12(fromHex("01 40 0002 0403 0003 0002 30"))), "decode_error");
  // The same minimal message with valid bounds parses.
  assert.equal(decodeCertificateRequestTls12(fromHex("01 40 0002 0403 0003 0001 30")).certificateAuthorities.map(list), [[0x30]]);
  assert.throws(() => encodeCertificateRequestTls12({ certificateTypes: [], signatureSchemes: [0x0403], certificateAuthorities: [] }), RangeError);
  assert.throws(() => encodeCertificateRequestTls12({ certificateTypes: [64], signatureSchemes: [], certificateAuthorities: [] }), RangeError);
});

codecs("Finished is exactly 12 bytes; ServerHelloDone and HelloRequest are empty", () => {
  for (const n of [0, 11, 13, 32]) assert.is(alertOf(() => decodeFinishedTls12(bytes(n, 0))), "decode_error", `Finished of ${n}`);
  assert.throws(() => encodeFinishedTls12(bytes(11, 0)), RangeError);
  assert.throws(() => encodeFinishedTls12(bytes(13, 0)), RangeError);
  assert.is(alertOf(() => decodeServerHelloDone(Uint8Array.of(0))), "decode_error");
  assert.is(alertOf(() => decodeHelloRequest(Uint8Array.of(0, 0))), "decode_error");
});

codecs("Certificate: empty entries are decode_error; too many entries are bad_certificate", () => {
  assert.is(alertOf(() => decodeCertificateTls12(fromHex("000003 000000"), 10)), "decode_error");
  assert.is(decodeCertificateTls12(encodeCertificateTls12(chain), 3).length, 3);
  const e = errorOf(() => decodeCertificateTls12(encodeCertificateTls12(chain), 2));
  assert.ok(e instanceof PeerMisbehaved);
  assert.is(e.alert, "bad_certificate");
  assert.throws(() => encodeCertificateTls12([new Uint8Array(0)]), RangeError);
});

codecs("CertificateStatus: only ocsp, with a non-empty response; ClientKeyExchange needs a point", () => {
  const e = errorOf(() => decodeCertificateStatus(fromHex("02 000001 30")));
  assert.ok(e instanceof PeerMisbehaved);
  assert.is(e.alert, "illegal_parameter");
  assert.is(alertOf(() => decodeCertificateStatus(fromHex("01 000000"))), "decode_error");
  assert.is(alertOf(() => decodeClientKeyExchangeEcdhe(fromHex("00"))), "decode_error");
  assert.throws(() => encodeCertificateStatus(new Uint8Array(0)), RangeError);
  assert.throws(() => encodeClientKeyExchangeEcdhe(new Uint8Array(0)), RangeError);
  assert.throws(() => encodeNewSessionTicketTls12({ lifetimeHint: 2 ** 32, ticket: new Uint8Array(0) }), RangeError);
});

codecs.run();

// ---------------------------------------------------------------------------------------------
// A real peer: openssl s_server -tls1_2 -Verify 1 (so it sends a CertificateRequest) with a stapled
// OCSP response (so it sends a CertificateStatus), reached over a raw TCP socket.

const SUITE_FOR: Record<"ecdsa-p256" | "rsa-2048", number> = { "ecdsa-p256": 0xc02b, "rsa-2048": 0xc02f };
const POINT_LENGTH: Record<number, number> = { [NamedGroup.secp256r1]: 65, [NamedGroup.x25519]: 32 };
const DEFAULT_SCHEMES = [SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pkcs1_sha256];
/** A minimal DER OCSPResponse (responseStatus tryLater, no responseBytes): s_server staples the file as is. */
const OCSP_RESPONSE = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x03);

function clientHelloRecord(random: Uint8Array, groups: readonly number[], schemes: readonly number[]): Uint8Array {
  const hello = encodeClientHello({
    random,
    legacySessionId: new Uint8Array(0),
    cipherSuites: [0xc02b, 0xc02f],
    extensions: [
      { type: ExtensionType.ServerName, data: encodeServerName("localhost") },
      { type: ExtensionType.SupportedGroups, data: encodeU16List(groups) },
      { type: ExtensionType.EcPointFormats, data: Uint8Array.of(1, 0) }, // uncompressed only
      { type: ExtensionType.SignatureAlgorithms, data: encodeU16List(schemes) },
      // status_type ocsp, empty responder_id_list, empty request_extensions (RFC 6066 section 8)
      { type: ExtensionType.StatusRequest, data: Uint8Array.of(1, 0, 0, 0, 0) },
      { type: ExtensionType.ExtendedMasterSecret, data: new Uint8Array(0) },
      { type: ExtensionType.RenegotiationInfo, data: Uint8Array.of(0) },
    ],
  });
  return new Writer().u8(ContentType.Handshake).u16(0x0301).vec16(frameHandshake(HandshakeType.ClientHello, hello)).finish();
}

/** Sends a ClientHello and collects the server's handshake messages up to ServerHelloDone. */
async function firstFlight(scope: Scope, port: number, record: Uint8Array): Promise<HandshakeMessage[]> {
  const socket = scope.stream(net.connect({ host: "127.0.0.1", port }));
  const deframer = new Deframer();
  const joiner = new HandshakeJoiner(1 << 16);
  const messages: HandshakeMessage[] = [];
  await within(
    new Promise<void>((resolve, reject) => {
      socket.on("data", (chunk: Buffer) => {
        try {
          deframer.push(Uint8Array.from(chunk));
          for (let rec = deframer.next(); rec; rec = deframer.next()) {
            if (rec.type === ContentType.Alert) throw new Error(`s_server sent alert ${list(rec.fragment)}`);
            if (rec.type !== ContentType.Handshake) throw new Error(`unexpected record type ${rec.type} before ServerHelloDone`);
            for (const m of joiner.push(rec.fragment)) {
              messages.push(m);
              if (m.type === HandshakeType.ServerHelloDone) resolve();
            }
          }
        } catch (e) {
          reject(e);
        }
      });
      socket.once("error", reject);
      socket.once("close", () => reject(new Error(`connection closed after ${messages.length} messages, before ServerHelloDone`)));
      socket.write(record);
    }),
    `the first flight of s_server on port ${port}`,
    5_000,
  );
  socket.destroy();
  return messages;
}

function verifySignature(scheme: number, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  switch (scheme) {
    case SignatureScheme.ecdsa_secp256r1_sha256:
      return verify("sha256", data, { key, dsaEncoding: "der" }, signature);
    case SignatureScheme.rsa_pss_rsae_sha256:
      return verify("sha256", data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
    case SignatureScheme.rsa_pkcs1_sha256:
      return verify("sha256", data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  }
  throw new Error(`scheme ${hex(scheme)} was not offered`);
}

const contains = (hay: Uint8Array, needle: Uint8Array): boolean => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;

const real = suite("tls12 msgs: openssl s_server -tls1_2 first flight");
const suiteScope = new Scope();
const servers = new Map<string, Promise<number>>();
const seenGroups = new Set<number>();
real.after(() => suiteScope.close());

/** One s_server per certificate for the whole suite (port 0, read back from its ACCEPT line). */
function sServer(cert: CertSet): Promise<number> {
  let port = servers.get(cert.kind);
  if (port === undefined) {
    port = (async () => {
      const pki = interopPki();
      const dir = mkdtempSync(join(tmpdir(), "fipstls-tls12-msgs-"));
      suiteScope.add(() => rmSync(dir, { recursive: true, force: true }));
      const statusFile = join(dir, "ocsp.der");
      writeFileSync(statusFile, OCSP_RESPONSE);
      const args = ["s_server", "-accept", "127.0.0.1:0", "-cert", cert.certPath, "-key", cert.keyPath, "-tls1_2", "-Verify", "1", "-CAfile", pki.caPath, "-status_file", statusFile];
      const peer = spawnOpenssl(suiteScope, args, `s_server -tls1_2 (${cert.kind})`);
      const m = await peer.stdout.match(/ACCEPT 127\.0\.0\.1:(\d+)/).catch((e: Error) => Promise.reject(new Error(`${e.message}\n${peer.describe()}`)));
      return Number(m[1]);
    })();
    servers.set(cert.kind, port);
  }
  return port;
}

const CASES: { kind: "ecdsa-p256" | "rsa-2048"; groups: number[]; schemes: number[] }[] = [
  { kind: "ecdsa-p256", groups: [23, 29], schemes: DEFAULT_SCHEMES },
  { kind: "ecdsa-p256", groups: [29, 23], schemes: DEFAULT_SCHEMES },
  { kind: "rsa-2048", groups: [23, 29], schemes: DEFAULT_SCHEMES },
  { kind: "rsa-2048", groups: [29, 23], schemes: DEFAULT_SCHEMES },
  { kind: "rsa-2048", groups: [23, 29], schemes: [SignatureScheme.rsa_pkcs1_sha256] },
];

for (const c of CASES) {
  const label = `${c.kind}, groups [${c.groups}], schemes [${c.schemes.map(hex)}]`;
  real(label, scoped(async (scope) => {
    const cert = interopPki().certs.find((x) => x.kind === c.kind)!;
    const port = await sServer(cert);
    const clientRandom = new Uint8Array(randomBytes(32));
    const messages = await firstFlight(scope, port, clientHelloRecord(clientRandom, c.groups, c.schemes));
    const H = HandshakeType;
    assert.equal(messages.map((m) => m.type), [H.ServerHello, H.Certificate, H.CertificateStatus, H.ServerKeyExchange, H.CertificateRequest, H.ServerHelloDone]);
    const [sh, certificate, status, ske, cr, done] = messages.map((m) => m.body) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];

    const hello = decodeServerHello(sh);
    assert.is(hello.legacyVersion, 0x0303);
    assert.is(hello.cipherSuite, SUITE_FOR[c.kind]);
    assert.ok(hello.extensions.has(ExtensionType.StatusRequest), "status_request acknowledged");

    // Certificate: the leaf is the certificate s_server was given; re-encoding is byte-exact.
    const der = decodeCertificateTls12(certificate, 10);
    const leaf = new X509Certificate(cert.certPem);
    assert.ok(der.length >= 1);
    assert.ok(leaf.raw.equals(der[0]!), "the leaf is the served certificate");
    assert.equal(list(encodeCertificateTls12(der)), list(certificate));

    // CertificateStatus: exactly the stapled file.
    assert.equal(list(decodeCertificateStatus(status)), list(OCSP_RESPONSE));
    assert.equal(list(encodeCertificateStatus(decodeCertificateStatus(status))), list(status));

    // ServerKeyExchange: an offered group with a point of its length, an offered scheme, and a
    // signature that verifies over client_random || server_random || params.
    const kx = decodeServerKeyExchangeEcdhe(ske);
    assert.ok(c.groups.includes(kx.group), `group ${kx.group} was offered`);
    seenGroups.add(kx.group);
    assert.is(kx.publicKey.length, POINT_LENGTH[kx.group]);
    if (kx.group === NamedGroup.secp256r1) assert.is(kx.publicKey[0], 4, "uncompressed point");
    assert.ok(c.schemes.includes(kx.scheme), `scheme ${hex(kx.scheme)} was offered`);
    assert.equal(list(kx.params), list(encodeServerEcdhParams(kx.group, kx.publicKey)));
    assert.equal(list(kx.params), list(ske.subarray(0, kx.params.length)));
    assert.equal(list(encodeServerKeyExchangeEcdhe(kx)), list(ske));
    if (c.kind === "ecdsa-p256") assert.is(kx.scheme, SignatureScheme.ecdsa_secp256r1_sha256);
    else assert.ok(kx.scheme !== SignatureScheme.ecdsa_secp256r1_sha256);
    const signed = serverKeyExchangeSignedData(clientRandom, hello.random, kx.params);
    assert.ok(verifySignature(kx.scheme, leaf.publicKey, signed, kx.signature), "signature over serverKeyExchangeSignedData verifies");
    // One byte more or less in what is signed, or the randoms swapped, and it does not.
    const shorter = serverKeyExchangeSignedData(clientRandom, hello.random, kx.params.subarray(0, kx.params.length - 1));
    assert.not.ok(verifySignature(kx.scheme, leaf.publicKey, shorter, kx.signature));
    const swapped = serverKeyExchangeSignedData(hello.random, clientRandom, kx.params);
    assert.not.ok(verifySignature(kx.scheme, leaf.publicKey, swapped, kx.signature));

    // CertificateRequest: RSA and ECDSA certificates asked for, schemes listed, our CA named.
    const req = decodeCertificateRequestTls12(cr);
    assert.ok(req.certificateTypes.includes(ClientCertificateType.ecdsa_sign), `types ${req.certificateTypes}`);
    assert.ok(req.certificateTypes.includes(ClientCertificateType.rsa_sign), `types ${req.certificateTypes}`);
    assert.ok(req.signatureSchemes.includes(SignatureScheme.ecdsa_secp256r1_sha256), `schemes ${req.signatureSchemes.map(hex)}`);
    assert.is(req.certificateAuthorities.length, 1);
    const ca = new X509Certificate(interopPki().caPem).raw;
    assert.is(req.certificateAuthorities[0]![0], 0x30, "a DER Name is a SEQUENCE");
    assert.ok(contains(ca, req.certificateAuthorities[0]!), "the named CA is the one s_server was given");
    assert.equal(list(encodeCertificateRequestTls12(req)), list(cr));

    decodeServerHelloDone(done);
  }));
}

real("both offered groups were negotiated across the cases", () => {
  assert.equal([...seenGroups].sort(), [NamedGroup.secp256r1, NamedGroup.x25519]);
});

real.run();
