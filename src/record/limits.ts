// Record size limits (RFC 8446 section 5.1 and 5.2).
export const MAX_PLAINTEXT = 1 << 14;
/** TLSInnerPlaintext: content plus the one content-type byte (padding counts against the limit). */
export const MAX_INNER_PLAINTEXT = MAX_PLAINTEXT + 1;
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + 256;
export const RECORD_HEADER = 5;
/** AES-GCM's confidentiality limit is 2^24.5 records per key (RFC 8446 5.5; the same AEAD bound holds in TLS 1.2); stay well below it. */
export const RECORDS_PER_KEY_LIMIT = 2 ** 24;
