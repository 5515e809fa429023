// The effective configuration, computed once: policy ∩ provider ∩ user (DESIGN.md rule 4). Each
// item of each kind gets a decision with its rule, reference and source, which audit reports
// print as they are; asking for something a policy or provider refuses is a ConfigError.
import { ConfigError } from "../errors.js";
import type { ItemKind } from "../policy/catalog.js";
import type { Policy } from "../policy/policies.js";

/** Who decided: the policy, the provider, the user's configuration, fipstls itself, or (in scans) the peer. */
export type DecisionSource = "policy" | "provider" | "user" | "implementation" | "peer";

export interface ConfigDecision {
  readonly kind: ItemKind;
  readonly iana?: number;
  readonly name: string;
  readonly decision: "allowed" | "refused";
  readonly rule: string;
  readonly reference: string;
  readonly source: DecisionSource;
}

export interface Candidate<T> {
  readonly name: string;
  readonly iana?: number;
  readonly value: T;
  /** Why the provider cannot run it, or null when it can. */
  readonly providerGap: string | null;
  /** Why else it cannot be used (e.g. its TLS version is not enabled), with who decided that. */
  readonly otherGap?: { readonly rule: string; readonly reference: string; readonly source: DecisionSource } | null;
}

const KIND_LABEL: Record<ItemKind, string> = {
  version: "version",
  cipher_suite: "cipher suite",
  group: "group",
  signature_scheme: "signature scheme",
  certificate_signature: "certificate signature algorithm",
  key: "key",
  extension: "extension",
};

/**
 * Chooses the items of one kind. Without a user list: every candidate in default order that the
 * policy allows and the provider runs. With one: exactly the user's items, in the user's order, each
 * of which must be allowed and runnable (otherwise a ConfigError naming the item and the rule).
 */
export function select<T>(
  kind: ItemKind,
  candidates: readonly Candidate<T>[],
  userList: readonly string[] | undefined,
  policy: Policy,
  providerName: string,
): { chosen: T[]; decisions: ConfigDecision[] } {
  const label = KIND_LABEL[kind];
  const decisions: ConfigDecision[] = [];
  const chosen: T[] = [];
  if (userList) {
    for (const name of userList) {
      if (!candidates.some((c) => c.name === name)) {
        throw new ConfigError(`unknown ${label} ${name} (known: ${candidates.map((c) => c.name).join(", ")})`, name);
      }
    }
    if (new Set(userList).size !== userList.length) throw new ConfigError(`${label} list has duplicates`, kind);
  }
  const order = userList ? [...userList.map((n) => candidates.find((c) => c.name === n)!), ...candidates.filter((c) => !userList.includes(c.name))] : candidates;
  for (const c of order) {
    const judged = policy.judge(kind, c.name);
    const base = { kind, name: c.name, ...(c.iana !== undefined ? { iana: c.iana } : {}) };
    const requested = userList?.includes(c.name);
    if (judged.decision === "refused") {
      if (requested) {
        throw new ConfigError(`${label} ${c.name} is refused by policy ${policy.id}: ${judged.rule} (${judged.reference})`, c.name);
      }
      decisions.push({ ...base, decision: "refused", rule: judged.rule, reference: judged.reference, source: "policy" });
    } else if (c.providerGap !== null) {
      if (requested) throw new ConfigError(`${label} ${c.name} is not available from provider "${providerName}": ${c.providerGap}`, c.name);
      decisions.push({ ...base, decision: "refused", rule: c.providerGap, reference: `provider ${providerName}`, source: "provider" });
    } else if (c.otherGap) {
      if (requested) throw new ConfigError(`${label} ${c.name} cannot be used: ${c.otherGap.rule}`, c.name);
      decisions.push({ ...base, decision: "refused", rule: c.otherGap.rule, reference: c.otherGap.reference, source: c.otherGap.source });
    } else if (userList && !requested) {
      decisions.push({ ...base, decision: "refused", rule: "not in the configured list", reference: "configuration", source: "user" });
    } else {
      decisions.push({ ...base, decision: "allowed", rule: judged.rule, reference: judged.reference, source: userList ? "user" : "policy" });
      chosen.push(c.value);
    }
  }
  if (chosen.length === 0) {
    throw new ConfigError(`no ${label} is left after applying policy ${policy.id}, provider "${providerName}" and the configuration`, kind);
  }
  return { chosen, decisions };
}
