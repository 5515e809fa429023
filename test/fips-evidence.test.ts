// How the node provider reads evidence about an OpenSSL FIPS provider, on made-up configurations
// and module files, so that every branch runs without a FIPS build: the config file and its
// includes, Node's flags, the module's name and version strings, the module-mac check, and the
// "not attested" statement for each thing that cannot be read.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type StartupEnvironment, collectEvidence } from "../providers/node/fips-evidence.js";

const dir = mkdtempSync(join(tmpdir(), "fipstls-evidence-"));
const KEY = Buffer.from("f4556650ac31d35461610bac4ed81b1a181b2d8a43ea2854cbae22ca74560813", "hex");

/** A stand-in shared object: the provider's constants among parameter names, as the linker lays them out. */
function moduleFile(name: string, vendor: string, ...versions: string[]): { path: string; mac: string } {
  const bytes = Buffer.concat([
    Buffer.from("\x7fELF\0\0\0padding\0provider=fips,fips=yes\0"),
    Buffer.from(`${vendor}\0buildinfo\0${versions.join("\0")}\0status\0security-checks\0`, "latin1"),
    Buffer.alloc(64, 0xab),
  ]);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const mac = createHmac("sha256", KEY).update(bytes).digest("hex").toUpperCase().match(/../g)!.join(":");
  return { path, mac };
}

