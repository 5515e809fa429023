// Words for handshakes that fail because the two sides have nothing in common, where the policy may be
// why: what the peer offered, what we enable, and what the policy took out of our offer (with its rule
// and reference), so that "handshake_failure" under fips-140-3 says which rule narrowed the offer.
import type { CommonConfig } from "../config/common.js";
import type { ConfigDecision } from "../config/effective.js";
import type { ItemKind } from "../policy/catalog.js";
import { ALL_SUITES } from "../suites/cipher-suites.js";
import { groupName } from "../suites/groups.js";
import { schemeById } from "../suites/signature-schemes.js";

const LISTED = 12;

/** At most LISTED items, then how many more. */
function list(items: readonly string[]): string {
  if (items.length === 0) return "none";
  return items.length <= LISTED ? items.join(", ") : `${items.slice(0, LISTED).join(", ")} and ${items.length - LISTED} more`;
}

const hex = (id: number): string => `0x${id.toString(16).padStart(4, "0")}`;

/** A peer's cipher suite, group or signature scheme code points by name, where fipstls knows them. */
export function namesOf(kind: "cipher_suite" | "group" | "signature_scheme", ids: readonly number[]): string {
  const name = (id: number): string =>
    (kind === "cipher_suite" ? ALL_SUITES.find((s) => s.id === id)?.name : kind === "group" ? groupName(id) : schemeById(id)?.name) ?? hex(id);
  return list(ids.map(name));
}

/** The items of `kinds` the policy refused from our configuration, each with its rule and reference. */
export function policyRefusals(config: CommonConfig, kinds: readonly ItemKind[]): ConfigDecision[] {
  return config.decisions.filter((d) => d.decision === "refused" && d.source === "policy" && kinds.includes(d.kind));
}

/** "policy X refused: A (rule; reference), …", or "" when the policy refused nothing of these kinds. */
export function describeRefusals(config: CommonConfig, kinds: readonly ItemKind[]): string {
  const refused = policyRefusals(config, kinds);
  if (refused.length === 0) return "";
  return `policy ${config.policy.id} refused: ${list(refused.map((d) => `${d.name} (${d.rule}; ${d.reference})`))}`;
}

/** Server side: what the client offered of a kind, what we enable, and what our policy took out. */
export function noMatchDetail(config: CommonConfig, kind: "cipher_suite" | "group" | "signature_scheme", offered: readonly number[], ours: readonly string[]): string {
  const refused = describeRefusals(config, [kind]);
  return `client offered ${namesOf(kind, offered)}; we enable ${list(ours)}${refused ? `; ${refused}` : ""}`;
}
