// The TLS 1.3 key schedule (RFC 8446 section 7.1): early (from a resumption PSK, or zeros) ->
// handshake -> master secret, the PSK binder, and the traffic keys, Finished keys, KeyUpdate steps
// and resumption PSKs derived from them.
import type { CryptoProvider, HashAlgorithm } from "../crypto/provider.js";
import { AEAD_KEY_LENGTH, HASH_LENGTH } from "../crypto/provider.js";
import type { Tls13Suite } from "../suites/cipher-suites.js";
import { hkdfExpandLabel, hkdfExtract } from "./hkdf.js";
import type { TrafficKeys } from "../record/tls13-aead.js";

/**
 * Values that depend only on the provider and the hash: Hash("") and, for a handshake without a PSK,
 * Derive-Secret(HKDF-Extract(0, 0), "derived", ""), which RFC 8448 prints as a constant. Computed once
 * per provider rather than once per handshake (with WebCrypto each is a trip to the thread pool).
 */
interface HashConstants {
  emptyHash?: Promise<Uint8Array>;
  derivedWithoutPsk?: Promise<Uint8Array>;
}
const constants = new WeakMap<CryptoProvider, Map<HashAlgorithm, HashConstants>>();

function constantsFor(provider: CryptoProvider, hash: HashAlgorithm): HashConstants {
  let byHash = constants.get(provider);
  if (byHash === undefined) constants.set(provider, (byHash = new Map()));
  let c = byHash.get(hash);
  if (c === undefined) byHash.set(hash, (c = {}));
  return c;
}

