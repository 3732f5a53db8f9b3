/** At most this many stars: a longer scan shows its length as a number after them. */
const MAX_STARS = 32;

/**
 * What diagnostics show of a scanned code or card number: one `*` for each character and no
 * character itself. A scan may be a national ID number, and any character of it, beside the lane's
 * next temperature, would tie a person to a reading.
 */
export function maskScanText(text: string): string {
  const length = Array.from(text).length;
  return length <= MAX_STARS ? '*'.repeat(length) : `${'*'.repeat(MAX_STARS)}…(${length})`;
}
