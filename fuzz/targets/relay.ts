// Target 7: the relay's request judgement, bin/relay-request.ts parseRelayRequest: total and pure,
// so any exception is a finding, and so is a verdict that breaks its documented contract.
import { Buffer } from "node:buffer";
import { MAX_REQUEST_TARGET, parseRelayRequest, parseTarget, type RelayPolicy } from "../../bin/relay-request.js";
import { type Outcome, type Serialized, type Target, describeError } from "../harness.js";
import type { Rng } from "../rng.js";
import { seedFiles } from "../seeds.js";

export interface RelayInput {
  url?: string;
  origin?: string;
  /** Judge against a policy without an Origin allow-list. */
  anyOrigin?: boolean;
}

const ALLOW = new Set(["localhost:443", "[::1]:8443", "127.0.0.1:8443", "example.com:65535"]);
const ORIGINS = new Set(["https://app.localhost", "null"]);
const STRICT: RelayPolicy = { allow: ALLOW, origins: ORIGINS };
const OPEN: RelayPolicy = { allow: ALLOW, origins: null };

const TOKENS = [
  "?", "&", "=", "target", "target=", "?target=", "&target=", "%", "%25", "%3A", "%5B", "%5D", "%00", "%0A", "%7F", "%C2%85", "%E2%80%A8", "%FF", "%zz", "+", "#", ":", "[", "]", "::1", "::",
  ".", "..", "-", "localhost", "LOCALHOST", "127.0.0.1", "443", "0", "65535", "65536", "99999", "0443", "/", "//", "\\", " ", "\t", "\u0000", "\u007f", "\u0085", "\u2028", "é", "😀", "\ud800",
  "[::ffff:127.0.0.1]", "[fe80::1%25eth0]", "xn--", "a".repeat(300),
];

function mutateString(s: string | undefined, rng: Rng): string | undefined {
  if (s === undefined || rng.chance(0.05)) return rng.chance(0.5) ? undefined : "";
  let out = s;
  const count = 1 + rng.small(4);
  for (let i = 0; i < count; i++) {
    const at = rng.int(out.length + 1);
    switch (rng.int(6)) {
      case 0:
      case 1:
        out = out.slice(0, at) + rng.pick(TOKENS) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + out.slice(at + 1 + rng.small(8));
        break;
      case 3:
        out = out.slice(0, at) + String.fromCharCode(rng.chance(0.8) ? rng.int(128) : rng.int(0x10000)) + out.slice(at);
        break;
      case 4:
        out = (out.slice(0, at) + out.slice(at, at + 1 + rng.small(32)).repeat(1 + rng.small(100)) + out.slice(at)).slice(0, MAX_REQUEST_TARGET + 100);
        break;
      default:
        out = out.slice(0, at);
    }
  }
  return out;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export class RelayTarget implements Target<RelayInput> {
  readonly name = "relay";
  readonly description = "parseRelayRequest (bin/relay-request.ts) on mutated request-targets and Origin headers";
  readonly coverage = ["bin/relay-request.js"];
  private seedInputs: RelayInput[] = [];

  async setup(): Promise<void> {
    this.seedInputs = seedFiles("relay").map((f) => this.deserialize({ ext: f.ext, data: f.data }));
  }

  seeds(): RelayInput[] {
    return this.seedInputs;
  }

  mutate(input: RelayInput, rng: Rng, other: RelayInput | undefined): RelayInput {
    const out: RelayInput = { ...input };
    const p = rng.int(10);
    if (p < 7) out.url = mutateString(input.url ?? "/?target=localhost:443", rng);
    else if (p < 9) out.origin = mutateString(input.origin ?? "https://app.localhost", rng);
    else if (other && rng.chance(0.5)) out.url = other.url;
    else out.anyOrigin = !input.anyOrigin;
    return out;
  }

  execute(input: RelayInput): Outcome {
    let v;
    try {
      v = parseRelayRequest(input.url, input.origin, input.anyOrigin ? OPEN : STRICT);
    } catch (e) {
      return { kind: "finding", label: `uncaught in parseRelayRequest: ${describeError(e)}`, error: e };
    }
    const broken = (what: string): Outcome => ({ kind: "finding", label: `contract: ${what}`, detail: JSON.stringify(v) });
    if (v.ok) {
      const t = v.target;
      if (!ALLOW.has(t.key)) return broken("accepted a target outside the allow-list");
      if (!(t.port >= 1 && t.port <= 65535)) return broken("port out of range");
      if (parseTarget(t.key)?.key !== t.key) return broken("target key is not canonical");
      return { kind: "ok", label: "accepted", extra: t.key };
    }
    if (!/^[\x20-\x7e]{1,123}$/.test(v.reason)) return broken("reason is not 1..123 printable ASCII bytes");
    if (CONTROL.test(v.what)) return broken("`what` carries a control or line-separator character into the log line");
    if (v.what.length > 2 * 100 + 8) return broken("`what` is not shortened");
    if (v.beforeUpgrade && v.code !== 4400) return broken("refused before the upgrade with a non-4400 code");
    if (v.status === 403 && v.code !== 4403) return broken("403 without 4403");
    return { kind: "expected", label: `refused ${v.status}/${v.code} ${v.reason}${v.beforeUpgrade ? " (before upgrade)" : ""}` };
  }

  serialize(input: RelayInput): Serialized {
    return { ext: "json", data: new Uint8Array(Buffer.from(JSON.stringify(input), "utf8")) };
  }

  deserialize(s: Serialized): RelayInput {
    return JSON.parse(Buffer.from(s.data).toString("utf8")) as RelayInput;
  }
}
