// What a handshake needs from its connection, and what it hands back. Keeping this narrow lets the
// TLS 1.3 (and later TLS 1.2) handshakes read as plain sequential functions over a connection.
import type { CryptoProvider } from "../crypto/provider.js";
import type { HandshakeMessage } from "../msgs/handshake.js";
import type { KeySchedule } from "../tls13/key-schedule.js";
import type { Tls13Suite } from "../tls13/suites.js";
import type { ConnectionLimits } from "./connection.js";
import type { NegotiatedInfo } from "./info.js";

export interface HandshakeContext {
  readonly provider: CryptoProvider;
  readonly limits: ConnectionLimits;
  readMessage(): Promise<HandshakeMessage>;
  expect(type: number): Promise<HandshakeMessage>;
  /** Sends a framed handshake message under the current write keys. */
  send(raw: Uint8Array): void;
  sendChangeCipherSpec(): void;
  installReadKeys(schedule: KeySchedule, secret: Uint8Array): Promise<void>;
  installWriteKeys(schedule: KeySchedule, secret: Uint8Array): void;
}

export interface TrafficState {
  readonly schedule: KeySchedule;
  readonly suite: Tls13Suite;
  readSecret: Uint8Array;
  writeSecret: Uint8Array;
  readonly exporterMasterSecret: Uint8Array;
}

export interface HandshakeResult {
  readonly info: NegotiatedInfo;
  readonly traffic: TrafficState;
}
