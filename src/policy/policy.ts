// What a policy is and how one is made from its spec: allowed names per kind with the rule that
// allows them, specific refusals with their own reasons, and a rule for everything else. The
// policies themselves are in definitions.ts; policies.ts resolves them by name.
import type { ItemKind } from "./catalog.js";

export type Decision = "allowed" | "refused";

export interface Judgement {
  readonly decision: Decision;
  readonly rule: string;
  readonly reference: string;
}

export interface PolicyReference {
  readonly id: string;
  readonly title: string;
  readonly url: string;
}

export interface Policy {
  /** Dated id; its meaning never changes. */
  readonly id: string;
  /** Moving names that point at this id today. */
  readonly aliases: readonly string[];
  readonly title: string;
  readonly references: readonly PolicyReference[];
  /** What the rules alone do not say: deliberate departures from the texts, what comes next. */
  readonly notes?: readonly string[];
  /** Whether building a config requires a provider that attests FIPS mode (Node entry points). */
  readonly requireFipsProvider: boolean;
  /** TLS 1.2 only with the Extended Master Secret (RFC 7627). */
  readonly requireExtendedMasterSecret: boolean;
  /** Smallest RSA modulus accepted for our and the peer's certificates. */
  readonly minRsaBits: number;
  /** EC curves accepted for certificate keys. */
  readonly certificateCurves: readonly string[];
  /** Whether Ed25519 certificate keys are accepted. */
  readonly ed25519Keys: boolean;
  judge(kind: ItemKind, name: string): Judgement;
}

export interface Rule {
  readonly rule: string;
  readonly reference: string;
}

export type Allow = { readonly names: readonly string[] } & Rule;

export interface PolicySpec {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly title: string;
  readonly references: readonly PolicyReference[];
  readonly notes?: readonly string[];
  readonly requireFipsProvider: boolean;
  readonly requireExtendedMasterSecret: boolean;
  readonly minRsaBits: number;
  readonly certificateCurves: readonly string[];
  readonly ed25519Keys: boolean;
  /** Allowed names per kind, each group with the rule that allows it. */
  readonly allow: Partial<Record<ItemKind, readonly Allow[]>>;
  /** Specific refusals with their own reasons; anything else not allowed gets `otherwise`. */
  readonly refuse: readonly ({ readonly kind: ItemKind; readonly names: readonly string[] } & Rule)[];
  readonly otherwise: Record<ItemKind, Rule>;
}

export function makePolicy(spec: PolicySpec): Policy {
  for (const [kind, groups] of Object.entries(spec.allow)) {
    for (const g of groups) {
      const clash = spec.refuse.find((r) => r.kind === kind && r.names.some((n) => g.names.includes(n)));
      if (clash) throw new Error(`policy ${spec.id}: ${kind} ${g.names.find((n) => clash.names.includes(n))} is both allowed and refused`);
    }
  }
  return {
    id: spec.id,
    aliases: spec.aliases,
    title: spec.title,
    references: spec.references,
    ...(spec.notes ? { notes: spec.notes } : {}),
    requireFipsProvider: spec.requireFipsProvider,
    requireExtendedMasterSecret: spec.requireExtendedMasterSecret,
    minRsaBits: spec.minRsaBits,
    certificateCurves: spec.certificateCurves,
    ed25519Keys: spec.ed25519Keys,
    judge(kind, name) {
      const allow = spec.allow[kind]?.find((a) => a.names.includes(name));
      if (allow) return { decision: "allowed", rule: allow.rule, reference: allow.reference };
      const specific = spec.refuse.find((r) => r.kind === kind && r.names.includes(name));
      const why = specific ?? spec.otherwise[kind];
      return { decision: "refused", rule: why.rule, reference: why.reference };
    },
  };
}
