// The Node transport's client side: connect() shaped like node:tls's, over a new TCP connection or an
// existing stream (STARTTLS). The socket, server, options, agents and certificate objects live in
// the files beside this one; only src/transport/node/ may import node:*.
import type { Socket as TcpSocket } from "node:net";
import { CONTEXT_KEYS, SecureContext, contextFrom } from "./secure-context.js";
import { buildClientConfig, type ClientConfig } from "../../config/client.js";
import { checkStaple } from "../../handshake/ocsp-staple.js";
import { peerVerification } from "../../config/common.js";
import { ClientConnection } from "../../conn/client.js";
import { ConfigError } from "../../errors.js";
import { decodeSession } from "../../session/session.js";
import { verifyServerCertificate } from "../../verify/verifier.js";
import type { RawStream } from "../../../compliance/probe.js";
import type { ScanOptions, ScanReport } from "../../../compliance/scan.js";
import type { DetailedPeerCertificate } from "./certificate.js";
import {
  type ConnectOptions,
  type ProviderOption,
  SUPPORTED_CONNECT_OPTIONS,
  checkOptions,
  crlList,
  defaultRoots,
  handshakeTimeoutOf,
  resolvePolicy,
  resolveProvider,
  sharedTlsOptions,
} from "./options.js";
import { type Authorization, type Authorize, MADE_BY_FIPSTLS, type RawSocket, TLSSocket } from "./socket.js";
import { nodeNet as net, nodeStream } from "../../../providers/node/builtins.js";
const { Duplex } = nodeStream;

/** A session that cannot be resumed is the caller's mistake: refused at once, as other options are. */
function checkSession(session: unknown): void {
  if (!(session instanceof Uint8Array)) throw new ConfigError("session must be a Buffer from a 'session' event or getSession()", "session");
  try {
    decodeSession(session);
  } catch (e) {
    throw new ConfigError(`session is not a fipstls session: ${(e as Error).message}`, "session");
  }
}

const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

type VerifyMode = "strict" | "record" | "off";

/**
 * Opens a TCP connection (or takes `options.socket`) and runs a TLS client over it, like
 * node:tls's connect(). Options are checked at once: an unsupported one throws ConfigError.
 */
