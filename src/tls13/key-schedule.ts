// The TLS 1.3 key schedule (RFC 8446 section 7.1): early (from a resumption PSK, or zeros) ->
// handshake -> master secret, the PSK binder, and the traffic keys, Finished keys, KeyUpdate steps
// and resumption PSKs derived from them.
import type { CryptoProvider, HashAlgorithm } from "../crypto/provider.js";
import { AEAD_KEY_LENGTH, HASH_LENGTH } from "../crypto/provider.js";
import type { Tls13Suite } from "../suites/cipher-suites.js";
import { hkdfExpandLabel, hkdfExtract } from "./hkdf.js";
import type { TrafficKeys } from "../record/tls13-aead.js";


export interface HandshakeSecrets {
  readonly clientHandshakeTrafficSecret: Uint8Array;
  readonly serverHandshakeTrafficSecret: Uint8Array;
}

export interface ApplicationSecrets {
  readonly clientApplicationTrafficSecret: Uint8Array;
  readonly serverApplicationTrafficSecret: Uint8Array;
  readonly exporterMasterSecret: Uint8Array;
}

export class KeySchedule {
  readonly hash: HashAlgorithm;
  readonly hashLength: number;
  private handshakeSecret?: Uint8Array;
  private masterSecret?: Uint8Array;
  private early?: Promise<Uint8Array>;

  /** `psk`: the resumption PSK this handshake uses, or null for a full handshake. */
  constructor(
    private readonly provider: CryptoProvider,
    readonly suite: Tls13Suite,
    private readonly psk: Uint8Array | null = null,
  ) {
    this.hash = suite.hash;
    this.hashLength = HASH_LENGTH[suite.hash];
  }

  private expandLabel(secret: Uint8Array, label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    return hkdfExpandLabel(this.provider, this.hash, secret, label, context, length);
  }

  /** Derive-Secret(secret, label, Messages), given Transcript-Hash(Messages). */
  deriveSecret(secret: Uint8Array, label: string, transcriptHash: Uint8Array): Promise<Uint8Array> {
    return this.expandLabel(secret, label, transcriptHash, this.hashLength);
  }

  private async emptyHash(): Promise<Uint8Array> {
    return this.provider.hash(this.hash, new Uint8Array(0));
  }

  /** Early Secret = HKDF-Extract(0, PSK), with zeros in place of a PSK for a full handshake. */
  private earlySecret(): Promise<Uint8Array> {
    const zeros = new Uint8Array(this.hashLength);
    this.early ??= hkdfExtract(this.provider, this.hash, zeros, this.psk ?? zeros);
    return this.early;
  }

  /** The PSK binder over Transcript-Hash(the ClientHello truncated before its binders) (RFC 8446 4.2.11.2). */
  async binder(truncatedHelloHash: Uint8Array): Promise<Uint8Array> {
    const binderKey = await this.deriveSecret(await this.earlySecret(), "res binder", await this.emptyHash());
    return this.finishedVerifyData(binderKey, truncatedHelloHash);
  }

  /** The PSK a NewSessionTicket with `nonce` stands for (RFC 8446 4.6.1). */
  resumptionPsk(resumptionMasterSecret: Uint8Array, nonce: Uint8Array): Promise<Uint8Array> {
    return this.expandLabel(resumptionMasterSecret, "resumption", nonce, this.hashLength);
  }

  /** The "derived" step from the Early Secret, then the Handshake Secret from (EC)DHE. */
  async inputSharedSecret(sharedSecret: Uint8Array, transcriptHashChSh: Uint8Array): Promise<HandshakeSecrets> {
    const early = await this.earlySecret();
    const derived = await this.deriveSecret(early, "derived", await this.emptyHash());
    this.handshakeSecret = await hkdfExtract(this.provider, this.hash, derived, sharedSecret);
    return {
      clientHandshakeTrafficSecret: await this.deriveSecret(this.handshakeSecret, "c hs traffic", transcriptHashChSh),
      serverHandshakeTrafficSecret: await this.deriveSecret(this.handshakeSecret, "s hs traffic", transcriptHashChSh),
    };
  }

  /** Master Secret and the application secrets, given Transcript-Hash(ClientHello..server Finished). */
  async applicationSecrets(transcriptHashThroughServerFinished: Uint8Array): Promise<ApplicationSecrets> {
    if (!this.handshakeSecret) throw new Error("key schedule: handshake secret not yet derived");
    const derived = await this.deriveSecret(this.handshakeSecret, "derived", await this.emptyHash());
    this.masterSecret = await hkdfExtract(this.provider, this.hash, derived, new Uint8Array(this.hashLength));
    const h = transcriptHashThroughServerFinished;
    return {
      clientApplicationTrafficSecret: await this.deriveSecret(this.masterSecret, "c ap traffic", h),
      serverApplicationTrafficSecret: await this.deriveSecret(this.masterSecret, "s ap traffic", h),
      exporterMasterSecret: await this.deriveSecret(this.masterSecret, "exp master", h),
    };
  }

  async resumptionMasterSecret(transcriptHashThroughClientFinished: Uint8Array): Promise<Uint8Array> {
    if (!this.masterSecret) throw new Error("key schedule: master secret not yet derived");
    return this.deriveSecret(this.masterSecret, "res master", transcriptHashThroughClientFinished);
  }

  async trafficKeys(secret: Uint8Array): Promise<TrafficKeys> {
    return {
      key: await this.expandLabel(secret, "key", new Uint8Array(0), AEAD_KEY_LENGTH[this.suite.aead]),
      iv: await this.expandLabel(secret, "iv", new Uint8Array(0), 12),
    };
  }

  finishedKey(baseKey: Uint8Array): Promise<Uint8Array> {
    return this.expandLabel(baseKey, "finished", new Uint8Array(0), this.hashLength);
  }

  async finishedVerifyData(baseKey: Uint8Array, transcriptHash: Uint8Array): Promise<Uint8Array> {
    return this.provider.hmac(this.hash, await this.finishedKey(baseKey), transcriptHash);
  }

  /** application_traffic_secret_N+1 (RFC 8446 section 7.2). */
  nextTrafficSecret(secret: Uint8Array): Promise<Uint8Array> {
    return this.expandLabel(secret, "traffic upd", new Uint8Array(0), this.hashLength);
  }

  /** TLS-Exporter (RFC 8446 section 7.5). */
  async exportKeyingMaterial(exporterMasterSecret: Uint8Array, label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    const secret = await this.deriveSecret(exporterMasterSecret, label, await this.emptyHash());
    return this.expandLabel(secret, "exporter", await this.provider.hash(this.hash, context), length);
  }
}
