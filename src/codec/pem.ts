// PEM armour (RFC 7468) without Buffer, so it runs in browsers too.
import { Convert } from "pvtsutils";

export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const body = m[2]!.replace(/[\r\n\t ]/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new TypeError(`PEM block "${m[1]}" is not valid base64`);
    blocks.push({ label: m[1]!, der: new Uint8Array(Convert.FromBase64(body)) });
  }
  return blocks;
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Convert.ToBase64(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
