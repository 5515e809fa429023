// OCSP stapling between our own client and server, TLS 1.3 (CertificateEntry status_request) and
// TLS 1.2 (status_request echo + CertificateStatus): what revocation.staple makes of a staple that is
// good, revoked, for another certificate or absent; the server's fixed and callback staples; config errors.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildClientConfig } from "../src/config/client.js";
import { buildServerConfig } from "../src/config/server.js";
import type { OcspStapleRequest } from "../src/config/ocsp-stapling.js";
import { ConfigError, InvalidCertificate } from "../src/errors.js";
import type { TlsVersionName } from "../src/handshake/info.js";
import { makePair, rejection, until } from "./_pair.js";
import { PROVIDERS } from "./_providers.js";
import { OcspPki } from "./ocsp-pki.js";

const o = new OcspPki();
const good = o.respond();
const revoked = o.respond({ status: "revoked" });
const forOther = o.respond({ cert: o.pki.issue(o.intermediate, { dns: ["other.example"] }) });
// A must-staple leaf (RFC 7633 TLS Feature status_request).
const mustLeaf = o.pki.issue(o.intermediate, { dns: ["example.com"], extensions: ["tlsfeature = status_request"], key: o.pki.freshKey("ec-p256") });
const mustGood = o.respond({ cert: mustLeaf });
const provider = PROVIDERS[0]![1];

for (const version of ["TLSv1.3", "TLSv1.2"] as TlsVersionName[]) {
  const t = suite(`ocsp stapling in the handshake (${version})`);
  const v = { minVersion: version, maxVersion: version };
  const server = (ocspResponse?: Uint8Array | ((r: OcspStapleRequest) => Uint8Array | null)) => ({
    provider,
    certificateChain: [o.leaf.pem, o.intermediate.pem],
    privateKey: o.leaf.key.pem,
    ...v,
    ...(ocspResponse !== undefined ? { ocspResponse } : {}),
  });
  const client = (extra: object = {}) => ({ provider, serverName: "example.com", roots: o.root.pem, ...v, ...extra });

  t("a good staple passes revocation.staple \"require\" and is reported as info.ocspResponse", async () => {
    const { client: c } = await makePair(client({ revocation: { staple: "require" } }), server(good));
    await c.conn.handshake;
    assert.is(c.conn.info.version, version);
    assert.equal(Array.from(c.conn.info.ocspResponse ?? []), Array.from(good));
  });

  t("under the fips-140-3 policy on both sides, the staple is checked the same way", async () => {
    const fips = { policy: "fips-140-3" as const };
    const { client: c } = await makePair(client({ ...fips, revocation: { staple: "require" } }), { ...server(good), ...fips });
    await c.conn.handshake;
    assert.equal(Array.from(c.conn.info.ocspResponse ?? []), Array.from(good));
    const { client: c2 } = await makePair(client({ ...fips, revocation: { staple: "require" } }), { ...server(revoked), ...fips });
    assert.is(((await rejection(c2.conn.handshake)) as InvalidCertificate).reason, "Revoked");
  });

  t("a must-staple certificate without a staple fails even under \"prefer\"; with one it passes", async () => {
    const must = (ocspResponse?: Uint8Array) => ({ ...server(ocspResponse), certificateChain: [mustLeaf.pem, o.intermediate.pem], privateKey: mustLeaf.key.pem });
    const { client: c } = await makePair(client({ revocation: { staple: "prefer" } }), must());
    const e = (await rejection(c.conn.handshake)) as InvalidCertificate;
    assert.is(e.reason, "OcspStapleMissing");
    assert.match(e.message, /must-staple/);
    const { client: c2 } = await makePair(client({ revocation: { staple: "prefer" } }), must(mustGood));
    await c2.conn.handshake;
    // Not asked to judge staples, the client does not judge their absence either.
    const { client: c3 } = await makePair(client({ requestOcsp: true }), must());
    await c3.conn.handshake;
  });

  t("revoked: Revoked, and the server reads certificate_revoked", async () => {
    const { client: c, server: s } = await makePair(client({ revocation: { staple: "prefer" } }), server(revoked));
    const e = await rejection(c.conn.handshake);
    assert.instance(e, InvalidCertificate);
    assert.is((e as InvalidCertificate).reason, "Revoked");
    assert.match((await rejection(s.conn.handshake)).message, /certificate_revoked/);
  });

  t("a staple for another certificate: OcspResponseInvalid, alert bad_certificate_status_response (113)", async () => {
    const { client: c, server: s } = await makePair(client({ revocation: { staple: "prefer" } }), server(forOther));
    const e = (await rejection(c.conn.handshake)) as InvalidCertificate;
    assert.is(e.reason, "OcspResponseInvalid");
    assert.is(e.alertCode, 113);
    assert.match((await rejection(s.conn.handshake)).message, /bad_certificate_status_response/);
  });

  t("no staple: \"prefer\" goes on, \"require\" fails with OcspStapleMissing (certificate_unknown)", async () => {
    const { client: c } = await makePair(client({ revocation: { staple: "prefer" } }), server());
    await c.conn.handshake;
    assert.is(c.conn.info.ocspResponse, undefined);
    const { client: c2, server: s2 } = await makePair(client({ revocation: { staple: "require" } }), server());
    const e = (await rejection(c2.conn.handshake)) as InvalidCertificate;
    assert.is(e.reason, "OcspStapleMissing");
    assert.match((await rejection(s2.conn.handshake)).message, /certificate_unknown/);
  });

  t("the server staples only when asked; requestOcsp reports a staple without judging it", async () => {
    const { client: c } = await makePair(client(), server(revoked));
    await c.conn.handshake;
    assert.is(c.conn.info.ocspResponse, undefined);
    const { client: c2 } = await makePair(client({ requestOcsp: true }), server(revoked));
    await c2.conn.handshake;
    assert.equal(Array.from(c2.conn.info.ocspResponse ?? []), Array.from(revoked));
  });

  t("a staple callback is asked on each handshake with leaf, issuer and server name; null staples nothing", async () => {
    const seen: OcspStapleRequest[] = [];
    let answer: Uint8Array | null = good;
    const sc = await buildServerConfig({ ...server((r) => (seen.push(r), answer)), sessionTimeout: 0 });
    const { client: c } = await makePair(client({ revocation: { staple: "require" } }), sc);
    await c.conn.handshake;
    assert.is(seen.length, 1);
    assert.equal(Array.from(seen[0]!.certificate), Array.from(o.leaf.der));
    assert.equal(Array.from(seen[0]!.issuer!), Array.from(o.intermediate.der));
    assert.is(seen[0]!.serverName, "example.com");
    answer = null;
    const { client: c2 } = await makePair(client({ revocation: { staple: "prefer" } }), sc);
    await c2.conn.handshake;
    assert.is(seen.length, 2);
    assert.is(c2.conn.info.ocspResponse, undefined);
    // A client that does not ask does not cause a call.
    const { client: c3 } = await makePair(client(), sc);
    await c3.conn.handshake;
    assert.is(seen.length, 2);
  });

  t("resumption: \"require\" resumes only a session whose full handshake checked a staple that is still current", async () => {
    const sc = await buildServerConfig(server(good));
    const first = await makePair(client({ revocation: { staple: "require" } }), sc);
    await first.client.conn.handshake;
    await until(() => first.client.sessions.length > 0, 5000, "a session");
    const stapled = first.client.sessions[0]!;
    const again = await makePair(client({ revocation: { staple: "require" }, session: stapled }), sc);
    await again.client.conn.handshake;
    assert.is(again.client.conn.info.resumed, true);
    // A session made without a staple check is not offered: a full handshake checks the staple.
    const plain = await makePair(client(), sc);
    await plain.client.conn.handshake;
    await until(() => plain.client.sessions.length > 0, 5000, "a session");
    const full = await makePair(client({ revocation: { staple: "require" }, session: plain.client.sessions[0]! }), sc);
    await full.client.conn.handshake;
    assert.is(full.client.conn.info.resumed, false);
    assert.ok(full.client.conn.info.ocspResponse !== undefined);
    // Past the staple's nextUpdate (here one minute after thisUpdate), though the ticket is still
    // good for five, the stapled session is not offered, and the full handshake finds the staple expired.
    // Made now, not when the module loaded: it must still be current for the first connection.
    const briefServer = await buildServerConfig(server(o.respond({ validMinutes: 1 })));
    const short = await makePair(client({ revocation: { staple: "require" } }), briefServer);
    await short.client.conn.handshake;
    await until(() => short.client.sessions.length > 0, 5000, "a session");
    const later = () => new Date(Date.now() + 2 * 60_000);
    const stale = await makePair(client({ revocation: { staple: "require" }, session: short.client.sessions[0]!, now: later }), briefServer);
    assert.is(((await rejection(stale.client.conn.handshake)) as InvalidCertificate).reason, "OcspResponseExpired");
    // "prefer" still resumes it (after verifying the chain again): resuming sends no staple to judge.
    const preferred = await makePair(client({ revocation: { staple: "prefer" }, session: short.client.sessions[0]!, now: later }), briefServer);
    await preferred.client.conn.handshake;
    assert.is(preferred.client.conn.info.resumed, true);
  });

  t.run();
}

