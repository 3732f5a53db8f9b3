import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asciiHex,
  type CardTag,
  cardFromNumber,
  createCardDebouncer,
  formatCardNumber,
  tagBytes,
  tagChecksum,
  tagFromBytes,
} from '../../drivers/card/card-number.ts';
import type { CardFormat } from '../../drivers/types.ts';

// Tag bytes 01 02 6F 6C 3A: version 01, id 0x026F6C3A (docs/protocols.md §3, desktop reader table).
const TABLE_TAG: CardTag = { version: 0x01, id: 0x026f6c3a };
// EM-18 "4500C5D1E9B8": version 45, id 0x00C5D1E9, check B8.
const EM18_TAG: CardTag = { version: 0x45, id: 0x00c5d1e9 };

const FORMATS: CardFormat[] = ['10H', '8H10D', '6H8D', '2H+4H', '4H+4H'];

describe('formatCardNumber', () => {
  it.each([
    ['10H', '01026f6c3a'],
    ['8H10D', '0040856634'],
    ['6H8D', '07302202'],
    ['2H+4H', '111,27706'],
    ['4H+4H', '00623,27706'],
  ] as const)('reproduces the table row %s → %s', (format, printed) => {
    expect(formatCardNumber(TABLE_TAG, format)).toBe(printed);
  });

  it("prints the EM-18 example's card as 0012964329", () => {
    expect(formatCardNumber(EM18_TAG, '8H10D')).toBe('0012964329');
    expect(formatCardNumber(EM18_TAG, '10H')).toBe('4500c5d1e9');
  });

  it('pads to fixed widths at both ends of the range', () => {
    const zero = { version: 0, id: 0 };
    const max = { version: 0xff, id: 0xffffffff };
    expect(FORMATS.map((format) => formatCardNumber(zero, format))).toEqual([
      '0000000000',
      '0000000000',
      '00000000',
      '000,00000',
      '00000,00000',
    ]);
    expect(FORMATS.map((format) => formatCardNumber(max, format))).toEqual([
      'ffffffffff',
      '4294967295',
      '16777215',
      '255,65535',
      '65535,65535',
    ]);
  });
});

describe('cardFromNumber', () => {
  it('gives back the tag bits each format keeps', () => {
    expect(cardFromNumber('01026f6c3a', '10H')).toEqual(TABLE_TAG);
    expect(cardFromNumber('4500C5D1E9', '10H')).toEqual(EM18_TAG);
    expect(cardFromNumber('0040856634', '8H10D')).toEqual({ version: 0x01, id: 0x026f6c3a });
    expect(cardFromNumber('0012964329', '8H10D', 0x45)).toEqual(EM18_TAG);
    expect(cardFromNumber('07302202', '6H8D')).toEqual({ version: 0x01, id: 0x006f6c3a });
    expect(cardFromNumber('111,27706', '2H+4H')).toEqual({ version: 0x01, id: 0x006f6c3a });
    expect(cardFromNumber('00623,27706', '4H+4H')).toEqual({ version: 0x01, id: 0x026f6c3a });
  });

  it('refuses text that is not a number of that format or is out of range', () => {
    expect(cardFromNumber('4294967296', '8H10D')).toBeUndefined();
    expect(cardFromNumber('40856634', '8H10D')).toBeUndefined();
    expect(cardFromNumber('16777216', '6H8D')).toBeUndefined();
    expect(cardFromNumber('256,00000', '2H+4H')).toBeUndefined();
    expect(cardFromNumber('00001,65536', '4H+4H')).toBeUndefined();
    expect(cardFromNumber('01026f6c3g', '10H')).toBeUndefined();
    expect(cardFromNumber('2024030117x', '8H10D')).toBeUndefined();
    expect(cardFromNumber('', '8H10D')).toBeUndefined();
  });

  it('round-trips every printed number in every format', () => {
    fc.assert(
      fc.property(
        fc.record({ version: fc.integer({ min: 0, max: 0xff }), id: fc.nat({ max: 0xffffffff }) }),
        fc.constantFrom(...FORMATS),
        (tag, format) => {
          const printed = formatCardNumber(tag, format);
          const back = cardFromNumber(printed, format, tag.version);
          expect(back).toBeDefined();
          expect(formatCardNumber(back as CardTag, format)).toBe(printed);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('tag bytes', () => {
  it('computes the XOR check of the documented examples', () => {
    expect(tagChecksum(tagBytes(TABLE_TAG))).toBe(0x3a);
    expect(tagChecksum(tagBytes(EM18_TAG))).toBe(0xb8);
    expect(new TextDecoder().decode(asciiHex(tagBytes(EM18_TAG)))).toBe('4500C5D1E9');
    expect(tagFromBytes(tagBytes({ version: 0xff, id: 0xfedcba98 }))).toEqual({
      version: 0xff,
      id: 0xfedcba98,
    });
  });
});

describe('card debounce', () => {
  it('keeps a held card one presentation, measured from its last sighting', () => {
    const debouncer = createCardDebouncer(1000);
    const seen = [0, 100, 900, 1800, 2700, 3600].map((t) => debouncer.isNewPresentation('A', t));
    expect(seen).toEqual([true, false, false, false, false, false]);
    expect(debouncer.isNewPresentation('A', 4600)).toBe(false);
    expect(debouncer.isNewPresentation('A', 5601)).toBe(true);
  });

  it('treats another card, or time going backwards, as a new presentation', () => {
    const debouncer = createCardDebouncer(1000);
    expect(debouncer.isNewPresentation('A', 0)).toBe(true);
    expect(debouncer.isNewPresentation('B', 50)).toBe(true);
    expect(debouncer.isNewPresentation('A', 100)).toBe(true);
    expect(debouncer.isNewPresentation('A', 20)).toBe(true);
  });
});
