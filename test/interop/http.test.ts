// https.get through fipstls's Agent and fetch through its undici dispatcher, against node:https
// servers on 127.0.0.1 under the fips-140-3 policy: responses, audit reports, keep-alive reuse, and
// failures that surface as rejected requests naming the failed check.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as https from "node:https";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetch as undiciFetch, request as undiciRequest } from "undici";
import { AlertReceived, ConfigError, InvalidCertificate } from "../../src/errors.js";
import { Agent, TLSSocket, createUndiciAgent, type AgentOptions } from "../../src/node.js";
import { loadUndici } from "../../src/transport/node/undici.js";
import type { AuditReport } from "../../compliance/audit.js";
import { PROVIDERS } from "../_providers.js";
import { type Scope, interopPki, rejectionOf, scoped, within } from "./peers.js";

const pki = interopPki();
const ecdsa = pki.certs.find((c) => c.kind === "ecdsa-p256")!;
// The CI's main run has no FIPS module: the policy's algorithms apply, the attestation is reported missing.
const FIPS = { policy: "fips-140-3", requireFipsProvider: false } as const;

interface HttpsServer {
  port: number;
  connections: number;
  secureConnections: number;
}

/** A node:https server answering "hello <path>", counting TCP and TLS connections; closed with the scope. */
async function httpsServer(scope: Scope, options: https.ServerOptions = {}): Promise<HttpsServer> {
  const counts: HttpsServer = { port: 0, connections: 0, secureConnections: 0 };
  const server = https.createServer({ cert: ecdsa.certPem, key: ecdsa.keyPem, ...options }, (req, res) => res.end(`hello ${req.url}`));
  server.on("connection", () => counts.connections++);
  server.on("secureConnection", () => counts.secureConnections++);
  scope.add(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  await within(new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())), "https server listen");
  counts.port = (server.address() as AddressInfo).port;
  return counts;
}

function fipsAgent(scope: Scope, options: AgentOptions): Agent {
  const agent = new Agent(options);
  scope.add(() => agent.destroy());
  return agent;
}

/** https.get to 127.0.0.1 (as "localhost"); resolves with the body and the response. */
function get(port: number, path: string, agent: https.Agent, extra: https.RequestOptions = {}): Promise<{ body: string; res: IncomingMessage; reused: boolean }> {
  return within(
    new Promise((resolve, reject) => {
      const req = https.get({ host: "127.0.0.1", port, path, servername: "localhost", agent, ...extra }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ body, res, reused: req.reusedSocket }));
        res.on("error", reject);
      });
      req.on("error", reject);
    }),
    `GET ${path}`,
  );
}

function assertFipsAudit(report: AuditReport): void {
  assert.is(report.policy.id.startsWith("fips-140-3"), true);
  assert.is(report.verdict.algorithmsCompliant, true, report.verdict.reasons.join("; "));
  assert.is(report.verdict.moduleAttested, false);
  assert.is(report.verdict.compliant, false);
  assert.ok(report.verdict.notAttested.some((n) => /not in FIPS mode|cannot be determined/.test(n)), report.verdict.notAttested.join("; "));
}

const t = suite("interop: https and fetch over fipstls");

for (const [pname, provider] of PROVIDERS) {
  t(
    `${pname}: https.get through Agent under fips-140-3, audited as algorithms-compliant and module not attested`,
    scoped(async (scope) => {
      const server = await httpsServer(scope);
      const audits: AuditReport[] = [];
      const agent = fipsAgent(scope, { ca: pki.caPem, provider, ...FIPS, onSecureConnect: (s) => audits.push(s.audit()) });
      const { body, res } = await get(server.port, "/one", agent);
      assert.is(body, "hello /one");
      assert.instance(res.socket, TLSSocket);
      assert.is((res.socket as unknown as TLSSocket).authorized, true);
      assert.is(audits.length, 1);
      assertFipsAudit(audits[0]!);
    }),
  );

  t(
    `${pname}: undici fetch and request, and Node's global fetch, through createUndiciAgent under fips-140-3`,
    scoped(async (scope) => {
      const server = await httpsServer(scope);
      const audits: AuditReport[] = [];
      const dispatcher = createUndiciAgent({ ca: pki.caPem, provider, ...FIPS, onSecureConnect: (s) => audits.push(s.audit()) });
      scope.add(() => dispatcher.destroy());
      const res = await within(undiciFetch(`https://localhost:${server.port}/fetched`, { dispatcher }), "undici fetch");
      assert.is(await res.text(), "hello /fetched");
      const viaRequest = await within(undiciRequest(`https://localhost:${server.port}/requested`, { dispatcher }), "undici request");
      assert.is(await viaRequest.body.text(), "hello /requested");
      const viaGlobal = await within(fetch(`https://localhost:${server.port}/global`, { dispatcher } as RequestInit), "global fetch");
      assert.is(await viaGlobal.text(), "hello /global");
      assert.ok(audits.length >= 1);
      for (const a of audits) assertFipsAudit(a);
    }),
  );
}

