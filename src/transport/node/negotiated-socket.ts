// node:tls's TLSSocket accessors over a sans-IO connection: what the handshake negotiated, the
// certificates as node:tls describes them, sessions, Finished messages, the exporter and KeyUpdate.
// TLSSocket (socket.ts) adds the I/O; this class only reads the connection.
type X509Certificate = import("node:crypto").X509Certificate;
import type { DuplexOptions } from "node:stream";
import type { ClientConnection } from "../../conn/client.js";
import type { ServerConnection } from "../../conn/server.js";
import type { NegotiatedInfo, TlsVersionName } from "../../handshake/info.js";
import { UsageError } from "../../errors.js";
import { isIpLiteral } from "../../verify/names.js";
import { type AuditReport, auditConnection } from "../../../compliance/audit.js";
import { type DetailedPeerCertificate, type PeerCertificate, describeChain, withoutIssuer } from "./certificate.js";
import { type RawSocket, RawSocketDuplex } from "./raw-socket.js";
import { opensslSigalgName } from "./openssl-names.js";
import { type CipherNameAndProtocol, type EphemeralKeyInfo, checkExporterArguments, cipherOf, ephemeralKeyInfo, ticketOf } from "./negotiated.js";
import { nodeCrypto } from "../../../providers/node/builtins.js";
const { X509Certificate } = nodeCrypto;

export abstract class NegotiatedSocket extends RawSocketDuplex {
  readonly encrypted = true;
  /** True once the peer's certificate chain has been verified (and passed checkServerIdentity). */
  authorized = false;
  /** Why the peer is not authorized: an InvalidCertificate's reason ("UnknownIssuer", …), else the error's code or message. */
  authorizationError: string | null = null;
  /** The error behind authorizationError (fipstls-specific). */
  authorizationFailure: Error | null = null;
  protected connection: ClientConnection | ServerConnection | null = null;
  protected maxSendFragment = 16384;
  /** Set once the peer has been judged: certificates are described from then on. */
  protected described = false;
  /** Whether the socket was destroyed with an error: 'close' says so, as net.Socket's does. */
  protected hadError = false;
  /** A path verified after the handshake (rejectUnauthorized: false), when the handshake's own has none. */
  protected verifiedPath: readonly Uint8Array[] | null = null;
  // node:tls-shaped descriptions of the chains, made on first use (most applications never ask).
  private peer: DetailedPeerCertificate | null | undefined = undefined;
  private own: DetailedPeerCertificate | null | undefined = undefined;

  constructor(
    socket: RawSocket,
    options: DuplexOptions,
    readonly isServer: boolean,
  ) {
    super(socket, options);
  }

