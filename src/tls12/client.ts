// The TLS 1.2 client handshake (RFC 5246 7.3) with ECDHE (RFC 8422) and AEAD suites, written as the
// sequence it is, from the ServerHello on: the shared hello step (handshake/client.ts) sent our
// ClientHello and the server chose TLS 1.2. Extended Master Secret (RFC 7627) is always offered and
// required where the policy says so; renegotiation indication (RFC 5746) is sent and checked.
import type { ClientConfig } from "../config/client.js";
import type { ClientHelloState } from "../handshake/client-hello.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";
import { peerVerification } from "../config/common.js";
import { equalBytes } from "../codec/bytes.js";
import { DecodeError, PeerIncompatible, PeerMisbehaved } from "../errors.js";
import { ExtensionType, HandshakeType } from "../msgs/enums.js";
import { decodeCertificateStatus } from "../msgs/status-request.js";
import { checkStaple, markStapled } from "../handshake/ocsp-staple.js";
import { type Extensions, decodeAlpn, decodeRecordSizeLimit } from "../msgs/extensions.js";
import { type HandshakeMessage, expectType, frameHandshake } from "../msgs/handshake.js";
import { decodeServerHello } from "../msgs/hello.js";
import {
  type CertificateRequestTls12,
  type NewSessionTicketTls12,
  decodeCertificateRequestTls12,
  decodeCertificateTls12,
  decodeNewSessionTicketTls12,
  decodeServerHelloDone,
  decodeServerKeyExchangeEcdhe,
  encodeCertificateTls12,
  encodeCertificateVerify,
  encodeClientKeyExchangeEcdhe,
  serverKeyExchangeSignedData,
} from "../msgs/tls12.js";
import { Tls12AeadProtection } from "../record/tls12-aead.js";
import { type Tls12Suite, isTls12Suite } from "../suites/cipher-suites.js";
import { agree, groupName, newKeyShare, prepareKeyShares, servesTls12 } from "../suites/groups.js";
import type { SchemeInfo } from "../suites/signature-schemes.js";
import { Transcript } from "../handshake/transcript.js";
import { peerLeafSpki } from "../verify/certificate.js";
import { verifyServerCertificate } from "../verify/verifier.js";
import { extendedMasterSecret, keyBlock, masterSecret } from "./prf.js";
import { signTls12, suiteFitsKey, tls12SchemeFitsKey, verifyTls12Signature } from "./signatures.js";
import { Tls12Traffic } from "./traffic.js";
import { finishedOver, readFinished } from "./finished.js";
import { type SessionState, verificationMark } from "../session/session.js";

/** Extensions a TLS 1.2 ServerHello may carry, each only if we offered it. */
const SERVER_HELLO_EXTENSIONS = new Set<number>([
  ExtensionType.RenegotiationInfo,
  ExtensionType.ExtendedMasterSecret,
  ExtensionType.EcPointFormats,
  ExtensionType.Alpn,
  ExtensionType.ServerName,
  ExtensionType.SessionTicket,
  ExtensionType.RecordSizeLimit,
  ExtensionType.StatusRequest,
]);

