// Session resumption in the sans-IO core, in memory, with each provider: TLS 1.2 by ticket
// (RFC 5077) and by session id (RFC 5246 7.3), TLS 1.3 by PSK (RFC 8446 4.2.11, 4.6.1, also after a
// HelloRetryRequest), what must make a server fall back to a full handshake (expiry, a suite the
// config no longer enables, a tampered ticket, a rotated-out key, another name), ticket key rotation
// and renewal, shared ticket keys, and each side's checks of the other's resumption messages.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { equalBytes, toHex, utf8 } from "../src/codec/bytes.js";
import { decodePem } from "../src/codec/pem.js";
import { buildServerConfig, type ServerOptions } from "../src/config/server.js";
import { ConfigError, InvalidCertificate, TlsError } from "../src/errors.js";
import { ExtensionType } from "../src/msgs/enums.js";
import { decodeClientHello, decodeServerHello, encodeClientHello, encodeServerHello } from "../src/msgs/hello.js";
import type { Extension } from "../src/msgs/extensions.js";
import { decodeSession, encodeSession } from "../src/session/session.js";
import { TicketKeys } from "../src/session/ticket-keys.js";
import { policyByName } from "../src/policy/policies.js";
import type { CryptoProvider } from "../src/crypto/provider.js";
import { makePair, rejection, until } from "./_pair.js";
import { PROVIDERS } from "./_providers.js";
import { rewriteMessage } from "./_tamper.js";

const pki = await makeThrowawayPki({ keyType: "ec-p256" });

