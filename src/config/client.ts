// ClientConfig: what a client offers and how it checks the server.
import type { GroupName, SigningKey } from "../crypto/provider.js";
import { ConfigError } from "../errors.js";
import { isFfdhe, isHybrid } from "../suites/groups.js";
import { type CommonConfig, type CommonOptions, buildCommon } from "./common.js";
import { type TrustAnchors, type TrustStore, toTrustStore } from "../verify/trust.js";
import { type CredentialOptions, loadCredentials } from "./credentials.js";
import { type SessionState, decodeSession } from "../session/session.js";
import type { RevocationOptions } from "../verify/revocation.js";
import { DEFAULT_OCSP_CLOCK_SKEW } from "../verify/ocsp.js";

/** The CRL options of every side, and what a client makes of OCSP stapling. */
export interface ClientRevocationOptions extends RevocationOptions {
  /**
   * Ask the server to staple an OCSP response for its certificate (status_request) and verify it
   * after the chain: "prefer" accepts a server that staples nothing, "require" refuses it
   * (OcspStapleMissing). Either way a stapled response that is bad, revoked or unknown fails.
   */
  readonly staple?: "require" | "prefer";
  /** Seconds a staple's thisUpdate may be ahead of our clock; default 300. */
  readonly stapleClockSkew?: number;
}

export interface ClientOptions extends CommonOptions, Partial<CredentialOptions> {
  /** The name to verify and send as SNI. IP literals are verified but not sent as SNI. */
  serverName?: string;
  /**
   * Trust anchors: PEM text (one or many blocks), DER, or a TrustStore (e.g. mozillaTrustStore() from
   * fipstls/roots). Required unless verification is disabled.
   */
  roots?: TrustAnchors;
  /**
   * Groups to send key shares for in the first ClientHello; default: the first of `groups`, and when
   * that is a hybrid post-quantum group also the first classical one, so that a server without
   * ML-KEM needs no HelloRetryRequest (as browsers send X25519MLKEM768 beside X25519). The FFDHE
   * groups, whose shares are slow to make and large, get a share by default only when `groups` has
   * nothing else; otherwise a server that wants one asks with a HelloRetryRequest.
   */
  keyShareGroups?: readonly GroupName[];
  /**
   * Accept any server certificate. This removes server authentication entirely: anyone on the
   * path can read and change the traffic. For tests against throwaway servers only.
   */
  dangerouslyDisableCertificateVerification?: boolean;
  /**
   * A session from an earlier connection to the same server (the bytes an `onSession` callback or the
   * node API's `session` event gave), offered for resumption. It is offered only while it is current,
   * for the same serverName, and with a suite and version this config still enables.
   */
  session?: Uint8Array;
  /** CRL checking (see CommonOptions) and OCSP stapling (`staple`). */
  revocation?: ClientRevocationOptions;
  /**
   * Ask for a stapled OCSP response and report it (HandshakeInfo.ocspResponse) without judging it, as
   * node:tls's requestOCSP does; `revocation.staple` asks too, and verifies it.
   */
  requestOcsp?: boolean;
}

export interface ClientConfig extends CommonConfig {
  readonly side: "client";
  readonly serverName: string | undefined;
  readonly roots: TrustStore;
  readonly keyShareGroups: readonly GroupName[];
  readonly verifyCertificates: boolean;
  readonly certificateChain: readonly Uint8Array[];
  readonly signingKey: SigningKey | null;
  readonly session: SessionState | null;
  /** Send status_request: `staple` is set or requestOcsp was asked for. */
  readonly requestOcsp: boolean;
  /** How a stapled OCSP response is judged; null: not at all (only reported). */
  readonly staple: "require" | "prefer" | null;
  /** Seconds of clock skew allowed on a staple's thisUpdate. */
  readonly stapleClockSkew: number;
}

export async function buildClientConfig(o: ClientOptions): Promise<ClientConfig> {
  const common = buildCommon(o);
  // Elliptic-curve and hybrid groups first: an FFDHE group leads only when nothing else is offered.
  const first = common.groups.find((g) => !isFfdhe(g)) ?? common.groups[0]!;
  const classical = common.groups.find((g) => !isHybrid(g) && !isFfdhe(g));
  const keyShareGroups = o.keyShareGroups ?? (isHybrid(first) && classical !== undefined ? [first, classical] : [first]);
  for (const g of keyShareGroups) {
    if (!common.groups.includes(g)) throw new ConfigError(`key share group ${g} is not among the offered groups`, g);
  }
  const verify = o.dangerouslyDisableCertificateVerification !== true;
  const roots = toTrustStore(o.roots ?? []);
  if (verify && roots.anchors.length === 0) {
    throw new ConfigError("no trust anchors: pass `roots` (PEM or DER), or opt out explicitly with dangerouslyDisableCertificateVerification", "roots");
  }
  if (o.serverName !== undefined && (o.serverName.length === 0 || o.serverName.length > 253)) {
    throw new ConfigError(`invalid serverName "${o.serverName}"`, "serverName");
  }
  if (verify && o.serverName === undefined) {
    throw new ConfigError("serverName is required to verify the server's certificate", "serverName");
  }
  let session: SessionState | null = null;
  if (o.session !== undefined) {
    try {
      session = decodeSession(o.session);
    } catch (e) {
      throw new ConfigError(`session is not a fipstls session: ${(e as Error).message}`, "session");
    }
  }
  const staple = o.revocation?.staple ?? null;
  if (staple !== null && staple !== "require" && staple !== "prefer") {
    throw new ConfigError(`revocation.staple must be "require" or "prefer", not ${JSON.stringify(staple)}`, "revocation.staple");
  }
  const stapleClockSkew = o.revocation?.stapleClockSkew ?? DEFAULT_OCSP_CLOCK_SKEW;
  if (typeof stapleClockSkew !== "number" || !Number.isFinite(stapleClockSkew) || stapleClockSkew < 0 || stapleClockSkew > 86400) {
    throw new ConfigError(`revocation.stapleClockSkew must be a number of seconds from 0 to 86400, not ${stapleClockSkew}`, "revocation.stapleClockSkew");
  }
  if (staple !== null && !verify) {
    throw new ConfigError("revocation.staple needs certificate verification: a staple is checked against the verified chain", "revocation.staple");
  }
  const creds = o.certificateChain !== undefined || o.privateKey !== undefined || o.pkcs12 !== undefined ? await loadCredentials(o as CredentialOptions, common) : null;
  return {
    ...common,
    side: "client",
    serverName: o.serverName,
    roots,
    keyShareGroups,
    verifyCertificates: verify,
    certificateChain: creds?.chain ?? [],
    signingKey: creds?.key ?? null,
    session,
    requestOcsp: staple !== null || o.requestOcsp === true,
    staple,
    stapleClockSkew,
  };
}