export async function continueClientTls12(ctx: HandshakeContext, config: ClientConfig, hello: ClientHelloState, serverHello: HandshakeMessage): Promise<HandshakeResult> {
  const p = config.provider;
  const sh = decodeServerHello(serverHello.body);
  const suite = checkServerHello(sh.cipherSuite, sh.compressionMethod, sh.extensions, config, hello.offered);
  const ems = sh.extensions.has(ExtensionType.ExtendedMasterSecret);
  const recordSizeLimit = sh.extensions.get(ExtensionType.RecordSizeLimit);
  if (recordSizeLimit !== undefined) ctx.limitRecordSize(decodeRecordSizeLimit(recordSizeLimit), "TLSv1.2");
  if (!ems && config.policy.requireExtendedMasterSecret) {
    throw new PeerIncompatible("ExtendedMasterSecretRequired", "handshake_failure", `policy ${config.policy.id} requires the Extended Master Secret in TLS 1.2 (FIPS 140-3 IG D.Q; RFC 7627)`);
  }
  const alpnProtocol = checkAlpn(sh.extensions, config);
  const transcript = new Transcript(p);
  transcript.setHash(suite.hash);
  transcript.add(hello.raw);
  transcript.add(serverHello.raw);
  const ticketExpected = checkSessionTicketExtension(sh.extensions);
  // The server resumed when it echoes the id we sent beside a session (RFC 5246 7.4.1.3, RFC 5077 3.4).
  const resuming = hello.resuming;
  if (resuming !== null && resuming.version === "TLSv1.2" && equalBytes(sh.legacySessionIdEcho, hello.sessionId)) {
    return resumeClientTls12(ctx, config, { hello, random: sh.random, suite, ems, alpnProtocol, transcript, ticketExpected, session: resuming });
  }

  // Certificate
  const certMsg = await ctx.expect(HandshakeType.Certificate);
  const chain = decodeCertificateTls12(certMsg.body, ctx.limits.maxCertificates);
  if (chain.length === 0) throw new PeerMisbehaved("EmptyCertificate", "decode_error", "server sent an empty Certificate message");
  transcript.add(certMsg.raw);
  // The chain is verified while the messages after it are read and the ServerKeyExchange checked (with an
  // asynchronous provider each is a wait of its own); errors still come in sequence: the chain's first.
  const verifying = config.verifyCertificates ? verifyServerCertificate({ chain, roots: config.roots, serverName: config.serverName!, ...peerVerification(config) }) : Promise.resolve(null);
  verifying.catch(() => undefined);
  // CertificateStatus (RFC 6066 8): only after the server acknowledged status_request, and even then
  // it may have nothing to staple.
  let afterCertificate = await ctx.readMessage();
  let staple: Uint8Array | null = null;
  if (sh.extensions.has(ExtensionType.StatusRequest) && afterCertificate.type === HandshakeType.CertificateStatus) {
    staple = decodeCertificateStatus(afterCertificate.body);
    transcript.add(afterCertificate.raw);
    afterCertificate = await ctx.readMessage();
  }
  // ServerKeyExchange: the server's ECDHE share, signed over both randoms (RFC 8422 5.4). Its signature is
  // checked, and our share made and agreed with the server's, while the chain is verified; nothing of it
  // is used before both verified.
  const skeMsg = afterCertificate;
  transcript.add(skeMsg.raw);
  const serverKeyExchange = (async () => {
    expectType(skeMsg, HandshakeType.ServerKeyExchange);
    const ske = decodeServerKeyExchangeEcdhe(skeMsg.body);
    const group = groupName(ske.group);
    // The hybrid ML-KEM groups exist in TLS 1.3 only; an FFDHE group is no ECDHE curve (RFC 8422 5.4).
    if (group === undefined || !servesTls12(group) || !config.groups.includes(group)) throw new PeerMisbehaved("SelectedUnofferedGroup", "illegal_parameter", `group 0x${ske.group.toString(16)}`);
    const agreement = newKeyShare(p, group).then(async (share) => ({ share, preMaster: await agree(share, ske.publicKey) }));
    agreement.catch(() => undefined);
    const scheme = await verifyTls12Signature(p, config.signatureSchemes, ske.scheme, ske.signature, peerLeafSpki(chain), serverKeyExchangeSignedData(hello.random, sh.random, ske.params), "ServerKeyExchange");
    if (!suiteFitsKey(suite, scheme.keyType)) {
      throw new PeerMisbehaved("SignatureSchemeDoesNotMatchSuite", "illegal_parameter", `${scheme.name} for ${suite.name}`);
    }
    return { group, scheme, agreement };
  })();
  serverKeyExchange.catch(() => undefined);
  const path = await verifying;
  const stapled = await checkStaple(config, path, staple);
  const { group, scheme, agreement } = await serverKeyExchange;

  // CertificateRequest (optional), ServerHelloDone
  let next = await ctx.readMessage();
  let request: CertificateRequestTls12 | null = null;
  if (next.type === HandshakeType.CertificateRequest) {
    request = decodeCertificateRequestTls12(next.body);
    transcript.add(next.raw);
    next = await ctx.readMessage();
  }
  if (next.type !== HandshakeType.ServerHelloDone) throw new PeerMisbehaved("UnexpectedMessage", "unexpected_message", `expected ServerHelloDone, got type ${next.type}`);
  decodeServerHelloDone(next.body);
  transcript.add(next.raw);

  // Our flight: Certificate (if asked), ClientKeyExchange, CertificateVerify (if we have a key), CCS,
  // Finished. Everything is computed first and then sent in one go, so that the flight leaves as one
  // write rather than small pieces that Nagle's algorithm holds back for the server's delayed ACK.
  const { share, preMaster } = await agreement;
  const clientScheme = request ? chooseClientScheme(config, request) : null;
  const flight: Uint8Array[] = [];
  const add = (type: number, body: Uint8Array): void => {
    const raw = frameHandshake(type, body);
    flight.push(raw);
    transcript.add(raw);
  };
  if (request) add(HandshakeType.Certificate, encodeCertificateTls12(clientScheme ? config.certificateChain : []));
  add(HandshakeType.ClientKeyExchange, encodeClientKeyExchangeEcdhe(share.publicKey));
  // The session hash ends with ClientKeyExchange (RFC 7627 3).
  const master = ems ? await extendedMasterSecret(p, suite.hash, preMaster, await transcript.hash()) : await masterSecret(p, suite.hash, preMaster, hello.random, sh.random);
  if (clientScheme && config.signingKey) {
    const signature = await signTls12(config.signingKey, clientScheme, transcript.bytes());
    add(HandshakeType.CertificateVerify, encodeCertificateVerify({ scheme: clientScheme.id, signature }));
  }
  ctx.logKey("CLIENT_RANDOM", hello.random, master);
  // Our Finished is computed beside the key block (with WebCrypto, each is a chain of thread-pool trips).
  const clientVerifyData = finishedOver(p, suite.hash, master, "client finished", transcript.hash());
  const keys = await keyBlock(p, suite.hash, suite.aead, master, hello.random, sh.random);
  const finished = frameHandshake(HandshakeType.Finished, await clientVerifyData);
  transcript.add(finished);
  for (const raw of flight) ctx.send(raw);
  ctx.sendChangeCipherSpec();
  ctx.installWriteProtection(Tls12AeadProtection.create(p, suite.aead, { key: keys.clientWriteKey, iv: keys.clientWriteIv }));
  ctx.send(finished);
  ctx.endFlight();
  // The share of this config's next full handshake is made once this flight has left, while the
  // server answers it (suites/spare-shares.ts).
  void ctx.flightSent().then(() => prepareKeyShares(p, [group]));

  // The server's NewSessionTicket (if it announced one), ChangeCipherSpec and Finished.
  const ticket = ticketExpected ? await readTicket(ctx, transcript) : null;
  // The server's Finished is known before it comes: computed while it is on its way.
  const expectedServerFinished = finishedOver(p, suite.hash, master, "server finished", transcript.hash());
  await ctx.readChangeCipherSpec(Tls12AeadProtection.create(p, suite.aead, { key: keys.serverWriteKey, iv: keys.serverWriteIv }));
  await readFinished(ctx, "server", transcript, expectedServerFinished);

  const established: SessionState = {
    version: "TLSv1.2",
    cipherSuite: suite.id,
    secret: master,
    extendedMasterSecret: ems,
    serverName: config.serverName ?? null,
    alpnProtocol,
    group,
    signatureScheme: scheme.name,
    peerCertificates: chain,
    ...markStapled(verificationMark(path, config.policy.id), stapled),
    createdAt: config.now().getTime(),
    lifetime: 0,
    ticket: new Uint8Array(0),
    sessionId: new Uint8Array(0),
    ticketAgeAdd: 0,
  };
  return {
    info: {
      version: "TLSv1.2",
      cipherSuite: suite.name,
      group,
      signatureScheme: scheme.name,
      alpnProtocol,
      serverName: config.serverName ?? null,
      peerCertificates: chain,
      ...(path ? { verifiedPath: path.map((c) => c.der) } : {}),
      ...(staple !== null ? { ocspResponse: staple } : {}),
      helloRetryRequest: false,
      resumed: false,
      provider: p.name,
      extendedMasterSecret: ems,
      peerSignatureSchemes: request?.signatureSchemes ?? [],
    },
    traffic: (host) => new Tls12Traffic(host, "client", p, { hash: suite.hash, masterSecret: master, clientRandom: hello.random, serverRandom: sh.random }),
    session: sessionToKeep(established, ticket, sh.legacySessionIdEcho),
  };
}

