// A client's sessions by destination, for the agents (https.Agent, the undici dispatcher) as node's
// own keep them: the latest session each connection receives replaces the one before, the least
// recently used goes first past maxCachedSessions, and a connection that fails forgets its entry.
import type { TLSSocket } from "./socket.js";

/** node's https.Agent and undici keep 100 sessions by default. */
export const DEFAULT_MAX_CACHED_SESSIONS = 100;

export class ClientSessionCache {
  private readonly sessions = new Map<string, Uint8Array>();

  constructor(readonly capacity: number = DEFAULT_MAX_CACHED_SESSIONS) {}

  /** The session for `key`, marked as most recently used. */
  get(key: string): Uint8Array | undefined {
    const session = this.sessions.get(key);
    if (session === undefined) return undefined;
    this.sessions.delete(key);
    this.sessions.set(key, session);
    return session;
  }

  set(key: string, session: Uint8Array): void {
    if (this.capacity <= 0) return;
    this.sessions.delete(key);
    this.sessions.set(key, session);
    while (this.sessions.size > this.capacity) this.sessions.delete(this.sessions.keys().next().value!);
  }

  delete(key: string): void {
    this.sessions.delete(key);
  }

  /** Keeps the sessions `socket` receives under `key`, and forgets the entry if the connection fails. */
  track(socket: TLSSocket, key: string): void {
    socket.on("session", (session: Buffer) => this.set(key, session));
    socket.once("close", (hadError: boolean) => {
      if (hadError) this.delete(key);
    });
  }
}
