// fipstls: the runtime-agnostic core. Bring a CryptoProvider (fipstls/webcrypto or fipstls/node).
export type {
  Aead,
  AeadAlgorithm,
  CryptoProvider,
  CurveName,
  CmvpStatus,
  FipsFact,
  FipsStatus,
  GroupName,
  HashAlgorithm,
  KeyShare,
  ProviderSupport,
  SignatureAlgorithm,
  SigningKey,
  Pbkdf2Hash,
} from "./crypto/provider.js";
export { buildClientConfig, type ClientConfig, type ClientOptions, type ClientRevocationOptions } from "./config/client.js";
export { buildServerConfig, type ServerConfig, type ServerOptions } from "./config/server.js";
export type { OcspStapleRequest, OcspStapleSource } from "./config/ocsp-stapling.js";
export { ClientConnection } from "./conn/client.js";
export { ServerConnection } from "./conn/server.js";
export type { Connection, ConnectionCallbacks, ConnectionLimits, ConnectionState } from "./conn/connection.js";
export type { NegotiatedInfo, TlsVersionName } from "./handshake/info.js";
export {
  AlertReceived,
  ConfigError,
  DecodeError,
  FipstlsError,
  HandshakeTimeout,
  InvalidCertificate,
  KeyFileError,
  PeerIncompatible,
  PeerMisbehaved,
  TlsError,
  UsageError,
  type CertificateErrorReason,
  type KeyFileReason,
  type PeerIncompatibleReason,
  type PeerMisbehavedReason,
} from "./errors.js";
export { PEER_INCOMPATIBLE_REASONS, PEER_MISBEHAVED_REASONS } from "./error-reasons.js";
export type { CipherSuiteName, SignatureSchemeName } from "./msgs/enums.js";
export { decodePem, encodePem } from "./codec/pem.js";
export { TICKET_KEYS_LENGTH, TicketKeys } from "./session/ticket-keys.js";
export * from "./verify/index.js";
export type { TrustAnchors } from "./verify/trust.js";
export { accept, upgrade, type AcceptOptions, type ByteStreamPair, type TlsStreams, type UpgradeOptions } from "./transport/web/streams.js";
export {
  WebSocketBacklogExceeded,
  WebSocketClosed,
  WebSocketConnectFailed,
  WebSocketTransportError,
  connectWebSocket,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketTlsOptions,
} from "./transport/web/websocket.js";
