// What `fipstls relay` decides about one upgrade request, from its request-target and Origin alone:
// a pure, total function (it returns a verdict for every input string and never throws), so that a
// hostile request can end only itself and a fuzzer can call it directly.
import { isIPv6 } from "node:net";

/** Close codes the relay sends; 44xx/45xx mirror the HTTP status a proxy would answer with. */
export const RELAY_CLOSE = {
  targetClosed: 1000, // the target ended the TCP connection
  shuttingDown: 1001,
  textMessage: 1003, // only binary messages are relayed
  messageTooBig: 1009, // sent by ws itself when a message exceeds maxMessageBytes
  internalError: 1011,
  tooManyConnections: 1013,
  badRequest: 4400, // no or malformed ?target=
  notAllowed: 4403, // target or Origin not in the allow-lists
  idle: 4408,
  unreachable: 4502, // the TCP connection failed
  connectTimeout: 4504,
} as const;

export interface Target {
  /** Canonical "host:port" (lower-case name, IPv6 in brackets), the allow-list's key. */
  readonly key: string;
  readonly host: string;
  readonly port: number;
}

/** Parses "host:port" strictly: no defaults, no leading zeros, no schemes or paths, no name longer than DNS allows. */
export function parseTarget(text: string): Target | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):([1-9][0-9]{0,4})$/.exec(text);
  if (!m) return null;
  const port = Number(m[3]);
  const v6 = m[1];
  if (port > 65535) return null;
  if (v6 !== undefined && isIPv6(v6) === false) return null;
  const host = (v6 ?? m[2]!).toLowerCase();
  if (v6 === undefined && (host.startsWith(".") || host.startsWith("-") || host.includes("..") || host.length > 253)) return null;
  return { key: v6 !== undefined ? `[${host}]:${port}` : `${host}:${port}`, host, port };
}

/** What a request is judged against. */
export interface RelayPolicy {
  /** Canonical target keys (parseTarget(entry).key) that may be connected to. */
  readonly allow: { has(key: string): boolean };
  /** If given, the exact Origin header values accepted; requests without one are refused. */
  readonly origins?: { has(origin: string): boolean } | null;
}

export type RelayRequest =
  | { readonly ok: true; readonly target: Target }
  | {
      readonly ok: false;
      /**
       * True when the request is refused with a plain HTTP `status` before any upgrade: its
       * request-target is one no WebSocket client sends. Otherwise it is well-formed but asks for a
       * bad or forbidden target, and is refused after the upgrade with close `code`, because a
       * browser can read a close code and reason but never the status of a failed handshake.
       */
      readonly beforeUpgrade: boolean;
      readonly status: 400 | 403 | 414;
      readonly code: (typeof RELAY_CLOSE)["badRequest" | "notAllowed"];
      /** At most 123 bytes of ASCII: fits a close frame. */
      readonly reason: string;
      /** What was asked for, printable on one log line: a target key, a JSON string or "-". */
      readonly what: string;
    };

/** Longest request-target considered; a real one ("/?target=" and a host:port) is well under 300 characters. */
export const MAX_REQUEST_TARGET = 2048;
const WHAT_MAX = 100;

/**
 * `text` quoted for one log line, at most WHAT_MAX characters between the quotes: quotes, backslashes,
 * controls (C0, DEL, C1), line separators and lone surrogates escaped as in JSON. Escaping before
 * shortening keeps the bound, and the loop stops at it, so a long input costs nothing more.
 */
function quoted(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const escaped =
      ch === '"' || ch === "\\"
        ? `\\${ch}`
        : c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c <= 0xdfff)
          ? `\\u${c.toString(16).padStart(4, "0")}`
          : ch;
    if (out.length + escaped.length > WHAT_MAX) return `"${out}…"`;
    out += escaped;
  }
  return `"${out}"`;
}

/** A target key (printable ASCII already) shortened for a log line. */
function short(key: string): string {
  return key.length > WHAT_MAX ? `${key.slice(0, WHAT_MAX)}…` : key;
}

/**
 * Judges an upgrade request from its request-target (`req.url`) and Origin header: the target it may
 * be relayed to, or why not. Total and pure: any strings (or undefined) give a verdict, never an exception.
 */
export function parseRelayRequest(url: string | undefined, origin: string | undefined, policy: RelayPolicy): RelayRequest {
  const refuse = (beforeUpgrade: boolean, status: 400 | 403 | 414, code: 4400 | 4403, reason: string, what: string): RelayRequest => ({
    ok: false,
    beforeUpgrade,
    status,
    code,
    reason,
    what,
  });
  if (typeof url !== "string" || url.length === 0) return refuse(true, 400, RELAY_CLOSE.badRequest, "no request-target", "-");
  if (url.length > MAX_REQUEST_TARGET) return refuse(true, 414, RELAY_CLOSE.badRequest, "request-target too long", quoted(url));
  // WebSocket clients send origin-form ("/path?query", RFC 6455 §4.1) with everything outside
  // printable ASCII percent-encoded; anything else (absolute-form, "*", raw bytes) is not one of them.
  if (url.charCodeAt(0) !== 0x2f) return refuse(true, 400, RELAY_CLOSE.badRequest, "request-target must start with /", quoted(url));
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return refuse(true, 400, RELAY_CLOSE.badRequest, "request-target must be printable ASCII", quoted(url));
  }
  // The path is not ours to judge (a reverse proxy may mount the relay anywhere); only the query is.
  const q = url.indexOf("?");
  // URLSearchParams decodes as browsers encode ("+", %XX, invalid escapes kept as they are) and never
  // throws for a string; the input is at most MAX_REQUEST_TARGET long, so its parameters are bounded.
  const targets = q < 0 ? [] : new URLSearchParams(url.slice(q + 1)).getAll("target");
  const badTarget = "expected ?target=host:port";
  if (targets.length !== 1) return refuse(false, 400, RELAY_CLOSE.badRequest, badTarget, "-");
  const asked = targets[0]!;
  const target = parseTarget(asked);
  if (!target) return refuse(false, 400, RELAY_CLOSE.badRequest, badTarget, quoted(asked));
  if (policy.origins && (origin === undefined || !policy.origins.has(origin))) return refuse(false, 403, RELAY_CLOSE.notAllowed, "origin not allowed", short(target.key));
  if (!policy.allow.has(target.key)) return refuse(false, 403, RELAY_CLOSE.notAllowed, "target not allowed", short(target.key));
  return { ok: true, target };
}
