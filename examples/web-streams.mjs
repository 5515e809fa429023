// TLS over any Web Streams pair, the way Deno, Bun and Cloudflare Workers hand out TCP sockets.
// Here a Node socket is turned into a stream pair; the server is node:tls on 127.0.0.1.
// Run: node examples/web-streams.mjs
import * as net from "node:net";
import * as tls from "node:tls";
import { Duplex } from "node:stream";
import { upgrade } from "fipstls";
import { makeThrowawayPki } from "fipstls/testing";

const pki = await makeThrowawayPki();
const server = tls.createServer({ cert: pki.certPem, key: pki.keyPem }, (s) => s.end("hello over Web Streams\n"));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const socket = net.connect({ host: "127.0.0.1", port: server.address().port });
await new Promise((resolve) => socket.once("connect", resolve));

// With no provider given, upgrade() uses crypto.subtle, as it would in a browser or a worker.
const conn = upgrade(Duplex.toWeb(socket), { serverName: "localhost", roots: pki.caPem });
const info = await conn.handshake;
console.log("negotiated", info.version, info.cipherSuite, "provider", info.provider);
for await (const chunk of conn.readable) process.stdout.write(`received: ${new TextDecoder().decode(chunk)}`);
server.close();
