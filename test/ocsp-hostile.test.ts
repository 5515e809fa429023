// Hostile stapling: a server that staples where it may not, or staples bytes that do not parse. The
// client names each failure and sends the alert RFC 6066 and RFC 8446 give it; a staple it asked
// for but cannot use is bad_certificate_status_response (113).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Writer } from "../src/codec/writer.js";
import type { Extension } from "../src/msgs/extensions.js";
import { frameHandshake } from "../src/msgs/handshake.js";
import { decodeServerHello, encodeServerHello } from "../src/msgs/hello.js";
import { encodeCertificateStatus } from "../src/msgs/status-request.js";
import { HANDSHAKE, certificateWith, failsWith, instead, pair, peerReceived, provider } from "./_rfc8446.js";

const CERTIFICATE_STATUS = 22;
const SERVER_KEY_EXCHANGE = 12;
const STATUS_REQUEST = 5;


const junk = provider.random(40);
const status = (body: Uint8Array): Extension => ({ type: STATUS_REQUEST, data: body });

const t13 = suite("ocsp hostile: TLS 1.3 CertificateEntry status_request");

t13("a status type other than ocsp is illegal_parameter (UnsupportedCertificateStatusType)", async () => {
  const p = await pair({ client: { requestOcsp: true }, before: certificateWith(status(new Writer().u8(2).vec24(junk).finish())) });
  await failsWith(p.client.conn, "illegal_parameter", "UnsupportedCertificateStatusType");
  await peerReceived(p.server.conn, "illegal_parameter");
});

t13("a truncated, empty or overlong CertificateStatus is decode_error", async () => {
  const cases = [
    Uint8Array.of(1, 0, 0, 40, ...junk.subarray(0, 10)),
    Uint8Array.of(1, 0, 0, 0),
    Uint8Array.of(1),
    new Uint8Array([...encodeCertificateStatus(junk), 0]),
  ];
  for (const body of cases) {
    const p = await pair({ client: { requestOcsp: true }, before: certificateWith(status(body)) });
    await failsWith(p.client.conn, "decode_error");
    await peerReceived(p.server.conn, "decode_error");
  }
});

t13("asked with requestOcsp only: any staple is reported, not judged; one on another certificate is ignored", async () => {
  const tryLater = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x03);
  const p = await pair({ client: { requestOcsp: true }, server: { ocspResponse: tryLater } });
  await p.client.conn.handshake;
  assert.equal(Array.from(p.client.conn.info.ocspResponse ?? []), Array.from(tryLater));
  // Rewriting the Certificate breaks the CertificateVerify over it: getting that far means the
  // staple on the last certificate was taken (and left alone).
  const q = await pair({ client: { requestOcsp: true }, before: certificateWith(status(encodeCertificateStatus(junk)), -1) });
  await failsWith(q.client.conn, "decrypt_error", "BadSignature");
});

t13("asked with revocation.staple: bytes that are no OCSPResponse are OcspResponseInvalid, alert 113", async () => {
  const p = await pair({ client: { revocation: { staple: "prefer" } }, before: certificateWith(status(encodeCertificateStatus(junk))) });
  const e = await failsWith(p.client.conn, "bad_certificate_status_response");
  assert.match(e.message, /OcspResponseInvalid/);
  await peerReceived(p.server.conn, "bad_certificate_status_response");
});

t13.run();

const t12 = suite("ocsp hostile: TLS 1.2 status_request and CertificateStatus");
const v12 = { maxVersion: "TLSv1.2" as const, cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" as const] };

/** The server's ServerHello (TLS 1.2) with `extension` added. */
function serverHelloWith(extension: Extension) {
  return (_client: unknown, server: Parameters<typeof instead>[0]) =>
    instead(server, HANDSHAKE.ServerHello, (raw, send) => {
      const sh = decodeServerHello(raw.subarray(4));
      const extensions = [...sh.extensions.list, extension];
      send(frameHandshake(HANDSHAKE.ServerHello, encodeServerHello({ random: sh.random, legacySessionIdEcho: sh.legacySessionIdEcho, cipherSuite: sh.cipherSuite, extensions })));
    });
}

t12("a status_request echo we did not ask for is unsupported_extension", async () => {
  const p = await pair({ client: v12, server: v12, before: serverHelloWith(status(new Uint8Array(0))) });
  await failsWith(p.client.conn, "unsupported_extension", "UnsolicitedExtension");
});

t12("a non-empty status_request echo is decode_error", async () => {
  const p = await pair({ client: { ...v12, requestOcsp: true }, server: v12, before: serverHelloWith(status(Uint8Array.of(1))) });
  await failsWith(p.client.conn, "decode_error");
});

t12("a CertificateStatus without the echo is unexpected_message", async () => {
  const p = await pair({
    client: { ...v12, requestOcsp: true },
    server: v12,
    before: (_c, server) => instead(server, SERVER_KEY_EXCHANGE, (raw, send) => {
      send(frameHandshake(CERTIFICATE_STATUS, encodeCertificateStatus(junk)));
      send(raw);
    }), // prettier-ignore
  });
  await failsWith(p.client.conn, "unexpected_message", "UnexpectedMessage");
});

t12("an echo without a CertificateStatus is accepted (RFC 6066 8: the server may have nothing to send)", async () => {
  // The server staples (a tryLater response) but its CertificateStatus is dropped on the way: the
  // client goes on, and only the keys (the Extended Master Secret hashes the transcript, which on the
  // server's side holds the message) disagree: the server cannot open the client's Finished.
  const p = await pair({
    client: { ...v12, requestOcsp: true },
    server: { ...v12, ocspResponse: Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x03) },
    before: (_c, server) => instead(server, CERTIFICATE_STATUS, () => undefined),
  });
  await failsWith(p.server.conn, "bad_record_mac", "BadRecordMac");
  await peerReceived(p.client.conn, "bad_record_mac");
});

t12("the staple arrives in CertificateStatus and is reported", async () => {
  const tryLater = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x03);
  const p = await pair({ client: { ...v12, requestOcsp: true }, server: { ...v12, ocspResponse: tryLater } });
  await p.client.conn.handshake;
  assert.equal(Array.from(p.client.conn.info.ocspResponse ?? []), Array.from(tryLater));
});

t12.run();
