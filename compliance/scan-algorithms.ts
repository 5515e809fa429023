// Which cipher suites and groups a server accepts, enumerated over the whole IANA registries by
// elimination (scan-enumerate.ts), and whose order it follows when it chooses. Answers are per code
// point: true (accepted), false (refused, conclusively) or null (no conclusive answer, with why).
import { describeSpki } from "../src/crypto/keyinfo.js";
import { ProtocolVersion } from "../src/msgs/enums.js";
import { parseCertificate } from "../src/verify/certificate.js";
import { IANA_CIPHER_SUITES, ianaSuiteName, isTls13Suite } from "./iana-cipher-suites.js";
import { suiteKeyExchange } from "./suite-names.js";
import { IANA_GROUPS } from "./iana-groups.js";
import type { HelloSpec, ProbeAnswer } from "./probe.js";
import { type Enumeration, type Pick, type Preference, eliminate, whoseOrder } from "./scan-enumerate.js";

export type Ask = (spec: Omit<HelloSpec, "serverName">) => Promise<ProbeAnswer>;
/** What every probe offers besides the code points under test. */
export type BaseSpec = Omit<HelloSpec, "serverName" | "version" | "cipherSuites">;

/** TLS 1.3 suites: the 0x13xx block and those registered elsewhere (RFC 9150 integrity-only, RFC 9367 GOST, SM4). */
export const TLS13_CANDIDATES = IANA_CIPHER_SUITES.filter((s) => isTls13Suite(s.iana) || suiteKeyExchange(s.name) === "tls13").map((s) => s.iana);
export const TLS12_CANDIDATES = IANA_CIPHER_SUITES.map((s) => s.iana).filter((c) => !TLS13_CANDIDATES.includes(c));
/** TLS 1.3 groups: every assigned group but the explicit-curve markers, which TLS 1.3 removed. */
const TLS13_GROUPS = IANA_GROUPS.map((g) => g.iana).filter((c) => c < 0xff01);
/** TLS 1.2 ECDHE groups: the named curves of RFC 8422's range (1-30); ffdhe is DHE's, ML-KEM is TLS 1.3's. */
const TLS12_EC_GROUPS = IANA_GROUPS.map((g) => g.iana).filter((c) => c >= 1 && c <= 30);
const FFDHE_GROUPS = IANA_GROUPS.filter((g) => g.name.startsWith("ffdhe")).map((g) => g.iana);
const CURVE_GROUP: Readonly<Record<string, number>> = { "P-256": 23, "P-384": 24, "P-521": 25 };

export const hex = (c: number): string => `0x${c.toString(16).padStart(4, "0")}`;

/** Per code point: true, false, or null with the reason no answer was conclusive. */
export type Answers = Map<number, boolean | null>;

export interface SuiteEnumeration {
  readonly version: number;
  readonly candidates: readonly number[];
  readonly enumeration: Enumeration;
  /** Whose order decides, when the server accepts two suites or more. */
  readonly order: Preference | undefined;
}

export interface GroupEnumeration {
  readonly answers: Answers;
  /** The accepted groups in the server's order, per version (empty when not probed). */
  readonly tls13: readonly number[];
  readonly tls12: readonly number[];
  readonly order13: Preference | undefined;
  readonly order12: Preference | undefined;
  /** Why some answers are null, or were taken from the other version. */
  readonly notes: readonly string[];
}

const conclusive = (a: ProbeAnswer): boolean => a.kind === "hello" || a.kind === "alert" || a.kind === "closed";
const why = (a: ProbeAnswer): string => ("detail" in a ? `${a.kind}: ${a.detail}` : a.kind);

function pickOf(a: ProbeAnswer, value: (hello: Extract<ProbeAnswer, { kind: "hello" }>) => number | null | string): Pick {
  if (a.kind !== "hello") return conclusive(a) ? { kind: "refused" } : { kind: "open", why: why(a) };
  const v = value(a);
  return typeof v === "number" ? { kind: "picked", value: v } : { kind: "open", why: v ?? "the answer names no value" };
}

const versionName = (v: number): string => ({ [ProtocolVersion.TLS13]: "TLS 1.3", [ProtocolVersion.TLS12]: "TLS 1.2", [ProtocolVersion.TLS11]: "TLS 1.1", [ProtocolVersion.TLS10]: "TLS 1.0" })[v] ?? hex(v);

/** Every suite of `version`'s range in the registry, by elimination, then whose order decides. */
export async function enumerateSuites(ask: Ask, base: BaseSpec, version: number): Promise<SuiteEnumeration> {
  const candidates = version === ProtocolVersion.TLS13 ? TLS13_CANDIDATES : TLS12_CANDIDATES;
  const offer = (cipherSuites: readonly number[]): Promise<Pick> =>
    ask({ ...base, version, cipherSuites }).then((a) => pickOf(a, (h) => (h.version === version ? h.cipherSuite : `answered with ${versionName(h.version)}`)));
  const enumeration = await eliminate(candidates, offer);
  const [first, second] = enumeration.accepted;
  const order = first !== undefined && second !== undefined ? await whoseOrder(first, second, offer) : undefined;
  return { version, candidates, enumeration, order };
}

/** The suite answers of an enumeration: accepted, refused when it ended in a refusal, else null. */
export function suiteAnswers(e: SuiteEnumeration): Answers {
  const out: Answers = new Map();
  for (const c of e.candidates) out.set(c, e.enumeration.accepted.includes(c) ? true : e.enumeration.end === "refused" ? false : null);
  return out;
}

