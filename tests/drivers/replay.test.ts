import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deviceModels, isDeviceModelName } from '../../drivers/registry.ts';
import { formatTranscript, parseTranscript, replayTranscript } from '../../drivers/replay.ts';
import type { Codec } from '../../drivers/types.ts';

const transcriptsDir = fileURLToPath(new URL('../../fixtures/transcripts/', import.meta.url));
const codecFor = (model: string): (() => Codec) | undefined =>
  isDeviceModelName(model) ? () => deviceModels[model].createCodec() : undefined;

function readFixture(name: string): string {
  return readFileSync(`${transcriptsDir}${name}`, 'utf8');
}

function replay(text: string) {
  const transcript = parseTranscript(text);
  const createCodec = codecFor(transcript.header.model);
  if (!createCodec) throw new Error(`no codec for ${transcript.header.model}`);
  return replayTranscript(transcript, createCodec());
}

// "T body = 36.694 C, weak high\r\n" in two chunks, then "Away\r\n".
const SMALL = [
  '{"model":"k3-ascii","baudRate":115200,"note":"test"}',
  '{"t":0,"dir":"rx","hex":"5420626f6479203d2033362e36393420432c"}',
  '{"t":2,"dir":"rx","hex":"207765616b20686967680d0a"}',
  '{"expect":{"kind":"temperature","bodyC":36.694}}',
  '{"t":90,"dir":"rx","hex":"417761790d0a"}',
].join('\n');

function withLine(text: string, lineNumber: number, replacement: string): string {
  const lines = text.split('\n');
  lines[lineNumber - 1] = replacement;
  return lines.join('\n');
}

describe('fixture transcripts', () => {
  it('k3-ascii-normal gives five readings, two of them weak low', () => {
    const result = replay(readFixture('k3-ascii-normal.jsonl'));
    expect(result.events.map((event) => (event.kind === 'temperature' ? event.bodyC : undefined))).toEqual([
      36.694, 35.812, 37.405, 36.021, 35.48,
    ]);
    expect(result.counters).toEqual({
      frames: 40,
      badChecksums: 0,
      bytesSkipped: 960,
      oversize: 0,
      resyncs: 0,
    });
  });

  it('k3-ascii-faults counts the junk, the truncated lines and the oversize line', () => {
    const result = replay(readFixture('k3-ascii-faults.jsonl'));
    expect(result.events).toHaveLength(3);
    // 55 aa 07 04 6f (5) + "L" (1) + "T body = 36.8" (13) + "T Obj" (5)
    expect(result.counters).toEqual({
      frames: 25,
      badChecksums: 0,
      bytesSkipped: 24,
      oversize: 1,
      resyncs: 0,
    });
  });

  it('line-scanner-faults counts the NULs, the bare AIM id and the oversize frame', () => {
    const result = replay(readFixture('line-scanner-faults.jsonl'));
    expect(result.events).toHaveLength(5);
    // NULs 3 + 2 + 1, "]E0" with no code 3
    expect(result.counters).toEqual({ frames: 5, badChecksums: 0, bytesSkipped: 9, oversize: 1, resyncs: 0 });
  });

  it('line-scanner-normal decodes the UTF-8 and GBK names', () => {
    const texts = replay(readFixture('line-scanner-normal.jsonl')).events.map((event) =>
      event.kind === 'identity' ? event.text : '',
    );
    expect(texts).toContain('姓名:张伟;学号:2024030117');
    expect(texts).toContain('李娜 2024030118');
  });

  it('names the line of a wrong expect in a fixture', () => {
    const text = readFixture('k3-ascii-normal.jsonl');
    const lineNumber = text.split('\n').findIndex((line) => line.includes('"bodyC":37.405')) + 1;
    expect(lineNumber).toBeGreaterThan(1);
    const wrong = withLine(
      text,
      lineNumber,
      '{"expect":{"kind":"temperature","bodyC":37.5,"remark":"weak high"}}',
    );
    const result = replay(wrong);
    expect(result.ok).toBe(false);
    expect(result.mismatch?.line).toBe(lineNumber);
    expect(result.mismatch?.expected).toEqual({ kind: 'temperature', bodyC: 37.5, remark: 'weak high' });
    expect(result.mismatch?.actual).toMatchObject({ kind: 'temperature', bodyC: 37.405 });
    expect(result.events).toHaveLength(3);
  });
});

