// The `fipstls` command: demo, serve, connect, audit, scan, relay.
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { connect, createServer, nodeProvider, resolveProvider, scan, type TLSSocket } from "../src/node.js";
import { ConfigError } from "../src/errors.js";
import { judgeKey, policyByName } from "../src/policy/policies.js";
import { ScanTargetError } from "../compliance/scan.js";
import { makeThrowawayPki } from "./throwaway-pki.js";
import { describeConnection, describeProvider } from "./describe.js";
import { serveHttp } from "./http.js";
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from "../src/config/timeouts.js";
import type { AuditReport } from "../compliance/audit.js";
import { renderReport, renderText } from "../compliance/render.js";
import { auditConfig } from "../compliance/audit.js";
import { buildCommon, certificatesFrom } from "../src/config/common.js";
import { describeSpki, importPrivateKeyPem } from "../src/crypto/keyinfo.js";
import { parseCertificate } from "../src/verify/certificate.js";
import { equalBytes } from "../src/codec/bytes.js";
import { startRelay } from "./relay.js";
import {
  Failure,
  HANDSHAKE_TIMEOUT_OPTION,
  POLICY_OPTIONS,
  UsageFailure,
  alpnList,
  cannotConnect,
  explain,
  handshakeTimeout,
  hostPort,
  keyLogTo,
  parseCommand,
  peerOf,
  policyOptions,
  providerOption,
} from "./cli-options.js";

const USAGE = `usage:
  fipstls demo [--policy P]
  fipstls serve --cert C --key K [--port 8443] [--host 127.0.0.1] [--provider node|webcrypto] [--alpn h2,http/1.1] [--echo] [--policy P] [--handshake-timeout MS] [--keylog FILE]
  fipstls connect host:port [--ca F] [--servername N] [--provider node|webcrypto] [--alpn h2,http/1.1] [--policy P] [--handshake-timeout MS] [--keylog FILE]
  fipstls audit [--policy P] [--provider node|webcrypto] [--cert C [--key K]] [--format text|json|md] [--fips-certificate #N]
  fipstls scan host:port [--policy P] [--servername N] [--ca F] [--timeout MS] [--format text|json|md]
  fipstls relay --listen host:port --allow host:port [--allow host:port ...] [--origin URL ...] [--max-connections N] [--max-message BYTES] [--idle-timeout MS] [--upgrade-timeout MS] [--max-pending N]
  fipstls help

  --policy P                 default | fips-140-3 | cnsa (or a dated policy id)
  --allow-non-fips-provider  with --policy fips-140-3 or cnsa: run even if the provider does not attest FIPS mode
  --fips-certificate #N      audit: the CMVP certificate of the OpenSSL FIPS provider you deploy, recorded as user-asserted
  --handshake-timeout MS     serve, connect: give up on a handshake after MS milliseconds (default ${DEFAULT_HANDSHAKE_TIMEOUT_MS})
  --keylog FILE              serve, connect: append the connections' secrets to FILE (SSLKEYLOGFILE format, for
                             Wireshark); whoever reads FILE can decrypt them, and their audits say so

exit status: 2 on a usage or configuration error (unknown command, option or policy, missing argument);
  audit and scan exit 0 when compliant, 1 when not, 2 on error (scan: also when no TLS server answers
  at host:port); connect exits 1 when the connection or its handshake fails`;


