// Name constraints (RFC 5280 4.2.1.10 and 6.1.3 (b)-(c)): a CA's permitted and excluded subtrees
// bind the names of every certificate below it. dNSName, rfc822Name, iPAddress and directoryName
// subtrees are evaluated; for any other form the check fails closed as soon as a certificate below
// carries a name of that form, critical or not (as pyca/cryptography).
import { equalBytes } from "../codec/bytes.js";
import type { InvalidCertificate } from "../errors.js";
import { parseDer } from "./der.js";
import { comparableRdns, emailAddresses, nameToString } from "./dn.js";
import { type GeneralSubtree, type NameConstraints } from "./extensions.js";
import { type Placed, fail, isSelfIssued } from "./checks.js";
import { hostLabels } from "./names.js";

/** Name/subtree comparisons one verification may spend (webpki's figure). */
export const MAX_NAME_CONSTRAINT_COMPARISONS = 250_000;

export class ComparisonBudget {
  private used = 0;
  constructor(private readonly max = MAX_NAME_CONSTRAINT_COMPARISONS) {}
  /** False once the budget is spent. */
  spend(n: number): boolean {
    this.used += n;
    return this.used <= this.max;
  }
}

const FORM_NAMES = ["otherName", "rfc822Name", "dNSName", "x400Address", "directoryName", "ediPartyName", "URI", "iPAddress", "registeredID"];

interface Names {
  readonly dns: readonly string[];
  readonly ip: readonly Uint8Array[];
  readonly directory: readonly Uint8Array[];
  readonly email: readonly string[];
  readonly otherForms: ReadonlySet<number>;
}

function namesOf(cert: Placed["cert"]): Names {
  const san = cert.subjectAltName;
  const directory: Uint8Array[] = [...(san?.directoryNames ?? [])];
  const otherForms = new Set<number>(san?.otherForms ?? []);
  // An empty subject (SEQUENCE with no RDNs, 2 bytes) is no directoryName at all.
  if (cert.subjectDer.length > 2) directory.push(cert.subjectDer);
  // RFC 5280 4.2.1.10: rfc822Name constraints also reach the subject's legacy emailAddress.
  const email = [...(san?.rfc822Names ?? []), ...emailAddresses(cert.subjectDer)];
  return { dns: san?.dnsNames ?? [], ip: san?.ipAddresses ?? [], directory, email, otherForms };
}

/**
 * Applies `ca`'s name constraints to `below` (the certificates under it on the path, nearest first,
 * leaf last). Returns the violation, a budget error, or null.
 */
export function checkNameConstraints(
  ca: Placed,
  constraints: NameConstraints,
  below: readonly Placed[],
  budget: ComparisonBudget,
): InvalidCertificate | null {
  const subtrees = [...constraints.permitted, ...constraints.excluded];
  // Each DNS name and constraint is parsed once per call, not once per comparison.
  const dnsForms = new Map<string, DnsForm>();
  const parsed = (text: string): DnsForm => {
    let form = dnsForms.get(text);
    if (form === undefined) dnsForms.set(text, (form = dnsForm(text)));
    return form;
  };
  for (let i = 0; i < below.length; i++) {
    const at = below[i]!;
    // 6.1.3 (b): self-issued intermediates are exempt; the leaf never is.
    if (i < below.length - 1 && isSelfIssued(at.cert)) continue;
    const names = namesOf(at.cert);
    if (!budget.spend(subtrees.length * (names.dns.length + names.ip.length + names.directory.length + names.email.length + 1))) {
      return fail("MaximumNameConstraintComparisonsExceeded", `more than ${MAX_NAME_CONSTRAINT_COMPARISONS} comparisons`, at);
    }
    const unhandled = subtrees.find((s) => names.otherForms.has(s.form));
    if (unhandled !== undefined) {
      return fail("NameConstraintViolation", `${ca.cert.subject} constrains ${FORM_NAMES[unhandled.form]} names, which fipstls cannot evaluate`, at);
    }
    const problem =
      judge(constraints, 2, names.dns, (n, s) => dnsMatches(parsed(n), parsed(s.dns)), (n) => `dNSName "${printable(n)}"`) ??
      judge(constraints, 1, names.email, (n, s) => emailMatches(n, s.email), (n) => `rfc822Name "${printable(n)}"`) ??
      judge(constraints, 7, names.ip, (n, s) => ipMatches(n, s.address, s.mask), (n) => `iPAddress ${ipText(n)}`) ??
      judge(constraints, 4, names.directory, (n, s) => directoryMatches(n, s.name), (n) => `directoryName "${nameText(n)}"`);
    if (problem !== null) return fail("NameConstraintViolation", `${problem} (constrained by ${ca.cert.subject})`, at);
  }
  return null;
}

type SubtreeOf<F extends number> = Extract<GeneralSubtree, { form: F }>;

