// upgrade() and accept() over Web Streams, against node:tls peers on 127.0.0.1: the socket is turned
// into a WHATWG stream pair (as Deno, Bun and workerd hand them out) and TLS runs on top.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as net from "node:net";
import * as tls from "node:tls";
import { Duplex } from "node:stream";
import { createHash, randomBytes } from "node:crypto";
import { accept, upgrade } from "../src/transport/web/streams.js";
import { HandshakeTimeout, InvalidCertificate } from "../src/errors.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { PROVIDERS } from "./_providers.js";
import { policyByName } from "../src/policy/policies.js";
import { Pki } from "./pki.js";

const pki = await makeThrowawayPki();
const stranger = await makeThrowawayPki();
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

function webPair(socket: net.Socket): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } {
  return Duplex.toWeb(socket) as unknown as { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return (server.address() as net.AddressInfo).port;
}

async function connectTcp(port: number): Promise<net.Socket> {
  const s = net.connect({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => s.once("connect", resolve).once("error", reject));
  return s;
}

async function readAll(readable: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  const reader = readable.getReader();
  while (n < limit) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
  }
  reader.releaseLock();
  return new Uint8Array(Buffer.concat(parts));
}

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`Web Streams transport (${pname} provider)`);

  t("upgrade() to a node:tls server under fips-140-3: 1 MiB each way, byte-exact", async () => {
    const payload = randomBytes(1 << 20);
    const server = tls.createServer({ cert: pki.certPem, key: pki.keyPem, minVersion: "TLSv1.3" }, (s) => {
      s.pipe(s);
    });
    const port = await listen(server);
    const socket = await connectTcp(port);
    try {
      const conn = upgrade(webPair(socket), { provider, serverName: "localhost", roots: pki.caPem, policy: "fips-140-3" });
      const info = await conn.handshake;
      assert.is(info.version, "TLSv1.3");
      assert.is(conn.audit().policy.id, policyByName("fips-140-3").id);
      const writer = conn.writable.getWriter();
      const sent = writer.write(payload);
      const echoed = await readAll(conn.readable, payload.length);
      await sent;
      assert.is(sha(echoed), sha(payload));
      await writer.close();
    } finally {
      socket.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  t("upgrade(): a write made before the handshake ends leaves with the Finished, in one network write (node:tls server, Nagle on)", async () => {
    const server = tls.createServer({ cert: pki.certPem, key: pki.keyPem, minVersion: "TLSv1.3" }, (s) => s.pipe(s));
    const port = await listen(server);
    const socket = await connectTcp(port);
    try {
      const pair = webPair(socket);
      const writes: number[] = [];
      const raw = pair.writable.getWriter();
      // Counts the network writes the transport makes, each as the sizes of the records it holds.
      const counted = new WritableStream<Uint8Array>({
        write: (chunk) => {
          let records = 0;
          for (let at = 0; at + 5 <= chunk.length; at += 5 + ((chunk[at + 3]! << 8) | chunk[at + 4]!)) records++;
          writes.push(records);
          return raw.write(chunk);
        },
        close: () => raw.close(),
        abort: (e) => raw.abort(e),
      });
      const conn = upgrade({ readable: pair.readable, writable: counted }, { provider, serverName: "localhost", roots: pki.caPem });
      const ping = new TextEncoder().encode("the first request");
      const writer = conn.writable.getWriter();
      const sent = writer.write(ping);
      assert.is(new TextDecoder().decode(await readAll(conn.readable, ping.length)), "the first request");
      await sent;
      // The ClientHello; then the ChangeCipherSpec, the Finished and the request together.
      assert.is(writes.length, 2, `network writes (records in each): ${writes.join(", ")}`);
      assert.ok(writes[1]! >= 2, `network writes (records in each): ${writes.join(", ")}`);
      await writer.close();
    } finally {
      socket.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  t("upgrade() rejects an untrusted server with the named error", async () => {
    const server = tls.createServer({ cert: pki.certPem, key: pki.keyPem }, (s) => s.on("error", () => undefined));
    server.on("tlsClientError", () => undefined);
    const port = await listen(server);
    const socket = await connectTcp(port);
    try {
      const conn = upgrade(webPair(socket), { provider, serverName: "localhost", roots: stranger.caPem });
      const err = await conn.handshake.then(() => null, (e: Error) => e);
      assert.instance(err, InvalidCertificate);
      assert.is((err as InvalidCertificate).reason, "UnknownIssuer");
    } finally {
      socket.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  t("a silent server fails upgrade() with HandshakeTimeout", async () => {
    const server = net.createServer(() => undefined);
    const port = await listen(server);
    const socket = await connectTcp(port);
    try {
      const conn = upgrade(webPair(socket), { provider, serverName: "localhost", roots: pki.caPem, handshakeTimeout: 200 });
      const err = await conn.handshake.then(() => null, (e: Error) => e);
      assert.instance(err, HandshakeTimeout);
    } finally {
      socket.destroy();
      server.close();
      await new Promise((r) => setTimeout(r, 10));
    }
  });

  t("accept() serves a node:tls client; ALPN mismatch is no_application_protocol", async () => {
    const server = net.createServer((socket) => {
      const conn = accept(webPair(socket), { provider, certificateChain: pki.certPem, privateKey: pki.keyPem, alpnProtocols: ["h2"] });
      conn.handshake.then(async () => {
        const data = await readAll(conn.readable, 5);
        const w = conn.writable.getWriter();
        await w.write(new TextEncoder().encode(`got ${new TextDecoder().decode(data)}`));
        await w.close();
      }, () => socket.destroy());
    });
    const port = await listen(server);
    try {
      const client = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ca: pki.caPem, ALPNProtocols: ["h2"] });
      await new Promise<void>((resolve, reject) => client.once("secureConnect", resolve).once("error", reject));
      assert.is(client.alpnProtocol, "h2");
      client.write("hello");
      const reply = await new Promise<string>((resolve) => {
        let text = "";
        client.on("data", (d: Buffer) => (text += d.toString()));
        client.on("end", () => resolve(text));
      });
      assert.is(reply, "got hello");
      client.destroy();
      const bad = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ca: pki.caPem, ALPNProtocols: ["http/1.1"] });
      const err = await new Promise<Error>((resolve) => bad.once("error", resolve));
      assert.match(err.message, /no application protocol|alert number 120/i);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  t("accept() chooses the certificate by the client's SNI (selectOptions); a silent client times out", async () => {
    const names = new Pki();
    const root = names.root({ cn: "sni root" });
    const leaves = { "a.example": names.issue(root, { dns: ["a.example"] }), "b.example": names.issue(root, { dns: ["b.example"] }) };
    const seen: (string | null)[] = [];
    const server = net.createServer((socket) => {
      const conn = accept(webPair(socket), {
        provider,
        certificateChain: pki.certPem,
        privateKey: pki.keyPem,
        handshakeTimeout: 300,
        selectOptions: (name) => {
          seen.push(name);
          const leaf = leaves[name as keyof typeof leaves];
          return leaf ? { certificateChain: leaf.pem, privateKey: leaf.key.pem } : undefined;
        },
      });
      conn.handshake.then(async () => {
        const w = conn.writable.getWriter();
        await w.write(new TextEncoder().encode("hi"));
        await w.close();
      }, () => socket.destroy());
    });
    const port = await listen(server);
    try {
      for (const name of ["a.example", "b.example"]) {
        const client = tls.connect({ host: "127.0.0.1", port, servername: name, ca: root.pem });
        await new Promise<void>((resolve, reject) => client.once("secureConnect", resolve).once("error", reject));
        assert.equal(client.getPeerCertificate().subjectaltname, `DNS:${name}`);
        client.destroy();
      }
      // Without SNI (an IP literal), the default certificate.
      const plain = tls.connect({ host: "127.0.0.1", port, ca: pki.caPem });
      await new Promise<void>((resolve, reject) => plain.once("secureConnect", resolve).once("error", reject));
      assert.is(plain.authorized, true);
      plain.destroy();
      assert.equal(seen, ["a.example", "b.example", null]);
      // A client that connects and says nothing is bounded by the handshake timeout, name choice included.
      const silent = await connectTcp(port);
      const closed = await Promise.race([new Promise<string>((r) => silent.once("close", () => r("closed"))), new Promise<string>((r) => setTimeout(() => r("still open"), 3000))]);
      assert.is(closed, "closed");
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  t.run();
}
