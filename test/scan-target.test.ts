// A scan needs a TLS server to judge. When the TCP connection cannot be made, or what answers does not
// speak TLS, scanServer throws ScanTargetError instead of returning a report that would read as "not
// compliant"; a TLS server that refuses every hello still gets a report. Scripted streams stand in for
// the servers (no network), plus one real connection to a closed port through `scan`.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createServer, type AddressInfo } from "node:net";
import { ScanTargetError, scanServer, type ScanTarget } from "../compliance/scan.js";
import { ScanTargetError as Exported } from "../compliance/index.js";
import type { RawStream } from "../compliance/probe.js";
import { nodeProvider } from "../providers/node/index.js";
import { scan } from "../src/node.js";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";

const provider = nodeProvider();
const pki = await makeThrowawayPki();
const options = { provider, policy: "fips-140-3", roots: pki.caPem, timeoutMs: 200 } as const;

/** A stream whose server answers each ClientHello with `answer` (bytes, then end of stream), or never. */
function scripted(answer: Uint8Array | null | "silent"): () => Promise<RawStream> {
  return async () => {
    let sent = false;
    let written = false;
    return {
      write: () => void (written = true),
      read: async (ms) => {
        if (answer === "silent" || !written) {
          await new Promise((r) => setTimeout(r, ms));
          throw new Error("read timed out");
        }
        if (answer === null || sent) return null;
        sent = true;
        return answer;
      },
      close: () => undefined,
    };
  };
}

const target = (dial: ScanTarget["dial"], host = "203.0.113.7"): ScanTarget => ({ host, port: 443, dial });
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

async function refusal(dial: ScanTarget["dial"], host?: string): Promise<ScanTargetError> {
  try {
    await scanServer(target(dial, host), options);
  } catch (e) {
    assert.instance(e, ScanTargetError);
    return e as ScanTargetError;
  }
  assert.unreachable("scanServer returned a report");
  throw new Error("unreachable");
}

const t = suite("scan target errors");

t("a refused connection is CannotConnect with the system's code, after one probe", async () => {
  let dials = 0;
  const e = await refusal(async () => {
    dials++;
    throw Object.assign(new Error("connect ECONNREFUSED 203.0.113.7:443"), { code: "ECONNREFUSED", syscall: "connect" });
  });
  assert.is(e.reason, "CannotConnect");
  assert.is(e.code, "ERR_FIPSTLS_SCAN_TARGET");
  assert.is(e.message, "cannot connect to 203.0.113.7:443: ECONNREFUSED");
  assert.is(dials, 1);
});

t("a name that does not resolve and a connect timeout are CannotConnect too; IPv6 in brackets", async () => {
  const unresolved = await refusal(async () => {
    throw Object.assign(new Error("getaddrinfo ENOTFOUND nope.invalid"), { code: "ENOTFOUND", syscall: "getaddrinfo" });
  }, "nope.invalid");
  assert.is(unresolved.message, "cannot connect to nope.invalid:443: ENOTFOUND");
  const timedOut = await refusal(async () => {
    throw new Error("connect to 2001:db8::1:443 timed out");
  }, "2001:db8::1");
  assert.is(timedOut.message, "cannot connect to [2001:db8::1]:443: timed out after 200 ms");
  assert.is(timedOut.target, "[2001:db8::1]:443");
});

t("bytes that are not a TLS record are NotTls, quoting a text answer or showing the bytes", async () => {
  const http = await refusal(scripted(text("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")));
  assert.is(http.reason, "NotTls");
  assert.is(http.message, '203.0.113.7:443 does not speak TLS: it answered "HTTP/1.1 400 Bad Request"');
  const binary = await refusal(scripted(new Uint8Array([0x80, 0x2e, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08])));
  assert.is(binary.message, "203.0.113.7:443 does not speak TLS: it answered bytes that are not a TLS record (80 2e 01 02 03 04 05 06 …)");
});

t("a server that only closes, or only stays silent, whatever the version, is NotTls", async () => {
  const closes = await refusal(scripted(null));
  assert.is(closes.message, "203.0.113.7:443 does not speak TLS: it closed the connection without answering a TLS ClientHello");
  const silent = await refusal(scripted("silent"));
  assert.is(silent.message, "203.0.113.7:443 does not speak TLS: no answer to a TLS ClientHello within 200 ms");
});

t("a TLS server that refuses every hello with an alert is a scan result: a report, not compliant", async () => {
  // handshake_failure (40), fatal, as a TLS 1.2 record.
  const report = await scanServer(target(scripted(new Uint8Array([21, 3, 3, 0, 2, 2, 40]))), options);
  assert.is(report.type, "scan");
  assert.not.ok(report.verdict.compliant);
  assert.match(report.verdict.reasons.join("\n"), /server accepts no protocol version the policy allows/);
  assert.equal(report.items.filter((i) => i.kind === "version").map((i) => i.serverAccepted), [false, false, false, false]);
});

t("scan() of a closed port rejects with the ScanTargetError fipstls/compliance exports", async () => {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  const e = await scan("127.0.0.1", port, { policy: "fips-140-3", timeoutMs: 2000, roots: pki.caPem }).then(
    () => null,
    (err: unknown) => err,
  );
  assert.instance(e, Exported);
  assert.is((e as ScanTargetError).message, `cannot connect to 127.0.0.1:${port}: ECONNREFUSED`);
});

t.run();
