// The node:tls-shaped options of connect(), createServer() and the agents: which ones fipstls
// supports and what each means, kept in one table (exported, so the README can show it), and their
// translation into the config builders' options. An option outside the table is an error, never
// silently ignored; node:tls options we know but do not support say why and what to use instead.
import type { LookupFunction } from "node:net";
import type { Duplex } from "node:stream";
import type { CryptoProvider } from "../../crypto/provider.js";
import type { ClientOptions } from "../../config/client.js";
import type { ServerOptions } from "../../config/server.js";
import { pemText } from "../../config/common.js";
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from "../../config/timeouts.js";
import type { TlsVersionName } from "../../handshake/info.js";
import { ConfigError } from "../../errors.js";
import type { TrustStore } from "../../verify/trust.js";
import { type Policy, type PolicyName, policyByName } from "../../policy/policies.js";
import { nodeProvider } from "../../../providers/node/index.js";
import { webcryptoProvider } from "../../../providers/webcrypto/index.js";
import type { PeerCertificate } from "./certificate.js";
import type { SecureContext } from "./secure-context.js";
import type { KeyInput, PfxInput } from "./credentials.js";
import { checkOpenSslStyle, openSslStyleTuning } from "./openssl-names.js";
import { membersMarkdown } from "./members.js";
import { nodeCrypto } from "../../../providers/node/builtins.js";
const { getFips } = nodeCrypto;

export type ProviderOption = "node" | "webcrypto" | CryptoProvider;
/** PEM text or DER bytes (a Buffer read from a file is fine), one or many. */
export type PemInput = string | Uint8Array | readonly (string | Uint8Array)[];
/** ALPN protocol names, or node:tls's wire format (length-prefixed names in one buffer). */
export type AlpnInput = readonly (string | Uint8Array)[] | Uint8Array;

/** The config-builder settings with no node:tls counterpart, accepted under `tls`. */
export type TlsTuning = Partial<
  Pick<ClientOptions & ServerOptions, "cipherSuites" | "groups" | "signatureSchemes" | "keyShareGroups" | "preferGroupOverShare" | "limits" | "now" | "revocation" | "sessionTickets" | "sessionCacheSize" | "tls13Tickets" | "anchorProfile" | "ocspResponse">
>;

/** What `tls: { … }` accepts. Everything else has a node-shaped option, so there is one way to say it. */
export const TLS_TUNING_OPTIONS: Readonly<Record<string, string>> = {
  cipherSuites: "TLS 1.3 and TLS 1.2 suites by IANA name, in preference order (within the policy).",
  groups: "Key exchange groups in preference order (within the policy and what the provider runs), from: secp256r1, secp384r1, secp521r1, x25519, x448; ffdhe2048 to ffdhe8192 and the hybrid ML-KEM groups (TLS 1.3 only).",
  signatureSchemes: "Signature schemes accepted and used (within the policy).",
  keyShareGroups: "Client: groups to send key shares for in the first ClientHello.",
  preferGroupOverShare: "Server: send HelloRetryRequest rather than accept a share for a less preferred group.",
  limits: "maxHandshakeMessageSize, maxCertificates, keyUpdateAfterRecords.",
  now: "The clock for certificate validity (() => Date).",
  revocation:
    '{ scope: "leaf" | "chain", unknownStatus: "fail" | "allow" } for crl; client: staple: "require" | "prefer" asks for a stapled OCSP response and verifies it (docs/verification.md), stapleClockSkew (seconds, default 300).',
  ocspResponse: "Server: a DER OCSP response to staple for clients that ask, or (request) => DER | null called per handshake; takes precedence over 'OCSPRequest' listeners.",
  sessionTickets: "Server: issue session tickets (default true); false leaves TLS 1.2 clients the session-id cache and TLS 1.3 clients no resumption.",
  sessionCacheSize: "Server: sessions kept for TLS 1.2 session-id resumption (default 1000; 0 turns the cache off).",
  tls13Tickets: "Server: NewSessionTickets sent after each full TLS 1.3 handshake (0 to 10, default 2 as OpenSSL); one at most after a resumption, as OpenSSL.",
  anchorProfile: 'What a trust anchor must meet: "strict" (default: the CA profile, as pyca/cryptography) or "legacy" (private PKIs whose roots break it; see docs/verification.md).',
};

