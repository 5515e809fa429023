// The TLS 1.3 client handshake (RFC 8446 section 2, 4), written as the sequence it is.
import type { ClientConfig } from "../config/client.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";
import { type ClientHelloState, sendClientHello } from "../handshake/client-hello.js";
import { equalBytes } from "../codec/bytes.js";
import { DecodeError, PeerIncompatible, PeerMisbehaved } from "../errors.js";
import { ExtensionType, HandshakeType, ProtocolVersion } from "../msgs/enums.js";
import { type Extensions, decodeAlpn, decodeCookie, decodeExtension, decodeKeyShareServer, decodeRecordSizeLimit, decodeU16, decodeU16List } from "../msgs/extensions.js";
import { type ServerHello, decodeServerHello } from "../msgs/hello.js";
import { decodeCertificateStatus } from "../msgs/status-request.js";
import { checkStaple, markStapled } from "../handshake/ocsp-staple.js";
import {
  type CertificateEntry,
  type CertificateRequestMsg,
  type HandshakeMessage,
  decodeCertificate,
  decodeCertificateRequest,
  decodeEncryptedExtensions,
  decodeFinished,
  encodeCertificate,
  encodeCertificateVerify,
  frameHandshake,
} from "../msgs/handshake.js";
import { verifyServerCertificate } from "../verify/verifier.js";
import { peerVerification } from "../config/common.js";
import { readCertificateVerify, signCertificateVerify } from "./certificate-verify.js";
import { agree, groupName, newKeyShare } from "../suites/groups.js";
import { KeySchedule } from "./key-schedule.js";
import { keyCanSign, schemeById } from "../suites/signature-schemes.js";
import { type Tls13Suite, isTls13Suite, suiteById } from "../suites/cipher-suites.js";
import { Tls13Traffic, logApplicationSecrets, protectionFor } from "./traffic.js";
import { Transcript } from "../handshake/transcript.js";
import type { SignatureSchemeName } from "../msgs/enums.js";
import { decodeSelectedIdentity } from "../msgs/psk.js";
import { type SessionState, verificationMark } from "../session/session.js";
import { type SessionTemplate, pskOffer } from "./client-psk.js";

/** Extensions a TLS 1.3 server may put in ServerHello / HelloRetryRequest (RFC 8446 4.2 table). */
const SERVER_HELLO_EXTENSIONS = new Set<number>([ExtensionType.SupportedVersions, ExtensionType.KeyShare, ExtensionType.PreSharedKey]);
const HRR_EXTENSIONS = new Set<number>([ExtensionType.SupportedVersions, ExtensionType.KeyShare, ExtensionType.Cookie]);
/** Extensions that may appear in EncryptedExtensions, if we asked for them. */
const ENCRYPTED_EXTENSIONS_ALLOWED = new Set<number>([ExtensionType.ServerName, ExtensionType.SupportedGroups, ExtensionType.Alpn, ExtensionType.RecordSizeLimit]);

function checkOnly(ext: Extensions, allowed: Set<number>, offered: Set<number>, where: string): void {
  for (const t of ext.types()) {
    if (!offered.has(t)) throw new PeerMisbehaved("UnsolicitedExtension", "unsupported_extension", `type ${t} in ${where}`);
    if (!allowed.has(t)) throw new PeerMisbehaved("ExtensionNotAllowedHere", "illegal_parameter", `type ${t} in ${where}`);
  }
}

/**
 * The TLS 1.3 client handshake from the server's first ServerHello (or HelloRetryRequest) on; the
 * shared hello step (handshake/client.ts) sent our ClientHello and chose TLS 1.3.
 */
