// The sans-IO core: a client and a server connection wired back to back in memory, no sockets.
// Any transport works the same way: give transmit() bytes to the network, feed received bytes to receive().
// Run: node examples/sans-io.mjs
import { buildClientConfig, buildServerConfig, ClientConnection, ServerConnection } from "fipstls";
import { webcryptoProvider } from "fipstls/webcrypto";
import { makeThrowawayPki } from "fipstls/testing";

const provider = await webcryptoProvider();
const pki = await makeThrowawayPki();
const clientConfig = await buildClientConfig({ provider, serverName: "localhost", roots: pki.caPem });
const serverConfig = await buildServerConfig({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem });

let server;
const client = new ClientConnection(clientConfig, { transmit: (bytes) => queueMicrotask(() => server.receive(bytes)) });
server = new ServerConnection(serverConfig, {
  transmit: (bytes) => queueMicrotask(() => client.receive(bytes)),
  onData: (data) => console.log("server received:", new TextDecoder().decode(data)),
});
server.start();
client.start();
await client.handshake;
console.log("client negotiated", client.info.version, client.info.cipherSuite, client.info.group, client.info.signatureScheme);
await client.write(new TextEncoder().encode("hello over an in-memory pipe"));
await new Promise((resolve) => setTimeout(resolve, 50));
