// The peer's Finished (RFC 5246 7.4.9), read and checked the same way by both sides and both handshakes.
import type { CryptoProvider } from "../crypto/provider.js";
import { equalBytes } from "../codec/bytes.js";
import { PeerMisbehaved } from "../errors.js";
import type { HandshakeContext } from "../handshake/context.js";
import type { Transcript } from "../handshake/transcript.js";
import { HandshakeType } from "../msgs/enums.js";
import { decodeFinishedTls12 } from "../msgs/tls12.js";
import { type Tls12PrfHash, verifyData } from "./prf.js";

/** Reads the `peer`'s Finished, checks it against the transcript so far, and adds it to the transcript. */
export async function readFinished(ctx: HandshakeContext, provider: CryptoProvider, hash: Tls12PrfHash, master: Uint8Array, peer: "client" | "server", transcript: Transcript): Promise<void> {
  const finMsg = await ctx.expect(HandshakeType.Finished);
  const expected = await verifyData(provider, hash, master, `${peer} finished`, await transcript.hash());
  if (!equalBytes(decodeFinishedTls12(finMsg.body), expected)) throw new PeerMisbehaved("FinishedDoesNotVerify", "decrypt_error", `${peer} Finished does not verify`);
  transcript.add(finMsg.raw);
}
