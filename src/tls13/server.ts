// The TLS 1.3 server handshake (RFC 8446 section 2, 4), written as the sequence it is.
import type { GroupName } from "../crypto/provider.js";
import type { ServerConfig } from "../config/server.js";
import type { HandshakeContext, HandshakeResult } from "../handshake/context.js";
import { chooseAlpn, chooseCipherSuite, requestedServerName } from "../handshake/server-choices.js";
import { noMatchDetail } from "../handshake/policy-explanation.js";
import { equalBytes } from "../codec/bytes.js";
import type { SessionState } from "../session/session.js";
import { PeerIncompatible, PeerMisbehaved } from "../errors.js";
import { ExtensionType, HandshakeType, ProtocolVersion } from "../msgs/enums.js";
import {
  type Extension,
  type KeyShareEntry,
  decodeKeyShareClient,
  decodeRecordSizeLimit,
  decodeSupportedVersionsClient,
  decodeU16List,
  encodeAlpn,
  encodeKeyShareServer,
  encodeRecordSizeLimit,
  encodeU16,
  encodeU16List,
} from "../msgs/extensions.js";
import { MAX_INNER_PLAINTEXT } from "../record/limits.js";
import { type ClientHello, HRR_RANDOM, decodeClientHello, encodeServerHello } from "../msgs/hello.js";
import {
  type HandshakeMessage,
  decodeFinished,
  encodeEncryptedExtensions,
  frameHandshake,
} from "../msgs/handshake.js";
import { stapleFor } from "../handshake/ocsp-staple.js";
import { groupId, prepareKeyShares, startServerShare } from "../suites/groups.js";
import { KeySchedule } from "./key-schedule.js";
import { type SchemeInfo, keyCanSign } from "../suites/signature-schemes.js";
import { type Tls13Suite, isTls13Suite } from "../suites/cipher-suites.js";
import { Tls13Traffic, logApplicationSecrets, protectionFor } from "./traffic.js";
import { Transcript } from "../handshake/transcript.js";
import { encodeSelectedIdentity } from "../msgs/psk.js";
import { acceptPsk, checkPskPlacement, clientTakesTickets, makeTickets } from "./server-psk.js";
import { type ClientAuthentication, readClientCertificate, startAuthentication } from "./server-authentication.js";

interface Choice {
  readonly suite: Tls13Suite;
  readonly scheme: SchemeInfo;
  readonly group: GroupName;
  /** The client's share for `group`, or null when a HelloRetryRequest must ask for one. */
  readonly clientShare: KeyShareEntry | null;
  readonly alpn: string | null;
  readonly serverName: string | null;
  /** The client's signature_algorithms, in its order. */
  readonly clientSchemes: readonly number[];
}

function required(ch: ClientHello, type: number, name: "SignatureAlgorithms" | "SupportedGroups" | "KeyShare"): Uint8Array {
  const data = ch.extensions.get(type);
  if (data === undefined) throw new PeerMisbehaved(`Missing${name}`, "missing_extension", `ClientHello lacks ${name}`);
  return data;
}