export interface CommonSocketOptions {
  provider?: ProviderOption;
  ALPNProtocols?: AlpnInput;
  minVersion?: TlsVersionName;
  maxVersion?: TlsVersionName;
  /** Milliseconds the handshake may take before the socket is destroyed (default DEFAULT_HANDSHAKE_TIMEOUT_MS, 30 s; 0 for none). */
  handshakeTimeout?: number;
  /** CRLs (PEM or DER) the peer's chain is checked against, as node:tls's `crl`. */
  crl?: PemInput;
  /** fipstls-specific tuning passed to the config builder; see TLS_TUNING_OPTIONS. */
  tls?: TlsTuning;
  /** Keep our sending side open after the peer's close_notify (default false, as in node:tls). */
  allowHalfOpen?: boolean;
  /** A compliance policy: "default", "fips-140-3", "cnsa", a dated id, or a Policy. */
  policy?: PolicyName | Policy;
  /**
   * Refuse to start unless the provider attests FIPS mode. Defaults to the policy's own setting
   * (true under fips-140-3 and cnsa): in Node the module's state can be read, so it is required.
   */
  requireFipsProvider?: boolean;
  /** The readable side's buffer size in bytes (as stream.Duplex). */
  highWaterMark?: number;
  /** As node:tls, where each name maps to one suite, group or scheme: see openssl-names.ts. */
  ciphers?: string;
  ecdhCurve?: string;
  sigalgs?: string;
}

export interface ConnectOptions extends CommonSocketOptions {
  host?: string;
  port?: number;
  /** A Unix socket to connect to instead of host:port. */
  path?: string;
  /** An existing, connected stream to run TLS over instead of opening one (STARTTLS). */
  socket?: Duplex;
  servername?: string;
  ca?: PemInput | TrustStore;
  cert?: PemInput;
  key?: KeyInput;
  /** Decrypts an encrypted key and pfx (node:tls's passphrase). */
  passphrase?: string;
  /** A PKCS#12 file (DER bytes) with our certificate chain and key, instead of cert and key. */
  pfx?: PfxInput;
  /** A createSecureContext() result with cert, key (or pfx) and ca, instead of those options. */
  secureContext?: SecureContext;
  /** false: verify anyway, but record a failure in authorized/authorizationError instead of failing. */
  rejectUnauthorized?: boolean;
  /** Extra identity check run after fipstls's own; an Error it returns fails the connection. */
  checkServerIdentity?: (hostname: string, cert: PeerCertificate) => Error | undefined;
  /** A session from an earlier connection's 'session' event or getSession(), offered for resumption. */
  session?: Uint8Array;
  /** Idle timeout (ms), as socket.setTimeout(). */
  timeout?: number;
  family?: number;
  localAddress?: string;
  localPort?: number;
  lookup?: LookupFunction;
  noDelay?: boolean;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  /** Accept any server certificate: removes server authentication entirely. For throwaway tests only. */
  dangerouslyDisableCertificateVerification?: boolean;
  /** Ask the server to staple an OCSP response, delivered by the 'OCSPResponse' event (not judged; tls.revocation.staple judges). */
  requestOCSP?: boolean;
}

/** What a server presents for one name: a certificate chain, its key, and optionally client CAs. */
export interface SecureContextOptions {
  /** With key; or give pfx instead of both. */
  cert?: PemInput;
  key?: KeyInput;
  passphrase?: string;
  pfx?: PfxInput;
  /** Trust anchors for client certificates (requestCert). */
  ca?: PemInput | TrustStore;
  crl?: PemInput;
}