/**
 * Groups, through HelloRetryRequest in TLS 1.3 (a hello without key shares makes the server name its
 * group) and ServerKeyExchange in TLS 1.2. In TLS 1.2 an ECDSA certificate's curve must stay in the
 * list (RFC 8422 §5.1), so a server with only ECDSA certificates that prefers that curve hides the
 * rest: then the TLS 1.3 answers decide, and without TLS 1.3 the question stays open.
 */
export async function enumerateGroups(
  ask: Ask,
  base: BaseSpec,
  o: { readonly tls13Suites: readonly number[] | null; readonly tls12Version: number | null; readonly tls12Suites: readonly number[] },
): Promise<GroupEnumeration> {
  const notes: string[] = [];
  let e13: Enumeration | null = null;
  let order13: Preference | undefined;
  if (o.tls13Suites !== null && o.tls13Suites.length > 0) {
    const offer = (groups: readonly number[]): Promise<Pick> =>
      ask({ ...base, version: ProtocolVersion.TLS13, cipherSuites: o.tls13Suites!, groups }).then((a) =>
        pickOf(a, (h) => (h.helloRetryRequest ? h.group : "a ServerHello without a HelloRetryRequest to a hello without key shares")),
      );
    e13 = await eliminate(TLS13_GROUPS, offer);
    const [first, second] = e13.accepted;
    order13 = first !== undefined && second !== undefined ? await whoseOrder(first, second, offer) : undefined;
  }

  let e12: Enumeration | null = null;
  let order12: Preference | undefined;
  let complete12 = false;
  const names = o.tls12Suites.map((c) => [c, ianaSuiteName(c)] as const);
  const ecdheRsa = names.filter(([, n]) => n.startsWith("TLS_ECDHE_RSA_")).map(([c]) => c);
  const ecdheEcdsa = names.filter(([, n]) => n.startsWith("TLS_ECDHE_ECDSA_")).map(([c]) => c);
  const dhe = names.some(([, n]) => suiteKeyExchange(n) === "dhe");
  if (o.tls12Version !== null && (ecdheRsa.length > 0 || ecdheEcdsa.length > 0)) {
    // ECDHE_RSA needs no curve for the certificate: its answers are conclusive. ECDSA pins the curve.
    const suites = ecdheRsa.length > 0 ? ecdheRsa : ecdheEcdsa;
    const version = o.tls12Version;
    const offer = (groups: readonly number[]): Promise<Pick> =>
      ask({ ...base, version, cipherSuites: suites, groups }).then((a) => pickOf(a, (h) => h.group ?? "a ServerKeyExchange without a named curve"));
    let pinned: number[] = [];
    if (ecdheRsa.length === 0) {
      const leaf = await ask({ ...base, version, cipherSuites: suites }).then((a) => (a.kind === "hello" ? a.certificates[0] : undefined));
      const curve = leaf ? leafCurveGroup(leaf) : null;
      if (curve !== null) pinned = [curve];
    }
    e12 = await eliminate(TLS12_EC_GROUPS, offer, pinned);
    const [first, second] = e12.accepted;
    order12 = first !== undefined && second !== undefined ? await whoseOrder(first, second, offer) : undefined;
    // Stalled on the pinned curve: the rest is refused only if the server follows the client's order
    // (the pinned curve comes last in every offer, so such a server would have picked another).
    complete12 = e12.end === "refused" || (e12.end === "stalled" && order12 === "client");
    if (e12.end === "stalled" && !complete12) {
      notes.push(
        `TLS 1.2: the server's ECDSA certificate is on ${hex(pinned[0]!)}, which must stay in supported_groups (RFC 8422 §5.1), and the server prefers it, so its other TLS 1.2 groups cannot be enumerated${e13?.end === "refused" ? "; the TLS 1.3 answers were used for them" : ""}`,
      );
    } else if (e12.end === "open") notes.push(`TLS 1.2 group enumeration ended without a conclusive answer (${e12.why})`);
  } else if (o.tls12Version !== null) complete12 = true; // no ECDHE suite accepted: no EC group is used in TLS 1.2

  const answers: Answers = new Map();
  const done13 = e13 !== null && e13.end === "refused";
  for (const g of new Set([...TLS13_GROUPS, ...TLS12_EC_GROUPS])) {
    const yes = (e13?.accepted.includes(g) ?? false) || (e12?.accepted.includes(g) ?? false);
    if (yes) {
      answers.set(g, true);
      continue;
    }
    // Refused only if every version the server speaks that can carry the group says so.
    const in12 = o.tls12Version !== null && (TLS12_EC_GROUPS.includes(g) || FFDHE_GROUPS.includes(g));
    const in13 = e13 !== null;
    const refused12 = !in12 || (FFDHE_GROUPS.includes(g) ? !dhe : complete12);
    const refused13 = !in13 || done13;
    if (refused12 && refused13) answers.set(g, false);
    else if (refused13 && in13 && !refused12 && !FFDHE_GROUPS.includes(g)) answers.set(g, false); // see the stalled note
    else answers.set(g, null);
  }
  if (dhe && o.tls12Version !== null) {
    notes.push(`TLS 1.2: the server accepts DHE suites, whose finite-field group is not named in the handshake; the ffdhe groups were ${done13 ? "judged by the TLS 1.3 answers" : "not established"}`);
    if (done13) for (const g of FFDHE_GROUPS) if (answers.get(g) === null) answers.set(g, false);
  }
  return { answers, tls13: e13?.accepted ?? [], tls12: e12?.accepted ?? [], order13, order12, notes };
}

/** The named group of an ECDSA leaf's curve, or null (RSA, EdDSA, unparsable). */
function leafCurveGroup(der: Uint8Array): number | null {
  try {
    const key = describeSpki(parseCertificate(der, 0).spki);
    return key.type === "ec" && key.curve !== undefined ? (CURVE_GROUP[key.curve] ?? null) : null;
  } catch {
    return null;
  }
}
