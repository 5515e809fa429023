// Path building: real OpenSSL-made chains, order and duplicates, alternatives (cross-signing),
// depth, loops and hostile chains that must end quickly with a budget error. Both providers.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CryptoProvider } from "../src/crypto/provider.js";
import { InvalidCertificate } from "../src/errors.js";
import { MAX_PATH_DEPTH, MAX_SIGNATURE_CHECKS } from "../src/verify/index.js";
import { DAY, HOUR, PROVIDERS, verifiers } from "./verify-harness.js";
import { type Made, X509Pki } from "./pki-x509.js";
import { type MadePki, makePki } from "./pki.js";

const pki = new X509Pki();
const now = pki.now;

// OpenSSL-made chains keep the parser honest about what a real CA tool emits.
const openssl: [string, MadePki][] = [
  ["EC P-256", makePki({ keyType: "ec-p256" })],
  ["RSA-2048", makePki({ keyType: "rsa-2048" })],
  ["RSA-PSS signatures", makePki({ keyType: "rsa-2048", pss: true })],
  ["RSA-PSS keys", makePki({ keyType: "rsa-pss-2048" })],
  ["P-384", makePki({ keyType: "ec-p384" })],
  ["mixed RSA/P-384/P-256", makePki({ rootKeyType: "rsa-2048", intermediateKeyType: "ec-p384", leafKeyType: "ec-p256" })],
];
const opensslEd = makePki({ keyType: "ed25519" });
// OpenSSL stamps notBefore with the current second: judge a minute later.
const opensslTime = new Date(Date.now() + 60_000);

const root = await pki.root({ subject: "CN=Path Root" });
const i1 = await pki.issue(root, { ca: true, subject: "CN=Path I1" });
const i2 = await pki.issue(i1, { ca: true, subject: "CN=Path I2" });
const leaf = await pki.issue(i2, { dns: ["example.com"] });
const stranger = await pki.issue(await pki.root({ subject: "CN=Elsewhere" }), { ca: true, subject: "CN=Stranger" });

// Cross-signing: one intermediate key and name, certified by an old root (expired) and a new one.
const oldRoot = await pki.root({ subject: "CN=Old Root" });
const newRoot = await pki.root({ subject: "CN=New Root" });
const crossExpired = await pki.issue(oldRoot, { ca: true, subject: "CN=Cross CA", notAfter: new Date(now.getTime() - HOUR) });
const crossValid = await pki.issue(newRoot, { ca: true, subject: "CN=Cross CA", key: crossExpired });
const crossLeaf = await pki.issue(crossExpired, { dns: ["example.com"] });
// A new root also sent cross-signed by the old one: the path may end at either.
const newRootByOld = await pki.issue(oldRoot, { ca: true, subject: "CN=New Root", key: newRoot });
const underNew = await pki.issue(newRoot, { ca: true, subject: "CN=Under New" });
const underNewLeaf = await pki.issue(underNew, { dns: ["example.com"] });

// A straight line of CAs: levels[0] is the root, each next one issued by the previous.
const levels: Made[] = [await pki.root({ subject: "CN=Level 0" })];
for (let i = 1; i <= 8; i++) levels.push(await pki.issue(levels[i - 1]!, { ca: true, subject: `CN=Level ${i}` }));
const leafAt = async (level: number) => pki.issue(levels[level]!, { dns: ["example.com"] });

// Hostile: 50 CAs that share the leaf's issuer name, none with a valid signature.
const hostileLeaf = await pki.issue(await pki.root({ subject: "CN=Hostile" }), { dns: ["example.com"] });
const hostiles: Made[] = [];
for (let i = 0; i < 50; i++) hostiles.push(await pki.root({ subject: "CN=Hostile", corruptSignature: true }));
// Hostile mesh: 12 CAs of one name, each validly signed by the next, no anchor anywhere.
const mesh: Made[] = [await pki.root({ subject: "CN=Mesh" })];
for (let i = 1; i < 12; i++) mesh.push(await pki.issue(mesh[i - 1]!, { ca: true, subject: "CN=Mesh" }));
const meshLeaf = await pki.issue(mesh[11]!, { dns: ["example.com"] });
// Two CAs certifying each other.
const loopA0 = await pki.root({ subject: "CN=Loop A" });
const loopB = await pki.issue(loopA0, { ca: true, subject: "CN=Loop B" });
const loopA = await pki.issue(loopB, { ca: true, subject: "CN=Loop A", key: loopA0 });
const loopLeaf = await pki.issue(loopA, { dns: ["example.com"] });
// The genuine issuer hidden behind more same-name impostors than the budget: the key-identifier hint finds it.
const impostors: Made[] = [];
for (let i = 0; i < MAX_SIGNATURE_CHECKS + 8; i++) impostors.push(await pki.issue(root, { ca: true, subject: "CN=Path I2" }));

