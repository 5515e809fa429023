// Findings about the server as a whole, beyond what it accepts item by item: downgrade protection
// (TLS_FALLBACK_SCSV, the TLS 1.3 downgrade sentinel) and whose order decides its choices.
import { ProtocolVersion } from "../src/msgs/enums.js";
import type { Finding } from "./chain-findings.js";
import { FALLBACK_SCSV } from "./iana-cipher-suites.js";
import type { ProbeAnswer } from "./probe.js";
import type { Ask, BaseSpec } from "./scan-algorithms.js";
import type { Preference } from "./scan-enumerate.js";
import type { RenegotiationAnswer } from "./renegotiation-probe.js";

type Hello = Extract<ProbeAnswer, { kind: "hello" }>;

const INAPPROPRIATE_FALLBACK = 86;
const NAMES: Readonly<Record<number, string>> = { [ProtocolVersion.TLS13]: "TLSv1.3", [ProtocolVersion.TLS12]: "TLSv1.2", [ProtocolVersion.TLS11]: "TLSv1.1", [ProtocolVersion.TLS10]: "TLSv1.0" };

const serverFinding = (f: Omit<Finding, "certificate" | "subject">): Finding => ({ ...f, certificate: null, subject: null });

/**
 * A hello below the server's highest version, carrying TLS_FALLBACK_SCSV, must be refused with
 * inappropriate_fallback (RFC 7507 §3). `versions` are the accepted ones, highest first; `suites` the
 * suites the server accepted at the lower version. Null when the server speaks one version only.
 */
export async function fallbackScsvFinding(ask: Ask, base: BaseSpec, versions: readonly number[], suites: readonly number[]): Promise<Finding | null> {
  const [highest, lower] = versions;
  if (highest === undefined || lower === undefined || lower === ProtocolVersion.TLS13 || suites.length === 0) return null;
  const a = await ask({ ...base, version: lower, cipherSuites: [...suites, FALLBACK_SCSV] });
  const rule = "a server whose highest version is above the client's must answer a hello carrying TLS_FALLBACK_SCSV with an inappropriate_fallback alert";
  const common = { id: "fallback_scsv", testsslId: "fallback_SCSV", rule, reference: "RFC 7507 §3" } as const;
  const offered = `a ${NAMES[lower]} hello with TLS_FALLBACK_SCSV to a server that accepts ${NAMES[highest]}`;
  if (a.kind === "alert" && a.description === INAPPROPRIATE_FALLBACK) return serverFinding({ ...common, status: "pass", result: `${offered} was refused with inappropriate_fallback` });
  if (a.kind === "hello") return serverFinding({ ...common, status: "fail", result: `${offered} was accepted: a forced downgrade goes unnoticed` });
  const what = a.kind === "alert" ? `alert ${a.description} instead of inappropriate_fallback` : "detail" in a ? `${a.kind}: ${a.detail}` : a.kind;
  return serverFinding({ ...common, status: "info", result: `${offered} was answered with ${what}` });
}

/**
 * A TLS 1.3 server that negotiates TLS 1.2 or below must say so in the last eight bytes of its
 * random (RFC 8446 §4.1.3), which lets TLS 1.3 clients detect a downgrade. Null without TLS 1.3.
 */
export function downgradeSentinelFinding(tls13: boolean, legacy: readonly Hello[]): Finding | null {
  if (!tls13 || legacy.length === 0) return null;
  const wrong = legacy.filter((h) => h.downgradeSentinel !== (h.version === ProtocolVersion.TLS12 ? "tls12" : "tls11"));
  const common = {
    id: "downgrade_sentinel",
    testsslId: null,
    rule: "a TLS 1.3 server that negotiates TLS 1.2 or below must end its ServerHello.random with DOWNGRD and 01 (TLS 1.2) or 00 (below)",
    reference: "RFC 8446 §4.1.3",
  } as const;
  const versions = (hs: readonly Hello[]): string => hs.map((h) => NAMES[h.version] ?? `0x${h.version.toString(16)}`).join(", ");
  return wrong.length === 0
    ? serverFinding({ ...common, status: "pass", result: `the server marks its ${versions(legacy)} answers with the downgrade sentinel` })
    : serverFinding({ ...common, status: "fail", result: `the server's ${versions(wrong)} answers lack the downgrade sentinel although it accepts TLSv1.3` });
}

/**
 * Whose order decides the server's choice of suite or group. Informational: the policy judges each
 * accepted item on its own, so an order cannot make a refused item acceptable or the reverse.
 */
export function orderFinding(what: "cipher suite" | "group", version: number, accepted: readonly string[], order: Preference | undefined): Finding | null {
  if (order === undefined) return null;
  const v = NAMES[version] ?? `0x${version.toString(16)}`;
  const result =
    order === "server" ? `${v}: the server chooses by its own ${what} order: ${accepted.join(", ")}` :
    order === "client" ? `${v}: the server follows the client's ${what} order (it accepts ${accepted.join(", ")})` :
    `${v}: whose ${what} order decides could not be established`;
  return serverFinding({
    id: what === "group" ? "group_order" : "cipher_order",
    testsslId: what === "group" ? null : "cipher_order",
    status: "info",
    result,
    rule: `reported for the record: the policy judges every accepted ${what} on its own, so the order decides only which allowed one is used`,
    reference: what === "group" ? "RFC 8446 §4.2.7; RFC 8422 §5.1" : "RFC 8446 §4.1.1; RFC 5246 §7.4.1.2",
  });
}

/**
 * Client-initiated renegotiation. Insecure renegotiation (no renegotiation_info) lets an attacker
 * splice its own prefix into a client's connection (RFC 5746 §1): a failure under every policy.
 * Secure renegotiation is reported for the record: it lets one client make the server repeat its
 * handshake work, a denial-of-service concern scanners flag, which no policy here forbids.
 */
export function renegotiationFinding(answer: RenegotiationAnswer): Finding {
  const common = { id: "client_renegotiation", testsslId: "secure_client_renego" } as const;
  if (answer.kind === "incomplete") {
    return serverFinding({ ...common, status: "info", result: `not established: the TLS 1.2 handshake before the renegotiation did not complete (${answer.detail})`, rule: RENEGOTIATION_RULE, reference: "RFC 5746 §4.4" });
  }
  if (answer.outcome === "accepted" && !answer.secure) {
    return serverFinding({
      ...common,
      status: "fail",
      result: `the server renegotiates without renegotiation indication: ${answer.detail}`,
      rule: "a server must not renegotiate a connection that renegotiation_info does not bind (CVE-2009-3555)",
      reference: "RFC 5746 §1, §4.4",
    });
  }
  const result = answer.outcome === "accepted" ? `client-initiated renegotiation is accepted (secure): ${answer.detail}` : `client-initiated renegotiation is ${answer.outcome}: ${answer.detail}`;
  return serverFinding({ ...common, status: "info", result, rule: RENEGOTIATION_RULE, reference: "RFC 5746 §4.4" });
}

const RENEGOTIATION_RULE = "reported for the record: secure client-initiated renegotiation lets a client make the server repeat its handshake at will; servers may refuse it (no_renegotiation)";
