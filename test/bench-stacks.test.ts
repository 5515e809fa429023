// The benchmark's adapters for other JavaScript TLS stacks (bench/optional-stacks.ts), which are
// not dependencies: each test runs when its package is installed (`npm i --no-save subtls
// @reclaimprotocol/tls node-forge`) and is skipped otherwise. It checks what the table relies on:
// a handshake and a round trip with node:tls under the bench's pinned conditions, a refused server
// certificate from another CA (verification is on), resumption where claimed, and the reason a
// stack that cannot negotiate is skipped with. Everything runs on 127.0.0.1 with bounded waits.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import type { Version } from "../bench/config.js";
import { OPTIONAL_STACKS, optionalEndpoint, probeOptionalStacks } from "../bench/optional-stacks.js";
import { type BenchSession, type BenchSocket, type Pki, endpoint, withTimeout } from "../bench/stacks.js";
import { roundTrip, serve } from "../bench/traffic.js";
import { skippedAtRunTime } from "./_skip.js";

const t = suite("bench-stacks");
const TIMEOUT_MS = 10_000;

const installed = async (name: string): Promise<boolean> => {
  const entry = OPTIONAL_STACKS.find((s) => s.name === name)!.entry;
  return import(entry).then(
    () => true,
    () => false,
  );
};

type Dial = (session?: BenchSession, onSession?: (s: BenchSession) => void) => Promise<BenchSocket>;

/** A node:tls echo server with `serverPki`, and `name`'s client trusting `clientPki`'s CA; runs `body`, closes all. */
async function withPair(name: string, version: Version, serverPki: Pki, clientPki: Pki, body: (dial: Dial) => Promise<void>): Promise<void> {
  const base = { version, group: "secp256r1", timeoutMs: TIMEOUT_MS } as const;
  const server = await endpoint("node:tls", { ...base, pki: serverPki });
  const client = await optionalEndpoint(name, { ...base, pki: clientPki });
  const listener = await server.listen((s) => serve(s, { kind: "echo" }));
  try {
    await body((session, onSession) => client.dial(listener.port, { ...(session !== undefined ? { session } : {}), ...(onSession ? { onSession } : {}) }));
  } finally {
    await listener.close();
  }
}

const CASES: readonly { name: string; version: Version; resumes: boolean }[] = [
  { name: "subtls", version: "TLSv1.3", resumes: false },
  { name: "@reclaimprotocol/tls", version: "TLSv1.3", resumes: true },
  { name: "@reclaimprotocol/tls", version: "TLSv1.2", resumes: false },
];

for (const c of CASES) {
  t(`${c.name} ${c.version}: handshake and round trip with node:tls, another CA's certificate refused${c.resumes ? ", resumption" : ""}`, async () => {
    if (!(await installed(c.name))) return skippedAtRunTime(`${c.name} is not installed (npm i --no-save)`);
    const [pki, other] = await Promise.all([makeThrowawayPki(), makeThrowawayPki()]);
    await withPair(c.name, c.version, pki, pki, async (dial) => {
      let got!: (s: BenchSession) => void;
      const ticket = new Promise<BenchSession>((r) => (got = r));
      const s = await dial(undefined, (x) => got(x));
      await withTimeout(roundTrip(s), TIMEOUT_MS, "round trip");
      assert.is(s.getProtocol(), c.version);
      assert.is(s.getCipher()?.standardName, c.version === "TLSv1.3" ? "TLS_AES_128_GCM_SHA256" : "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
      assert.is(s.isSessionReused(), false);
      if (c.resumes) {
        const session = await withTimeout(ticket, TIMEOUT_MS, "session");
        const r = await dial(session);
        await withTimeout(roundTrip(r), TIMEOUT_MS, "resumed round trip");
        assert.is(r.isSessionReused(), true);
        r.destroy();
      }
      s.destroy();
    });
    // The server's chain is from a CA the client does not trust: the handshake must fail.
    await withPair(c.name, c.version, other, pki, async (dial) => {
      const outcome = await dial().then(
        (s) => (s.destroy(), "connected"),
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      // Each stack's own words for "no path to a trusted CA".
      assert.match(outcome, /trusted root|Missing issuer/);
    });
  });
}

t("node-forge: skipped with the reason the installed version gives", async () => {
  if (!(await installed("node-forge"))) return skippedAtRunTime("node-forge is not installed (npm i --no-save)");
  const pki = await makeThrowawayPki();
  const probes = await probeOptionalStacks((n) => n === "node-forge", ["TLSv1.3", "TLSv1.2"], "secp256r1", pki.caPem);
  const forge = probes.find((p) => p.stack.name === "node-forge")!;
  assert.is(forge.status, "cannot run");
  assert.match(forge.line, /skipped: cannot negotiate under the bench's conditions/);
});

t.run();
