// Key-exchange groups: IANA code points, the versions each is valid for, and the checks TLS adds on
// top of the provider's agreement. Hybrid post-quantum groups are composed in hybrid.ts; the RFC 7919
// finite-field groups' primes and peer-value check are in ffdhe.ts.
import type { CryptoProvider, EcdhGroupName, GroupName, KeyShare } from "../crypto/provider.js";
import { NamedGroup } from "../msgs/enums.js";
import { PeerMisbehaved } from "../errors.js";
import type { TlsVersionName } from "./versions.js";
import { HYBRID_GROUPS, hybridClientShare, hybridServerShare, isHybrid, providerHasHybrid } from "./hybrid.js";
import { ffdhePublicValueProblem, isFfdhe } from "./ffdhe.js";
import { prepareKeyShare, takeKeyShare } from "./spare-shares.js";

/**
 * The ECDH groups serve TLS 1.2 (RFC 8422 ECDHE) and TLS 1.3; the hybrid ML-KEM groups TLS 1.3 only. The
 * FFDHE groups serve TLS 1.3 only: in TLS 1.2 they belong to the DHE suites (RFC 7919), which fipstls does
 * not implement, so a TLS 1.2 handshake never negotiates one.
 */
export const GROUP_VERSIONS: Readonly<Record<GroupName, readonly TlsVersionName[]>> = {
  secp256r1: ["TLSv1.2", "TLSv1.3"],
  secp384r1: ["TLSv1.2", "TLSv1.3"],
  secp521r1: ["TLSv1.2", "TLSv1.3"],
  x25519: ["TLSv1.2", "TLSv1.3"],
  x448: ["TLSv1.2", "TLSv1.3"],
  ffdhe2048: ["TLSv1.3"],
  ffdhe3072: ["TLSv1.3"],
  ffdhe4096: ["TLSv1.3"],
  ffdhe6144: ["TLSv1.3"],
  ffdhe8192: ["TLSv1.3"],
  X25519MLKEM768: ["TLSv1.3"],
  SecP256r1MLKEM768: ["TLSv1.3"],
  SecP384r1MLKEM1024: ["TLSv1.3"],
};

export const groupId = (g: GroupName): number => NamedGroup[g];

const GROUP_BY_ID = new Map<number, GroupName>(Object.entries(NamedGroup).map(([name, id]) => [id, name as GroupName]));

/** Every session a server resumes names its group: a lookup, not a walk of the registry. */
export function groupName(id: number): GroupName | undefined {
  return GROUP_BY_ID.get(id);
}

/** The ECDH group with code point `id` (undefined for hybrids, finite-field groups and unknown ones). */
export function ecdhGroupName(id: number): EcdhGroupName | undefined {
  const name = groupName(id);
  return name === undefined || isHybrid(name) || isFfdhe(name) ? undefined : name;
}

export const groupServesVersion = (g: GroupName, v: TlsVersionName): boolean => GROUP_VERSIONS[g].includes(v);

/** Whether the provider runs the group: an ECDH group it lists, or a hybrid whose two parts it runs. */
export const providerHasGroup = (p: CryptoProvider, g: GroupName): boolean => (isHybrid(g) ? providerHasHybrid(p, g) : p.supports.groups.includes(g));

const PUBLIC_LENGTH: Record<EcdhGroupName, number> = { secp256r1: 65, secp384r1: 97, secp521r1: 133, x25519: 32, x448: 56 };

/** Agrees on a shared secret with the peer's share, mapping every bad share to illegal_parameter. */
export async function agree(share: KeyShare, peerPublic: Uint8Array): Promise<Uint8Array> {
  if (isHybrid(share.group)) return share.agree(peerPublic);
  if (isFfdhe(share.group)) {
    // RFC 8446 4.2.8.1: exactly the prime's length, and 1 < Y < p-1 (OpenSSL also answers a share of
    // another length with illegal_parameter).
    const problem = ffdhePublicValueProblem(share.group, peerPublic);
    if (problem !== null) throw new PeerMisbehaved("InvalidKeyShare", "illegal_parameter", problem);
  } else {
    // RFC 8446 4.2.8.2: NIST points must be uncompressed (0x04 || X || Y) of the right length; X25519 and
    // X448 values are 32 and 56 bytes (RFC 7748).
    const expected = PUBLIC_LENGTH[share.group];
    const montgomery = share.group === "x25519" || share.group === "x448";
    if (peerPublic.length !== expected || (!montgomery && peerPublic[0] !== 4)) {
      throw new PeerMisbehaved("InvalidKeyShare", "illegal_parameter", `${share.group} share of ${peerPublic.length} bytes`);
    }
  }
  let secret: Uint8Array;
  try {
    secret = await share.agree(peerPublic);
  } catch {
    throw new PeerMisbehaved("InvalidKeyShare", "illegal_parameter", `${share.group} share is not a valid public key`);
  }
  // RFC 8446 7.4.2, RFC 7748 6: an all-zero X25519 or X448 result means a small-order point.
  if (secret.every((b) => b === 0)) throw new PeerMisbehaved("InvalidKeyShare", "illegal_parameter", "all-zero shared secret");
  return secret;
}

/** A fresh share of ours for `group`, as a client offers it or a TLS 1.2 side sends it: the spare one made ahead, if any (spare-shares.ts). */
export function newKeyShare(provider: CryptoProvider, group: GroupName): Promise<KeyShare> {
  return isHybrid(group) ? hybridClientShare(provider, group, agree) : takeKeyShare(provider, group);
}

/**
 * A TLS 1.3 server's answer to the client's share: our share for the ServerHello and the shared secret,
 * whose agreement is started, not awaited (it rejects with illegal_parameter for a bad client share).
 */
export async function startServerShare(provider: CryptoProvider, group: GroupName, clientShare: Uint8Array): Promise<{ publicKey: Uint8Array; sharedSecret: Promise<Uint8Array> }> {
  if (isHybrid(group)) {
    const hybrid = await hybridServerShare(provider, group, clientShare, agree);
    return { publicKey: hybrid.publicKey, sharedSecret: Promise.resolve(hybrid.sharedSecret) };
  }
  const share = await takeKeyShare(provider, group);
  const sharedSecret = agree(share, clientShare);
  // Awaited by the caller once what needs no secret is under way.
  sharedSecret.catch(() => undefined);
  return { publicKey: share.publicKey, sharedSecret };
}

/**
 * A flight has left: the next handshake's shares for `groups` are made while this one waits for its
 * peer (suites/spare-shares.ts). None for the hybrid groups: a server's answers the client's
 * encapsulation key, and a client's is made with its hello.
 */
export function prepareKeyShares(provider: CryptoProvider, groups: readonly GroupName[]): void {
  for (const g of groups) if (!isHybrid(g)) prepareKeyShare(provider, g);
}

/** Whether a TLS 1.2 handshake may use the group (RFC 8422 ECDHE): not the hybrids, not the FFDHE groups. */
export const servesTls12 = (g: GroupName): boolean => GROUP_VERSIONS[g].includes("TLSv1.2");

export { HYBRID_GROUPS, isFfdhe, isHybrid };
