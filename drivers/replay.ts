/**
 * Fixture transcripts (docs/protocols.md §5): JSON lines
 *   line 1    {"model":"k3-ascii","baudRate":115200,"note":"..."}
 *   chunk     {"t":12.5,"dir":"rx","hex":"5a5a45040c780d19a7"}   t = ms since start; rx device → host
 *   expect    {"expect":{"kind":"temperature","bodyC":36.694}}   right after the chunk that completes it
 * Chunks keep the split the port delivered, so a frame may straddle lines. Replay feeds rx chunks to the
 * codec in order; tx chunks are what the host wrote and are not decoded.
 */

import type { Codec, CodecCounters, DeviceEvent } from './types.ts';

export interface TranscriptHeader {
  model: string;
  baudRate: number;
  note?: string;
}

/** An event as an `expect` line states it: `kind` plus only the fields to compare. */
export type ExpectedEvent = { kind: DeviceEvent['kind'] } & Record<string, unknown>;

export type TranscriptEntry =
  | { type: 'chunk'; line: number; tMs: number; dir: 'rx' | 'tx'; bytes: Uint8Array }
  | { type: 'expect'; line: number; event: ExpectedEvent };

export interface Transcript {
  header: TranscriptHeader;
  entries: TranscriptEntry[];
}

export interface ReplayMismatch {
  /** 1-based line of the failing `expect`, or of the chunk whose event no `expect` line claims. */
  line: number;
  expected: ExpectedEvent | undefined;
  actual: DeviceEvent | undefined;
  message: string;
}

export interface ReplayResult {
  ok: boolean;
  mismatch?: ReplayMismatch;
  /** Every event the codec emitted up to the end or the first mismatch. */
  events: DeviceEvent[];
  counters: CodecCounters;
}

const NUMBER_TOLERANCE = 0.005;
const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(line: number, problem: string): never {
  throw new Error(`transcript line ${line}: ${problem}`);
}

export function parseTranscript(text: string): Transcript {
  const lines = text.split(/\r?\n/);
  let header: TranscriptHeader | undefined;
  const entries: TranscriptEntry[] = [];
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      fail(line, `not valid JSON (${(error as Error).message})`);
    }
    if (!isRecord(value)) fail(line, 'expected a JSON object');
    if (header === undefined) {
      if (typeof value.model !== 'string' || value.model === '') fail(line, 'header needs a "model" string');
      if (typeof value.baudRate !== 'number' || !(value.baudRate > 0)) {
        fail(line, 'header needs a positive "baudRate" number');
      }
      header = { model: value.model, baudRate: value.baudRate };
      if (value.note !== undefined) {
        if (typeof value.note !== 'string') fail(line, '"note" must be a string');
        header.note = value.note;
      }
      continue;
    }
    if ('expect' in value) {
      const event = value.expect;
      if (!isRecord(event) || (event.kind !== 'temperature' && event.kind !== 'identity')) {
        fail(line, '"expect" needs an object whose "kind" is "temperature" or "identity"');
      }
      entries.push({ type: 'expect', line, event: event as ExpectedEvent });
      continue;
    }
    const { t, dir, hex } = value;
    if (typeof t !== 'number' || !Number.isFinite(t))
      fail(line, 'chunk needs a numeric "t" (ms since start)');
    if (dir !== 'rx' && dir !== 'tx') fail(line, 'chunk needs "dir" "rx" or "tx"');
    if (typeof hex !== 'string' || !HEX_RE.test(hex)) {
      fail(line, `"hex" must be an even number of hex digits, got ${JSON.stringify(hex)}`);
    }
    entries.push({ type: 'chunk', line, tMs: t, dir, bytes: Uint8Array.from(Buffer.from(hex, 'hex')) });
  }
  if (header === undefined) throw new Error('transcript line 1: missing header {"model","baudRate","note"}');
  return { header, entries };
}

function fieldMatches(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'number') {
    return typeof actual === 'number' && Math.abs(actual - expected) <= NUMBER_TOLERANCE + 1e-9;
  }
  if (isRecord(expected) || Array.isArray(expected))
    return JSON.stringify(expected) === JSON.stringify(actual);
  return expected === actual;
}

function eventMatches(expected: ExpectedEvent, actual: DeviceEvent): boolean {
  const fields = actual as unknown as Record<string, unknown>;
  return Object.entries(expected).every(([key, value]) => fieldMatches(value, fields[key]));
}

/**
 * Feeds the transcript's rx chunks to `codec` and checks its events against the `expect` lines, in order:
 * the events a chunk completes must be claimed by the `expect` lines that follow it, before the next chunk.
 * Stops at the first mismatch.
 */
export function replayTranscript(transcript: Transcript, codec: Codec): ReplayResult {
  const events: DeviceEvent[] = [];
  let pending: DeviceEvent[] = [];
  let pendingFromLine = 0;
  const result = (mismatch?: ReplayMismatch): ReplayResult => {
    const counters = { ...codec.counters };
    return mismatch ? { ok: false, mismatch, events, counters } : { ok: true, events, counters };
  };
  const unclaimed = (): ReplayMismatch | undefined => {
    const actual = pending[0];
    if (actual === undefined) return undefined;
    return {
      line: pendingFromLine,
      expected: undefined,
      actual,
      message: `line ${pendingFromLine}: the codec emitted ${JSON.stringify(actual)} but no expect line follows`,
    };
  };

  for (const entry of transcript.entries) {
    if (entry.type === 'chunk') {
      if (entry.dir !== 'rx') continue;
      const extra = unclaimed();
      if (extra) return result(extra);
      pending = codec.decode(entry.bytes, entry.tMs);
      codec.takeReplies?.();
      pendingFromLine = entry.line;
      events.push(...pending);
      continue;
    }
    const actual = pending.shift();
    if (actual === undefined || !eventMatches(entry.event, actual)) {
      const got = actual === undefined ? 'no event from the chunks before it' : JSON.stringify(actual);
      return result({
        line: entry.line,
        expected: entry.event,
        actual,
        message: `line ${entry.line}: expected ${JSON.stringify(entry.event)}, got ${got}`,
      });
    }
  }
  return result(unclaimed());
}

/** Writes a transcript in the form `parseTranscript` reads; chunk times keep up to 0.1 ms. */
export function formatTranscript(transcript: Transcript): string {
  const lines = [JSON.stringify(transcript.header)];
  for (const entry of transcript.entries) {
    if (entry.type === 'expect') lines.push(JSON.stringify({ expect: entry.event }));
    else {
      const t = Math.round(entry.tMs * 10) / 10;
      lines.push(JSON.stringify({ t, dir: entry.dir, hex: Buffer.from(entry.bytes).toString('hex') }));
    }
  }
  return `${lines.join('\n')}\n`;
}
