// The client's hello, shared by both versions: one ClientHello offers every enabled version, and the
// ServerHello decides which handshake continues (tls13/client.ts or tls12/client.ts). The state kept
// here is what either continuation needs: our random, session id, key shares and what we offered.
import type { KeyShare } from "../crypto/provider.js";
import type { ClientConfig } from "../config/client.js";
import { PeerIncompatible, PeerMisbehaved } from "../errors.js";
import { ExtensionType, HandshakeType, ProtocolVersion } from "../msgs/enums.js";
import { encodeStatusRequest } from "../msgs/status-request.js";
import { readMark } from "./ocsp-staple.js";
import { type Extension, decodeU16, encodeAlpn, encodeCookie, encodeKeyShareClient, encodeRecordSizeLimit, encodeServerName, encodeSupportedVersionsClient, encodeU16List } from "../msgs/extensions.js";
import { MAX_INNER_PLAINTEXT, MAX_PLAINTEXT } from "../record/limits.js";
import { PskKeyExchangeMode, bindersLength, encodeOfferedPsks, encodePskModes } from "../msgs/psk.js";
import { type ServerHello, downgradeMarker, encodeClientHello } from "../msgs/hello.js";
import { frameHandshake } from "../msgs/handshake.js";
import { groupId, newKeyShare } from "../suites/groups.js";
import { isTls12Suite, isTls13Suite, suiteById } from "../suites/cipher-suites.js";
import type { TlsVersionName } from "../suites/versions.js";
import { isIpLiteral } from "../verify/names.js";
import { verifyServerCertificate } from "../verify/verifier.js";
import { peerVerification } from "../config/common.js";
import { type SessionState, sessionCurrent } from "../session/session.js";
import type { HandshakeContext } from "./context.js";


export interface ClientHelloState {
  readonly random: Uint8Array;
  /**
   * A TLS 1.2 session's id, or a random one: in TLS 1.3 middlebox compatibility mode (RFC 8446 D.4),
   * and beside a TLS 1.2 ticket, where the server's echo says it resumed (RFC 5077 3.4).
   */
  readonly sessionId: Uint8Array;
  /** The session offered for resumption, if any: TLS 1.2 by ticket or id, TLS 1.3 as a PSK. */
  readonly resuming: SessionState | null;
  /** Our key shares by group code point (TLS 1.3); replaced after a HelloRetryRequest. */
  readonly shares: Map<number, KeyShare>;
  /** Extension types of the last hello we sent: a server may answer only these. */
  offered: Set<number>;
  /** The last framed ClientHello, for the transcript. */
  raw: Uint8Array;
}

export async function newClientHello(config: ClientConfig): Promise<ClientHelloState> {
  const p = config.provider;
  const shares = new Map<number, KeyShare>();
  if (config.versions.includes("TLSv1.3")) for (const g of config.keyShareGroups) shares.set(groupId(g), await newKeyShare(p, g));
  const resuming = await resumableSession(config);
  const tls12Session = resuming?.version === "TLSv1.2" ? resuming : null;
  const sessionId = tls12Session !== null && tls12Session.sessionId.length > 0 ? tls12Session.sessionId : config.versions.includes("TLSv1.3") || tls12Session !== null ? p.random(32) : new Uint8Array(0);
  return { random: p.random(32), sessionId, resuming, shares, offered: new Set(), raw: new Uint8Array(0) };
}

/**
 * The configured session, if this hello may offer it: of an enabled version, current, for the name we
 * connect to, with a suite the config still enables (so the policy still allows it; in TLS 1.3 any
 * enabled suite of the same hash, RFC 8446 4.2.11), EMS where the policy requires it, and a server
 * chain verified under this config's policy and not expired since. A chain verified under another
 * policy, or not verified at all, is verified now against this config's roots; one verified under
 * this policy is not re-verified (OpenSSL and Go do not either): parsing it again would cost about as
 * much as the full handshake's verification, which resumption exists to save.
 */
