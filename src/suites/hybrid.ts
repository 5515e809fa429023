// Hybrid post-quantum key exchange for TLS 1.3 (draft-ietf-tls-ecdhe-mlkem): an ECDH share and an
// ML-KEM share side by side in one key_share, their shared secrets concatenated in the same order
// (SP 800-56Cr2's Z' = Z || T when the approved part comes first). The provider computes both parts;
// the core only lays them out as TLS does.
import type { CryptoProvider, EcdhGroupName, HybridGroupName, KemAlgorithm, KeyShare } from "../crypto/provider.js";
import { PeerMisbehaved } from "../errors.js";

interface HybridGroup {
  readonly ecdh: EcdhGroupName;
  readonly kem: KemAlgorithm;
  /** X25519MLKEM768 puts ML-KEM first; the SecP*r1 groups put ECDH first. */
  readonly kemFirst: boolean;
}

export const HYBRID_GROUPS: Readonly<Record<HybridGroupName, HybridGroup>> = {
  X25519MLKEM768: { ecdh: "x25519", kem: "ML-KEM-768", kemFirst: true },
  SecP256r1MLKEM768: { ecdh: "secp256r1", kem: "ML-KEM-768", kemFirst: false },
  SecP384r1MLKEM1024: { ecdh: "secp384r1", kem: "ML-KEM-1024", kemFirst: false },
};

export const isHybrid = (group: string): group is HybridGroupName => Object.hasOwn(HYBRID_GROUPS, group);

/** FIPS 203 sizes: encapsulation key and ciphertext. */
const KEM_SIZES: Readonly<Record<KemAlgorithm, { readonly key: number; readonly ciphertext: number }>> = {
  "ML-KEM-768": { key: 1184, ciphertext: 1088 },
  "ML-KEM-1024": { key: 1568, ciphertext: 1568 },
};
const ECDH_PUBLIC_LENGTH: Readonly<Record<EcdhGroupName, number>> = { secp256r1: 65, secp384r1: 97, secp521r1: 133, x25519: 32, x448: 56 };

/** Whether the provider runs both halves of `group`. */
export function providerHasHybrid(p: CryptoProvider, group: HybridGroupName): boolean {
  const h = HYBRID_GROUPS[group];
  return p.supports.groups.includes(h.ecdh) && (p.supports.kems ?? []).includes(h.kem) && typeof p.kemKeyPair === "function" && typeof p.encapsulate === "function";
}

/** The two parts of a peer's share, by the group's sizes; a share of any other length is illegal_parameter. */
function split(group: HybridGroupName, share: Uint8Array, kemLength: number): { ecdh: Uint8Array; kem: Uint8Array } {
  const h = HYBRID_GROUPS[group];
  const ecdhLength = ECDH_PUBLIC_LENGTH[h.ecdh];
  if (share.length !== ecdhLength + kemLength) throw new PeerMisbehaved("InvalidKeyShare", "illegal_parameter", `${group} share of ${share.length} bytes`);
  return h.kemFirst ? { kem: share.subarray(0, kemLength), ecdh: share.subarray(kemLength) } : { ecdh: share.subarray(0, ecdhLength), kem: share.subarray(ecdhLength) };
}

const joined = (h: HybridGroup, kem: Uint8Array, ecdh: Uint8Array): Uint8Array => {
  const [first, second] = h.kemFirst ? [kem, ecdh] : [ecdh, kem];
  const out = new Uint8Array(first.length + second.length);
  out.set(first);
  out.set(second, first.length);
  return out;
};

/** The client's share: a fresh ECDH share and ML-KEM key pair; agree() takes the server's share. */
export async function hybridClientShare(p: CryptoProvider, group: HybridGroupName, agreeEcdh: (share: KeyShare, peer: Uint8Array) => Promise<Uint8Array>): Promise<KeyShare> {
  const h = HYBRID_GROUPS[group];
  const [ecdh, kem] = await Promise.all([p.keyShare(h.ecdh), p.kemKeyPair!(h.kem)]);
  return {
    group,
    publicKey: joined(h, kem.encapsulationKey, ecdh.publicKey),
    async agree(serverShare: Uint8Array): Promise<Uint8Array> {
      const parts = split(group, serverShare, KEM_SIZES[h.kem].ciphertext);
      let kemSecret: Uint8Array;
      try {
        kemSecret = await kem.decapsulate(parts.kem);
      } catch {
        throw new PeerMisbehaved("InvalidKeyShare", "illegal_parameter", `${group}: the ML-KEM ciphertext does not decapsulate`);
      }
      return joined(h, kemSecret, await agreeEcdh(ecdh, parts.ecdh));
    },
  };
}

/** The server's answer to a client's share: its own ECDH share and an encapsulation to the client's key. */
export async function hybridServerShare(
  p: CryptoProvider,
  group: HybridGroupName,
  clientShare: Uint8Array,
  agreeEcdh: (share: KeyShare, peer: Uint8Array) => Promise<Uint8Array>,
): Promise<{ publicKey: Uint8Array; sharedSecret: Uint8Array }> {
  const h = HYBRID_GROUPS[group];
  const parts = split(group, clientShare, KEM_SIZES[h.kem].key);
  let encapsulated;
  try {
    encapsulated = await p.encapsulate!(h.kem, parts.kem);
  } catch {
    throw new PeerMisbehaved("InvalidKeyShare", "illegal_parameter", `${group}: not a valid ML-KEM encapsulation key (FIPS 203 7.2)`);
  }
  const ecdh = await p.keyShare(h.ecdh);
  const ecdhSecret = await agreeEcdh(ecdh, parts.ecdh);
  return { publicKey: joined(h, encapsulated.ciphertext, ecdh.publicKey), sharedSecret: joined(h, encapsulated.sharedSecret, ecdhSecret) };
}
