// What a handshake negotiated, as the application and audit reports see it.
import type { GroupName } from "../crypto/provider.js";
import type { CipherSuiteName, SignatureSchemeName } from "../msgs/enums.js";
import type { TlsVersionName } from "../suites/versions.js";

export type { TlsVersionName };

export interface NegotiatedInfo {
  readonly version: TlsVersionName;
  readonly cipherSuite: CipherSuiteName;
  readonly group: GroupName;
  /** The scheme of the peer's CertificateVerify (client side) or of ours (server side). */
  readonly signatureScheme: SignatureSchemeName;
  readonly alpnProtocol: string | null;
  readonly serverName: string | null;
  /** DER certificates the peer presented, leaf first. */
  readonly peerCertificates: readonly Uint8Array[];
  /**
   * Client side, full handshakes with verification on: the path verification built, leaf to trust
   * anchor (the anchor from our store even when the peer did not send it).
   */
  readonly verifiedPath?: readonly Uint8Array[];
  /**
   * Client side, when we asked for one (requestOcsp or revocation.staple): the DER OCSP response the
   * server stapled for its leaf; absent when it stapled none or the handshake resumed.
   */
  readonly ocspResponse?: Uint8Array;
  readonly helloRetryRequest: boolean;
  /**
   * The handshake resumed an earlier session. `group`, `signatureScheme` and `peerCertificates` are then
   * those of the full handshake that established it, except a TLS 1.3 PSK with (EC)DHE, which has its own group.
   */
  readonly resumed: boolean;
  readonly provider: string;
  /** Whether the connection's secrets went to key logging (keyLog, a 'keylog' listener). */
  readonly keyLogged?: boolean;
  /**
   * The signature_algorithms code points the peer sent, in its order: the server reads them from the
   * ClientHello, the client from a CertificateRequest (none without one). getSharedSigalgs() uses them.
   */
  readonly peerSignatureSchemes?: readonly number[];
  /** TLS 1.2 only: whether the master secret is the Extended Master Secret (RFC 7627). */
  readonly extendedMasterSecret?: boolean;
}
