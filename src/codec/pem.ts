// PEM armour (RFC 7468) without Buffer, so it runs in browsers too.

export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const body = m[2]!.replace(/[\r\n\t ]/g, "");
    // RFC 4648 with the padding rule atob applies: padding only to a multiple of 4, and never one
    // dangling character (which encodes no whole byte).
    const unpadded = body.replace(/={1,2}$/, "");
    const valid = /^[A-Za-z0-9+/]*$/.test(unpadded) && (unpadded === body || body.length % 4 === 0) && unpadded.length % 4 !== 1;
    if (!valid) throw new TypeError(`PEM block "${m[1]}" is not valid base64`);
    blocks.push({ label: m[1]!, der: fromBase64(body) });
  }
  return blocks;
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

// atob/btoa exist in every runtime fipstls targets (browsers, workers, Deno, Bun, Node >= 16).
export function fromBase64(b64: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    // atob's DOMException differs by runtime; callers get one error type for bad input.
    throw new TypeError("not valid base64");
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
