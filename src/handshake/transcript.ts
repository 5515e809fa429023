// The handshake transcript of either version, kept as bytes: WebCrypto has no incremental hash, so each
// Transcript-Hash is a hash over the concatenation so far (bounded by the handshake size limits).
import type { CryptoProvider, HashAlgorithm } from "../crypto/provider.js";
import { concat } from "../codec/bytes.js";
import { HandshakeType } from "../msgs/enums.js";
import { frameHandshake } from "../msgs/handshake.js";

export class Transcript {
  private parts: Uint8Array[] = [];
  private hashAlg?: HashAlgorithm;

  constructor(private readonly provider: CryptoProvider) {}

  add(rawMessage: Uint8Array): void {
    this.parts.push(rawMessage);
  }

  setHash(hash: HashAlgorithm): void {
    this.hashAlg = hash;
  }

  bytes(): Uint8Array {
    if (this.parts.length > 1) this.parts = [concat(...this.parts)];
    return this.parts[0] ?? new Uint8Array(0);
  }

  hash(): Promise<Uint8Array> {
    if (!this.hashAlg) throw new Error("transcript: hash not chosen yet");
    return this.provider.hash(this.hashAlg, this.bytes());
  }

  /** After a HelloRetryRequest, ClientHello1 is replaced by message_hash(Hash(ClientHello1)) (RFC 8446 4.4.1). */
  async replaceWithMessageHash(): Promise<void> {
    const digest = await this.hash();
    this.parts = [frameHandshake(HandshakeType.MessageHash, digest)];
  }
}
