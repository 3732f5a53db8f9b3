import { describe, expect, it } from 'vitest';
import {
  CJMCU_BAUD_9600,
  CJMCU_BAUD_57600,
  CJMCU_BAUD_115200,
  CJMCU_CONTINUOUS,
  CJMCU_QUERY,
  cjmcu90614Model,
  cjmcuCommand,
  createCjmcu90614Codec,
  createCjmcu90614Simulator,
  encodeCjmcu90614Frame,
} from '../../drivers/thermometer/cjmcu-90614.ts';
import type { DeviceEvent, TemperatureEvent } from '../../drivers/types.ts';
import { NOMINAL_FOREHEAD_OFFSET_C } from '../../drivers/types.ts';
import { clean, concat, decodeAll, hex, replayFixture, toHex } from '../helpers/codec-kit.ts';

// docs/protocols.md §1b: 66 66 mode len T1h T1l T2h T2l sum, T1 = object and T2 = ambient as the README says.
// Forehead 34.56 °C (0x0D80), room 24.10 °C (0x096A), sum = low byte of 0x2D1:
// 66 66 01 04 0d 80 09 6a d1
const FOREHEAD = hex('666601040d80096ad1');
// The same reading with the 00 checksum the README reports: 66 66 01 04 0d 80 09 6a 00
const FOREHEAD_ZERO_SUM = hex('666601040d80096a00');
const FOREHEAD_EVENT: DeviceEvent = { kind: 'temperature', objectC: 34.56, ambientC: 24.1 };
// Object 1.25 °C, ambient −3.50 °C (0xFEA2): 66 66 01 04 00 7d fe a2 ee
const COLD = hex('66660104007dfea2ee');
const COLD_EVENT: DeviceEvent = { kind: 'temperature', objectC: 1.25, ambientC: -3.5 };
// FOREHEAD with a checksum that is neither the sum nor 00: 66 66 01 04 0d 80 09 6a d2
const BAD_CHECKSUM = hex('666601040d80096ad2');
// Length byte 0C: 66 66 01 0c 0d 80 09 6a d9
const BAD_LENGTH = hex('6666010c0d80096ad9');
const _FRAME_LENGTH = 9;

function temperatures(events: DeviceEvent[]): TemperatureEvent[] {
  return events.filter((event): event is TemperatureEvent => event.kind === 'temperature');
}

describe('CJMCU-90614 codec', () => {
  it('reads T1 as the object and T2 as the ambient temperature', () => {
    const codec = createCjmcu90614Codec();
    expect(codec.decode(FOREHEAD)).toEqual([FOREHEAD_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1 });
  });

  it('accepts both checksum readings: the low byte of the sum, and 00', () => {
    const codec = createCjmcu90614Codec();
    expect(codec.decode(concat(FOREHEAD_ZERO_SUM, FOREHEAD))).toEqual([FOREHEAD_EVENT, FOREHEAD_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 2 });
  });

  it('reads both temperatures as signed', () => {
    expect(createCjmcu90614Codec().decode(COLD)).toEqual([COLD_EVENT]);
  });

  it('encodes frames with either checksum', () => {
    expect(toHex(encodeCjmcu90614Frame(34.56, 24.1))).toBe(toHex(FOREHEAD));
    expect(toHex(encodeCjmcu90614Frame(34.56, 24.1, 'zero'))).toBe(toHex(FOREHEAD_ZERO_SUM));
    expect(toHex(encodeCjmcu90614Frame(1.25, -3.5, 'sum'))).toBe(toHex(COLD));
  });

  it('skips junk before a frame, stray start bytes included', () => {
    const codec = createCjmcu90614Codec();
    expect(codec.decode(concat(hex('ff 00 66 12'), FOREHEAD))).toEqual([FOREHEAD_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, bytesSkipped: 4 });
  });

  it('counts and drops a bad checksum, then decodes the next frame', () => {
    const codec = createCjmcu90614Codec();
    expect(decodeAll(codec, [BAD_CHECKSUM, COLD])).toEqual([COLD_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, badChecksums: 1, bytesSkipped: 9, resyncs: 1 });
  });

  it('resynchronises on a length byte other than 04', () => {
    const codec = createCjmcu90614Codec();
    expect(codec.decode(concat(BAD_LENGTH, FOREHEAD))).toEqual([FOREHEAD_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, bytesSkipped: 9, resyncs: 1 });
  });

  it('loses only the truncated frame when a whole one follows it', () => {
    const codec = createCjmcu90614Codec();
    expect(decodeAll(codec, [COLD.subarray(0, 6), FOREHEAD])).toEqual([FOREHEAD_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, badChecksums: 1, bytesSkipped: 6, resyncs: 1 });
  });
});

