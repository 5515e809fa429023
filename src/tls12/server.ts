// The TLS 1.2 server handshake (RFC 5246 7.3) with ECDHE (RFC 8422) and AEAD suites, written as the
// sequence it is, from the ClientHello the shared step (handshake/server.ts) read and sent here. A
// session the client offers (by ticket or id) is resumed with the abbreviated handshake when
// server-session.ts finds it still acceptable; a full handshake ends with a ticket or a cached id.
import type { CryptoProvider, GroupName } from "../crypto/provider.js";
import type { ServerConfig } from "../config/server.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";
import { chooseAlpn, chooseCipherSuite, requestedServerName } from "../handshake/server-choices.js";
import { noMatchDetail } from "../handshake/policy-explanation.js";
import { peerVerification } from "../config/common.js";
import { PeerIncompatible, PeerMisbehaved } from "../errors.js";
import { ExtensionType, HandshakeType, SignalingSuite } from "../msgs/enums.js";
import { type Extension, decodeRecordSizeLimit, decodeU16List, encodeAlpn, encodeRecordSizeLimit } from "../msgs/extensions.js";
import { MAX_PLAINTEXT } from "../record/limits.js";
import { type HandshakeMessage, decodeCertificateVerify, frameHandshake } from "../msgs/handshake.js";
import { concat } from "../codec/bytes.js";
import { type ClientHello, DOWNGRADE_TLS12, encodeServerHello } from "../msgs/hello.js";
import {
  ClientCertificateType,
  decodeCertificateTls12,
  decodeClientKeyExchangeEcdhe,
  encodeCertificateRequestTls12,
  encodeCertificateTls12,
  encodeNewSessionTicketTls12,
  encodeServerEcdhParams,
  encodeServerKeyExchangeEcdhe,
  serverKeyExchangeSignedData,
} from "../msgs/tls12.js";
import { Tls12AeadProtection } from "../record/tls12-aead.js";
import { type Tls12Suite, isTls12Suite, tls12SuiteById } from "../suites/cipher-suites.js";
import { agree, groupId, newKeyShare, prepareKeyShares, servesTls12 } from "../suites/groups.js";
import type { SchemeInfo } from "../suites/signature-schemes.js";
import { Transcript } from "../handshake/transcript.js";
import { verifyClientCertificate } from "../verify/verifier.js";
import { encodeCertificateStatus } from "../msgs/status-request.js";
import { stapleFor } from "../handshake/ocsp-staple.js";
import { extendedMasterSecret, keyBlock, masterSecret } from "./prf.js";
import { signTls12, suiteFitsKey, tls12SchemeFitsKey, verifyTls12Signature } from "./signatures.js";
import { Tls12Traffic } from "./traffic.js";
import { finishedOver, readFinished } from "./finished.js";
import { type SessionState, secondsLeft } from "../session/session.js";
import { type Resumable, findResumable, sealTicket, ticketRequested } from "./server-session.js";


/** What every TLS 1.2 handshake settles from the ClientHello, resumed or not. */
interface Agreed {
  readonly ems: boolean;
  readonly secureRenegotiation: boolean;
  readonly pointFormats: boolean;
  readonly alpn: string | null;
  readonly serverName: string | null;
  /** The client's record_size_limit (RFC 8449), answered with ours; null when it sent none. */
  readonly recordSizeLimit: number | null;
}

/** What a full handshake chooses besides: the algorithms, in our order of preference. */
interface Choice extends Agreed {
  /** The client's signature_algorithms, in its order. */
  readonly clientSchemes: readonly number[];
  readonly suite: Tls12Suite;
  readonly scheme: SchemeInfo;
  readonly group: GroupName;
}