export async function continueClientTls13(ctx: HandshakeContext, config: ClientConfig, hello: ClientHelloState, firstServerHello: HandshakeMessage): Promise<HandshakeResult> {
  const p = config.provider;
  const transcript = new Transcript(p);
  transcript.add(hello.raw);
  const { sessionId, shares } = hello;

  let shMsg = firstServerHello;
  let sh = decodeServerHello(shMsg.body);
  let suite = checkServerHello(sh, sessionId, config, sh.isHelloRetryRequest ? HRR_EXTENSIONS : SERVER_HELLO_EXTENSIONS, hello.offered);
  let retried = false;

  if (sh.isHelloRetryRequest) {
    retried = true;
    const selected = sh.extensions.get(ExtensionType.KeyShare);
    const cookieData = sh.extensions.get(ExtensionType.Cookie);
    if (selected === undefined && cookieData === undefined) {
      throw new PeerMisbehaved("HelloRetryRequestChangesNothing", "illegal_parameter");
    }
    if (selected !== undefined) {
      const id = decodeU16(selected, "key_share");
      const name = groupName(id);
      // RFC 8446 4.2.8: the group must be one we offered and not one we already sent a share for.
      if (!name || !config.groups.includes(name) || shares.has(id)) {
        throw new PeerMisbehaved("HelloRetryRequestIllegalGroup", "illegal_parameter", `group 0x${id.toString(16)}`);
      }
      shares.clear();
      shares.set(id, await newKeyShare(p, name));
    }
    transcript.setHash(suite.hash);
    await transcript.replaceWithMessageHash();
    transcript.add(shMsg.raw);
    ctx.sendChangeCipherSpec();
    const cookie = cookieData === undefined ? {} : { cookie: decodeCookie(cookieData) };
    transcript.add(await sendClientHello(ctx, config, hello, { ...cookie, psk: pskOffer(config, hello, transcript.bytes(), suite.hash) }));
    shMsg = await ctx.expect(HandshakeType.ServerHello);
    sh = decodeServerHello(shMsg.body);
    if (sh.isHelloRetryRequest) throw new PeerMisbehaved("SecondHelloRetryRequest", "unexpected_message");
    // After a retry the server must stay with TLS 1.3 (RFC 8446 4.1.4).
    if (!sh.extensions.has(ExtensionType.SupportedVersions)) throw new PeerMisbehaved("VersionChangedAfterRetry", "illegal_parameter");
    const again = checkServerHello(sh, sessionId, config, SERVER_HELLO_EXTENSIONS, hello.offered);
    if (again.id !== suite.id) throw new PeerMisbehaved("CipherSuiteChangedAfterRetry", "illegal_parameter");
  }
  suite = suiteById(sh.cipherSuite)!;
  transcript.setHash(suite.hash);
  transcript.add(shMsg.raw);

  const shareData = sh.extensions.get(ExtensionType.KeyShare);
  if (shareData === undefined) throw new PeerMisbehaved("MissingKeyShare", "missing_extension");
  const serverShare = decodeKeyShareServer(shareData);
  const ourShare = shares.get(serverShare.group);
  if (!ourShare) throw new PeerMisbehaved("KeyShareForUnofferedGroup", "illegal_parameter");
  // The transcript is hashed while the shared secret is agreed (with WebCrypto both are thread-pool trips).
  const throughServerHello = transcript.hash();
  throughServerHello.catch(() => undefined);
  const sharedSecret = await agree(ourShare, serverShare.keyExchange);
  const session = acceptedPsk(sh, hello, suite);

  const schedule = new KeySchedule(p, suite, session?.secret ?? null);
  const hs = await schedule.inputSharedSecret(sharedSecret, await throughServerHello);
  ctx.logKey("CLIENT_HANDSHAKE_TRAFFIC_SECRET", hello.random, hs.clientHandshakeTrafficSecret);
  ctx.logKey("SERVER_HANDSHAKE_TRAFFIC_SECRET", hello.random, hs.serverHandshakeTrafficSecret);
  // Both directions' keys, and both Finished keys, are computed at once: none waits for another.
  const readProtection = protectionFor(p, schedule, hs.serverHandshakeTrafficSecret);
  const writeProtection = protectionFor(p, schedule, hs.clientHandshakeTrafficSecret);
  void schedule.finishedKey(hs.serverHandshakeTrafficSecret);
  void schedule.finishedKey(hs.clientHandshakeTrafficSecret);
  await ctx.installReadProtection(readProtection, "ServerHello");
  // From here on our alerts are protected too (RFC 8446 section 6), so install the write keys now.
  ctx.installWriteProtection(writeProtection);

  // EncryptedExtensions
  const eeMsg = await ctx.expect(HandshakeType.EncryptedExtensions);
  const ee = decodeEncryptedExtensions(eeMsg.body);
  checkOnly(ee, ENCRYPTED_EXTENSIONS_ALLOWED, new Set([...hello.offered, ExtensionType.SupportedGroups]), "EncryptedExtensions");
  // The server's groups are only a hint for later connections (RFC 8446 4.2.7), but they must parse.
  const serverGroups = ee.get(ExtensionType.SupportedGroups);
  if (serverGroups !== undefined) decodeU16List(serverGroups, "supported_groups");
  const recordSizeLimit = ee.get(ExtensionType.RecordSizeLimit);
  if (recordSizeLimit !== undefined) ctx.limitRecordSize(decodeRecordSizeLimit(recordSizeLimit), "TLSv1.3");
  let alpnProtocol: string | null = null;
  const alpnData = ee.get(ExtensionType.Alpn);
  if (alpnData !== undefined) {
    const chosen = decodeAlpn(alpnData);
    if (chosen.length !== 1 || !config.alpnProtocols.includes(chosen[0]!)) {
      throw new PeerMisbehaved("InvalidAlpnSelection", "illegal_parameter");
    }
    alpnProtocol = chosen[0]!;
  }
  const snData = ee.get(ExtensionType.ServerName);
  if (snData !== undefined && snData.length !== 0) throw new DecodeError("server_name acknowledgement must be empty");
  transcript.add(eeMsg.raw);

  // The server authenticates with a certificate, or (resuming) by knowing the PSK.
  const auth: ServerAuthentication =
    session === null
      ? await readServerAuthentication(ctx, config, hello, transcript, (h) => h.then((hash) => schedule.finishedVerifyData(hs.serverHandshakeTrafficSecret, hash)))
      : { chain: session.peerCertificates, scheme: session.signatureScheme, certificateRequest: null, requestedSchemes: [], verified: { verifiedUntil: session.verifiedUntil, verifiedUnder: session.verifiedUnder } };

  // Server Finished
  const finMsg = await ctx.expect(HandshakeType.Finished);
  const expected = await (auth.expectedFinished ?? schedule.finishedVerifyData(hs.serverHandshakeTrafficSecret, await transcript.hash()));
  // A Finished of the wrong length is malformed (decode_error), one that does not match fails to verify (RFC 8446 4.4.4).
  if (!equalBytes(decodeFinished(finMsg.body, expected.length), expected)) throw new PeerMisbehaved("FinishedDoesNotVerify", "decrypt_error", "server Finished does not verify");
  transcript.add(finMsg.raw);

  // The application secrets and our Finished both follow from Transcript-Hash(ClientHello..server
  // Finished): they are derived side by side (with WebCrypto, each is a chain of thread-pool trips),
  // not one after the other. With a client certificate our Finished covers it, and waits for it.
  const throughServerFinished = transcript.hash();
  const appSecrets = throughServerFinished.then((h) => schedule.applicationSecrets(h));
  appSecrets.catch(() => undefined);
  const serverApplicationProtection = appSecrets.then((a) => protectionFor(p, schedule, a.serverApplicationTrafficSecret));
  serverApplicationProtection.catch(() => undefined);

  // Our second flight
  if (!retried) ctx.sendChangeCipherSpec();
  if (auth.certificateRequest) await sendClientCertificate(ctx, config, auth.certificateRequest.extensions, transcript);
  const clientFinished = frameHandshake(
    HandshakeType.Finished,
    await schedule.finishedVerifyData(hs.clientHandshakeTrafficSecret, await (auth.certificateRequest ? transcript.hash() : throughServerFinished)),
  );
  ctx.send(clientFinished);
  transcript.add(clientFinished);
  // Installing the next write key seals the Finished under the current one: at once, not after the
  // application secrets. The flight still leaves once the handshake is over, with the first data.
  ctx.installWriteProtection(appSecrets.then((a) => protectionFor(p, schedule, a.clientApplicationTrafficSecret)));
  const app = await appSecrets;
  logApplicationSecrets(ctx, hello.random, app);
  await ctx.installReadProtection(serverApplicationProtection, "server Finished");
  // Needed only for the tickets that follow: the Finished leaves without waiting for it.
  const resumptionMasterSecret = schedule.resumptionMasterSecret(transcript.hash());
  resumptionMasterSecret.catch(() => undefined);
  schedule.handshakeDone();

  const template: SessionTemplate = {
    version: "TLSv1.3",
    cipherSuite: suite.id,
    extendedMasterSecret: false,
    serverName: config.serverName ?? null,
    alpnProtocol,
    group: ourShare.group,
    signatureScheme: auth.scheme,
    peerCertificates: auth.chain,
    ...auth.verified,
    sessionId: new Uint8Array(0),
  };
  return {
    info: {
      version: "TLSv1.3",
      cipherSuite: suite.name,
      group: ourShare.group,
      signatureScheme: auth.scheme,
      alpnProtocol,
      serverName: config.serverName ?? null,
      peerCertificates: auth.chain,
      ...(auth.path ? { verifiedPath: auth.path } : {}),
      ...(auth.staple ? { ocspResponse: auth.staple } : {}),
      helloRetryRequest: retried,
      resumed: session !== null,
      provider: p.name,
      peerSignatureSchemes: auth.requestedSchemes,
    },
    traffic: (host) =>
      new Tls13Traffic(host, "client", p, schedule, {
        read: app.serverApplicationTrafficSecret,
        write: app.clientApplicationTrafficSecret,
        exporterMaster: app.exporterMasterSecret,
      }, { resumptionMasterSecret, template, now: () => config.now().getTime() }),
    session: null,
    ...(session !== null ? { resumedSession: session } : {}),
  };
}

