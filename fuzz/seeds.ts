// Reading the committed seed corpus and the fixed PKI.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import { CORPUS_DIR } from "./paths.js";

export interface SeedFile {
  readonly name: string;
  readonly ext: string;
  readonly data: Uint8Array;
}

/** Every file in fuzz/corpus/<dir>/, sorted by name (so runs are reproducible). */
export function seedFiles(dir: string): SeedFile[] {
  const full = `${CORPUS_DIR}/${dir}`;
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .filter((n) => !n.startsWith(".") && !n.endsWith(".md"))
    .sort()
    .map((name) => ({ name, ext: name.slice(name.lastIndexOf(".") + 1), data: new Uint8Array(readFileSync(`${full}/${name}`)) }));
}

export function pkiText(name: string): string {
  return readFileSync(`${CORPUS_DIR}/pki/${name}`, "utf8");
}

/** The fuzzer's own PEM reading (independent of src/codec/pem.ts, which is a target). */
export function pemBlocks(text: string): { label: string; der: Uint8Array }[] {
  const out: { label: string; der: Uint8Array }[] = [];
  for (const m of text.matchAll(/-----BEGIN ([^-]+)-----([^-]*)-----END \1-----/g)) {
    out.push({ label: m[1]!, der: new Uint8Array(Buffer.from(m[2]!.replace(/\s+/g, ""), "base64")) });
  }
  return out;
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  return `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join("\n")}\n-----END ${label}-----\n`;
}

/** Every certificate (DER) in the PKI folder: donors for DER splicing. */
export function pkiCertificates(): Uint8Array[] {
  return seedFiles("pki")
    .filter((f) => f.ext === "pem" && !f.name.includes(".key."))
    .flatMap((f) => pemBlocks(Buffer.from(f.data).toString("utf8")).map((b) => b.der));
}

/** The fixed clock every target judges validity at (the PKI is valid 2026-2046). */
export const NOW = new Date("2026-06-01T00:00:00Z");
