// A throwaway CA and server certificate made in memory, for the demo and for tests. Never for
// production: the CA key is discarded and the validity window is short.
import * as x509 from "@peculiar/x509";
import { encodePem } from "../src/codec/pem.js";

export type ThrowawayKeyType = "ec-p256" | "ec-p384" | "rsa-2048";

export interface ThrowawayPki {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const subtle = globalThis.crypto.subtle;
x509.cryptoProvider.set(globalThis.crypto);

function algorithm(type: ThrowawayKeyType): RsaHashedKeyGenParams | (EcKeyGenParams & { hash: string }) {
  switch (type) {
    case "ec-p256":
      return { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
    case "ec-p384":
      return { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" };
    case "rsa-2048":
      return { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
  }
}

const isIp = (name: string): boolean => /^[0-9.]+$/.test(name) || name.includes(":");

export async function makeThrowawayPki(opts: { keyType?: ThrowawayKeyType; names?: readonly string[]; now?: Date } = {}): Promise<ThrowawayPki> {
  const alg = algorithm(opts.keyType ?? "ec-p256");
  const names = opts.names ?? ["localhost", "127.0.0.1", "::1"];
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + 24 * 60 * 60 * 1000);
  // A P-384 leaf gets a P-384/SHA-384 CA, so the whole chain can meet CNSA.
  const caAlg = opts.keyType === "ec-p384" ? { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" } : { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const caKeys = (await subtle.generateKey(caAlg, true, ["sign", "verify"])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    // A unique name, so that two throwaway CAs are never mistaken for one another.
    name: `CN=fipstls throwaway CA ${Array.from(globalThis.crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, "0")).join("")}`,
    notBefore,
    notAfter,
    signingAlgorithm: caAlg,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leafKeys = (await subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: "02",
    subject: `CN=${names[0] ?? "localhost"}`,
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingAlgorithm: caAlg,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: isIp(n) ? ("ip" as const) : ("dns" as const), value: n }))),
      // RFC 5280 4.2.1.1: every certificate but a self-signed one names its issuer's key; strict
      // verifiers (fipstls's own, pyca/cryptography) refuse a leaf without it.
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", leafKeys.privateKey));
  return { caPem: ca.toString("pem") + "\n", certPem: leaf.toString("pem") + "\n", keyPem: encodePem("PRIVATE KEY", pkcs8) };
}
