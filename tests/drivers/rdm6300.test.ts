import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createRdm6300Codec,
  createRdm6300Simulator,
  rdm6300Frame,
  rdm6300Model,
} from '../../drivers/card/rdm6300.ts';
import type { DeviceEvent } from '../../drivers/types.ts';
import { concat, hex } from '../helpers/codec-kit.ts';

// 02 "01026F6C3A" "3A" 03: docs/protocols.md §3 example, 01^02^6F^6C^3A = 3A; card 0040856634 (8H10D).
const FRAME_A = hex('02 30 31 30 32 36 46 36 43 33 41 33 41 03');
// 02 "4500C5D1E9" "B8" 03: the EM-18 example's tag in RDM6300 framing; card 0012964329.
const FRAME_B = hex('02 34 35 30 30 43 35 44 31 45 39 42 38 03');
// FRAME_B with check digits "B0" instead of "B8".
const FRAME_B_BAD_XOR = hex('02 34 35 30 30 43 35 44 31 45 39 42 30 03');

const CARD_A: DeviceEvent = { kind: 'identity', text: '0040856634', source: 'card' };
const CARD_B: DeviceEvent = { kind: 'identity', text: '0012964329', source: 'card' };

const _transcriptsDir = fileURLToPath(new URL('../../fixtures/transcripts/', import.meta.url));

