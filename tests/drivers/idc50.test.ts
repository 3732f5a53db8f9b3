import { describe, expect, it } from 'vitest';
import {
  createIdc50Codec,
  createIdc50Simulator,
  encodeIdc50Frame,
  idc50Model,
} from '../../drivers/thermometer/idc50.ts';
import type { DeviceEvent } from '../../drivers/types.ts';
import { ascii, clean, concat, decodeAll, hex, replayFixture, toHex } from '../helpers/codec-kit.ts';

// docs/protocols.md §1c worked example: 36 + 7/10 = 36.7 °C, CS = (AA+55+06+24+07) & FF = 30.
// aa 55 06 24 07 30
const EXAMPLE = hex('aa5506240730');
const EXAMPLE_EVENT: DeviceEvent = { kind: 'temperature', bodyC: 36.7 };
// A fever, 38.4 °C: aa 55 06 26 04 2f
const FEVER = hex('aa550626042f');
const FEVER_EVENT: DeviceEvent = { kind: 'temperature', bodyC: 38.4 };
// EXAMPLE with its checksum off by one: aa 55 06 24 07 31
const BAD_CHECKSUM = hex('aa5506240731');
// Length byte 07: aa 55 07 24 07 31
const BAD_LENGTH = hex('aa5507240731');
// An ASCII-option block; its real content was never captured: 7b 54 3a 33 36 2e 37 2c 41 3a 32 34 2e 31 7d
const ASCII_BLOCK = ascii('{T:36.7,A:24.1}');
const _FRAME_LENGTH = 6;

describe('IDC-50 codec', () => {
  it('decodes the worked example of docs/protocols.md', () => {
    const codec = createIdc50Codec();
    expect(codec.decode(EXAMPLE)).toEqual([EXAMPLE_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1 });
  });

  it('encodes frames byte for byte, rounding to a tenth', () => {
    expect(toHex(encodeIdc50Frame(36.7))).toBe(toHex(EXAMPLE));
    expect(toHex(encodeIdc50Frame(38.4))).toBe(toHex(FEVER));
    expect(toHex(encodeIdc50Frame(36.66))).toBe(toHex(EXAMPLE));
    // 35.96 rounds up to 36.0: aa 55 06 24 00 29
    expect(toHex(encodeIdc50Frame(35.96))).toBe('aa5506240029');
  });

  it('decodes two frames in one chunk', () => {
    const codec = createIdc50Codec();
    expect(codec.decode(concat(EXAMPLE, FEVER))).toEqual([EXAMPLE_EVENT, FEVER_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 2 });
  });

  it('skips junk before a frame, a lone start byte included', () => {
    const codec = createIdc50Codec();
    expect(codec.decode(concat(hex('00 ff aa 13'), EXAMPLE))).toEqual([EXAMPLE_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, bytesSkipped: 4 });
  });

  it('counts and drops a bad checksum, then decodes the next frame', () => {
    const codec = createIdc50Codec();
    expect(codec.decode(concat(BAD_CHECKSUM, FEVER))).toEqual([FEVER_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, badChecksums: 1, bytesSkipped: 6, resyncs: 1 });
  });

  it('resynchronises on a length byte other than 06 and after a truncated frame', () => {
    const codec = createIdc50Codec();
    expect(decodeAll(codec, [BAD_LENGTH, EXAMPLE.subarray(0, 4), FEVER])).toEqual([FEVER_EVENT]);
    // The truncated frame and the start of the next make 6 bytes with a bad checksum.
    expect(codec.counters).toEqual({ ...clean, frames: 1, badChecksums: 1, bytesSkipped: 10, resyncs: 2 });
  });

  it('skips ASCII blocks, whole or split across chunks', () => {
    const codec = createIdc50Codec();
    expect(codec.decode(concat(ASCII_BLOCK, EXAMPLE))).toEqual([EXAMPLE_EVENT]);
    expect(decodeAll(codec, [ASCII_BLOCK.subarray(0, 7), ASCII_BLOCK.subarray(7), FEVER])).toEqual([
      FEVER_EVENT,
    ]);
    expect(codec.counters).toEqual({ ...clean, frames: 2, bytesSkipped: 2 * ASCII_BLOCK.length });
  });

  it('takes an ASCII block that follows a lone start byte for one', () => {
    const codec = createIdc50Codec();
    const long = ascii(`{${'x'.repeat(140)}}`);
    expect(codec.decode(concat(hex('aa'), long, FEVER))).toEqual([FEVER_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 1, bytesSkipped: 1 + long.length, oversize: 1 });
  });

  it('lets a frame cut an ASCII block short', () => {
    const codec = createIdc50Codec();
    expect(codec.decode(concat(ascii('{T:36.5,A:2'), EXAMPLE, ascii('}'), FEVER))).toEqual([
      EXAMPLE_EVENT,
      FEVER_EVENT,
    ]);
    expect(codec.counters).toEqual({ ...clean, frames: 2, bytesSkipped: 12 });
  });

  it('counts an ASCII block over 128 bytes once as oversize', () => {
    const exactly128 = ascii(`{${'x'.repeat(126)}}`);
    const codec = createIdc50Codec();
    expect(codec.decode(concat(exactly128, EXAMPLE))).toEqual([EXAMPLE_EVENT]);
    expect(codec.counters.oversize).toBe(0);
    const tooLong = ascii(`{${'x'.repeat(200)}}`);
    expect(decodeAll(codec, [tooLong.subarray(0, 100), tooLong.subarray(100), FEVER])).toEqual([FEVER_EVENT]);
    expect(codec.counters).toEqual({ ...clean, frames: 2, bytesSkipped: 128 + 202, oversize: 1 });
  });
});