async function demo(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { policy: { type: "string", default: "fips-140-3" } });
  const policyName = values.policy!;
  console.log(`fipstls demo: TLS 1.3 over 127.0.0.1 under policy ${policyName}, through each provider\n`);
  // A P-256 certificate where the policy allows one, else P-384 (cnsa).
  const p256 = judgeKey(policyByName(policyName), { type: "ec", curve: "P-256" }).decision === "allowed";
  const pki = await makeThrowawayPki({ keyType: p256 ? "ec-p256" : "ec-p384" });
  let report: AuditReport | null = null;
  for (const providerName of ["node", "webcrypto"] as const) {
    const provider = await resolveProvider(providerName);
    // The demo runs everywhere, so it does not insist on a FIPS-mode module; the report says whether one was attested.
    const common = { provider, policy: policyName, requireFipsProvider: false, ALPNProtocols: ["http/1.1"] } as const;
    const server = createServer({ ...common, cert: pki.certPem, key: pki.keyPem }, (socket) => {
      socket.on("data", () => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"));
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    try {
      const socket = connect({ ...common, host: "127.0.0.1", port, servername: "localhost", ca: pki.caPem });
      const response = await new Promise<string>((resolve, reject) => {
        let body = "";
        socket.on("secureConnect", () => socket.write("GET / HTTP/1.1\r\nhost: localhost\r\n\r\n"));
        socket.on("data", (d: Buffer) => (body += d.toString("utf8")));
        socket.on("end", () => resolve(body));
        socket.on("error", reject);
      });
      const audit = socket.audit();
      report ??= audit;
      console.log(`provider ${providerName}`);
      console.log(describeConnection(socket).map((l) => `  ${l}`).join("\n"));
      console.log(`  response:         ${response.split("\r\n")[0]}`);
      console.log(describeProvider(provider).map((l) => `  ${l}`).join("\n"));
      console.log(`  verdict:          ${audit.verdict.compliant ? "compliant" : audit.verdict.algorithmsCompliant ? "algorithms compliant; module not attested" : "NOT compliant"}`);
      console.log();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
  console.log("audit report of the first connection (fipstls audit --format json|md gives other renderings):\n");
  console.log(renderText(report!));
}

/** serve --echo: sends back every byte, reading no faster than the client reads the echo (pipe pauses on a full writer). */
export function echoConnection(socket: TLSSocket): void {
  socket.pipe(socket);
}

/** serve's default: every HTTP/1.x request gets a page naming the negotiated parameters. */
export function httpConnection(socket: TLSSocket): void {
  serveHttp(socket, (req) => `<!doctype html><title>fipstls</title><h1>fipstls</h1><pre>${describeConnection(socket).join("\n")}\nrequest: ${req.method} ${req.target}</pre>\n`);
}

async function serve(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
      cert: { type: "string" },
      key: { type: "string" },
      port: { type: "string", default: "8443" },
      host: { type: "string", default: "127.0.0.1" },
      provider: { type: "string" },
      alpn: { type: "string" },
      echo: { type: "boolean", default: false },
      ...POLICY_OPTIONS,
      ...HANDSHAKE_TIMEOUT_OPTION,
  });
  if (!values.cert || !values.key) throw new UsageFailure("serve needs --cert and --key");
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageFailure(`invalid --port ${values.port}`);
  const timeout = handshakeTimeout(values["handshake-timeout"]);
  const provider = await resolveProvider(providerOption(values.provider));
  const server = createServer({
    cert: readFileSync(values.cert),
    key: readFileSync(values.key),
    provider,
    handshakeTimeout: timeout,
    ...policyOptions(values),
    ...(alpnList(values.alpn) ? { ALPNProtocols: alpnList(values.alpn)! } : {}),
  });
  server.on("tlsClientError", (err: Error, socket: TLSSocket) => {
    console.log(`${new Date().toISOString()} ${peerOf(socket)} handshake failed: ${explain(err)}`);
  });
  server.on("secureConnection", (socket: TLSSocket) => {
    const peer = peerOf(socket);
    const info = socket.tlsInfo!;
    console.log(`${new Date().toISOString()} ${peer} ${info.version} ${info.cipherSuite} ${info.group} ${info.signatureScheme} alpn=${info.alpnProtocol ?? "-"} sni=${info.serverName ?? "-"}`);
    socket.on("error", (err) => console.log(`${new Date().toISOString()} ${peer} error: ${explain(err)}`));
    if (values.echo) echoConnection(socket);
    else httpConnection(socket);
  });
  const keyLog = keyLogTo(values.keylog);
  if (keyLog) server.on("keylog", keyLog);
  await server.ready();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, values.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  console.log(`fipstls serving on ${addr.address}:${addr.port} (provider ${provider.name}${values.echo ? ", echo" : ""})`);
}

async function connectCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    argv,
    { ca: { type: "string" }, servername: { type: "string" }, provider: { type: "string" }, alpn: { type: "string" }, ...POLICY_OPTIONS, ...HANDSHAKE_TIMEOUT_OPTION },
    true,
  );
  const { host, port } = hostPort(positionals[0], "connect");
  const timeout = handshakeTimeout(values["handshake-timeout"]);
  const socket = connect({
    host,
    port,
    provider: providerOption(values.provider),
    ...policyOptions(values),
    ...(values.servername ? { servername: values.servername } : {}),
    ...(values.ca ? { ca: readFileSync(values.ca) } : {}),
    ...(alpnList(values.alpn) ? { ALPNProtocols: alpnList(values.alpn)! } : {}),
    handshakeTimeout: timeout,
  });
  const keyLog = keyLogTo(values.keylog);
  if (keyLog) socket.on("keylog", keyLog);
  const response = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on("secureConnect", () => {
      console.log(describeConnection(socket).join("\n"));
      console.log();
      socket.write(`GET / HTTP/1.1\r\nhost: ${values.servername ?? host}\r\nconnection: close\r\nuser-agent: fipstls\r\n\r\n`);
    });
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("end", () => {
      socket.end();
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    socket.on("error", (err: Error) => reject(cannotConnect(err, host, port) ?? err));
  });
  process.stdout.write(response.endsWith("\n") ? response : `${response}\n`);
}