export function connect(options: ConnectOptions, onSecureConnect?: () => void): TLSSocket;
export function connect(port: number, host?: string, options?: ConnectOptions, onSecureConnect?: () => void): TLSSocket;
export function connect(port: number, options?: ConnectOptions, onSecureConnect?: () => void): TLSSocket;
export function connect(...args: unknown[]): TLSSocket {
  const [options, onSecureConnect] = connectArguments(args);
  checkOptions(options, SUPPORTED_CONNECT_OPTIONS, "connect");
  const handshakeTimeout = handshakeTimeoutOf(options);
  if (options.session !== undefined) checkSession(options.session);
  if (options.checkServerIdentity !== undefined && typeof options.checkServerIdentity !== "function") {
    throw new ConfigError("checkServerIdentity must be a function", "checkServerIdentity");
  }
  if (options.socket !== undefined && !(options.socket instanceof Duplex)) throw new ConfigError("socket must be a stream.Duplex (a net.Socket, …)", "socket");
  // Read now, so that a malformed key or pfx option throws here as an unsupported option does.
  const context = clientContextOf(options);
  const host = options.host ?? "localhost";
  const raw: RawSocket = options.socket ?? openTcp(options, host);
  const tls = new TLSSocket(raw, {
    allowHalfOpen: options.allowHalfOpen ?? false,
    ...(options.highWaterMark !== undefined ? { highWaterMark: options.highWaterMark } : {}),
    [MADE_BY_FIPSTLS]: true,
  });
  if (onSecureConnect) tls.once("secureConnect", onSecureConnect);
  if (options.timeout !== undefined) tls.setTimeout(options.timeout);
  // node:tls verifies servername, else host; "" (what http passes for IP hosts) means host.
  const serverName = options.servername || host;
  const mode: VerifyMode = options.dangerouslyDisableCertificateVerification ? "off" : options.rejectUnauthorized === false ? "record" : "strict";
  // rejectUnauthorized: false verifies after the handshake (below), and the staple with it.
  const stapleMode = options.tls?.revocation?.staple ?? null;
  const stapleLater = mode === "record" && stapleMode !== null;
  const ready = resolveProvider(options.provider).then(async (provider) =>
    buildClientConfig({
      ...sharedTlsOptions(options, provider),
      ...(stapleLater ? { revocation: { ...options.tls!.revocation, staple: undefined } } : {}),
      ...(options.requestOCSP === true || stapleLater ? { requestOcsp: true } : {}),
      provider,
      serverName,
      ...(mode !== "off" ? { roots: context.trustStore() ?? (await defaultRoots()) } : {}),
      ...(await context.credentialsFor(provider, resolvePolicy(options.policy))),
      ...(options.secureContext !== undefined && context.crl !== undefined ? { crls: crlList(context.crl) } : {}),
      ...(options.session !== undefined ? { session: options.session } : {}),
      // "record" verifies after the handshake (below) with the very same inputs, so a failure can be kept rather than be fatal.
      dangerouslyDisableCertificateVerification: mode !== "strict",
    }),
  );
  ready.catch((err: Error) => tls.destroy(err));
  const attach = (): void => {
    ready.then(
      // As node:tls: key log lines only while someone listens for 'keylog' (each line ends with a newline).
      (config) =>
        tls.attach(
          (cb) => new ClientConnection(config, tls.listenerCount("keylog") > 0 ? { ...cb, onKeyLog: (line) => void tls.emit("keylog", Buffer.from(`${line}\n`)) } : cb),
          serverAuthorization(config, mode, serverName, options, stapleMode),
        ),
      () => undefined,
    );
  };
  if (raw.connecting) {
    tls.connecting = true;
    raw.once("connect", () => {
      tls.connecting = false;
      tls.emit("connect");
      tls.startHandshakeClock(handshakeTimeout);
    });
  } else tls.startHandshakeClock(handshakeTimeout);
  // The ClientHello (its key shares included) is made while TCP connects: net.Socket holds writes until
  // it is up, so the handshake's first flight leaves the moment it can.
  attach();
  return tls;
}

function connectArguments(args: unknown[]): [ConnectOptions, (() => void) | undefined] {
  const cb = typeof args[args.length - 1] === "function" ? (args.pop() as () => void) : undefined;
  if (typeof args[0] !== "number") return [(args[0] ?? {}) as ConnectOptions, cb];
  const [port, second, third] = args as [number, unknown, unknown];
  if (typeof second === "string") return [{ ...(third as ConnectOptions | undefined), port, host: second }, cb];
  return [{ ...(second as ConnectOptions | undefined), port }, cb];
}

function openTcp(o: ConnectOptions, host: string): TcpSocket {
  // Half-open at the TCP level, so that TLS decides: the peer's FIN must not end our side before our close_notify.
  if (o.path !== undefined) return net.connect({ path: o.path, allowHalfOpen: true });
  return net.connect({
    host,
    port: o.port ?? 443,
    allowHalfOpen: true,
    ...(o.family !== undefined ? { family: o.family } : {}),
    ...(o.localAddress !== undefined ? { localAddress: o.localAddress } : {}),
    ...(o.localPort !== undefined ? { localPort: o.localPort } : {}),
    ...(o.lookup !== undefined ? { lookup: o.lookup } : {}),
    // Nagle's algorithm on, as node:tls has it. Each flight leaves in one write (Outbound.endFlight), so
    // none waits on a delayed ACK. With TCP_NODELAY a write right after our Finished left alone, and a
    // server with Nagle on (node:tls's default) then held its echo behind its tickets until our delayed
    // ACK: a third of TLS 1.3 connect-write-read rounds against node:tls took 40 ms more.
    ...(o.noDelay !== undefined ? { noDelay: o.noDelay } : {}),
    ...(o.keepAlive !== undefined ? { keepAlive: o.keepAlive } : {}),
    ...(o.keepAliveInitialDelay !== undefined ? { keepAliveInitialDelay: o.keepAliveInitialDelay } : {}),
  });
}

const verificationDisabled = (): Error =>
  Object.assign(new Error("certificate verification is disabled (dangerouslyDisableCertificateVerification)"), { code: "ERR_FIPSTLS_VERIFICATION_DISABLED" });

