// The seam between the version-neutral record layer and each TLS version's record format: how the
// records of one direction are sealed and opened under one key. The record layer owns the sequence
// numbers and limits and hands each call its number; an implementation holds only key material.
export interface OpenedRecord {
  readonly type: number;
  readonly content: Uint8Array;
}

export interface RecordProtection {
  /** Records one key may protect before it must be replaced (the AEAD's usage limit, with margin). */
  readonly recordLimit: number;
  /** Seals `content` of content type `type` as record number `seq`; returns the record, header included. */
  seal(type: number, content: Uint8Array, seq: number): Promise<Uint8Array>;
  /** Opens record number `seq`; rejects with a TlsError (bad_record_mac, record_overflow, …). */
  open(header: Uint8Array, fragment: Uint8Array, seq: number): Promise<OpenedRecord>;
  /** Present when the provider's AEAD computes synchronously: the same work without a promise. */
  readonly sync?: SyncRecordProtection;
}

export interface SyncRecordProtection {
  /** The bytes a record of `contentLength` bytes takes once sealed, header included. */
  sealedLength(contentLength: number): number;
  /** Seals one record into `out` at `offset` (room for sealedLength bytes); returns the bytes written. */
  sealInto(type: number, content: Uint8Array, seq: number, out: Uint8Array, offset: number): number;
  /** Opens record number `seq`; throws a TlsError as open() rejects. */
  open(header: Uint8Array, fragment: Uint8Array, seq: number): OpenedRecord;
}