interface Resumption {
  readonly hello: ClientHelloState;
  readonly random: Uint8Array;
  readonly suite: Tls12Suite;
  readonly ems: boolean;
  readonly alpnProtocol: string | null;
  readonly transcript: Transcript;
  readonly ticketExpected: boolean;
  readonly session: SessionState;
}

/**
 * The abbreviated handshake (RFC 5246 7.3): the server's [NewSessionTicket], ChangeCipherSpec and
 * Finished come first, keys from the session's master secret and the new randoms; then ours.
 */
async function resumeClientTls12(ctx: HandshakeContext, config: ClientConfig, r: Resumption): Promise<HandshakeResult> {
  const p = config.provider;
  const { suite, session, transcript } = r;
  if (suite.id !== session.cipherSuite) throw new PeerMisbehaved("ResumedWithDifferentCipherSuite", "illegal_parameter", `${suite.name} for a session of 0x${session.cipherSuite.toString(16)}`);
  // RFC 7627 5.3: a resumption must keep the session's master secret kind, both ways.
  if (r.ems !== session.extendedMasterSecret) {
    throw new PeerMisbehaved(session.extendedMasterSecret ? "ResumedWithoutExtendedMasterSecret" : "ResumedWithExtendedMasterSecret", "handshake_failure", "RFC 7627 section 5.3");
  }
  const master = session.secret;
  const ticket = r.ticketExpected ? await readTicket(ctx, transcript) : null;
  ctx.logKey("CLIENT_RANDOM", r.hello.random, master);
  // Both Finished messages follow from the transcript we hold (ours covers the server's, known before it
  // comes): computed beside the key block, compared and sent once the server's Finished came.
  const expectedServerFinished = finishedOver(p, suite.hash, master, "server finished", transcript.hash());
  const throughServerFinished = transcript.snapshot();
  const clientVerifyData = finishedOver(p, suite.hash, master, "client finished", expectedServerFinished.then((data) => throughServerFinished(frameHandshake(HandshakeType.Finished, data))));
  const keys = await keyBlock(p, suite.hash, suite.aead, master, r.hello.random, r.random);
  await ctx.readChangeCipherSpec(Tls12AeadProtection.create(p, suite.aead, { key: keys.serverWriteKey, iv: keys.serverWriteIv }));
  await readFinished(ctx, "server", transcript, expectedServerFinished);
  const finished = frameHandshake(HandshakeType.Finished, await clientVerifyData);
  ctx.sendChangeCipherSpec();
  ctx.installWriteProtection(Tls12AeadProtection.create(p, suite.aead, { key: keys.clientWriteKey, iv: keys.clientWriteIv }));
  ctx.send(finished);
  return {
    info: {
      version: "TLSv1.2",
      cipherSuite: suite.name,
      group: session.group,
      signatureScheme: session.signatureScheme,
      alpnProtocol: r.alpnProtocol,
      serverName: config.serverName ?? null,
      peerCertificates: session.peerCertificates,
      helloRetryRequest: false,
      resumed: true,
      provider: p.name,
      extendedMasterSecret: r.ems,
      peerSignatureSchemes: [],
    },
    traffic: (host) => new Tls12Traffic(host, "client", p, { hash: suite.hash, masterSecret: master, clientRandom: r.hello.random, serverRandom: r.random }),
    // A renewed ticket is a new session to keep; resuming by id changes nothing.
    session: ticket !== null && ticket.ticket.length > 0 ? sessionToKeep({ ...session, createdAt: config.now().getTime() }, ticket, new Uint8Array(0)) : null,
    resumedSession: session,
  };
}

