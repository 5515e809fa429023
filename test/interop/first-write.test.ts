// A client's Finished and the application's first write leave in one TCP write, as node:tls's client
// sends them. A node:tls server keeps Nagle's algorithm on unless told otherwise: given the two apart, it
// sends its session tickets on the Finished and then holds its first answer until our TCP stack
// acknowledges them. Counted here on the raw socket's writes, not timed.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as net from "node:net";
import * as tls from "node:tls";
import { connect, createServer } from "../../src/node.js";
import { echo, interopPki, nodeTlsServer, scoped, within } from "./peers.js";
import { PROVIDERS } from "../_providers.js";

/** TLS records in `bytes`, which are whole records (as our transport writes them). */
function recordCount(bytes: Uint8Array): number {
  let n = 0;
  for (let at = 0; at + 5 <= bytes.length; at += 5 + ((bytes[at + 3]! << 8) | bytes[at + 4]!)) n++;
  return n;
}

/** Every write that reaches `socket`'s handle, as the buffers of one write call. */
function recordWrites(socket: net.Socket): Uint8Array[][] {
  const writes: Uint8Array[][] = [];
  type Chunk = { chunk: Uint8Array };
  const raw = socket as unknown as { _write: (c: Uint8Array, e: string, cb: () => void) => void; _writev: (cs: Chunk[], cb: () => void) => void };
  const write = raw._write.bind(socket);
  const writev = raw._writev.bind(socket);
  raw._write = (c, e, cb) => {
    writes.push([c]);
    write(c, e, cb);
  };
  raw._writev = (cs, cb) => {
    writes.push(cs.map((c) => c.chunk));
    writev(cs, cb);
  };
  return writes;
}

/** The first `length` bytes (or more) `s` delivers. */
function firstBytes(s: NodeJS.ReadableStream & NodeJS.EventEmitter, length: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let got = Buffer.alloc(0);
    s.on("data", (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= length) resolve(got);
    });
    s.once("error", reject);
  });
}

const t = suite("interop: the client's first write shares its Finished's TCP write (node:tls server, Nagle on)");
const cert = () => interopPki().certs.find((c) => c.kind === "ecdsa-p256")!;

// TLS 1.3 only: a full TLS 1.2 handshake ends with the server's Finished, so there the client's last
// flight has left a round trip before its first write, as with node:tls's client.
for (const [pname, provider] of PROVIDERS) {
  for (const version of ["TLSv1.3"] as const) {
    t(`${pname}, ${version}: a write in the 'secureConnect' handler leaves with the Finished; the echo comes back intact`, scoped(async (scope) => {
      const server = await nodeTlsServer(scope, { cert: cert().certPem, key: cert().keyPem, minVersion: version, maxVersion: version });
      server.handler = echo;
      const raw = scope.stream(net.connect({ host: "127.0.0.1", port: server.port }));
      await within(new Promise((resolve, reject) => raw.once("connect", resolve).once("error", reject)), "TCP connect");
      const writes = recordWrites(raw);
      const socket = scope.stream(connect({ socket: raw, servername: "localhost", ca: interopPki().caPem, minVersion: version, maxVersion: version, provider }));
      const ping = Buffer.from("ping after the handshake");
      const echoed = firstBytes(socket, ping.length);
      socket.once("secureConnect", () => socket.write(ping));
      assert.equal(await within(echoed, "the echo"), ping);
      // The Finished (after a ChangeCipherSpec, for middleboxes) and the application record, in the same write.
      const last = writes.at(-1)!;
      const records = last.reduce((n, chunk) => n + recordCount(chunk), 0);
      assert.ok(records >= 2, `the first application write left alone: ${writes.map((w) => w.map((c) => c.length).join("+")).join(", ")}`);
      assert.is(writes.length, 2, `ClientHello, then everything else: ${writes.map((w) => w.map((c) => c.length).join("+")).join(", ")}`);
    }));
  }
}

// The server side of the same: a TLS 1.3 server's session tickets leave with its first answer when the
// application answers in the turn the handshake completed, as node:tls's server sends them.
for (const [pname, provider] of PROVIDERS) {
  t(`${pname}, TLSv1.3 server: the session tickets leave with the first answer to a node:tls client, and are taken`, scoped(async (scope) => {
    const server = createServer({ cert: cert().certPem, key: cert().keyPem, provider }, (s) => s.on("data", (d: Buffer) => s.write(d)));
    await server.ready();
    scope.add(() => new Promise<void>((resolve) => server.close(() => resolve())));
    let writes: Uint8Array[][] = [];
    const listener = net.createServer((raw) => {
      writes = recordWrites(raw);
      server.emit("connection", raw);
    });
    scope.add(() => new Promise<void>((resolve) => listener.close(() => resolve())));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const client = scope.stream(tls.connect({ host: "127.0.0.1", port: (listener.address() as net.AddressInfo).port, servername: "localhost", ca: interopPki().caPem, minVersion: "TLSv1.3" }));
    const ping = Buffer.from("ping after the handshake");
    const session = new Promise<Buffer>((resolve) => client.once("session", resolve));
    const echoed = firstBytes(client, ping.length);
    client.once("secureConnect", () => client.write(ping));
    assert.equal(await within(echoed, "the echo"), ping);
    assert.ok((await within(session, "a session from the tickets")).length > 0);
    const shape = writes.map((w) => w.map((c) => c.length).join("+")).join(", ");
    // ServerHello to Finished; then the tickets and the echo's record, in one write.
    assert.is(writes.length, 2, `our flight, then the tickets with the answer: ${shape}`);
    assert.ok(writes[1]!.reduce((n, chunk) => n + recordCount(chunk), 0) >= 2, `the answer left alone: ${shape}`);
  }));
}

t.run();
