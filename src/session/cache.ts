// A server's session-id cache (RFC 5246 7.3) for clients that do not take tickets: bounded, oldest
// out first, entries dropped once their lifetime has passed. It lives in memory and in one process;
// a fleet of servers shares tickets (the same ticketKeys), not this cache.
import { toHex } from "../codec/bytes.js";
import { type SessionState, sessionCurrent } from "./session.js";

export class SessionCache {
  /** Insertion order is age order: a Map iterates oldest first. */
  private readonly entries = new Map<string, SessionState>();

  constructor(
    readonly capacity: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  set(id: Uint8Array, state: SessionState): void {
    if (this.capacity <= 0 || id.length === 0) return;
    const key = toHex(id);
    this.entries.delete(key);
    this.entries.set(key, state);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get(id: Uint8Array): SessionState | undefined {
    if (id.length === 0) return undefined;
    const key = toHex(id);
    const state = this.entries.get(key);
    if (state !== undefined && !sessionCurrent(state, this.now())) {
      this.entries.delete(key);
      return undefined;
    }
    return state;
  }

  delete(id: Uint8Array): void {
    this.entries.delete(toHex(id));
  }
}
