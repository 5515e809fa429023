// What a Node program can learn about the OpenSSL FIPS provider it runs on. Node has no API for
// provider information (no OSSL_PROVIDER_get_params, no indicators), so fipstls reads what OpenSSL
// itself read at startup: the config file (OPENSSL_CONF or --openssl-config), its provider sections
// and .include'd fipsmodule.cnf, and the module file those name. Every fact says where it came from;
// whatever cannot be read is listed as not attested. No child process: a library must not spawn
// `openssl` behind its caller's back, and that CLI may load a different libcrypto anyway.
// `process` is the global: importing node:process costs 2.5-4 ms at load (its ESM facade reads
// every property of process, allowedNodeEnvironmentFlags included).
import type { FipsFact } from "../../src/crypto/provider.js";
import { nodeCrypto, nodeFs, nodePath } from "./builtins.js";
const { createHmac, getFips } = nodeCrypto;
const { readFileSync, readdirSync, statSync } = nodeFs;
const { basename, isAbsolute, join, resolve } = nodePath;

export interface ModuleEvidence {
  /** "<name> <version>" as the module file states them, when both could be read. */
  readonly module?: string;
  readonly facts: readonly FipsFact[];
  readonly notAttested: readonly string[];
}

/** The process state OpenSSL's configuration depends on. */
export interface StartupEnvironment {
  readonly conf: string | undefined;
  readonly modules: string | undefined;
  readonly confInclude: string | undefined;
  /** Node's flags: process.execArgv, then NODE_OPTIONS split on whitespace. */
  readonly flags: readonly string[];
}

// OpenSSL reads its configuration once, at startup: take the environment as it was when this module
// was first imported (normally at startup too), not as the application may have changed it since.
const STARTUP: StartupEnvironment = {
  conf: process.env.OPENSSL_CONF,
  modules: process.env.OPENSSL_MODULES,
  confInclude: process.env.OPENSSL_CONF_INCLUDE,
  flags: [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/).filter((a) => a !== "")],
};

/** The key `openssl fipsinstall` uses for module-mac unless told otherwise (OpenSSL's FIPS_KEY_STRING). */
const DEFAULT_FIPSINSTALL_KEY = "f4556650ac31d35461610bac4ed81b1a181b2d8a43ea2854cbae22ca74560813";
/** fipsmodule.cnf keys that describe the installation rather than set an option. */
const INSTALL_KEYS = new Set(["activate", "module", "module-mac", "install-mac", "install-status", "install-version", "identity"]);
const MAX_CONF_BYTES = 1 << 20;
const MAX_CONF_FILES = 32;
const MAX_MODULE_BYTES = 64 << 20;

type Section = Map<string, string>;
interface Conf {
  readonly sections: Map<string, Section>;
  readonly files: string[];
  readonly problems: string[];
}

function flagValue(flags: readonly string[], name: string): string | undefined {
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    if (f.startsWith(`${name}=`)) return f.slice(name.length + 1);
    if (f === name && i + 1 < flags.length) return flags[i + 1];
  }
  return undefined;
}

/** Parses an OpenSSL config file the way config(5) describes, bounded in files, size and depth. */
function parseConf(file: string, confInclude: string | undefined): Conf {
  const conf: Conf = { sections: new Map([["default", new Map()]]), files: [], problems: [] };
  const readOne = (path: string, depth: number): void => {
    if (conf.files.length >= MAX_CONF_FILES || depth > 8) {
      conf.problems.push(`${path}: not read (more than ${MAX_CONF_FILES} files or includes nested deeper than 8)`);
      return;
    }
    let text: string;
    try {
      const st = statSync(path);
      if (st.isDirectory()) {
        // An included directory contributes its *.cnf and *.conf files, in name order.
        for (const name of readdirSync(path).filter((n) => /\.(cnf|conf)$/.test(n)).sort()) readOne(join(path, name), depth + 1);
        return;
      }
      if (st.size > MAX_CONF_BYTES) throw new Error(`larger than ${MAX_CONF_BYTES} bytes`);
      text = readFileSync(path, "utf8");
    } catch (e) {
      conf.problems.push(`${path}: ${(e as Error).message}`);
      return;
    }
    conf.files.push(path);
    let section = "default";
    for (const raw of text.replace(/\\\r?\n/g, "").split(/\r?\n/)) {
      const line = stripComment(raw).trim();
      if (line === "") continue;
      const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
      if (header) {
        section = header[1]!;
        if (!conf.sections.has(section)) conf.sections.set(section, new Map());
        continue;
      }
      const include = /^\.include\s*=?\s*(.+)$/.exec(line);
      if (include) {
        const target = unquote(include[1]!.trim());
        // config(5): relative includes are relative to OPENSSL_CONF_INCLUDE, else the working directory.
        readOne(isAbsolute(target) ? target : resolve(confInclude ?? process.cwd(), target), depth + 1);
        continue;
      }
      if (line.startsWith(".")) continue; // .pragma and other directives do not set values
      const kv = /^([^=\s]+)\s*=\s*(.*)$/.exec(line);
      if (kv) conf.sections.get(section)!.set(kv[1]!, expand(conf, section, unquote(kv[2]!.trim())));
    }
  };
  readOne(file, 0);
  return conf;
}

