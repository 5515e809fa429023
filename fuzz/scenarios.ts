// Connection scenarios: configurations for both sides over the fixed PKI, and one real in-memory
// handshake per scenario (deterministic providers on both sides) recorded as two plaintext transcripts,
// one per direction: what a client sends (the server target's seed) and what a server sends (the
// client target's seed). Post-handshake traffic is recorded too: data both ways, a KeyUpdate asking
// for one back (TLS 1.3 only), more data, close_notify. TLS 1.2 scenarios include the abbreviated
// handshake, resuming the session an earlier scenario's client kept.
import { buildClientConfig, type ClientConfig, type ClientOptions } from "../src/config/client.js";
import { buildServerConfig, type ServerConfig, type ServerOptions } from "../src/config/server.js";
import { ClientConnection } from "../src/conn/client.js";
import { ServerConnection } from "../src/conn/server.js";
import { decodeSession } from "../src/session/session.js";
import { FuzzProvider, type KeyCapture } from "./provider.js";
import { NOW, pkiText } from "./seeds.js";
import { CT, type SealKeys, type Transcript, type WireRecord, open, open12, splitRecords } from "./tls.js";
import { concat } from "./mutators.js";

type Side<T> = Omit<T, "provider">;

interface ScenarioDefinition {
  readonly name: string;
  readonly client: Side<ClientOptions>;
  readonly server: Side<ServerOptions>;
  /** TLS 1.2 is negotiated: no KeyUpdate in the recorded traffic. */
  readonly tls12?: boolean;
  /** Resume the session the client of this earlier scenario kept (a ticket, or an id in the server's cache). */
  readonly resumes?: string;
}

/**
 * Ticket keys of the TLS 1.2 ticket scenarios: fixed, so that the ticket one recording issued opens in
 * the next recording's server and in every target's server config, and the recordings are deterministic.
 */
const TICKET_KEYS = Uint8Array.from({ length: 48 }, (_, i) => (i * 37 + 11) & 0xff);

function definitions(): ScenarioDefinition[] {
  const root = pkiText("root-p256.pem");
  const leaf = { certificateChain: pkiText("leaf-p256.pem"), privateKey: pkiText("leaf-p256.key.pem") };
  const rsaLeaf = { certificateChain: pkiText("leaf-rsa.pem"), privateKey: pkiText("leaf-rsa.key.pem") };
  const v12 = { maxVersion: "TLSv1.2" } as const;
  // Tickets off: the server keeps the session in its cache under an id instead (RFC 5077 3.4).
  const ecdsa12: ScenarioDefinition = { name: "tls12-ecdsa", tls12: true, client: { serverName: "localhost", roots: root, ...v12 }, server: { ...leaf, sessionTickets: false } };
  const ticket12: ScenarioDefinition = {
    name: "tls12-ticket",
    tls12: true,
    client: { serverName: "localhost", roots: root, ...v12, alpnProtocols: ["h2", "http/1.1"] },
    server: { ...leaf, ticketKeys: TICKET_KEYS, alpnProtocols: ["http/1.1"] },
  };
  return [
    { name: "p256", client: { serverName: "localhost", roots: root }, server: leaf },
    {
      name: "chain3-x25519-chacha-alpn",
      client: { serverName: "localhost", roots: root, groups: ["x25519", "secp256r1"], cipherSuites: ["TLS_CHACHA20_POLY1305_SHA256"], alpnProtocols: ["h2", "http/1.1"] },
      server: { certificateChain: pkiText("leaf3-p256.pem") + pkiText("inter-p256.pem"), privateKey: pkiText("leaf3-p256.key.pem"), alpnProtocols: ["http/1.1", "h2"] },
    },
    { name: "mtls", client: { serverName: "localhost", roots: root, ...leaf }, server: { ...leaf, clientAuth: "required", clientRoots: root } },
    { name: "hrr", client: { serverName: "localhost", roots: root, keyShareGroups: ["x25519"] }, server: { ...leaf, preferGroupOverShare: true } },
    {
      name: "p384-aes256",
      client: { serverName: "::1", roots: pkiText("root-p384.pem"), groups: ["secp384r1"], cipherSuites: ["TLS_AES_256_GCM_SHA384"] },
      server: { certificateChain: pkiText("leaf-p384.pem"), privateKey: pkiText("leaf-p384.key.pem") },
    },
    { name: "rsa", client: { serverName: "localhost", roots: root }, server: rsaLeaf },
    // TLS 1.2: the client caps the version (the server, which speaks 1.3, sets the downgrade sentinel)...
    ecdsa12,
    // ...or the server does, and a client that offered 1.3 too gets a 1.2 ServerHello; ChaCha20 has no explicit nonce.
    {
      name: "tls12-rsa-chacha",
      tls12: true,
      client: { serverName: "localhost", roots: root },
      server: { ...rsaLeaf, ...v12, cipherSuites: ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"], sessionTickets: false },
    },
    // Client certificate, CertificateVerify over the handshake messages, a SHA-384 PRF.
    {
      name: "tls12-mtls-aes256",
      tls12: true,
      client: { serverName: "localhost", roots: root, ...leaf, ...v12, groups: ["secp384r1", "secp256r1"], cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] },
      server: { ...leaf, clientAuth: "required", clientRoots: root, sessionTickets: false },
    },
    // A full handshake that ends with a NewSessionTicket, then the abbreviated handshakes.
    ticket12,
    { ...ticket12, name: "tls12-resume-ticket", resumes: "tls12-ticket" },
    { ...ecdsa12, name: "tls12-resume-id", resumes: "tls12-ecdsa" },
  ];
}

