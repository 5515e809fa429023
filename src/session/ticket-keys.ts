// The keys a server seals its session tickets with (RFC 5077 section 4's recommended layout, with an
// AEAD in place of AES-CBC + HMAC): key_name(16) || nonce(12) || AES-256-GCM(state) with key_name as
// associated data. Keys rotate on the config's clock; a ticket sealed under the previous key still
// opens until every ticket it sealed has expired, and is then renewed under the current one.
import type { Aead, CryptoProvider } from "../crypto/provider.js";
import { equalBytes } from "../codec/bytes.js";
import { ConfigError } from "../errors.js";

/** node:tls's ticketKeys are 48 bytes; here they are a 16-byte key name and a 32-byte AES-256 key. */
export const TICKET_KEYS_LENGTH = 48;
const NAME_LENGTH = 16;
const NONCE_LENGTH = 12;
/** Tag length of AES-GCM: the smallest sealed ticket is name + nonce + tag. */
const TAG_LENGTH = 16;

interface TicketKey {
  readonly material: Uint8Array;
  readonly name: Uint8Array;
  readonly aead: Promise<Aead>;
  readonly createdAt: number;
}

export interface OpenedTicket {
  readonly plaintext: Uint8Array;
  /** Sealed under a key that is no longer the current one: the server should issue a fresh ticket. */
  readonly renew: boolean;
}

export class TicketKeys {
  private keys: TicketKey[] = [];
  /** Keys the user set are never rotated (node:tls's setTicketKeys()). */
  private fixed = false;

  /** `rotateAfterMs`: how long a key seals new tickets; it opens them for as long again. */
  constructor(
    private readonly provider: CryptoProvider,
    private readonly rotateAfterMs: number,
    private readonly now: () => number,
    material?: Uint8Array,
  ) {
    if (material !== undefined) this.set(material);
  }

  /** Replaces every key with `material` (48 bytes) and stops rotation. */
  set(material: Uint8Array): void {
    if (!(material instanceof Uint8Array) || material.length !== TICKET_KEYS_LENGTH) {
      throw new ConfigError(`ticketKeys must be ${TICKET_KEYS_LENGTH} bytes`, "ticketKeys");
    }
    this.keys = [this.key(material.slice())];
    this.fixed = true;
  }

  /** The current key material (48 bytes), creating it if needed. */
  current(): Uint8Array {
    return this.sealingKey().material.slice();
  }

  async seal(state: Uint8Array): Promise<Uint8Array> {
    const key = this.sealingKey();
    const nonce = this.provider.random(NONCE_LENGTH);
    const sealed = await (await key.aead).seal(nonce, key.name, state);
    const out = new Uint8Array(NAME_LENGTH + NONCE_LENGTH + sealed.length);
    out.set(key.name);
    out.set(nonce, NAME_LENGTH);
    out.set(sealed, NAME_LENGTH + NONCE_LENGTH);
    return out;
  }

  /** The state in `ticket`, or null when no key of ours sealed it (or it was altered). */
  async open(ticket: Uint8Array): Promise<OpenedTicket | null> {
    if (ticket.length < NAME_LENGTH + NONCE_LENGTH + TAG_LENGTH) return null;
    this.expire();
    const name = ticket.subarray(0, NAME_LENGTH);
    const index = this.keys.findIndex((k) => equalBytes(k.name, name));
    if (index < 0) return null;
    const key = this.keys[index]!;
    const plaintext = await (await key.aead).open(ticket.subarray(NAME_LENGTH, NAME_LENGTH + NONCE_LENGTH), key.name, ticket.subarray(NAME_LENGTH + NONCE_LENGTH));
    // Rotating here too means a ticket whose key just stopped sealing is renewed now, not a period later.
    return plaintext === null ? null : { plaintext, renew: key !== this.sealingKey() };
  }

  private key(material: Uint8Array): TicketKey {
    return { material, name: material.subarray(0, NAME_LENGTH), aead: this.provider.aead("AES-256-GCM", material.subarray(NAME_LENGTH)), createdAt: this.now() };
  }

  private sealingKey(): TicketKey {
    this.expire();
    const first = this.keys[0];
    if (first !== undefined && (this.fixed || this.now() - first.createdAt < this.rotateAfterMs)) return first;
    const fresh = this.key(this.provider.random(TICKET_KEYS_LENGTH));
    this.keys = [fresh, ...this.keys].slice(0, 2);
    return fresh;
  }

  /** A key that stopped sealing opens tickets for one more period: as long as the longest lifetime. */
  private expire(): void {
    if (this.fixed) return;
    const now = this.now();
    this.keys = this.keys.filter((k) => now - k.createdAt < 2 * this.rotateAfterMs);
  }
}
