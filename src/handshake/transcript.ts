// The handshake transcript of either version. Its bytes are kept (a TLS 1.2 CertificateVerify signs
// them, a PSK binder hashes a prefix); each Transcript-Hash comes from a hash fed message by message
// where the provider has one, or else (WebCrypto has no incremental hash) hashes the concatenation so
// far, bounded by the handshake size limits.
import type { CryptoProvider, HashAlgorithm, RunningHash } from "../crypto/provider.js";
import { concat } from "../codec/bytes.js";
import { HandshakeType } from "../msgs/enums.js";
import { frameHandshake } from "../msgs/handshake.js";

export class Transcript {
  private parts: Uint8Array[] = [];
  private hashAlg?: HashAlgorithm;
  private running: RunningHash | null = null;
  /**
   * The hash of the transcript as it is now, while no message is added: a TLS 1.3 client takes the hash
   * through the server's Finished twice (application secrets, its own Finished), and with WebCrypto
   * (no incremental hash) each one hashes the whole transcript on the thread pool.
   */
  private current: Promise<Uint8Array> | null = null;

  constructor(private readonly provider: CryptoProvider) {}

  add(rawMessage: Uint8Array): void {
    this.current = null;
    this.parts.push(rawMessage);
    this.running?.update(rawMessage);
  }

  setHash(hash: HashAlgorithm): void {
    this.current = null;
    this.hashAlg = hash;
    this.running = this.provider.runningHash?.(hash) ?? null;
    for (const part of this.parts) this.running?.update(part);
  }

  bytes(): Uint8Array {
    if (this.parts.length > 1) this.parts = [concat(...this.parts)];
    return this.parts[0] ?? new Uint8Array(0);
  }

  hash(): Promise<Uint8Array> {
    if (!this.hashAlg) throw new Error("transcript: hash not chosen yet");
    return (this.current ??= this.computeHash(this.hashAlg));
  }

  private computeHash(hash: HashAlgorithm): Promise<Uint8Array> {
    if (this.running) {
      try {
        return Promise.resolve(this.running.digest());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.provider.hash(hash, this.bytes());
  }

  /**
   * The Transcript-Hash of the transcript as it is now followed by `next`, computed later (once): the
   * server makes its tickets from the client's Finished it expects before that Finished arrives.
   */
  snapshot(): (next: Uint8Array) => Promise<Uint8Array> {
    if (!this.hashAlg) throw new Error("transcript: hash not chosen yet");
    const hash = this.hashAlg;
    const fork = this.running?.fork();
    if (fork) {
      return (next) => {
        fork.update(next);
        return Promise.resolve(fork.digest());
      };
    }
    const sofar = this.bytes();
    return (next) => this.provider.hash(hash, concat(sofar, next));
  }

  /** After a HelloRetryRequest, ClientHello1 is replaced by message_hash(Hash(ClientHello1)) (RFC 8446 4.4.1). */
  async replaceWithMessageHash(): Promise<void> {
    const digest = await this.hash();
    this.parts = [];
    if (this.hashAlg) this.setHash(this.hashAlg);
    this.add(frameHandshake(HandshakeType.MessageHash, digest));
  }
}
