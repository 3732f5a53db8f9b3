import { describe, expect, it } from 'vitest';
import { createK3AsciiCodec, createK3AsciiSimulator } from '../../drivers/thermometer/k3-ascii.ts';
import type { DeviceEvent } from '../../drivers/types.ts';
import { ascii, byteByByte, concat, decodeAll, hex } from '../helpers/codec-kit.ts';

// One reading as the K3 Pro prints it (docs/protocols.md §1d).
// 54 20 4f 62 6a 65 63 74 20 3d 20 33 34 2e 33 32 30 20 43 0d 0a
const T_OBJECT = ascii('T Object = 34.320 C\r\n');
// 54 20 62 6f 64 79 20 3d 20 33 36 2e 38 30 39 20 43 2c 20 61 6d 62 69 65 6e 63 65 20 63 6f 6d 70 65 6e 73 61 74 65 0d 0a
const T_BODY_COMPENSATING = ascii('T body = 36.809 C, ambience compensate\r\n');
// 54 20 62 6f 64 79 20 3d 20 33 36 2e 36 39 34 20 43 2c 20 77 65 61 6b 20 68 69 67 68 0d 0a
const T_BODY_FINAL = ascii('T body = 36.694 C, weak high\r\n');
// 54 20 62 6f 64 79 20 3d 20 33 35 2e 38 37 31 20 43 2c 20 77 65 61 6b 20 6c 6f 77 0d 0a
const T_BODY_FINAL_LOW = ascii('T body = 35.871 C, weak low\r\n');
// 63 66 67 2e 6d 6f 64 65 20 3d 20 30 0d 0a
const CFG_MODE = ascii('cfg.mode = 0\r\n');
// 50 72 6f 78 69 6d 69 74 79 3a 20 39 34 37 0d 0a | 43 6c 6f 73 65 0d 0a | 41 77 61 79 0d 0a
const PROXIMITY = ascii('Proximity: 947\r\n');
const CLOSE = ascii('Close\r\n');
const AWAY = ascii('Away\r\n');
// The binary fragment from the reference log, with no terminator of its own.
const BINARY_FRAGMENT = hex('55 aa 07 04 6f');
// 74 69 6d 65 73 20 3d 20 38 30 35 0d 0a: a debug line, not part of the protocol.
const DEBUG_TIMES = ascii('times = 805\r\n');

const READING = concat(T_OBJECT, T_BODY_COMPENSATING, T_BODY_FINAL);
const READING_EVENT: DeviceEvent = {
  kind: 'temperature',
  bodyC: 36.694,
  objectC: 34.32,
  remark: 'weak high',
};

