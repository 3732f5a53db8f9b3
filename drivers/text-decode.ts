/**
 * Text of scanned codes. QR byte mode carries Chinese as UTF-8 or GBK with no marker, so the reader cannot
 * tell which (docs/protocols.md §2 "Non-ASCII text", [V S16]). A whole frame is tried as strict UTF-8 first and
 * read as GB18030 (a superset of GBK) when that fails ([I]); GBK bytes rarely form valid UTF-8.
 */

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const gb18030 = new TextDecoder('gb18030');

export type ScannedTextEncoding = 'utf-8' | 'gb18030';

export function decodeScannedText(bytes: Uint8Array): { text: string; encoding: ScannedTextEncoding } {
  try {
    return { text: utf8Strict.decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: gb18030.decode(bytes), encoding: 'gb18030' };
  }
}

// Reverse maps built from the platform's own GB18030 decoder, so the encoder agrees with the decoder.
let twoByteCodes: Map<number, number> | undefined;
let fourByteBmpCodes: Map<number, number> | undefined;

function twoByteTable(): Map<number, number> {
  if (twoByteCodes) return twoByteCodes;
  const table = new Map<number, number>();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const cp = gb18030.decode(pair).codePointAt(0);
      if (cp !== undefined && cp !== 0xfffd && !table.has(cp)) table.set(cp, (lead << 8) | trail);
    }
  }
  twoByteCodes = table;
  return table;
}

/** Four-byte codes 81 30 81 30 … 84 31 A4 39 cover the BMP characters GBK has no two-byte code for. */
function fourByteBmpTable(): Map<number, number> {
  if (fourByteBmpCodes) return fourByteBmpCodes;
  const table = new Map<number, number>();
  const quad = new Uint8Array(4);
  for (let linear = 0; linear <= 39419; linear++) {
    writeFourByte(quad, linear);
    const cp = gb18030.decode(quad).codePointAt(0);
    if (cp !== undefined && cp !== 0xfffd && !table.has(cp)) table.set(cp, linear);
  }
  fourByteBmpCodes = table;
  return table;
}

/** b1 in 81–FE, b2 in 30–39, b3 in 81–FE, b4 in 30–39; `linear` counts from 81 30 81 30. */
function writeFourByte(out: Uint8Array, linear: number, firstLead = 0x81): void {
  out[3] = 0x30 + (linear % 10);
  const rest = Math.floor(linear / 10);
  out[2] = 0x81 + (rest % 126);
  const rest2 = Math.floor(rest / 126);
  out[1] = 0x30 + (rest2 % 10);
  out[0] = firstLead + Math.floor(rest2 / 10);
}

/** Encodes text as GB18030 (GBK for the characters GBK covers). Throws on a lone surrogate. */
export function encodeGb18030(text: string): Uint8Array {
  const out: number[] = [];
  const quad = new Uint8Array(4);
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) {
      out.push(cp);
      continue;
    }
    const two = twoByteTable().get(cp);
    if (two !== undefined) {
      out.push(two >> 8, two & 0xff);
      continue;
    }
    if (cp >= 0x10000) {
      // Supplementary planes start at 90 30 81 30 and run linearly.
      writeFourByte(quad, cp - 0x10000, 0x90);
      out.push(...quad);
      continue;
    }
    const linear = fourByteBmpTable().get(cp);
    if (linear === undefined) {
      throw new Error(
        `encodeGb18030: U+${cp.toString(16).toUpperCase().padStart(4, '0')} has no GB18030 code`,
      );
    }
    writeFourByte(quad, linear);
    out.push(...quad);
  }
  return Uint8Array.from(out);
}
