// Each side computes what follows from the transcript it already holds while it waits for something
// else, not after. A TLS 1.2 endpoint knows the peer's Finished before it comes (and a server its own,
// which follows it), and agrees with the peer's share while the peer's chain is verified. A TLS 1.3
// client hashes the transcript while the shared secret is agreed, computes the server's Finished while
// the CertificateVerify is checked (and a server the client's, likewise), and seals its own while the
// application secrets are derived. Each test holds one operation back until the other one is asked for
// (or 500 ms): done in sequence, the order of events comes out reversed.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeThrowawayPki } from "../bin/throwaway-pki.js";
import type { Aead, CryptoProvider } from "../src/crypto/provider.js";
import { makePair } from "./_pair.js";
import { PROVIDERS } from "./_providers.js";

const pki = await makeThrowawayPki({ keyType: "ec-p256" });

/** A signal: `when` settles once `fire()` was called, or after 500 ms (an implementation that never fires it still finishes). */
function signal(): { fire: () => void; when: Promise<void> } {
  let fire: () => void = () => undefined;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire, when: Promise.race([fired, new Promise<void>((r) => setTimeout(r, 500))]) };
}

const ascii = new TextDecoder("latin1");
const mentions = (data: Uint8Array, label: string): boolean => ascii.decode(data).includes(label);

interface Hooks {
  hmac?: (data: Uint8Array) => Promise<void> | void;
  hash?: (data: Uint8Array) => void;
  agree?: () => Promise<void>;
  verify?: (message: Uint8Array) => Promise<void> | void;
  /** Before each open(); `first` for the first record this provider opens. */
  open?: (first: boolean) => Promise<void>;
  seal?: () => void;
}

/**
 * `base` with hooks around the operations the tests order. The AEADs lose their synchronous face and
 * the transcript its running hash, so that every seal, open and transcript hash passes through here.
 */
function observed(base: CryptoProvider, hooks: Hooks): CryptoProvider {
  let opened = false;
  const { runningHash: _omitted, ...rest } = base;
  return {
    ...rest,
    async hmac(algorithm, key, data) {
      await hooks.hmac?.(data);
      return base.hmac(algorithm, key, data);
    },
    async hash(algorithm, data) {
      hooks.hash?.(data);
      return base.hash(algorithm, data);
    },
    async aead(algorithm, key) {
      const inner = await base.aead(algorithm, key);
      const aead: Aead = {
        algorithm,
        seal: (nonce, aad, plaintext) => {
          hooks.seal?.();
          return inner.seal(nonce, aad, plaintext);
        },
        open: async (nonce, aad, ciphertext) => {
          const first = !opened;
          opened = true;
          await hooks.open?.(first);
          return inner.open(nonce, aad, ciphertext);
        },
      };
      return aead;
    },
    async keyShare(group) {
      const share = await base.keyShare(group);
      return {
        ...share,
        agree: async (peer) => {
          await hooks.agree?.();
          return share.agree(peer);
        },
      };
    },
    async verify(algorithm, spki, message, signature) {
      await hooks.verify?.(message);
      return base.verify(algorithm, spki, message, signature);
    },
  };
}

