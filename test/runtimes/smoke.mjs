// The runtime-independent half of the runtime smoke tests: probe crypto.subtle, run one HTTP/1.1
// request over fipstls's upgrade() on a byte-stream pair the runtime opened, and describe the result
// as one JSON object. The runtime scripts only open the TCP connection; runtimes.test.ts judges.
// Plain JavaScript with no imports, so that Deno, Bun and workerd all load it unchanged; the bundle
// comes in as `lib` because each runtime names its modules differently.

export const MARKER = "FIPSTLS-RUNTIME-SMOKE ";

/** Tries each primitive the providers rely on; a missing one is reported, not thrown. */
export async function probeSubtle() {
  const subtle = globalThis.crypto?.subtle;
  const attempt = async (fn) => {
    try {
      await fn();
      return true;
    } catch (e) {
      return `${e?.name ?? "Error"}: ${e?.message ?? e}`;
    }
  };
  return {
    ecdhP256: await attempt(async () => {
      const a = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
      const b = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
      const bits = await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 256);
      if (bits.byteLength !== 32) throw new Error(`ECDH gave ${bits.byteLength} bytes`);
    }),
    aesGcm: await attempt(async () => {
      const key = await subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt", "decrypt"]);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await subtle.encrypt({ name: "AES-GCM", iv }, key, new Uint8Array([1, 2, 3]));
      const opened = new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv }, key, sealed));
      if (opened.join() !== "1,2,3") throw new Error("AES-GCM round trip changed the data");
    }),
    x25519: await attempt(async () => {
      const a = await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
      const b = await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
      await subtle.deriveBits({ name: "X25519", public: b.publicKey }, a.privateKey, 256);
    }),
    ed25519: await attempt(async () => {
      const pair = await subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
      const sig = await subtle.sign({ name: "Ed25519" }, pair.privateKey, new Uint8Array([7]));
      if (!(await subtle.verify({ name: "Ed25519" }, pair.publicKey, sig, new Uint8Array([7])))) throw new Error("Ed25519 signature did not verify");
    }),
  };
}

/** Reads until the peer ends the stream, refusing to hold more than `limit` bytes. */
async function readToEnd(readable, limit) {
  const reader = readable.getReader();
  const parts = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    total += value.length;
    if (total > limit) throw new Error(`response exceeds ${limit} bytes`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return new TextDecoder().decode(out);
}

/**
 * One request over TLS 1.3 under fips-140-3. `open()` returns the runtime's {readable, writable}.
 * requireFipsProvider is off on purpose: WebCrypto cannot attest FIPS mode, and the audit must say so.
 */
export async function smoke(lib, open, { caPem, nonce, runtime, version }) {
  const ms = () => performance.now();
  const t0 = ms();
  const subtle = await probeSubtle();
  const provider = await lib.webcryptoProvider();
  const t1 = ms();
  const transport = await open();
  const tls = lib.upgrade(transport, {
    provider,
    serverName: "localhost",
    roots: caPem,
    policy: "fips-140-3",
    requireFipsProvider: false,
    minVersion: "TLSv1.3",
  });
  const info = await tls.handshake;
  const t2 = ms();
  const writer = tls.writable.getWriter();
  await writer.write(new TextEncoder().encode(`GET /smoke/${nonce} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
  // The server closes after its response (Connection: close), so the whole reply is everything up to the end.
  const raw = await readToEnd(tls.readable, 64 * 1024);
  await writer.close().catch(() => undefined);
  const t3 = ms();
  const split = raw.indexOf("\r\n\r\n");
  const report = tls.audit();
  const { peerCertificates, ...negotiated } = info;
  return {
    runtime,
    version,
    subtle,
    supports: provider.supports,
    fips: provider.fips(),
    negotiated: { ...negotiated, peerCertificates: peerCertificates.length },
    audit: { policy: report.policy.id, provider: report.provider, verdict: report.verdict },
    response: { statusLine: raw.slice(0, raw.indexOf("\r\n")), body: split < 0 ? "" : raw.slice(split + 4) },
    // Inside workerd the clock only moves across I/O, so these can read 0 there.
    ms: { probeAndProvider: Math.round(t1 - t0), connectAndHandshake: Math.round(t2 - t1), request: Math.round(t3 - t2) },
  };
}

/** What a failed run reports instead, so the test can show the runtime's own error. */
export function failure(runtime, e) {
  return { runtime, error: `${e?.name ?? "Error"}: ${e?.message ?? e}`, stack: String(e?.stack ?? "") };
}
