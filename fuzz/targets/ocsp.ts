// Target 8: the OCSP response parser (a stapled response is peer input), then the staple check of
// chain3's leaf with whatever it accepts.
import type { InvalidCertificate } from "../../src/errors.js";
import { type Certificate, parseCertificate } from "../../src/verify/certificate.js";
import { verifyOcspResponse } from "../../src/verify/ocsp.js";
import { type OcspResponse, parseOcspResponse } from "../../src/verify/ocsp-response.js";
import { mutateDer } from "../der.js";
import type { Outcome, Serialized, Target } from "../harness.js";
import { FuzzProvider } from "../provider.js";
import type { Rng } from "../rng.js";
import { NOW, pemBlocks, pkiText, seedFiles } from "../seeds.js";
import { classifyVerifyError } from "./certificate.js";

export class OcspTarget implements Target<Uint8Array> {
  readonly name = "ocsp";
  readonly description = "parseOcspResponse on mutated DER, then verifyOcspResponse for chain3's leaf with the responses it accepts";
  readonly coverage = ["src/verify/ocsp.js", "src/verify/ocsp-response.js", "src/verify/der.js", "src/verify/extensions.js"];
  private provider = new FuzzProvider("ocsp", {});
  private path: Certificate[] = [];
  private seedInputs: Uint8Array[] = [];

  async setup(): Promise<void> {
    const chain = pemBlocks(pkiText("leaf3-p256.pem") + pkiText("inter-p256.pem") + pkiText("root-p256.pem"));
    this.path = chain.map((b) => parseCertificate(b.der));
    this.seedInputs = seedFiles("ocsp").map((f) => f.data);
  }

  seeds(): Uint8Array[] {
    return this.seedInputs;
  }

  mutate(input: Uint8Array, rng: Rng, other: Uint8Array | undefined): Uint8Array {
    return mutateDer(input, rng, other ? [...this.seedInputs, other] : this.seedInputs);
  }

  async execute(input: Uint8Array): Promise<Outcome> {
    let parsed: OcspResponse;
    try {
      parsed = parseOcspResponse(input);
    } catch (e) {
      return classifyVerifyError(e, "parseOcspResponse");
    }
    // The seeds were made at some moment: judge them then, so that mutations reach past freshness.
    const time = parsed.basic?.responses[0]?.thisUpdate ?? NOW;
    try {
      const good = await verifyOcspResponse({ response: input, path: this.path, time, provider: this.provider });
      return { kind: "ok", label: `good (${good.responder})` };
    } catch (e) {
      const o = classifyVerifyError(e, "verifyOcspResponse");
      return o.kind === "expected" ? { kind: "expected", label: `${parsed.status}: ${(e as InvalidCertificate).reason}` } : o;
    }
  }

  serialize(input: Uint8Array): Serialized {
    return { ext: "der", data: input };
  }

  deserialize(s: Serialized): Uint8Array {
    return s.data;
  }
}
