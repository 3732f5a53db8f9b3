import fc from 'fast-check';
import { type CardTag, formatCardNumber, hexDigitValue } from '../../drivers/card/card-number.ts';
import { em18Frame, parallaxFrame } from '../../drivers/card/em18.ts';
import { rdm6300Frame } from '../../drivers/card/rdm6300.ts';
import type { DeviceModelName } from '../../drivers/registry.ts';
import { gm65Reply } from '../../drivers/scanner/gm65.ts';
import { ssiDecodePackets } from '../../drivers/scanner/zebra-ssi.ts';
import { encodeCjmcu90614Frame } from '../../drivers/thermometer/cjmcu-90614.ts';
import { encodeGd60914Reply } from '../../drivers/thermometer/gd60914.ts';
import { encodeGyMcu90614Frame } from '../../drivers/thermometer/gy-mcu90614.ts';
import { encodeIdc50Frame } from '../../drivers/thermometer/idc50.ts';
import type { DeviceEvent } from '../../drivers/types.ts';
import { ascii, type CodecCase, codecKit, concat, embedded, type Frames, hex } from '../helpers/codec-kit.ts';

// What each model adds to the shared properties: a sample frame, what settles arbitrary bytes, and
// frames of its own kind embedded in junk that cannot start one.

/** Bytes of `junk` with every byte in `banned` replaced by `instead`. */
const junkWithout = (banned: number[], instead: number, maxLength = 24): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ maxLength }).map((bytes) => bytes.map((b) => (banned.includes(b) ? instead : b)));

const framesOf = (frame: fc.Arbitrary<Frames>): fc.Arbitrary<Frames[]> => fc.array(frame, { maxLength: 12 });

const centi = fc.integer({ min: -32768, max: 32767 }).map((value) => value / 100);

const forehead = (objectC: number, ambientC: number): DeviceEvent => ({
  kind: 'temperature',
  objectC,
  ambientC,
});

/** Distinct cards (a card repeated within the debounce window is one presentation). */
const cards = fc.uniqueArray(
  fc.record({ version: fc.integer({ min: 0, max: 0xff }), id: fc.nat({ max: 0xffffffff }) }),
  { minLength: 1, maxLength: 8, selector: (t) => `${t.version}:${t.id}` },
);
const cardEvent = (tag: CardTag): DeviceEvent => ({
  kind: 'identity',
  text: formatCardNumber(tag, '8H10D'),
  source: 'card',
});

/** Printable text that is not an AIM identifier followed by a code. */
const scannedLine = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
  .filter(
    (text) =>
      [...text].every((ch) => (ch.codePointAt(0) ?? 0) >= 0x20 && ch !== '\u007f') &&
      !/^\][A-Za-z][0-9A-Za-z]/.test(text),
  );
/** Line models skip NUL noise byte for byte; CR and LF only end lines. */
const nulCount = (junk: Uint8Array): number => junk.filter((byte) => byte === 0x00).length;
const scanEvent = (text: string): DeviceEvent => ({ kind: 'identity', text, source: 'scan' });

/** A scan as a line scanner sends it, CR-terminated. */
const scannedFrame = scannedLine.map((text) => ({ bytes: ascii(`${text}\r`), events: [scanEvent(text)] }));
/** Runs of NUL, CR and LF between lines. */
const lineNoise = fc
  .array(fc.constantFrom(0x00, 0x0d, 0x0a), { maxLength: 6 })
  .map((bytes) => Uint8Array.from(bytes));

const CARD_B = {
  bytes: hex('34 35 30 30 43 35 44 31 45 39 42 38'),
  events: [cardEvent({ version: 0x45, id: 0x00c5d1e9 })],
};
const scanId = { bytes: ascii('2024030117\r'), events: [scanEvent('2024030117')] };