for (const [pname, provider] of PROVIDERS) {
  const t = suite(`session resumption (${pname} provider)`);
  const client = (extra: Record<string, unknown> = {}) => ({ provider, serverName: "localhost", roots: pki.caPem, maxVersion: "TLSv1.2" as const, ...extra });
  const server = (extra: Partial<ServerOptions> = {}) => buildServerConfig({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem, ...extra });

  /** One handshake and a byte each way; returns both sides. */
  async function connect(clientOptions: Record<string, unknown>, serverConfig: Awaited<ReturnType<typeof server>>) {
    const pair = await makePair(client(clientOptions), serverConfig);
    await Promise.all([pair.client.conn.handshake, pair.server.conn.handshake]);
    await pair.client.conn.write(utf8("a"));
    await pair.server.conn.write(utf8("b"));
    await until(() => pair.client.data().length === 1 && pair.server.data().length === 1, 5000, "data both ways");
    return pair;
  }

  t("TLS 1.2 ticket: the second connection resumes, on both sides, with the first one's certificates", async () => {
    const sc = await server();
    const first = await connect({}, sc);
    assert.is(first.client.conn.info.resumed, false);
    assert.is(first.client.sessions.length, 1);
    const session = decodeSession(first.client.sessions[0]!);
    assert.ok(session.ticket.length > 0, "a ticket session");
    assert.is(session.sessionId.length, 0);
    assert.is(session.lifetime, 300);

    const second = await connect({ session: first.client.sessions[0] }, sc);
    assert.is(second.client.conn.info.resumed, true);
    assert.is(second.server.conn.info.resumed, true);
    assert.is(second.client.conn.info.cipherSuite, first.client.conn.info.cipherSuite);
    assert.is(second.client.conn.info.extendedMasterSecret, true);
    assert.ok(equalBytes(second.client.conn.info.peerCertificates[0]!, first.client.conn.info.peerCertificates[0]!));
    // Fresh randoms, fresh keys: the exporters of the two connections differ.
    const label = "EXPERIMENTAL test";
    const a = await first.client.conn.exportKeyingMaterial(label, new Uint8Array(0), 32);
    const b = await second.client.conn.exportKeyingMaterial(label, new Uint8Array(0), 32);
    assert.not.ok(equalBytes(a, b));
    assert.ok(equalBytes(b, await second.server.conn.exportKeyingMaterial(label, new Uint8Array(0), 32)));
    // A ticket under the current key is not renewed; the connection still has its session, as node:tls's getSession() does.
    assert.is(second.client.sessions.length, 0);
    assert.ok(equalBytes(decodeSession(second.client.conn.session!).ticket, session.ticket));
    // Key logging of a resumed handshake gives the session's master secret.
    const logged: string[] = [];
    await connect({ session: first.client.sessions[0], keyLog: (line: string) => logged.push(line) }, sc);
    assert.equal(logged.map((l) => l.split(" ")[0]), ["CLIENT_RANDOM"]);
    assert.is(logged[0]!.split(" ")[2], toHex(session.secret));
  });

  t("TLS 1.2 session id: a server without tickets resumes from its cache", async () => {
    const sc = await server({ sessionTickets: false });
    const first = await connect({}, sc);
    const session = decodeSession(first.client.sessions[0]!);
    assert.is(session.ticket.length, 0);
    assert.is(session.sessionId.length, 32);
    assert.is(sc.sessionCache!.size, 1);
    const second = await connect({ session: first.client.sessions[0] }, sc);
    assert.is(second.client.conn.info.resumed, true);
    assert.is(second.server.conn.info.resumed, true);
  });

  t("a server with resumption off (sessionTimeout 0) answers every hello with a full handshake", async () => {
    const sc = await server({ sessionTimeout: 0 });
    const first = await connect({}, sc);
    assert.is(first.client.sessions.length, 0, "no ticket, no id: nothing to keep");
  });

  t("full handshake instead: expired, suite no longer enabled, tampered ticket, another server's ticket", async () => {
    let clock = Date.now();
    const sc = await server({ now: () => new Date(clock) });
    const first = await connect({}, sc);
    const bytes = first.client.sessions[0]!;
    clock += 301_000;
    assert.is((await connect({ session: bytes, now: () => new Date(Date.now() - 1000) }, sc)).server.conn.info.resumed, false, "expired at the server");
    clock -= 301_000;

    const other = first.client.conn.info.cipherSuite === "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" ? "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" : "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    const narrowed = await server({ now: () => new Date(clock), ticketKeys: sc.ticketKeys!, cipherSuites: [other] });
    const moved = await connect({ session: bytes }, narrowed);
    assert.is(moved.server.conn.info.resumed, false, "the session's suite is not enabled any more");
    assert.is(moved.client.conn.info.cipherSuite, other);

    const s = decodeSession(bytes);
    const ticket = s.ticket.slice();
    ticket[ticket.length - 1]! ^= 1;
    const tampered = await connect({ session: encodeSession({ ...s, ticket }) }, sc);
    assert.is(tampered.server.conn.info.resumed, false, "a ticket that does not authenticate");
    assert.is(tampered.client.sessions.length, 1, "and a fresh ticket for the full handshake");

    assert.is((await connect({ session: bytes }, await server())).server.conn.info.resumed, false, "another server's keys");
  });

  t("the client does not offer a session that expired, is for another name, or whose suite it no longer enables", async () => {
    const sc = await server();
    const first = await connect({}, sc);
    const bytes = first.client.sessions[0]!;
    const later = await connect({ session: bytes, now: () => new Date(Date.now() + 301_000) }, sc);
    assert.is(later.client.conn.info.resumed, false);
    const s = decodeSession(bytes);
    const renamed = await connect({ session: encodeSession({ ...s, serverName: "example.com" }) }, sc);
    assert.is(renamed.client.conn.info.resumed, false);
    const suite = first.client.conn.info.cipherSuite === "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" ? "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" : "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    assert.is((await connect({ session: bytes, cipherSuites: [suite] }, sc)).client.conn.info.resumed, false);
    // A chain verified under this policy and not expired is trusted as verified; else it is verified now.
    assert.is(s.verifiedUnder, policyByName("default").id);
    assert.ok(s.verifiedUntil > Date.now());
    const otherRoot = await makeThrowawayPki({ keyType: "ec-p256" });
    const foreign = await makePair(client({ session: encodeSession({ ...s, verifiedUntil: 0, peerCertificates: [decodePem(otherRoot.certPem)[0]!.der] }) }), sc);
    await foreign.client.conn.handshake;
    assert.is(foreign.client.conn.info.resumed, false, "an unverified chain that does not verify now");
    const unverified = await connect({ dangerouslyDisableCertificateVerification: true }, sc);
    const mark = decodeSession(unverified.client.sessions[0]!);
    assert.is(mark.verifiedUntil, 0);
    assert.is((await connect({ session: unverified.client.sessions[0] }, sc)).client.conn.info.resumed, true, "verified now, against the config's roots");
    // Under roots that do not anchor it the session is not offered, so the full handshake fails on the certificate.
    const strange = await makePair(client({ session: unverified.client.sessions[0], roots: otherRoot.caPem }), sc);
    assert.instance(await rejection(strange.client.conn.handshake), InvalidCertificate);
    const fips = await connect({ session: bytes, policy: "fips-140-3" }, sc);
    assert.is(fips.client.conn.info.resumed, true, "verified again under another policy, and accepted by it");
  });

  t("ticket keys rotate on the config's clock; a ticket under the previous key resumes and is renewed", async () => {
    let clock = Date.now();
    const sc = await server({ now: () => new Date(clock), sessionTimeout: 100 });
    const now = () => new Date(clock);
    await connect({ now }, sc);
    clock += 80_000;
    // 80 s on, a new session, sealed late in the first key's period.
    const first = await connect({ now }, sc);
    const ticket = decodeSession(first.client.sessions[0]!).ticket;
    clock += 10_000;
    assert.is((await connect({ session: first.client.sessions[0], now }, sc)).client.sessions.length, 0, "the key still seals: no renewal");
    clock += 20_000;
    // 110 s: a new key seals; the old one still opens, so the client resumes and gets a fresh ticket.
    const renewed = await connect({ session: first.client.sessions[0], now }, sc);
    assert.is(renewed.server.conn.info.resumed, true);
    assert.is(renewed.client.sessions.length, 1);
    const fresh = decodeSession(renewed.client.sessions[0]!);
    assert.not.ok(equalBytes(fresh.ticket, ticket));
    assert.is(fresh.lifetime, 70, "the renewed ticket keeps the session's age");
    clock += 71_000;
    assert.is((await connect({ session: renewed.client.sessions[0], now: () => new Date(clock - 71_000) }, sc)).server.conn.info.resumed, false, "and its end");
  });

  t("servers sharing ticketKeys resume each other's sessions; setting keys stops rotation", async () => {
    const material = provider.random(48);
    const a = await server({ ticketKeys: material });
    const b = await server({ ticketKeys: material });
    const first = await connect({}, a);
    assert.is((await connect({ session: first.client.sessions[0] }, b)).server.conn.info.resumed, true);
    assert.ok(equalBytes(a.ticketKeys!.current(), material));
  });

  t("TLS 1.3 negotiated: a TLS 1.2 session is not resumed, and nothing breaks", async () => {
    const sc = await server();
    const first = await connect({}, sc);
    const pair = await makePair(client({ session: first.client.sessions[0], maxVersion: "TLSv1.3" }), sc);
    await Promise.all([pair.client.conn.handshake, pair.server.conn.handshake]);
    assert.is(pair.client.conn.info.version, "TLSv1.3");
    assert.is(pair.client.conn.info.resumed, false);
  });

  t("fips-140-3: resumption keeps the Extended Master Secret", async () => {
    const sc = await server({ policy: "fips-140-3" });
    const first = await connect({ policy: "fips-140-3" }, sc);
    const second = await connect({ policy: "fips-140-3", session: first.client.sessions[0] }, sc);
    assert.is(second.client.conn.info.resumed, true);
    assert.is(second.client.conn.info.extendedMasterSecret, true);
  });

  const client13 = (extra: Record<string, unknown> = {}) => client({ maxVersion: "TLSv1.3", minVersion: "TLSv1.3", ...extra });
  /** A TLS 1.3 connection that also waits for the tickets a server sends after its handshake (one at most after a resumption, as OpenSSL). */
  async function connect13(extra: Record<string, unknown>, sc: Awaited<ReturnType<typeof server>>, tickets = extra.session === undefined ? sc.tls13Tickets : Math.min(1, sc.tls13Tickets)) {
    const pair = await makePair(client13(extra), sc);
    await Promise.all([pair.client.conn.handshake, pair.server.conn.handshake]);
    await pair.client.conn.write(utf8("a"));
    await until(() => pair.server.data().length === 1 && pair.client.sessions.length >= tickets, 5000, `${tickets} tickets`);
    return pair;
  }

  t("TLS 1.3: two tickets after the handshake; each resumes with a fresh key exchange and no certificate", async () => {
    const sc = await server();
    const first = await connect13({}, sc);
    assert.is(first.client.sessions.length, 2);
    const [a, b] = first.client.sessions.map(decodeSession);
    assert.is(a!.version, "TLSv1.3");
    assert.not.ok(equalBytes(a!.secret, b!.secret), "one PSK per ticket nonce");
    assert.not.ok(equalBytes(a!.ticket, b!.ticket));
    for (const session of first.client.sessions) {
      const again = await connect13({ session }, sc);
      assert.is(again.client.conn.info.resumed, true);
      assert.is(again.server.conn.info.resumed, true);
      assert.is(again.client.conn.info.signatureScheme, first.client.conn.info.signatureScheme);
      assert.ok(equalBytes(again.client.conn.info.peerCertificates[0]!, first.client.conn.info.peerCertificates[0]!));
      assert.is(again.client.sessions.length, 1, "a resumed handshake brings one new ticket, as OpenSSL's");
    }
  });

  t("TLS 1.3: resumption after a HelloRetryRequest recomputes the binder over the retried hello", async () => {
    const sc = await server({ groups: ["secp384r1", "secp256r1"], preferGroupOverShare: true });
    const first = await connect13({ groups: ["secp256r1", "secp384r1"] }, sc);
    const again = await connect13({ session: first.client.sessions[0], groups: ["secp256r1", "secp384r1"] }, sc);
    assert.is(again.client.conn.info.helloRetryRequest, true);
    assert.is(again.client.conn.info.resumed, true);
    assert.is(again.client.conn.info.group, "secp384r1");
  });

  t("TLS 1.3: mutual TLS resumes with the client's certificate; a server that now requires one does a full handshake", async () => {
    const mtls = { clientAuth: "required" as const, clientRoots: pki.caPem };
    const sc = await server(mtls);
    const first = await connect13({ certificateChain: pki.certPem, privateKey: pki.keyPem }, sc);
    const again = await connect13({ session: first.client.sessions[0], certificateChain: pki.certPem, privateKey: pki.keyPem }, sc);
    assert.is(again.server.conn.info.resumed, true);
    assert.is(again.server.conn.info.peerCertificates.length, 1);
    const open = await server({ ticketKeys: sc.ticketKeys! });
    const anonymous = await connect13({}, open);
    const shared = await server({ ...mtls, ticketKeys: sc.ticketKeys! });
    const refused = await connect13({ session: anonymous.client.sessions[0], certificateChain: pki.certPem, privateKey: pki.keyPem }, shared);
    assert.is(refused.server.conn.info.resumed, false);
  });

  t("TLS 1.3: no tickets with tls13Tickets 0 or sessionTickets false; expired and renamed sessions are full handshakes", async () => {
    assert.is((await connect13({}, await server({ tls13Tickets: 0 }), 0)).client.sessions.length, 0);
    assert.is((await connect13({}, await server({ sessionTickets: false }), 0)).client.sessions.length, 0);
    let clock = Date.now();
    const sc = await server({ now: () => new Date(clock) });
    const first = await connect13({}, sc);
    clock += 301_000;
    assert.is((await connect13({ session: first.client.sessions[0] }, sc, 0)).server.conn.info.resumed, false, "expired at the server");
    clock -= 301_000;
    const s = decodeSession(first.client.sessions[0]!);
    assert.is((await connect13({ session: encodeSession({ ...s, serverName: "example.com" }) }, sc)).client.conn.info.resumed, false);
  });

  t("TLS 1.3 and 1.2 enabled: a TLS 1.3 session resumes as TLS 1.3; a TLS 1.2 server ignores it", async () => {
    const sc = await server();
    const first = await connect13({}, sc);
    const both = await makePair(client({ session: first.client.sessions[0], maxVersion: "TLSv1.3" }), sc);
    await both.client.conn.handshake;
    assert.is(both.client.conn.info.resumed, true);
    const only12 = await makePair(client({ session: first.client.sessions[0], maxVersion: "TLSv1.3" }), await server({ maxVersion: "TLSv1.2", ticketKeys: sc.ticketKeys! }));
    await only12.client.conn.handshake;
    assert.is(only12.client.conn.info.version, "TLSv1.2");
    assert.is(only12.client.conn.info.resumed, false);
  });

  t.run();
}