async function resumableSession(config: ClientConfig): Promise<SessionState | null> {
  const s = config.session;
  if (s === null || !config.versions.includes(s.version)) return null;
  const now = config.now().getTime();
  if (!sessionCurrent(s, now) || s.serverName !== (config.serverName ?? null)) return null;
  if (s.version === "TLSv1.2") {
    if (!config.cipherSuites.some((c) => isTls12Suite(c) && c.id === s.cipherSuite)) return null;
    if (config.policy.requireExtendedMasterSecret && !s.extendedMasterSecret) return null;
    if (s.ticket.length === 0 && s.sessionId.length === 0) return null;
  } else {
    const hash = suiteById(s.cipherSuite)?.hash;
    if (hash === undefined || s.ticket.length === 0 || !config.cipherSuites.some((c) => isTls13Suite(c) && c.hash === hash)) return null;
  }
  const mark = readMark(s, now);
  if (config.verifyCertificates && config.staple === "require" && !mark.stapled) return null;
  if (config.verifyCertificates && !(mark.policy === config.policy.id && now < s.verifiedUntil)) {
    try {
      await verifyServerCertificate({ chain: s.peerCertificates, roots: config.roots, serverName: config.serverName!, ...peerVerification(config) });
    } catch {
      return null;
    }
  }
  return s;
}

function extensions(config: ClientConfig, state: ClientHelloState, cookie: Uint8Array | undefined): Extension[] {
  const tls13 = config.versions.includes("TLSv1.3");
  const tls12 = config.versions.includes("TLSv1.2");
  const sni = config.serverName !== undefined && !isIpLiteral(config.serverName) ? config.serverName.replace(/\.$/, "") : undefined;
  const ext: Extension[] = [];
  if (sni !== undefined) ext.push({ type: ExtensionType.ServerName, data: encodeServerName(sni) });
  ext.push({ type: ExtensionType.SupportedGroups, data: encodeU16List(config.groups.map(groupId)) });
  // TLS 1.2 ECDHE: uncompressed points only (RFC 8422 5.1.2).
  if (tls12) ext.push({ type: ExtensionType.EcPointFormats, data: new Uint8Array([1, 0]) });
  // rsa_pkcs1_* sign TLS 1.2 handshakes only; a TLS 1.3 server must not pick them (RFC 8446 4.2.3).
  const handshakeSchemes = config.signatureSchemes.filter((s) => s.handshake || (tls12 && s.versions.includes("TLSv1.2")));
  ext.push({ type: ExtensionType.SignatureAlgorithms, data: encodeU16List(handshakeSchemes.map((s) => s.id)) });
  ext.push({ type: ExtensionType.SignatureAlgorithmsCert, data: encodeU16List(config.signatureSchemes.map((s) => s.id)) });
  if (tls12) {
    // Always offered; required of the server under policies that say so (FIPS 140-3 IG D.Q).
    ext.push({ type: ExtensionType.ExtendedMasterSecret, data: new Uint8Array(0) });
    // An initial handshake's renegotiation_info is empty (RFC 5746 3.4).
    ext.push({ type: ExtensionType.RenegotiationInfo, data: new Uint8Array([0]) });
    // Empty asks for a ticket; a ticket asks to resume with it (RFC 5077 3.2).
    ext.push({ type: ExtensionType.SessionTicket, data: state.resuming?.version === "TLSv1.2" ? state.resuming.ticket : new Uint8Array(0) });
  }
  if (tls13) {
    ext.push({ type: ExtensionType.SupportedVersions, data: encodeSupportedVersionsClient(tls12 ? [ProtocolVersion.TLS13, ProtocolVersion.TLS12] : [ProtocolVersion.TLS13]) });
    ext.push({ type: ExtensionType.KeyShare, data: encodeKeyShareClient([...state.shares.values()].map((s) => ({ group: groupId(s.group), keyExchange: s.publicKey }))) });
    // Without it a server issues no tickets; psk_dhe_ke only, so resumption keeps forward secrecy.
    ext.push({ type: ExtensionType.PskKeyExchangeModes, data: encodePskModes([PskKeyExchangeMode.psk_dhe_ke]) });
  }
  if (config.requestOcsp) ext.push({ type: ExtensionType.StatusRequest, data: encodeStatusRequest() });
  if (config.alpnProtocols.length) ext.push({ type: ExtensionType.Alpn, data: encodeAlpn(config.alpnProtocols) });
  // RFC 8449: we take records of every size the protocol allows; saying so lets a peer that limits its
  // own (GnuTLS, NSS) learn that ours are not limited. 2^14+1 counts TLS 1.3's content type.
  ext.push({ type: ExtensionType.RecordSizeLimit, data: encodeRecordSizeLimit(tls13 ? MAX_INNER_PLAINTEXT : MAX_PLAINTEXT) });
  if (cookie) ext.push({ type: ExtensionType.Cookie, data: encodeCookie(cookie) });
  return ext;
}

