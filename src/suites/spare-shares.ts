// The next ephemeral key share, made while the handshake that used the last one waits for its peer
// rather than when the next hello needs it: key generation (node's createECDH and generateKeys, or a
// thread-pool trip with WebCrypto) leaves the critical path. A server makes its next share for a group
// once a flight with that group has left; a client, the shares its config's next ClientHello offers
// once this one has left. Measured (paired, against node:tls): a server's flight left 40-170 µs sooner
// (node provider); a WebCrypto client's handshake took 50-180 µs less.
//
// A spare is still used for exactly one handshake and then dropped (RFC 8446 C.4 and SP 800-56A
// 5.6.3.3: one ephemeral key pair per key establishment): taking it removes it. At most one waits per
// provider and group, and only for a group this process has just used.
import type { CryptoProvider, KeyShare, ProviderGroupName } from "../crypto/provider.js";

/** A share made ahead, and whether the provider attested FIPS mode when it was made. */
interface Spare {
  readonly share: Promise<KeyShare>;
  readonly fipsMode: boolean;
}

const spares = new WeakMap<CryptoProvider, Map<ProviderGroupName, Spare>>();

/**
 * The spare share for `group`, taken (no other handshake gets it), or a new one when there is none, it
 * failed, or FIPS mode changed since it was made (node:crypto's can be switched at run time: a key made
 * outside the module is not used inside it).
 */
export function takeKeyShare(provider: CryptoProvider, group: ProviderGroupName): Promise<KeyShare> {
  const byGroup = spares.get(provider);
  const spare = byGroup?.get(group);
  if (spare === undefined) return provider.keyShare(group);
  byGroup!.delete(group);
  if (spare.fipsMode !== provider.fips().enforced) return provider.keyShare(group);
  return spare.share.catch(() => provider.keyShare(group));
}

/**
 * Starts making the spare share for `group` unless one exists. Generation runs in a microtask, after the
 * caller's synchronous step (the flight it has just handed over).
 */
export function prepareKeyShare(provider: CryptoProvider, group: ProviderGroupName): void {
  let byGroup = spares.get(provider);
  if (byGroup === undefined) spares.set(provider, (byGroup = new Map()));
  if (byGroup.has(group)) return;
  const share = Promise.resolve().then(() => provider.keyShare(group));
  const spare: Spare = { share, fipsMode: provider.fips().enforced };
  byGroup.set(group, spare);
  // A failed spare is forgotten; takeKeyShare makes a share the usual way, and its error is the handshake's.
  share.catch(() => {
    if (byGroup.get(group) === spare) byGroup.delete(group);
  });
}