export interface ServerSocketOptions extends CommonSocketOptions, SecureContextOptions {
  /** A createSecureContext() result as the default context, instead of cert, key, pfx and ca (fipstls; node:tls's createServer ignores it). */
  secureContext?: SecureContext;
  /** Ask clients for a certificate; see SUPPORTED_SERVER_OPTIONS for rejectUnauthorized's effect. */
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  /** Chooses the certificate by the client's SNI name; see SUPPORTED_SERVER_OPTIONS. */
  SNICallback?: (servername: string, callback: (err: Error | null, context?: SecureContextLike | null) => void) => void;
  noDelay?: boolean;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  /** Seconds a session may be resumed for (default 300, as node:tls). */
  sessionTimeout?: number;
  /** 48 bytes of ticket key material shared by servers that resume each other's sessions. */
  ticketKeys?: Uint8Array;
  /** Choose the cipher suite by our order (true, the default as in node:tls's Server) or by the client's (false). */
  honorCipherOrder?: boolean;
}

/** A fipstls SecureContext, or the plain options one is made from. */
export type SecureContextLike = SecureContextOptions | SecureContext;

const KEY_DOC =
  "The certificate's private key: PEM (PKCS#8, SEC1, PKCS#1, or ENCRYPTED PRIVATE KEY with passphrase) or DER PKCS#8, or [{ pem, passphrase }]; one key. " +
  "Encrypted keys: PBES2 with PBKDF2 (HMAC-SHA-256/384/512; HMAC-SHA-1 only outside FIPS policies) and AES-128/192/256-CBC, as openssl pkcs8 -topk8 writes them; " +
  "older schemes (3DES, RC2, DES, OpenSSL's Proc-Type/DEK-Info PEM) are a KeyFileError naming the algorithm. Decryption runs in the provider.";
const PASSPHRASE_DOC =
  "Decrypts an encrypted key and pfx. A wrong one is a KeyFileError (reason BadDecrypt for a key, MacVerifyFailure for pfx, as OpenSSL's \"bad decrypt\" and \"mac verify failure\"), never showing the passphrase.";
const PFX_DOC =
  "A PKCS#12 file's bytes (a Buffer), or [{ buf, passphrase }], instead of cert and key: one key and its certificates, the leaf found by localKeyId or public key, the others sent as its chain " +
  "(node:tls also trusts them as CAs; fipstls does not: use ca). Read as OpenSSL 3's openssl pkcs12 -export writes it: PBES2 (PBKDF2, AES-CBC) bags and an HMAC-SHA-2 MAC (keyed by RFC 7292's KDF over the provider's hash; an integrity check only, not an approved KDF: the key's secrecy rests on PBES2). " +
  "Legacy files (-legacy: RC2, 3DES, SHA-1 MAC) are a KeyFileError naming the algorithms and how to re-export; a string is refused (not decoded from base64). Agent and createUndiciAgent decrypt it (and an encrypted key) once for all their connections.";

const COMMON_DOC: Readonly<Record<string, string>> = {
  ALPNProtocols: "Protocol names offered (client) or accepted in preference order (server): string[] or Buffer[], or one Buffer in wire format.",
  minVersion: '"TLSv1.2" or "TLSv1.3" (default "TLSv1.2"); older versions are a ConfigError. TLS 1.3 is negotiated whenever both sides have it.',
  maxVersion: "As minVersion.",
  crl: "CRLs (PEM or DER); giving any turns revocation checking on for the peer's chain.",
  allowHalfOpen: "Keep our sending side open after the peer's close_notify (default false).",
  highWaterMark: "Readable and writable buffer sizes in bytes (stream.Duplex's). Without it the writable side buffers 64 KiB (node:tls: 16 KiB), so that small write()s are sealed together in full records.",
  handshakeTimeout: `Milliseconds the handshake (peer checks included) may take before the socket is destroyed with HandshakeTimeout (default ${DEFAULT_HANDSHAKE_TIMEOUT_MS}, the same for every fipstls transport; node:tls's is 120000); 0 for none.`,
  policy: 'fipstls: a compliance policy, "default", "fips-140-3", "cnsa", a dated id, or a Policy object.',
  requireFipsProvider: "fipstls: refuse to start unless the provider attests FIPS mode; defaults to the policy's setting (true under fips-140-3).",
  provider: 'fipstls: "node" (default), "webcrypto", or a CryptoProvider.',
  tls: `fipstls: tuning with no node:tls counterpart: ${Object.keys(TLS_TUNING_OPTIONS).join(", ")}.`,
  ciphers:
    'Suites by name, ":"-separated: TLS 1.3 names (TLS_AES_256_GCM_SHA384) and OpenSSL\'s TLS 1.2 names (ECDHE-ECDSA-AES128-GCM-SHA256), in preference order; as node:tls, a version the string names no suite of keeps its defaults. OpenSSL keywords and operators (HIGH, !aNULL, @STRENGTH) are a ConfigError: the policy decides what is allowed. Same as tls.cipherSuites.',
  ecdhCurve: 'Groups by OpenSSL name, ":"-separated (P-256, prime256v1, X25519, X448, ffdhe2048, X25519MLKEM768, …), or "auto" for the defaults; within the policy. Same as tls.groups.',
  sigalgs: "Signature schemes, \":\"-separated: TLS names (rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256, ed25519) or OpenSSL's ECDSA+SHA256 and RSA+SHA256; RSA-PSS+SHA256 is refused as ambiguous (rsae or pss). Within the policy. Same as tls.signatureSchemes.",
};

