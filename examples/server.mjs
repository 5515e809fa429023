// A fipstls server answered by a node:tls client, both on 127.0.0.1.
// Run: node examples/server.mjs
import * as tls from "node:tls";
import { createServer } from "fipstls/node";
import { makeThrowawayPki } from "fipstls/testing";

const pki = await makeThrowawayPki();
const server = createServer({ cert: pki.certPem, key: pki.keyPem, ALPNProtocols: ["http/1.1"] }, (socket) => {
  console.log("server negotiated", socket.getProtocol(), socket.getCipher().standardName, "alpn", socket.alpnProtocol);
  socket.end("hello from fipstls\n");
});
server.on("tlsClientError", (err) => console.error("handshake failed:", err.message));
server.listen(0, "127.0.0.1", () => {
  const client = tls.connect({ host: "127.0.0.1", port: server.address().port, servername: "localhost", ca: pki.caPem, ALPNProtocols: ["http/1.1"] });
  client.on("data", (d) => process.stdout.write(`node:tls received: ${d}`));
  client.on("end", () => server.close());
});