const h = suite("session resumption: hostile servers and bad input");
const provider = PROVIDERS[0]![1];
const clientOptions = { provider, serverName: "localhost", roots: pki.caPem, maxVersion: "TLSv1.2" as const };
const serverOptions = { provider, certificateChain: pki.certPem, privateKey: pki.keyPem };

async function firstSession(): Promise<{ bytes: Uint8Array; config: Awaited<ReturnType<typeof buildServerConfig>> }> {
  const config = await buildServerConfig(serverOptions);
  const pair = await makePair(clientOptions, config);
  await pair.client.conn.handshake;
  return { bytes: pair.client.sessions[0]!, config };
}

/** Rewrites the resuming ServerHello; returns the client's error. */
async function resumedHelloRewritten(rewrite: (sh: ReturnType<typeof decodeServerHello>) => Parameters<typeof encodeServerHello>[0]): Promise<TlsError> {
  const { bytes, config } = await firstSession();
  const tamper = rewriteMessage("s2c", 2, (body) => encodeServerHello(rewrite(decodeServerHello(body))));
  const pair = await makePair({ ...clientOptions, session: bytes }, config, { tamper });
  return (await rejection(pair.client.conn.handshake)) as TlsError;
}

const RESUMPTION_LABEL = toHex(utf8("tls13 resumption"));