describe('replayTranscript', () => {
  it('passes a small transcript and compares only the fields an expect names', () => {
    const result = replay(SMALL);
    expect(result).toEqual({
      ok: true,
      events: [{ kind: 'temperature', bodyC: 36.694, remark: 'weak high' }],
      counters: { frames: 2, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 },
    });
  });

  it('compares numbers to within 0.005', () => {
    expect(replay(withLine(SMALL, 4, '{"expect":{"kind":"temperature","bodyC":36.699}}')).ok).toBe(true);
    expect(replay(withLine(SMALL, 4, '{"expect":{"kind":"temperature","bodyC":36.689}}')).ok).toBe(true);
    const off = replay(withLine(SMALL, 4, '{"expect":{"kind":"temperature","bodyC":36.7}}'));
    expect(off.mismatch?.line).toBe(4);
  });

  it('reports a wrong string field and a wrong kind on the expect line', () => {
    expect(
      replay(withLine(SMALL, 4, '{"expect":{"kind":"temperature","remark":"weak low"}}')).mismatch?.line,
    ).toBe(4);
    expect(replay(withLine(SMALL, 4, '{"expect":{"kind":"identity"}}')).mismatch?.line).toBe(4);
  });

  it('reports an expect placed before the chunk that completes its event', () => {
    const lines = SMALL.split('\n');
    const early = [lines[0], lines[1], lines[3], lines[2], lines[4]].join('\n');
    const result = replay(early);
    expect(result.mismatch).toMatchObject({ line: 3, actual: undefined });
  });

  it('reports an event no expect line claims, on the line of the chunk that completed it', () => {
    const result = replay(withLine(SMALL, 4, ''));
    expect(result.ok).toBe(false);
    expect(result.mismatch).toMatchObject({ line: 3, expected: undefined, actual: { bodyC: 36.694 } });
    const atEnd = replay(SMALL.split('\n').slice(0, 3).join('\n'));
    expect(atEnd.mismatch?.line).toBe(3);
  });

  it('reports an expect that is never met', () => {
    const result = replay(`${SMALL}\n{"expect":{"kind":"temperature","bodyC":36.5}}\n`);
    expect(result.mismatch).toMatchObject({ line: 6, actual: undefined });
    expect(result.mismatch?.message).toContain('line 6');
  });

  it('does not feed tx chunks to the codec', () => {
    const result = replay(`${SMALL}\n{"t":100,"dir":"tx","hex":"0d0a0d0a"}\n`);
    expect(result.ok).toBe(true);
    expect(result.counters.frames).toBe(2);
  });
});

describe('parseTranscript', () => {
  it('reads the header and keeps each entry with its line number', () => {
    const transcript = parseTranscript(SMALL);
    expect(transcript.header).toEqual({ model: 'k3-ascii', baudRate: 115200, note: 'test' });
    expect(transcript.entries.map((entry) => [entry.type, entry.line])).toEqual([
      ['chunk', 2],
      ['chunk', 3],
      ['expect', 4],
      ['chunk', 5],
    ]);
    const away = transcript.entries[3];
    expect(away?.type === 'chunk' && Buffer.from(away.bytes).toString('latin1')).toBe('Away\r\n');
  });

  it('throws naming the line of bad JSON, bad hex, a bad chunk or a bad header', () => {
    expect(() => parseTranscript(withLine(SMALL, 3, '{"t":2,"dir":"rx",'))).toThrow(
      /^transcript line 3: not valid JSON/,
    );
    expect(() => parseTranscript(withLine(SMALL, 2, '{"t":0,"dir":"rx","hex":"abc"}'))).toThrow(
      /^transcript line 2: "hex"/,
    );
    expect(() => parseTranscript(withLine(SMALL, 2, '{"t":0,"dir":"rx","hex":"zz"}'))).toThrow(/line 2/);
    expect(() => parseTranscript(withLine(SMALL, 5, '{"t":90,"dir":"up","hex":"00"}'))).toThrow(
      /line 5: .*"dir"/,
    );
    expect(() => parseTranscript(withLine(SMALL, 4, '{"expect":{"bodyC":1}}'))).toThrow(/line 4: .*"kind"/);
    expect(() => parseTranscript(withLine(SMALL, 1, '{"baudRate":9600}'))).toThrow(/line 1: .*"model"/);
    expect(() => parseTranscript('')).toThrow(/line 1/);
  });

  it('reads back what formatTranscript writes', () => {
    const transcript = parseTranscript(readFixture('line-scanner-normal.jsonl'));
    expect(parseTranscript(formatTranscript(transcript))).toEqual(transcript);
    expect(formatTranscript(transcript)).toBe(readFixture('line-scanner-normal.jsonl'));
  });
});