function suiteFor(name: string, provider: CryptoProvider) {
  const test = suite(`verify: path building (${name})`);
  const { ok, fails } = verifiers(provider);

  test("OpenSSL chains: EC, RSA, RSA-PSS, P-384, mixed, Ed25519 when available", async () => {
    for (const [label, p] of openssl) {
      const path = await ok({ chain: p.chainDer, roots: [p.rootDer], time: opensslTime }, 3).catch((e: Error) => {
        throw new Error(`${label}: ${e.message}`);
      });
      assert.equal(path[0]!.der, p.leafDer);
      assert.equal(path[2]!.der, p.rootDer);
    }
    if (provider.supports.signatures.includes("ed25519")) await ok({ chain: opensslEd.chainDer, roots: [opensslEd.rootDer], time: opensslTime }, 3);
  });

  test("x509-made chains over every key type", async () => {
    for (const key of ["rsa-2048", "ec-p384", "ec-p521", "ed25519"] as const) {
      if (key === "ed25519" && !provider.supports.signatures.includes("ed25519")) continue;
      const r = await pki.root({ key });
      const mid = await pki.issue(r, { ca: true, key });
      await ok({ chain: [(await pki.issue(mid, { dns: ["example.com"], key })).der, mid.der], roots: [r.der] }, 3);
    }
    const rsa = await pki.root({ key: "rsa-2048" });
    await ok({ chain: [(await pki.issue(rsa, { dns: ["example.com"], pss: true, hash: "SHA-384" })).der], roots: [rsa.der] }, 2);
  });

  test("any order, duplicates, strangers, the leaf and the root sent again", async () => {
    const path = await ok({ chain: [leaf.der, i1.der, stranger.der, i2.der, i2.der, i1.der, root.der, leaf.der], roots: [root.der] }, 4);
    assert.equal(path.map((c) => c.subject), [leaf.subject, "CN=Path I2", "CN=Path I1", "CN=Path Root"]);
    await ok({ chain: [leaf.der, i2.der, i1.der], roots: [stranger.der, root.der] }, 4);
    // A trusted intermediate shortens the path.
    await ok({ chain: [leaf.der, i2.der, i1.der], roots: [i1.der] }, 3);
  });

  test("unknown issuer: no roots, wrong root, missing intermediate, untrusted self-signed leaf", async () => {
    await fails({ chain: [leaf.der, i2.der, i1.der], roots: [] }, "UnknownIssuer", 2);
    await fails({ chain: [leaf.der, i2.der, i1.der], roots: [stranger.der] }, "UnknownIssuer", 2);
    await fails({ chain: [leaf.der, i1.der], roots: [root.der] }, "UnknownIssuer", 0);
    const self = await pki.root({ ca: false, dns: ["example.com"] });
    await fails({ chain: [self.der], roots: [root.der] }, "UnknownIssuer", 0);
    await fails({ chain: [], roots: [root.der] }, "NoCertificate");
  });

  test("bad signature: corrupted leaf, impostor root of the same name, the genuine root among impostors", async () => {
    const corrupt = await pki.issue(i2, { dns: ["example.com"], corruptSignature: true });
    await fails({ chain: [corrupt.der, i2.der, i1.der], roots: [root.der] }, "BadSignature", 0);
    // A changed serial number (in the signed part) breaks the signature just the same.
    const tampered = leaf.der.slice();
    const serial = Uint8Array.from(leaf.serial.match(/../g)!, (h) => parseInt(h, 16));
    const offset = tampered.findIndex((_, i) => serial.every((b, j) => tampered[i + j] === b));
    tampered[offset + serial.length - 1]! ^= 0x01;
    await fails({ chain: [tampered, i2.der, i1.der], roots: [root.der] }, "BadSignature", 0);
    const impostorRoot = await pki.root({ subject: "CN=Path Root" });
    await fails({ chain: [leaf.der, i2.der, i1.der], roots: [impostorRoot.der] }, "BadSignature", 2);
    await ok({ chain: [leaf.der, i2.der, i1.der], roots: [impostorRoot.der, root.der] }, 4);
  });

  test("cross-signing: two paths, one through an expired intermediate", async () => {
    const path = await ok({ chain: [crossLeaf.der, crossExpired.der, crossValid.der], roots: [oldRoot.der, newRoot.der] }, 3);
    assert.is(path[2]!.subject, "CN=New Root");
    // Order does not matter; the expired one is skipped either way.
    await ok({ chain: [crossLeaf.der, crossValid.der, crossExpired.der], roots: [newRoot.der, oldRoot.der] }, 3);
    // Only the expired route: that is the reason given.
    await fails({ chain: [crossLeaf.der, crossExpired.der], roots: [oldRoot.der, newRoot.der] }, "Expired", 1);
    await fails({ chain: [crossLeaf.der, crossExpired.der, crossValid.der], roots: [oldRoot.der] }, "Expired", 1);
  });

  test("cross-signed root: the path ends at whichever root is trusted", async () => {
    const chain = [underNewLeaf.der, underNew.der, newRootByOld.der];
    assert.is((await ok({ chain, roots: [newRoot.der] }, 3))[2]!.subject, "CN=New Root");
    assert.is((await ok({ chain, roots: [oldRoot.der] }, 4))[3]!.subject, "CN=Old Root");
  });

  test(`depth: ${MAX_PATH_DEPTH} certificates pass, ${MAX_PATH_DEPTH + 1} fail with MaximumPathDepthExceeded`, async () => {
    assert.is(MAX_PATH_DEPTH, 8);
    const under6 = await leafAt(6); // leaf + levels 6..1 + root = 8
    await ok({ chain: [under6.der, ...levels.slice(1, 7).reverse().map((c) => c.der)], roots: [levels[0]!.der] }, 8);
    const under7 = await leafAt(7); // leaf + levels 7..1 + root = 9
    const deep = [under7.der, ...levels.slice(1, 8).reverse().map((c) => c.der)];
    await fails({ chain: deep, roots: [levels[0]!.der] }, "MaximumPathDepthExceeded");
    // Trusting a level further down makes the same chain short enough.
    await ok({ chain: deep, roots: [levels[1]!.der] }, 8);
  });

  test("hostile: 50 same-name certificates with bad signatures end quickly with a budget error", async () => {
    const started = Date.now();
    const e = await fails({ chain: [hostileLeaf.der, ...hostiles.map((h) => h.der)], roots: [root.der] }, "MaximumSignatureChecksExceeded", 0);
    assert.match(e.message, new RegExp(`${MAX_SIGNATURE_CHECKS} signature checks`));
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  test("hostile: a mesh of validly signed same-name CAs without an anchor stays within budget", async () => {
    const started = Date.now();
    const chain = [meshLeaf.der, ...[...mesh].reverse().map((m) => m.der), ...mesh.map((m) => m.der)];
    await fails({ chain, roots: [root.der] }, "MaximumSignatureChecksExceeded");
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  test("loops: two CAs certifying each other end with UnknownIssuer", async () => {
    await fails({ chain: [loopLeaf.der, loopA.der, loopB.der], roots: [root.der] }, "UnknownIssuer");
    // Trusting one of them: the anchor of the same name and key ends the path at once.
    await ok({ chain: [loopLeaf.der, loopA.der, loopB.der], roots: [loopA0.der] }, 2);
  });

  test("authorityKeyIdentifier orders candidates: the genuine issuer behind 40 impostors is found", async () => {
    await ok({ chain: [leaf.der, ...impostors.map((c) => c.der), i2.der, i1.der], roots: [root.der] }, 4);
  });

  test("random mutations of a chain end in InvalidCertificate, nothing else", async () => {
    let seed = 0x5eed;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const reasons = new Set<string>();
    for (let round = 0; round < 300; round++) {
      const chain = [leaf.der.slice(), i2.der.slice(), i1.der.slice()];
      const victim = chain[next() % 3]!;
      for (let k = 1 + (next() % 3); k > 0; k--) victim[next() % victim.length] = next() & 0xff;
      try {
        await verifiers(provider).server({ chain, roots: [root.der] });
        reasons.add("passed");
      } catch (e) {
        if (!(e instanceof InvalidCertificate)) throw new Error(`round ${round}: ${String(e)}`);
        reasons.add(e.reason);
      }
    }
    assert.ok(reasons.has("BadEncoding") && reasons.has("BadSignature"), [...reasons].join(", "));
  });

  test("a chain met again costs no second verification of its signatures; every other check still runs", async () => {
    let verified = 0;
    const counting: CryptoProvider = {
      ...provider,
      verify: (...a: Parameters<CryptoProvider["verify"]>) => {
        verified++;
        return provider.verify(...a);
      },
    };
    const again = verifiers(counting);
    const chain = [leaf.der, i2.der, i1.der];
    await again.ok({ chain, roots: [root.der], time: now }, 4);
    assert.is(verified, 3, "leaf, I2 and I1 verified once each");
    await again.ok({ chain, roots: [root.der], time: now }, 4);
    assert.is(verified, 3, "the same chain again: nothing verified twice");
    // Remembered signatures decide nothing else: the name, the time and the anchors are judged anew.
    await again.fails({ chain, roots: [root.der], time: now, serverName: "other.example" }, "NotValidForName");
    await again.fails({ chain, roots: [root.der], time: new Date(now.getTime() + 3650 * DAY) }, "Expired");
    await again.fails({ chain, roots: [stranger.der], time: now }, "UnknownIssuer");
    // Kept per provider: another provider object verifies for itself.
    let other = 0;
    const second: CryptoProvider = { ...provider, verify: (...a: Parameters<CryptoProvider["verify"]>) => (other++, provider.verify(...a)) };
    await verifiers(second).ok({ chain, roots: [root.der], time: now }, 4);
    assert.is(other, 3);
  });

  return test;
}

for (const [name, provider] of PROVIDERS) suiteFor(name, provider).run();