/** The provider, with the HMACs that turn tickets into PSKs (the "resumption" label) delayed or failed by `each` (0, 1, …). */
function ticketHmac(each: (call: number) => Promise<void>, psks: Uint8Array[] = []): CryptoProvider {
  let calls = 0;
  return {
    ...provider,
    hmac: async (hash, key, data) => {
      if (!toHex(data).includes(RESUMPTION_LABEL)) return provider.hmac(hash, key, data);
      const call = calls++;
      await each(call);
      const psk = await provider.hmac(hash, key, data);
      psks[call] = psk;
      return psk;
    },
  };
}

h("TLS 1.3 client: data after the tickets does not wait for their sessions, which still come in ticket order", async () => {
  // The first ticket's PSK takes longest: sessions handed over as their PSKs are ready would come swapped.
  const psks: Uint8Array[] = [];
  const slow = ticketHmac((call) => new Promise((r) => setTimeout(r, call === 0 ? 80 : 5)), psks);
  const pair = await makePair({ ...clientOptions, provider: slow, maxVersion: "TLSv1.3" }, serverOptions);
  await Promise.all([pair.client.conn.handshake, pair.server.conn.handshake]);
  await pair.server.conn.write(utf8("after the tickets"));
  await until(() => pair.client.data().length > 0, 5000, "the data");
  assert.is(pair.client.sessions.length, 0, "the data came before the sessions");
  await until(() => pair.client.sessions.length === 2, 5000, "both sessions");
  assert.is(psks.length, 2);
  for (let i = 0; i < 2; i++) assert.ok(equalBytes(decodeSession(pair.client.sessions[i]!).secret, psks[i]!), `session ${i} is ticket ${i}'s`);
});