/** mulberry32, for repeatable random input. */
describe('K3 ASCII codec', () => {
  it('emits one event per reading, from the final T body line, with the object temperature', () => {
    const codec = createK3AsciiCodec();
    expect(codec.decode(READING)).toEqual([READING_EVENT]);
    expect(codec.counters).toEqual({ frames: 3, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('treats T Object and ambience compensate lines as intermediate', () => {
    const codec = createK3AsciiCodec();
    expect(codec.decode(concat(T_OBJECT, T_BODY_COMPENSATING))).toEqual([]);
    expect(codec.decode(T_BODY_FINAL)).toEqual([READING_EVENT]);
  });

  it('reports weak low readings and does not carry the object temperature into the next reading', () => {
    const codec = createK3AsciiCodec();
    expect(codec.decode(concat(READING, CLOSE, T_BODY_FINAL_LOW))).toEqual([
      READING_EVENT,
      { kind: 'temperature', bodyC: 35.871, remark: 'weak low' },
    ]);
  });

  it('decodes two readings in one chunk', () => {
    const codec = createK3AsciiCodec();
    const events = codec.decode(concat(READING, CFG_MODE, T_OBJECT, T_BODY_FINAL_LOW));
    expect(events).toEqual([
      READING_EVENT,
      { kind: 'temperature', bodyC: 35.871, objectC: 34.32, remark: 'weak low' },
    ]);
    expect(codec.counters.frames).toBe(6);
  });

  it('decodes a reading delivered byte by byte, completing on the CR of the final line', () => {
    const codec = createK3AsciiCodec();
    const results = byteByByte(READING).map((chunk) => codec.decode(chunk));
    const withEvents = results.flatMap((events, index) => (events.length > 0 ? [index] : []));
    expect(withEvents).toEqual([READING.length - 2]);
    expect(results[READING.length - 2]).toEqual([READING_EVENT]);
    expect(codec.counters).toEqual({ frames: 3, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('lets a LF that arrives in the next chunk finish the CR terminator without an empty line', () => {
    const codec = createK3AsciiCodec();
    expect(codec.decode(ascii('T body = 36.694 C, weak high\r'))).toEqual([
      { kind: 'temperature', bodyC: 36.694, remark: 'weak high' },
    ]);
    expect(codec.decode(ascii('\nAway\r'))).toEqual([]);
    expect(codec.decode(ascii('\n'))).toEqual([]);
    expect(codec.counters).toEqual({ frames: 2, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 });
  });

  it('accepts LF-only and CR-only lines', () => {
    const lfOnly = createK3AsciiCodec();
    expect(lfOnly.decode(ascii('T Object = 34.320 C\nT body = 36.694 C, weak high\n'))).toEqual([
      READING_EVENT,
    ]);
    const crOnly = createK3AsciiCodec();
    expect(crOnly.decode(ascii('T Object = 34.320 C\rT body = 36.694 C, weak high\r'))).toEqual([
      READING_EVENT,
    ]);
    expect(crOnly.counters.frames).toBe(2);
  });

  it('counts status lines as frames and skips unknown lines byte for byte', () => {
    const codec = createK3AsciiCodec();
    expect(decodeAll(codec, [PROXIMITY, CLOSE, CFG_MODE, AWAY, DEBUG_TIMES])).toEqual([]);
    expect(codec.counters).toEqual({ frames: 4, badChecksums: 0, bytesSkipped: 11, oversize: 0, resyncs: 0 });
  });

  it('skips the binary fragment on its own line', () => {
    const codec = createK3AsciiCodec();
    expect(codec.decode(concat(BINARY_FRAGMENT, ascii('\r\n'), READING))).toEqual([READING_EVENT]);
    expect(codec.counters.bytesSkipped).toBe(5);
  });

  it('recovers a reading from a line with junk before it and no terminator between', () => {
    const codec = createK3AsciiCodec();
    expect(codec.decode(concat(BINARY_FRAGMENT, READING))).toEqual([READING_EVENT]);
    expect(codec.counters).toEqual({ frames: 3, badChecksums: 0, bytesSkipped: 5, oversize: 0, resyncs: 0 });
  });

  it('reads the last T body of a truncated line run into a good one', () => {
    const codec = createK3AsciiCodec();
    expect(codec.decode(ascii('T body = 36.8T body = 36.694 C, weak high\r\n'))).toEqual([
      { kind: 'temperature', bodyC: 36.694, remark: 'weak high' },
    ]);
    expect(codec.counters.bytesSkipped).toBe('T body = 36.8'.length);
  });

  it('does not take a cut-short ambience compensate remark for a final reading', () => {
    const codec = createK3AsciiCodec();
    expect(codec.decode(ascii('T body = 36.511 C, ambience comp\r\nT body = 36.5\r\n'))).toEqual([]);
    expect(codec.counters).toEqual({ frames: 1, badChecksums: 0, bytesSkipped: 13, oversize: 0, resyncs: 0 });
  });

  it('drops a line over 256 bytes and resynchronises at the next terminator', () => {
    const codec = createK3AsciiCodec();
    const garbage = new Uint8Array(300).fill(0x41);
    expect(codec.decode(garbage.subarray(0, 150))).toEqual([]);
    expect(codec.decode(garbage.subarray(150))).toEqual([]);
    expect(codec.counters.oversize).toBe(1);
    expect(codec.decode(concat(ascii('T body = 37.000 C, weak high\r\n'), READING))).toEqual([READING_EVENT]);
    expect(codec.counters).toEqual({ frames: 3, badChecksums: 0, bytesSkipped: 0, oversize: 1, resyncs: 0 });
  });

  it('accepts a line of exactly 256 bytes', () => {
    const codec = createK3AsciiCodec();
    codec.decode(concat(new Uint8Array(256).fill(0x41), ascii('\r\n')));
    expect(codec.counters).toEqual({
      frames: 0,
      badChecksums: 0,
      bytesSkipped: 256,
      oversize: 0,
      resyncs: 0,
    });
  });
});

describe('K3 ASCII simulator', () => {
  const temperaturesC = [36.694, 35.871, 37.5, 36, 35.999, 38.25];

  it('round-trips every reading through the codec, whatever the seed', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const simulator = createK3AsciiSimulator({ seed });
      const codec = createK3AsciiCodec();
      for (const bodyC of temperaturesC) {
        const events = decodeAll(
          codec,
          simulator.emit({ kind: 'measure', bodyC }).map((chunk) => chunk.bytes),
        );
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          kind: 'temperature',
          bodyC,
          remark: bodyC < 36 ? 'weak low' : 'weak high',
        });
      }
      expect(codec.counters).toEqual({
        frames: 18,
        badChecksums: 0,
        bytesSkipped: 0,
        oversize: 0,
        resyncs: 0,
      });
    }
  });

  it('prints the three lines of a K3 reading in 1 to 3 chunks each, with device-like pauses', () => {
    const chunks = createK3AsciiSimulator({ seed: 5 }).emit({ kind: 'measure', bodyC: 36.7 });
    const text = Buffer.concat(chunks.map((chunk) => chunk.bytes)).toString('latin1');
    expect(text).toMatch(/^T Object = \d+\.\d{3} C\r\nT body = \d+\.\d{3} C, ambience compensate\r\n/);
    expect(text.endsWith('T body = 36.700 C, weak high\r\n')).toBe(true);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.length).toBeLessThanOrEqual(9);
    const lineStarts = chunks.filter((chunk) => chunk.delayMs >= 50);
    expect(lineStarts).toHaveLength(3);
    for (const chunk of chunks) {
      expect(chunk.delayMs >= 50 ? chunk.delayMs <= 150 : chunk.delayMs >= 1 && chunk.delayMs <= 5).toBe(
        true,
      );
    }
  });

  it('repeats exactly for the same seed and splits differently for another', () => {
    const action = { kind: 'measure', bodyC: 36.5 } as const;
    const splits = (seed: number) =>
      createK3AsciiSimulator({ seed })
        .emit(action)
        .map((chunk) => `${chunk.delayMs}:${Buffer.from(chunk.bytes).toString('hex')}`);
    expect(splits(42)).toEqual(splits(42));
    expect(splits(42)).not.toEqual(splits(43));
  });

  it('ignores scans', () => {
    expect(createK3AsciiSimulator().emit({ kind: 'scan', text: '2024030117' })).toEqual([]);
  });
});