/** Every option connect() accepts, with what it means in fipstls. */
export const SUPPORTED_CONNECT_OPTIONS: Readonly<Record<string, string>> = {
  host: "TCP host (default \"localhost\"); also the name verified and sent as SNI when servername is absent (an IP literal is verified against iPAddress SANs and never sent as SNI).",
  port: "TCP port (default 443).",
  path: "Unix socket path, instead of host and port.",
  socket: "An existing connected Duplex to run TLS over instead of opening a connection (STARTTLS). fipstls reads it from then on (remove your own 'data' listeners first) and destroys it with the TLS socket.",
  servername: "SNI and the name the certificate must match; \"\" (what http passes for IP hosts) means host.",
  ca: "Trust anchors (PEM/DER, one or many, or a TrustStore). They replace the default, Mozilla's root store from fipstls/roots, as node:tls's ca replaces its bundled roots.",
  cert: "Client certificate chain, leaf first (PEM or DER), for servers that ask for one.",
  key: KEY_DOC,
  passphrase: PASSPHRASE_DOC,
  pfx: PFX_DOC,
  secureContext:
    "A createSecureContext() result instead of cert, key, pfx, passphrase, ca and crl (giving both is a ConfigError; node:tls ignores them). Its key is decrypted once per provider and policy and its ca parsed once, however many connections use it. node:tls's own SecureContext is refused: its key lives inside OpenSSL.",
  ...COMMON_DOC,
  rejectUnauthorized:
    "Default true: a certificate that fails verification or checkServerIdentity fails the connection with the named error. false: verification still runs; a failure is recorded (authorized=false, authorizationError = node:tls's code for it, e.g. \"UNABLE_TO_VERIFY_LEAF_SIGNATURE\", authorizationFailure = the error, whose reason names the exact check, e.g. \"UnknownIssuer\") and the connection proceeds, as in node:tls.",
  checkServerIdentity:
    "(hostname, cert) => Error | undefined, called after fipstls's own checks (chain, name, policy) have passed, in addition to them, never instead (node:tls calls it instead of its name check). An Error it returns or throws fails the connection like a verification failure.",
  session:
    "A Buffer from an earlier connection's 'session' event or getSession(), offered for resumption (a TLS 1.3 ticket as a PSK with ECDHE, or a TLS 1.2 ticket or session id). TLS 1.3 tickets arrive after the handshake: wait for the 'session' event. It is offered only while current, for the same servername, with a suite still enabled, and if the server chain it holds still verifies; else a full handshake runs. isSessionReused() tells which.",
  timeout: "Idle timeout in ms, as socket.setTimeout().",
  family: "Passed to net.connect.",
  localAddress: "Passed to net.connect.",
  localPort: "Passed to net.connect.",
  lookup: "Passed to net.connect.",
  noDelay: "Passed to net.connect; default false, as node:tls (each handshake flight leaves in one write, so none waits on a delayed ACK).",
  keepAlive: "Passed to net.connect.",
  keepAliveInitialDelay: "Passed to net.connect.",
  requestOCSP:
    "Send status_request; 'OCSPResponse' is emitted before 'secureConnect' with the stapled DER response as a Buffer, or null when the server stapled none (checked side by side with node:tls). Not judged, as in node:tls: tls: { revocation: { staple: \"require\" | \"prefer\" } } verifies it (with rejectUnauthorized: false, a bad staple is recorded like a verification failure).",
  dangerouslyDisableCertificateVerification:
    "fipstls: accept any server certificate; no verification runs (authorized=false, authorizationError \"ERR_FIPSTLS_VERIFICATION_DISABLED\"). Removes server authentication entirely: for throwaway tests only.",
};