/** The algorithms for a full handshake, in our order of preference; peer lists become sets first. */
function choose(ch: ClientHello, config: ServerConfig, agreed: Agreed): Choice {
  const key = config.signingKey;
  const ourSuites = config.cipherSuites.filter(isTls12Suite).filter((s) => suiteFitsKey(s, key.type));
  const suite = chooseCipherSuite(config, ourSuites, ch.cipherSuites, () => true);
  if (!suite) throw new PeerIncompatible("NoCipherSuiteMatch", "handshake_failure", `no TLS 1.2 suite both sides enable fits our ${key.type} certificate: ${noMatchDetail(config, "cipher_suite", ch.cipherSuites, ourSuites.map((s) => s.name))}`);

  // Without signature_algorithms a TLS 1.2 client means SHA-1 (RFC 5246 7.4.1.4.1), which no policy here allows.
  const clientSchemeList = clientSignatureSchemes(ch);
  const clientSchemes = new Set(clientSchemeList);
  const scheme = config.signatureSchemes.find((s) => clientSchemes.has(s.id) && tls12SchemeFitsKey(s, key.type));
  if (!scheme) {
    const ours = config.signatureSchemes.filter((s) => tls12SchemeFitsKey(s, key.type)).map((s) => s.name);
    throw new PeerIncompatible("NoSignatureSchemeMatch", "handshake_failure", noMatchDetail(config, "signature_scheme", clientSchemeList, ours));
  }

  const groupsData = ch.extensions.get(ExtensionType.SupportedGroups);
  const clientGroupList = groupsData === undefined ? [] : decodeU16List(groupsData, "supported_groups");
  const clientGroups = new Set(clientGroupList);
  // ECDHE groups only: the hybrids are TLS 1.3's, and the FFDHE groups belong to DHE suites, which fipstls does not implement.
  const group = config.groups.find((g) => servesTls12(g) && clientGroups.has(groupId(g)));
  if (!group) throw new PeerIncompatible("NoGroupMatch", "handshake_failure", noMatchDetail(config, "group", clientGroupList, config.groups.filter(servesTls12)));
  return { ...agreed, suite, scheme, group, clientSchemes: clientSchemeList };
}

/** The checks and choices every ClientHello gets, before resumption is considered. */
function agreeWith(ch: ClientHello, config: ServerConfig): Agreed {
  if (!ch.compressionMethods.includes(0)) throw new PeerMisbehaved("InvalidCompressionMethods", "illegal_parameter", "the null compression method is missing");
  const clientSuites = new Set(ch.cipherSuites);
  const formats = ch.extensions.get(ExtensionType.EcPointFormats);
  // RFC 8422 5.1.2: a list without uncompressed leaves no point format we may send.
  if (formats !== undefined && (formats.length < 2 || formats[0] !== formats.length - 1 || !formats.subarray(1).includes(0))) {
    throw new PeerMisbehaved("NoUncompressedPointFormat", "illegal_parameter");
  }

  const emsData = ch.extensions.get(ExtensionType.ExtendedMasterSecret);
  if (emsData !== undefined && emsData.length !== 0) throw new PeerMisbehaved("MalformedExtendedMasterSecret", "decode_error");
  const ems = emsData !== undefined;
  if (!ems && config.policy.requireExtendedMasterSecret) {
    throw new PeerIncompatible("ExtendedMasterSecretRequired", "handshake_failure", `policy ${config.policy.id} requires the Extended Master Secret in TLS 1.2 (FIPS 140-3 IG D.Q; RFC 7627)`);
  }
  // RFC 5746 3.6: an initial ClientHello's renegotiation_info must be empty; the SCSV means the same.
  const ri = ch.extensions.get(ExtensionType.RenegotiationInfo);
  if (ri !== undefined && (ri.length !== 1 || ri[0] !== 0)) throw new PeerMisbehaved("NonEmptyRenegotiationInfo", "handshake_failure");
  const secureRenegotiation = ri !== undefined || clientSuites.has(SignalingSuite.EMPTY_RENEGOTIATION_INFO_SCSV);
  if (!secureRenegotiation && config.policy.requireExtendedMasterSecret) {
    throw new PeerIncompatible("RenegotiationIndicationRequired", "handshake_failure", `policy ${config.policy.id} requires renegotiation indication in TLS 1.2 (RFC 5746)`);
  }

  const alpn = chooseAlpn(ch, config);
  const serverName = requestedServerName(ch);
  const limit = ch.extensions.get(ExtensionType.RecordSizeLimit);
  const recordSizeLimit = limit === undefined ? null : decodeRecordSizeLimit(limit);
  return { ems, secureRenegotiation, pointFormats: formats !== undefined, alpn, serverName, recordSizeLimit };
}

/** Our ServerHello's extensions: each answers one of the client's; no server_name when resuming (RFC 6066 3). */
function helloExtensions(a: Agreed, resumed: boolean, ticket: boolean): Extension[] {
  const extensions: Extension[] = [];
  if (a.secureRenegotiation) extensions.push({ type: ExtensionType.RenegotiationInfo, data: new Uint8Array([0]) });
  if (a.ems) extensions.push({ type: ExtensionType.ExtendedMasterSecret, data: new Uint8Array(0) });
  if (a.pointFormats) extensions.push({ type: ExtensionType.EcPointFormats, data: new Uint8Array([1, 0]) });
  if (a.serverName !== null && !resumed) extensions.push({ type: ExtensionType.ServerName, data: new Uint8Array(0) });
  if (a.alpn !== null) extensions.push({ type: ExtensionType.Alpn, data: encodeAlpn([a.alpn]) });
  if (ticket) extensions.push({ type: ExtensionType.SessionTicket, data: new Uint8Array(0) });
  if (a.recordSizeLimit !== null) extensions.push({ type: ExtensionType.RecordSizeLimit, data: encodeRecordSizeLimit(MAX_PLAINTEXT) });
  return extensions;
}

