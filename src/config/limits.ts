// How much a peer may make a connection do. Every count here bounds work or memory that a peer can
// cause without an application-level reason: pre-authentication work (DESIGN.md rule 6) and floods
// of records that carry nothing.

export interface ConnectionLimits {
  /** Largest handshake message accepted (bytes). */
  readonly maxHandshakeMessageSize: number;
  /** Most records one handshake message may be split into. */
  readonly maxHandshakeFragments: number;
  /** Most records (of any type, CCS included) read before the handshake completes. */
  readonly maxHandshakeRecords: number;
  /** Longest certificate chain accepted from the peer. */
  readonly maxCertificates: number;
  /** Send a KeyUpdate after this many records under one key (0 = only at the AEAD limit). */
  readonly keyUpdateAfterRecords: number;
}

/**
 * Received bytes a transport lets wait in a connection before it stops reading its network: with an
 * asynchronous provider (WebCrypto) records are opened one by one while the network keeps delivering,
 * and without this bound everything delivered meanwhile would be decrypted into the reader's buffer.
 */
export const TRANSPORT_INPUT_BACKLOG = 64 * 1024;

export const DEFAULT_LIMITS: ConnectionLimits = {
  maxHandshakeMessageSize: 64 * 1024,
  // A ClientHello of 2 KiB (one with a post-quantum share) still fits when sent in 1-byte records.
  maxHandshakeFragments: 2048,
  // Two messages that size, plus CCS and alerts; far beyond what any real peer sends.
  maxHandshakeRecords: 4096,
  maxCertificates: 16,
  keyUpdateAfterRecords: 0,
};