/** Permitted: each name lies within some subtree of its form. Excluded: none lies within any. */
function judge<F extends 1 | 2 | 4 | 7, N>(
  constraints: NameConstraints,
  form: F,
  names: readonly N[],
  matches: (name: N, subtree: SubtreeOf<F>) => Verdict,
  describe: (name: N) => string,
): string | null {
  if (names.length === 0) return null;
  const permitted = constraints.permitted.filter((s): s is SubtreeOf<F> => s.form === form);
  const excluded = constraints.excluded.filter((s): s is SubtreeOf<F> => s.form === form);
  for (const name of names) {
    // "unknown" (a malformed name or subtree) counts as outside permitted and inside excluded.
    if (permitted.length > 0 && !permitted.some((s) => matches(name, s) === "inside")) return `${describe(name)} is not permitted`;
    if (excluded.some((s) => matches(name, s) !== "outside")) return `${describe(name)} is excluded`;
  }
  return null;
}

type Verdict = "inside" | "outside" | "unknown";

function printable(name: string): string {
  const clean = name.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}

function nameText(der: Uint8Array): string {
  try {
    return printable(nameToString(parseDer(der, "Name"), "Name"));
  } catch {
    return "(unreadable)";
  }
}

function ipText(b: Uint8Array): string {
  if (b.length === 4) return b.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(":");
}

interface DnsForm {
  readonly text: string;
  /** Labels after a leading "*." (wildcard SANs); null if malformed. */
  readonly labels: readonly string[] | null;
  readonly wildcard: boolean;
}

function dnsForm(text: string): DnsForm {
  const wildcard = text.startsWith("*.");
  return { text, labels: hostLabels(wildcard ? text.slice(2) : text), wildcard };
}

/**
 * Whether a SAN dNSName lies within a dNSName subtree: "example.com" covers itself and every name
 * below it. A constraint must be a valid host name: "" and ".example.com" are malformed (as
 * pyca/cryptography) and, like a malformed SAN, never judged, so they fail closed. A wildcard SAN
 * "*.B" stands for every one-label extension of B: permitted only if all of them are, excluded if any.
 */
function dnsMatches(name: DnsForm, constraint: DnsForm): Verdict {
  const c = constraint.labels;
  const n = name.labels;
  if (c === null || n === null || constraint.wildcard) return "unknown";
  const suffix = c.length <= n.length && c.every((label, i) => label === n[n.length - c.length + i]);
  if (!name.wildcard || suffix) return suffix ? "inside" : "outside";
  // Some expansion x.B is inside when the constraint is itself one label longer than B (x = that label).
  const oneLonger = c.length === n.length + 1 && n.every((label, i) => label === c[i + 1]);
  return oneLonger ? "unknown" : "outside";
}

/**
 * rfc822Name subtrees (RFC 5280 4.2.1.10): "user@host" is that mailbox, "host" every mailbox at that
 * host, ".domain" every mailbox at a host below the domain. Local parts compare exactly, hosts
 * without case. A malformed address or constraint is never judged (fails closed), as pyca/cryptography.
 */
function emailMatches(address: string, constraint: string): Verdict {
  const mailbox = parseMailbox(address);
  if (mailbox === null) return "unknown";
  if (constraint.includes("@")) {
    const c = parseMailbox(constraint);
    if (c === null) return "unknown";
    return c.local === mailbox.local && sameLabels(c.host, mailbox.host) ? "inside" : "outside";
  }
  const below = constraint.startsWith(".");
  const host = hostLabels(below ? constraint.slice(1) : constraint);
  if (host === null) return "unknown";
  if (!below) return sameLabels(host, mailbox.host) ? "inside" : "outside";
  const h = mailbox.host;
  return h.length > host.length && host.every((label, i) => label === h[h.length - host.length + i]) ? "inside" : "outside";
}

// RFC 5321 Mailbox with a dot-string local part (the quoted form is refused, as pyca/cryptography).
const ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;

function parseMailbox(text: string): { local: string; host: string[] } | null {
  const at = text.lastIndexOf("@");
  if (at <= 0) return null;
  const local = text.slice(0, at);
  if (!local.split(".").every((atom) => ATOM.test(atom))) return null;
  const host = hostLabels(text.slice(at + 1));
  return host === null ? null : { local, host };
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((label, i) => label === b[i]);
}

function ipMatches(address: Uint8Array, base: Uint8Array, mask: Uint8Array): Verdict {
  // IPv4 names never fall in IPv6 subtrees or the reverse.
  if (address.length !== base.length) return "outside";
  for (let i = 0; i < address.length; i++) if ((address[i]! & mask[i]!) !== (base[i]! & mask[i]!)) return "outside";
  return "inside";
}

// Comparable forms of Names, per parsed byte array: each subject and subtree is prepared once.
const rdnCache = new WeakMap<Uint8Array, string[] | null>();

function comparable(der: Uint8Array): string[] | null {
  let rdns = rdnCache.get(der);
  if (rdns === undefined) {
    try {
      rdns = comparableRdns(der);
    } catch {
      rdns = null;
    }
    rdnCache.set(der, rdns);
  }
  return rdns;
}

/** A Name is within a directoryName subtree when the subtree's RDNs are a prefix of its own. */
function directoryMatches(name: Uint8Array, base: Uint8Array): Verdict {
  if (equalBytes(name, base)) return "inside";
  const n = comparable(name);
  const b = comparable(base);
  if (n === null || b === null) return "unknown";
  return b.length <= n.length && b.every((rdn, i) => rdn === n[i]) ? "inside" : "outside";
}
