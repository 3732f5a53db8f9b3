import { describe, expect, it } from 'vitest';
import {
  createGyMcu90614Codec,
  createGyMcu90614Simulator,
  encodeGyMcu90614Frame,
  GY_MCU_AUTO_OUTPUT_OFF,
  GY_MCU_AUTO_OUTPUT_ON,
  GY_MCU_BAUD_9600,
  GY_MCU_BAUD_115200,
  GY_MCU_CONTINUOUS,
  GY_MCU_QUERY,
  gyMcu90614Model,
  gyMcuCommand,
} from '../../drivers/thermometer/gy-mcu90614.ts';
import type { DeviceEvent, TemperatureEvent } from '../../drivers/types.ts';
import { NOMINAL_FOREHEAD_OFFSET_C } from '../../drivers/types.ts';
import { clean, concat, decodeAll, hex, replayFixture, toHex } from '../helpers/codec-kit.ts';

// docs/protocols.md §1a worked example: object 0x0C78 = 31.92 °C, ambient 0x0D19 = 33.53 °C, sum 0x1A7 → A7.
// 5a 5a 45 04 0c 78 0d 19 a7
const EXAMPLE = hex('5a5a45040c780d19a7');
const EXAMPLE_EVENT: DeviceEvent = { kind: 'temperature', objectC: 31.92, ambientC: 33.53 };
// A forehead at 34.56 °C in a 24.10 °C room: 5a 5a 45 04 0d 80 09 6a fd
const FOREHEAD = hex('5a5a45040d80096afd');
const FOREHEAD_EVENT: DeviceEvent = { kind: 'temperature', objectC: 34.56, ambientC: 24.1 };
// A cold morning, object 1.25 °C, ambient −3.50 °C (0xFEA2): 5a 5a 45 04 00 7d fe a2 1a
const COLD = hex('5a5a4504007dfea21a');
const COLD_EVENT: DeviceEvent = { kind: 'temperature', objectC: 1.25, ambientC: -3.5 };
// FOREHEAD with its checksum off by one: 5a 5a 45 04 0d 80 09 6a fe
const BAD_CHECKSUM = hex('5a5a45040d80096afe');
// Length byte 05 instead of 04, otherwise FOREHEAD: 5a 5a 45 05 0d 80 09 6a fe
const BAD_LENGTH = hex('5a5a45050d80096afe');
const _FRAME_LENGTH = 9;

function temperatures(events: DeviceEvent[]): TemperatureEvent[] {
  return events.filter((event): event is TemperatureEvent => event.kind === 'temperature');
}

describe('GY-MCU90614 codec', () => {
  it('decodes the worked example of docs/protocols.md', () => {
    const codec = createGyMcu90614Codec();
    expect(codec.decode(EXAMPLE)).toEqual([EXAMPLE_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1 });
  });

  it('reads both temperatures as signed', () => {
    expect(createGyMcu90614Codec().decode(COLD)).toEqual([COLD_EVENT]);
  });

  it('encodes frames byte for byte as the module sends them', () => {
    expect(toHex(encodeGyMcu90614Frame(31.92, 33.53))).toBe(toHex(EXAMPLE));
    expect(toHex(encodeGyMcu90614Frame(34.56, 24.1))).toBe(toHex(FOREHEAD));
    expect(toHex(encodeGyMcu90614Frame(1.25, -3.5))).toBe(toHex(COLD));
  });

  it('decodes two frames in one chunk', () => {
    const codec = createGyMcu90614Codec();
    expect(codec.decode(concat(EXAMPLE, FOREHEAD))).toEqual([EXAMPLE_EVENT, FOREHEAD_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 2 });
  });

  it('skips junk before a frame, a lone start byte included', () => {
    const codec = createGyMcu90614Codec();
    expect(codec.decode(concat(hex('00 ff 5a 13 37'), EXAMPLE))).toEqual([EXAMPLE_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, bytesSkipped: 5 });
  });

  it('finds a frame after extra start bytes', () => {
    const codec = createGyMcu90614Codec();
    expect(codec.decode(concat(hex('5a 5a 5a'), EXAMPLE))).toEqual([EXAMPLE_EVENT]);
    // Each extra 5A makes one candidate 5A 5A 5A that fails at the length byte.
    expect(codec.counters).toEqual({ ...clean, frames: 1, bytesSkipped: 3, resyncs: 3 });
  });

  it('counts and drops a bad checksum, then decodes the next frame', () => {
    const codec = createGyMcu90614Codec();
    expect(codec.decode(concat(BAD_CHECKSUM, EXAMPLE))).toEqual([EXAMPLE_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, badChecksums: 1, bytesSkipped: 9, resyncs: 1 });
  });

  it('resynchronises on a length byte other than 04', () => {
    const codec = createGyMcu90614Codec();
    expect(codec.decode(concat(BAD_LENGTH, FOREHEAD))).toEqual([FOREHEAD_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, bytesSkipped: 9, resyncs: 1 });
  });

  it('loses only the truncated frame when a whole one follows it', () => {
    const codec = createGyMcu90614Codec();
    expect(decodeAll(codec, [EXAMPLE.subarray(0, 5), FOREHEAD, EXAMPLE])).toEqual([
      FOREHEAD_EVENT,
      EXAMPLE_EVENT,
    ]);
    expect(codec.counters).toEqual({ ...clean, frames: 2, badChecksums: 1, bytesSkipped: 5, resyncs: 1 });
  });

  it('does not check the data type byte', () => {
    // 5a 5a 15 04 0d 80 09 6a cd: FOREHEAD with type 15 and its checksum fixed.
    const otherType = hex('5a5a15040d80096acd');
    expect(createGyMcu90614Codec().decode(otherType)).toEqual([FOREHEAD_EVENT]);
  });
});

