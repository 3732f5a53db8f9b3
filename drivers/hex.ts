/** `5a5a4504…` for raw bytes in diagnostics and transcripts. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Hex with every printable and non-ASCII byte shown as `**`: the framing of a scan (control bytes
 * such as STX, ETX, CR, LF) without any character of its content, which may be a national ID number.
 */
export function toMaskedHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b !== 0x7f ? '**' : b.toString(16).padStart(2, '0');
  return out;
}
