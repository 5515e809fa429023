// OCSP stapling in the handshake. The server staples what its config gives when the client asks.
// The client's judgment of a stapled OCSP response (TLS 1.3 CertificateEntry status_request, TLS 1.2
// CertificateStatus), made once the chain is verified: the response is checked against the leaf's
// issuer on the verified path.
import type { ClientConfig } from "../config/client.js";
import type { ServerConfig } from "../config/server.js";
import { ExtensionType } from "../msgs/enums.js";
import type { ClientHello } from "../msgs/hello.js";
import { decodeStatusRequest } from "../msgs/status-request.js";
import type { Certificate } from "../verify/certificate.js";
import { fail } from "../verify/checks.js";
import { verifyOcspResponse } from "../verify/ocsp.js";

/**
 * Applies `revocation.staple` to what the server stapled (null: nothing). Without verification, or
 * for a leaf that is itself a trust anchor (no issuer to vouch for it, as with CRLs), there is nothing
 * to check the staple against.
 */
export async function checkStaple(
  config: ClientConfig,
  path: readonly Certificate[] | null,
  staple: Uint8Array | null,
  mode: ClientConfig["staple"] = config.staple,
): Promise<void> {
  if (mode === null || path === null || path.length < 2) return;
  if (staple === null) {
    if (mode === "require") throw fail("OcspStapleMissing", "the server stapled no OCSP response (revocation.staple is \"require\")", { cert: path[0]!, position: 0 });
    return;
  }
  await verifyOcspResponse({
    response: staple,
    path,
    time: config.now(),
    provider: config.provider,
    policy: config.verificationPolicy,
    clockSkew: config.stapleClockSkew,
  });
}

/** Server side: the response to staple for this ClientHello, or null (not asked for, or none to give). */
export async function stapleFor(config: ServerConfig, ch: ClientHello, serverName: string | null): Promise<Uint8Array | null> {
  const data = ch.extensions.get(ExtensionType.StatusRequest);
  if (config.stapler === null || data === undefined || !decodeStatusRequest(data)) return null;
  return config.stapler(serverName);
}