/** Chooses every parameter from one ClientHello, in the server's order of preference. */
function choose(ch: ClientHello, config: ServerConfig): Choice {
  const versions = ch.extensions.get(ExtensionType.SupportedVersions);
  if (versions === undefined || !decodeSupportedVersionsClient(versions).includes(ProtocolVersion.TLS13)) {
    // The first hello chose TLS 1.3 (handshake/server.ts); a retried one must still offer it.
    throw new PeerIncompatible("ClientDoesNotSupportTls13", "protocol_version");
  }
  if (ch.compressionMethods.length !== 1 || ch.compressionMethods[0] !== 0) {
    throw new PeerMisbehaved("InvalidCompressionMethods", "illegal_parameter");
  }
  // Peer lists become sets first: every choice below is then linear in the ClientHello's size, so a
  // 64 KiB hello full of entries costs no more than reading it (pre-authentication work stays bounded).
  const ourSuites = config.cipherSuites.filter(isTls13Suite);
  const suite = chooseCipherSuite(config, ourSuites, ch.cipherSuites, () => true);
  if (!suite) throw new PeerIncompatible("NoCipherSuiteMatch", "handshake_failure", noMatchDetail(config, "cipher_suite", ch.cipherSuites, ourSuites.map((s) => s.name)));

  const clientSchemeList = decodeU16List(required(ch, ExtensionType.SignatureAlgorithms, "SignatureAlgorithms"), "signature_algorithms");
  const clientSchemes = new Set(clientSchemeList);
  const scheme = config.signatureSchemes.find((s) => clientSchemes.has(s.id) && keyCanSign(config.signingKey, s));
  if (!scheme) {
    const ours = config.signatureSchemes.filter((s) => keyCanSign(config.signingKey, s)).map((s) => s.name);
    throw new PeerIncompatible("NoSignatureSchemeMatch", "handshake_failure", noMatchDetail(config, "signature_scheme", clientSchemeList, ours));
  }

  const clientGroupList = decodeU16List(required(ch, ExtensionType.SupportedGroups, "SupportedGroups"), "supported_groups");
  const clientGroups = new Set(clientGroupList);
  const shares = new Map<number, KeyShareEntry>();
  for (const s of decodeKeyShareClient(required(ch, ExtensionType.KeyShare, "KeyShare"))) {
    // RFC 8446 4.2.8: each share must be for a group the client also lists in supported_groups.
    if (!clientGroups.has(s.group)) throw new PeerMisbehaved("KeyShareForUnlistedGroup", "illegal_parameter");
    shares.set(s.group, s);
  }
  const mutual = config.groups.filter((g) => clientGroups.has(groupId(g)));
  if (mutual.length === 0) throw new PeerIncompatible("NoGroupMatch", "handshake_failure", noMatchDetail(config, "group", clientGroupList, config.groups));
  const withShare = config.preferGroupOverShare ? (shares.has(groupId(mutual[0]!)) ? mutual[0] : undefined) : mutual.find((g) => shares.has(groupId(g)));
  const group = withShare ?? mutual[0]!;
  const clientShare = withShare ? shares.get(groupId(withShare))! : null;

  checkPskPlacement(ch);
  const alpn = chooseAlpn(ch, config);
  const serverName = requestedServerName(ch);
  return { suite, scheme, group, clientShare, alpn, serverName, clientSchemes: clientSchemeList };
}

