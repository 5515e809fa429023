// Creates the committed seed material under fuzz/corpus/: a small fixed PKI (valid 2026-2046, so the
// fuzzer's fixed clock never sees it expire), certificate chains, CRLs, PEM texts and relay requests.
// Run once (`node dist/fuzz/make-seeds.js`) and commit the output; the transcripts of the connection
// targets are recorded live at every run from this PKI, and written here too for reference.
// The keys are test keys made for this purpose only.
import { mkdirSync, writeFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import * as x509 from "@peculiar/x509";
import { encodePem } from "../src/codec/pem.js";
import { CORPUS_DIR } from "./paths.js";

x509.cryptoProvider.set(globalThis.crypto);
const subtle = globalThis.crypto.subtle;

const NOT_BEFORE = new Date("2026-01-01T00:00:00Z");
const NOT_AFTER = new Date("2046-01-01T00:00:00Z");
const THIS_UPDATE = new Date("2026-05-01T00:00:00Z");
const NEXT_UPDATE = new Date("2036-01-01T00:00:00Z");

const P256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const P384 = { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" };
const RSA = { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };

// DER for the few extensions @peculiar/x509 has no class for.
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const body = Buffer.concat(parts);
  const len = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...len]), body]));
}
const bytes = (hex: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(hex, "hex"));
const text = (s: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(s, "latin1"));

// NameConstraints: permitted dNSName localhost, iPAddress 127.0.0.0/8 and ::1/128; excluded dNSName bad.localhost.
const nameConstraints = tlv(
  0x30,
  tlv(
    0xa0,
    tlv(0x30, tlv(0x82, text("localhost"))),
    tlv(0x30, tlv(0x87, bytes("7f000000ff000000"))),
    tlv(0x30, tlv(0x87, bytes("00000000000000000000000000000001ffffffffffffffffffffffffffffffff"))),
  ),
  tlv(0xa1, tlv(0x30, tlv(0x82, text("bad.localhost")))),
);

async function keys(alg: EcKeyGenParams | RsaHashedKeyGenParams | { name: string }): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(alg as EcKeyGenParams, true, ["sign", "verify"])) as CryptoKeyPair;
}

interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

async function root(name: string, alg: typeof P256): Promise<Issued> {
  const k = await keys(alg);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0100",
    name,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    signingAlgorithm: alg,
    keys: k,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(k.publicKey),
    ],
  });
  return { cert, keys: k };
}