describe('CJMCU-90614 simulator', () => {
  it('streams an empty lane: object close to a ~24 °C ambient, checksum 00 by default', () => {
    const simulator = createCjmcu90614Simulator({ seed: 1 });
    const codec = createCjmcu90614Codec();
    for (let i = 0; i < 20; i++) {
      const { intervalMs, bytes } = simulator.idle?.() ?? { intervalMs: 0, bytes: new Uint8Array() };
      expect(intervalMs).toBe(70);
      expect(bytes[8]).toBe(0);
      const [event, ...rest] = temperatures(codec.decode(bytes));
      expect(rest).toEqual([]);
      expect(event?.ambientC).toBeGreaterThan(23.4);
      expect(event?.ambientC).toBeLessThan(24.6);
      expect(Math.abs((event?.objectC ?? 0) - (event?.ambientC ?? 0))).toBeLessThanOrEqual(0.2);
    }
    expect(codec.counters).toEqual({ ...clean, frames: 20 });
  });

  it('round-trips a person stepping up with either checksum', () => {
    for (const checksum of ['sum', 'zero'] as const) {
      for (let seed = 1; seed <= 10; seed++) {
        const chunks = createCjmcu90614Simulator({ seed, checksum }).emit({ kind: 'measure', bodyC: 37.4 });
        const codec = createCjmcu90614Codec();
        const events = temperatures(
          decodeAll(
            codec,
            chunks.map((chunk) => chunk.bytes),
          ),
        );
        expect(events).toHaveLength(25);
        expect(codec.counters).toEqual({ ...clean, frames: 25 });
        const targetC = 37.4 - NOMINAL_FOREHEAD_OFFSET_C;
        for (const event of events.slice(5, 20)) {
          expect(Math.abs((event.objectC ?? 0) - targetC)).toBeLessThanOrEqual(0.051);
        }
        expect(events[0]?.objectC).toBeLessThan(targetC - 1);
        expect(events[24]?.objectC).toBeLessThan(targetC - 1);
        expect(chunks.filter((chunk) => chunk.delayMs === 70)).toHaveLength(25);
      }
    }
  });

  it('repeats exactly for the same seed and ignores scans', () => {
    const wire = (seed: number) =>
      createCjmcu90614Simulator({ seed })
        .emit({ kind: 'measure', bodyC: 36.5 })
        .map((chunk) => `${chunk.delayMs}:${toHex(chunk.bytes)}`);
    expect(wire(42)).toEqual(wire(42));
    expect(wire(42)).not.toEqual(wire(43));
    expect(createCjmcu90614Simulator().emit({ kind: 'scan', text: '2024030117' })).toEqual([]);
  });
});

describe('CJMCU-90614 model', () => {
  it('encodes the documented commands', () => {
    expect(toHex(cjmcuCommand(CJMCU_CONTINUOUS))).toBe('66660156');
    expect(toHex(cjmcuCommand(CJMCU_QUERY))).toBe('66660256');
    expect(toHex(cjmcuCommand(CJMCU_BAUD_9600))).toBe('66661156');
    expect(toHex(cjmcuCommand(CJMCU_BAUD_57600))).toBe('66661256');
    expect(toHex(cjmcuCommand(CJMCU_BAUD_115200))).toBe('66661356');
  });

  it('switches to continuous output on open and self-tests with one query', () => {
    expect(cjmcu90614Model.role).toBe('thermometer');
    expect(cjmcu90614Model.reports).toBe('object');
    expect(cjmcu90614Model.defaultBaudRate).toBe(115200);
    expect(cjmcu90614Model.silenceTimeoutMs).toBe(2000);
    expect(cjmcu90614Model.commands?.onOpen?.map(toHex)).toEqual(['66660156']);
    const selfTest = cjmcu90614Model.commands?.selfTest;
    expect(selfTest && toHex(selfTest.request)).toBe('66660256');
    expect(selfTest?.timeoutMs).toBe(500);
    expect(cjmcu90614Model.createCodec().decode(FOREHEAD_ZERO_SUM)).toEqual([FOREHEAD_EVENT]);
  });
});

describe('CJMCU-90614 fixtures', () => {
  const replay = (name: string) => {
    const { transcript, result } = replayFixture(name);
    expect(transcript.header).toMatchObject({ model: 'cjmcu-90614', baudRate: 115200 });
    return result;
  };

  it('replays the normal transcript (00 checksums)', () => {
    const result = replay('cjmcu-90614-normal.jsonl');
    expect(result.mismatch).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.events).toHaveLength(68);
    expect(result.counters).toEqual({ ...clean, frames: 68 });
  });

  it('replays the faults transcript with every fault counted', () => {
    const result = replay('cjmcu-90614-faults.jsonl');
    expect(result.mismatch).toBeUndefined();
    expect(result.events).toHaveLength(9);
    expect(result.counters).toEqual({
      frames: 9,
      badChecksums: 3,
      bytesSkipped: 41,
      oversize: 0,
      resyncs: 5,
    });
  });
});