/** Whether the transcript `data` ends with a CertificateVerify (type 15) whose length runs to its end. */
function endsWithCertificateVerify(data: Uint8Array): boolean {
  for (let at = Math.max(0, data.length - 1024); at + 4 <= data.length; at++) {
    if (data[at] === 15 && ((data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) === data.length - at - 4) return true;
  }
  return false;
}

/**
 * A TLS 1.2 endpoint's provider whose first open (the peer's Finished, the first protected record either
 * side receives) waits until the "server finished" PRF is asked for, recording the order of the two.
 */
function serverFinishedBeforeFirstOpen(base: CryptoProvider): { provider: CryptoProvider; events: string[] } {
  const events: string[] = [];
  const computed = signal();
  const provider = observed(base, {
    hmac: (data) => {
      // Its PRF MACs the label more than once (P_hash's A(1), then the output block): noted once.
      if (!mentions(data, "server finished") || events.includes("server finished")) return;
      events.push("server finished");
      computed.fire();
    },
    open: async (first) => {
      if (!first) return;
      await computed.when;
      events.push("opened the peer's Finished");
    },
  });
  return { provider, events };
}

/**
 * A TLS 1.2 endpoint's provider whose check of the peer's chain waits until the agreement is asked for,
 * recording the order of the two. The chain's signature covers a TBSCertificate (a DER SEQUENCE); the
 * ServerKeyExchange's, both randoms and the 69-byte P-256 parameters.
 */
function agreedWhileChainVerifies(base: CryptoProvider): { provider: CryptoProvider; events: string[] } {
  const events: string[] = [];
  const agreeing = signal();
  const provider = observed(base, {
    agree: async () => {
      events.push("agree");
      agreeing.fire();
    },
    verify: async (message) => {
      if (message[0] !== 0x30 || message.length < 200) return;
      await agreeing.when;
      events.push("chain verified");
    },
  });
  return { provider, events };
}

const server = (provider: CryptoProvider, version: "TLSv1.2" | "TLSv1.3") => ({ provider, certificateChain: pki.certPem, privateKey: pki.keyPem, minVersion: version, maxVersion: version });
const client = (provider: CryptoProvider, version: "TLSv1.2" | "TLSv1.3") => ({ provider, serverName: "localhost", roots: pki.caPem, minVersion: version, maxVersion: version, groups: ["secp256r1" as const] });

for (const [pname, base] of PROVIDERS) {
  const t = suite(`Finished and transcript computed ahead (${pname} provider)`);

  t("TLS 1.2 server: its own Finished is computed before the client's Finished is opened", async () => {
    const { provider, events } = serverFinishedBeforeFirstOpen(base);
    const { client: c, server: s } = await makePair(client(base, "TLSv1.2"), server(provider, "TLSv1.2"));
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal(events.slice(0, 2), ["server finished", "opened the peer's Finished"]);
    // Our Finished covers the NewSessionTicket sent before it: the client took the ticket.
    await new Promise((r) => setTimeout(r, 20));
    assert.is(c.sessions.length, 1);
  });

  t("TLS 1.2 client: the server's Finished is computed before it is opened", async () => {
    const { provider, events } = serverFinishedBeforeFirstOpen(base);
    const { client: c, server: s } = await makePair(client(provider, "TLSv1.2"), server(base, "TLSv1.2"));
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal(events.slice(0, 2), ["server finished", "opened the peer's Finished"]);
  });

  t("TLS 1.2 client: the server's share is agreed with while the server's chain is verified", async () => {
    const { provider, events } = agreedWhileChainVerifies(base);
    const { client: c, server: s } = await makePair(client(provider, "TLSv1.2"), server(base, "TLSv1.2"));
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal(events, ["agree", "chain verified"]);
  });

  t("TLS 1.2 server asking for a certificate: the client's chain is verified while the shared secret is agreed", async () => {
    const { provider, events } = agreedWhileChainVerifies(base);
    const mtls = { ...server(provider, "TLSv1.2"), clientAuth: "required" as const, clientRoots: pki.caPem };
    const { client: c, server: s } = await makePair({ ...client(base, "TLSv1.2"), certificateChain: pki.certPem, privateKey: pki.keyPem }, mtls);
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal(events, ["agree", "chain verified"]);
    assert.is(s.conn.info.peerCertificates.length, 1);
  });

  t("TLS 1.3 client: the transcript through ServerHello is hashed while the shared secret is agreed", async () => {
    const events: string[] = [];
    const hashed = signal();
    const provider = observed(base, {
      hash: () => {
        events.push("hash");
        hashed.fire();
      },
      agree: async () => {
        await hashed.when;
        events.push("agreed");
      },
    });
    const { client: c, server: s } = await makePair(client(provider, "TLSv1.3"), server(base, "TLSv1.3"));
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal(events.slice(0, 2), ["hash", "agreed"]);
  });

  t("TLS 1.3 client: the server's Finished is computed while its CertificateVerify is checked", async () => {
    const events: string[] = [];
    const throughCertificateVerify = signal();
    const provider = observed(base, {
      hash: (data) => {
        if (!endsWithCertificateVerify(data)) return;
        events.push("hash through CertificateVerify");
        throughCertificateVerify.fire();
      },
      verify: async (message) => {
        // RFC 8446 4.4.3: the CertificateVerify's content starts with 64 spaces.
        if (message[0] !== 0x20 || message[63] !== 0x20) return;
        await throughCertificateVerify.when;
        events.push("CertificateVerify checked");
      },
    });
    const { client: c, server: s } = await makePair(client(provider, "TLSv1.3"), server(base, "TLSv1.3"));
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal(events, ["hash through CertificateVerify", "CertificateVerify checked"]);
  });

  t("TLS 1.3 server asking for a certificate: the client's Finished is computed while its CertificateVerify is checked", async () => {
    const events: string[] = [];
    const throughCertificateVerify = signal();
    // The server's transcript ends with a CertificateVerify twice: its own (hashed for its Finished), then the client's.
    let endingWithCertificateVerify = 0;
    const provider = observed(base, {
      hash: (data) => {
        if (!endsWithCertificateVerify(data) || ++endingWithCertificateVerify !== 2) return;
        events.push("hash through client CertificateVerify");
        throughCertificateVerify.fire();
      },
      verify: async (message) => {
        if (message[0] !== 0x20 || message[63] !== 0x20) return;
        await throughCertificateVerify.when;
        events.push("client CertificateVerify checked");
      },
    });
    const mtls = { ...server(provider, "TLSv1.3"), clientAuth: "required" as const, clientRoots: pki.caPem };
    const { client: c, server: s } = await makePair({ ...client(base, "TLSv1.3"), certificateChain: pki.certPem, privateKey: pki.keyPem }, mtls);
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal(events, ["hash through client CertificateVerify", "client CertificateVerify checked"]);
    assert.is(s.conn.info.peerCertificates.length, 1);
  });

  t("TLS 1.3 client: its Finished is sealed while the application secrets are derived", async () => {
    const events: string[] = [];
    const sealed = signal();
    const provider = observed(base, {
      seal: () => {
        events.push("sealed");
        sealed.fire();
      },
      hmac: async (data) => {
        if (!mentions(data, "c ap traffic")) return;
        await sealed.when;
        events.push("c ap traffic");
      },
    });
    const { client: c, server: s } = await makePair(client(provider, "TLSv1.3"), server(base, "TLSv1.3"));
    await Promise.all([c.conn.handshake, s.conn.handshake]);
    assert.equal(events.slice(0, 2), ["sealed", "c ap traffic"]);
  });

  t.run();
}
