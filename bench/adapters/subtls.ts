// subtls (https://github.com/jawj/subtls): a TLS 1.3 client over WebCrypto that reads through a
// pull function (read(n) → bytes) and writes through a push function. It offers only P-256 and
// TLS_AES_128_GCM_SHA256 — the bench's TLS 1.3 pin exactly — has no server side, ignores session
// tickets (no resumption) and never sends alerts or close_notify.
import type { Socket } from "node:net";
import type { StackContext, Endpoint, BenchSocket } from "../stacks.js";
import { withTimeout } from "../timeout.js";
import { EngineSocket, connectTcp, drained } from "./engine-socket.js";

/** The part of subtls's API the adapter uses (its index.d.ts has more). */
interface ReadQueue {
  read(bytes: number, mode?: number): Promise<Uint8Array | undefined>;
}
interface RootCertsDatabase {
  readonly index: unknown;
  readonly data: Uint8Array;
}
interface TlsSession {
  read(): Promise<Uint8Array | undefined>;
  write(data: Uint8Array): Promise<void>;
}
export interface SubtlsModule {
  startTls(
    host: string,
    roots: RootCertsDatabase,
    networkRead: (bytes: number, mode?: number) => Promise<Uint8Array | undefined>,
    networkWrite: (data: Uint8Array) => void,
    opts?: { useSNI?: boolean; requireServerTlsExtKeyUsage?: boolean; requireDigitalSigKeyUsage?: boolean },
  ): Promise<TlsSession>;
  SocketReadQueue: new (socket: Socket) => ReadQueue;
  TrustedCert: { databaseFromPEM(pem: string): Promise<RootCertsDatabase> };
  ReadMode: { readonly PEEK: number };
}

const noop = (): void => undefined;

/** Received bytes subtls has not read yet: above this, TCP is paused (its own queue would buffer a whole download). */
const HIGH_WATER = 256 * 1024;

export async function subtlsEndpoint(mod: SubtlsModule, ctx: StackContext): Promise<Endpoint> {
  if (ctx.version !== "TLSv1.3") throw new Error("subtls speaks TLS 1.3 only");
  // The bench's CA, parsed once per endpoint as an application would.
  const roots = await mod.TrustedCert.databaseFromPEM(ctx.pki.caPem);
  return {
    listen: () => Promise.reject(new Error("subtls has no server side")),
    async dial(port, opts = {}): Promise<BenchSocket> {
      if (opts.session !== undefined) throw new Error("subtls cannot resume a session");
      const tcp = await withTimeout(connectTcp(port), ctx.timeoutMs, "subtls TCP connect");
      const sock = new EngineSocket(tcp);
      // As stacks.ts does for node:tls: an error must not crash the process; the traffic helpers listen for their own.
      sock.on("error", noop);
      // Flow control around subtls's queue: count what it holds, pause TCP when it holds too much.
      const queue = new mod.SocketReadQueue(tcp);
      let held = 0;
      tcp.on("data", (d: Buffer) => {
        held += d.length;
        if (held > HIGH_WATER) tcp.pause();
      });
      const read = async (bytes: number, mode?: number): Promise<Uint8Array | undefined> => {
        const got = await queue.read(bytes, mode);
        if (got && mode !== mod.ReadMode.PEEK) held -= got.length;
        if (held <= HIGH_WATER / 2 && tcp.isPaused()) tcp.resume();
        return got;
      };
      const handshake = mod.startTls("localhost", roots, read, (d) => void tcp.write(d), {
        // subtls asks every issuing CA for keyUsage digitalSignature, which RFC 5280 does not
        // require of a CA (the bench's CA has keyCertSign only); chain, signatures, validity,
        // name and the leaf's serverAuth EKU are still checked against the bench's CA alone.
        requireDigitalSigKeyUsage: false,
      });
      let session: TlsSession;
      try {
        session = await withTimeout(handshake, ctx.timeoutMs, "subtls handshake", () => tcp.destroy());
      } catch (e) {
        tcp.destroy();
        throw e;
      }
      let wake: (() => void) | undefined;
      sock.attach(
        {
          // subtls hands records to networkWrite without waiting, so wait for TCP here.
          write: (data) => session.write(data).then(() => drained(tcp)),
          resume: () => {
            const w = wake;
            wake = undefined;
            w?.();
          },
        },
        // subtls offers exactly this suite and group, so a completed handshake negotiated them.
        { protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", group: "prime256v1", reused: false },
      );
      // Records into the Duplex one by one, waiting while its reader is behind. The first read()
      // also sends subtls's Finished, so it starts at once.
      void (async () => {
        for (;;) {
          const data = await session.read();
          if (data === undefined) return void sock.push(null);
          if (!sock.deliver(data)) await new Promise<void>((r) => (wake = r));
        }
      })().catch((e: unknown) => sock.destroy(e instanceof Error ? e : new Error(String(e))));
      return sock;
    },
  };
}