async function audit(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    policy: { type: "string", default: "default" },
    provider: { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
    format: { type: "string", default: "text" },
    "fips-certificate": { type: "string" },
  });
  const format = values.format;
  if (format !== "text" && format !== "json" && format !== "md") throw new UsageFailure(`--format must be text, json or md, not ${format}`);
  const providerName = providerOption(values.provider);
  const fipsCertificate = values["fips-certificate"];
  if (fipsCertificate !== undefined && providerName === "webcrypto") throw new UsageFailure("--fips-certificate names the OpenSSL FIPS provider's CMVP certificate: it needs --provider node");
  // The number is recorded as user-asserted in the report; fipstls cannot check it against the CMVP.
  const provider = fipsCertificate !== undefined ? nodeProvider({ fipsCertificate }) : await resolveProvider(providerName);
  // The report itself says whether the module is attested, so building the config must not stop at it.
  const base = { provider, policy: values.policy!, requireFipsProvider: false };
  // The certificate is judged, not enforced: a refused key or signature shows up in the report (exit 1).
  const certificateChain = values.cert ? certificatesFrom(readFileSync(values.cert), "--cert") : [];
  if (values.key) {
    if (!values.cert) throw new UsageFailure("--key needs --cert");
    const key = await provider.signingKey(importPrivateKeyPem(readFileSync(values.key, "utf8")));
    const leaf = parseCertificate(certificateChain[0]!).spki;
    if (!equalBytes(describeSpki(key.spki).publicKey, describeSpki(leaf).publicKey)) throw new UsageFailure("--key does not match the certificate in --cert");
  }
  const config = { ...buildCommon(base), side: values.cert ? "server" : "client", certificateChain };
  const report = auditConfig(config);
  process.stdout.write(renderReport(report, format));
  return report.verdict.compliant ? 0 : 1;
}

async function scanCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { policy: { type: "string", default: "default" }, servername: { type: "string" }, ca: { type: "string" }, timeout: { type: "string", default: "5000" }, format: { type: "string", default: "text" }, provider: { type: "string" } },
    true,
  );
  const { host, port } = hostPort(positionals[0], "scan");
  const format = values.format;
  if (format !== "text" && format !== "json" && format !== "md") throw new UsageFailure(`--format must be text, json or md, not ${format}`);
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageFailure(`invalid --timeout ${values.timeout}`);
  const report = await scan(host, port, {
    policy: values.policy!,
    timeoutMs,
    provider: providerOption(values.provider),
    ...(values.servername ? { serverName: values.servername } : {}),
    // The anchors the chain is judged against (default: Mozilla's roots); PEM or DER.
    ...(values.ca ? { roots: readFileSync(values.ca) } : {}),
  });
  process.stdout.write(renderReport(report, format));
  return report.verdict.compliant ? 0 : 1;
}

