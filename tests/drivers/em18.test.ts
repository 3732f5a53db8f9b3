import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createEm18Codec,
  createEm18Simulator,
  EM18_FRAME_GAP_MS,
  em18Frame,
  em18Model,
  parallaxFrame,
} from '../../drivers/card/em18.ts';
import type { DeviceEvent } from '../../drivers/types.ts';
import { ascii, concat, hex } from '../helpers/codec-kit.ts';

// "4500C5D1E9B8": docs/protocols.md §3 EM-18 example, 45^00^C5^D1^E9 = B8; card 0x00C5D1E9 = 0012964329.
const FRAME_B = hex('34 35 30 30 43 35 44 31 45 39 42 38');
// "01026F6C3A3A": tag 01 02 6F 6C 3A, check 3A; card 0040856634.
const FRAME_A = hex('30 31 30 32 36 46 36 43 33 41 33 41');
// Parallax: 0A "4500C5D1E9" 0D, no check digits.
const PARALLAX_B = hex('0a 34 35 30 30 43 35 44 31 45 39 0d');
// FRAME_A with its fourth digit changed ("0103…"): XOR no longer matches.
const FRAME_A_BAD_XOR = hex('30 31 30 33 36 46 36 43 33 41 33 41');

const CARD_A: DeviceEvent = { kind: 'identity', text: '0040856634', source: 'card' };
const CARD_B: DeviceEvent = { kind: 'identity', text: '0012964329', source: 'card' };

const _transcriptsDir = fileURLToPath(new URL('../../fixtures/transcripts/', import.meta.url));