/** The session the ServerHello resumes, or null: it may select only the one PSK we offered, for a suite of its hash. */
function acceptedPsk(sh: ServerHello, hello: ClientHelloState, suite: Tls13Suite): SessionState | null {
  const data = sh.extensions.get(ExtensionType.PreSharedKey);
  if (data === undefined) return null;
  // Our last hello offered a PSK (the ServerHello answers only what we offered), so resuming is a TLS 1.3 session.
  const session = hello.resuming!;
  if (decodeSelectedIdentity(data) !== 0) throw new PeerMisbehaved("SelectedUnofferedPsk", "illegal_parameter");
  if (suiteById(session.cipherSuite)!.hash !== suite.hash) throw new PeerMisbehaved("PskHashDoesNotMatchSuite", "illegal_parameter", suite.name);
  return session;
}

interface ServerAuthentication {
  readonly chain: readonly Uint8Array[];
  readonly scheme: SignatureSchemeName;
  readonly certificateRequest: CertificateRequestMsg | null;
  /** The CertificateRequest's signature_algorithms, in the server's order (empty without one). */
  readonly requestedSchemes: readonly number[];
  readonly verified: Pick<SessionState, "verifiedUntil" | "verifiedUnder">;
  /** The path verification built, leaf to anchor (full handshakes with verification on). */
  readonly path?: readonly Uint8Array[];
  /** The OCSP response stapled to the leaf, when we asked and the server sent one. */
  readonly staple?: Uint8Array;
  /** The server Finished's verify_data we expect, computed while the CertificateVerify was checked. */
  readonly expectedFinished?: Promise<Uint8Array>;
}

