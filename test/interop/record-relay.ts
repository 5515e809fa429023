// A TCP relay between a client and a server on 127.0.0.1 that reads the TLS record headers going each
// way, so tests can check record sizes a real peer received without trusting either end's report.
import * as net from "node:net";
import { type Scope, within } from "./peers.js";

export interface RecordRelay {
  readonly port: number;
  /** Fragment lengths of the records the client sent, in order. */
  readonly clientRecords: number[];
  /** Fragment lengths of the records the server sent, in order. */
  readonly serverRecords: number[];
  /** The first record's fragment each side sent (the ClientHello, the ServerHello), once seen. */
  readonly firstFragments: { client?: Buffer; server?: Buffer };
}

/** Records each complete record's fragment length into `into` as bytes pass, and the first fragment through `first`. */
function recordLengths(into: number[], first: (fragment: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5 && pending.length >= 5 + pending.readUInt16BE(3)) {
      if (into.length === 0) first(Buffer.from(pending.subarray(5, 5 + pending.readUInt16BE(3))));
      into.push(pending.readUInt16BE(3));
      pending = pending.subarray(5 + pending.readUInt16BE(3));
    }
  };
}

export async function recordRelay(scope: Scope, port: number): Promise<RecordRelay> {
  const clientRecords: number[] = [];
  const serverRecords: number[] = [];
  const firstFragments: { client?: Buffer; server?: Buffer } = {};
  const relay = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    const fromClient = recordLengths(clientRecords, (f) => (firstFragments.client = f));
    const fromServer = recordLengths(serverRecords, (f) => (firstFragments.server = f));
    client.on("data", (chunk: Buffer) => {
      fromClient(chunk);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      fromServer(chunk);
      client.write(chunk);
    });
    for (const s of [client, upstream]) s.on("error", () => undefined);
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  scope.add(() => new Promise<void>((r) => relay.close(() => r())));
  await within(new Promise<void>((r) => relay.listen(0, "127.0.0.1", () => r())), "relay listen");
  return { port: (relay.address() as net.AddressInfo).port, clientRecords, serverRecords, firstFragments };
}
