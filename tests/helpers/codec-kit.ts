/**
 * The properties every codec keeps, run over every model of `drivers/registry.ts`: it never throws on
 * arbitrary bytes and decodes a frame once the noise is settled; any split of the bytes gives the same
 * events and counters; every byte fed is in a frame, skipped or held (at most one frame's worth); frames
 * embedded in junk all come out; its fixtures replay. A model's own test keeps only what is special to it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DeviceModelName, deviceModelNames, deviceModels } from '../../drivers/registry.ts';
import {
  parseTranscript,
  type ReplayResult,
  replayTranscript,
  type Transcript,
} from '../../drivers/replay.ts';
import type { Codec, DeviceEvent, SimulatedAction } from '../../drivers/types.ts';

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
export const hex = (digits: string): Uint8Array =>
  Uint8Array.from(Buffer.from(digits.replace(/\s/g, ''), 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
export const clean = { frames: 0, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 };

/** Every chunk decoded in turn, at `nowMs` when given; the events of all of them. */
export function decodeAll(codec: Codec, chunks: Uint8Array[], nowMs?: number): DeviceEvent[] {
  return chunks.flatMap((chunk) => codec.decode(chunk, nowMs));
}

/** `bytes` cut into chunks of `sizes`, taken in turn and repeated until the bytes run out. */
export function cutBySizes(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let start = 0, i = 0; start < bytes.length; i++) {
    const end = Math.min(bytes.length, start + (sizes[i % sizes.length] ?? 1));
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}

export function byteByByte(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (byte) => Uint8Array.of(byte));
}

const transcriptsDir = fileURLToPath(new URL('../../fixtures/transcripts/', import.meta.url));

/** The fixture transcripts of one model, by file name. */
export function fixtureNames(model: DeviceModelName): string[] {
  return readdirSync(transcriptsDir)
    .filter((name) => name.startsWith(`${model}-`) && name.endsWith('.jsonl'))
    .sort();
}

export function readTranscript(name: string): Transcript {
  return parseTranscript(readFileSync(`${transcriptsDir}${name}`, 'utf8'));
}

/** Replays one fixture through a fresh codec of the model its header names. */
export function replayFixture(name: string): { transcript: Transcript; result: ReplayResult } {
  const transcript = readTranscript(name);
  const model = deviceModels[transcript.header.model as DeviceModelName];
  if (model === undefined) throw new Error(`${name}: no model "${transcript.header.model}"`);
  return { transcript, result: replayTranscript(transcript, model.createCodec()) };
}

/** Bytes a device sends, with the events and frames they must decode to. */
export interface Frames {
  bytes: Uint8Array;
  events: DeviceEvent[];
  /** Frames the codec counts for these bytes (default: one). */
  frames?: number;
  /** Host replies the codec owes for them (models with `takeReplies`). */
  replies?: number;
}

/**
 * Frames with junk before each and after the last, as one stream. `skippedOf` says how many of a junk's
 * bytes the model counts in `bytesSkipped` (default: all of them; `false`: the model does not say).
 */
export function embedded(
  frames: fc.Arbitrary<Frames[]>,
  junk: fc.Arbitrary<Uint8Array>,
  skippedOf: ((junk: Uint8Array) => number) | false = (bytes) => bytes.length,
): fc.Arbitrary<Frames & { skipped?: number }> {
  return frames.chain((items) =>
    fc.array(junk, { minLength: items.length + 1, maxLength: items.length + 1 }).map((junks) => {
      const parts = items.flatMap((item, i) => [junks[i] ?? new Uint8Array(), item.bytes]);
      parts.push(junks[items.length] ?? new Uint8Array());
      const stream: Frames & { skipped?: number } = {
        bytes: concat(...parts),
        events: items.flatMap((item) => item.events),
        frames: items.reduce((sum, item) => sum + (item.frames ?? 1), 0),
        replies: items.reduce((sum, item) => sum + (item.replies ?? 0), 0),
      };
      if (skippedOf) stream.skipped = junks.reduce((sum, bytes) => sum + skippedOf(bytes), 0);
      return stream;
    }),
  );
}

export interface CodecCase {
  /** One whole frame (or reading); its events come out on its last byte. None for a model that decodes nothing. */
  sample?: { bytes: Uint8Array; events: DeviceEvent[] };
  /** What ends whatever arbitrary bytes left held: bytes no frame can continue, and/or a pause (ms) before the sample. */
  settle: { bytes?: Uint8Array; pauseMs?: number };
  /** Models of one frame length: the codec never holds a whole frame, and once settled every byte fed is in a frame or skipped. */
  frameLength?: number;
  /** Frames embedded in junk: all come out, whatever the chunks; `skipped` when the model counts the junk so. */
  stream?: fc.Arbitrary<Frames & { skipped?: number }>;
  /** What a person does in front of the model's simulator. */
  action?: SimulatedAction;
}

const RUNS = { numRuns: 200 };
const chunkSizes = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 });

function repliesOf(codec: Codec): string {
  return (codec.takeReplies?.() ?? []).map(toHex).join(' ');
}

/** Whole in one chunk, and cut by `sizes`: the same events, counters and replies. */
function expectSplitInvariant(model: DeviceModelName, bytes: Uint8Array, sizes: number[]): void {
  const whole = deviceModels[model].createCodec();
  const cut = deviceModels[model].createCodec();
  const wholeEvents = whole.decode(bytes, 0);
  const wholeReplies = repliesOf(whole);
  const cutEvents: DeviceEvent[] = [];
  const cutReplies: string[] = [];
  for (const chunk of cutBySizes(bytes, sizes)) {
    cutEvents.push(...cut.decode(chunk, 0));
    const replies = repliesOf(cut);
    if (replies !== '') cutReplies.push(replies);
  }
  expect(cutEvents).toEqual(wholeEvents);
  expect(cut.counters).toEqual(whole.counters);
  expect(cutReplies.join(' ')).toBe(wholeReplies);
}

