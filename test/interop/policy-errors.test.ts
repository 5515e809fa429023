// Handshakes that fail because a policy narrowed what fipstls offers or accepts say so, against node:tls:
// the client's error names what the policy refused (with rule and reference) when the server answers
// handshake_failure, and the server's names the client's offer, what it enables and what the policy took out.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type CertSet, fipsConnectError, fipsServer, interopPki, nodeTlsConnect, nodeTlsServer, scoped, within } from "./peers.js";

const cert = (): CertSet => interopPki().certs.find((c) => c.kind === "ecdsa-p256")!;
// Node's own crypto is not in FIPS mode here: the policy's rules apply, attestation is waived.
const fips = { policy: "fips-140-3", requireFipsProvider: false } as const;

const t = suite("policy errors: what the policy did, named in the failure");

t("client: a node:tls server with only ChaCha20-Poly1305 answers handshake_failure; the error names the policy's refusal", scoped(async (scope) => {
  const server = await nodeTlsServer(scope, { cert: cert().certPem, key: cert().keyPem, ciphers: "TLS_CHACHA20_POLY1305_SHA256" });
  const e = await fipsConnectError(scope, { port: server.port, servername: "localhost", ca: interopPki().caPem, ...fips });
  // The same code node:tls gives for a received handshake_failure.
  assert.match((e as { code?: string }).code ?? "", /ALERT_HANDSHAKE_FAILURE$/, e.message);
  assert.match(e.message, /handshake_failure/);
  assert.match(e.message, /policy fips-140-3-\d{8} refused: [^;]*TLS_CHACHA20_POLY1305_SHA256 \(/, e.message);
  assert.match(e.message, /we offered TLSv1\.2, TLSv1\.3; suites TLS_AES_128_GCM_SHA256/, e.message);
}));

t("server: a node:tls client offering only ChaCha20-Poly1305 is refused; the server's error names its offer and the policy's refusal", scoped(async (scope) => {
  const server = await fipsServer(scope, { cert: cert().certPem, key: cert().keyPem, ...fips });
  const failed = nodeTlsConnect(scope, { port: server.port, ca: interopPki().caPem, ciphers: "TLS_CHACHA20_POLY1305_SHA256" });
  failed.catch(() => undefined);
  const e = await server.errors.next("the server's tlsClientError");
  await within(failed.then(() => assert.unreachable("the node:tls client connected"), () => undefined), "the client's failure");
  assert.match(e.message, /NoCipherSuiteMatch: client offered TLS_CHACHA20_POLY1305_SHA256/, e.message);
  assert.match(e.message, /we enable TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384/, e.message);
  assert.match(e.message, /policy fips-140-3-\d{8} refused: [^;]*TLS_CHACHA20_POLY1305_SHA256 \(/, e.message);
}));

t("client: without a policy refusal the alert is reported as it came (nothing to explain)", scoped(async (scope) => {
  const server = await nodeTlsServer(scope, { cert: cert().certPem, key: cert().keyPem, ciphers: "TLS_AES_256_GCM_SHA384" });
  const e = await fipsConnectError(scope, { port: server.port, servername: "localhost", ca: interopPki().caPem, tls: { cipherSuites: ["TLS_AES_128_GCM_SHA256"] } });
  assert.match(e.message, /^peer sent alert handshake_failure \(level fatal\)$/, e.message);
}));

t.run();
