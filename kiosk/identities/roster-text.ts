export type RosterTextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Text of a CSV file. Excel in China saves "CSV" as GBK and "CSV UTF-8" with a BOM, so: a UTF-16 BOM
 * means UTF-16, bytes that are valid UTF-8 are UTF-8 (GBK text almost never is), anything else is
 * GB18030, the superset of GBK. A UTF-8 BOM is dropped.
 */
export function decodeRosterText(bytes: Uint8Array): { text: string; encoding: RosterTextEncoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  try {
    return { text: utf8Strict.decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/**
 * Characters that change how text around them is shown without showing themselves: every format
 * character (bidi embeddings, overrides, isolates and marks — U+202E shows what follows mirrored —
 * zero-width spaces and joiners, the word joiner, the BOM, soft hyphens, tag characters), control
 * characters other than tab and line breaks, and the Hangul fillers, which show as blank.
 */
const hidden = /[^\P{Cc}\t\n\r]|\p{Cf}|[\u115f\u1160\u3164\uffa0]/gu;

/** Only the direction controls: worth a warning when a file has them. */
const direction = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Text without the characters above; spaces (full-width ones too) trimmed from both ends. */
export function visibleText(text: string): string {
  return text.replace(hidden, '').trim();
}

export function hasDirectionControls(text: string): boolean {
  return direction.test(text);
}