function neverThrows(model: DeviceModelName, spec: CodecCase): void {
  const arbitraryChunks = fc.array(
    fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 200 })),
    {
      maxLength: 20,
    },
  );
  fc.assert(
    fc.property(arbitraryChunks, (chunks) => {
      const codec = deviceModels[model].createCodec();
      const { frameLength } = spec;
      let fed = 0;
      let nowMs = 0;
      const held = (): number =>
        fed - (frameLength ?? 0) * codec.counters.frames - codec.counters.bytesSkipped;
      for (const [chunk, gapMs] of chunks) {
        nowMs += gapMs;
        expect(() => codec.decode(chunk, nowMs)).not.toThrow();
        fed += chunk.length;
        if (frameLength !== undefined) {
          expect(held()).toBeGreaterThanOrEqual(0);
          expect(held()).toBeLessThan(frameLength);
        }
      }
      for (const value of Object.values(codec.counters))
        expect(Number.isInteger(value) && value >= 0).toBe(true);
      if (spec.settle.bytes) {
        codec.decode(spec.settle.bytes, nowMs);
        fed += spec.settle.bytes.length;
      }
      if (frameLength !== undefined) expect(held()).toBe(0);
      if (spec.sample === undefined) {
        expect(codec.counters).toEqual({ ...clean, bytesSkipped: fed });
        return;
      }
      const before = codec.counters.frames;
      const events = codec.decode(spec.sample.bytes, nowMs + (spec.settle.pauseMs ?? 0));
      expect(events.slice(-Math.max(1, spec.sample.events.length))).toEqual(spec.sample.events);
      expect(codec.counters.frames).toBeGreaterThan(before);
    }),
    RUNS,
  );
}

function completesOnLastByte(model: DeviceModelName, sample: NonNullable<CodecCase['sample']>): void {
  for (let cut = 1; cut < sample.bytes.length; cut++) {
    const codec = deviceModels[model].createCodec();
    expect(codec.decode(sample.bytes.subarray(0, cut), 0)).toEqual([]);
    expect(codec.decode(sample.bytes.subarray(cut), 0)).toEqual(sample.events);
  }
  const codec = deviceModels[model].createCodec();
  const results = byteByByte(sample.bytes).map((byte) => codec.decode(byte, 0));
  expect(results.slice(0, -1).flat()).toEqual([]);
  expect(results.at(-1)).toEqual(sample.events);
}

/** Runs the shared properties over every model of the registry; `cases` must name each one. */
export function codecKit(cases: Record<DeviceModelName, CodecCase>): void {
  describe.each(deviceModelNames)('%s codec (shared properties)', (model) => {
    const spec = cases[model];
    const { sample, stream, action } = spec;

    it('never throws on arbitrary bytes, accounts for every byte and decodes a frame once settled', () => {
      neverThrows(model, spec);
    });

    if (sample)
      it('decodes its sample split anywhere, completing on its last byte', () => {
        completesOnLastByte(model, sample);
      });

    if (stream)
      it('recovers every frame embedded in junk, however it is chunked', () => {
        fc.assert(
          fc.property(stream, chunkSizes, (frames, sizes) => {
            const codec = deviceModels[model].createCodec();
            expect(decodeAll(codec, cutBySizes(frames.bytes, sizes), 0)).toEqual(frames.events);
            expect(codec.counters.frames).toBe(frames.frames ?? frames.events.length);
            expect(codec.counters.badChecksums).toBe(0);
            if (frames.skipped !== undefined) expect(codec.counters.bytesSkipped).toBe(frames.skipped);
            if (frames.replies) expect(codec.takeReplies?.()).toHaveLength(frames.replies);
            expectSplitInvariant(model, frames.bytes, sizes);
          }),
          RUNS,
        );
      });

    it('gives the same events, counters and replies for any split of its fixtures and simulated bytes', () => {
      const sources = fixtureNames(model).map((name) =>
        concat(
          ...readTranscript(name).entries.flatMap((entry) =>
            entry.type === 'chunk' && entry.dir === 'rx' ? [entry.bytes] : [],
          ),
        ),
      );
      if (action) {
        const simulator = deviceModels[model].createSimulator({ seed: 7 });
        sources.push(concat(...[1, 2, 3].flatMap(() => simulator.emit(action).map((c) => c.bytes))));
      }
      fc.assert(
        fc.property(fc.constantFrom(...sources), chunkSizes, (bytes, sizes) =>
          expectSplitInvariant(model, bytes, sizes),
        ),
        { numRuns: 50 },
      );
    });

    it('has normal traffic, faults when it receives anything, and every fixture replays', () => {
      const names = fixtureNames(model);
      expect(names).toContain(`${model}-normal.jsonl`);
      if (sample) expect(names).toContain(`${model}-faults.jsonl`);
      for (const name of names) {
        const text = readFileSync(`${transcriptsDir}${name}`, 'utf8');
        const { transcript, result } = replayFixture(name);
        expect(transcript.header.model).toBe(model);
        expect(result.mismatch).toBeUndefined();
        expect(result.ok).toBe(true);
        expect(result.events).toHaveLength(
          text.split('\n').filter((line) => line.startsWith('{"expect"')).length,
        );
      }
    });
  });
}
