// Target 4: certificate parsing and path validation on mutated DER chains.
import { Buffer } from "node:buffer";
import { InvalidCertificate } from "../../src/errors.js";
import { parseCertificate } from "../../src/verify/certificate.js";
import { verifyClientCertificate, verifyServerCertificate } from "../../src/verify/verifier.js";
import { createTrustStore, type TrustStore } from "../../src/verify/trust.js";
import { mutateDer } from "../der.js";
import { type Outcome, type Serialized, type Target, describeError } from "../harness.js";
import { FuzzProvider } from "../provider.js";
import type { Rng } from "../rng.js";
import { NOW, pemBlocks, pkiCertificates, pkiText, seedFiles, toPem } from "../seeds.js";

export interface ChainInput {
  chain: Uint8Array[];
  serverName: string;
  purpose: "server" | "client";
}

const NAMES = ["localhost", "LOCALHOST", "www.localhost", "127.0.0.1", "::1", "bad.localhost", "a.b.localhost", "localhost.", "", "xn--e1afmkfd", "*.localhost", "127.1", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1", "example.com", "local host", "localhost\u0000"];

/** parseCertificate promises BadEncoding for any malformed input; a non-DER exception behind it is a bug it papers over. */
export function maskedInternalError(e: unknown): boolean {
  return e instanceof Error && /unparseable \(|Cannot read|is not a function|is not iterable|undefined|Maximum call stack|Invalid array length|Invalid time value/.test(e.message);
}

export function classifyVerifyError(e: unknown, where: string): Outcome {
  if (e instanceof InvalidCertificate) {
    if (maskedInternalError(e)) return { kind: "finding", label: `masked internal error in ${where}: ${describeError(e)}`, error: e, detail: e.message };
    return { kind: "expected", label: describeError(e) };
  }
  return { kind: "finding", label: `uncaught in ${where}: ${describeError(e)}`, error: e };
}

export class CertificateTarget implements Target<ChainInput> {
  readonly name = "certificate";
  readonly description = "parseCertificate and verifyServerCertificate/verifyClientCertificate on mutated DER chains";
  readonly coverage = ["src/verify/", "src/policy/", "src/codec/"];
  private provider = new FuzzProvider("certificate", {});
  private roots!: TrustStore;
  private donors: Uint8Array[] = [];
  private seedInputs: ChainInput[] = [];
  private known = new Set<string>();

  async setup(): Promise<void> {
    this.roots = createTrustStore([pkiText("root-p256.pem"), pkiText("root-p384.pem")]);
    this.donors = pkiCertificates();
    for (const d of this.donors) this.known.add(Buffer.from(d).toString("hex"));
    for (const f of seedFiles("certificate")) this.seedInputs.push(this.deserialize({ ext: f.ext, data: f.data }));
    for (const s of this.seedInputs) for (const d of s.chain) this.known.add(Buffer.from(d).toString("hex"));
  }

  seeds(): ChainInput[] {
    return this.seedInputs;
  }

  mutate(input: ChainInput, rng: Rng, other: ChainInput | undefined): ChainInput {
    const chain = input.chain.slice();
    let { serverName, purpose } = input;
    const donors = other ? [...this.donors, ...other.chain] : this.donors;
    const count = 1 + rng.small(3);
    for (let i = 0; i < count; i++) {
      const p = rng.int(100);
      const at = rng.int(chain.length);
      if (p < 75 && chain.length) chain[at] = mutateDer(chain[at]!, rng, donors);
      else if (p < 80 && chain.length > 1) chain.splice(at, 1);
      else if (p < 85 && chain.length < 12) chain.splice(rng.int(chain.length + 1), 0, rng.pick(donors));
      else if (p < 88 && chain.length < 12) chain.splice(at, 0, chain[at] ?? rng.pick(donors));
      else if (p < 92 && chain.length > 1) [chain[0], chain[at]] = [chain[at]!, chain[0]!];
      else if (p < 97) serverName = rng.pick(NAMES);
      else purpose = purpose === "server" ? "client" : "server";
    }
    return { chain, serverName, purpose };
  }

  async execute(input: ChainInput): Promise<Outcome> {
    // Every entry goes through the parser (the verifier stops at the first bad one); when one is bad,
    // the verifier would only repeat that verdict, so it runs only on chains that parse.
    let firstBad: Outcome | null = null;
    for (let i = 0; i < input.chain.length; i++) {
      try {
        parseCertificate(input.chain[i]!, i);
      } catch (e) {
        const o = classifyVerifyError(e, "parseCertificate");
        if (o.kind === "finding") return o;
        firstBad ??= o;
      }
    }
    if (firstBad !== null) return firstBad;
    const common = { chain: input.chain, roots: this.roots, time: NOW, provider: this.provider };
    try {
      const path = input.purpose === "server" ? await verifyServerCertificate({ ...common, serverName: input.serverName }) : await verifyClientCertificate(common);
      // Oracle: every certificate of a validated path is signed, so it must be one the PKI issued.
      const unknown = path.find((c) => !this.known.has(Buffer.from(c.der).toString("hex")));
      if (unknown) return { kind: "finding", label: "verified a path through a certificate the PKI never issued", detail: `${unknown.subject}: ${Buffer.from(unknown.der).toString("base64")}` };
      return { kind: "ok", label: `verified path of ${path.length}` };
    } catch (e) {
      return classifyVerifyError(e, "verifier");
    }
  }

  serialize(input: ChainInput): Serialized {
    const head = `# serverName: ${JSON.stringify(input.serverName)}\n# purpose: ${input.purpose}\n`;
    return { ext: "pem", data: new Uint8Array(Buffer.from(head + input.chain.map((d) => toPem("CERTIFICATE", d)).join(""), "utf8")) };
  }

  deserialize(s: Serialized): ChainInput {
    const text = Buffer.from(s.data).toString("utf8");
    const name = /^# serverName: (.*)$/m.exec(text);
    const purpose = /^# purpose: (server|client)$/m.exec(text);
    const chain = s.ext === "der" ? [s.data] : pemBlocks(text).map((b) => b.der);
    return { chain, serverName: name ? (JSON.parse(name[1]!) as string) : "localhost", purpose: (purpose?.[1] as "server" | "client" | undefined) ?? "server" };
  }
}
