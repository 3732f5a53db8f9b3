/** `5a5a4504…` for raw bytes in diagnostics and transcripts. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Hex with letters, digits and non-ASCII bytes shown as `**`: the framing of a scan (start bytes,
 * terminators, lengths) without its content, which may be a national ID number.
 */
export function toMaskedHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const text =
      (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b >= 0x80;
    out += text ? '**' : b.toString(16).padStart(2, '0');
  }
  return out;
}