function stripComment(line: string): string {
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "\\") i++;
    else if (c === "#") return line.slice(0, i);
  }
  return line;
}

const unquote = (v: string): string => (/^(["']).*\1$/.test(v) ? v.slice(1, -1) : v);

/** $name, ${name}, $section::name and $ENV::NAME, as config(5) expands them. */
function expand(conf: Conf, section: string, value: string): string {
  return value.replace(/\$(?:\{([^}]+)\}|(\w+(?:::\w+)?))/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const ref = braced ?? bare ?? "";
    const [sec, name] = ref.includes("::") ? (ref.split("::") as [string, string]) : [section, ref];
    if (sec === "ENV") return process.env[name] ?? "";
    return conf.sections.get(sec)?.get(name) ?? conf.sections.get("default")?.get(name) ?? whole;
  });
}

/** The name and version strings OpenSSL's FIPS provider returns from get_params, found in the module file. */
function moduleStrings(bytes: Buffer): { name?: string; version?: string; buildInfo?: string } {
  const cString = (at: number): { text: string; start: number; end: number } => {
    let start = at;
    while (start > 0 && bytes[start - 1] !== 0) start--;
    let end = at;
    while (end < bytes.length && bytes[end] !== 0) end++;
    return { text: bytes.toString("latin1", start, end), start, end };
  };
  const printable = (s: string): boolean => s.length > 0 && s.length <= 200 && /^[\x20-\x7e]+$/.test(s);
  const versionLike = /^\d+\.\d+\.\d+[0-9A-Za-z.+~-]*$/;
  let from = 0;
  let fallback: { name?: string } = {};
  for (;;) {
    // FIPS_VENDOR is "OpenSSL FIPS Provider" upstream; distributions prefix it ("… - OpenSSL FIPS Provider").
    const at = bytes.indexOf("FIPS Provider", from, "latin1");
    if (at < 0) return fallback;
    from = at + 1;
    const name = cString(at);
    if (!printable(name.text)) continue;
    fallback = { name: name.text };
    // The version and build strings sit among the provider's parameter names right after the name.
    const versions: string[] = [];
    for (let p = name.end + 1, n = 0; p < bytes.length && p < name.end + 512 && n < 24; n++) {
      const s = cString(p);
      if (versionLike.test(s.text)) versions.push(s.text);
      p = s.end + 1;
    }
    if (versions.length > 0) {
      const version = versions[0]!;
      const buildInfo = versions.find((v) => v !== version && v.startsWith(version)) ?? version;
      return { name: name.text, version, buildInfo };
    }
  }
}

/** Evidence about the module behind node:crypto; `operational` lists approved algorithms that just ran. */
export function readModuleEvidence(operational: readonly string[]): ModuleEvidence {
  return collectEvidence(getFips(), STARTUP, operational);
}

/** The same, for a given FIPS mode and startup environment (tests use it without a FIPS provider). */
export function collectEvidence(mode: number, env: StartupEnvironment, operational: readonly string[]): ModuleEvidence {
  const facts: FipsFact[] = [];
  const notAttested: string[] = [];
  const fact = (id: string, value: string, source: string): void => {
    facts.push({ id, value, source });
  };
  const libcrypto = `OpenSSL ${process.versions.openssl}`;
  fact("fips.mode", mode === 1 ? "1: OpenSSL's default property query includes fips=yes" : `${mode}: fips=yes is not in OpenSSL's default property query`, "crypto.getFips()");
  fact("libcrypto.version", libcrypto, "process.versions.openssl (the library that loads providers, not the FIPS module)");
  const nodeFlags = env.flags.filter((f) => /^--(enable-fips|force-fips|openssl-config|openssl-shared-config)/.test(f));
  if (nodeFlags.length) fact("node.flags", nodeFlags.join(" "), "process.execArgv and NODE_OPTIONS");

  if (mode !== 1) {
    // Without fips=yes, algorithms come from the default provider, which is compiled into libcrypto.
    return { module: libcrypto, facts, notAttested };
  }

  const configFlag = flagValue(env.flags, "--openssl-config");
  const confFile = configFlag ?? env.conf;
  if (confFile === undefined) {
    notAttested.push(
      "which FIPS provider is loaded: neither OPENSSL_CONF nor --openssl-config is set, so OpenSSL read its compiled-in default configuration, whose path Node does not report",
    );
    return { facts, notAttested: [...notAttested, ...fixedLimits()] };
  }
  const confSource = configFlag !== undefined ? "--openssl-config" : "OPENSSL_CONF";
  const conf = parseConf(resolve(confFile), env.confInclude);
  fact("config.file", resolve(confFile), `${confSource} at startup${conf.files.length > 1 ? `; includes ${conf.files.slice(1).join(", ")}` : ""}`);
  for (const p of conf.problems) notAttested.push(`part of the OpenSSL configuration could not be read: ${p}`);
  const appKey = env.flags.includes("--openssl-shared-config") ? "openssl_conf" : "nodejs_conf";
  const app = conf.sections.get("default")!.get(appKey);
  if (app === undefined) {
    notAttested.push(`which FIPS provider is loaded: ${confFile} has no ${appKey} entry, the section Node reads, so the configuration names none`);
    return { facts, notAttested: [...notAttested, ...fixedLimits()] };
  }
  fact("config.section", `${appKey} = ${app}`, confFile);
  const appSection = conf.sections.get(app);
  const providerSection = conf.sections.get(appSection?.get("providers") ?? "");
  const defaultProperties = conf.sections.get(appSection?.get("alg_section") ?? "")?.get("default_properties");
  if (defaultProperties !== undefined) fact("config.default_properties", defaultProperties, `[${appSection?.get("alg_section")}] in the configuration`);
  if (!providerSection) {
    notAttested.push(`which FIPS provider is loaded: section [${app}] names no providers section`);
    return { facts, notAttested: [...notAttested, ...fixedLimits()] };
  }
  const providers = [...providerSection.entries()].map(([name, sec]) => ({ name, sectionName: sec, section: conf.sections.get(sec) ?? new Map<string, string>() }));
  fact(
    "config.providers",
    providers.map((p) => `${p.name} ([${p.sectionName}]${p.section.get("module") ? `, module ${p.section.get("module")}` : ""}${p.section.has("activate") ? `, activate = ${p.section.get("activate")}` : ""})`).join("; "),
    `[${appSection!.get("providers")}] in the configuration`,
  );
  const fips = providers.find((p) => p.name === "fips" || /^fips\b/.test(basename(p.section.get("module") ?? "")));
  if (!fips) {
    notAttested.push("which FIPS provider is loaded: the configuration names no provider called fips; crypto.getFips() only says that fips=yes is the default property query");
    return { facts, notAttested: [...notAttested, ...fixedLimits()] };
  }
  const s = fips.section;
  const options = [...s.entries()].filter(([k]) => !INSTALL_KEYS.has(k)).map(([k, v]) => `${k} = ${v}`);
  if (options.length) fact("module.options", options.join(", "), `[${fips.sectionName}] (fipsinstall output and overrides): the provider's self-test and indicator check settings`);
  if (s.has("install-version")) fact("module.install-version", s.get("install-version")!, `[${fips.sectionName}] install-version`);
  // With install-status/install-mac, fipsinstall recorded that the self-tests passed at install time
  // (OpenSSL 3.0, or 3.1+ with -self_test_oninstall); without them the provider runs them on every load.
  fact(
    "module.self-test-policy",
    s.has("install-status")
      ? `install-status "${s.get("install-status")}" recorded by fipsinstall; the provider checks it (install-mac) when it loads`
      : "no install-status: the provider runs its self-tests (known-answer tests and the module-mac integrity check) each time it loads",
    `[${fips.sectionName}]`,
  );

  if (env.modules !== undefined) fact("config.modules_dir", env.modules, "OPENSSL_MODULES at startup (where OpenSSL looks for a provider named by a relative path)");
  const ext = process.platform === "darwin" ? ".dylib" : process.platform === "win32" ? ".dll" : ".so";
  const moduleName = s.get("module") ?? `${fips.name}${ext}`;
  const moduleDir = env.modules;
  const moduleFile = isAbsolute(moduleName) ? moduleName : moduleDir !== undefined ? join(moduleDir, moduleName) : undefined;
  let moduleText: string | undefined;
  if (moduleFile === undefined) {
    notAttested.push(`the FIPS provider's name and version: its module "${moduleName}" is a relative name, OPENSSL_MODULES is not set, and Node does not report OpenSSL's compiled-in module directory`);
  } else {
    let bytes: Buffer | undefined;
    try {
      const st = statSync(moduleFile);
      if (st.size > MAX_MODULE_BYTES) throw new Error(`larger than ${MAX_MODULE_BYTES} bytes`);
      bytes = readFileSync(moduleFile);
      fact("module.file", `${moduleFile} (${st.size} bytes)`, isAbsolute(moduleName) ? `[${fips.sectionName}] module` : "OPENSSL_MODULES at startup");
    } catch (e) {
      notAttested.push(`the FIPS provider's name and version: its module file ${moduleFile} could not be read (${(e as Error).message})`);
    }
    if (bytes) {
      const found = moduleStrings(bytes);
      const where = `strings in ${moduleFile} beside the provider name (the constants its get_params returns; Node cannot call it)`;
      if (found.name !== undefined) fact("module.name", found.name, where);
      if (found.version !== undefined) fact("module.version", found.version, where);
      if (found.buildInfo !== undefined) fact("module.buildinfo", found.buildInfo, where);
      if (found.name !== undefined && found.version !== undefined) {
        moduleText = `${found.name} ${found.version}${found.buildInfo !== undefined && found.buildInfo !== found.version ? ` (build ${found.buildInfo})` : ""}`;
      } else {
        notAttested.push(`the FIPS provider's ${found.name === undefined ? "name and version" : "version"}: not found in ${moduleFile}`);
      }
      const expected = s.get("module-mac")?.replace(/:/g, "").toLowerCase();
      if (expected !== undefined) {
        // The same HMAC the provider checks when it loads; a match ties this file to the configuration.
        const actual = createHmac("sha256", Buffer.from(DEFAULT_FIPSINSTALL_KEY, "hex")).update(bytes).digest("hex");
        fact(
          "module.mac",
          actual === expected
            ? "matches: HMAC-SHA256 of the module file (fipsinstall's default key) equals module-mac"
            : "differs: HMAC-SHA256 of the module file with fipsinstall's default key is not module-mac (a non-default fipsinstall key, or not the file that was installed)",
          `[${fips.sectionName}] module-mac, recomputed by fipstls`,
        );
      } else {
        notAttested.push(`the module's integrity record: [${fips.sectionName}] has no module-mac`);
      }
    }
  }
  if (operational.length > 0) {
    fact(
      "module.status",
      "operational (inferred)",
      `inferred: ${operational.join(", ")} ran in this process under fips=yes, and OpenSSL's FIPS provider refuses every service unless its load-time integrity check and self-tests passed`,
    );
  }
  notAttested.push(
    "that the module file read by fipstls is the one OpenSSL loaded at startup: the provider's name, version and build are read from the file, because Node does not expose OSSL_PROVIDER_get_params",
  );
  return { ...(moduleText !== undefined ? { module: moduleText } : {}), facts, notAttested: [...notAttested, ...fixedLimits()] };
}

/** What node:crypto can never show about an OpenSSL provider, whatever the configuration. */
function fixedLimits(): string[] {
  return [
    "the provider's status parameter, its approved-service indicators (fips-indicator; iv-generated for AES-GCM) and which provider served each operation: node:crypto exposes no OSSL_PROVIDER_get_params, EVP_CIPHER_CTX_get_params or EVP_*_get0_provider",
    "that AES-GCM encryption is approved under FIPS 140-3 IG C.H: node:crypto has no module-internal IV path (createCipheriv always takes the IV from the caller; OpenSSL's TLS 1.2 IV controls are not exposed), so every AES-GCM IV is set from outside the module; OpenSSL's FIPS provider accepts it, reports iv-generated = 0, and its source notes that the security policy treats externally set GCM IVs as not FIPS compliant",
  ];
}
