// What fipstls's TLSSocket and Server offer of node:tls's members and events, and how each differs,
// kept as data beside the options table so that docs/node-options.md is generated from it and a test
// checks every row against the classes (and against node:tls's own list of members).

/** "as node:tls", "differs" (works, with the difference said), "throws" (with the reason), "fipstls" (ours only), "absent". */
export type MemberStatus = "as node:tls" | "differs" | "throws" | "fipstls" | "absent";

export interface MemberRow {
  readonly status: MemberStatus;
  readonly text: string;
}

const row = (status: MemberStatus, text: string): MemberRow => ({ status, text });

/** TLSSocket properties and methods, node:tls's and net.Socket's. */
export const TLSSOCKET_MEMBERS: Readonly<Record<string, MemberRow>> = {
  "new TLSSocket()": row("throws", "ConfigError: use connect({ socket }) (client) or server.emit('connection', stream) (server) to run TLS over an existing stream."),
  authorized: row("as node:tls", "true once the peer's chain is verified (and, on a client, checkServerIdentity passed)."),
  authorizationError: row("as node:tls", "node:tls's code for the failure (\"UNABLE_TO_VERIFY_LEAF_SIGNATURE\", \"CERT_HAS_EXPIRED\", …), or null."),
  authorizationFailure: row("fipstls", "The error behind authorizationError; its reason names the exact check (\"UnknownIssuer\", \"NotValidForName\", …)."),
  encrypted: row("as node:tls", "Always true."),
  alpnProtocol: row("as node:tls", "The negotiated protocol, or false."),
  servername: row("as node:tls", "The SNI name the client sent (on both sides); false when none was sent (a client connecting to an IP address)."),
  getProtocol: row("as node:tls", "\"TLSv1.2\" or \"TLSv1.3\"; null before the handshake."),
  getCipher: row("as node:tls", "{ name (OpenSSL's), standardName (IANA), version }."),
  getEphemeralKeyInfo: row("as node:tls", "Client: { type, name, size } as node:tls names the group (\"prime256v1\", \"X25519\" 253); { type: \"TLSGroup\", name } for the hybrid ML-KEM groups; server: {}."),
  getPeerCertificate: row("as node:tls", "node:tls's object (subject, issuer, subjectaltname, fingerprints, raw, …); detailed=true adds issuerCertificate up the verified path."),
  getCertificate: row("as node:tls", "Our leaf, described as getPeerCertificate() describes the peer's."),
  getPeerX509Certificate: row("as node:tls", "The peer's leaf as a crypto.X509Certificate."),
  getX509Certificate: row("as node:tls", "Our leaf as a crypto.X509Certificate."),
  getSharedSigalgs: row(
    "differs",
    "OpenSSL's names (\"ECDSA+SHA256\", \"RSA-PSS+SHA256\", \"RSA+SHA256\", \"Ed25519+UNDEF\") in OpenSSL's order, as node:tls; a client has a list only when asked for a certificate. Under TLS 1.3 only schemes usable for the handshake signature are listed (node:tls also lists RSA+SHA256 and the like).",
  ),
  getSession: row("differs", "A Buffer to pass back as connect({ session }); fipstls's own encoding, not an OpenSSL session (a node:tls session cannot be given to fipstls, nor the reverse)."),
  getTLSTicket: row("as node:tls", "The ticket the server issued, if any."),
  isSessionReused: row("as node:tls", "Whether the handshake resumed a session."),
  getFinished: row("as node:tls", "Our Finished verify_data (tls-unique material)."),
  getPeerFinished: row("as node:tls", "The peer's Finished verify_data."),
  exportKeyingMaterial: row("differs", "(length, label, context) as node:tls, but returns a Promise<Buffer> (the provider computes asynchronously); node:tls returns the Buffer."),
  setMaxSendFragment: row("as node:tls", "512 to 16384; false outside that range."),
  disableRenegotiation: row("as node:tls", "Nothing to disable: fipstls never renegotiates."),
  renegotiate: row("differs", "Returns false; the callback gets an error: fipstls does not renegotiate (node:tls under TLS 1.3 does the same)."),
  setServername: row("throws", "UsageError: the handshake starts in connect(); give connect({ servername })."),
  setSession: row("throws", "UsageError: the handshake starts in connect(); give connect({ session })."),
  setKeyCert: row("throws", "UsageError: a server picks its certificate per connection: SNICallback, addContext(), setSecureContext()."),
  enableTrace: row("throws", "UsageError: no OpenSSL to trace; audit() and 'keylog' instead."),
  updateKeys: row("fipstls", "Sends a TLS 1.3 KeyUpdate (asking the peer to update too unless false is passed); resolves when sent."),
  audit: row("fipstls", "The compliance report for this connection: what was negotiated, under which policy, judged item by item."),
  tlsInfo: row("fipstls", "Everything the handshake negotiated (version, suite, group, schemes, certificates), or null."),
  "setTimeout, setNoDelay, setKeepAlive, ref, unref, address": row("as node:tls", "Passed to the underlying socket (setTimeout's idle timer is the TLS socket's own)."),
  "remoteAddress, remotePort, remoteFamily, localAddress, localPort": row("as node:tls", "The underlying socket's, kept after it closes."),
  connecting: row("as node:tls", "True while the TCP connection is being made."),
  "bytesRead, bytesWritten, bufferSize, pending, readyState, localFamily, connect(), destroySoon(), resetAndDestroy()": row(
    "absent",
    "Not on fipstls's TLSSocket (a stream.Duplex over the socket, not a net.Socket); read them from the socket you passed, or use end() and destroy().",
  ),
};

