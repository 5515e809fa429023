// TLS 1.3 after the handshake (RFC 8446 section 4.6, 7.2, 7.5): KeyUpdate both ways, NewSessionTicket
// on clients (each one a session handed to the application), and the exporter.
import type { CryptoProvider } from "../crypto/provider.js";
import type { HandshakeContext, Traffic, TrafficHost } from "../handshake/context.js";
import { PeerMisbehaved } from "../errors.js";
import { ContentType, HandshakeType, handshakeTypeName } from "../msgs/enums.js";
import { type HandshakeMessage, decodeKeyUpdate, decodeNewSessionTicket, encodeKeyUpdate } from "../msgs/handshake.js";
import type { RecordProtection } from "../record/protection.js";
import { Tls13AeadProtection } from "../record/tls13-aead.js";
import type { ApplicationSecrets, KeySchedule } from "./key-schedule.js";
import { type SessionTemplate, sessionFromTicket } from "./client-psk.js";

/**
 * The record protection for one traffic secret. Handshakes start one before they install it, so that
 * it is computed while they wait for something else; a failure surfaces where it is installed.
 */
export function protectionFor(provider: CryptoProvider, schedule: KeySchedule, secret: Uint8Array): Promise<RecordProtection> {
  const protection = schedule.trafficKeys(secret).then((keys) => Tls13AeadProtection.create(provider, schedule.suite.aead, keys));
  protection.catch(() => undefined);
  return protection;
}

export interface Tls13Secrets {
  readonly read: Uint8Array;
  readonly write: Uint8Array;
  readonly exporterMaster: Uint8Array;
}

export function logApplicationSecrets(ctx: Pick<HandshakeContext, "logKey">, clientRandom: Uint8Array, app: ApplicationSecrets): void {
  ctx.logKey("CLIENT_TRAFFIC_SECRET_0", clientRandom, app.clientApplicationTrafficSecret);
  ctx.logKey("SERVER_TRAFFIC_SECRET_0", clientRandom, app.serverApplicationTrafficSecret);
  ctx.logKey("EXPORTER_SECRET", clientRandom, app.exporterMasterSecret);
}

/** A client's means to turn NewSessionTickets into sessions. */
export interface TicketReceiver {
  readonly resumptionMasterSecret: Promise<Uint8Array>;
  readonly template: SessionTemplate;
  readonly now: () => number;
}

export class Tls13Traffic implements Traffic {
  private readSecret: Uint8Array;
  /** A promise, so that several updates in a row each start from the one before. */
  private writeSecret: Promise<Uint8Array>;
  /** Our KeyUpdate answering the peer's update_requested is queued but not yet transmitted. */
  private replyQueued = false;
  /** Sessions from tickets are made off the read path, and handed over in the order the tickets came. */
  private sessionsMade: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: TrafficHost,
    private readonly side: "client" | "server",
    private readonly provider: CryptoProvider,
    private readonly schedule: KeySchedule,
    private readonly secrets: Tls13Secrets,
    private readonly tickets: TicketReceiver | null = null,
  ) {
    this.readSecret = secrets.read;
    this.writeSecret = Promise.resolve(secrets.write);
  }

  async onMessage(msg: HandshakeMessage): Promise<void> {
    if (msg.type === HandshakeType.KeyUpdate) return this.onKeyUpdate(decodeKeyUpdate(msg.body));
    if (msg.type === HandshakeType.NewSessionTicket && this.side === "client") {
      this.host.inARow.count("TooManySessionTickets");
      const nst = decodeNewSessionTicket(msg.body);
      if (this.tickets === null) return;
      const { resumptionMasterSecret, template, now } = this.tickets;
      // The records after a ticket (often the first answer, in the same read) need not wait for its PSK.
      const receivedAt = now();
      const made = resumptionMasterSecret.then((rms) => sessionFromTicket(this.schedule, rms, template, nst, receivedAt));
      made.catch(() => undefined); // observed through sessionsMade, once the sessions before it are out
      this.sessionsMade = this.sessionsMade
        .then(() => made)
        .then((session) => {
          if (session !== null) this.host.keepSession(session);
        });
      this.sessionsMade.catch((e: unknown) => this.host.fail(e instanceof Error ? e : new Error(String(e))));
      return;
    }
    throw new PeerMisbehaved("UnexpectedPostHandshakeMessage", "unexpected_message", handshakeTypeName(msg.type));
  }

  private async onKeyUpdate(requested: boolean): Promise<void> {
    // RFC 8446 4.6.3: requests that arrive while our answer is still queued are answered by it.
    const answeredAlready = requested && this.replyQueued;
    if (!answeredAlready) this.host.inARow.keyUpdate();
    // RFC 8446 4.6.3: the answer MUST precede our next application data record, so it is queued (and
    // our write key replaced) now, before the waits below, during which the application may write.
    if (requested && !answeredAlready && !this.host.writeClosed) {
      this.replyQueued = true;
      void this.updateWriteKey(false).then(() => (this.replyQueued = false));
    }
    this.readSecret = await this.schedule.nextTrafficSecret(this.readSecret);
    await this.host.installReadProtection(protectionFor(this.provider, this.schedule, this.readSecret), "KeyUpdate");
  }

  updateWriteKey(requestPeer: boolean): Promise<void> {
    const sent = this.host.sendRecord(ContentType.Handshake, encodeKeyUpdate(requestPeer));
    // Our request earns the peer's answer: it must not count against the peer.
    if (requestPeer) this.host.inARow.creditKeyUpdate();
    this.writeSecret = this.writeSecret.then((s) => this.schedule.nextTrafficSecret(s));
    this.host.installWriteProtection(this.writeSecret.then((s) => protectionFor(this.provider, this.schedule, s)));
    return sent;
  }

  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    return this.schedule.exportKeyingMaterial(this.secrets.exporterMaster, label, context, length);
  }
}