  /** As net.Socket (and so node:tls): 'close' carries hadError. */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === "close" && args.length === 0) return super.emit("close", this.hadError);
    return super.emit(event, ...args);
  }

  /** Everything the handshake negotiated (fipstls-specific); null before it completes. */
  get tlsInfo(): NegotiatedInfo | null {
    const c = this.connection;
    if (!c || c.state === "handshaking") return null;
    try {
      return c.info;
    } catch {
      return null;
    }
  }

  /** The negotiated parameters judged against the policy, peer chain included. */
  audit(): AuditReport {
    if (!this.connection || !this.tlsInfo) throw new UsageError("no completed handshake to audit");
    const report = auditConnection(this.connection.config, this.connection.info, `${this.isServer ? "server" : "client"} connection ${this.localAddress}:${this.localPort} <-> ${this.remoteAddress}:${this.remotePort}`);
    // A server chain kept despite failing verification (rejectUnauthorized: false) makes the connection non-compliant.
    if (this.isServer || this.authorizationFailure === null) return report;
    const reason = `server certificate not verified (${this.authorizationError}): ${this.authorizationFailure.message}`;
    return { ...report, verdict: { ...report.verdict, compliant: false, reasons: [...report.verdict.reasons, reason] } };
  }

  getProtocol(): TlsVersionName | null {
    return this.tlsInfo?.version ?? null;
  }

  getCipher(): CipherNameAndProtocol | null {
    const info = this.tlsInfo;
    return info ? cipherOf(info) : null;
  }

  /** As node:tls on a client: the key exchange group; {} on a server, null before the handshake. */
  getEphemeralKeyInfo(): EphemeralKeyInfo | Record<string, never> | null {
    const info = this.tlsInfo;
    if (!info) return null;
    return this.isServer ? {} : ephemeralKeyInfo(info);
  }

  get alpnProtocol(): string | false {
    return this.tlsInfo?.alpnProtocol ?? false;
  }

  /** The SNI name: the one the client sent (a client connecting to an IP address sends none: false, as node:tls). */
  get servername(): string | false {
    const name = this.tlsInfo?.serverName;
    return name === undefined || name === null || isIpLiteral(name) ? false : name;
  }

  /**
   * The peer's certificate as node:tls describes it: {} when the peer sent none (a server that did
   * not request one), null before the handshake completes. `detailed` links issuerCertificate.
   */
  getPeerCertificate(detailed: true): DetailedPeerCertificate | Record<string, never> | null;
  getPeerCertificate(detailed?: false): PeerCertificate | Record<string, never> | null;
  getPeerCertificate(detailed = false): PeerCertificate | Record<string, never> | null {
    if (!this.described || this.destroyed) return null;
    const peer = this.peerDescription();
    if (!peer) return {};
    return detailed ? peer : withoutIssuer(peer);
  }

  protected peerDescription(): DetailedPeerCertificate | null {
    // As node:tls, the chain verification built (completed from the trust store), else what the peer sent.
    const info = this.connection!.info;
    this.peer ??= describeChain(info.verifiedPath ?? this.verifiedPath ?? info.peerCertificates);
    return this.peer;
  }

  /** Our own certificate, described the same way; {} when we sent none. */
  getCertificate(): PeerCertificate | Record<string, never> | null {
    if (!this.described || this.destroyed) return null;
    this.own ??= describeChain(this.connection!.config.certificateChain.slice(0, 1));
    return this.own ? withoutIssuer(this.own) : {};
  }

  /** The peer's leaf as a node:crypto X509Certificate (parsed by node, not by fipstls). */
  getPeerX509Certificate(): X509Certificate | undefined {
    const der = this.tlsInfo?.peerCertificates[0];
    return der ? new X509Certificate(der) : undefined;
  }

  /** Our own leaf as a node:crypto X509Certificate; undefined when we sent none. */
  getX509Certificate(): X509Certificate | undefined {
    const der = this.connection?.config.certificateChain[0];
    return der && this.tlsInfo ? new X509Certificate(der) : undefined;
  }

  /** fipstls never renegotiates (TLS 1.3 has none; a TLS 1.2 peer's request is refused): nothing to disable. */
  disableRenegotiation(): void {}

  /** As node:tls under TLS 1.3: renegotiation is not available; the callback gets the error, and false says none started. */
  renegotiate(_options: unknown, callback?: (err: Error | null) => void): boolean {
    const err = new UsageError("renegotiate: fipstls does not renegotiate (TLS 1.3 has no renegotiation; use updateKeys() for new keys)");
    if (callback) process.nextTick(() => callback(err));
    return false;
  }

  /** node:tls sets SNI on a socket it has not started; fipstls starts the handshake in connect(): pass servername there. */
  setServername(_name: string): never {
    throw new UsageError("setServername: fipstls starts the handshake in connect(), so the name must be given there: connect({ servername })");
  }

  /** node:tls sets a session on a socket it has not started; fipstls starts the handshake in connect(): pass session there. */
  setSession(_session: Uint8Array): never {
    throw new UsageError("setSession: fipstls starts the handshake in connect(), so the session must be given there: connect({ session })");
  }

  /** node:tls swaps a server socket's certificate before its handshake; fipstls picks it per connection by SNI. */
  setKeyCert(_context: unknown): never {
    throw new UsageError("setKeyCert: fipstls chooses the certificate per connection: use SNICallback, addContext() or setSecureContext() on the server");
  }

  /** There is no OpenSSL underneath to trace. */
  enableTrace(): never {
    throw new UsageError("enableTrace: fipstls has no OpenSSL trace; audit() reports what was negotiated and 'keylog' gives the secrets for Wireshark");
  }

  /**
   * The signature schemes both sides enable, in OpenSSL's names as node:tls gives them ("ECDSA+SHA256",
   * "RSA-PSS+SHA256", "RSA+SHA256", "Ed25519+UNDEF"): ours for handshake signatures in the negotiated
   * version that the peer's signature_algorithms also lists. Order as OpenSSL's: a server's by its own
   * preference (by the client's with honorCipherOrder: false), a client's by the server's. A client
   * has a list only when the server asked for a certificate; [] before the handshake.
   */
  getSharedSigalgs(): string[] {
    const info = this.tlsInfo;
    const config = this.connection?.config;
    if (!info || !config) return [];
    const peer = [...new Set(info.peerSignatureSchemes ?? [])];
    const ours = config.signatureSchemes.filter((s) => s.versions.includes(info.version) && (s.handshake || info.version === "TLSv1.2"));
    const oursFirst = config.side === "server" && config.cipherSuiteOrder === "server";
    const shared = oursFirst ? ours.filter((s) => peer.includes(s.id)) : peer.flatMap((id) => ours.filter((s) => s.id === id));
    return shared.map(opensslSigalgName);
  }

  /** Client side: the latest resumable session (as the 'session' event gave it), for a later connect({ session }). */
  getSession(): Buffer | undefined {
    const session = this.connection?.session;
    return session ? Buffer.from(session) : undefined;
  }

  /** Client side: the ticket of the latest session, if the server issued one. */
  getTLSTicket(): Buffer | undefined {
    const session = this.connection?.session;
    return session ? ticketOf(session) : undefined;
  }

  /** The verify_data of the latest Finished we sent, as node:tls gives it (tls-unique channel bindings). */
  getFinished(): Buffer | undefined {
    const sent = this.connection?.finishedMessages.sent;
    return sent ? Buffer.from(sent) : undefined;
  }

  /** The verify_data of the latest Finished the peer sent. */
  getPeerFinished(): Buffer | undefined {
    const received = this.connection?.finishedMessages.received;
    return received ? Buffer.from(received) : undefined;
  }

  /** As node:tls: records carry at most `size` plaintext bytes (512 to 16384); false, and no change, outside that range. */
  setMaxSendFragment(size: number): boolean {
    if (!Number.isInteger(size) || size < 512 || size > 16384) return false;
    this.maxSendFragment = size;
    this.connection?.setMaxFragment(size);
    return true;
  }

  /** Whether the handshake resumed an earlier session (then no certificate was exchanged on this connection). */
  isSessionReused(): boolean {
    return this.tlsInfo?.resumed ?? false;
  }

  /**
   * RFC 8446 7.5 exporter. Unlike node:tls this is asynchronous (the provider's HKDF is), so it
   * resolves to the Buffer; in TLS 1.3 an absent and an empty context are the same.
   */
  async exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Promise<Buffer> {
    checkExporterArguments(length, label, context);
    const conn = this.connection;
    if (!conn || !this.tlsInfo) throw new UsageError("exportKeyingMaterial: the handshake has not completed");
    const out = await conn.exportKeyingMaterial(label, context ?? new Uint8Array(0), length);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }

  /** Sends a KeyUpdate (asking the peer to update too, unless `requestPeer` is false). */
  updateKeys(requestPeer = true): Promise<void> {
    if (!this.connection) return Promise.reject(new UsageError("cannot update keys before the handshake"));
    return this.connection.updateKeys(requestPeer);
  }
}
