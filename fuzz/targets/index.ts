// Every fuzz target by name, in the order `npm run fuzz` runs them.
import type { Target } from "../harness.js";
import { CertificateTarget } from "./certificate.js";
import { ConnectionTarget } from "./connection.js";
import { CrlTarget } from "./crl.js";
import { OcspTarget } from "./ocsp.js";
import { PemTarget } from "./pem.js";
import { RecordTarget } from "./record.js";
import { RelayTarget } from "./relay.js";
import { SelfTestTarget } from "./selftest.js";

export const TARGET_NAMES = ["record", "server", "client", "certificate", "crl", "ocsp", "pem", "relay"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];
/** Targets that exist but are not run by default. */
export const EXTRA_TARGETS = ["selftest"] as const;

export function makeTarget(name: string): Target<unknown> {
  switch (name) {
    case "record":
      return new RecordTarget() as Target<unknown>;
    case "server":
      return new ConnectionTarget("server") as Target<unknown>;
    case "client":
      return new ConnectionTarget("client") as Target<unknown>;
    case "certificate":
      return new CertificateTarget() as Target<unknown>;
    case "crl":
      return new CrlTarget() as Target<unknown>;
    case "ocsp":
      return new OcspTarget() as Target<unknown>;
    case "pem":
      return new PemTarget() as Target<unknown>;
    case "relay":
      return new RelayTarget() as Target<unknown>;
    case "selftest":
      return new SelfTestTarget() as Target<unknown>;
    default:
      throw new Error(`unknown fuzz target "${name}"; targets: ${TARGET_NAMES.join(", ")}`);
  }
}
