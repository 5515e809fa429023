// The key schedule, record protection and CertificateVerify against RFC 8448 section 3
// ("Simple 1-RTT Handshake"), byte for byte, with each provider.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { concat, fromHex, toHex } from "../src/codec/bytes.js";
import { KeySchedule } from "../src/tls13/key-schedule.js";
import { hkdfExtract } from "../src/tls13/hkdf.js";
import { suiteById } from "../src/suites/cipher-suites.js";
import { Tls13AeadProtection } from "../src/record/tls13-aead.js";
import { decodeCertificate, decodeEncryptedExtensions, decodeNewSessionTicket, encodeNewSessionTicket } from "../src/msgs/handshake.js";
import { decodeClientHello, decodeServerHello } from "../src/msgs/hello.js";
import { decodeKeyShareClient, decodeKeyShareServer } from "../src/msgs/extensions.js";
import { ExtensionType } from "../src/msgs/enums.js";
import { parseCertificate } from "../src/verify/certificate.js";
import { verifyCertificateVerify } from "../src/tls13/certificate-verify.js";
import { SCHEMES } from "../src/suites/signature-schemes.js";
import { PROVIDERS } from "./_providers.js";

const vectors = JSON.parse(readFileSync(new URL("../../test/vectors/rfc8448-simple-1rtt.json", import.meta.url), "utf8")) as {
  values: Record<string, string>;
};
const v = (name: string): Uint8Array => {
  const hex = vectors.values[name];
  if (hex === undefined) throw new Error(`vector ${name} missing`);
  return fromHex(hex);
};
const hexOf = (b: Uint8Array): string => toHex(b);
const suite128 = suiteById(0x1301)!;

const codec = suite("RFC 8448 messages decode");
codec("ClientHello and ServerHello", () => {
  const ch = decodeClientHello(v("client_hello").subarray(4));
  assert.equal(ch.cipherSuites, [0x1301, 0x1303, 0x1302]);
  const shares = decodeKeyShareClient(ch.extensions.get(ExtensionType.KeyShare)!);
  assert.is(hexOf(shares[0]!.keyExchange), vectors.values.client_public_key);
  const sh = decodeServerHello(v("server_hello").subarray(4));
  assert.is(sh.cipherSuite, 0x1301);
  assert.not.ok(sh.isHelloRetryRequest);
  assert.is(hexOf(decodeKeyShareServer(sh.extensions.get(ExtensionType.KeyShare)!).keyExchange), vectors.values.server_public_key);
});
codec("EncryptedExtensions and Certificate", () => {
  const ee = decodeEncryptedExtensions(v("encrypted_extensions").subarray(4));
  // supported_groups, record_size_limit (28), server_name
  assert.equal(ee.types(), [10, 28, 0]);
  const cert = decodeCertificate(v("certificate").subarray(4), 8);
  assert.is(cert.entries.length, 1);
  assert.is(parseCertificate(cert.entries[0]!.data).subject, "CN=rsa");
});
codec.run();