function config(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const env = (over: Partial<StartupEnvironment>): StartupEnvironment => ({ conf: undefined, modules: undefined, confInclude: undefined, flags: [], ...over });
const facts = (e: ReturnType<typeof collectEvidence>): Record<string, string> => Object.fromEntries(e.facts.map((f) => [f.id, f.value]));

const upstream = moduleFile("fips.so", "OpenSSL FIPS Provider", "3.5.7");
const fipsmodule = config("fipsmodule.cnf", `[fips_sect]\nactivate = 1\ninstall-version = 1\nconditional-errors = 1\nsecurity-checks = 1\nmodule-mac = ${upstream.mac}\n`);
const main = config(
  "openssl.cnf",
  [
    "config_diagnostics = 1",
    "nodejs_conf = openssl_init   # Node's section",
    "openssl_conf = other_init",
    `.include ${fipsmodule}`,
    "[openssl_init]",
    "providers = provider_sect",
    "alg_section = algorithm_sect",
    "[other_init]",
    "providers = other_providers",
    "[other_providers]",
    "default = default_sect",
    "[default_sect]",
    "activate = 1",
    "[provider_sect]",
    "fips = fips_sect",
    "base = base_sect",
    "[base_sect]",
    "activate = 1",
    "[algorithm_sect]",
    'default_properties = "fips=yes"',
    "[fips_sect]",
    `module = ${upstream.path}`,
    "tls1-prf-ems-check = 1",
    "",
  ].join("\n"),
);

const t = suite("FIPS module evidence (node provider)");
t.after(() => rmSync(dir, { recursive: true, force: true }));

t("FIPS mode off: libcrypto's default provider is the module, nothing else is read", () => {
  const e = collectEvidence(0, env({ conf: main }), []);
  assert.is(e.module, `OpenSSL ${process.versions.openssl}`);
  assert.equal(Object.keys(facts(e)), ["fips.mode", "libcrypto.version"]);
  assert.equal(e.notAttested, []);
});

t("FIPS mode on: config, includes, providers, options, module name/version/build and module-mac", () => {
  const e = collectEvidence(1, env({ conf: main, flags: ["--enable-fips"] }), ["AES-256-GCM encryption"]);
  const f = facts(e);
  assert.is(e.module, "OpenSSL FIPS Provider 3.5.7");
  assert.is(f["libcrypto.version"], `OpenSSL ${process.versions.openssl}`);
  assert.is(f["node.flags"], "--enable-fips");
  assert.is(f["config.file"], main);
  assert.ok(e.facts.find((x) => x.id === "config.file")!.source.includes(`includes ${fipsmodule}`));
  assert.is(f["config.section"], "nodejs_conf = openssl_init");
  assert.is(f["config.default_properties"], "fips=yes");
  assert.match(f["config.providers"]!, /^fips \(\[fips_sect\], module .*fips\.so, activate = 1\); base \(\[base_sect\], activate = 1\)$/);
  // The re-opened [fips_sect] adds to fipsmodule.cnf's keys, as OpenSSL merges them.
  assert.is(f["module.options"], "conditional-errors = 1, security-checks = 1, tls1-prf-ems-check = 1");
  assert.match(f["module.self-test-policy"]!, /^no install-status: .* each time it loads$/);
  assert.equal([f["module.name"], f["module.version"], f["module.buildinfo"]], ["OpenSSL FIPS Provider", "3.5.7", "3.5.7"]);
  assert.match(f["module.mac"]!, /^matches/);
  assert.is(f["module.status"], "operational (inferred)");
  assert.match(e.facts.find((x) => x.id === "module.status")!.source, /^inferred: AES-256-GCM encryption ran/);
  assert.ok(e.notAttested.some((n) => /Node does not expose OSSL_PROVIDER_get_params/.test(n)));
  assert.ok(e.notAttested.some((n) => /approved-service indicators/.test(n)));
  assert.ok(e.notAttested.some((n) => /no module-internal IV path/.test(n)));
});

t("a vendor's name and a build string that differs from the version are both reported", () => {
  const m = moduleFile("vendor-fips.so", "Red Hat Enterprise Linux 9 - OpenSSL FIPS Provider", "3.0.7", "3.0.7-395c1a240fbfffd8");
  const c = config("vendor.cnf", `nodejs_conf = init\n[init]\nproviders = p\n[p]\nfips = fips_sect\n[fips_sect]\nactivate = 1\nmodule = ${m.path}\nmodule-mac = 00:11\ninstall-mac = AA\ninstall-status = INSTALL_SELF_TEST_KATS_RUN\n`);
  const e = collectEvidence(1, env({ conf: c }), []);
  assert.is(e.module, "Red Hat Enterprise Linux 9 - OpenSSL FIPS Provider 3.0.7 (build 3.0.7-395c1a240fbfffd8)");
  const f = facts(e);
  assert.match(f["module.mac"]!, /^differs/);
  assert.match(f["module.self-test-policy"]!, /^install-status "INSTALL_SELF_TEST_KATS_RUN" recorded by fipsinstall/);
  assert.is(f["module.status"], undefined, "nothing ran, so nothing is inferred");
});

t("--openssl-config wins over OPENSSL_CONF; --openssl-shared-config reads openssl_conf", () => {
  const e = collectEvidence(1, env({ conf: "/nonexistent.cnf", flags: [`--openssl-config=${main}`, "--openssl-shared-config"] }), []);
  const f = facts(e);
  assert.is(f["config.file"], main);
  assert.match(e.facts.find((x) => x.id === "config.file")!.source, /^--openssl-config/);
  assert.is(f["config.section"], "openssl_conf = other_init");
  assert.ok(e.notAttested.some((n) => /names no provider called fips/.test(n)));
  assert.is(e.module, undefined);
});

t("a relative module resolves through OPENSSL_MODULES; relative includes through OPENSSL_CONF_INCLUDE", () => {
  mkdirSync(join(dir, "modules"));
  const m = moduleFile(join("modules", "fips.so"), "OpenSSL FIPS Provider", "3.4.1");
  writeFileSync(join(dir, "rel-fips.cnf"), "[fips_sect]\nactivate = 1\n");
  const c = config("relative.cnf", `nodejs_conf = init\n.include rel-fips.cnf\n[init]\nproviders = p\n[p]\nfips = fips_sect\n`);
  const e = collectEvidence(1, env({ conf: c, modules: join(dir, "modules"), confInclude: dir }), []);
  const f = facts(e);
  assert.is(e.module, "OpenSSL FIPS Provider 3.4.1");
  assert.is(f["module.file"]!.split(" ")[0], m.path);
  assert.is(f["config.modules_dir"], join(dir, "modules"));
  assert.ok(e.notAttested.some((n) => /has no module-mac/.test(n)));
});

t("whatever cannot be read is said, and the module is never guessed", () => {
  const none = collectEvidence(1, env({}), []);
  assert.is(none.module, undefined);
  assert.ok(none.notAttested.some((n) => /neither OPENSSL_CONF nor --openssl-config is set/.test(n)));

  const missing = collectEvidence(1, env({ conf: join(dir, "missing.cnf") }), []);
  assert.ok(missing.notAttested.some((n) => /could not be read: .*missing\.cnf/.test(n)));
  assert.is(missing.module, undefined);

  const relative = config("no-modules.cnf", "nodejs_conf = init\n[init]\nproviders = p\n[p]\nfips = fips_sect\n[fips_sect]\nactivate = 1\n");
  const noDir = collectEvidence(1, env({ conf: relative }), []);
  assert.ok(noDir.notAttested.some((n) => /OPENSSL_MODULES is not set/.test(n)));

  const gone = config("gone.cnf", `nodejs_conf = init\n[init]\nproviders = p\n[p]\nfips = fips_sect\n[fips_sect]\nmodule = ${join(dir, "gone.so")}\n`);
  assert.ok(collectEvidence(1, env({ conf: gone }), []).notAttested.some((n) => /module file .*gone\.so could not be read/.test(n)));

  const junk = join(dir, "junk.so");
  writeFileSync(junk, Buffer.alloc(256, 0x41));
  const nameless = config("nameless.cnf", `nodejs_conf = init\n[init]\nproviders = p\n[p]\nfips = fips_sect\n[fips_sect]\nmodule = ${junk}\n`);
  const e = collectEvidence(1, env({ conf: nameless }), []);
  assert.is(e.module, undefined);
  assert.ok(e.notAttested.some((n) => /name and version: not found in .*junk\.so/.test(n)));
  for (const r of [none, missing, noDir, e]) assert.ok(r.notAttested.some((n) => /no module-internal IV path/.test(n)));
});

t.run();
