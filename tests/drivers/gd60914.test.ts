import { describe, expect, it } from 'vitest';
import {
  createGd60914Codec,
  createGd60914Simulator,
  encodeGd60914Reply,
  GD60914_READ_FOREHEAD,
  GD60914_READ_OBJECT,
  GD60914_READ_WRIST,
  GD60914_SINGLE_SHOT,
  gd60914CalibrateCommand,
  gd60914Command,
  gd60914Model,
  gd60914ResetCommand,
} from '../../drivers/thermometer/gd60914.ts';
import type { DeviceEvent } from '../../drivers/types.ts';
import { ascii, clean, concat, decodeAll, hex, replayFixture, toHex } from '../helpers/codec-kit.ts';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

// docs/protocols.md §1e: 7 ASCII bytes, atoi → tenths of °C. "0000366" → 36.6 °C.
// 30 30 30 30 33 36 36
const EXAMPLE = ascii('0000366');
const EXAMPLE_EVENT: DeviceEvent = { kind: 'temperature', bodyC: 36.6 };
// An empty lane: the chip reads the room, 25.1 °C. 30 30 30 30 32 35 31
const ROOM = ascii('0000251');
// Space padding, as atoi allows: 20 20 20 20 33 36 37
const SPACED = ascii('    367');
// Below zero: 2d 30 30 30 30 35 32 → −5.2 °C
const NEGATIVE = ascii('-000052');
const _REPLY_LENGTH = 7;

describe('GD60914 codec', () => {
  it('decodes the reply of docs/protocols.md', () => {
    const codec = createGd60914Codec();
    expect(codec.decode(EXAMPLE)).toEqual([EXAMPLE_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1 });
  });

  it('counts a reading of the room as a frame but reports no person', () => {
    const codec = createGd60914Codec();
    expect(codec.decode(ROOM)).toEqual([]);
    expect(codec.decode(NEGATIVE)).toEqual([]);
    expect(codec.counters).toEqual({ ...clean, frames: 2 });
  });

  it('reports 30.0 to 45.0 °C as a person, and nothing outside', () => {
    const codec = createGd60914Codec();
    expect(codec.decode(ascii('0000299'))).toEqual([]);
    expect(codec.decode(ascii('0000300'))).toEqual([{ kind: 'temperature', bodyC: 30 }]);
    expect(codec.decode(ascii('0000450'))).toEqual([{ kind: 'temperature', bodyC: 45 }]);
    expect(codec.decode(ascii('0000451'))).toEqual([]);
    expect(codec.counters.frames).toBe(4);
  });

  it('reads space padding and a sign as atoi does', () => {
    const codec = createGd60914Codec();
    expect(codec.decode(concat(SPACED, ascii('  +0371')))).toEqual([
      { kind: 'temperature', bodyC: 36.7 },
      { kind: 'temperature', bodyC: 37.1 },
    ]);
  });

  it('encodes replies as the chip sends them', () => {
    expect(text(encodeGd60914Reply(36.6))).toBe('0000366');
    expect(text(encodeGd60914Reply(25.06))).toBe('0000251');
    expect(text(encodeGd60914Reply(-5.2))).toBe('-000052');
  });

  it('decodes two replies in one chunk', () => {
    const codec = createGd60914Codec();
    expect(codec.decode(concat(EXAMPLE, ROOM, SPACED))).toEqual([
      EXAMPLE_EVENT,
      { kind: 'temperature', bodyC: 36.7 },
    ]);
    expect(codec.counters).toEqual({ ...clean, frames: 3 });
  });

  it('skips bytes outside a reply without losing its thread', () => {
    const codec = createGd60914Codec();
    expect(codec.decode(concat(ascii('\r\n'), hex('ff 00'), EXAMPLE, ascii('\r\n')))).toEqual([
      EXAMPLE_EVENT,
    ]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, bytesSkipped: 6 });
  });

  it('abandons a reply at a byte that cannot continue it and decodes the next', () => {
    const codec = createGd60914Codec();
    expect(codec.decode(concat(ascii('00@'), EXAMPLE))).toEqual([EXAMPLE_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, bytesSkipped: 3, resyncs: 1 });
    // A space or a sign after a digit cannot continue a reply, but can begin the next.
    expect(codec.decode(ascii('036   0366'))).toEqual([EXAMPLE_EVENT]);
    expect(codec.decode(ascii('03-000052'))).toEqual([]);
    expect(codec.counters).toEqual({ ...clean, frames: 3, bytesSkipped: 3 + 3 + 2, resyncs: 3 });
  });

  it('drops a reply left unfinished past the 50 ms reply window', () => {
    const codec = createGd60914Codec();
    expect(codec.decode(ascii('000'), 1000)).toEqual([]);
    expect(codec.decode(ascii('0000371'), 1300)).toEqual([{ kind: 'temperature', bodyC: 37.1 }]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, bytesSkipped: 3, resyncs: 1 });
    // Within the window the pieces belong together.
    expect(codec.decode(ascii('0000'), 1600)).toEqual([]);
    expect(codec.decode(ascii('366'), 1650)).toEqual([EXAMPLE_EVENT]);
  });

  it('without chunk times, a cut reply runs into the next; its misreading is no person', () => {
    const codec = createGd60914Codec();
    expect(decodeAll(codec, [ascii('0003'), EXAMPLE, EXAMPLE])).toEqual([]);
    // "0003000" (0.3 °C), then "0366000" (36600.0 °C), with "0366" still held.
    expect(codec.counters).toEqual({ ...clean, frames: 2 });
  });
});

