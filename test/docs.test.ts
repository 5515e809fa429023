// Documentation that is generated from code stays in step with it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { optionsMarkdown } from "../src/node.js";
import { AlertDescription, type AlertName } from "../src/alerts.js";
import { CERTIFICATE_ALERT, type CertificateErrorReason } from "../src/errors.js";
import { PEER_INCOMPATIBLE_REASONS, PEER_MISBEHAVED_REASONS } from "../src/error-reasons.js";
import { PEER_MISBEHAVED_CODE, certificateErrorCode, receivedAlertCode } from "../src/error-codes.js";

const t = suite("docs");
t("docs/node-options.md is optionsMarkdown()", () => {
  const path = fileURLToPath(new URL("../../docs/node-options.md", import.meta.url));
  const text = readFileSync(path, "utf8");
  const start = text.indexOf("**connect()**");
  // UPDATE_DOCS=1 rewrites the generated part; review the diff before committing.
  if (process.env.UPDATE_DOCS === "1") writeFileSync(path, `${text.slice(0, start)}${optionsMarkdown()}\n`);
  assert.fixture(readFileSync(path, "utf8").slice(start), `${optionsMarkdown()}\n`);
});
/** The generated part of docs/errors.md: every reason and code, from the tables the code uses. */
function errorsMarkdown(): string {
  const lines: string[] = [];
  lines.push("## Certificate checks (`InvalidCertificate`)", "", "| reason | `code` (node:tls's where it has one) | alert we send |", "|---|---|---|");
  for (const [reason, alert] of Object.entries(CERTIFICATE_ALERT) as [CertificateErrorReason, AlertName][]) {
    const code =
      reason === "UnknownIssuer"
        ? "`DEPTH_ZERO_SELF_SIGNED_CERT` (self-signed leaf), `SELF_SIGNED_CERT_IN_CHAIN`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE` (a lone leaf), `UNABLE_TO_GET_ISSUER_CERT_LOCALLY`"
        : reason === "WeakKey"
          ? "`EE_KEY_TOO_SMALL` (leaf), `CA_KEY_TOO_SMALL`"
          : `\`${certificateErrorCode(reason, {})}\``;
    lines.push(`| \`${reason}\` | ${code} | \`${alert}\` |`);
  }
  lines.push("", "## Alerts received (`AlertReceived`)", "", "| alert | `code` |", "|---|---|");
  for (const [name, value] of Object.entries(AlertDescription)) if (value !== 0) lines.push(`| \`${name}\` (${value}) | \`${receivedAlertCode(value)}\` |`);
  lines.push("", "## Protocol rules broken (`PeerMisbehaved`, code `ERR_FIPSTLS_PEER_MISBEHAVED` unless named here)", "", PEER_MISBEHAVED_REASONS.map((r) => `\`${r}\``).join(", "));
  lines.push("", "| reason | `code` (node:tls's) |", "|---|---|", ...Object.entries(PEER_MISBEHAVED_CODE).map(([r, c]) => `| \`${r}\` | \`${c}\` |`));
  lines.push("", "## Nothing in common (`PeerIncompatible`, code `ERR_FIPSTLS_PEER_INCOMPATIBLE`)", "", PEER_INCOMPATIBLE_REASONS.map((r) => `\`${r}\``).join(", "));
  return lines.join("\n");
}

t("docs/errors.md lists every reason and code", () => {
  const path = fileURLToPath(new URL("../../docs/errors.md", import.meta.url));
  const text = readFileSync(path, "utf8");
  const start = text.indexOf("## Certificate checks");
  if (process.env.UPDATE_DOCS === "1") writeFileSync(path, `${text.slice(0, start)}${errorsMarkdown()}\n`);
  assert.fixture(readFileSync(path, "utf8").slice(start), `${errorsMarkdown()}\n`);
});

t.run();
