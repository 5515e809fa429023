// Other JavaScript TLS stacks, compared when installed (they are not dependencies of fipstls; a
// run installs them with `npm i --no-save subtls @reclaimprotocol/tls node-forge`): each is loaded
// with a dynamic import and skipped, with a printed reason, when absent, when BENCH_STACKS leaves
// it out, or when it cannot negotiate under the bench's pinned conditions. Rows a stack cannot
// play are left out and metrics it cannot measure show "n/a" with the reason: nothing is faked.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchGroup, Role, StackName, Version } from "./config.js";
import type { Endpoint, StackContext } from "./stacks.js";
import { type ReclaimModule, type ReclaimWebcrypto, reclaimEndpoint } from "./adapters/reclaim.js";
import { type SubtlsModule, subtlsEndpoint } from "./adapters/subtls.js";

export interface Row {
  version: Version;
  role: Role;
  group: BenchGroup;
}

export interface OptionalStack {
  /** The row name in the table. */
  name: StackName;
  /** The npm package, as `npm i --no-save` names it. */
  pkg: string;
  /** The specifier imported (a package without "exports" is imported by its file, which spares a deprecation warning). */
  entry: string;
  /** Why this stack cannot play a row under the bench's conditions (the row is left out), or null. */
  rowUnsupported(row: Row): string | null;
  /** Why a metric cannot be measured in a row it plays (the cell shows "n/a"), or null. */
  metricUnsupported(metric: string, row: Row): string | null;
  /** How the stack runs and checks the bench's server certificate, for the table's notes. */
  notes: string;
  /** A reason the installed package cannot take part at all, found by asking the package itself; null when it can. */
  incompatible?(mod: unknown, caPem: string): string | null;
  /** Builds the Endpoint; absent for a stack that cannot take part. */
  adapter?(mod: unknown, ctx: StackContext): Promise<Endpoint>;
}

/** A variable specifier keeps TypeScript from resolving (and requiring) the package at build time. */
async function importModule(name: string): Promise<unknown> {
  const specifier: string = name;
  return import(specifier);
}

const clientOnly = (name: string) => (row: Row): string | null => (row.role === "server" ? `${name} has no server side` : null);

export const OPTIONAL_STACKS: readonly OptionalStack[] = [
  {
    name: "subtls",
    pkg: "subtls",
    entry: "subtls/index.js",
    rowUnsupported: (row) =>
      clientOnly("subtls")(row) ??
      (row.version !== "TLSv1.3" ? "subtls speaks TLS 1.3 only" : row.group !== "secp256r1" ? "subtls offers P-256 only" : null),
    metricUnsupported: (metric) => (metric === "resumed" ? "subtls ignores session tickets (no resumption)" : null),
    notes: "certificate: verifies chain, signatures, validity, name and serverAuth EKU against the bench's CA, with requireDigitalSigKeyUsage off (it asks the CA for keyUsage digitalSignature; the bench's CA has keyCertSign only, as RFC 5280 allows)",
    adapter: (mod, ctx) => subtlsEndpoint(mod as SubtlsModule, ctx),
  },
  {
    name: "@reclaimprotocol/tls",
    pkg: "@reclaimprotocol/tls",
    entry: "@reclaimprotocol/tls",
    rowUnsupported: clientOnly("@reclaimprotocol/tls"),
    metricUnsupported: (metric, row) =>
      metric === "resumed" && row.version === "TLSv1.2" ? "@reclaimprotocol/tls resumes only TLS 1.3 (it ignores TLS 1.2 tickets and session ids)" : null,
    notes: "crypto: its WebCrypto implementation; certificate: verifies chain, signatures, validity and name against the bench's CA (added to its Mozilla roots), AIA fetching disabled",
    adapter: async (mod, ctx) => reclaimEndpoint(mod as ReclaimModule, (await importModule("@reclaimprotocol/tls/webcrypto")) as ReclaimWebcrypto, ctx),
  },
  {
    name: "node-forge",
    pkg: "node-forge",
    entry: "node-forge",
    rowUnsupported: () => null,
    metricUnsupported: () => null,
    notes: "",
    incompatible: forgeIncompatible,
  },
];

