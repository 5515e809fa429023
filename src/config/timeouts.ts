// The one default for how long a TLS handshake may take, shared by every transport (Node sockets and
// servers, Web Streams, WebSocket) and the CLI. Only a number: the transports own the clocks.

/**
 * Milliseconds a transport lets a handshake take (peer checks included) before it gives up with
 * HandshakeTimeout: ample for a slow network, short enough that silent peers cannot hold sockets long.
 * node:tls's default is 120 000; ours is shorter because every transport shares it, servers included.
 */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