describe('EM-18 codec', () => {
  it('decodes the documented frame into 0012964329', () => {
    const codec = createEm18Codec();
    expect(codec.decode(ascii('4500C5D1E9B8'), 0)).toEqual([CARD_B]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('encodes the documented frames', () => {
    expect(em18Frame({ version: 0x45, id: 0x00c5d1e9 })).toEqual(FRAME_B);
    expect(parallaxFrame({ version: 0x45, id: 0x00c5d1e9 })).toEqual(PARALLAX_B);
  });

  it('prints the number in the configured format', () => {
    expect(createEm18Codec({ cardFormat: '6H8D' }).decode(FRAME_B, 0)).toEqual([
      { kind: 'identity', text: '12964329', source: 'card' },
    ]);
    expect(createEm18Codec({ cardFormat: '10H' }).decode(FRAME_B, 0)).toEqual([
      { kind: 'identity', text: '4500c5d1e9', source: 'card' },
    ]);
  });

  it('decodes two frames back to back in one chunk', () => {
    expect(createEm18Codec().decode(concat(FRAME_A, FRAME_B), 0)).toEqual([CARD_A, CARD_B]);
  });

  it('decodes two frames split at every byte boundary, each on its twelfth digit', () => {
    const stream = concat(FRAME_A, FRAME_B);
    for (let cut = 1; cut < stream.length; cut++) {
      const codec = createEm18Codec();
      const first = codec.decode(stream.subarray(0, cut), 0);
      const second = codec.decode(stream.subarray(cut), 3);
      expect(first).toEqual(cut >= FRAME_A.length ? [CARD_A] : []);
      expect([...first, ...second]).toEqual([CARD_A, CARD_B]);
    }
  });

  it('tolerates CR LF around frames and the Parallax LF … CR framing', () => {
    const codec = createEm18Codec();
    const stream = concat(ascii('\r\n'), FRAME_A, ascii('\r\n'), PARALLAX_B, ascii('\n'));
    for (let cut = 1; cut < stream.length; cut++) {
      const split = createEm18Codec();
      expect([...split.decode(stream.subarray(0, cut), 0), ...split.decode(stream.subarray(cut), 1)]).toEqual(
        [CARD_A, CARD_B],
      );
    }
    expect(codec.decode(stream, 0)).toEqual([CARD_A, CARD_B]);
    expect(codec.counters).toEqual({ frames: 2, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('skips junk before a frame and counts it', () => {
    const codec = createEm18Codec();
    expect(codec.decode(concat(hex('00 fe 7f 80'), FRAME_B), 0)).toEqual([CARD_B]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 4, oversize: 0, resyncs: 1 });
  });

  it('drops a frame with a bad XOR and decodes the next one', () => {
    const codec = createEm18Codec();
    expect(codec.decode(concat(FRAME_A_BAD_XOR, FRAME_B), 0)).toEqual([CARD_B]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 1, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('drops a partial frame after a pause, so a lost byte does not shift the next read', () => {
    const codec = createEm18Codec();
    const lossy = concat(FRAME_A.subarray(0, 5), FRAME_A.subarray(6));
    expect(codec.decode(concat(lossy, FRAME_B), 0)).toEqual([]);
    expect(codec.counters.badChecksums).toBe(1);
    expect(codec.decode(FRAME_B, EM18_FRAME_GAP_MS + 1)).toEqual([CARD_B]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 1, bytesSkipped: 11, oversize: 0, resyncs: 1 });
  });

  it('keeps a partial frame across chunks that arrive without a pause', () => {
    const codec = createEm18Codec();
    expect(codec.decode(FRAME_B.subarray(0, 6), 100)).toEqual([]);
    expect(codec.decode(FRAME_B.subarray(6), 100 + EM18_FRAME_GAP_MS)).toEqual([CARD_B]);
  });

  it('drops a run of digits broken by junk, and a 10-digit run not framed as Parallax', () => {
    const codec = createEm18Codec();
    expect(
      codec.decode(concat(FRAME_A.subarray(0, 4), hex('ff'), ascii('4500C5D1E9\r'), FRAME_A), 0),
    ).toEqual([CARD_A]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 15, oversize: 0, resyncs: 1 });
  });

  it('emits a held card once and again after it was taken away', () => {
    const codec = createEm18Codec();
    expect([0, 100, 200, 1100].flatMap((t) => codec.decode(FRAME_B, t))).toEqual([CARD_B]);
    expect(codec.decode(FRAME_B, 2101)).toEqual([CARD_B]);
    expect(createEm18Codec({ debounceMs: 50 }).decode(concat(FRAME_B, FRAME_B), 0)).toEqual([CARD_B]);
  });
});

describe('EM-18 simulator', () => {
  it('round-trips a presented card through the codec as one event, in both framings', () => {
    for (let seed = 1; seed <= 30; seed++) {
      for (const variant of ['em18', 'parallax'] as const) {
        const chunks = createEm18Simulator({ seed, variant }).emit({ kind: 'scan', text: '0012964329' });
        const bytes = concat(...chunks.map((chunk) => chunk.bytes));
        // 8H10D carries no version byte: the simulator sends 01, so "0100C5D1E9" + check FC.
        const frame = variant === 'em18' ? ascii('0100C5D1E9FC') : ascii('\n0100C5D1E9\r');
        expect(bytes.length % 12).toBe(0);
        expect(bytes.length / 12).toBeGreaterThanOrEqual(1);
        expect(bytes.length / 12).toBeLessThanOrEqual(3);
        expect(bytes.subarray(0, 12)).toEqual(frame);
        const codec = createEm18Codec();
        let nowMs = 0;
        const events = chunks.flatMap((chunk) => {
          nowMs += chunk.delayMs;
          return codec.decode(chunk.bytes, nowMs);
        });
        expect(events).toEqual([CARD_B]);
      }
    }
  });

  it('ignores text that is not a card number in the configured format', () => {
    const simulator = createEm18Simulator({ cardFormat: '6H8D' });
    expect(simulator.emit({ kind: 'scan', text: '0012964329' })).toEqual([]);
    expect(simulator.emit({ kind: 'scan', text: '12964329' }).length).toBeGreaterThan(0);
  });
});

describe('EM-18 model and fixtures', () => {
  it('is a transmit-only card reader with a passive self-test', () => {
    expect(em18Model.role).toBe('card-reader');
    expect(em18Model.defaultBaudRate).toBe(9600);
    expect(em18Model.commands).toBeUndefined();
    expect(em18Model.label).toMatch(/passive/);
  });
});