const cases: Record<DeviceModelName, CodecCase> = {
  'gy-mcu90614': {
    sample: { bytes: hex('5a5a45040c780d19a7'), events: [forehead(31.92, 33.53)] },
    // Zeros can neither start a frame nor pass as its length byte: whatever was held is settled.
    settle: { bytes: new Uint8Array(8) },
    frameLength: 9,
    stream: embedded(
      framesOf(
        fc
          .tuple(centi, centi)
          .map(([o, a]) => ({ bytes: encodeGyMcu90614Frame(o, a), events: [forehead(o, a)] })),
      ),
      junkWithout([0x5a], 0x00),
    ),
    action: { kind: 'measure', bodyC: 36.8 },
  },
  'cjmcu-90614': {
    sample: { bytes: encodeCjmcu90614Frame(34.56, 24.1, 'sum'), events: [forehead(34.56, 24.1)] },
    settle: { bytes: new Uint8Array(8) },
    frameLength: 9,
    stream: embedded(
      framesOf(
        fc.tuple(centi, centi, fc.constantFrom('sum' as const, 'zero' as const)).map(([o, a, checksum]) => ({
          bytes: encodeCjmcu90614Frame(o, a, checksum),
          events: [forehead(o, a)],
        })),
      ),
      junkWithout([0x66], 0x00),
    ),
    action: { kind: 'measure', bodyC: 37.4 },
  },
  idc50: {
    sample: { bytes: encodeIdc50Frame(38.2), events: [{ kind: 'temperature', bodyC: 38.2 }] },
    settle: { bytes: new Uint8Array(5) },
    frameLength: 6,
    // Junk, and ASCII blocks whole or cut short, none holding the start byte AA.
    stream: embedded(
      framesOf(
        fc.integer({ min: 0, max: 2559 }).map((tenths) => ({
          bytes: encodeIdc50Frame(tenths / 10),
          events: [{ kind: 'temperature', bodyC: tenths / 10 }],
        })),
      ),
      fc
        .oneof(
          fc.uint8Array({ maxLength: 24 }),
          fc.string({ maxLength: 40 }).map((text) => ascii(`{${text}}`)),
          fc.string({ maxLength: 200 }).map((text) => ascii(`{${text}`)),
        )
        .map((bytes) => bytes.map((b) => (b === 0xaa ? 0x00 : b))),
    ),
    action: { kind: 'measure', bodyC: 37.9 },
  },
  'k3-ascii': {
    sample: {
      bytes: ascii(
        'T Object = 34.320 C\r\nT body = 36.809 C, ambience compensate\r\nT body = 36.694 C, weak high\r',
      ),
      events: [{ kind: 'temperature', bodyC: 36.694, remark: 'weak high', objectC: 34.32 }],
    },
    settle: { bytes: ascii('\r\nClose\r\n') },
    // Readings between runs of empty lines, which are neither frames nor skipped.
    stream: embedded(
      framesOf(
        fc
          .tuple(fc.integer({ min: 3000, max: 4500 }), fc.constantFrom('weak high', 'weak low'))
          .map(([milli, remark]) => {
            const bodyC = milli / 100;
            return {
              bytes: ascii(`T body = ${bodyC.toFixed(3)} C, ${remark}\r\n`),
              events: [{ kind: 'temperature', bodyC, remark }],
            };
          }),
      ),
      fc.array(fc.constantFrom(0x0d, 0x0a), { maxLength: 6 }).map((bytes) => Uint8Array.from(bytes)),
      () => 0,
    ),
    action: { kind: 'measure', bodyC: 36.7 },
  },
  gd60914: {
    sample: { bytes: ascii('0000366'), events: [{ kind: 'temperature', bodyC: 36.6 }] },
    // 'x' is never part of a reply: whatever was held is dropped.
    settle: { bytes: ascii('x') },
    frameLength: 7,
    stream: embedded(
      framesOf(
        fc
          .tuple(fc.integer({ min: -99999, max: 999999 }), fc.constantFrom(' ', '0'))
          .map(([tenths, padding]) => ({
            bytes: padding === '0' ? encodeGd60914Reply(tenths / 10) : ascii(String(tenths).padStart(7, ' ')),
            // Only 30.0 to 45.0 °C is a person; the room is a frame with no event.
            events: tenths >= 300 && tenths <= 450 ? [{ kind: 'temperature', bodyC: tenths / 10 }] : [],
          })),
      ),
      junkWithout([...ascii(' +-0123456789')], 0x78),
    ),
  },
  'line-scanner': {
    sample: scanId,
    // The CR closes whatever partial frame the noise left.
    settle: { bytes: ascii('\r') },
    // Scans between runs of NUL (skipped), CR and LF.
    stream: embedded(framesOf(scannedFrame), lineNoise, nulCount),
    action: { kind: 'scan', text: '2024030117' },
  },
  gm65: {
    sample: scanId,
    settle: { pauseMs: 10_000 },
    // Lines and command replies in NUL, CR and LF noise.
    stream: embedded(
      framesOf(
        fc.oneof(
          scannedFrame,
          fc.uint8Array({ maxLength: 20 }).map((data) => ({ bytes: gm65Reply(data), events: [] })),
        ),
      ),
      lineNoise,
      nulCount,
    ),
    action: { kind: 'scan', text: '张伟' },
  },
  'zebra-ssi': {
    sample: {
      bytes: hex('0f f3 00 00 03 32 30 32 34 30 33 30 31 31 38 fd 06'),
      events: [{ kind: 'identity', text: '2024030118', source: 'scan', symbology: ']C0' }],
    },
    settle: {},
    // Decodes, one or several packets each (every packet ACKed), in junk of bytes below 04 (never a length).
    stream: embedded(
      framesOf(
        fc
          .tuple(
            fc
              .string({ unit: 'grapheme', minLength: 1, maxLength: 320 })
              .filter((text) => text !== 'NR' && !text.includes('\u0000')),
            fc.constantFrom(
              [0x03, ']C0'] as const,
              [0x1c, ']Q1'] as const,
              [0x0b, ']E0'] as const,
              [0x22, 'ssi:0x22'] as const,
            ),
          )
          .map(([text, [type, symbology]]) => {
            const packets = ssiDecodePackets(ascii(text), type);
            return {
              bytes: concat(...packets),
              events: [{ kind: 'identity', text, source: 'scan', symbology }],
              frames: packets.length,
              replies: packets.length,
            };
          }),
      ),
      fc.uint8Array({ maxLength: 12, max: 0x03 }),
      false,
    ),
    action: { kind: 'scan', text: 'T2019-0042' },
  },
  rdm6300: {
    sample: { bytes: rdm6300Frame({ version: 0x45, id: 0x00c5d1e9 }), events: CARD_B.events },
    settle: { pauseMs: 10_000 },
    stream: embedded(
      cards.map((tags) => tags.map((tag) => ({ bytes: rdm6300Frame(tag), events: [cardEvent(tag)] }))),
      junkWithout([0x02], 0x20, 20),
      false,
    ),
    action: { kind: 'scan', text: '0040856634' },
  },
  em18: {
    sample: CARD_B,
    settle: { pauseMs: 10_000 },
    // EM-18 and Parallax frames in junk that holds no hex digit.
    stream: embedded(
      fc.tuple(cards, fc.array(fc.boolean(), { minLength: 8, maxLength: 8 })).map(([tags, parallax]) =>
        tags.map((tag, i) => ({
          bytes: parallax[i] ? parallaxFrame(tag) : em18Frame(tag),
          events: [cardEvent(tag)],
        })),
      ),
      fc.uint8Array({ maxLength: 12 }).map((bytes) => bytes.filter((byte) => hexDigitValue(byte) < 0)),
      false,
    ),
    action: { kind: 'scan', text: '0012964329' },
  },
  // A relay board answers nothing: every byte it sends is skipped.
  'lcus-relay': { settle: {} },
};

codecKit(cases);