/** CertificateRequest (optional), Certificate and CertificateVerify of a full handshake. */
async function readServerAuthentication(
  ctx: HandshakeContext,
  config: ClientConfig,
  hello: ClientHelloState,
  transcript: Transcript,
  finishedOver: (transcriptHash: Promise<Uint8Array>) => Promise<Uint8Array>,
): Promise<ServerAuthentication> {
  const p = config.provider;
  // CertificateRequest (optional), Certificate, CertificateVerify
  let next = await ctx.readMessage();
  let certificateRequest: CertificateRequestMsg | null = null;
  if (next.type === HandshakeType.CertificateRequest) {
    certificateRequest = decodeCertificateRequest(next.body);
    if (certificateRequest.context.length !== 0) throw new PeerMisbehaved("NonEmptyCertificateRequestContext", "illegal_parameter");
    if (!certificateRequest.extensions.has(ExtensionType.SignatureAlgorithms)) {
      throw new PeerMisbehaved("CertificateRequestWithoutSignatureAlgorithms", "missing_extension");
    }
    transcript.add(next.raw);
    next = await ctx.readMessage();
  }
  if (next.type !== HandshakeType.Certificate) {
    throw new PeerMisbehaved("UnexpectedMessage", "unexpected_message", `expected Certificate, got type ${next.type}`);
  }
  const certificate = decodeCertificate(next.body, ctx.limits.maxCertificates);
  if (certificate.context.length !== 0) throw new PeerMisbehaved("NonEmptyCertificateContext", "illegal_parameter");
  // RFC 8446 4.4.2.4: an empty server Certificate is decode_error; named as TLS 1.2's is (EmptyCertificate).
  if (certificate.entries.length === 0) throw new PeerMisbehaved("EmptyCertificate", "decode_error", "server sent an empty Certificate message");
  const staple = stapledResponse(certificate.entries, hello.offered.has(ExtensionType.StatusRequest));
  const chain = certificate.entries.map((e) => e.data);
  transcript.add(next.raw);
  // The CertificateVerify is read and checked while the chain is verified (with an asynchronous provider
  // each is a wait of its own); its errors still come after the chain's and the staple's, as in sequence.
  const throughCertificate = transcript.hash();
  const verifying = config.verifyCertificates ? verifyServerCertificate({ chain, roots: config.roots, serverName: config.serverName!, ...peerVerification(config) }) : Promise.resolve(null);
  const certificateVerify = readCertificateVerify(ctx, p, config.signatureSchemes, "server", chain, transcript, throughCertificate, finishedOver);
  certificateVerify.catch(() => undefined);
  throughCertificate.catch(() => undefined);
  const path = await verifying;
  const stapled = await checkStaple(config, path, staple);
  const { expectedFinished, scheme } = await certificateVerify;

  const requestedSchemes = certificateRequest === null ? [] : signatureAlgorithmsOf(certificateRequest.extensions);
  return {
    chain,
    scheme: scheme.name,
    certificateRequest,
    requestedSchemes,
    verified: markStapled(verificationMark(path, config.policy.id), stapled),
    ...(path ? { path: path.map((c) => c.der) } : {}),
    ...(staple !== null ? { staple } : {}),
    expectedFinished,
  };
}

