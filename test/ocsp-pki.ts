// OCSP responses made by `openssl ocsp` acting as a responder over an index file, for the PKI of
// test/pki.ts: a root, an intermediate that issues the leaf (and OCSP responder certificates).
import { readFileSync, writeFileSync } from "node:fs";
import { type IssuedCert, Pki, openssl } from "./pki.js";

export interface ResponseOptions {
  /** The certificate the response is about; default the PKI's leaf. */
  readonly cert?: IssuedCert;
  /** Its issuer, as named in the CertID; default the intermediate. */
  readonly issuer?: IssuedCert;
  /** Who signs the response; default the issuer. */
  readonly signer?: IssuedCert;
  /** What the index file says of `cert`; "unknown" leaves it out. Default "good". */
  readonly status?: "good" | "revoked" | "unknown";
  /** Digest of the response signature (-rmd); default sha256. */
  readonly digest?: "sha1" | "sha256" | "sha384";
  /** Digest of the CertID; default sha1, as openssl's. */
  readonly certIdDigest?: "sha1" | "sha256";
  /** ResponderID byKey instead of byName. */
  readonly byKey?: boolean;
  /** Leave the signer's certificate out of the response (-resp_no_certs). */
  readonly noCerts?: boolean;
  /** nextUpdate this many minutes after thisUpdate (-nmin); default one day (-ndays 1). */
  readonly validMinutes?: number;
}

let count = 0;

export class OcspPki {
  readonly pki = new Pki();
  // Fresh keys throughout: test/pki.ts shares one key per type, and a responder byKey must be told apart.
  readonly root = this.pki.root({ cn: "fipstls ocsp root", days: 3650, key: this.pki.freshKey("ec-p256") });
  readonly intermediate = this.pki.issue(this.root, { cn: "fipstls ocsp intermediate", ca: true, days: 1825, key: this.pki.freshKey("ec-p256") });
  readonly leaf = this.pki.issue(this.intermediate, { dns: ["example.com"], days: 365, key: this.pki.freshKey("ec-p256") });

  /** A responder certificate issued by `issuer` (default the intermediate), with id-kp-OCSPSigning unless `eku` says otherwise. */
  responder(opts: { issuer?: IssuedCert; eku?: string | null; cn?: string; days?: number } = {}): IssuedCert {
    return this.pki.issue(opts.issuer ?? this.intermediate, {
      cn: opts.cn ?? "fipstls ocsp responder",
      keyUsage: "critical,digitalSignature",
      extKeyUsage: opts.eku === undefined ? "OCSPSigning" : opts.eku,
      days: opts.days ?? 365,
      key: this.pki.freshKey("ec-p256"),
    });
  }

  /** A DER OCSPResponse from `openssl ocsp`. */
  respond(o: ResponseOptions = {}): Uint8Array {
    const cert = o.cert ?? this.leaf;
    const issuer = o.issuer ?? this.intermediate;
    const signer = o.signer ?? issuer;
    const stem = `${this.pki.dir}/ocsp-${process.pid}-${++count}`;
    const serial = openssl(["x509", "-in", cert.path, "-noout", "-serial"]).trim().replace(/^serial=/, "");
    const status = o.status ?? "good";
    const lines =
      status === "good" ? [`V\t301231000000Z\t\t${serial}\tunknown\t/CN=leaf`] :
      status === "revoked" ? [`R\t301231000000Z\t250101000000Z,keyCompromise\t${serial}\tunknown\t/CN=leaf`] :
      [];
    writeFileSync(`${stem}.index`, lines.map((l) => `${l}\n`).join(""));
    writeFileSync(`${stem}.index.attr`, "unique_subject = no\n");
    openssl([
      "ocsp", "-index", `${stem}.index`, "-CA", issuer.path, "-rsigner", signer.path, "-rkey", signer.key.path,
      "-rmd", o.digest ?? "sha256", `-${o.certIdDigest ?? "sha1"}`, "-issuer", issuer.path, "-cert", cert.path, "-no_nonce",
      ...(o.byKey ? ["-resp_key_id"] : []),
      ...(o.noCerts ? ["-resp_no_certs"] : []),
      ...(o.validMinutes !== undefined ? ["-nmin", String(o.validMinutes)] : ["-ndays", "1"]),
      "-respout", `${stem}.der`,
    ]); // prettier-ignore
    return new Uint8Array(readFileSync(`${stem}.der`));
  }
}