describe('GD60914 simulator', () => {
  const forehead = gd60914Command(GD60914_READ_FOREHEAD);

  it('answers a forehead poll with the room while nobody is there', () => {
    const simulator = createGd60914Simulator({ seed: 1 });
    const codec = createGd60914Codec();
    for (let i = 0; i < 10; i++) {
      const chunks = simulator.respond?.(forehead) ?? [];
      expect(chunks.length).toBeGreaterThanOrEqual(1);
      expect(chunks.length).toBeLessThanOrEqual(2);
      const reply = concat(...chunks.map((chunk) => chunk.bytes));
      expect(reply).toHaveLength(7);
      const tenths = Number(text(reply));
      expect(tenths).toBeGreaterThanOrEqual(246);
      expect(tenths).toBeLessThanOrEqual(254);
      expect(decodeAll(codec, [reply])).toEqual([]);
    }
    expect(codec.counters).toEqual({ ...clean, frames: 10 });
  });

  it('sends nothing for a measure, then answers the next five polls with the person', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const simulator = createGd60914Simulator({ seed });
      const codec = createGd60914Codec();
      expect(simulator.emit({ kind: 'measure', bodyC: 37.3 })).toEqual([]);
      const answers = Array.from({ length: 7 }, () =>
        decodeAll(
          codec,
          (simulator.respond?.(forehead) ?? []).map((chunk) => chunk.bytes),
        ),
      );
      expect(answers).toEqual([
        ...Array.from({ length: 5 }, () => [{ kind: 'temperature', bodyC: 37.3 }]),
        [],
        [],
      ]);
      expect(codec.counters).toEqual({ ...clean, frames: 7 });
    }
  });

  it('answers object and wrist reads, several in one write, and ignores the mode command', () => {
    const simulator = createGd60914Simulator({ seed: 3 });
    expect(simulator.respond?.(gd60914Command(GD60914_SINGLE_SHOT))).toEqual([]);
    simulator.emit({ kind: 'measure', bodyC: 37.3 });
    const chunks =
      simulator.respond?.(Uint8Array.of(GD60914_READ_OBJECT, GD60914_READ_WRIST, GD60914_READ_FOREHEAD)) ??
      [];
    expect(text(concat(...chunks.map((chunk) => chunk.bytes)))).toBe('000035300003730000373');
    for (const chunk of chunks) expect(chunk.delayMs).toBeLessThanOrEqual(20);
  });

  it('repeats exactly for the same seed', () => {
    const wire = (seed: number) => {
      const simulator = createGd60914Simulator({ seed });
      return Array.from({ length: 5 }, () => simulator.respond?.(forehead) ?? [])
        .flat()
        .map((chunk) => `${chunk.delayMs}:${toHex(chunk.bytes)}`);
    };
    expect(wire(42)).toEqual(wire(42));
    expect(wire(42)).not.toEqual(wire(43));
  });
});

describe('GD60914 model', () => {
  it('encodes the documented commands', () => {
    expect(toHex(gd60914Command(GD60914_SINGLE_SHOT))).toBe('a1');
    expect(toHex(gd60914Command(GD60914_READ_OBJECT))).toBe('aa');
    expect(toHex(gd60914Command(GD60914_READ_FOREHEAD))).toBe('ab');
    expect(toHex(gd60914Command(GD60914_READ_WRIST))).toBe('ac');
    expect(toHex(gd60914CalibrateCommand(35))).toBe('a9a2010c05');
    expect(toHex(gd60914CalibrateCommand(42))).toBe('a9a2010e0d');
    expect(toHex(gd60914ResetCommand())).toBe('a9a2010602');
  });

  it('sets single-shot mode on open and polls the forehead every 300 ms', () => {
    expect(gd60914Model.role).toBe('thermometer');
    expect(gd60914Model.reports).toBe('body');
    expect(gd60914Model.defaultBaudRate).toBe(9600);
    expect(gd60914Model.silenceTimeoutMs).toBe(2000);
    const commands = gd60914Model.commands;
    expect(commands?.onOpen?.map(toHex)).toEqual(['a1']);
    expect(commands?.poll && toHex(commands.poll.request)).toBe('ab');
    expect(commands?.poll?.intervalMs).toBe(300);
    expect(commands?.selfTest && toHex(commands.selfTest.request)).toBe('ab');
    expect(commands?.selfTest?.timeoutMs).toBe(500);
    expect(gd60914Model.createCodec().decode(EXAMPLE)).toEqual([EXAMPLE_EVENT]);
  });
});

describe('GD60914 fixtures', () => {
  const replay = (name: string) => {
    const replayed = replayFixture(name);
    expect(replayed.transcript.header).toMatchObject({ model: 'gd60914', baudRate: 9600 });
    return replayed;
  };

  it('replays the normal transcript: polls of an empty lane and three students', () => {
    const { transcript, result } = replay('gd60914-normal.jsonl');
    expect(result.mismatch).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.events.map((event) => (event.kind === 'temperature' ? event.bodyC : undefined))).toEqual([
      ...Array(5).fill(36.6),
      ...Array(5).fill(37.8),
      ...Array(5).fill(36.2),
    ]);
    expect(result.counters).toEqual({ ...clean, frames: 34 });
    const tx = transcript.entries.flatMap((entry) =>
      entry.type === 'chunk' && entry.dir === 'tx' ? [toHex(entry.bytes)] : [],
    );
    expect(tx[0]).toBe('a1');
    expect(tx.slice(1)).toEqual(Array(34).fill('ab'));
  });

  it('replays the faults transcript with every fault counted', () => {
    const { result } = replay('gd60914-faults.jsonl');
    expect(result.mismatch).toBeUndefined();
    expect(result.events).toHaveLength(9);
    expect(result.counters).toEqual({
      frames: 14,
      badChecksums: 0,
      bytesSkipped: 29,
      oversize: 0,
      resyncs: 7,
    });
  });
});
