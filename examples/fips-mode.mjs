// What the fips-140-3 policy allows, and the ConfigError you get when asking for more.
// Run: node examples/fips-mode.mjs   (under OpenSSL's FIPS provider, the node provider attests FIPS mode)
import { buildClientConfig, ConfigError } from "fipstls";
import { nodeProvider } from "fipstls/node";

const provider = nodeProvider();
console.log("provider FIPS status:", provider.fips());
const base = { provider, policy: "fips-140-3", serverName: "example.com", dangerouslyDisableCertificateVerification: true };
const config = await buildClientConfig(base);
console.log("suites:", config.cipherSuites.map((s) => s.name).join(", "));
console.log("groups:", config.groups.join(", "));
try {
  await buildClientConfig({ ...base, cipherSuites: ["TLS_CHACHA20_POLY1305_SHA256"] });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.log("refused:", err.message);
}
try {
  await buildClientConfig({ ...base, requireFipsProvider: true });
  console.log("requireFipsProvider: the provider attests FIPS mode");
} catch (err) {
  console.log("requireFipsProvider:", err.message);
}