interface Forge {
  tls?: { SupportedVersions: { major: number; minor: number }[]; CipherSuites: Record<string, unknown> };
  pki?: { certificateFromPem(pem: string): unknown };
}

/** node-forge's TLS, as the installed version describes itself and parses the bench's CA, against what the bench pins. */
function forgeIncompatible(mod: unknown, caPem: string): string | null {
  const forge = ((mod as { default?: unknown }).default ?? mod) as Forge;
  if (!forge.tls || !forge.pki) return "its TLS or PKI module is missing";
  let certificate = "";
  try {
    forge.pki.certificateFromPem(caPem);
  } catch (e) {
    certificate = `; it cannot read the bench's ECDSA P-256 CA certificate ("${e instanceof Error ? e.message : String(e)}")`;
  }
  const versions = forge.tls.SupportedVersions.map((v) => `1.${v.minor - 1}`);
  const suites = Object.keys(forge.tls.CipherSuites);
  const tls12or13 = versions.some((v) => v === "1.2" || v === "1.3");
  const ecdheGcm = suites.some((s) => /ECDHE_ECDSA.*GCM|^TLS_AES_128_GCM/.test(s));
  if (tls12or13 && ecdheGcm && !certificate) return null;
  return `cannot negotiate under the bench's conditions: it speaks TLS ${versions.sort().join("/")} with ${suites.join(", ")} only (RSA key transport, CBC), while the bench pins TLS 1.3 TLS_AES_128_GCM_SHA256 and TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 with an ECDSA P-256 certificate${certificate}`;
}

/** The installed package's version, from its package.json (found by walking up from its entry file). */
function installedVersion(entry: string, pkg: string): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(entry)));
    for (let i = 0; i < 8; i++, dir = dirname(dir)) {
      const file = join(dir, "package.json");
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (json.name === pkg) return json.version ?? "?";
    }
  } catch {
    // not resolvable: no version to show
  }
  return "?";
}

export interface Probe {
  stack: OptionalStack;
  status: "ready" | "not installed" | "not selected" | "cannot run";
  line: string;
}

/** Which optional stacks run: each gets one line for the table's notes, saying why when it is skipped. */
export async function probeOptionalStacks(selected: (name: StackName) => boolean, versions: readonly Version[], group: BenchGroup, caPem: string): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (const stack of OPTIONAL_STACKS) {
    if (!selected(stack.name)) {
      probes.push({ stack, status: "not selected", line: `${stack.name}: skipped: not selected (BENCH_STACKS)` });
      continue;
    }
    let mod: unknown;
    try {
      mod = await importModule(stack.entry);
    } catch {
      probes.push({ stack, status: "not installed", line: `${stack.name}: skipped: not installed (npm i --no-save ${stack.pkg})` });
      continue;
    }
    const name = `${stack.name} ${installedVersion(stack.entry, stack.pkg)}`;
    const why = stack.incompatible?.(mod, caPem) ?? (stack.adapter ? null : "no adapter (bench/optional-stacks.ts)");
    if (why) {
      probes.push({ stack, status: "cannot run", line: `${name}: skipped: ${why}` });
      continue;
    }
    const plays: string[] = [];
    const left = new Set<string>();
    for (const version of versions)
      for (const role of ["client", "server"] as const) {
        const reason = stack.rowUnsupported({ version, role, group });
        if (reason) left.add(reason);
        else plays.push(`TLS ${version.replace("TLSv", "")} ${role}`);
      }
    const rows = plays.length ? `measured as ${plays.join(", ")}` : "no row to measure";
    const line = `${name}: ${rows}${left.size ? ` (${[...left].join("; ")})` : ""}; ${stack.notes}`;
    probes.push({ stack, status: plays.length ? "ready" : "cannot run", line });
  }
  return probes;
}

/** The Endpoint of an optional stack, for stacks.ts's endpoint() (in this process or a child). */
export async function optionalEndpoint(name: StackName, ctx: StackContext): Promise<Endpoint> {
  const stack = OPTIONAL_STACKS.find((s) => s.name === name);
  if (!stack) throw new Error(`unknown stack ${name}`);
  if (!stack.adapter) throw new Error(`${name} has no adapter`);
  return stack.adapter(await importModule(stack.entry), ctx);
}