/** The checks after the handshake: verification in "record" mode, then the caller's checkServerIdentity. */
function serverAuthorization(config: ClientConfig, mode: VerifyMode, serverName: string, o: ConnectOptions, stapleMode: ClientConfig["staple"]): Authorize {
  const fatal = mode === "strict";
  return async (socket, peer) => {
    if (mode === "off") return { authorized: false, failure: verificationDisabled(), fatal: false };
    let path: Uint8Array[] | undefined;
    if (mode === "record") {
      try {
        const verified = await verifyServerCertificate({ chain: socket.tlsInfo?.peerCertificates ?? [], roots: config.roots, serverName, ...peerVerification(config) });
        await checkStaple(config, verified, socket.tlsInfo?.ocspResponse ?? null, stapleMode);
        path = verified.map((c) => c.der);
      } catch (e) {
        return { authorized: false, failure: e as Error, fatal: false };
      }
    }
    const described = o.checkServerIdentity ? peer() : null;
    const identity = o.checkServerIdentity && described ? callerIdentityCheck(o.checkServerIdentity, serverName, described) : null;
    const verdict: Authorization = identity ? { authorized: false, failure: identity, fatal } : { authorized: true, failure: null, fatal: false };
    return path ? { ...verdict, path } : verdict;
  };
}

function callerIdentityCheck(check: NonNullable<ConnectOptions["checkServerIdentity"]>, name: string, peer: DetailedPeerCertificate): Error | null {
  try {
    const result: unknown = check(name, peer);
    if (!result) return null;
    return result instanceof Error ? result : new Error(String(result));
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** A raw TCP byte stream for scan probes (no TLS), with bounded reads. */
export function dialRaw(host: string, port: number, timeoutMs = 5000): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks: Uint8Array[] = [];
    let ended = false;
    let waiter: (() => void) | null = null;
    const wake = (): void => {
      const w = waiter;
      waiter = null;
      w?.();
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.on("data", (b: Buffer) => {
      chunks.push(asBytes(b));
      wake();
    });
    socket.on("end", () => {
      ended = true;
      wake();
    });
    socket.on("close", () => {
      ended = true;
      wake();
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      ended = true;
      wake();
      reject(e);
    });
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve({
        write: (bytes) => void (socket.destroyed || socket.write(bytes)),
        read: async (ms) => {
          while (chunks.length === 0 && !ended) {
            let t: ReturnType<typeof setTimeout> | undefined;
            await new Promise<void>((res, rej) => {
              waiter = res;
              t = setTimeout(() => rej(new Error("read timed out")), ms);
            }).finally(() => clearTimeout(t));
          }
          return chunks.shift() ?? null;
        },
        close: () => socket.destroy(),
      });
    });
  });
}

/** Scans host:port against a policy (see compliance/scan.ts); the node provider is the default. */
export async function scan(host: string, port: number, options: Omit<ScanOptions, "provider"> & { provider?: ProviderOption } = {}): Promise<ScanReport> {
  const provider = await resolveProvider(options.provider);
  const timeoutMs = options.timeoutMs ?? 5000;
  // Loaded on first use: the scanner is a third of the code, and connect() never needs it.
  const { scanServer } = await import("../../../compliance/scan.js");
  return scanServer({ host, port, dial: () => dialRaw(host, port, timeoutMs) }, { ...options, provider });
}

/** The client's context: secureContext, or one made of its cert, key, pfx, passphrase and ca options. */
function clientContextOf(options: ConnectOptions): SecureContext {
  const given = CONTEXT_KEYS.filter((k) => k !== "crl" && (options as Record<string, unknown>)[k] !== undefined);
  if (options.secureContext === undefined) return new SecureContext(Object.fromEntries(given.map((k) => [k, (options as Record<string, unknown>)[k]])));
  const both = options.crl !== undefined ? "crl" : given[0];
  if (both !== undefined) throw new ConfigError(`connect: secureContext already holds cert, key, pfx and ca; give "${both}" to createSecureContext() instead`, both);
  return contextFrom(options.secureContext, "secureContext");
}
