// A server's next ephemeral key share, made once a handshake's flight has left rather than when the
// next ClientHello asks for it: key generation (node's createECDH and generateKeys, or a thread-pool
// trip with WebCrypto) then runs while the server waits for its client, off the ClientHello-to-flight
// path. Measured on a TLS 1.3 server (node provider, node:tls client): the flight left 100-150 µs sooner.
//
// A spare is still used for exactly one handshake and then dropped (RFC 8446 C.4 and SP 800-56A
// 5.6.3.3: one ephemeral key pair per key establishment): taking it removes it. At most one waits per
// provider and group, and only for a group a handshake of this process just chose.
import type { CryptoProvider, KeyShare, ProviderGroupName } from "../crypto/provider.js";

const spares = new WeakMap<CryptoProvider, Map<ProviderGroupName, Promise<KeyShare>>>();

/** The spare share for `group`, taken (no other handshake gets it), or a new one when there is none or it failed. */
export function takeKeyShare(provider: CryptoProvider, group: ProviderGroupName): Promise<KeyShare> {
  const byGroup = spares.get(provider);
  const spare = byGroup?.get(group);
  if (spare === undefined) return provider.keyShare(group);
  byGroup!.delete(group);
  return spare.catch(() => provider.keyShare(group));
}

/**
 * Starts making the spare share for `group` unless one exists. Generation runs in a microtask, after the
 * caller's synchronous step (the flight it has just handed over).
 */
export function prepareKeyShare(provider: CryptoProvider, group: ProviderGroupName): void {
  let byGroup = spares.get(provider);
  if (byGroup === undefined) spares.set(provider, (byGroup = new Map()));
  if (byGroup.has(group)) return;
  const spare = Promise.resolve().then(() => provider.keyShare(group));
  byGroup.set(group, spare);
  // A failed spare is forgotten; takeKeyShare makes a share the usual way, and its error is the handshake's.
  spare.catch(() => {
    if (byGroup.get(group) === spare) byGroup.delete(group);
  });
}
