// The Finished messages (RFC 5246 7.4.9): verify_data started ahead, and the peer's read and checked the
// same way by both sides and both handshakes.
import type { CryptoProvider } from "../crypto/provider.js";
import { equalBytes } from "../codec/bytes.js";
import { PeerMisbehaved } from "../errors.js";
import type { HandshakeContext } from "../handshake/context.js";
import type { Transcript } from "../handshake/transcript.js";
import { HandshakeType } from "../msgs/enums.js";
import { decodeFinishedTls12 } from "../msgs/tls12.js";
import { type FinishedLabel, type Tls12PrfHash, verifyData } from "./prf.js";

/**
 * Reads the `peer`'s Finished, checks it against `expected` (its verify_data over the transcript so far,
 * which callers start computing before the message comes), and adds it to the transcript.
 */
export async function readFinished(ctx: HandshakeContext, peer: "client" | "server", transcript: Transcript, expected: Promise<Uint8Array>): Promise<void> {
  expected.catch(() => undefined); // awaited below, unless reading the message fails first
  const finMsg = await ctx.expect(HandshakeType.Finished);
  if (!equalBytes(decodeFinishedTls12(finMsg.body), await expected)) throw new PeerMisbehaved("FinishedDoesNotVerify", "decrypt_error", `${peer} Finished does not verify`);
  transcript.add(finMsg.raw);
}

/**
 * verify_data with `label` over the transcript whose hash `transcriptHash` will give: started now, awaited
 * when needed (a caller that fails first leaves no unhandled rejection).
 */
export function finishedOver(provider: CryptoProvider, hash: Tls12PrfHash, master: Uint8Array, label: FinishedLabel, transcriptHash: Promise<Uint8Array>): Promise<Uint8Array> {
  const data = transcriptHash.then((h) => verifyData(provider, hash, master, label, h));
  data.catch(() => undefined);
  return data;
}