describe('IDC-50 simulator', () => {
  it('sends one frame per reading, sometimes after an ASCII block, and nothing while idle', () => {
    const temperaturesC = [36.6, 35.9, 37.5, 38.2, 36, 36.95];
    let blocks = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const simulator = createIdc50Simulator({ seed });
      expect(simulator.idle).toBeUndefined();
      const codec = createIdc50Codec();
      let skipped = 0;
      for (const bodyC of temperaturesC) {
        const chunks = simulator.emit({ kind: 'measure', bodyC });
        if (chunks[0]?.bytes[0] === 0x7b) {
          blocks++;
          skipped += chunks[0].bytes.length;
        }
        expect(
          decodeAll(
            codec,
            chunks.map((chunk) => chunk.bytes),
          ),
        ).toEqual([{ kind: 'temperature', bodyC: Math.round(bodyC * 10) / 10 }]);
      }
      expect(codec.counters).toEqual({ ...clean, frames: temperaturesC.length, bytesSkipped: skipped });
    }
    expect(blocks).toBeGreaterThan(0);
    expect(blocks).toBeLessThan(20 * temperaturesC.length);
  });

  it('repeats exactly for the same seed and ignores scans', () => {
    const wire = (seed: number) =>
      createIdc50Simulator({ seed })
        .emit({ kind: 'measure', bodyC: 36.5 })
        .map((chunk) => `${chunk.delayMs}:${toHex(chunk.bytes)}`);
    expect(wire(42)).toEqual(wire(42));
    expect(createIdc50Simulator().emit({ kind: 'scan', text: '2024030117' })).toEqual([]);
  });
});

describe('IDC-50 model', () => {
  it('sends no commands and has no silence timeout: the module talks only when someone is there', () => {
    expect(idc50Model.role).toBe('thermometer');
    expect(idc50Model.reports).toBe('body');
    expect(idc50Model.defaultBaudRate).toBe(115200);
    expect(idc50Model.commands).toBeUndefined();
    expect(idc50Model.silenceTimeoutMs).toBeUndefined();
    expect(idc50Model.createCodec().decode(EXAMPLE)).toEqual([EXAMPLE_EVENT]);
  });
});

describe('IDC-50 fixtures', () => {
  const replay = (name: string) => {
    const { transcript, result } = replayFixture(name);
    expect(transcript.header).toMatchObject({ model: 'idc50', baudRate: 115200 });
    return result;
  };

  it('replays the normal transcript: eight students', () => {
    const result = replay('idc50-normal.jsonl');
    expect(result.mismatch).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.events.map((event) => (event.kind === 'temperature' ? event.bodyC : undefined))).toEqual([
      36.6, 36.4, 37.9, 36.8, 35.9, 36.5, 38.4, 36.7,
    ]);
    expect(result.counters).toEqual({ ...clean, frames: 8, bytesSkipped: 45 });
  });

  it('replays the faults transcript with every fault counted', () => {
    const result = replay('idc50-faults.jsonl');
    expect(result.mismatch).toBeUndefined();
    expect(result.events).toHaveLength(12);
    expect(result.counters).toEqual({
      frames: 12,
      badChecksums: 3,
      bytesSkipped: 205,
      oversize: 1,
      resyncs: 4,
    });
  });
});