const cfg = suite("ocsp stapling: configuration");
const configError = async (p: Promise<unknown>, item: string) => {
  const e = await rejection(p);
  assert.instance(e, ConfigError);
  assert.is((e as ConfigError).item, item, e.message);
};

cfg("bad options are ConfigErrors naming the option", async () => {
  const base = { provider, serverName: "example.com", roots: o.root.pem };
  await configError(buildClientConfig({ ...base, revocation: { staple: "maybe" as "prefer" } }), "revocation.staple");
  await configError(buildClientConfig({ ...base, revocation: { staple: "prefer", stapleClockSkew: -1 } }), "revocation.stapleClockSkew");
  await configError(buildClientConfig({ provider, dangerouslyDisableCertificateVerification: true, revocation: { staple: "prefer" } }), "revocation.staple");
  const srv = { provider, certificateChain: o.leaf.pem, privateKey: o.leaf.key.pem };
  await configError(buildServerConfig({ ...srv, ocspResponse: Uint8Array.of(1, 2, 3) }), "ocspResponse");
  await configError(buildServerConfig({ ...srv, ocspResponse: "x" as unknown as Uint8Array }), "ocspResponse");
  // revocation without CRLs and with only staple set is fine and sends status_request.
  const c = await buildClientConfig({ ...base, revocation: { staple: "prefer" } });
  assert.is(c.requestOcsp, true);
  assert.is(c.staple, "prefer");
  assert.is((await buildClientConfig(base)).requestOcsp, false);
});

cfg.run();