/**
 * The OCSP response stapled to the leaf (RFC 8446 4.4.2.1), or null. status_request is the only
 * per-certificate extension we ask for, and only when we sent it; a staple on another certificate
 * (RFC 6961's idea, which TLS 1.3 allows) is not used.
 */
function stapledResponse(entries: readonly CertificateEntry[], requested: boolean): Uint8Array | null {
  for (const entry of entries) {
    for (const type of entry.extensions.types()) {
      if (type !== ExtensionType.StatusRequest || !requested) throw new PeerMisbehaved("UnsolicitedCertificateExtension", "unsupported_extension", `type ${type}`);
    }
  }
  const data = entries[0]!.extensions.get(ExtensionType.StatusRequest);
  return data === undefined ? null : decodeCertificateStatus(data);
}

/** Validates ServerHello/HRR fields common to both and returns the chosen suite. */
function checkServerHello(sh: ServerHello, sessionId: Uint8Array, config: ClientConfig, allowed: Set<number>, offered: Set<number>): Tls13Suite {
  const versionData = sh.extensions.get(ExtensionType.SupportedVersions);
  if (versionData === undefined) {
    // The shared hello step sent TLS 1.2 answers to tls12/; a ServerHello here without the extension is a retry's that dropped it.
    throw new PeerIncompatible("ServerDoesNotSupportTls13", "protocol_version", `server chose version 0x${sh.legacyVersion.toString(16)}`);
  }
  if (decodeU16(versionData, "supported_versions") !== ProtocolVersion.TLS13) {
    throw new PeerMisbehaved("SelectedUnofferedVersion", "illegal_parameter");
  }
  if (sh.legacyVersion !== ProtocolVersion.TLS12) throw new PeerMisbehaved("InvalidLegacyVersion", "protocol_version");
  if (!equalBytes(sh.legacySessionIdEcho, sessionId)) throw new PeerMisbehaved("SessionIdMismatch", "illegal_parameter");
  if (sh.compressionMethod !== 0) throw new PeerMisbehaved("CompressionSelected", "illegal_parameter");
  const suite = config.cipherSuites.filter(isTls13Suite).find((s) => s.id === sh.cipherSuite);
  if (!suite) throw new PeerMisbehaved("SelectedUnofferedCipherSuite", "illegal_parameter", `0x${sh.cipherSuite.toString(16)}`);
  checkOnly(sh.extensions, allowed, new Set([...offered, ExtensionType.Cookie]), sh.isHelloRetryRequest ? "HelloRetryRequest" : "ServerHello");
  return suite;
}

async function sendClientCertificate(ctx: HandshakeContext, config: ClientConfig, requestExtensions: Extensions, transcript: Transcript): Promise<void> {
  const wanted = signatureAlgorithmsOf(requestExtensions);
  const key = config.signingKey;
  const scheme = key
    ? config.signatureSchemes.find((s) => wanted.includes(s.id) && keyCanSign(key, s) && schemeById(s.id) !== undefined)
    : undefined;
  // Without a usable key we answer with an empty Certificate and let the server decide (RFC 8446 4.4.2).
  const chain = key && scheme ? config.certificateChain : [];
  const certMsg = frameHandshake(HandshakeType.Certificate, encodeCertificate(new Uint8Array(0), chain));
  ctx.send(certMsg);
  transcript.add(certMsg);
  if (key && scheme) {
    const signature = await signCertificateVerify(key, scheme, "client", await transcript.hash());
    const cvMsg = frameHandshake(HandshakeType.CertificateVerify, encodeCertificateVerify({ scheme: scheme.id, signature }));
    ctx.send(cvMsg);
    transcript.add(cvMsg);
  }
}

/** A CertificateRequest's signature_algorithms (its presence was checked when it was read). */
function signatureAlgorithmsOf(extensions: Extensions): number[] {
  return decodeExtension(extensions.get(ExtensionType.SignatureAlgorithms)!, "signature_algorithms", (r) => r.u16List("signature_algorithms", 2));
}
