// @reclaimprotocol/tls (https://github.com/reclaimprotocol/tls): a TLS 1.2/1.3 client with
// pluggable crypto, driven by callbacks — bytes in (handleReceivedBytes), records out (write),
// plaintext out (onApplicationData). It runs here on its WebCrypto implementation, the one its
// README calls the fastest. No server side; TLS 1.3 resumption through a ticket's PSK (with
// ECDHE); TLS 1.2 tickets are ignored and session ids are not resumed.
import type { BenchSession, BenchSocket, Endpoint, StackContext } from "../stacks.js";
import { withTimeout } from "../timeout.js";
import { SUITES } from "../config.js";
import { EngineSocket, connectTcp, drained } from "./engine-socket.js";

/** A PSK from getPskFromTicket(): opaque here, handed back to startHandshake(). */
interface Psk {
  readonly identity: Uint8Array;
  readonly cipherSuite: string;
}
type Ticket = { readonly ticket: Uint8Array };
type RootCa = { readonly internal: unknown };
type Logger = Record<"info" | "debug" | "trace" | "warn" | "error", (...args: unknown[]) => void>;

interface Client {
  startHandshake(opts?: { psk?: Psk }): Promise<void>;
  handleReceivedBytes(data: Uint8Array): Promise<void>;
  write(data: Uint8Array): Promise<void>;
  getMetadata(): { cipherSuite?: string; keyType?: string; version?: string };
  getPskFromTicket(ticket: Ticket): Promise<Psk>;
}

interface ClientOptions {
  host: string;
  verifyServerCertificate: boolean;
  rootCAs: RootCa[];
  fetchCertificateBytes(url: string): Promise<Uint8Array>;
  logger: Logger;
  cipherSuites: string[];
  namedCurves: string[];
  supportedProtocolVersions: string[];
  write(packet: { header: Uint8Array; content: Uint8Array }): Promise<void> | void;
  onHandshake(): void;
  onRecvCertificates(): void;
  onApplicationData(plaintext: Uint8Array): void;
  onSessionTicket(ticket: Ticket): void;
  onTlsEnd(error?: Error): void;
}

/** The parts of the package's two entry points the adapter uses. */
export interface ReclaimModule {
  makeTLSClient(opts: ClientOptions): Client;
  setCryptoImplementation(impl: unknown): void;
  loadX509FromPem(pem: string): RootCa;
}
export interface ReclaimWebcrypto {
  webcryptoCrypto: unknown;
}

const noop = (): void => undefined;
// Its default logger prints debug lines per connection; failures still arrive through onTlsEnd.
const quiet: Logger = { info: noop, debug: noop, trace: noop, warn: noop, error: noop };
const VERSIONS = { "TLSv1.3": "TLS1_3", "TLSv1.2": "TLS1_2" } as const;
const CURVES = { secp256r1: "SECP256R1", secp384r1: "SECP384R1", x25519: "X25519" } as const;
const OPENSSL_CURVES: Readonly<Record<string, string>> = { SECP256R1: "prime256v1", SECP384R1: "secp384r1", X25519: "X25519" };

const isPsk = (s: BenchSession): s is Psk => typeof s === "object" && s !== null && (s as Partial<Psk>).identity instanceof Uint8Array;

export async function reclaimEndpoint(mod: ReclaimModule, webcrypto: ReclaimWebcrypto, ctx: StackContext): Promise<Endpoint> {
  mod.setCryptoImplementation(webcrypto.webcryptoCrypto);
  // Trusts the bench's CA besides its compiled-in Mozilla roots (which cannot sign the bench's leaf).
  const ca = mod.loadX509FromPem(ctx.pki.caPem);
  const version = VERSIONS[ctx.version];
  return {
    listen: () => Promise.reject(new Error("@reclaimprotocol/tls has no server side")),
    async dial(port, opts = {}): Promise<BenchSocket> {
      const psk = opts.session;
      if (psk !== undefined && !isPsk(psk)) throw new Error("not a @reclaimprotocol/tls session");
      const tcp = await withTimeout(connectTcp(port), ctx.timeoutMs, "@reclaimprotocol/tls TCP connect");
      const sock = new EngineSocket(tcp);
      // As stacks.ts does for node:tls: an error must not crash the process; the traffic helpers listen for their own.
      sock.on("error", noop);
      let sawCertificate = false;
      let settle!: (e?: Error) => void;
      const secure = new Promise<void>((resolve, reject) => (settle = (e) => (e ? reject(e) : resolve())));
      const fail = (e: unknown): void => {
        const err = e instanceof Error ? e : new Error(String(e));
        settle(err);
        sock.destroy(err);
      };
      const client = mod.makeTLSClient({
        host: "localhost",
        verifyServerCertificate: true,
        rootCAs: [ca],
        // Every peer of the bench is on 127.0.0.1: no AIA fetching from the Internet.
        fetchCertificateBytes: (url) => Promise.reject(new Error(`the bench fetches no certificate (${url})`)),
        logger: quiet,
        cipherSuites: [SUITES[ctx.version].iana],
        namedCurves: [CURVES[ctx.group]],
        supportedProtocolVersions: [version],
        write: ({ header, content }) => {
          // One writev for header and body, then wait while TCP is full (the library awaits this).
          tcp.cork();
          tcp.write(header);
          tcp.write(content);
          tcp.uncork();
          return drained(tcp);
        },
        onHandshake: () => settle(),
        onRecvCertificates: () => (sawCertificate = true),
        onApplicationData: (d) => {
          if (!sock.deliver(d)) tcp.pause();
        },
        onSessionTicket: (t) => {
          if (opts.onSession) client.getPskFromTicket(t).then(opts.onSession, noop);
        },
        onTlsEnd: (e) => (e ? fail(e) : sock.push(null)),
      });
      tcp.on("data", (d: Buffer) => void client.handleReceivedBytes(d).catch(fail));
      tcp.once("close", () => settle(new Error("@reclaimprotocol/tls connection closed before the handshake completed")));
      try {
        await client.startHandshake(psk ? { psk } : undefined);
        await withTimeout(secure, ctx.timeoutMs, "@reclaimprotocol/tls handshake", () => tcp.destroy());
      } catch (e) {
        tcp.destroy();
        throw e;
      }
      const meta = client.getMetadata();
      sock.attach(
        { write: (data) => client.write(data), resume: () => tcp.resume() },
        {
          protocol: meta.version === "TLS1_3" ? "TLSv1.3" : meta.version === "TLS1_2" ? "TLSv1.2" : "?",
          cipher: meta.cipherSuite ?? "?",
          group: OPENSSL_CURVES[meta.keyType ?? ""] ?? meta.keyType ?? "?",
          // A PSK handshake skips the server's Certificate: that is how this library resumes.
          reused: psk !== undefined && !sawCertificate,
        },
      );
      return sock;
    },
  };
}