export interface Scenario {
  readonly name: string;
  /** TLS 1.2 is what the recording negotiated. */
  readonly tls12: boolean;
  /** Targets' providers and configs (same seeds and options as the recording, stand-in signatures on a miss). */
  readonly clientProvider: FuzzProvider;
  readonly serverProvider: FuzzProvider;
  readonly clientConfig: ClientConfig;
  readonly serverConfig: ServerConfig;
  /** What the client sent, and what the server sent. */
  readonly fromClient: Transcript;
  readonly fromServer: Transcript;
  /** Each side's record keys per epoch in the recording: used when a target never derived its own. */
  readonly clientKeys: Readonly<Record<string, SealKeys>>;
  readonly serverKeys: Readonly<Record<string, SealKeys>>;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`recording: timed out waiting for ${what}`);
    await turn();
  }
}

/** TLS 1.2: records up to the sender's ChangeCipherSpec are plain, the rest under its write key. */
function decode12(stream: Uint8Array, keys: SealKeys): WireRecord[] {
  const records: WireRecord[] = [];
  let seq = -1;
  for (const { header, body } of splitRecords(stream)) {
    if (seq < 0) {
      records.push({ epoch: "plain", type: header[0]!, content: body });
      if (header[0] === CT.ccs) seq = 0;
      continue;
    }
    const opened = open12(keys, seq++, header, body);
    records.push(opened ? { epoch: "tls12", type: opened.type, content: opened.content } : { epoch: "raw", type: 0, content: concat(header, body) });
  }
  return records;
}

/** Decrypts one direction's bytes with the sender's captured keys, into plaintext records. */
function decode(stream: Uint8Array, capture: KeyCapture, dir: "c" | "s"): { records: WireRecord[]; keys: Record<string, SealKeys> } {
  const t12 = capture.get(`${dir}-tls12`);
  if (t12) return { records: decode12(stream, t12), keys: { tls12: t12 } };
  const records: WireRecord[] = [];
  const keys: Record<string, SealKeys> = {};
  const epochs = ["hs", ...Array.from({ length: 8 }, (_, i) => `ap${i}`)];
  for (const e of epochs) {
    const k = capture.get(`${dir}-${e}`);
    if (k) keys[e] = k;
  }
  let idx = -1;
  let seq = 0;
  for (const { header, body } of splitRecords(stream)) {
    if (header[0] !== CT.appData) {
      records.push({ epoch: "plain", type: header[0]!, content: body });
      continue;
    }
    let opened = null;
    for (let j = Math.max(idx, 0); j < epochs.length && j <= idx + 3 && opened === null; j++) {
      const k = keys[epochs[j]!];
      if (!k) continue;
      opened = open(k, j === idx ? seq : 0, header, body);
      if (opened) {
        if (j !== idx) seq = 0;
        idx = j;
      }
    }
    if (opened === null) {
      records.push({ epoch: "raw", type: 0, content: concat(header, body) });
      continue;
    }
    seq++;
    records.push({ epoch: epochs[idx]!, type: opened.type, content: opened.content, ...(opened.padding ? { padding: opened.padding } : {}) });
  }
  return { records, keys };
}

/** What a recording leaves for a later scenario that resumes its session. */
interface Kept {
  /** The client's session bytes (onSession), and the server config that may hold it in its cache. */
  readonly session: Uint8Array | null;
  readonly serverConfig: ServerConfig;
}

/** Puts the earlier server's cache entry for the client's session id into `config` (ids live in one server's memory). */
function shareCachedSession(prior: Kept | undefined, config: ServerConfig): void {
  if (!prior?.session) return;
  const id = decodeSession(prior.session).sessionId;
  const state = prior.serverConfig.sessionCache?.get(id);
  if (state !== undefined) config.sessionCache?.set(id, state);
}

