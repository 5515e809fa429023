// Connection scenarios: configurations for both sides over the fixed PKI, and one real in-memory
// handshake per scenario (deterministic providers on both sides) recorded as two plaintext transcripts,
// one per direction: what a client sends (the server target's seed) and what a server sends (the
// client target's seed). Post-handshake traffic is recorded too: data both ways, a KeyUpdate asking
// for one back, more data, close_notify.
import { buildClientConfig, type ClientConfig, type ClientOptions } from "../src/config/client.js";
import { buildServerConfig, type ServerConfig, type ServerOptions } from "../src/config/server.js";
import { ClientConnection } from "../src/conn/client.js";
import { ServerConnection } from "../src/conn/server.js";
import { FuzzProvider, type KeyCapture } from "./provider.js";
import { NOW, pkiText } from "./seeds.js";
import { CT, type SealKeys, type Transcript, type WireRecord, open, splitRecords } from "./tls.js";
import { concat } from "./mutators.js";

type Side<T> = Omit<T, "provider">;

interface ScenarioDefinition {
  readonly name: string;
  readonly client: Side<ClientOptions>;
  readonly server: Side<ServerOptions>;
}

function definitions(): ScenarioDefinition[] {
  const root = pkiText("root-p256.pem");
  const leaf = { certificateChain: pkiText("leaf-p256.pem"), privateKey: pkiText("leaf-p256.key.pem") };
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
    { name: "rsa", client: { serverName: "localhost", roots: root }, server: { certificateChain: pkiText("leaf-rsa.pem"), privateKey: pkiText("leaf-rsa.key.pem") } },
  ];
}

export interface Scenario {
  readonly name: string;
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

/** Decrypts one direction's bytes with the sender's captured keys, into plaintext records. */
function decode(stream: Uint8Array, capture: KeyCapture, dir: "c" | "s"): { records: WireRecord[]; keys: Record<string, SealKeys> } {
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

async function record(def: ScenarioDefinition): Promise<Scenario> {
  const cp = new FuzzProvider(`client:${def.name}`);
  const sp = new FuzzProvider(`server:${def.name}`);
  const cc = await buildClientConfig({ ...def.client, provider: cp, now: () => NOW } as ClientOptions);
  const sc = await buildServerConfig({ ...def.server, provider: sp, now: () => NOW } as ServerOptions);
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
  });
  server.start();
  client.start();
  await Promise.all([client.handshake, server.handshake]);
  await client.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  await server.write(new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  await until(() => c2s.length > 0 && s2c.length > 0, "application data");
  await client.updateKeys(true);
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
  return {
    name: def.name,
    clientProvider,
    serverProvider,
    clientConfig: await buildClientConfig({ ...def.client, provider: clientProvider, now: () => NOW } as ClientOptions),
    serverConfig: await buildServerConfig({ ...def.server, provider: serverProvider, now: () => NOW } as ServerOptions),
    fromClient: { scenario: def.name, records: fromClient.records, eof: true, chunking },
    fromServer: { scenario: def.name, records: fromServer.records, eof: true, chunking },
    clientKeys: fromClient.keys,
    serverKeys: fromServer.keys,
  };
}

let recorded: Promise<Scenario[]> | null = null;

/** Every scenario, recorded once per process. */
export function scenarios(): Promise<Scenario[]> {
  recorded ??= (async () => {
    const out: Scenario[] = [];
    for (const def of definitions()) out.push(await record(def));
    return out;
  })();
  return recorded;
}