/** The session a full handshake leaves: by ticket if the server issued one, else by the id it assigned. */
function sessionToKeep(s: SessionState, ticket: NewSessionTicketTls12 | null, sessionId: Uint8Array): SessionState | null {
  if (ticket !== null && ticket.ticket.length > 0) {
    return { ...s, ticket: ticket.ticket.slice(), sessionId: new Uint8Array(0), lifetime: Math.min(ticket.lifetimeHint || DEFAULT_CLIENT_LIFETIME, MAX_LIFETIME) };
  }
  if (sessionId.length === 0) return null;
  return { ...s, sessionId: sessionId.slice(), lifetime: DEFAULT_CLIENT_LIFETIME };
}

/** How long a client keeps a session whose server gave no lifetime: OpenSSL's default session timeout. */
const DEFAULT_CLIENT_LIFETIME = 7200;
/** No session outlives seven days (RFC 8446 4.6.1's cap, kept for TLS 1.2 too). */
const MAX_LIFETIME = 604800;

async function readTicket(ctx: HandshakeContext, transcript: Transcript): Promise<NewSessionTicketTls12> {
  const msg = await ctx.expect(HandshakeType.NewSessionTicket);
  const ticket = decodeNewSessionTicketTls12(msg.body);
  transcript.add(msg.raw);
  return ticket;
}


