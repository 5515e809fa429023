// A fipstls client talking to a node:tls server, both on 127.0.0.1.
// Run: node examples/client.mjs
import * as tls from "node:tls";
import { connect } from "fipstls/node";
import { makeThrowawayPki } from "fipstls/testing";

const pki = await makeThrowawayPki(); // a throwaway CA and a certificate for "localhost"
const server = tls.createServer({ cert: pki.certPem, key: pki.keyPem }, (s) => s.end("hello from node:tls\n"));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

const socket = connect({ host: "127.0.0.1", port: server.address().port, servername: "localhost", ca: pki.caPem });
socket.on("secureConnect", () => console.log("negotiated", socket.getProtocol(), socket.getCipher().standardName, socket.tlsInfo.group));
socket.on("data", (d) => process.stdout.write(`received: ${d}`));
socket.on("error", (err) => console.error(err.name, err.message));
socket.on("close", () => server.close());