t(
  "HTTP/1.1 keep-alive: two requests, one TLS connection (https.Agent and undici)",
  scoped(async (scope) => {
    const server = await httpsServer(scope);
    const agent = fipsAgent(scope, { ca: pki.caPem, keepAlive: true });
    const first = await get(server.port, "/1", agent);
    const second = await get(server.port, "/2", agent);
    assert.is(second.body, "hello /2");
    assert.is(first.reused, false);
    assert.is(second.reused, true);
    assert.is(first.res.socket, second.res.socket);
    assert.equal([server.connections, server.secureConnections], [1, 1]);

    const other = await httpsServer(scope);
    // connections: 1 makes undici wait for the pooled socket rather than open a second one while it frees.
    const dispatcher = createUndiciAgent({ ca: pki.caPem, agent: { connections: 1 } });
    scope.add(() => dispatcher.destroy());
    for (const path of ["/a", "/b"]) {
      const res = await within(undiciFetch(`https://localhost:${other.port}${path}`, { dispatcher }), `fetch ${path}`);
      assert.is(await res.text(), `hello ${path}`);
    }
    assert.equal([other.connections, other.secureConnections], [1, 1]);
  }),
);

t(
  "errors surface as rejected requests whose cause names the failed check",
  scoped(async (scope) => {
    const server = await httpsServer(scope);
    const untrusted = createUndiciAgent({ ca: pki.otherCaPem });
    scope.add(() => untrusted.destroy());
    const err = await rejectionOf(undiciFetch(`https://localhost:${server.port}/`, { dispatcher: untrusted }), "fetch with an untrusted CA");
    assert.instance(err, TypeError);
    assert.instance(err.cause, InvalidCertificate);
    assert.is((err.cause as InvalidCertificate).reason, "UnknownIssuer");

    const wrongName = createUndiciAgent({ ca: pki.caPem, servername: "elsewhere.example" });
    scope.add(() => wrongName.destroy());
    const named = await rejectionOf(undiciFetch(`https://localhost:${server.port}/`, { dispatcher: wrongName }), "fetch with the wrong name");
    assert.is((named.cause as InvalidCertificate).reason, "NotValidForName");

    // A server that only speaks ChaCha20-Poly1305 has nothing fips-140-3 allows.
    const chacha = await httpsServer(scope, { ciphers: "TLS_CHACHA20_POLY1305_SHA256", minVersion: "TLSv1.3" });
    const fips = createUndiciAgent({ ca: pki.caPem, ...FIPS });
    scope.add(() => fips.destroy());
    const refused = await rejectionOf(undiciFetch(`https://localhost:${chacha.port}/`, { dispatcher: fips }), "fetch from a ChaCha20-only server");
    assert.instance(refused.cause, AlertReceived);
    assert.is((refused.cause as AlertReceived).descriptionName, "handshake_failure");
    // The cause says why: what policy fips-140-3 took out of the offer, with its rule (issue 14).
    assert.match((refused.cause as Error).message, /policy fips-140-3-\d{8} refused: [^;]*TLS_CHACHA20_POLY1305_SHA256 \(/, (refused.cause as Error).message);
    // Node's global fetch (its own bundled undici) surfaces the same error as the TypeError's cause.
    const viaGlobal = await rejectionOf(fetch(`https://localhost:${chacha.port}/`, { dispatcher: fips } as RequestInit), "global fetch from a ChaCha20-only server");
    assert.instance(viaGlobal, TypeError);
    assert.instance(viaGlobal.cause, AlertReceived);
    assert.match((viaGlobal.cause as Error).message, /policy fips-140-3-\d{8} refused: [^;]*TLS_CHACHA20_POLY1305_SHA256 \(/);

    const agent = fipsAgent(scope, { ca: pki.otherCaPem });
    const viaHttps = await rejectionOf(get(server.port, "/", agent), "https.get with an untrusted CA");
    assert.is((viaHttps as InvalidCertificate).reason, "UnknownIssuer");
    const option = await rejectionOf(get(server.port, "/", fipsAgent(scope, { ca: pki.caPem }), { ciphers: "HIGH" }), "a request-level ciphers option");
    assert.instance(option, ConfigError);
    assert.is((option as ConfigError).item, "ciphers");
    const plain = await rejectionOf(undiciFetch(`http://localhost:${server.port}/`, { dispatcher: fips }), "http: through the fipstls dispatcher");
    assert.match((plain.cause as Error).message, /https: only/);
  }),
);

t("without undici installed, createUndiciAgent says what to install", () => {
  const nowhere = createRequire(join(tmpdir(), "fipstls-no-undici", "index.js"));
  try {
    loadUndici(nowhere);
    assert.unreachable("loaded undici from a directory without it");
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /npm install undici/);
  }
});

t.run();