h("TLS 1.3 client: a session that cannot be made from a ticket fails the connection (internal_error)", async () => {
  const failing = ticketHmac(() => Promise.reject(new Error("HMAC unavailable")));
  const pair = await makePair({ ...clientOptions, provider: failing, maxVersion: "TLSv1.3" }, serverOptions);
  await pair.client.conn.handshake;
  await until(() => pair.client.error !== null && pair.server.error !== null, 5000, "both sides failed");
  assert.match(pair.client.error!.message, /HMAC unavailable/);
  assert.instance(pair.server.error, TlsError);
  assert.is((pair.server.error as TlsError).alert, "internal_error");
  assert.is(pair.client.sessions.length, 0);
});

h("a resuming ServerHello with another suite is illegal_parameter", async () => {
  const e = await resumedHelloRewritten((sh) => ({
    random: sh.random,
    legacySessionIdEcho: sh.legacySessionIdEcho,
    cipherSuite: sh.cipherSuite === 0xc02b ? 0xc02c : 0xc02b,
    extensions: sh.extensions.list,
  }));
  assert.instance(e, TlsError);
  assert.is(e.alert, "illegal_parameter");
  assert.match(e.message, /ResumedWithDifferentCipherSuite/);
});

h("a resuming ServerHello without the Extended Master Secret of the session is handshake_failure (RFC 7627 5.3)", async () => {
  const e = await resumedHelloRewritten((sh) => ({
    random: sh.random,
    legacySessionIdEcho: sh.legacySessionIdEcho,
    cipherSuite: sh.cipherSuite,
    extensions: sh.extensions.list.filter((x) => x.type !== ExtensionType.ExtendedMasterSecret),
  }));
  assert.is(e.alert, "handshake_failure");
  assert.match(e.message, /ResumedWithoutExtendedMasterSecret/);
});

h("a session_ticket extension with data in a ServerHello is decode_error", async () => {
  const e = await resumedHelloRewritten((sh) => ({
    random: sh.random,
    legacySessionIdEcho: sh.legacySessionIdEcho,
    cipherSuite: sh.cipherSuite,
    extensions: [...sh.extensions.list.filter((x) => x.type !== ExtensionType.SessionTicket), { type: ExtensionType.SessionTicket, data: new Uint8Array([1]) }],
  }));
  assert.is(e.alert, "decode_error");
});