/** Every option createServer() accepts, with what it means in fipstls. */
export const SUPPORTED_SERVER_OPTIONS: Readonly<Record<string, string>> = {
  cert: "Our certificate chain, leaf first (PEM or DER; an array is one chain). One chain and one key per context: use SNICallback or addContext() for more.",
  key: KEY_DOC,
  passphrase: PASSPHRASE_DOC,
  pfx: PFX_DOC,
  ca: "Trust anchors for client certificates (with requestCert).",
  secureContext:
    "fipstls: a createSecureContext() result as the default context, instead of cert, key, pfx, passphrase, ca and crl (giving both is a ConfigError). node:tls's createServer ignores this option (its handshakes then fail for want of a certificate); node:tls's own SecureContext is refused: its key lives inside OpenSSL.",
  ...COMMON_DOC,
  requestCert:
    "Ask clients for a certificate, verified against ca. With rejectUnauthorized (default true) a client without one is refused.",
  rejectUnauthorized:
    "Only meaningful with requestCert. false: a client without a certificate is accepted with authorized=false and authorizationError \"UNABLE_TO_GET_ISSUER_CERT\" (node:tls's code; authorizationFailure.reason \"NoCertificate\"); a certificate that is sent is still verified and a bad one ends the handshake (node:tls would accept it with authorized=false).",
  SNICallback:
    "(servername, cb) called when a client sends SNI; cb(null, ctx) with ctx from createSecureContext({ cert, key[, ca] }) (or { pfx, passphrase }) or such a plain object (built once per object and reused), or cb(null) for the default; cb(err) refuses the client. node:tls's own SecureContext is refused ('tlsClientError' says why): its key lives inside OpenSSL.",
  noDelay: "Default true: accepted sockets get TCP_NODELAY, so that no handshake flight waits on a delayed ACK.",
  keepAlive: "Passed to net.createServer.",
  keepAliveInitialDelay: "Passed to net.createServer.",
  sessionTimeout: "Seconds a session may be resumed for, by ticket or session id (default 300, as node:tls); 0 turns resumption off.",
  honorCipherOrder:
    "Default true, as node:tls's Server: of the suites both sides enable (all within the policy), the first in our order (tls.cipherSuites, else the policy's); false: the client's most preferred.",
  ticketKeys:
    "48 bytes: a 16-byte key name and a 32-byte AES-256-GCM key sealing session tickets, for servers that must resume each other's sessions. Default: random keys rotated every sessionTimeout. getTicketKeys() and setTicketKeys() as in node:tls; both stop the rotation, so a copy shared with other servers stays valid.",
};

/** OCSP stapling events, as node:tls emits them (the table is documentation; events need no option). */
export const STAPLING_EVENTS: Readonly<Record<string, string>> = {
  "socket 'OCSPResponse' (response)":
    "Client with requestOCSP (or tls.revocation.staple): emitted before 'secureConnect' with the DER response the server stapled as a Buffer, or null when it stapled none, as node:tls.",
  "server 'OCSPRequest' (certificate, issuer, callback)":
    "Emitted for a client that sent status_request, while someone listens and tls.ocspResponse is not set: certificate and issuer (the next certificate of our chain, or null) as DER Buffers; callback(null, der) staples der, callback(null) staples nothing, callback(err) fails the handshake. Call it once.",
};

