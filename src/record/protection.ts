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
}
