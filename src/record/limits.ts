// Record size limits (RFC 8446 section 5.1 and 5.2).
export const MAX_PLAINTEXT = 1 << 14;
/** TLSInnerPlaintext: content plus the one content-type byte (padding counts against the limit). */
export const MAX_INNER_PLAINTEXT = MAX_PLAINTEXT + 1;
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + 256;
export const RECORD_HEADER = 5;