/** node:tls options fipstls does not support, with the reason and what to use instead. */
export const UNSUPPORTED_OPTIONS: Readonly<Record<string, string>> = {
  secureProtocol: "use minVersion and maxVersion.",
  secureOptions: "OpenSSL option flags do not apply.",
  dhparam: 'no TLS 1.2 DHE suites; TLS 1.3 uses the RFC 7919 groups by name: tls: { groups: ["ffdhe2048", ...] }.',
  minDHSize: "no TLS 1.2 DHE suites; the TLS 1.3 ffdhe groups are named (2048 bits and more), chosen with tls: { groups: [...] }.",
  privateKeyEngine: "OpenSSL engines do not apply; a CryptoProvider holds keys.",
  privateKeyIdentifier: "OpenSSL engines do not apply; a CryptoProvider holds keys.",
  clientCertEngine: "OpenSSL engines do not apply.",
  enableTrace: "no OpenSSL trace; use audit() for what was negotiated.",
  pskCallback: "pre-shared keys are not implemented.",
  pskIdentityHint: "pre-shared keys are not implemented.",
  sessionIdContext: "a server's session-id cache is its own (and a session is resumed only for the server name it was made for); share ticketKeys between servers instead.",
  ALPNCallback: "use ALPNProtocols (the server picks the first of its list the client offers).",
};

/** Refuses any option not in `supported` (ignoring undefined values), naming it and, if known, why. */
export function checkOptions(options: object, supported: Readonly<Record<string, string>>, what: string): void {
  if (options === null || typeof options !== "object") throw new ConfigError(`${what}: options must be an object`);
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || Object.hasOwn(supported, k)) continue;
    const why = UNSUPPORTED_OPTIONS[k];
    throw new ConfigError(why ? `${what}: option "${k}" is not supported: ${why}` : `${what}: unknown option "${k}" (supported: ${Object.keys(supported).join(", ")})`, k);
  }
  const tuning = (options as { tls?: unknown }).tls;
  if (Object.hasOwn(supported, "tls") && tuning !== undefined) checkOptions(tuning as object, TLS_TUNING_OPTIONS, `${what}: tls`);
  // The OpenSSL-style strings are read now, so that a token fipstls cannot map throws here, as an unsupported option does.
  checkOpenSslStyle(options);
}

/** The handshake timeout in ms: the option, checked, or the default every transport shares. */
export function handshakeTimeoutOf(o: CommonSocketOptions): number {
  const ms = o.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) throw new ConfigError("handshakeTimeout must be a number of milliseconds, 0 or more", "handshakeTimeout");
  return ms;
}

/** The UNSUPPORTED options set in `options` (agents see http options mixed in, so only these are refused). */
export function refuseUnsupported(options: object, what: string): void {
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined && v !== null && Object.hasOwn(UNSUPPORTED_OPTIONS, k)) {
      throw new ConfigError(`${what}: option "${k}" is not supported: ${UNSUPPORTED_OPTIONS[k]}`, k);
    }
  }
}

/** The options tables the docs show, then the members and events tables, generated from the lists so they cannot drift. */
export function optionsMarkdown(): string {
  const row = (name: string, text: string): string => `| \`${name}\` | ${text.replace(/\|/g, "\\|")} |`;
  const table = (title: string, entries: Readonly<Record<string, string>>): string =>
    [`**${title}**`, "", "| option | meaning in fipstls |", "| --- | --- |", ...Object.entries(entries).map(([k, v]) => row(k, v))].join("\n");
  return [
    table("connect()", SUPPORTED_CONNECT_OPTIONS),
    table("createServer()", SUPPORTED_SERVER_OPTIONS),
    table("tls: { … } (both)", TLS_TUNING_OPTIONS),
    table("OCSP stapling events", STAPLING_EVENTS).replace("| option |", "| event |"),
    table("not supported (a ConfigError)", UNSUPPORTED_OPTIONS),
    membersMarkdown(),
  ].join("\n\n");
}