async function issue(
  issuer: Issued,
  issuerAlg: typeof P256,
  subject: string,
  serial: string,
  keyAlg: EcKeyGenParams | RsaHashedKeyGenParams | { name: string },
  extensions: x509.Extension[],
): Promise<Issued> {
  const k = await keys(keyAlg);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject,
    issuer: issuer.cert.subject,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    signingAlgorithm: issuerAlg,
    publicKey: k.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      ...extensions,
      await x509.SubjectKeyIdentifierExtension.create(k.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
  return { cert, keys: k };
}

const leafExtensions = (names: { dns?: string[]; ip?: string[] }, crlUrl?: string): x509.Extension[] => [
  new x509.BasicConstraintsExtension(false),
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
  new x509.SubjectAlternativeNameExtension([
    ...(names.dns ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(names.ip ?? []).map((value) => ({ type: "ip" as const, value })),
  ]),
  ...(crlUrl ? [new x509.CRLDistributionPointsExtension([crlUrl])] : []),
];

const pem = (c: x509.X509Certificate): string => c.toString("pem") + "\n";
async function keyPem(k: CryptoKeyPair): Promise<string> {
  return encodePem("PRIVATE KEY", new Uint8Array(await subtle.exportKey("pkcs8", k.privateKey)));
}

function write(path: string, data: string | Uint8Array): void {
  const full = `${CORPUS_DIR}/${path}`;
  mkdirSync(full.slice(0, full.lastIndexOf("/")), { recursive: true });
  writeFileSync(full, data);
  console.log(`wrote fuzz/corpus/${path}`);
}

const rootP256 = await root("CN=fipstls fuzz root P-256,O=fipstls fuzzing", P256);
const inter = await issue(rootP256, P256, "CN=fipstls fuzz intermediate,O=fipstls fuzzing", "0200", P256, [
  new x509.BasicConstraintsExtension(true, 0, true),
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  new x509.Extension("2.5.29.30", true, nameConstraints),
  new x509.CRLDistributionPointsExtension(["http://crl.localhost/root.crl"]),
]);
const leaf = await issue(rootP256, P256, "CN=localhost", "0301", P256, leafExtensions({ dns: ["localhost"], ip: ["127.0.0.1", "::1"] }));
const leaf3 = await issue(inter, P256, "CN=localhost,OU=chain3", "0302", P256, leafExtensions({ dns: ["localhost", "www.localhost"], ip: ["127.0.0.1"] }, "http://crl.localhost/inter.crl"));
const leafRsa = await issue(rootP256, P256, "CN=localhost,OU=rsa", "0303", RSA, leafExtensions({ dns: ["localhost"] }));
const rootP384 = await root("CN=fipstls fuzz root P-384,O=fipstls fuzzing", P384);
const leafP384 = await issue(rootP384, P384, "CN=localhost,OU=p384", "0304", P384, leafExtensions({ dns: ["localhost"], ip: ["::1"] }));
let leafEd: Issued | null = null;
try {
  leafEd = await issue(rootP256, P256, "CN=localhost,OU=ed25519", "0305", { name: "Ed25519" }, leafExtensions({ dns: ["localhost"] }));
} catch (e) {
  console.log(`no Ed25519 leaf: ${(e as Error).message}`);
}
// A certificate revoked by the root's CRL, to reach the Revoked path.
const revoked = await issue(rootP256, P256, "CN=localhost,OU=revoked", "0399", P256, leafExtensions({ dns: ["localhost"] }, "http://crl.localhost/root.crl"));

write("pki/root-p256.pem", pem(rootP256.cert));
write("pki/root-p384.pem", pem(rootP384.cert));
write("pki/inter-p256.pem", pem(inter.cert));
write("pki/leaf-p256.pem", pem(leaf.cert));
write("pki/leaf-p256.key.pem", await keyPem(leaf.keys));
write("pki/leaf3-p256.pem", pem(leaf3.cert));
write("pki/leaf3-p256.key.pem", await keyPem(leaf3.keys));
write("pki/leaf-rsa.pem", pem(leafRsa.cert));
write("pki/leaf-rsa.key.pem", await keyPem(leafRsa.keys));
write("pki/leaf-p384.pem", pem(leafP384.cert));
write("pki/leaf-p384.key.pem", await keyPem(leafP384.keys));

// Certificate target seeds: chains as PEM, leaf first (roots: pki/root-*.pem).
write("certificate/p256.pem", pem(leaf.cert));
write("certificate/p256-chain3.pem", pem(leaf3.cert) + pem(inter.cert));
write("certificate/p256-chain3-with-root.pem", pem(leaf3.cert) + pem(inter.cert) + pem(rootP256.cert));
write("certificate/rsa.pem", pem(leafRsa.cert));
write("certificate/p384.pem", pem(leafP384.cert));
write("certificate/revoked.pem", pem(revoked.cert));
if (leafEd) write("certificate/ed25519.pem", pem(leafEd.cert));

// CRL target seeds.
const crlRoot = await x509.X509CrlGenerator.create({
  issuer: rootP256.cert.subject,
  thisUpdate: THIS_UPDATE,
  nextUpdate: NEXT_UPDATE,
  signingAlgorithm: P256,
  signingKey: rootP256.keys.privateKey,
  extensions: [await x509.AuthorityKeyIdentifierExtension.create(rootP256.keys.publicKey), new x509.Extension("2.5.29.20", false, tlv(0x02, bytes("05")))],
  entries: [
    { serialNumber: "0399", revocationDate: THIS_UPDATE, reason: x509.X509CrlReason.keyCompromise },
    { serialNumber: "7777", revocationDate: THIS_UPDATE, invalidity: THIS_UPDATE },
    { serialNumber: "00ff", revocationDate: THIS_UPDATE },
  ],
});
// The intermediate's CRL carries an issuingDistributionPoint (fullName URI, onlyContainsUserCerts).
const idp = tlv(0x30, tlv(0xa0, tlv(0xa0, tlv(0x86, text("http://crl.localhost/inter.crl")))), tlv(0x81, bytes("ff")));
const crlInter = await x509.X509CrlGenerator.create({
  issuer: inter.cert.subject,
  thisUpdate: THIS_UPDATE,
  nextUpdate: NEXT_UPDATE,
  signingAlgorithm: P256,
  signingKey: inter.keys.privateKey,
  extensions: [await x509.AuthorityKeyIdentifierExtension.create(inter.keys.publicKey), new x509.Extension("2.5.29.28", true, idp)],
  entries: [{ serialNumber: "0abc", revocationDate: THIS_UPDATE, reason: x509.X509CrlReason.superseded }],
});
const crlEmpty = await x509.X509CrlGenerator.create({
  issuer: rootP384.cert.subject,
  thisUpdate: THIS_UPDATE,
  nextUpdate: NEXT_UPDATE,
  signingAlgorithm: P384,
  signingKey: rootP384.keys.privateKey,
});
write("crl/root-p256.der", new Uint8Array(crlRoot.rawData));
write("crl/inter-p256-idp.der", new Uint8Array(crlInter.rawData));
write("crl/root-p384-empty.der", new Uint8Array(crlEmpty.rawData));

// PEM decoder seeds.
write("pem/chain.pem", pem(leaf3.cert) + pem(inter.cert));
write("pem/key.pem", await keyPem(leaf.keys));
write("pem/crl.pem", crlRoot.toString("pem") + "\n");
write(
  "pem/mixed.txt",
  `Subject: CN=localhost\r\nissuer=root\r\n${pem(leaf.cert).replace(/\n/g, "\r\n")}\r\ntrailing text\n-----BEGIN EMPTY-----\n-----END EMPTY-----\n` +
    `-----BEGIN X509 CRL-----\n  ${Buffer.from(crlEmpty.rawData).toString("base64").replace(/(.{76})/g, "$1\n\t")}\n-----END X509 CRL-----\n`,
);

// Relay request seeds: request-target and Origin, as JSON.
const relay = [
  { url: "/?target=localhost:443", origin: "https://app.localhost" },
  { url: "/relay?target=%5B%3A%3A1%5D%3A8443&x=1", origin: "https://app.localhost" },
  { url: "/?target=127.0.0.1:8443&target=localhost:443" },
  { url: "/?target=LOCALHOST:443", origin: "null" },
  { url: "/?target=example.com:65535", origin: "https://evil.example" },
  { url: "/?target=localhost:0443" },
  { url: "http://localhost/?target=localhost:443" },
];
relay.forEach((r, i) => write(`relay/seed-${i}.json`, JSON.stringify(r) + "\n"));
