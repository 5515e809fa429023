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
import { type OcspGood, mustStaple, verifyOcspResponse } from "../verify/ocsp.js";
import type { SessionState } from "../session/session.js";

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
): Promise<OcspGood | null> {
  if (mode === null || path === null || path.length < 2) return null;
  if (staple === null) {
    const leaf = path[0]!;
    // RFC 7633 4.2.3: a must-staple certificate without its staple is refused, whatever we prefer.
    const why = mode === "require" ? 'revocation.staple is "require"' : mustStaple(leaf) ? "the certificate's TLS Feature extension demands one (must-staple)" : null;
    if (why !== null) throw fail("OcspStapleMissing", `the server stapled no OCSP response (${why})`, { cert: leaf, position: 0 });
    return null;
  }
  return verifyOcspResponse({
    response: staple,
    path,
    time: config.now(),
    provider: config.provider,
    policy: config.verificationPolicy,
    clockSkew: config.stapleClockSkew,
  });
}

// Appended to a session's verifiedUnder when a staple proved the leaf good in its full handshake.
const STAPLED = "+ocsp";

type Mark = Pick<SessionState, "verifiedUntil" | "verifiedUnder">;

/** A session's verification mark, noting a staple that proved the leaf good; it lasts until the staple's nextUpdate. */
export function markStapled(mark: Mark, good: OcspGood | null): Mark {
  if (good === null || mark.verifiedUnder === "") return mark;
  const until = good.nextUpdate === undefined ? mark.verifiedUntil : Math.min(mark.verifiedUntil, good.nextUpdate.getTime());
  return { verifiedUntil: until, verifiedUnder: mark.verifiedUnder + STAPLED };
}

/**
 * How a session's mark reads for resumption: the policy its chain was verified under, and whether a
 * staple still vouches for it. Resuming sends no certificate and no staple, so under
 * revocation.staple "require" only sessions whose staple is still current are offered.
 */
export function readMark(mark: Mark, now: number): { policy: string; stapled: boolean } {
  const stapled = mark.verifiedUnder.endsWith(STAPLED);
  return { policy: stapled ? mark.verifiedUnder.slice(0, -STAPLED.length) : mark.verifiedUnder, stapled: stapled && now < mark.verifiedUntil };
}

/** Server side: the response to staple for this ClientHello, or null (not asked for, or none to give). */
export async function stapleFor(config: ServerConfig, ch: ClientHello, serverName: string | null): Promise<Uint8Array | null> {
  const data = ch.extensions.get(ExtensionType.StatusRequest);
  if (config.stapler === null || data === undefined || !decodeStatusRequest(data)) return null;
  return config.stapler(serverName);
}