/** A ServerHello's session_ticket extension is empty and announces a NewSessionTicket (RFC 5077 3.2). */
function checkSessionTicketExtension(ext: Extensions): boolean {
  const data = ext.get(ExtensionType.SessionTicket);
  if (data !== undefined && data.length !== 0) throw new PeerMisbehaved("MalformedSessionTicketExtension", "decode_error");
  return data !== undefined;
}

function checkServerHello(cipherSuite: number, compression: number, ext: Extensions, config: ClientConfig, offered: Set<number>): Tls12Suite {
  if (compression !== 0) throw new PeerMisbehaved("CompressionSelected", "illegal_parameter");
  const suite = config.cipherSuites.filter(isTls12Suite).find((s) => s.id === cipherSuite);
  if (!suite) throw new PeerMisbehaved("SelectedUnofferedCipherSuite", "illegal_parameter", `0x${cipherSuite.toString(16).padStart(4, "0")} is not a TLS 1.2 suite we offered`);
  for (const t of ext.types()) {
    if (!offered.has(t)) throw new PeerMisbehaved("UnsolicitedExtension", "unsupported_extension", `type ${t} in ServerHello`);
    if (!SERVER_HELLO_EXTENSIONS.has(t)) throw new PeerMisbehaved("ExtensionNotAllowedHere", "illegal_parameter", `type ${t} in a TLS 1.2 ServerHello`);
  }
  // RFC 5746 3.4: an initial handshake's renegotiation_info must be empty (a zero-length vector).
  const ri = ext.get(ExtensionType.RenegotiationInfo);
  if (ri !== undefined && (ri.length !== 1 || ri[0] !== 0)) throw new PeerMisbehaved("NonEmptyRenegotiationInfo", "handshake_failure");
  if (ri === undefined && config.policy.requireExtendedMasterSecret) {
    throw new PeerIncompatible("RenegotiationIndicationRequired", "handshake_failure", `policy ${config.policy.id} requires renegotiation indication in TLS 1.2 (RFC 5746)`);
  }
  const ems = ext.get(ExtensionType.ExtendedMasterSecret);
  if (ems !== undefined && ems.length !== 0) throw new PeerMisbehaved("MalformedExtendedMasterSecret", "decode_error");
  const formats = ext.get(ExtensionType.EcPointFormats);
  // RFC 8422 5.2: a server that sends the list must include uncompressed.
  if (formats !== undefined && (formats.length < 2 || formats[0] !== formats.length - 1 || !formats.subarray(1).includes(0))) {
    throw new PeerMisbehaved("NoUncompressedPointFormat", "illegal_parameter");
  }
  const sni = ext.get(ExtensionType.ServerName);
  if (sni !== undefined && sni.length !== 0) throw new PeerMisbehaved("MalformedServerNameAcknowledgement", "decode_error");
  // RFC 6066 8: the server acknowledges status_request with an empty extension.
  const status = ext.get(ExtensionType.StatusRequest);
  if (status !== undefined && status.length !== 0) throw new DecodeError("status_request acknowledgement must be empty");
  return suite;
}

function checkAlpn(ext: Extensions, config: ClientConfig): string | null {
  const data = ext.get(ExtensionType.Alpn);
  if (data === undefined) return null;
  const chosen = decodeAlpn(data);
  if (chosen.length !== 1 || !config.alpnProtocols.includes(chosen[0]!)) throw new PeerMisbehaved("InvalidAlpnSelection", "illegal_parameter");
  return chosen[0]!;
}

/** Our scheme for CertificateVerify: the first of ours the server accepts and our key can make; null sends no certificate. */
function chooseClientScheme(config: ClientConfig, request: CertificateRequestTls12): SchemeInfo | null {
  const key = config.signingKey;
  if (!key || config.certificateChain.length === 0) return null;
  return config.signatureSchemes.find((s) => request.signatureSchemes.includes(s.id) && tls12SchemeFitsKey(s, key.type)) ?? null;
}