/** The TLS 1.3 server handshake from the client's first ClientHello, which the shared step (handshake/server.ts) read. */
export async function continueServerTls13(ctx: HandshakeContext, config: ServerConfig, firstClientHello: HandshakeMessage, first: ClientHello): Promise<HandshakeResult> {
  const p = config.provider;
  const transcript = new Transcript(p);
  let chMsg = firstClientHello;
  let ch = first;
  let choice = choose(ch, config);
  transcript.setHash(choice.suite.hash);
  const compat = ch.legacySessionId.length > 0;
  let retried = false;

  if (choice.clientShare === null) {
    retried = true;
    transcript.add(chMsg.raw);
    await transcript.replaceWithMessageHash();
    const hrr = frameHandshake(
      HandshakeType.ServerHello,
      encodeServerHello({
        random: HRR_RANDOM,
        legacySessionIdEcho: ch.legacySessionId,
        cipherSuite: choice.suite.id,
        extensions: [
          { type: ExtensionType.SupportedVersions, data: encodeU16(ProtocolVersion.TLS13) },
          { type: ExtensionType.KeyShare, data: encodeU16(groupId(choice.group)) },
        ],
      }),
    );
    ctx.send(hrr);
    transcript.add(hrr);
    if (compat) ctx.sendChangeCipherSpec();
    // 0-RTT is never accepted; what the client sent early is skipped until its second hello.
    if (ch.extensions.has(ExtensionType.EarlyData)) ctx.skipRejectedEarlyData(true);
    chMsg = await ctx.expect(HandshakeType.ClientHello);
    const ch2 = decodeClientHello(chMsg.body);
    // RFC 8446 4.2.10: a client must not offer early data again after a HelloRetryRequest.
    if (ch2.extensions.has(ExtensionType.EarlyData)) throw new PeerMisbehaved("EarlyDataAfterRetry", "illegal_parameter");
    if (!equalBytes(ch2.legacySessionId, ch.legacySessionId)) throw new PeerMisbehaved("SessionIdChangedAfterRetry", "illegal_parameter");
    const second = choose(ch2, config);
    // RFC 8446 4.1.2: the second hello must carry exactly one share, for the group we asked for.
    const shares = decodeKeyShareClient(ch2.extensions.get(ExtensionType.KeyShare)!);
    if (shares.length !== 1 || shares[0]!.group !== groupId(choice.group) || second.suite.id !== choice.suite.id) {
      throw new PeerMisbehaved("RetriedHelloDoesNotMatch", "illegal_parameter");
    }
    ch = ch2;
    choice = { ...second, clientShare: shares[0]! };
  }
  const psk = await acceptPsk(ch, chMsg, transcript.bytes(), config, choice.suite, choice.serverName);
  transcript.add(chMsg.raw);

  const ours = await startServerShare(p, choice.group, choice.clientShare!.keyExchange);
  const shMsg = frameHandshake(
    HandshakeType.ServerHello,
    encodeServerHello({
      random: p.random(32),
      legacySessionIdEcho: ch.legacySessionId,
      cipherSuite: choice.suite.id,
      extensions: [
        { type: ExtensionType.SupportedVersions, data: encodeU16(ProtocolVersion.TLS13) },
        { type: ExtensionType.KeyShare, data: encodeKeyShareServer({ group: groupId(choice.group), keyExchange: ours.publicKey }) },
        ...(psk === null ? [] : [{ type: ExtensionType.PreSharedKey, data: encodeSelectedIdentity(psk.index) }]),
      ],
    }),
  );
  transcript.add(shMsg);
  const throughServerHello = transcript.hash();
  throughServerHello.catch(() => undefined);
  // EncryptedExtensions, Certificate and the CertificateVerify's signature need no secret: they are made
  // now, and with an asynchronous provider (WebCrypto) the transcript hashes and the signature run
  // while the shared secret and the handshake keys are derived, not after them. Nothing is sent before
  // the client's share proved valid.
  const clientRecordLimit = ch.extensions.get(ExtensionType.RecordSizeLimit);
  const recordLimit = clientRecordLimit === undefined ? undefined : decodeRecordSizeLimit(clientRecordLimit);
  const eeMsg = frameHandshake(HandshakeType.EncryptedExtensions, encodeEncryptedExtensions(encryptedExtensions(config, choice, recordLimit !== undefined)));
  transcript.add(eeMsg);
  // Resuming, knowing the PSK authenticates us; a PSK handshake asks for no certificate (RFC 8446 4.3.2).
  const auth = psk === null ? startAuthentication(config, choice.scheme, transcript, await stapleFor(config, ch, choice.serverName)) : null;
  const sharedSecret = await ours.sharedSecret;
  ctx.send(shMsg);
  if (compat && !retried) ctx.sendChangeCipherSpec();

  // 0-RTT is never accepted (EncryptedExtensions never says early_data): the client's early data,
  // protected under keys we do not derive, is skipped (RFC 8446 4.2.10).
  if (!retried && ch.extensions.has(ExtensionType.EarlyData)) ctx.skipRejectedEarlyData(false);
  const schedule = new KeySchedule(p, choice.suite, psk?.state.secret ?? null);
  const hs = await schedule.inputSharedSecret(sharedSecret, await throughServerHello);
  ctx.logKey("CLIENT_HANDSHAKE_TRAFFIC_SECRET", ch.random, hs.clientHandshakeTrafficSecret);
  ctx.logKey("SERVER_HANDSHAKE_TRAFFIC_SECRET", ch.random, hs.serverHandshakeTrafficSecret);
  const serverHandshakeProtection = protectionFor(p, schedule, hs.serverHandshakeTrafficSecret);
  ctx.installWriteProtection(serverHandshakeProtection);
  // Keys needed later are computed now, while we sign and send: none waits for another.
  const clientHandshakeProtection = protectionFor(p, schedule, hs.clientHandshakeTrafficSecret);
  void schedule.finishedKey(hs.serverHandshakeTrafficSecret);
  void schedule.finishedKey(hs.clientHandshakeTrafficSecret);
  // RFC 8449: the client's limit binds every protected record of ours, EncryptedExtensions included.
  if (recordLimit !== undefined) ctx.limitRecordSize(recordLimit, "TLSv1.3");
  ctx.send(eeMsg);
  if (auth !== null) {
    for (const message of auth.messages) ctx.send(message);
    const cvMsg = await auth.certificateVerify;
    ctx.send(cvMsg);
    transcript.add(cvMsg);
  }
  const finished = frameHandshake(HandshakeType.Finished, await schedule.finishedVerifyData(hs.serverHandshakeTrafficSecret, await transcript.hash()));
  ctx.send(finished);
  transcript.add(finished);
  // Its keys ready, a provider that seals synchronously seals and hands over the flight within endFlight().
  await serverHandshakeProtection;
  // The flight leaves before the application secrets and session tickets are computed (with a provider
  // that seals synchronously; otherwise they are computed while it is sealed): they are needed once the
  // client's Finished comes, and are made while the client checks our flight. So is the key share for
  // the next client of this group (measured: made here, the flight left sooner than when made after the
  // application secrets). Made in a microtask: after the flight with a provider that seals synchronously;
  // with WebCrypto its generation is queued on the thread pool after the flight's seal.
  ctx.endFlight();
  prepareKeyShares(p, [choice.group]);

  const throughServerFinished = await transcript.hash();
  const app = await schedule.applicationSecrets(throughServerFinished);
  logApplicationSecrets(ctx, ch.random, app);
  ctx.installWriteProtection(protectionFor(p, schedule, app.serverApplicationTrafficSecret));
  const clientApplicationProtection = protectionFor(p, schedule, app.clientApplicationTrafficSecret);
  // The client's first data usually comes with its Finished: opened beside it rather than after it.
  ctx.expectReadProtection(clientApplicationProtection);

  const signatureScheme = psk?.state.signatureScheme ?? choice.scheme.name;
  const session = (peerCertificates: readonly Uint8Array[]): Omit<SessionState, "secret" | "ticketAgeAdd"> => ({
    version: "TLSv1.3",
    cipherSuite: choice.suite.id,
    extendedMasterSecret: false,
    serverName: choice.serverName,
    alpnProtocol: choice.alpn,
    group: psk?.state.group ?? choice.group,
    signatureScheme,
    peerCertificates,
    verifiedUntil: 0,
    verifiedUnder: "",
    createdAt: psk?.state.createdAt ?? config.now().getTime(),
    lifetime: config.sessionLifetime,
    ticket: new Uint8Array(0),
    sessionId: new Uint8Array(0),
  });
  const takesTickets = clientTakesTickets(ch);
  // Unless the client authenticates, its Finished is known before it comes (an HMAC over the transcript
  // we hold, RFC 8446 4.4.4), and with it the resumption master secret: the tickets are made while the
  // client checks our flight, and leave once its Finished matches. Never sent otherwise.
  const peerKnown = psk !== null || config.clientAuth === "none";
  const expectedFinished = peerKnown ? schedule.finishedVerifyData(hs.clientHandshakeTrafficSecret, throughServerFinished) : null;
  expectedFinished?.catch(() => undefined);
  let earlyTickets: ReturnType<typeof makeTickets> | null = null;
  if (expectedFinished !== null && takesTickets) {
    // Taken now, while the transcript still ends at our Finished (the client's is added once it comes).
    const throughClientFinished = transcript.snapshot();
    earlyTickets = expectedFinished.then(async (verifyData) => {
      const clientFinished = frameHandshake(HandshakeType.Finished, verifyData);
      const rms = await schedule.resumptionMasterSecret(await throughClientFinished(clientFinished));
      return makeTickets(config, schedule, rms, session(psk?.state.peerCertificates ?? []), psk !== null);
    });
    earlyTickets.catch(() => undefined);
  }
  await ctx.installReadProtection(clientHandshakeProtection, "ClientHello");

  const finishedOver = (h: Promise<Uint8Array>): Promise<Uint8Array> => h.then((hash) => schedule.finishedVerifyData(hs.clientHandshakeTrafficSecret, hash));
  const peer: ClientAuthentication = psk !== null ? { chain: psk.state.peerCertificates } : config.clientAuth === "none" ? { chain: [] } : await readClientCertificate(ctx, config, transcript, finishedOver);
  const peerCertificates = peer.chain;
  const finMsg = await ctx.expect(HandshakeType.Finished);
  const expected = await (expectedFinished ?? peer.expectedFinished ?? finishedOver(transcript.hash()));
  if (!equalBytes(decodeFinished(finMsg.body, expected.length), expected)) throw new PeerMisbehaved("FinishedDoesNotVerify", "decrypt_error", "client Finished does not verify");
  transcript.add(finMsg.raw);
  await ctx.installReadProtection(clientApplicationProtection, "client Finished");

  if (takesTickets) {
    const tickets = earlyTickets !== null ? await earlyTickets : await makeTickets(config, schedule, await schedule.resumptionMasterSecret(await transcript.hash()), session(peerCertificates), psk !== null);
    for (const ticket of tickets) ctx.send(ticket);
  }
  schedule.handshakeDone();

  return {
    info: {
      version: "TLSv1.3",
      cipherSuite: choice.suite.name,
      group: choice.group,
      signatureScheme,
      alpnProtocol: choice.alpn,
      serverName: choice.serverName,
      peerCertificates,
      helloRetryRequest: retried,
      resumed: psk !== null,
      provider: p.name,
      peerSignatureSchemes: choice.clientSchemes,
    },
    traffic: (host) =>
      new Tls13Traffic(host, "server", p, schedule, {
        read: app.clientApplicationTrafficSecret,
        write: app.serverApplicationTrafficSecret,
        exporterMaster: app.exporterMasterSecret,
      }),
    session: null,
  };
}

/** EncryptedExtensions' list: answers to the ClientHello and our groups, never early_data. */
function encryptedExtensions(config: ServerConfig, choice: Choice, answerRecordLimit: boolean): Extension[] {
  const list: Extension[] = [];
  if (choice.serverName !== null) list.push({ type: ExtensionType.ServerName, data: new Uint8Array(0) });
  // RFC 8446 4.2.7: a server MAY tell the client its groups, in its order of preference, for the client's
  // next key_share. As OpenSSL does, only when the group we used is not our first choice.
  if (groupId(choice.group) !== groupId(config.groups[0]!)) {
    list.push({ type: ExtensionType.SupportedGroups, data: encodeU16List(config.groups.map(groupId)) });
  }
  if (choice.alpn !== null) list.push({ type: ExtensionType.Alpn, data: encodeAlpn([choice.alpn]) });
  if (answerRecordLimit) list.push({ type: ExtensionType.RecordSizeLimit, data: encodeRecordSizeLimit(MAX_INNER_PLAINTEXT) });
  return list;
}