/** A TLS 1.3 PSK to offer: its identity, and the binder over the hello truncated before the binders. */
export interface PskOffer {
  readonly identity: Uint8Array;
  readonly obfuscatedTicketAge: number;
  readonly binderLength: number;
  binder(truncatedHello: Uint8Array): Promise<Uint8Array>;
}

/**
 * Builds and sends the ClientHello (again after a HelloRetryRequest, with `cookie`); returns it framed.
 * A PSK goes last (RFC 8446 4.2.11) with a placeholder binder, computed over the bytes before it.
 */
export async function sendClientHello(ctx: HandshakeContext, config: ClientConfig, state: ClientHelloState, o: { cookie?: Uint8Array; psk?: PskOffer | null } = {}): Promise<Uint8Array> {
  const ext = extensions(config, state, o.cookie);
  const psk = o.psk ?? null;
  const placeholder = psk === null ? [] : [new Uint8Array(psk.binderLength)];
  if (psk !== null) ext.push({ type: ExtensionType.PreSharedKey, data: encodeOfferedPsks({ identities: [psk], binders: placeholder }) });
  const suites = [...config.cipherSuites.filter(isTls13Suite), ...config.cipherSuites.filter(isTls12Suite)];
  const raw = frameHandshake(HandshakeType.ClientHello, encodeClientHello({ random: state.random, legacySessionId: state.sessionId, cipherSuites: suites.map((s) => s.id), extensions: ext }));
  if (psk !== null) raw.set(await psk.binder(raw.subarray(0, raw.length - bindersLength(placeholder))), raw.length - psk.binderLength);
  ctx.send(raw);
  state.offered = new Set(ext.map((e) => e.type));
  state.raw = raw;
  return raw;
}

/**
 * The version a ServerHello chose: TLS 1.3 by supported_versions, TLS 1.2 by legacy_version. A TLS 1.2
 * answer from a server whose random says it speaks TLS 1.3 is a downgrade (RFC 8446 4.1.3).
 */
export function negotiatedVersion(sh: ServerHello, config: ClientConfig): TlsVersionName {
  const supported = sh.extensions.get(ExtensionType.SupportedVersions);
  if (supported !== undefined) {
    const v = decodeU16(supported, "supported_versions");
    if (v !== ProtocolVersion.TLS13 || !config.versions.includes("TLSv1.3")) throw new PeerMisbehaved("SelectedUnofferedVersion", "illegal_parameter", `0x${v.toString(16)}`);
    return "TLSv1.3";
  }
  if (sh.legacyVersion === ProtocolVersion.TLS12 && config.versions.includes("TLSv1.2")) {
    if (config.versions.includes("TLSv1.3") && downgradeMarker(sh.random) !== null) {
      throw new PeerMisbehaved("DowngradeDetected", "illegal_parameter", "a TLS 1.3 server's random marks this TLS 1.2 ServerHello as a downgrade");
    }
    return "TLSv1.2";
  }
  const enabled = config.versions.join(", ");
  throw new PeerIncompatible(sh.legacyVersion === ProtocolVersion.TLS12 ? "ServerDoesNotSupportTls13" : "UnsupportedVersion", "protocol_version", `server chose version 0x${sh.legacyVersion.toString(16)}; enabled: ${enabled}`);
}
