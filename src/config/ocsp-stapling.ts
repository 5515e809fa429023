// A server's OCSP staple: fixed bytes, or a callback that returns the current response (and so
// refreshes it) when a client asks for one.
import { ConfigError, InvalidCertificate } from "../errors.js";
import { parseOcspResponse } from "../verify/ocsp-response.js";

/** What a staple callback is told: our leaf, its issuer (the next certificate of our chain) and the SNI name. */
export interface OcspStapleRequest {
  readonly certificate: Uint8Array;
  readonly issuer: Uint8Array | null;
  readonly serverName: string | null;
}

/** Returns the DER OCSPResponse to staple now, or null/undefined to staple nothing this time. */
export type OcspStapleSource = (request: OcspStapleRequest) => Uint8Array | null | undefined | Promise<Uint8Array | null | undefined>;

export type Stapler = (serverName: string | null) => Promise<Uint8Array | null>;

// CertificateStatus carries the response in a 24-bit vector inside one handshake message.
const MAX_RESPONSE = (1 << 24) - 1;

/** The server config's stapler, or null without `ocspResponse`. Fixed bytes must parse as an OCSPResponse. */
export function buildStapler(source: Uint8Array | OcspStapleSource | undefined, chain: readonly Uint8Array[]): Stapler | null {
  if (source === undefined) return null;
  if (source instanceof Uint8Array) {
    const fixed = checked(source, "ocspResponse");
    return async () => fixed;
  }
  if (typeof source !== "function") throw new ConfigError("ocspResponse must be DER bytes or a function returning them", "ocspResponse");
  const request = { certificate: chain[0]!, issuer: chain[1] ?? null };
  return async (serverName) => {
    const r = await source({ ...request, serverName });
    return r === null || r === undefined ? null : checked(r, "the ocspResponse callback's result");
  };
}

function checked(der: unknown, what: string): Uint8Array {
  if (!(der instanceof Uint8Array) || der.length === 0 || der.length > MAX_RESPONSE) {
    throw new ConfigError(`${what} must be a non-empty DER OCSPResponse (Uint8Array)`, "ocspResponse");
  }
  try {
    parseOcspResponse(der);
  } catch (e) {
    // Stapling garbage would only make careful clients fail the handshake.
    throw new ConfigError(`${what}: ${e instanceof InvalidCertificate ? e.message : "not an OCSPResponse"}`, "ocspResponse");
  }
  return der.slice();
}