/** A TLS 1.3 session from a first connection, and the server config that issued it. */
async function firstSession13() {
  const config = await buildServerConfig(serverOptions);
  const pair = await makePair({ ...clientOptions, maxVersion: "TLSv1.3" }, config);
  await pair.client.conn.handshake;
  await until(() => pair.client.sessions.length > 0, 5000, "a ticket");
  return { bytes: pair.client.sessions[0]!, config };
}

h("TLS 1.3: a binder that does not verify is decrypt_error at the server", async () => {
  const { bytes, config } = await firstSession13();
  const s = decodeSession(bytes);
  const secret = s.secret.slice();
  secret[0]! ^= 1;
  const pair = await makePair({ ...clientOptions, maxVersion: "TLSv1.3", session: encodeSession({ ...s, secret }) }, config);
  const e = (await rejection(pair.server.conn.handshake)) as TlsError;
  assert.is(e.alert, "decrypt_error");
  assert.match(e.message, /PskBinderDoesNotVerify/);
});

h("TLS 1.3: pre_shared_key not last is illegal_parameter; without psk_key_exchange_modes, missing_extension", async () => {
  const { bytes, config } = await firstSession13();
  const rewrite = (edit: (list: Extension[]) => Extension[]) =>
    rewriteMessage("c2s", 1, (body) => {
      const ch = decodeClientHello(body);
      return encodeClientHello({ random: ch.random, legacySessionId: ch.legacySessionId, cipherSuites: ch.cipherSuites, extensions: edit([...ch.extensions.list]) });
    });
  const moved = await makePair({ ...clientOptions, maxVersion: "TLSv1.3", session: bytes }, config, {
    tamper: rewrite((list) => {
      const psk = list.pop()!;
      return [psk, ...list];
    }),
  });
  assert.is(((await rejection(moved.server.conn.handshake)) as TlsError).alert, "illegal_parameter");
  const noModes = await makePair({ ...clientOptions, maxVersion: "TLSv1.3", session: bytes }, config, {
    tamper: rewrite((list) => list.filter((e) => e.type !== ExtensionType.PskKeyExchangeModes)),
  });
  assert.is(((await rejection(noModes.server.conn.handshake)) as TlsError).alert, "missing_extension");
});

h("TLS 1.3: a ServerHello selecting an identity we did not offer is illegal_parameter", async () => {
  const { bytes, config } = await firstSession13();
  const tamper = rewriteMessage("s2c", 2, (body) => {
    const sh = decodeServerHello(body);
    const list = sh.extensions.list.map((e) => (e.type === ExtensionType.PreSharedKey ? { type: e.type, data: new Uint8Array([0, 1]) } : e));
    return encodeServerHello({ random: sh.random, legacySessionIdEcho: sh.legacySessionIdEcho, cipherSuite: sh.cipherSuite, extensions: list });
  });
  const pair = await makePair({ ...clientOptions, maxVersion: "TLSv1.3", session: bytes }, config, { tamper });
  const e = (await rejection(pair.client.conn.handshake)) as TlsError;
  assert.is(e.alert, "illegal_parameter");
  assert.match(e.message, /SelectedUnofferedPsk/);
});

h("session bytes that are not a session are a ConfigError; every truncation of a real one is too", async () => {
  const { bytes } = await firstSession();
  for (let cut = 0; cut < bytes.length; cut += 7) {
    const e = await rejection(makePair({ ...clientOptions, session: bytes.subarray(0, cut) }, serverOptions));
    assert.instance(e, ConfigError, `cut at ${cut}`);
  }
});

h("TicketKeys: a key seals for one period and opens for two; foreign and altered tickets do not open", async () => {
  let now = 0;
  const keys = new TicketKeys(provider, 1000, () => now);
  const ticket = await keys.seal(utf8("state"));
  assert.equal((await keys.open(ticket))?.renew, false);
  now = 1500;
  await keys.seal(utf8("next"));
  assert.equal((await keys.open(ticket))?.renew, true);
  now = 2001;
  assert.is(await keys.open(ticket), null);
  assert.is(await keys.open(ticket.subarray(0, 20)), null);
  assert.throws(() => keys.set(new Uint8Array(47)), (e: Error) => e instanceof ConfigError);
});

h.run();