describe('GY-MCU90614 simulator', () => {
  it('streams an empty lane at ~14 Hz: object close to a ~24 °C ambient', () => {
    const simulator = createGyMcu90614Simulator({ seed: 1 });
    const codec = createGyMcu90614Codec();
    for (let i = 0; i < 20; i++) {
      const { intervalMs, bytes } = simulator.idle?.() ?? { intervalMs: 0, bytes: new Uint8Array() };
      expect(intervalMs).toBe(70);
      const [event, ...rest] = temperatures(codec.decode(bytes));
      expect(rest).toEqual([]);
      expect(event?.ambientC).toBeGreaterThan(23.4);
      expect(event?.ambientC).toBeLessThan(24.6);
      expect(Math.abs((event?.objectC ?? 0) - (event?.ambientC ?? 0))).toBeLessThanOrEqual(0.2);
    }
    expect(codec.counters).toEqual({ ...clean, frames: 20 });
  });

  it('shows a forehead stepping up, holding ~1 s at bodyC − the nominal offset, and leaving', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const simulator = createGyMcu90614Simulator({ seed });
      const chunks = simulator.emit({ kind: 'measure', bodyC: 36.8 });
      const codec = createGyMcu90614Codec();
      const events = temperatures(
        decodeAll(
          codec,
          chunks.map((chunk) => chunk.bytes),
        ),
      );
      expect(events).toHaveLength(25);
      expect(codec.counters).toEqual({ ...clean, frames: 25 });
      const objects = events.map((event) => event.objectC ?? Number.NaN);
      const targetC = 36.8 - NOMINAL_FOREHEAD_OFFSET_C;
      for (const objectC of objects.slice(5, 20))
        expect(Math.abs(objectC - targetC)).toBeLessThanOrEqual(0.051);
      for (let i = 1; i < 5; i++) expect(objects[i]).toBeGreaterThan(objects[i - 1] ?? Number.NaN);
      for (let i = 21; i < 25; i++) expect(objects[i]).toBeLessThan(objects[i - 1] ?? Number.NaN);
      expect(objects[0]).toBeLessThan(targetC - 1);
      expect(objects[24]).toBeLessThan(objects[0] ?? Number.NaN);
      // One or two chunks a frame, a new frame every 70 ms.
      expect(chunks.filter((chunk) => chunk.delayMs === 70)).toHaveLength(25);
      expect(chunks.length).toBeLessThanOrEqual(50);
    }
  });

  it('honours an explicit forehead and room temperature', () => {
    const chunks = createGyMcu90614Simulator({ seed: 4 }).emit({
      kind: 'measure',
      bodyC: 38,
      objectC: 35.5,
      ambientC: 12,
    });
    const events = temperatures(
      decodeAll(
        createGyMcu90614Codec(),
        chunks.map((chunk) => chunk.bytes),
      ),
    );
    for (const event of events.slice(5, 20))
      expect(Math.abs((event.objectC ?? 0) - 35.5)).toBeLessThanOrEqual(0.051);
    for (const event of events) expect(Math.abs((event.ambientC ?? 0) - 12)).toBeLessThanOrEqual(0.021);
  });

  it('repeats exactly for the same seed and differs for another', () => {
    const wire = (seed: number) =>
      createGyMcu90614Simulator({ seed })
        .emit({ kind: 'measure', bodyC: 36.5 })
        .map((chunk) => `${chunk.delayMs}:${toHex(chunk.bytes)}`);
    expect(wire(42)).toEqual(wire(42));
    expect(wire(42)).not.toEqual(wire(43));
  });

  it('ignores scans', () => {
    expect(createGyMcu90614Simulator().emit({ kind: 'scan', text: '2024030117' })).toEqual([]);
  });
});

