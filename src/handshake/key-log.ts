// Key logging in the NSS key log format (SSLKEYLOGFILE, what Wireshark reads): one line per secret,
// "<label> <client random hex> <secret hex>". It writes out what protects the traffic, so it is never
// on unless the application asks (a keyLog callback or a 'keylog' listener), and a connection that
// logged keys says so in its audit record.
import { toHex } from "../codec/bytes.js";

export type KeyLogLabel =
  | "CLIENT_RANDOM"
  | "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
  | "SERVER_HANDSHAKE_TRAFFIC_SECRET"
  | "CLIENT_TRAFFIC_SECRET_0"
  | "SERVER_TRAFFIC_SECRET_0"
  | "EXPORTER_SECRET";

/** One key log line, without its newline. */
export const keyLogLine = (label: KeyLogLabel, clientRandom: Uint8Array, secret: Uint8Array): string => `${label} ${toHex(clientRandom)} ${toHex(secret)}`;