/** `compute()`, kept in `slot` of `c` once it succeeds; a failure is not kept. */
function memo(c: HashConstants, slot: keyof HashConstants, compute: () => Promise<Uint8Array>): Promise<Uint8Array> {
  const known = c[slot];
  if (known !== undefined) return known;
  const value = compute();
  c[slot] = value;
  value.catch(() => {
    if (c[slot] === value) delete c[slot];
  });
  return value;
}

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
  /** Started as soon as the Handshake Secret is known: it needs no transcript. */
  private master?: Promise<Uint8Array>;
  private masterSecret?: Uint8Array;
  private early?: Promise<Uint8Array>;
  /** Finished keys by traffic secret, so that a handshake can start them before the transcript is ready. */
  private readonly finishedKeys = new Map<Uint8Array, Promise<Uint8Array>>();

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

  private emptyHash(): Promise<Uint8Array> {
    return memo(constantsFor(this.provider, this.hash), "emptyHash", () => this.provider.hash(this.hash, new Uint8Array(0)));
  }

  /** Derive-Secret(Early Secret, `label`, ""). */
  private async fromEarly(label: string): Promise<Uint8Array> {
    const [early, empty] = await Promise.all([this.earlySecret(), this.emptyHash()]);
    return this.deriveSecret(early, label, empty);
  }

  /** Derive-Secret(Early Secret, "derived", ""): the salt of the Handshake Secret. */
  private derivedFromEarly(): Promise<Uint8Array> {
    if (this.psk !== null) return this.fromEarly("derived");
    return memo(constantsFor(this.provider, this.hash), "derivedWithoutPsk", () => this.fromEarly("derived"));
  }

  /** Early Secret = HKDF-Extract(0, PSK), with zeros in place of a PSK for a full handshake. */
  private earlySecret(): Promise<Uint8Array> {
    const zeros = new Uint8Array(this.hashLength);
    this.early ??= hkdfExtract(this.provider, this.hash, zeros, this.psk ?? zeros);
    return this.early;
  }

  /** The PSK binder over Transcript-Hash(the ClientHello truncated before its binders) (RFC 8446 4.2.11.2). */
  async binder(truncatedHelloHash: Uint8Array): Promise<Uint8Array> {
    return this.finishedVerifyData(await this.fromEarly("res binder"), truncatedHelloHash);
  }

  /** The PSK a NewSessionTicket with `nonce` stands for (RFC 8446 4.6.1). */
  resumptionPsk(resumptionMasterSecret: Uint8Array, nonce: Uint8Array): Promise<Uint8Array> {
    return this.expandLabel(resumptionMasterSecret, "resumption", nonce, this.hashLength);
  }

  /** The "derived" step from the Early Secret, then the Handshake Secret from (EC)DHE. */
  async inputSharedSecret(sharedSecret: Uint8Array, transcriptHashChSh: Uint8Array): Promise<HandshakeSecrets> {
    const handshakeSecret = await hkdfExtract(this.provider, this.hash, await this.derivedFromEarly(), sharedSecret);
    this.master = this.emptyHash()
      .then((empty) => this.deriveSecret(handshakeSecret, "derived", empty))
      .then((derived) => hkdfExtract(this.provider, this.hash, derived, new Uint8Array(this.hashLength)));
    // Awaited by applicationSecrets(); a handshake that fails first must not leave it unhandled.
    this.master.catch(() => undefined);
    // Independent derivations run at once: with an asynchronous provider each is a round trip.
    const [clientHandshakeTrafficSecret, serverHandshakeTrafficSecret] = await Promise.all([
      this.deriveSecret(handshakeSecret, "c hs traffic", transcriptHashChSh),
      this.deriveSecret(handshakeSecret, "s hs traffic", transcriptHashChSh),
    ]);
    return { clientHandshakeTrafficSecret, serverHandshakeTrafficSecret };
  }

  /** Master Secret and the application secrets, given Transcript-Hash(ClientHello..server Finished). */
  async applicationSecrets(transcriptHashThroughServerFinished: Uint8Array): Promise<ApplicationSecrets> {
    if (!this.master) throw new Error("key schedule: handshake secret not yet derived");
    const masterSecret = await this.master;
    this.masterSecret = masterSecret;
    const h = transcriptHashThroughServerFinished;
    const [clientApplicationTrafficSecret, serverApplicationTrafficSecret, exporterMasterSecret] = await Promise.all([
      this.deriveSecret(masterSecret, "c ap traffic", h),
      this.deriveSecret(masterSecret, "s ap traffic", h),
      this.deriveSecret(masterSecret, "exp master", h),
    ]);
    return { clientApplicationTrafficSecret, serverApplicationTrafficSecret, exporterMasterSecret };
  }

  /**
   * res master, given Transcript-Hash(ClientHello..client Finished), which may still be being computed:
   * the master secret is taken now, so handshakeDone() may follow at once.
   */
  resumptionMasterSecret(transcriptHashThroughClientFinished: Uint8Array | Promise<Uint8Array>): Promise<Uint8Array> {
    const master = this.masterSecret;
    if (!master) return Promise.reject(new Error("key schedule: master secret not yet derived"));
    return Promise.resolve(transcriptHashThroughClientFinished).then((h) => this.deriveSecret(master, "res master", h));
  }

  async trafficKeys(secret: Uint8Array): Promise<TrafficKeys> {
    const [key, iv] = await Promise.all([
      this.expandLabel(secret, "key", new Uint8Array(0), AEAD_KEY_LENGTH[this.suite.aead]),
      this.expandLabel(secret, "iv", new Uint8Array(0), 12),
    ]);
    return { key, iv };
  }

  /** finished_key for a handshake traffic secret (RFC 8446 4.4.4); computed once per secret. */
  finishedKey(baseKey: Uint8Array): Promise<Uint8Array> {
    let key = this.finishedKeys.get(baseKey);
    if (key === undefined) {
      key = this.expandLabel(baseKey, "finished", new Uint8Array(0), this.hashLength);
      key.catch(() => undefined);
      this.finishedKeys.set(baseKey, key);
    }
    return key;
  }

  async finishedVerifyData(baseKey: Uint8Array, transcriptHash: Uint8Array): Promise<Uint8Array> {
    return this.provider.hmac(this.hash, await this.finishedKey(baseKey), transcriptHash);
  }

  /** application_traffic_secret_N+1 (RFC 8446 section 7.2). */
  nextTrafficSecret(secret: Uint8Array): Promise<Uint8Array> {
    return this.expandLabel(secret, "traffic upd", new Uint8Array(0), this.hashLength);
  }

  /**
   * The handshake is over: drop what only it needed (the master secret, the Finished keys and the
   * handshake traffic secrets they are keyed by), so that an established connection holds only its
   * traffic, exporter and resumption secrets.
   */
  handshakeDone(): void {
    this.master = undefined;
    this.masterSecret = undefined;
    this.finishedKeys.clear();
  }

  /** TLS-Exporter (RFC 8446 section 7.5). */
  async exportKeyingMaterial(exporterMasterSecret: Uint8Array, label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    const [empty, contextHash] = await Promise.all([this.emptyHash(), this.provider.hash(this.hash, context)]);
    const secret = await this.deriveSecret(exporterMasterSecret, label, empty);
    return this.expandLabel(secret, "exporter", contextHash, length);
  }
}
