// Shared assertions for the verifier suites: a call that passes, a call that fails with a named
// reason (and position), run against each provider.
import * as assert from "uvu/assert";
import type { CryptoProvider } from "../src/crypto/provider.js";
import { type CertificateErrorReason, InvalidCertificate } from "../src/errors.js";
import type { Certificate } from "../src/verify/certificate.js";
import { type ClientVerifyOptions, type ServerVerifyOptions, verifyClientCertificate, verifyServerCertificate } from "../src/verify/index.js";

export { PROVIDERS } from "./_providers.js";

export type ServerCase = Omit<ServerVerifyOptions, "provider" | "serverName"> & { serverName?: string };
export type ClientCase = Omit<ClientVerifyOptions, "provider">;

/** The error `p` rejects with; it must be an InvalidCertificate with `reason` (and `position`: null = none). */
export async function failsWith(p: Promise<unknown>, reason: CertificateErrorReason, position?: number | null): Promise<InvalidCertificate> {
  let result: unknown;
  try {
    result = await p;
  } catch (e) {
    if (!(e instanceof InvalidCertificate)) throw e;
    assert.is(e.reason, reason, e.message);
    if (position !== undefined) assert.is(e.position, position ?? undefined, `position: ${e.message}`);
    return e;
  }
  assert.unreachable(`expected InvalidCertificate(${reason}), got a path of ${(result as unknown[]).length}`);
  throw new Error("unreachable");
}

/** Binds verifyServerCertificate/verifyClientCertificate to a provider, with serverName defaulting to example.com. */
export function verifiers(provider: CryptoProvider) {
  const server = (o: ServerCase): Promise<Certificate[]> => verifyServerCertificate({ serverName: "example.com", provider, ...o });
  const client = (o: ClientCase): Promise<Certificate[]> => verifyClientCertificate({ provider, ...o });
  return {
    server,
    client,
    /** Passes, optionally with a path of `length`. */
    ok: async (o: ServerCase, length?: number): Promise<Certificate[]> => {
      const path = await server(o);
      if (length !== undefined) assert.is(path.length, length, path.map((c) => c.subject).join(" <- "));
      return path;
    },
    fails: (o: ServerCase, reason: CertificateErrorReason, position?: number | null) => failsWith(server(o), reason, position),
    clientFails: (o: ClientCase, reason: CertificateErrorReason, position?: number | null) => failsWith(client(o), reason, position),
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