for (const [name, provider] of PROVIDERS) {
  const t = suite(`RFC 8448 key schedule (${name} provider)`);
  const hash = (...msgs: string[]): Promise<Uint8Array> => provider.hash("SHA-256", concat(...msgs.map(v)));

  t("early secret", async () => {
    const zeros = new Uint8Array(32);
    assert.is(hexOf(await hkdfExtract(provider, "SHA-256", zeros, zeros)), vectors.values.early_secret);
  });

  t("handshake, master and traffic secrets; keys and IVs; Finished", async () => {
    const ks = new KeySchedule(provider, suite128);
    const chsh = await hash("client_hello", "server_hello");
    assert.is(hexOf(chsh), vectors.values.transcript_hash_ch_sh);
    const hs = await ks.inputSharedSecret(v("ecdhe_shared_secret"), chsh);
    assert.is(hexOf(hs.clientHandshakeTrafficSecret), vectors.values.client_handshake_traffic_secret);
    assert.is(hexOf(hs.serverHandshakeTrafficSecret), vectors.values.server_handshake_traffic_secret);
    const shk = await ks.trafficKeys(hs.serverHandshakeTrafficSecret);
    assert.is(hexOf(shk.key), vectors.values.server_handshake_key);
    assert.is(hexOf(shk.iv), vectors.values.server_handshake_iv);
    const chk = await ks.trafficKeys(hs.clientHandshakeTrafficSecret);
    assert.is(hexOf(chk.key), vectors.values.client_handshake_key);
    assert.is(hexOf(chk.iv), vectors.values.client_handshake_iv);

    const beforeFinished = await hash("client_hello", "server_hello", "encrypted_extensions", "certificate", "certificate_verify");
    assert.is(hexOf(await ks.finishedKey(hs.serverHandshakeTrafficSecret)), vectors.values.server_finished_key);
    const sf = await ks.finishedVerifyData(hs.serverHandshakeTrafficSecret, beforeFinished);
    assert.is(hexOf(sf), vectors.values.server_finished!.slice(8));

    const throughSf = await hash("client_hello", "server_hello", "encrypted_extensions", "certificate", "certificate_verify", "server_finished");
    const app = await ks.applicationSecrets(throughSf);
    assert.is(hexOf(app.clientApplicationTrafficSecret), vectors.values.client_application_traffic_secret_0);
    assert.is(hexOf(app.serverApplicationTrafficSecret), vectors.values.server_application_traffic_secret_0);
    assert.is(hexOf(app.exporterMasterSecret), vectors.values.exporter_master_secret);
    const sak = await ks.trafficKeys(app.serverApplicationTrafficSecret);
    assert.is(hexOf(sak.key), vectors.values.server_application_key);
    assert.is(hexOf(sak.iv), vectors.values.server_application_iv);
    const cak = await ks.trafficKeys(app.clientApplicationTrafficSecret);
    assert.is(hexOf(cak.key), vectors.values.client_application_key);
    assert.is(hexOf(cak.iv), vectors.values.client_application_iv);

    assert.is(hexOf(await ks.finishedKey(hs.clientHandshakeTrafficSecret)), vectors.values.client_finished_key);
    const cf = await ks.finishedVerifyData(hs.clientHandshakeTrafficSecret, throughSf);
    assert.is(hexOf(cf), vectors.values.client_finished!.slice(8));
    const throughCf = await hash("client_hello", "server_hello", "encrypted_extensions", "certificate", "certificate_verify", "server_finished", "client_finished");
    const resumptionMaster = await ks.resumptionMasterSecret(throughCf);
    assert.is(hexOf(resumptionMaster), vectors.values.resumption_master_secret);
    // The trace's NewSessionTicket (nonce 0x0000) stands for this PSK, and our codec reads it back unchanged.
    const nst = decodeNewSessionTicket(v("new_session_ticket").subarray(4));
    assert.is(hexOf(nst.nonce), "0000");
    assert.is(hexOf(await ks.resumptionPsk(resumptionMaster, nst.nonce)), vectors.values.resumption_psk);
    assert.is(hexOf(encodeNewSessionTicket(nst)), hexOf(v("new_session_ticket").subarray(4)));
  });

  t("record protection: handshake, application data and alert records", async () => {
    const protection = (k: string, iv: string) => Tls13AeadProtection.create(provider, suite128.aead, { key: v(k), iv: v(iv) });
    // Server handshake flight: one record, sequence 0, no padding.
    const serverHs = await protection("server_handshake_key", "server_handshake_iv");
    assert.is(hexOf(await serverHs.seal(22, v("server_handshake_payload"), 0)), vectors.values.server_handshake_record);
    const rec = v("server_handshake_record");
    const opened = await serverHs.open(rec.subarray(0, 5), rec.subarray(5), 0);
    assert.is(opened.type, 22);
    assert.is(hexOf(opened.content), vectors.values.server_handshake_payload);

    const clientHs = await protection("client_handshake_key", "client_handshake_iv");
    assert.is(hexOf(await clientHs.seal(22, v("client_finished"), 0)), vectors.values.client_finished_record);

    const clientApp = await protection("client_application_key", "client_application_iv");
    assert.is(hexOf(await clientApp.seal(23, v("client_application_data_payload"), 0)), vectors.values.client_application_data_record);
    assert.is(hexOf(await clientApp.seal(21, fromHex("0100"), 1)), vectors.values.client_alert_record);

    const serverApp = await protection("server_application_key", "server_application_iv");
    assert.is(hexOf(await serverApp.seal(22, v("new_session_ticket"), 0)), vectors.values.new_session_ticket_record);
    assert.is(hexOf(await serverApp.seal(23, v("server_application_data_payload"), 1)), vectors.values.server_application_data_record);
    assert.is(hexOf(await serverApp.seal(21, fromHex("0100"), 2)), vectors.values.server_alert_record);
  });

  t("a flipped bit in a record fails authentication with bad_record_mac", async () => {
    const protection = await Tls13AeadProtection.create(provider, suite128.aead, { key: v("server_handshake_key"), iv: v("server_handshake_iv") });
    const rec = v("server_handshake_record").slice();
    rec[40]! ^= 1;
    try {
      await protection.open(rec.subarray(0, 5), rec.subarray(5), 0);
      assert.unreachable("tampered record opened");
    } catch (e) {
      assert.is((e as { alert?: string }).alert, "bad_record_mac");
    }
  });

  t("the server's RSA-PSS CertificateVerify verifies, and fails on another transcript", async () => {
    const cert = decodeCertificate(v("certificate").subarray(4), 8);
    const spki = parseCertificate(cert.entries[0]!.data).spki;
    const cv = v("certificate_verify");
    const scheme = (cv[4]! << 8) | cv[5]!;
    const sig = cv.subarray(8);
    const th = await hash("client_hello", "server_hello", "encrypted_extensions", "certificate");
    const used = await verifyCertificateVerify(provider, SCHEMES, scheme, sig, spki, "server", th);
    assert.is(used.name, "rsa_pss_rsae_sha256");
    const other = await hash("client_hello", "server_hello");
    try {
      await verifyCertificateVerify(provider, SCHEMES, scheme, sig, spki, "server", other);
      assert.unreachable("signature verified over the wrong transcript");
    } catch (e) {
      assert.is((e as { alert?: string }).alert, "decrypt_error");
    }
  });

  t.run();
}
