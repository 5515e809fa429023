// The TLS stacks under test, behind one small interface (listen, dial), so every metric runs the
// same code against node:tls and fipstls. fipstls is imported lazily: a child process measuring
// node:tls's memory or start-up must not load it.
import * as tls from "node:tls";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type BenchGroup, GROUPS, SUITES, type StackName, type Version } from "./config.js";
import { optionalEndpoint } from "./optional-stacks.js";
import { withTimeout } from "./timeout.js";

export { withTimeout };

export interface Pki {
  certPem: string;
  keyPem: string;
  caPem: string;
}

/** What both stacks' TLSSocket offer and the benchmark uses. */
export interface BenchSocket extends Duplex {
  isSessionReused(): boolean;
  getProtocol(): string | null;
  getCipher(): { name: string; standardName?: string } | null;
  getEphemeralKeyInfo(): { type?: string; name?: string } | Record<string, never> | null;
}

export interface Listener {
  port: number;
  /** Destroys every accepted connection, then closes the listening socket. */
  close(): Promise<void>;
}

/**
 * A session to offer for resumption, as the same stack's onSession gave it: node:tls and fipstls
 * hand out Buffers, other stacks objects of their own. The metrics only pass it back.
 */
export type BenchSession = unknown;

export interface DialOptions {
  session?: BenchSession;
  onSession?: (session: BenchSession) => void;
}

export interface Endpoint {
  listen(onSecure: (s: BenchSocket) => void): Promise<Listener>;
  dial(port: number, opts?: DialOptions): Promise<BenchSocket>;
}

export interface StackContext {
  pki: Pki;
  version: Version;
  group: BenchGroup;
  timeoutMs: number;
}

const noop = (): void => undefined;
const BUILTIN: readonly StackName[] = ["node:tls", "fipstls/node", "fipstls/webcrypto"];

type FipstlsModule = typeof import("../src/node.js");
let fipstls: Promise<FipstlsModule> | undefined;
// By its package name, as users import it: the chunked build in dist/pkg, not the compiled modules one by one.
export const loadFipstls = (): Promise<FipstlsModule> => (fipstls ??= import("fipstls/node") as Promise<FipstlsModule>);

/** The server and client objects of one stack: enough to build an Endpoint on. */
interface Raw {
  createServer(onSecure: (s: BenchSocket) => void): Promise<tls.Server | import("../src/node.js").Server>;
  connect(port: number, session: Buffer | undefined, onSecure: () => void): BenchSocket;
}

const asBuffer = (session: BenchSession): Buffer | undefined => {
  if (session === undefined || Buffer.isBuffer(session)) return session;
  throw new Error("a node:tls or fipstls session is a Buffer");
};

async function raw(stack: StackName, ctx: StackContext): Promise<Raw> {
  const range = { minVersion: ctx.version, maxVersion: ctx.version } as const;
  const suite = SUITES[ctx.version];
  if (stack === "node:tls") {
    // `ciphers` takes TLS 1.3 suite names as well; node:tls moves them to its ciphersuites list.
    const pin = { ...range, ecdhCurve: GROUPS[ctx.group], ciphers: suite.openssl, noDelay: true };
    return {
      createServer: async (onSecure) => tls.createServer({ cert: ctx.pki.certPem, key: ctx.pki.keyPem, ...pin }, (s) => onSecure(s as BenchSocket)),
      connect: (port, session, onSecure) =>
        tls.connect({ host: "127.0.0.1", port, servername: "localhost", ca: ctx.pki.caPem, ...pin, ...(session ? { session } : {}) }, onSecure) as BenchSocket,
    };
  }
  const m = await loadFipstls();
  const provider = stack === "fipstls/node" ? "node" : "webcrypto";
  const pin = { ...range, provider, noDelay: true, tls: { groups: [ctx.group], cipherSuites: [suite.iana] } } as const;
  return {
    createServer: async (onSecure) => {
      const s = m.createServer({ cert: ctx.pki.certPem, key: ctx.pki.keyPem, ...pin }, (c) => onSecure(c as unknown as BenchSocket));
      await s.ready();
      return s;
    },
    connect: (port, session, onSecure) =>
      m.connect({ host: "127.0.0.1", port, servername: "localhost", ca: ctx.pki.caPem, ...pin, ...(session ? { session } : {}) }, onSecure) as unknown as BenchSocket,
  };
}

export async function endpoint(stack: StackName, ctx: StackContext): Promise<Endpoint> {
  if (!BUILTIN.includes(stack)) return optionalEndpoint(stack, ctx);
  const r = await raw(stack, ctx);
  return {
    async listen(onSecure) {
      const server = await r.createServer((s) => {
        s.on("error", noop);
        onSecure(s);
      });
      // Track the TCP sockets, not only the secure ones, so close() also ends half-done handshakes.
      const open = new Set<Duplex>();
      server.on("connection", (s: Socket) => {
        open.add(s);
        s.on("error", noop);
        s.on("close", () => open.delete(s));
      });
      server.on("tlsClientError", noop);
      await withTimeout(new Promise<void>((res) => server.listen(0, "127.0.0.1", () => res())), ctx.timeoutMs, `${stack} listen`);
      const port = (server.address() as AddressInfo).port;
      return {
        port,
        close: async () => {
          for (const s of open) s.destroy();
          await withTimeout(new Promise<void>((res) => server.close(() => res())), ctx.timeoutMs, `${stack} server close`);
        },
      };
    },
    dial(port, opts = {}) {
      let c: BenchSocket | undefined;
      const secure = new Promise<BenchSocket>((resolve, reject) => {
        c = r.connect(port, asBuffer(opts.session), () => resolve(c!));
        if (opts.onSession) c.on("session", opts.onSession);
        c.once("error", reject);
        c.once("close", () => reject(new Error(`${stack} connection closed before the handshake completed`)));
      });
      // A later error must not crash the process; the traffic helpers listen for their own.
      c!.on("error", noop);
      return withTimeout(secure, ctx.timeoutMs, `${stack} handshake`, () => c?.destroy());
    },
  };
}

/** What one connection negotiated, for the header: "TLSv1.3 TLS_AES_128_GCM_SHA256 prime256v1". */
export function describeNegotiated(s: BenchSocket): string {
  const cipher = s.getCipher();
  const key = s.getEphemeralKeyInfo() as { type?: string; name?: string } | null;
  return `${s.getProtocol() ?? "?"} ${cipher?.standardName ?? cipher?.name ?? "?"} ${key?.name ?? key?.type ?? "?"}`;
}
