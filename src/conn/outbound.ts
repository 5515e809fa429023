// Our side of the wire: records sealed in order and handed to the transport in order, however long
// each seal takes. Sequence numbers are taken when a record is queued, so several seals may run at once.
import { AlertLevel, ContentType } from "../msgs/enums.js";
import { MAX_PLAINTEXT } from "../record/limits.js";
import type { RecordProtection } from "../record/protection.js";
import { RecordWriter } from "../record/record-layer.js";

export class Outbound {
  private readonly writer = new RecordWriter();
  private chain: Promise<void> = Promise.resolve();
  /** Set by the first handshake message we send (our ClientHello, on a client). */
  sentHandshake = false;

  constructor(
    private readonly transmit: (bytes: Uint8Array) => void,
    private readonly onFailure: (error: Error) => void,
  ) {}

  /** Settles once everything queued so far has been handed to the transport. */
  get flushed(): Promise<void> {
    return this.chain;
  }

  get recordsUnderKey(): number {
    return this.writer.recordsUnderKey;
  }

  installProtection(protection: Promise<RecordProtection>): void {
    this.writer.install(protection);
  }

  /** Queues one record; the promise settles once it was handed to the transport (never rejects). */
  sendRecord(type: number, content: Uint8Array): Promise<void> {
    return this.queue(this.writer.seal(type, content));
  }

  /** One handshake message (already framed), in records of at most 2^14 bytes. */
  sendHandshake(raw: Uint8Array): void {
    this.sentHandshake = true;
    for (let at = 0; at < raw.length; at += MAX_PLAINTEXT) void this.sendRecord(ContentType.Handshake, raw.subarray(at, at + MAX_PLAINTEXT));
  }

  sendAlert(description: number, level: number = AlertLevel.Fatal): void {
    void this.sendRecord(ContentType.Alert, new Uint8Array([level, description]));
  }

  /** The middlebox-compatibility CCS (RFC 8446 D.4): always in the clear. */
  sendChangeCipherSpec(): void {
    void this.queue(Promise.resolve(new Uint8Array([ContentType.ChangeCipherSpec, 0x03, 0x03, 0x00, 0x01, 0x01])));
  }

  private queue(bytes: Promise<Uint8Array>): Promise<void> {
    const next = Promise.all([this.chain, bytes]).then(([, b]) => this.transmit(b));
    this.chain = next;
    next.catch((e: unknown) => this.onFailure(e instanceof Error ? e : new Error(String(e))));
    return next.catch(() => undefined);
  }
}