async function relayCommand(argv: string[]): Promise<void> {
  // No --policy: the relay forwards TLS ciphertext and takes part in no handshake.
  const { values } = parseCommand(argv, {
    listen: { type: "string" },
    allow: { type: "string", multiple: true },
    origin: { type: "string", multiple: true },
    "max-connections": { type: "string" },
    "max-message": { type: "string" },
    "idle-timeout": { type: "string" },
    "upgrade-timeout": { type: "string" },
    "max-pending": { type: "string" },
  });
  const { host, port } = hostPort(values.listen, "relay --listen");
  if (!values.allow?.length) throw new UsageFailure("relay needs at least one --allow host:port");
  const count = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UsageFailure(`invalid --${name} ${value}`);
    return n;
  };
  const maxConnections = count("max-connections", values["max-connections"]);
  const maxMessageBytes = count("max-message", values["max-message"]);
  const idleTimeoutMs = count("idle-timeout", values["idle-timeout"]);
  const upgradeTimeoutMs = count("upgrade-timeout", values["upgrade-timeout"]);
  const maxPendingSockets = count("max-pending", values["max-pending"]);
  const relay = await startRelay({
    host,
    port,
    allow: values.allow,
    ...(values.origin ? { origins: values.origin } : {}),
    ...(maxConnections ? { maxConnections } : {}),
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
    ...(idleTimeoutMs ? { idleTimeoutMs } : {}),
    ...(upgradeTimeoutMs ? { upgradeTimeoutMs } : {}),
    ...(maxPendingSockets ? { maxPendingSockets } : {}),
  }).catch((e: Error) => {
    throw e.message.startsWith("invalid allow-list entry") ? new UsageFailure(`--allow: ${e.message}`) : e;
  });
  // Close connections with 1001 on shutdown so that clients see why, then exit.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void relay.close().finally(() => process.exit(0)));
  }
  if (!values.origin?.length) {
    console.error(
      "fipstls: warning: no --origin given: a page from any web site, opened in a browser that can reach this relay, can use it to connect to the allowed targets; name the pages allowed to with --origin https://app.example",
    );
  }
  console.log(`fipstls relay on ${relay.url}/?target=HOST:PORT allowing ${values.allow.join(", ")}`);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    console.error(USAGE);
    return 2;
  }
  try {
    switch (command) {
      case "help":
      case "--help":
      case "-h":
        console.log(USAGE);
        return 0;
      case "demo":
        await demo(rest);
        return 0;
      case "serve":
        await serve(rest);
        return -1; // keeps running until killed
      case "connect":
        await connectCommand(rest);
        return 0;
      case "audit":
        return await audit(rest);
      case "scan":
        return await scanCommand(rest);
      case "relay":
        await relayCommand(rest);
        return -1; // keeps running until killed
      default:
        throw new UsageFailure(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (err) {
    if (err instanceof UsageFailure || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`fipstls: ${(err as Error).message}\n${USAGE}`);
      return 2;
    }
    // A configuration the library refuses (an unknown policy, a key the policy forbids) is the
    // command line's mistake too, but the usage text would not help with it.
    if (err instanceof ConfigError) {
      console.error(`fipstls: ${explain(err)}`);
      return 2;
    }
    // scan: nothing at host:port to judge, which must not read as a verdict.
    if (err instanceof ScanTargetError) {
      console.error(`fipstls: ${err.message}`);
      return 2;
    }
    console.error(`fipstls: ${err instanceof Failure ? err.message : explain(err)}`);
    // audit and scan reserve 1 for "not compliant", so their errors are 2.
    return command === "audit" || command === "scan" ? 2 : 1;
  }
}
