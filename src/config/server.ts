// ServerConfig: the certificate we present and what we accept from clients.
import type { SigningKey } from "../crypto/provider.js";
import { type CommonConfig, type CommonOptions, buildCommon } from "./common.js";
import { type CredentialOptions, loadCredentials } from "./credentials.js";

export interface ServerOptions extends CommonOptions, CredentialOptions {
  /** Send HelloRetryRequest rather than accept a share for a group later in our preference list. */
  preferGroupOverShare?: boolean;
}

export interface ServerConfig extends CommonConfig {
  readonly side: "server";
  readonly certificateChain: readonly Uint8Array[];
  readonly signingKey: SigningKey;
  readonly preferGroupOverShare: boolean;
}

export async function buildServerConfig(o: ServerOptions): Promise<ServerConfig> {
  const common = buildCommon(o);
  const creds = await loadCredentials(o, common);
  return {
    ...common,
    side: "server",
    certificateChain: creds.chain,
    signingKey: creds.key,
    preferGroupOverShare: o.preferGroupOverShare ?? false,
  };
}
