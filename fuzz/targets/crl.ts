// Target 5: the CRL parser, and revocation checking with whatever it accepts.
import { Buffer } from "node:buffer";
import { ConfigError, InvalidCertificate } from "../../src/errors.js";
import { parseCrl } from "../../src/verify/crl.js";
import { verifyCertificatePath } from "../../src/verify/verifier.js";
import { createTrustStore, type TrustStore } from "../../src/verify/trust.js";
import { mutateDer } from "../der.js";
import { type Outcome, type Serialized, type Target, describeError } from "../harness.js";
import { FuzzProvider } from "../provider.js";
import type { Rng } from "../rng.js";
import { NOW, pemBlocks, pkiText, seedFiles, toPem } from "../seeds.js";
import { classifyVerifyError, maskedInternalError } from "./certificate.js";

export interface CrlInput {
  der: Uint8Array;
  /** Hand the CRL to the parser as PEM text rather than DER. */
  asPem: boolean;
}

export class CrlTarget implements Target<CrlInput> {
  readonly name = "crl";
  readonly description = "parseCrl on mutated DER (and PEM), then revocation checking of two chains with the CRLs it accepts";
  readonly coverage = ["src/verify/crl.js", "src/verify/revocation.js", "src/verify/der.js", "src/verify/dn.js", "src/verify/extensions.js", "src/codec/"];
  private provider = new FuzzProvider("crl", {});
  private roots!: TrustStore;
  private chains: Uint8Array[][] = [];
  private donors: Uint8Array[] = [];
  private seedInputs: CrlInput[] = [];

  async setup(): Promise<void> {
    this.roots = createTrustStore([pkiText("root-p256.pem"), pkiText("root-p384.pem")]);
    this.chains = [
      pemBlocks(pkiText("leaf3-p256.pem") + pkiText("inter-p256.pem")).map((b) => b.der),
      pemBlocks(Buffer.from(seedFiles("certificate").find((f) => f.name === "revoked.pem")!.data).toString("utf8")).map((b) => b.der),
    ];
    for (const f of seedFiles("crl")) this.seedInputs.push(this.deserialize({ ext: f.ext, data: f.data }));
    this.donors = this.seedInputs.map((s) => s.der);
  }

  seeds(): CrlInput[] {
    return this.seedInputs;
  }

  mutate(input: CrlInput, rng: Rng, other: CrlInput | undefined): CrlInput {
    const donors = other ? [...this.donors, other.der] : this.donors;
    return { der: mutateDer(input.der, rng, donors), asPem: rng.chance(0.05) ? !input.asPem : input.asPem };
  }

  async execute(input: CrlInput): Promise<Outcome> {
    let crl;
    try {
      crl = parseCrl(input.asPem ? toPem("X509 CRL", input.der) : input.der);
    } catch (e) {
      if (e instanceof ConfigError) {
        if (maskedInternalError(e)) return { kind: "finding", label: `masked internal error in parseCrl: ${describeError(e)}`, error: e, detail: e.message };
        return { kind: "expected", label: describeError(e) };
      }
      return { kind: "finding", label: `uncaught in parseCrl: ${describeError(e)}`, error: e };
    }
    const labels: string[] = [];
    for (const chain of this.chains) {
      try {
        await verifyCertificatePath({
          chain,
          roots: this.roots,
          time: NOW,
          provider: this.provider,
          purpose: "serverAuth",
          crls: [crl],
          revocation: { scope: "chain", unknownStatus: "allow" },
        });
        labels.push("valid");
      } catch (e) {
        const o = e instanceof ConfigError ? ({ kind: "expected", label: describeError(e) } as const) : classifyVerifyError(e, "revocation");
        if (o.kind === "finding") return o;
        labels.push(e instanceof InvalidCertificate ? e.reason : o.label);
      }
    }
    return { kind: "ok", label: `parsed; chains: ${labels.join(", ")}`, extra: `${crl.revoked.size > 0}` };
  }

  serialize(input: CrlInput): Serialized {
    return input.asPem ? { ext: "pem", data: new Uint8Array(Buffer.from(toPem("X509 CRL", input.der))) } : { ext: "der", data: input.der };
  }

  deserialize(s: Serialized): CrlInput {
    if (s.ext === "pem") return { der: pemBlocks(Buffer.from(s.data).toString("utf8"))[0]?.der ?? new Uint8Array(0), asPem: true };
    return { der: s.data, asPem: false };
  }
}