/** Events a TLSSocket emits. */
export const TLSSOCKET_EVENTS: Readonly<Record<string, MemberRow>> = {
  secureConnect: row("as node:tls", "Client: the handshake and the checks of the server's certificate are done (with rejectUnauthorized: false, a failure is recorded in authorized/authorizationError, not fatal). As with node:tls, what a handler writes at once leaves in the same TCP write as the client's Finished."),
  secure: row(
    "as node:tls",
    "Server-side sockets: the handshake is done (the server's 'secureConnection' follows). A TLS 1.3 server's session tickets wait to the end of that event-loop turn, so that an answer written in it leaves in the same TCP write, as node:tls's server sends them.",
  ),
  session: row("differs", "Client: (session Buffer) after 'secureConnect', once per TLS 1.3 ticket or per TLS 1.2 session; fipstls's encoding (see getSession)."),
  keylog: row("as node:tls", "Client: (line Buffer, NSS key log format, ending in a newline), only while someone listens."),
  connect: row("as node:tls", "Client: the TCP connection is up (before the handshake)."),
  "data, end, close, error, timeout": row(
    "as node:tls",
    "As net.Socket: 'close' carries hadError; errors are fipstls's typed errors, with node:tls's codes where node:tls has one (docs/errors.md). A write()'s callback runs once its data was taken and the socket drained, never in the turn the write was made, so a writer looping on write() and 'drain' leaves the other sockets of the process their turn. (node:tls's callbacks come within the turn while the kernel takes the bytes: on loopback it completed 3.8 MB of writes before the next turn, measured.)",
  ),
  audit: row("fipstls", "(report) after the handshake, only while someone listens: one compliance record per connection."),
};

/** Server properties and methods. */
export const SERVER_MEMBERS: Readonly<Record<string, MemberRow>> = {
  "listen, address, close, getConnections, ref, unref, listening": row("as node:tls", "Passed to the net.Server inside; listen() waits for the certificate and key to load (a bad one is 'error')."),
  server: row("fipstls", "The net.Server inside: fipstls's Server is an EventEmitter around one, not a net.Server subclass (instanceof net.Server is false)."),
  addContext: row("as node:tls", "(hostname, context): a createSecureContext() result or its options, for names matching hostname (\"*\" within one label)."),
  setSecureContext: row("as node:tls", "(options) replaces the default certificate for new connections; fipstls also takes a createSecureContext() result."),
  getTicketKeys: row("as node:tls", "The 48 bytes sealing tickets now; stops rotation, so a copy given to other servers stays valid."),
  setTicketKeys: row("as node:tls", "Replaces the ticket keys (48 bytes); stops rotation."),
  setOptions: row("throws", "UsageError: deprecated in node:tls; options are read at createServer(), certificates replaced with setSecureContext()."),
  ready: row("fipstls", "Resolves once the certificate and key are loaded; rejects with the ConfigError otherwise."),
};

/** Events a Server emits. */
export const SERVER_EVENTS: Readonly<Record<string, MemberRow>> = {
  secureConnection: row("as node:tls", "(socket) a client completed the handshake (and, with requestCert, its certificate checks)."),
  tlsClientError: row("as node:tls", "(err, socket) a handshake failed; err is the typed error (a policy refusal says which rule), with node:tls's code where it has one."),
  keylog: row("as node:tls", "(line, socket) key log lines, only while someone listens."),
  connection: row("as node:tls", "(socket) a TCP connection arrived; emitting it yourself with any stream runs TLS over it (server-side STARTTLS)."),
  "listening, close, error": row("as node:tls", "As net.Server; 'error' also reports a certificate or key that fails to load when listen() is called."),
  "newSession, resumeSession": row("absent", "Not emitted: the TLS 1.2 session-id cache is internal (tls.sessionCacheSize, sessionTimeout); servers share sessions through ticketKeys."),
  audit: row("fipstls", "(report, socket) after each handshake, only while someone listens."),
};

/** The members and events tables as markdown, for docs/node-options.md. */
export function membersMarkdown(): string {
  const cell = (text: string): string => text.replace(/\|/g, "\\|");
  const table = (title: string, first: string, entries: Readonly<Record<string, MemberRow>>): string =>
    [`**${title}**`, "", `| ${first} | status | in fipstls |`, "| --- | --- | --- |", ...Object.entries(entries).map(([k, v]) => `| \`${cell(k)}\` | ${v.status} | ${cell(v.text)} |`)].join("\n");
  return [
    table("TLSSocket members", "member", TLSSOCKET_MEMBERS),
    table("TLSSocket events", "event", TLSSOCKET_EVENTS),
    table("Server members", "member", SERVER_MEMBERS),
    table("Server events", "event", SERVER_EVENTS),
  ].join("\n\n");
}
