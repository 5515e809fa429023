// fetch() and https.get() over fipstls, to a node:https server on 127.0.0.1, under fips-140-3.
// Run: node examples/fetch.mjs   (requires the optional peer dependency undici for the fetch dispatcher)
import * as https from "node:https";
import { Agent, createUndiciAgent } from "fipstls/node";
import { makeThrowawayPki } from "fipstls/testing";

const pki = await makeThrowawayPki();
const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => res.end(`hello ${req.url}\n`));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `https://localhost:${server.address().port}`;
// Without a FIPS-mode OpenSSL, fips-140-3 would refuse to start; this says "run, and let the audit say so".
const tls = { ca: pki.caPem, policy: "fips-140-3", requireFipsProvider: false, lookup: (_h, _o, cb) => cb(null, [{ address: "127.0.0.1", family: 4 }]) };

const dispatcher = createUndiciAgent(tls);
const res = await fetch(`${url}/fetch`, { dispatcher });
process.stdout.write(`fetch: ${res.status} ${await res.text()}`);
await dispatcher.close();

const agent = new Agent({ ...tls, keepAlive: true });
await new Promise((resolve, reject) => {
  https.get(`${url}/https`, { agent }, (r) => {
    r.setEncoding("utf8");
    r.on("data", (d) => process.stdout.write(`https.get: ${r.statusCode} ${d}`));
    r.on("end", resolve);
  }).on("error", reject);
});
agent.destroy();
server.close();