/**
 * One default provider per FIPS mode (crypto.setFips may change it) and one WebCrypto provider: what
 * a config computes per provider (the policy selection, in config/common.ts) is then reused by every
 * connect() that names a provider by string or not at all.
 */
const defaultNodeProviders = new Map<number, CryptoProvider>();
let defaultWebcrypto: Promise<CryptoProvider> | undefined;

export async function resolveProvider(p: ProviderOption | undefined): Promise<CryptoProvider> {
  if (p === undefined || p === "node") {
    const mode = getFips();
    let provider = defaultNodeProviders.get(mode);
    if (provider === undefined) defaultNodeProviders.set(mode, (provider = nodeProvider()));
    return provider;
  }
  if (p === "webcrypto") {
    if (defaultWebcrypto === undefined) {
      const made = webcryptoProvider();
      defaultWebcrypto = made;
      // A failure (no WebCrypto here) is reported to this caller and tried afresh by the next.
      made.catch(() => (defaultWebcrypto = undefined));
    }
    return defaultWebcrypto;
  }
  if (typeof p === "object" && typeof p.aead === "function") return p;
  throw new ConfigError(`unknown provider ${String(p)}: use "node", "webcrypto" or a CryptoProvider`, "provider");
}

export function resolvePolicy(p: PolicyName | Policy | undefined): Policy | undefined {
  try {
    return typeof p === "string" ? policyByName(p) : p;
  } catch (e) {
    throw new ConfigError((e as Error).message, "policy");
  }
}

/** node:tls ALPN forms (names, buffers, or one wire-format buffer) as a list of names. */
export function alpnNames(input: AlpnInput): string[] {
  const decode = (b: Uint8Array): string => new TextDecoder().decode(b);
  if (input instanceof Uint8Array) {
    const names: string[] = [];
    for (let at = 0; at < input.length; ) {
      const n = input[at]!;
      if (n === 0 || at + 1 + n > input.length) throw new ConfigError("ALPNProtocols: malformed wire-format buffer", "ALPNProtocols");
      names.push(decode(input.subarray(at + 1, at + 1 + n)));
      at += 1 + n;
    }
    return names;
  }
  if (!Array.isArray(input)) throw new ConfigError("ALPNProtocols must be an array of strings or Buffers, or one Buffer", "ALPNProtocols");
  return input.map((p: unknown) => {
    if (typeof p === "string") return p;
    if (p instanceof Uint8Array) return decode(p);
    throw new ConfigError("ALPNProtocols must be an array of strings or Buffers, or one Buffer", "ALPNProtocols");
  });
}

const asPem = (c: string | Uint8Array): string | Uint8Array => (typeof c === "string" ? c : pemText(c) ?? c);

/** node:tls's crl (PEM or DER, one or many) as the config builder's crls. */
export const crlList = (crl: PemInput): (string | Uint8Array)[] => (Array.isArray(crl) ? crl : [crl as string | Uint8Array]).map(asPem);

/** What client and server configs share, from the node-shaped options. */
export function sharedTlsOptions(o: CommonSocketOptions, provider: CryptoProvider): Partial<ClientOptions & ServerOptions> {
  const policy = resolvePolicy(o.policy);
  return {
    ...o.tls,
    ...openSslStyleTuning(o, provider, policy),
    provider,
    ...(policy ? { policy } : {}),
    requireFipsProvider: o.requireFipsProvider ?? policy?.requireFipsProvider ?? false,
    ...(o.crl !== undefined ? { crls: crlList(o.crl) } : {}),
    ...(o.ALPNProtocols !== undefined ? { alpnProtocols: alpnNames(o.ALPNProtocols) } : {}),
    ...(o.minVersion ? { minVersion: o.minVersion } : {}),
    ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
  };
}

let mozilla: Promise<TrustStore> | undefined;

/** Mozilla's roots, node:tls's default too; loaded on first use (parsing them takes ~100 ms). */
export function defaultRoots(): Promise<TrustStore> {
  mozilla ??= import("../../roots/index.js").then((m) => m.mozillaTrustStore());
  return mozilla;
}
