// The browser bundle in a real headless Chromium (Debian's `chromium`, driven by playwright-core): a
// page on 127.0.0.1 loads dist/fipstls.browser.js, reaches a node:tls server through `fipstls relay`
// with connectWebSocket(), does an HTTP request under fips-140-3 and shows the audit report.
// Without chromium the test fails under CI=true and is skipped, loudly, elsewhere.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as http from "node:http";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { chromium } from "playwright-core";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import { loggedRelay, tlsHttpServer, within } from "./browser/fixtures.js";
import { policyByName } from "../src/policy/policies.js";
import { skippedAtRunTime } from "./_skip.js";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox", // CI runs as root, where Chromium's sandbox cannot start
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const STEP_MS = 30_000;

/** Chromium from FIPSTLS_CHROMIUM or the PATH, as Debian's package installs it. */
function findChromium(): string | null {
  if (process.env.FIPSTLS_CHROMIUM) return process.env.FIPSTLS_CHROMIUM;
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of ["chromium", "chromium-browser"]) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not here
      }
    }
  }
  return null;
}

const root = new URL("../../", import.meta.url); // the repository, seen from dist/test
const FILES: Record<string, { file: URL; type: string }> = {
  "/": { file: new URL("examples/browser/index.html", root), type: "text/html; charset=utf-8" },
  "/page.js": { file: new URL("examples/browser/page.js", root), type: "text/javascript" },
  "/fipstls.browser.js": { file: new URL("dist/fipstls.browser.js", root), type: "text/javascript" },
  "/fipstls.browser.js.map": { file: new URL("dist/fipstls.browser.js.map", root), type: "application/json" },
};

/** Serves the page, the bundle and /config.json on 127.0.0.1. */
async function pageServer(config: () => object): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/config.json") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(config()));
    const entry = FILES[path];
    if (!entry) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": entry.type, "cache-control": "no-store" }).end(readFileSync(entry.file));
  });
  await within(new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())), "page server listen");
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await within(new Promise<void>((r) => server.close(() => r())), "page server close");
    },
  };
}

interface PageResult {
  ok: boolean;
  error?: string;
  version?: string;
  cipherSuite?: string;
  group?: string;
  provider?: string;
  response?: string;
  policy?: string;
  algorithmsCompliant?: boolean;
  userAgent?: string;
}

const t = suite("browser bundle in headless Chromium");

t("a page does TLS 1.3 over a WebSocket relay to node:tls under fips-140-3 and shows the audit report", async () => {
  const executablePath = findChromium();
  if (!executablePath) {
    const why = "chromium is not installed (apt-get install -y chromium, or set FIPSTLS_CHROMIUM)";
    if (process.env.CI) assert.unreachable(`the browser test needs Chromium on CI: ${why}`);
    skippedAtRunTime(`browser test: ${why}`);
    return;
  }
  const pki = await makeThrowawayPki();
  const server = await tlsHttpServer(pki);
  const profile = mkdtempSync(join(tmpdir(), "fipstls-chromium-"));
  // The screenshot is kept only when the test fails, to show what the page showed; npm test leaves no temp folders.
  const screenshotDir = mkdtempSync(join(tmpdir(), "fipstls-browser-"));
  const screenshot = join(screenshotDir, "page.png");
  let passed = false;
  let relayUrl = "";
  const page = await pageServer(() => ({ relayUrl, caPem: pki.caPem, path: "/from-chromium", expect: `hello from node:tls ${server.token} for /from-chromium` }));
  // The relay takes connections only from the test page's origin, which a browser always sends.
  const r = await loggedRelay({ allow: [`127.0.0.1:${server.port}`], origins: [page.origin] });
  relayUrl = r.to(`127.0.0.1:${server.port}`);
  const browserLog: string[] = [];
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | null = null;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath, args: CHROMIUM_ARGS, headless: true, timeout: STEP_MS });
    const tab = context.pages()[0] ?? (await context.newPage());
    tab.on("console", (m) => browserLog.push(`console.${m.type()}: ${m.text()}`));
    tab.on("pageerror", (e) => browserLog.push(`pageerror: ${e.message}`));
    await tab.goto(`${page.origin}/`, { timeout: STEP_MS });
    await tab.waitForFunction(() => document.body.dataset.status !== undefined, undefined, { timeout: STEP_MS });
    const result = (await tab.evaluate(() => (window as unknown as { fipstlsResult: unknown }).fipstlsResult)) as PageResult;
    await tab.screenshot({ path: screenshot, fullPage: true, timeout: STEP_MS });
    assert.ok(result.ok, `the page failed: ${result.error}\n${browserLog.join("\n")}`);
    assert.is(result.version, "TLSv1.3");
    assert.is(result.provider, "webcrypto");
    assert.is(result.policy, policyByName("fips-140-3").id);
    assert.is(result.algorithmsCompliant, true);
    assert.match(result.response!, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(result.userAgent!, /HeadlessChrome|Chrome/);
    const audit = await tab.textContent("#audit", { timeout: STEP_MS });
    assert.match(audit ?? "", /fips-140-3/);
    const [line] = await r.logged(1);
    assert.match(line!, new RegExp(`-> 127\\.0\\.0\\.1:${server.port} closed 1000 target closed up=\\d+ down=\\d+`));
    console.log(`\n  ${result.userAgent}: ${result.version} ${result.cipherSuite} ${result.group}`);
    passed = true;
  } finally {
    if (passed) rmSync(screenshotDir, { recursive: true, force: true });
    else console.log(`\n  browser test failed; screenshot (if taken): ${screenshot}`);
    await within(context?.close() ?? Promise.resolve(), "closing Chromium").catch(() => undefined);
    await r.relay.close();
    await page.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

t.run();
