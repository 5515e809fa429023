// What the `fipstls` commands share: their failures, and the parsing and checks of common options.
import { createWriteStream } from "node:fs";
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { ProviderOption, TLSSocket } from "../src/node.js";
import { ConfigError, TlsError } from "../src/errors.js";
import { policyByName } from "../src/policy/policies.js";
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from "../src/config/timeouts.js";

/** A mistake in the command line: the message, then the usage text. */
export class UsageFailure extends Error {}

/** A failure that needs no more than its message (no error class, no usage text). */
export class Failure extends Error {}

/**
 * parseArgs, then the checks every command shares: --policy must name a known policy, whatever else
 * the command line holds, so that every command refuses an unknown one the same way.
 */
export function parseCommand<T extends ParseArgsConfig["options"]>(argv: string[], options: T, allowPositionals = false): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>> {
  const parsed = parseArgs({ args: argv, options, allowPositionals, strict: true });
  const policy = (parsed.values as { policy?: unknown }).policy;
  if (typeof policy === "string") checkPolicy(policy);
  return parsed;
}

/** policyByName's refusal as the ConfigError the library throws for a config naming an unknown policy. */
export function checkPolicy(name: string): void {
  try {
    policyByName(name);
  } catch (e) {
    throw new ConfigError((e as Error).message, "policy");
  }
}

export function providerOption(value: string | undefined): ProviderOption {
  if (value === undefined || value === "node" || value === "webcrypto") return value ?? "node";
  throw new UsageFailure(`--provider must be node or webcrypto, not ${value}`);
}

export const POLICY_OPTIONS = { policy: { type: "string" }, "allow-non-fips-provider": { type: "boolean", default: false } } as const;

export function policyOptions(values: { policy?: string; "allow-non-fips-provider"?: boolean }): { policy?: string; requireFipsProvider?: boolean } {
  return {
    ...(values.policy ? { policy: values.policy } : {}),
    ...(values["allow-non-fips-provider"] ? { requireFipsProvider: false } : {}),
  };
}

export const HANDSHAKE_TIMEOUT_OPTION = { "handshake-timeout": { type: "string" }, keylog: { type: "string" } } as const;

/** Appends key log lines to `file` (readable by its owner only), saying on stderr what that means. */
export function keyLogTo(file: string | undefined): ((line: Buffer) => void) | null {
  if (file === undefined) return null;
  const out = createWriteStream(file, { flags: "a", mode: 0o600 });
  console.error(`fipstls: logging TLS secrets to ${file}: anyone who can read it can decrypt these connections`);
  return (line) => void out.write(line);
}

export function handshakeTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const ms = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(ms) || ms <= 0) throw new UsageFailure(`--handshake-timeout must be a positive number of milliseconds, not ${value}`);
  return ms;
}

/** host:port of a socket's peer, IPv6 in brackets; kept by TLSSocket even after a failed handshake destroyed the socket. */
export function peerOf(socket: TLSSocket): string {
  const address = socket.remoteAddress ?? "?";
  return `${address.includes(":") ? `[${address}]` : address}:${socket.remotePort ?? "?"}`;
}

export const alpnList = (value: string | undefined): string[] | undefined => (value ? value.split(",").filter(Boolean) : undefined);

/** Prints a failure with the name of the check that failed, e.g. "InvalidCertificate(UnknownIssuer)". */
export function explain(err: unknown): string {
  if (err instanceof TlsError) return `${err.name} [alert ${err.alert}]: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** A TCP connection that could not be made (refused, unresolvable name, unreachable), as one line. */
export function cannotConnect(err: Error, host: string, port: number): Failure | null {
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  if (typeof code !== "string" || (syscall !== "connect" && syscall !== "getaddrinfo")) return null;
  return new Failure(`cannot connect to ${host.includes(":") ? `[${host}]` : host}:${port}: ${code}`);
}

export function hostPort(target: string | undefined, command: string): { host: string; port: number } {
  const m = target ? /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(target) : null;
  if (!m) throw new UsageFailure(`${command} needs host:port`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}
