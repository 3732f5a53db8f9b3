import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLcusRelayCodec,
  createLcusRelaySimulator,
  lcusPulse,
  lcusRelayCommand,
  lcusRelayModel,
} from '../../drivers/relay/lcus-relay.ts';
import { parseTranscript, replayTranscript } from '../../drivers/replay.ts';
import { hex } from '../helpers/codec-kit.ts';

// A0 01 01 A2: channel 1 on; A0 01 00 A1: channel 1 off (docs/protocols.md §4, sum = (A0+ch+op) & FF).
const CH1_ON = hex('a0 01 01 a2');
const CH1_OFF = hex('a0 01 00 a1');

const transcriptsDir = fileURLToPath(new URL('../../fixtures/transcripts/', import.meta.url));

describe('LCUS-1 relay commands', () => {
  it('encodes the documented on and off commands', () => {
    expect(lcusRelayCommand(1, true)).toEqual(CH1_ON);
    expect(lcusRelayCommand(1, false)).toEqual(CH1_OFF);
    expect(lcusRelayCommand(2, true)).toEqual(hex('a0 02 01 a3'));
    expect(lcusRelayCommand(0x60, true)).toEqual(hex('a0 60 01 01'));
  });

  it('ends every command with the low byte of the sum of the first three', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), fc.boolean(), (channel, on) => {
        const [start, ch, op, sum] = lcusRelayCommand(channel, on);
        expect([start, ch, op]).toEqual([0xa0, channel, on ? 1 : 0]);
        expect(sum).toBe((0xa0 + channel + (on ? 1 : 0)) & 0xff);
      }),
      { numRuns: 200 },
    );
  });

  it('builds a pulse as on, a wait, then off', () => {
    expect(lcusPulse(1, 800)).toEqual({ on: CH1_ON, off: CH1_OFF, afterMs: 800 });
  });

  it('refuses a channel or pulse length that cannot be right', () => {
    expect(() => lcusRelayCommand(0, true)).toThrow(RangeError);
    expect(() => lcusRelayCommand(256, true)).toThrow(RangeError);
    expect(() => lcusRelayCommand(1.5, true)).toThrow(RangeError);
    expect(() => lcusPulse(1, -1)).toThrow(RangeError);
    expect(() => lcusPulse(1, Number.NaN)).toThrow(RangeError);
  });
});

describe('LCUS-1 relay codec and simulator', () => {
  it('decodes nothing and counts every received byte as skipped', () => {
    const codec = createLcusRelayCodec();
    expect(codec.decode(hex('a0 01 01 a2 ff 00'))).toEqual([]);
    expect(codec.decode(new Uint8Array())).toEqual([]);
    expect(codec.counters).toEqual({ frames: 0, badChecksums: 0, bytesSkipped: 6, oversize: 0, resyncs: 0 });
  });

  it('simulates a silent board', () => {
    const simulator = createLcusRelaySimulator();
    expect(simulator.emit({ kind: 'scan', text: '2024030117' })).toEqual([]);
    expect(simulator.respond?.(CH1_ON)).toEqual([]);
  });

  it('is a relay with no self-test', () => {
    expect(lcusRelayModel.role).toBe('relay');
    expect(lcusRelayModel.defaultBaudRate).toBe(9600);
    expect(lcusRelayModel.commands?.selfTest).toBeUndefined();
    expect(lcusRelayModel.label).toMatch(/no self-test/);
  });

  it('replays its fixture of host writes only', () => {
    const transcript = parseTranscript(readFileSync(`${transcriptsDir}lcus-relay-normal.jsonl`, 'utf8'));
    expect(transcript.header.model).toBe('lcus-relay');
    const chunks = transcript.entries.flatMap((entry) => (entry.type === 'chunk' ? [entry] : []));
    expect(chunks.every((chunk) => chunk.dir === 'tx')).toBe(true);
    expect(chunks.map((chunk) => Buffer.from(chunk.bytes).toString('hex'))).toEqual([
      'a00101a2',
      'a00100a1',
      'a00101a2',
      'a00100a1',
    ]);
    const result = replayTranscript(transcript, lcusRelayModel.createCodec());
    expect(result.ok).toBe(true);
    expect(result.events).toEqual([]);
  });
});
