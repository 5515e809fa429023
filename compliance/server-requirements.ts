// What a policy requires a server to support as a whole, which a scan checks beyond the item-by-item
// judgements of policies.ts (those say what may be negotiated, not what must be offered).
import type { Policy } from "../src/policy/policies.js";

export interface VersionRequirement {
  /** The version the server must accept. */
  readonly version: "TLSv1.2" | "TLSv1.3";
  /** The day the requirement takes effect, judged against the scan's clock. */
  readonly from: Date;
  readonly rule: string;
  readonly reference: string;
}

const TLS13_BY_2024: VersionRequirement = {
  version: "TLSv1.3",
  from: new Date("2024-01-01T00:00:00Z"),
  rule: "servers shall support TLS 1.3 from January 1, 2024 (TLS 1.2 may stay enabled beside it)",
  reference: "NIST SP 800-52r2 §3.1",
};

/** The version requirements of `policy`: SP 800-52r2's for the fips-140-3 family, none otherwise. */
export function versionRequirements(policy: Policy): readonly VersionRequirement[] {
  // Every dated fips-140-3 id follows SP 800-52r2, whose §3.1 already set the 2024 date.
  return policy.id.startsWith("fips-140-3-") ? [TLS13_BY_2024] : [];
}