/** The transcript from the ClientHello on, and a send that frames, transmits and records each message of ours. */
function serverTranscript(ctx: HandshakeContext, provider: CryptoProvider, suite: Tls12Suite, chMsg: HandshakeMessage): { transcript: Transcript; send: (type: number, body: Uint8Array) => void } {
  const transcript = new Transcript(provider);
  transcript.setHash(suite.hash);
  transcript.add(chMsg.raw);
  const send = (type: number, body: Uint8Array): void => {
    const raw = frameHandshake(type, body);
    ctx.send(raw);
    transcript.add(raw);
  };
  return { transcript, send };
}

/** Our random; a server that speaks TLS 1.3 marks a TLS 1.2 answer as a downgrade (RFC 8446 4.1.3). */
function serverRandom(config: ServerConfig): Uint8Array {
  const random = config.provider.random(32);
  if (config.versions.includes("TLSv1.3")) random.set(DOWNGRADE_TLS12, 24);
  return random;
}

export async function continueServerTls12(ctx: HandshakeContext, config: ServerConfig, chMsg: HandshakeMessage, ch: ClientHello): Promise<HandshakeResult> {
  const p = config.provider;
  const agreed = agreeWith(ch, config);
  if (agreed.recordSizeLimit !== null) ctx.limitRecordSize(agreed.recordSizeLimit, "TLSv1.2");
  const resumable = await findResumable(ch, config, agreed.ems, agreed.serverName);
  if (resumable !== null) return resumeServerTls12(ctx, config, chMsg, ch, agreed, resumable);
  const c = choose(ch, config, agreed);
  const { transcript, send } = serverTranscript(ctx, p, c.suite, chMsg);

  const random = serverRandom(config);
  // A client that takes tickets gets one; others get an id for the session cache (RFC 5077 3.4).
  const issueTicket = ticketRequested(ch, config);
  const sessionId = !issueTicket && config.sessionCache !== null ? p.random(32) : new Uint8Array(0);
  const staple = await stapleFor(config, ch, c.serverName);
  const extensions = helloExtensions(c, false, issueTicket);
  // RFC 6066 8: an empty status_request in ServerHello promises the CertificateStatus after Certificate.
  if (staple !== null) extensions.push({ type: ExtensionType.StatusRequest, data: new Uint8Array(0) });
  // The key share and its signature first: the whole first flight then leaves in one write.
  const share = await newKeyShare(p, c.group);
  const params = encodeServerEcdhParams(groupId(c.group), share.publicKey);
  const signature = await signTls12(config.signingKey, c.scheme, serverKeyExchangeSignedData(ch.random, random, params));
  send(HandshakeType.ServerHello, encodeServerHello({ random, legacySessionIdEcho: sessionId, cipherSuite: c.suite.id, extensions }));
  send(HandshakeType.Certificate, encodeCertificateTls12(config.certificateChain));
  if (staple !== null) send(HandshakeType.CertificateStatus, encodeCertificateStatus(staple));
  send(HandshakeType.ServerKeyExchange, encodeServerKeyExchangeEcdhe({ params, scheme: c.scheme.id, signature }));
  if (config.clientAuth !== "none") {
    send(
      HandshakeType.CertificateRequest,
      encodeCertificateRequestTls12({
        certificateTypes: [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        signatureSchemes: config.signatureSchemes.filter((s) => s.versions.includes("TLSv1.2")).map((s) => s.id),
        certificateAuthorities: [],
      }),
    );
  }
  send(HandshakeType.ServerHelloDone, new Uint8Array(0));
  ctx.endFlight();
  // The share for the next client of this group is made once this flight has left (suites/spare-shares.ts).
  void ctx.flightSent().then(() => prepareKeyShares(p, [c.group]));

  // The client's flight: Certificate (if asked), ClientKeyExchange, CertificateVerify, CCS, Finished. A
  // client's chain is verified while the shared secret is agreed, and its CertificateVerify checked while
  // the key block is derived (with an asynchronous provider each is a wait of its own); errors still come
  // in sequence: the chain's, the key exchange's, then the CertificateVerify's.
  let peerCertificates: Uint8Array[] = [];
  let verifyingClient: ReturnType<typeof verifyClientCertificate> | null = null;
  if (config.clientAuth !== "none") {
    const certMsg = await ctx.expect(HandshakeType.Certificate);
    peerCertificates = decodeCertificateTls12(certMsg.body, ctx.limits.maxCertificates);
    transcript.add(certMsg.raw);
    if (peerCertificates.length > 0) {
      verifyingClient = verifyClientCertificate({ chain: peerCertificates, roots: config.clientRoots, ...peerVerification(config) });
      verifyingClient.catch(() => undefined);
    } else if (config.clientAuth === "required") throw new PeerMisbehaved("NoClientCertificate", "handshake_failure", "a client certificate is required");
  }
  const ckeMsg = await ctx.expect(HandshakeType.ClientKeyExchange);
  transcript.add(ckeMsg.raw);
  // The session hash (RFC 7627 3) is computed while the shared secret is agreed.
  const sessionHash = transcript.hash();
  sessionHash.catch(() => undefined);
  const agreement = (async () => agree(share, decodeClientKeyExchangeEcdhe(ckeMsg.body)))();
  agreement.catch(() => undefined);
  const clientSpki = verifyingClient === null ? null : (await verifyingClient)[0]!.spki;
  const preMaster = await agreement;
  const master = c.ems ? await extendedMasterSecret(p, c.suite.hash, preMaster, await sessionHash) : await masterSecret(p, c.suite.hash, preMaster, ch.random, random);
  let clientCertificateVerify: Promise<unknown> | null = null;
  if (clientSpki !== null) {
    const cvMsg = await ctx.expect(HandshakeType.CertificateVerify);
    const cv = decodeCertificateVerify(cvMsg.body);
    // TLS 1.2 signs the handshake messages themselves (RFC 5246 7.4.8).
    clientCertificateVerify = verifyTls12Signature(p, config.signatureSchemes, cv.scheme, cv.signature, clientSpki, transcript.bytes(), "client CertificateVerify");
    clientCertificateVerify.catch(() => undefined);
    transcript.add(cvMsg.raw);
  }
  ctx.logKey("CLIENT_RANDOM", ch.random, master);
  // The client's Finished is known before it comes (a PRF over the transcript we hold), and with it our
  // ticket and Finished: all are computed beside the key block, not after the client's Finished came.
  const expectedClientFinished = finishedOver(p, c.suite.hash, master, "client finished", transcript.hash());
  const throughClientFinished = transcript.snapshot();
  const state: SessionState = {
    version: "TLSv1.2",
    cipherSuite: c.suite.id,
    secret: master,
    extendedMasterSecret: c.ems,
    serverName: c.serverName,
    alpnProtocol: c.alpn,
    group: c.group,
    signatureScheme: c.scheme.name,
    peerCertificates,
    verifiedUntil: 0,
    verifiedUnder: "",
    createdAt: config.now().getTime(),
    lifetime: config.sessionLifetime,
    ticket: new Uint8Array(0),
    sessionId: new Uint8Array(0),
    ticketAgeAdd: 0,
  };
  // Our ticket and write key are made while the client's ChangeCipherSpec and Finished are on their
  // way (the ticket, which our Finished covers, beside the key block); the ticket leaves, and the
  // session is kept, only once that Finished verifies.
  const ticketMsg = issueTicket ? sealTicket(config, state).then((ticket) => frameHandshake(HandshakeType.NewSessionTicket, encodeNewSessionTicketTls12({ lifetimeHint: config.sessionLifetime, ticket }))) : null;
  ticketMsg?.catch(() => undefined);
  // Ours covers the client's Finished and our NewSessionTicket (RFC 5077 3.3).
  const serverFinished = finishedOver(
    p,
    c.suite.hash,
    master,
    "server finished",
    Promise.all([expectedClientFinished, ticketMsg]).then(([clientVerifyData, nst]) => {
      const clientFinished = frameHandshake(HandshakeType.Finished, clientVerifyData);
      return throughClientFinished(nst === null ? clientFinished : concat(clientFinished, nst));
    }),
  );
  const keys = await keyBlock(p, c.suite.hash, c.suite.aead, master, ch.random, random);
  await clientCertificateVerify;
  const serverWriteProtection = Tls12AeadProtection.create(p, c.suite.aead, { key: keys.serverWriteKey, iv: keys.serverWriteIv });
  serverWriteProtection.catch(() => undefined);
  await ctx.readChangeCipherSpec(Tls12AeadProtection.create(p, c.suite.aead, { key: keys.clientWriteKey, iv: keys.clientWriteIv }));
  await readFinished(ctx, "client", transcript, expectedClientFinished);

  if (ticketMsg !== null) {
    const nst = await ticketMsg;
    ctx.send(nst);
    transcript.add(nst);
  } else config.sessionCache?.set(sessionId, state);
  const finished = await serverFinished;
  ctx.sendChangeCipherSpec();
  ctx.installWriteProtection(serverWriteProtection);
  send(HandshakeType.Finished, finished);

  return {
    info: {
      version: "TLSv1.2",
      cipherSuite: c.suite.name,
      group: c.group,
      signatureScheme: c.scheme.name,
      alpnProtocol: c.alpn,
      serverName: c.serverName,
      peerCertificates,
      helloRetryRequest: false,
      resumed: false,
      provider: p.name,
      extendedMasterSecret: c.ems,
      peerSignatureSchemes: c.clientSchemes,
    },
    traffic: (host) => new Tls12Traffic(host, "server", p, { hash: c.suite.hash, masterSecret: master, clientRandom: ch.random, serverRandom: random }),
    session: null,
  };
}

/**
 * The abbreviated handshake (RFC 5246 7.3): ServerHello echoing the client's session id, a renewed
 * ticket if the old one's key has rotated, our ChangeCipherSpec and Finished; then the client's.
 */
async function resumeServerTls12(ctx: HandshakeContext, config: ServerConfig, chMsg: HandshakeMessage, ch: ClientHello, agreed: Agreed, r: Resumable): Promise<HandshakeResult> {
  const p = config.provider;
  const { state } = r;
  const clientSchemes = clientSignatureSchemes(ch);
  const suite = tls12SuiteById(state.cipherSuite)!;
  const master = state.secret;
  const { transcript, send } = serverTranscript(ctx, p, suite, chMsg);
  const random = serverRandom(config);
  const renew = r.renewTicket && ticketRequested(ch, config);
  send(HandshakeType.ServerHello, encodeServerHello({ random, legacySessionIdEcho: ch.legacySessionId, cipherSuite: suite.id, extensions: helloExtensions(agreed, true, renew) }));
  if (renew) {
    // The renewed ticket keeps the session's age: resumption never extends a session's life.
    const remaining = Math.max(0, secondsLeft(state.createdAt, config.sessionLifetime, config.now().getTime()));
    send(HandshakeType.NewSessionTicket, encodeNewSessionTicketTls12({ lifetimeHint: remaining, ticket: await sealTicket(config, state) }));
  }
  ctx.logKey("CLIENT_RANDOM", ch.random, master);
  const finished = finishedOver(p, suite.hash, master, "server finished", transcript.hash());
  const keys = await keyBlock(p, suite.hash, suite.aead, master, ch.random, random);
  ctx.sendChangeCipherSpec();
  ctx.installWriteProtection(Tls12AeadProtection.create(p, suite.aead, { key: keys.serverWriteKey, iv: keys.serverWriteIv }));
  send(HandshakeType.Finished, await finished);
  // The client's Finished, which follows ours, is computed while it is on its way.
  const expectedClientFinished = finishedOver(p, suite.hash, master, "client finished", transcript.hash());

  await ctx.readChangeCipherSpec(Tls12AeadProtection.create(p, suite.aead, { key: keys.clientWriteKey, iv: keys.clientWriteIv }));
  await readFinished(ctx, "client", transcript, expectedClientFinished);
  return {
    info: {
      version: "TLSv1.2",
      cipherSuite: suite.name,
      group: state.group,
      signatureScheme: state.signatureScheme,
      alpnProtocol: agreed.alpn,
      serverName: agreed.serverName,
      peerCertificates: state.peerCertificates,
      helloRetryRequest: false,
      resumed: true,
      provider: p.name,
      extendedMasterSecret: agreed.ems,
      peerSignatureSchemes: clientSchemes,
    },
    traffic: (host) => new Tls12Traffic(host, "server", p, { hash: suite.hash, masterSecret: master, clientRandom: ch.random, serverRandom: random }),
    session: null,
  };
}

/** The client's signature_algorithms, in its order; none when it sent none. */
function clientSignatureSchemes(ch: ClientHello): number[] {
  const algorithms = ch.extensions.get(ExtensionType.SignatureAlgorithms);
  return algorithms === undefined ? [] : decodeU16List(algorithms, "signature_algorithms");
}