describe('GY-MCU90614 model', () => {
  it('encodes the documented commands', () => {
    expect(toHex(gyMcuCommand(GY_MCU_CONTINUOUS))).toBe('a545ea');
    expect(toHex(gyMcuCommand(GY_MCU_QUERY))).toBe('a515ba');
    expect(toHex(gyMcuCommand(GY_MCU_BAUD_9600))).toBe('a5ae53');
    expect(toHex(gyMcuCommand(GY_MCU_BAUD_115200))).toBe('a5af54');
    expect(toHex(gyMcuCommand(GY_MCU_AUTO_OUTPUT_ON))).toBe('a551f6');
    expect(toHex(gyMcuCommand(GY_MCU_AUTO_OUTPUT_OFF))).toBe('a552f7');
  });

  it('switches to continuous output on open and self-tests with one query', () => {
    expect(gyMcu90614Model.role).toBe('thermometer');
    expect(gyMcu90614Model.reports).toBe('object');
    expect(gyMcu90614Model.defaultBaudRate).toBe(9600);
    expect(gyMcu90614Model.silenceTimeoutMs).toBe(2000);
    expect(gyMcu90614Model.commands?.onOpen?.map(toHex)).toEqual(['a545ea']);
    expect(gyMcu90614Model.commands?.poll).toBeUndefined();
    const selfTest = gyMcu90614Model.commands?.selfTest;
    expect(selfTest && toHex(selfTest.request)).toBe('a515ba');
    expect(selfTest?.timeoutMs).toBe(500);
    expect(gyMcu90614Model.createCodec().decode(EXAMPLE)).toEqual([EXAMPLE_EVENT]);
    expect(gyMcu90614Model.createSimulator({ seed: 2 }).idle).toBeTypeOf('function');
  });
});

describe('GY-MCU90614 fixtures', () => {
  const replay = (name: string) => {
    const replayed = replayFixture(name);
    expect(replayed.transcript.header).toMatchObject({ model: 'gy-mcu90614', baudRate: 9600 });
    return replayed;
  };

  it('replays the normal transcript: an empty lane and two students', () => {
    const { transcript, result } = replay('gy-mcu90614-normal.jsonl');
    expect(result.mismatch).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.events).toHaveLength(73);
    expect(result.counters).toEqual({ ...clean, frames: 73 });
    const firstTx = transcript.entries.find((entry) => entry.type === 'chunk' && entry.dir === 'tx');
    expect(firstTx?.type === 'chunk' && toHex(firstTx.bytes)).toBe('a545ea');
  });

  it('replays the faults transcript with every fault counted', () => {
    const { result } = replay('gy-mcu90614-faults.jsonl');
    expect(result.mismatch).toBeUndefined();
    expect(result.events).toHaveLength(11);
    // Skipped: 5 (opened mid-frame) + 9 (bad checksum) + 5 (noise) + 5 (truncated) + 8 (length 05) + 7 (disconnect).
    expect(result.counters).toEqual({
      frames: 11,
      badChecksums: 2,
      bytesSkipped: 39,
      oversize: 0,
      resyncs: 4,
    });
  });
});
