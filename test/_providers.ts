// The providers every provider-independent test runs against.
import type { CryptoProvider } from "../src/crypto/provider.js";
import { nodeProvider } from "../providers/node/index.js";
import { webcryptoProvider } from "../providers/webcrypto/index.js";

export const PROVIDERS: ReadonlyArray<readonly [string, CryptoProvider]> = [
  ["node", nodeProvider()],
  ["webcrypto", await webcryptoProvider()],
];
