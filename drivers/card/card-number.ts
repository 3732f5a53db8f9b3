/**
 * Printed card numbers of 125 kHz EM4100 tags, and the debounce card readers share.
 * Source: docs/protocols.md §3 "Desktop ID card readers" [V S19, every row recomputed].
 *
 * A tag is 5 bytes: 1 version (customer) byte + a 32-bit id. For tag 01 02 6F 6C 3A:
 *   10H     all 5 bytes as 10 hex digits, lower case          01026f6c3a
 *   8H10D   the 32-bit id in decimal, 10 digits               0x026F6C3A = 0040856634
 *   6H8D    the id's low 24 bits in decimal, 8 digits         0x6F6C3A   = 07302202
 *   2H+4H   id bits 16–23 (3 digits) "," low 16 bits (5)      0x6F, 0x6C3A   = 111,27706
 *   4H+4H   id's high 16 bits (5 digits) "," low 16 bits (5)  0x026F, 0x6C3A = 00623,27706
 * EM-18 `4500C5D1E9B8` (version 45, id 0x00C5D1E9) prints as 0012964329 in 8H10D. 2H+4H is the Wiegand-26
 * facility,card pair. Formats that drop bytes cannot give them back: `cardFromNumber` fills them with zero
 * and the version it is given.
 */

import type { CardFormat } from '../types.ts';

export interface CardTag {
  /** The version (customer) byte, 0–255. */
  version: number;
  /** The 32-bit tag id, 0–0xFFFFFFFF. */
  id: number;
}

export const DEFAULT_CARD_FORMAT: CardFormat = '8H10D';
export const DEFAULT_CARD_DEBOUNCE_MS = 1000;
/** What simulators put in the version byte when the printed number does not carry it. */
export const DEFAULT_CARD_VERSION = 0x01;

const decimal = (value: number, digits: number): string => String(value).padStart(digits, '0');

export function formatCardNumber(tag: CardTag, format: CardFormat): string {
  const id = tag.id >>> 0;
  switch (format) {
    case '10H':
      return (tag.version & 0xff).toString(16).padStart(2, '0') + id.toString(16).padStart(8, '0');
    case '8H10D':
      return decimal(id, 10);
    case '6H8D':
      return decimal(id & 0xffffff, 8);
    case '2H+4H':
      return `${decimal((id >>> 16) & 0xff, 3)},${decimal(id & 0xffff, 5)}`;
    case '4H+4H':
      return `${decimal(id >>> 16, 5)},${decimal(id & 0xffff, 5)}`;
  }
}

const PATTERNS: Record<CardFormat, RegExp> = {
  '10H': /^([0-9a-fA-F]{2})([0-9a-fA-F]{8})$/,
  '8H10D': /^(\d{10})$/,
  '6H8D': /^(\d{8})$/,
  '2H+4H': /^(\d{3}),(\d{5})$/,
  '4H+4H': /^(\d{5}),(\d{5})$/,
};

/**
 * The tag a simulated reader presents for a printed number, or undefined when `text` is not a number in
 * that format (or out of its range). `formatCardNumber(cardFromNumber(t, f), f) === t` for every valid `t`
 * (10H accepts upper-case digits and gives them back lower-case).
 */
export function cardFromNumber(
  text: string,
  format: CardFormat,
  version = DEFAULT_CARD_VERSION,
): CardTag | undefined {
  const match = PATTERNS[format].exec(text);
  if (!match) return undefined;
  const first = Number.parseInt(match[1] ?? '', format === '10H' ? 16 : 10);
  const second = Number.parseInt(match[2] ?? '0', format === '10H' ? 16 : 10);
  switch (format) {
    case '10H':
      return { version: first, id: second };
    case '8H10D':
      return first <= 0xffffffff ? { version, id: first } : undefined;
    case '6H8D':
      return first <= 0xffffff ? { version, id: first } : undefined;
    case '2H+4H':
      return first <= 0xff && second <= 0xffff ? { version, id: ((first << 16) | second) >>> 0 } : undefined;
    case '4H+4H':
      return first <= 0xffff && second <= 0xffff
        ? { version, id: ((first << 16) | second) >>> 0 }
        : undefined;
  }
}

/** The 5 tag bytes: version, then the id big-endian. */
export function tagBytes(tag: CardTag): Uint8Array {
  const id = tag.id >>> 0;
  return Uint8Array.of(tag.version & 0xff, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
}

export function tagFromBytes(bytes: ArrayLike<number>): CardTag {
  const at = (index: number): number => bytes[index] ?? 0;
  return { version: at(0), id: ((at(1) << 24) | (at(2) << 16) | (at(3) << 8) | at(4)) >>> 0 };
}

/** XOR of the 5 tag bytes: the check byte RDM6300 and EM-18 send after the tag. */
export function tagChecksum(bytes: ArrayLike<number>): number {
  let xor = 0;
  for (let index = 0; index < 5; index++) xor ^= bytes[index] ?? 0;
  return xor;
}

/** Upper-case ASCII hex of `bytes`, as the readers send it. */
export function asciiHex(bytes: ArrayLike<number>): Uint8Array {
  const text = Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join('');
  return new TextEncoder().encode(text);
}

/** Value of one ASCII hex digit (either case), or -1. */
export function hexDigitValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

/** Bytes from pairs of ASCII hex digits; the caller has checked every digit. */
export function bytesFromAsciiHex(digits: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.floor(digits.length / 2));
  for (let index = 0; index < out.length; index++) {
    out[index] = (hexDigitValue(digits[2 * index] ?? 0) << 4) | hexDigitValue(digits[2 * index + 1] ?? 0);
  }
  return out;
}

/**
 * Readers repeat a tag while it is held. A sighting of the card last seen no more than `debounceMs` ago is
 * the same presentation; the window runs from the LAST sighting, so a card held for minutes stays one.
 */
export function createCardDebouncer(debounceMs = DEFAULT_CARD_DEBOUNCE_MS): {
  isNewPresentation(cardKey: string, nowMs: number): boolean;
} {
  let lastKey: string | undefined;
  let lastSeenMs = 0;
  return {
    isNewPresentation(cardKey: string, nowMs: number): boolean {
      const gapMs = nowMs - lastSeenMs;
      const same = cardKey === lastKey && gapMs >= 0 && gapMs <= debounceMs;
      lastKey = cardKey;
      lastSeenMs = nowMs;
      return !same;
    },
  };
}
