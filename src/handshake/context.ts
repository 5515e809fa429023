// What a handshake needs from its connection, and what it hands back. Keeping this narrow and
// version-neutral lets the TLS 1.3 (and later TLS 1.2) handshakes read as plain sequential functions,
// and lets what follows the handshake (KeyUpdate, tickets, exporters) live with its version.
import type { CryptoProvider } from "../crypto/provider.js";
import type { ConnectionLimits } from "../config/limits.js";
import type { HandshakeMessage } from "../msgs/handshake.js";
import type { InARowGuard } from "../record/in-a-row-guard.js";
import type { RecordProtection } from "../record/protection.js";
import type { SessionState } from "../session/session.js";
import type { KeyLogLabel } from "./key-log.js";
import type { NegotiatedInfo, TlsVersionName } from "./info.js";

/** Key changes both during and after the handshake. */
export interface ProtectionInstaller {
  /**
   * Records read from the next one on are opened with `protection`. A key change must fall on a record
   * boundary (RFC 8446 5.1): rejects with KeyChangeNotAtRecordBoundary when `after` did not end its record.
   */
  installReadProtection(protection: Promise<RecordProtection>, after: string): Promise<void>;
  /** Records sealed from now on use `protection`. */
  installWriteProtection(protection: Promise<RecordProtection>): void;
}

export interface HandshakeContext extends ProtectionInstaller {
  readonly provider: CryptoProvider;
  readonly limits: ConnectionLimits;
  readMessage(): Promise<HandshakeMessage>;
  expect(type: number): Promise<HandshakeMessage>;
  /**
   * Our flight is complete: it leaves once its records are sealed, at once when the write protection
   * seals synchronously. (Waiting for the peer with readMessage() or expect() ends a flight too.)
   */
  endFlight(): void;
  /** Settles (never rejects) once what was queued so far, the flight ended last included, was handed to the transport. */
  flightSent(): Promise<void>;
  /** Sends a framed handshake message under the current write protection. */
  send(raw: Uint8Array): void;
  sendChangeCipherSpec(): void;
  /** The peer's record_size_limit (RFC 8449): our records carry no more than it allows from now on. */
  limitRecordSize(peerLimit: number, version: TlsVersionName): void;
  /** The hellos chose `version`: in TLS 1.2 ChangeCipherSpec becomes a message read by readChangeCipherSpec(). */
  negotiated(version: TlsVersionName): void;
  /** TLS 1.2: reads the peer's ChangeCipherSpec, then opens the records after it with `protection`. */
  readChangeCipherSpec(protection: Promise<RecordProtection>): Promise<void>;
  /**
   * The server declined the client's early data (RFC 8446 4.2.10): records that cannot be read are
   * skipped, up to a bound; after a HelloRetryRequest, every encrypted record until the second ClientHello.
   */
  skipRejectedEarlyData(afterRetry: boolean): void;
  /**
   * The peer's records will be opened with `protection` once its current flight has been read (the
   * installReadProtection to come): an asynchronous provider may start opening the records after the one
   * being read under it. Only a hint: installReadProtection still decides where the key changes.
   */
  expectReadProtection(protection: Promise<RecordProtection>): void;
  /** Hands a secret to key logging, if the application turned it on; otherwise does nothing. */
  logKey(label: KeyLogLabel, clientRandom: Uint8Array, secret: Uint8Array): void;
}

/** What the traffic after a handshake may ask of its connection. */
export interface TrafficHost extends ProtectionInstaller {
  /** Sends one record under the current write protection; settles once it is handed to the transport. */
  sendRecord(type: number, content: Uint8Array): Promise<void>;
  readonly inARow: InARowGuard;
  /** True once we sent close_notify: no more records of ours may follow. */
  readonly writeClosed: boolean;
  /** Client side: a session a post-handshake message established (a TLS 1.3 NewSessionTicket). */
  keepSession(session: SessionState): void;
  /** Ends the connection with an error found off the read path (internal_error unless it is a TlsError). */
  fail(error: Error): void;
}

/** The per-version state after the handshake: post-handshake messages, key updates, exporters. */
export interface Traffic {
  /** A handshake message received after the handshake. */
  onMessage(msg: HandshakeMessage): Promise<void>;
  /** Replaces our write key (updateKeys(), key usage limits); settles once the announcement is transmitted. */
  updateWriteKey(requestPeer: boolean): Promise<void>;
  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Promise<Uint8Array>;
}

export interface HandshakeResult {
  readonly info: NegotiatedInfo;
  /** Binds the post-handshake state to its connection. */
  readonly traffic: (host: TrafficHost) => Traffic;
  /** Client side: a session the handshake established (TLS 1.2), for the application to keep. */
  readonly session: SessionState | null;
  /** Client side: the session a resumed handshake runs on, when it brought no new one (getSession() returns it, as node:tls's does). */
  readonly resumedSession?: SessionState;
}
