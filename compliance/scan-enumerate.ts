// Enumeration by elimination, as sslscan does: offer every candidate code point, note the one the
// server picks, offer the rest again, until the server refuses. It costs one connection per accepted
// value plus one, covers the whole IANA registry rather than a list of suites we happen to know, and
// the picks come out in the server's own order when it has one.

/** The server's answer to one offer. */
export type Pick =
  | { readonly kind: "picked"; readonly value: number }
  /** A conclusive refusal (an alert or a closed connection): nothing offered is acceptable. */
  | { readonly kind: "refused" }
  /** No conclusive answer (timeout, garbage, an answer that names nothing). */
  | { readonly kind: "open"; readonly why: string };

export interface Enumeration {
  /** Accepted values in the order the server picked them. */
  readonly accepted: readonly number[];
  /**
   * "refused": the last offer was refused, so every candidate not accepted is refused.
   * "stalled": the server picked a pinned value again; whether the rest is refused depends on
   * whose order the server follows (the caller knows). "open": no conclusive answer.
   */
  readonly end: "refused" | "stalled" | "open";
  readonly why?: string;
}

/**
 * Offers `candidates` (in this order) and removes each pick until the server refuses. `pinned`
 * values are offered after the candidates every time and never removed: TLS 1.2 needs the ECDSA
 * certificate's curve in supported_groups whatever the ECDHE group (RFC 8422 §5.1), so the
 * enumeration of the other groups keeps it there.
 */
export async function eliminate(candidates: readonly number[], ask: (offer: readonly number[]) => Promise<Pick>, pinned: readonly number[] = []): Promise<Enumeration> {
  const remaining = candidates.filter((c) => !pinned.includes(c));
  const accepted: number[] = [];
  // Bounded: each round removes one candidate or ends.
  for (let round = 0; round <= candidates.length + pinned.length; round++) {
    const offer = [...remaining, ...pinned];
    if (offer.length === 0) return { accepted, end: "refused" };
    const pick = await ask(offer);
    if (pick.kind === "refused") return { accepted, end: "refused" };
    if (pick.kind === "open") return { accepted, end: "open", why: pick.why };
    if (!offer.includes(pick.value)) return { accepted, end: "open", why: `the server chose 0x${pick.value.toString(16).padStart(4, "0")}, which was not offered` };
    if (pinned.includes(pick.value)) {
      if (accepted.includes(pick.value)) return { accepted, end: "stalled" };
      accepted.push(pick.value);
      continue;
    }
    accepted.push(pick.value);
    remaining.splice(remaining.indexOf(pick.value), 1);
  }
  return { accepted, end: "open", why: "the enumeration did not converge" };
}

/** Whose order decides: the server's own, the client's, or unknown (a probe without a conclusive answer). */
export type Preference = "server" | "client" | null;

/**
 * Offers the server's first two picks in the reverse of the order it picked them: a server with a
 * preference of its own picks the first one again, one that follows the client picks the other.
 */
export async function whoseOrder(first: number, second: number, ask: (offer: readonly number[]) => Promise<Pick>): Promise<Preference> {
  const pick = await ask([second, first]);
  if (pick.kind !== "picked") return null;
  return pick.value === first ? "server" : pick.value === second ? "client" : null;
}
