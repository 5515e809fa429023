// fipstls/roots: Mozilla's root store as compiled-in data, outside the core bundle (it is large and
// not every program wants it). Pass `mozillaTrustStore()` as `roots` to trust the Web PKI.
import { fromBase64 } from "../codec/pem.js";
import { TrustStore, createTrustStore } from "../verify/trust.js";
import { MOZILLA_ROOTS_BASE64 } from "./mozilla.js";

export { MOZILLA_ROOTS_BASE64 };

/** The Mozilla roots as DER, a fresh array each call. */
export function mozillaRoots(): Uint8Array[] {
  return MOZILLA_ROOTS_BASE64.map(fromBase64);
}

let store: TrustStore | undefined;

/** The Mozilla roots parsed once into a TrustStore (shared; it is immutable). */
export function mozillaTrustStore(): TrustStore {
  store ??= createTrustStore(mozillaRoots());
  return store;
}
