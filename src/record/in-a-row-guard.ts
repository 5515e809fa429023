// Counts records that carry nothing for the application, in a row, so that a peer cannot keep a
// connection busy with them for free (RFC 8446 leaves these floods to implementations).
import { PeerMisbehaved } from "../errors.js";

/**
 * Records in a row that carry nothing for the application before we call it abuse: warning alerts,
 * KeyUpdates beyond those our own output explains, NewSessionTickets, and empty application-data
 * records (OpenSSL's MAX_EMPTY_RECORDS is also 32). Application data with content resets the counts.
 */
export const MAX_IN_A_ROW = 32;

export type InARowReason = "TooManyWarningAlerts" | "TooManyEmptyRecords" | "TooManySessionTickets" | "TooManyKeyUpdates" | "TooManyRenegotiationRequests";

export class InARowGuard {
  private inARow = 0;
  /**
   * KeyUpdates our own output explains. A peer may ask for one per record it receives from us (JSSE
   * does once its key limit has passed, until our answer reaches it), so each application-data record
   * we send, and each request of ours, earns the peer one KeyUpdate that does not count; a flood can
   * then never outgrow our own output.
   */
  private keyUpdateCredit = 0;

  /** One record with content for the application ends the run. */
  applicationData(): void {
    this.inARow = 0;
  }

  /** We sent an application-data record, or a KeyUpdate asking the peer for one: either may draw a KeyUpdate back. */
  creditKeyUpdate(records = 1): void {
    this.keyUpdateCredit += records;
  }

  keyUpdate(): void {
    if (this.keyUpdateCredit > 0) this.keyUpdateCredit--;
    else this.count("TooManyKeyUpdates");
  }

  /** Throws once more than MAX_IN_A_ROW such records came without application data between them. */
  count(reason: InARowReason): void {
    if (++this.inARow > MAX_IN_A_ROW) {
      throw new PeerMisbehaved(reason, "unexpected_message", `more than ${MAX_IN_A_ROW} in a row without application data`);
    }
  }
}
