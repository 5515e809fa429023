// Key-exchange groups: IANA code points, the versions each is valid for, and the checks TLS adds on
// top of the provider's agreement.
import type { CryptoProvider, GroupName, KeyShare } from "../crypto/provider.js";
import { NamedGroup } from "../msgs/enums.js";
import { PeerMisbehaved } from "../errors.js";
import type { TlsVersionName } from "./versions.js";

/** Every group here is valid for TLS 1.2 (RFC 8422 ECDHE) and TLS 1.3. */
export const GROUP_VERSIONS: Readonly<Record<GroupName, readonly TlsVersionName[]>> = {
  secp256r1: ["TLSv1.2", "TLSv1.3"],
  secp384r1: ["TLSv1.2", "TLSv1.3"],
  secp521r1: ["TLSv1.2", "TLSv1.3"],
  x25519: ["TLSv1.2", "TLSv1.3"],
};

export const groupId = (g: GroupName): number => NamedGroup[g];

export function groupName(id: number): GroupName | undefined {
  for (const [name, value] of Object.entries(NamedGroup)) if (value === id) return name as GroupName;
  return undefined;
}

const PUBLIC_LENGTH: Record<GroupName, number> = { secp256r1: 65, secp384r1: 97, secp521r1: 133, x25519: 32 };

/** Agrees on a shared secret with the peer's share, mapping every bad share to illegal_parameter. */
export async function agree(share: KeyShare, peerPublic: Uint8Array): Promise<Uint8Array> {
  // RFC 8446 4.2.8.2: NIST points must be uncompressed (0x04 || X || Y) of the right length.
  const expected = PUBLIC_LENGTH[share.group];
  if (peerPublic.length !== expected || (share.group !== "x25519" && peerPublic[0] !== 4)) {
    throw new PeerMisbehaved("InvalidKeyShare", "illegal_parameter", `${share.group} share of ${peerPublic.length} bytes`);
  }
  let secret: Uint8Array;
  try {
    secret = await share.agree(peerPublic);
  } catch {
    throw new PeerMisbehaved("InvalidKeyShare", "illegal_parameter", `${share.group} share is not a valid public key`);
  }
  // RFC 8446 7.4.2: an all-zero X25519 result means a small-order point.
  if (secret.every((b) => b === 0)) throw new PeerMisbehaved("InvalidKeyShare", "illegal_parameter", "all-zero shared secret");
  return secret;
}

export function newKeyShare(provider: CryptoProvider, group: GroupName): Promise<KeyShare> {
  return provider.keyShare(group);
}
