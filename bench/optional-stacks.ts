// Other JavaScript TLS stacks, compared when installed (they are not dependencies of fipstls):
// each is loaded with a dynamic import, and skipped with a printed line when it is absent. An entry
// becomes a row of the table once it has an adapter that turns the module into an Endpoint
// (stacks.ts), for the roles the stack can play; none is written yet, since none is installed here.
import type { Role, StackName } from "./config.js";
import type { Endpoint, StackContext } from "./stacks.js";

export interface OptionalStack {
  /** The row name in the table. */
  name: StackName;
  /** The npm package, imported with import(). */
  module: string;
  /** Roles the library can play (subtls, for one, is a client only). */
  roles: readonly Role[];
  /** Builds an Endpoint from the imported module; absent until someone writes it. */
  adapter?: (mod: unknown, ctx: StackContext) => Promise<Endpoint>;
}

export const OPTIONAL_STACKS: readonly OptionalStack[] = [
  { name: "subtls", module: "subtls", roles: ["client"] },
  { name: "@reclaimprotocol/tls", module: "@reclaimprotocol/tls", roles: ["client"] },
  { name: "node-forge", module: "node-forge", roles: ["client", "server"] },
];

export interface Probe {
  stack: OptionalStack;
  status: "ready" | "not installed" | "no adapter";
  line: string;
}

async function importModule(name: string): Promise<unknown> {
  // A variable specifier keeps TypeScript from resolving (and requiring) the package at build time.
  const specifier: string = name;
  return import(specifier);
}

/** Which optional stacks can run: each prints one line, "skipped: not installed" when absent. */
export async function probeOptionalStacks(): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (const stack of OPTIONAL_STACKS) {
    let status: Probe["status"];
    try {
      await importModule(stack.module);
      status = stack.adapter ? "ready" : "no adapter";
    } catch {
      status = "not installed";
    }
    const line =
      status === "ready"
        ? `${stack.name}: measured (${stack.roles.join(", ")})`
        : status === "not installed"
          ? `${stack.name}: skipped: not installed`
          : `${stack.name}: skipped: installed, but no adapter yet (bench/optional-stacks.ts)`;
    probes.push({ stack, status, line });
  }
  return probes;
}

/** The Endpoint of an optional stack, for stacks.ts's endpoint() (in this process or a child). */
export async function optionalEndpoint(name: StackName, ctx: StackContext): Promise<Endpoint> {
  const stack = OPTIONAL_STACKS.find((s) => s.name === name);
  if (!stack) throw new Error(`unknown stack ${name}`);
  if (!stack.adapter) throw new Error(`${name} has no adapter`);
  return stack.adapter(await importModule(stack.module), ctx);
}
