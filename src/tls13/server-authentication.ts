// Authentication in a full TLS 1.3 server handshake: ours (CertificateRequest when we ask, Certificate,
// CertificateVerify, RFC 8446 4.4) and the client's certificate when we asked for one.
import type { ServerConfig } from "../config/server.js";
import { peerVerification } from "../config/common.js";
import type { HandshakeContext } from "../handshake/context.js";
import type { Transcript } from "../handshake/transcript.js";
import { PeerMisbehaved } from "../errors.js";
import { ExtensionType, HandshakeType } from "../msgs/enums.js";
import { encodeU16List } from "../msgs/extensions.js";
import { decodeCertificate, encodeCertificate, encodeCertificateRequest, encodeCertificateVerify, frameHandshake } from "../msgs/handshake.js";
import { encodeCertificateStatus } from "../msgs/status-request.js";
import type { SchemeInfo } from "../suites/signature-schemes.js";
import { verifyClientCertificate } from "../verify/verifier.js";
import { readCertificateVerify, signCertificateVerify } from "./certificate-verify.js";

export interface Authentication {
  /** CertificateRequest (when we ask) and Certificate, framed and already in the transcript. */
  readonly messages: readonly Uint8Array[];
  /** The CertificateVerify over the transcript through them, framed; for the caller to add to the transcript. */
  readonly certificateVerify: Promise<Uint8Array>;
}

/** A full handshake's CertificateRequest (when we ask) and Certificate, and its CertificateVerify started. */
export function startAuthentication(config: ServerConfig, scheme: SchemeInfo, transcript: Transcript, staple: Uint8Array | null): Authentication {
  const messages: Uint8Array[] = [];
  const record = (raw: Uint8Array): void => {
    messages.push(raw);
    transcript.add(raw);
  };
  if (config.clientAuth !== "none") {
    record(
      frameHandshake(
        HandshakeType.CertificateRequest,
        encodeCertificateRequest(new Uint8Array(0), [
          { type: ExtensionType.SignatureAlgorithms, data: encodeU16List(config.signatureSchemes.filter((x) => x.handshake).map((x) => x.id)) },
          { type: ExtensionType.SignatureAlgorithmsCert, data: encodeU16List(config.signatureSchemes.map((x) => x.id)) },
        ]),
      ),
    );
  }
  const leafExtensions = staple === null ? [] : [{ type: ExtensionType.StatusRequest, data: encodeCertificateStatus(staple) }];
  record(frameHandshake(HandshakeType.Certificate, encodeCertificate(new Uint8Array(0), config.certificateChain, leafExtensions)));
  const certificateVerify = transcript
    .hash()
    .then((hash) => signCertificateVerify(config.signingKey, scheme, "server", hash))
    .then((signature) => frameHandshake(HandshakeType.CertificateVerify, encodeCertificateVerify({ scheme: scheme.id, signature })));
  // Awaited once the handshake keys are known; a handshake that fails first must not leave it unhandled.
  certificateVerify.catch(() => undefined);
  return { messages, certificateVerify };
}

/** The client's certificate chain (empty without one), and its Finished's expected verify_data when known early. */
export interface ClientAuthentication {
  readonly chain: readonly Uint8Array[];
  readonly expectedFinished?: Promise<Uint8Array>;
}

/**
 * The client's Certificate and CertificateVerify after our CertificateRequest (RFC 8446 4.4.2, 4.4.3).
 * The CertificateVerify is checked while the chain is verified, and the client's Finished, which covers
 * it, computed while it is checked (with an asynchronous provider each is a wait of its own); errors
 * still come in sequence: the chain's, then the CertificateVerify's.
 */
export async function readClientCertificate(
  ctx: HandshakeContext,
  config: ServerConfig,
  transcript: Transcript,
  finishedOver: (transcriptHash: Promise<Uint8Array>) => Promise<Uint8Array>,
): Promise<ClientAuthentication> {
  const certMsg = await ctx.expect(HandshakeType.Certificate);
  const certificate = decodeCertificate(certMsg.body, ctx.limits.maxCertificates);
  if (certificate.context.length !== 0) throw new PeerMisbehaved("CertificateContextMismatch", "illegal_parameter");
  // RFC 8446 4.4.2: a client's entry extensions must answer our CertificateRequest, which asks for none.
  if (certificate.entries.some((e) => e.extensions.list.length > 0)) throw new PeerMisbehaved("UnsolicitedCertificateExtension", "unsupported_extension");
  transcript.add(certMsg.raw);
  const chain = certificate.entries.map((e) => e.data);
  if (chain.length === 0) {
    if (config.clientAuth === "required") throw new PeerMisbehaved("NoClientCertificate", "certificate_required");
    return { chain: [] };
  }
  const throughCertificate = transcript.hash();
  throughCertificate.catch(() => undefined);
  const verifying = verifyClientCertificate({ chain, roots: config.clientRoots, ...peerVerification(config) });
  const certificateVerify = readCertificateVerify(ctx, config.provider, config.signatureSchemes, "client", chain, transcript, throughCertificate, finishedOver);
  certificateVerify.catch(() => undefined);
  await verifying;
  return { chain, expectedFinished: (await certificateVerify).expectedFinished };
}
