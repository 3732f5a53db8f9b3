import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTranscript, replayTranscript } from '../../drivers/replay.ts';
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
import type { Codec, DeviceEvent } from '../../drivers/types.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (digits: string): Uint8Array => Uint8Array.from(Buffer.from(digits.replace(/\s/g, ''), 'hex'));
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

// protocols.md §1e: 7 ASCII bytes, atoi → tenths of °C. "0000366" → 36.6 °C.
// 30 30 30 30 33 36 36
const EXAMPLE = ascii('0000366');
const EXAMPLE_EVENT: DeviceEvent = { kind: 'temperature', bodyC: 36.6 };
// An empty lane: the chip reads the room, 25.1 °C. 30 30 30 30 32 35 31
const ROOM = ascii('0000251');
// Space padding, as atoi allows: 20 20 20 20 33 36 37
const SPACED = ascii('    367');
// Below zero: 2d 30 30 30 30 35 32 → −5.2 °C
const NEGATIVE = ascii('-000052');
const REPLY_LENGTH = 7;

const clean = { frames: 0, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 };

function decodeAll(codec: Codec, chunks: Uint8Array[]): DeviceEvent[] {
  return chunks.flatMap((chunk) => codec.decode(chunk));
}

function cutBySizes(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let start = 0, i = 0; start < bytes.length; i++) {
    const end = Math.min(bytes.length, start + (sizes[i % sizes.length] ?? 1));
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}

describe('GD60914 codec', () => {
  it('decodes the reply of protocols.md', () => {
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

  it('decodes a reply split at every byte boundary', () => {
    for (let cut = 1; cut < REPLY_LENGTH; cut++) {
      const codec = createGd60914Codec();
      expect(codec.decode(EXAMPLE.subarray(0, cut), 1000)).toEqual([]);
      expect(codec.decode(EXAMPLE.subarray(cut), 1002)).toEqual([EXAMPLE_EVENT]);
      expect(codec.counters).toEqual({ ...clean, frames: 1 });
    }
  });

  it('completes a reply delivered byte by byte on its last byte', () => {
    const codec = createGd60914Codec();
    const results = Array.from(EXAMPLE, (byte, i) => codec.decode(Uint8Array.of(byte), i));
    expect(results.slice(0, -1).flat()).toEqual([]);
    expect(results.at(-1)).toEqual([EXAMPLE_EVENT]);
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

  it('never throws on random bytes, keeps its counters consistent and decodes a reply afterwards', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 200 })), {
          maxLength: 20,
        }),
        (chunks) => {
          const codec = createGd60914Codec();
          let fed = 0;
          let nowMs = 0;
          for (const [chunk, gapMs] of chunks) {
            nowMs += gapMs;
            codec.decode(chunk, nowMs);
            fed += chunk.length;
            const held = fed - REPLY_LENGTH * codec.counters.frames - codec.counters.bytesSkipped;
            expect(held).toBeGreaterThanOrEqual(0);
            expect(held).toBeLessThan(REPLY_LENGTH);
          }
          // 'x' is never part of a reply: whatever was held is dropped.
          const flush = ascii('x');
          codec.decode(flush, nowMs);
          fed += flush.length;
          expect(fed).toBe(REPLY_LENGTH * codec.counters.frames + codec.counters.bytesSkipped);
          expect(codec.counters.badChecksums).toBe(0);
          const before = codec.counters.frames;
          expect(codec.decode(EXAMPLE, nowMs)).toEqual([EXAMPLE_EVENT]);
          expect(codec.counters.frames).toBe(before + 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('recovers every reply embedded in bytes that cannot be part of one, however it is chunked', () => {
    const replyBytes = new Set(ascii(' +-0123456789'));
    const junk = fc
      .uint8Array({ maxLength: 24 })
      .map((bytes) => bytes.map((b) => (replyBytes.has(b) ? 0x78 : b)));
    const reading = fc.record({
      tenths: fc.integer({ min: -99999, max: 999999 }),
      padding: fc.constantFrom(' ', '0'),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(junk, reading), { maxLength: 12 }),
        junk,
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 8 }),
        (pairs, tail, sizes) => {
          const parts: Uint8Array[] = [];
          const expected: DeviceEvent[] = [];
          let junkBytes = tail.length;
          for (const [noise, { tenths, padding }] of pairs) {
            const reply =
              padding === '0' ? encodeGd60914Reply(tenths / 10) : ascii(String(tenths).padStart(7, ' '));
            parts.push(noise, reply);
            if (tenths >= 300 && tenths <= 450) expected.push({ kind: 'temperature', bodyC: tenths / 10 });
            junkBytes += noise.length;
          }
          parts.push(tail);
          const codec = createGd60914Codec();
          expect(decodeAll(codec, cutBySizes(concat(...parts), sizes))).toEqual(expected);
          expect(codec.counters).toEqual({ ...clean, frames: pairs.length, bytesSkipped: junkBytes });
        },
      ),
      { numRuns: 200 },
    );
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
    const source = readFileSync(new URL(`../../fixtures/transcripts/${name}`, import.meta.url), 'utf8');
    const transcript = parseTranscript(source);
    expect(transcript.header).toMatchObject({ model: 'gd60914', baudRate: 9600 });
    return { transcript, result: replayTranscript(transcript, createGd60914Codec()) };
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