async function record(def: ScenarioDefinition, prior?: Kept): Promise<{ scenario: Scenario; kept: Kept }> {
  if (def.resumes !== undefined && !prior?.session) throw new Error(`recording ${def.name}: ${def.resumes} left no session to resume`);
  const clientOptions = { ...def.client, ...(prior?.session ? { session: prior.session } : {}) };
  const cp = new FuzzProvider(`client:${def.name}`);
  const sp = new FuzzProvider(`server:${def.name}`);
  const cc = await buildClientConfig({ ...clientOptions, provider: cp, now: () => NOW } as ClientOptions);
  const sc = await buildServerConfig({ ...def.server, provider: sp, now: () => NOW } as ServerOptions);
  shareCachedSession(prior, sc);
  let session: Uint8Array | null = null;
  const c2s: Uint8Array[] = [];
  const s2c: Uint8Array[] = [];
  const ended = { c: false, s: false };
  const errors: Error[] = [];
  // eslint-disable-next-line prefer-const
  let client: ClientConnection;
  const server: ServerConnection = new ServerConnection(sc, {
    transmit: (b) => {
      s2c.push(b.slice());
      const copy = b.slice();
      queueMicrotask(() => client.receive(copy));
    },
    onEnd: () => void (ended.s = true),
    onError: (e) => void errors.push(e),
  });
  client = new ClientConnection(cc, {
    transmit: (b) => {
      c2s.push(b.slice());
      const copy = b.slice();
      queueMicrotask(() => server.receive(copy));
    },
    onEnd: () => void (ended.c = true),
    onError: (e) => void errors.push(e),
    onSession: (b) => void (session = b.slice()),
  });
  server.start();
  client.start();
  await Promise.all([client.handshake, server.handshake]);
  await client.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  await server.write(new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  await until(() => c2s.length > 0 && s2c.length > 0, "application data");
  if (def.resumes !== undefined && !(client.info.resumed && server.info.resumed)) throw new Error(`recording ${def.name}: the session of ${def.resumes} was not resumed`);
  if (!def.tls12) await client.updateKeys(true);
  else if (client.info.version !== "TLSv1.2") throw new Error(`recording ${def.name}: negotiated ${client.info.version}`);
  await client.write(new TextEncoder().encode("after the key update"));
  await turn();
  await server.write(new TextEncoder().encode("answer under new keys"));
  await turn();
  await client.close();
  await server.close();
  await until(() => ended.c && ended.s, "close_notify both ways");
  if (errors.length) throw new Error(`recording ${def.name}: ${errors[0]!.message}`);
  const fromClient = decode(concat(...c2s), cp.capture, "c");
  const fromServer = decode(concat(...s2c), sp.capture, "s");
  for (const [what, d] of [["client", fromClient], ["server", fromServer]] as const) {
    if (d.records.some((r) => r.epoch === "raw")) throw new Error(`recording ${def.name}: could not decrypt every ${what} record`);
  }
  const clientProvider = new FuzzProvider(`client:${def.name}`, { fakeSignOnMiss: true });
  const serverProvider = new FuzzProvider(`server:${def.name}`, { fakeSignOnMiss: true });
  const chunking = { mode: "record" as const, seed: 0, yields: 0 };
  const serverConfig = await buildServerConfig({ ...def.server, provider: serverProvider, now: () => NOW } as ServerOptions);
  shareCachedSession(prior, serverConfig);
  const scenario: Scenario = {
    name: def.name,
    tls12: def.tls12 === true,
    clientProvider,
    serverProvider,
    clientConfig: await buildClientConfig({ ...clientOptions, provider: clientProvider, now: () => NOW } as ClientOptions),
    serverConfig,
    fromClient: { scenario: def.name, records: fromClient.records, eof: true, chunking },
    fromServer: { scenario: def.name, records: fromServer.records, eof: true, chunking },
    clientKeys: fromClient.keys,
    serverKeys: fromServer.keys,
  };
  return { scenario, kept: { session, serverConfig: sc } };
}

let recorded: Promise<Scenario[]> | null = null;

/** Every scenario, recorded once per process. */
export function scenarios(): Promise<Scenario[]> {
  recorded ??= (async () => {
    const out: Scenario[] = [];
    // The recording's own server config (not the targets'), whose cache holds the session by id.
    const kept = new Map<string, Kept>();
    for (const def of definitions()) {
      const r = await record(def, def.resumes === undefined ? undefined : kept.get(def.resumes));
      kept.set(def.name, r.kept);
      out.push(r.scenario);
    }
    return out;
  })();
  return recorded;
}