describe('RDM6300 codec', () => {
  it('decodes the documented frame into the 8H10D card number', () => {
    const codec = createRdm6300Codec();
    expect(codec.decode(FRAME_A, 0)).toEqual([CARD_A]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('encodes the documented frame', () => {
    expect(rdm6300Frame({ version: 0x01, id: 0x026f6c3a })).toEqual(FRAME_A);
    expect(rdm6300Frame({ version: 0x45, id: 0x00c5d1e9 })).toEqual(FRAME_B);
  });

  it('prints the number in the configured format', () => {
    expect(createRdm6300Codec({ cardFormat: '10H' }).decode(FRAME_A, 0)).toEqual([
      { kind: 'identity', text: '01026f6c3a', source: 'card' },
    ]);
    expect(createRdm6300Codec({ cardFormat: '2H+4H' }).decode(FRAME_A, 0)).toEqual([
      { kind: 'identity', text: '111,27706', source: 'card' },
    ]);
  });

  it('decodes two cards in one chunk', () => {
    const codec = createRdm6300Codec();
    expect(codec.decode(concat(FRAME_A, FRAME_B), 0)).toEqual([CARD_A, CARD_B]);
  });

  it('decodes two frames split at every byte boundary, completing on each ETX', () => {
    const stream = concat(FRAME_A, FRAME_B);
    for (let cut = 1; cut < stream.length; cut++) {
      const codec = createRdm6300Codec();
      const first = codec.decode(stream.subarray(0, cut), 0);
      const second = codec.decode(stream.subarray(cut), 5);
      expect(first).toEqual(cut >= FRAME_A.length ? [CARD_A] : []);
      expect([...first, ...second]).toEqual([CARD_A, CARD_B]);
      expect(codec.counters.frames).toBe(2);
    }
  });

  it('skips junk before STX and counts it', () => {
    const codec = createRdm6300Codec();
    expect(codec.decode(concat(hex('ff 00 03 41 30'), FRAME_A), 0)).toEqual([CARD_A]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 5, oversize: 0, resyncs: 1 });
  });

  it('drops a frame with a bad XOR and decodes the next one', () => {
    const codec = createRdm6300Codec();
    expect(codec.decode(concat(FRAME_B_BAD_XOR, FRAME_B), 0)).toEqual([CARD_B]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 1, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('drops a frame cut short by a new STX, a non-hex byte or a missing ETX', () => {
    const codec = createRdm6300Codec();
    const broken = FRAME_A.slice();
    broken[6] = 0x47; // 'G'
    const noEtx = FRAME_B.slice();
    noEtx[13] = 0x0d;
    expect(codec.decode(concat(FRAME_A.subarray(0, 7), broken, noEtx, FRAME_A), 0)).toEqual([CARD_A]);
    // 7 cut + (7 up to 'G' and 7 after it) + 14 without ETX
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 35, oversize: 0, resyncs: 1 });
  });

  it('accepts lower-case hex digits', () => {
    const lower = hex('02 34 35 30 30 63 35 64 31 65 39 62 38 03');
    expect(createRdm6300Codec().decode(lower, 0)).toEqual([CARD_B]);
  });

  it('emits a held card once: repeats within 1000 ms of the last sighting are the same presentation', () => {
    const codec = createRdm6300Codec();
    const events = [0, 100, 200, 300, 1200, 2100].flatMap((t) => codec.decode(FRAME_A, t));
    expect(events).toEqual([CARD_A]);
    expect(codec.counters.frames).toBe(6);
    expect(codec.decode(FRAME_A, 3100)).toEqual([]);
    expect(codec.decode(FRAME_A, 4101)).toEqual([CARD_A]);
  });

  it('emits the same card again after it was taken away, and a different card at once', () => {
    const codec = createRdm6300Codec();
    expect(codec.decode(FRAME_A, 0)).toEqual([CARD_A]);
    expect(codec.decode(FRAME_B, 50)).toEqual([CARD_B]);
    expect(codec.decode(FRAME_A, 100)).toEqual([CARD_A]);
    expect(codec.decode(FRAME_A, 1600)).toEqual([CARD_A]);
  });

  it('honours debounceMs', () => {
    const codec = createRdm6300Codec({ debounceMs: 300 });
    expect([0, 250, 600].flatMap((t) => codec.decode(FRAME_A, t))).toEqual([CARD_A, CARD_A]);
  });
});

describe('RDM6300 simulator', () => {
  it('sends a held card as 3–5 frames about 100 ms apart, decoded as one presentation', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const chunks = createRdm6300Simulator({ seed }).emit({ kind: 'scan', text: '0040856634' });
      const bytes = concat(...chunks.map((chunk) => chunk.bytes));
      expect(bytes.length % 14).toBe(0);
      expect(bytes.length / 14).toBeGreaterThanOrEqual(3);
      expect(bytes.length / 14).toBeLessThanOrEqual(5);
      expect(bytes.subarray(0, 14)).toEqual(FRAME_A);
      const codec = createRdm6300Codec();
      let nowMs = 0;
      const events = chunks.flatMap((chunk) => {
        nowMs += chunk.delayMs;
        return codec.decode(chunk.bytes, nowMs);
      });
      expect(events).toEqual([CARD_A]);
      const repeatGaps = chunks.filter((chunk) => chunk.delayMs >= 50).map((chunk) => chunk.delayMs);
      expect(repeatGaps.length).toBe(bytes.length / 14 - 1);
      expect(repeatGaps.every((gap) => gap >= 90 && gap <= 100)).toBe(true);
    }
  });

  it('presents the card printed in the configured format and ignores what is not a card number', () => {
    const simulator = createRdm6300Simulator({ seed: 4, cardFormat: '4H+4H' });
    const codec = createRdm6300Codec({ cardFormat: '4H+4H' });
    const chunks = simulator.emit({ kind: 'scan', text: '00623,27706' });
    expect(chunks.flatMap((chunk) => codec.decode(chunk.bytes, 0))).toEqual([
      { kind: 'identity', text: '00623,27706', source: 'card' },
    ]);
    expect(simulator.emit({ kind: 'scan', text: 'T2019-0042' })).toEqual([]);
    expect(simulator.emit({ kind: 'measure', bodyC: 36.5 })).toEqual([]);
  });
});

describe('RDM6300 model and fixtures', () => {
  it('is a transmit-only card reader with a passive self-test', () => {
    expect(rdm6300Model.role).toBe('card-reader');
    expect(rdm6300Model.defaultBaudRate).toBe(9600);
    expect(rdm6300Model.commands?.selfTest).toBeUndefined();
    expect(rdm6300Model.label).toMatch(/passive/);
  });
});
