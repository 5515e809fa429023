// ServerConfig: the certificate we present and what we accept from clients.
import type { SigningKey } from "../crypto/provider.js";
import { ConfigError } from "../errors.js";
import { type CommonConfig, type CommonOptions, buildCommon } from "./common.js";
import { type TrustAnchors, type TrustStore, toTrustStore } from "../verify/trust.js";
import { type CredentialOptions, loadCredentials } from "./credentials.js";

export interface ServerOptions extends CommonOptions, CredentialOptions {
  /** Send HelloRetryRequest rather than accept a share for a group later in our preference list. */
  preferGroupOverShare?: boolean;
  /**
   * Ask clients for a certificate: "optional" verifies one if sent, "required" also refuses clients
   * without one (certificate_required). Default: none.
   */
  clientAuth?: "none" | "optional" | "required";
  /** Trust anchors for client certificates (PEM text or DER); required when clientAuth is not "none". */
  clientRoots?: TrustAnchors;
}

export interface ServerConfig extends CommonConfig {
  readonly side: "server";
  readonly certificateChain: readonly Uint8Array[];
  readonly signingKey: SigningKey;
  readonly preferGroupOverShare: boolean;
  readonly clientAuth: "none" | "optional" | "required";
  readonly clientRoots: TrustStore;
}

export async function buildServerConfig(o: ServerOptions): Promise<ServerConfig> {
  const common = buildCommon(o);
  const creds = await loadCredentials(o, common);
  const clientAuth = o.clientAuth ?? "none";
  if (!["none", "optional", "required"].includes(clientAuth)) throw new ConfigError(`clientAuth must be none, optional or required, not ${clientAuth}`, "clientAuth");
  const clientRoots = toTrustStore(o.clientRoots ?? []);
  if (clientAuth !== "none" && clientRoots.anchors.length === 0) throw new ConfigError("clientAuth needs clientRoots to verify client certificates against", "clientRoots");
  return {
    ...common,
    side: "server",
    certificateChain: creds.chain,
    signingKey: creds.key,
    preferGroupOverShare: o.preferGroupOverShare ?? false,
    clientAuth,
    clientRoots,
  };
}
