import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FetchLike } from '../../kiosk/health/fetch-text.ts';
import {
  type FeedSource,
  parseStatusFile,
  StatusFeed,
  type StatusUpdate,
} from '../../kiosk/health/status-feed.ts';
import { parseStatusTime } from '../../kiosk/health/status-time.ts';

const tz = 'Asia/Shanghai';
const url = 'http://district.example/status';

describe('the status file', () => {
  it('reads CSV with Chinese headers and values, in any column order, other columns ignored', () => {
    const text =
      '\ufeff姓名,状态时间,学号,健康码\r\n' +
      '张三,2026-11-23 06:30,S1,绿\r\n' +
      '李四,2026-11-22T22:00:00Z,S2,黄码\r\n' +
      '\r\n' +
      '"王,五",2026-11-23T07:00:00+08:00,T1,红\r\n';
    expect(parseStatusFile(text, tz)).toEqual({
      updates: [
        { personId: 'S1', code: 'green', at: new Date('2026-11-22T22:30:00Z') },
        { personId: 'S2', code: 'yellow', at: new Date('2026-11-22T22:00:00Z') },
        { personId: 'T1', code: 'red', at: new Date('2026-11-22T23:00:00Z') },
      ],
      errors: [],
    });
  });

  it('reads CSV with English headers', () => {
    expect(parseStatusFile('id,healthCode,healthCodeAt\nS1,Green,2026-11-23 06:30:15\n', tz)).toEqual({
      updates: [{ personId: 'S1', code: 'green', at: new Date('2026-11-22T22:30:15Z') }],
      errors: [],
    });
  });

  it('reports every bad row by row and field', () => {
    const text =
      'id,healthCode,healthCodeAt\n' +
      'S1,green,2026-11-23 06:30\n' +
      ',紫,2026-02-30 06:30\n' +
      'S1,red,\n' +
      'S4,,yesterday\n';
    expect(parseStatusFile(text, tz)).toEqual({
      updates: [{ personId: 'S1', code: 'green', at: new Date('2026-11-22T22:30:00Z') }],
      errors: [
        { row: 3, field: 'id', message: 'empty id' },
        { row: 3, field: 'healthCode', message: '"紫" is not green/绿, yellow/黄 or red/红' },
        { row: 3, field: 'healthCodeAt', message: '"2026-02-30 06:30" is not ISO 8601 or YYYY-MM-DD HH:mm' },
        { row: 4, field: 'id', message: 'duplicate id "S1" (also row 2)' },
        { row: 4, field: 'healthCodeAt', message: 'empty status time' },
        { row: 5, field: 'healthCode', message: '"" is not green/绿, yellow/黄 or red/红' },
        { row: 5, field: 'healthCodeAt', message: '"yesterday" is not ISO 8601 or YYYY-MM-DD HH:mm' },
      ],
    });
  });

  it('names missing columns, and an empty file', () => {
    expect(parseStatusFile('学号,健康码\nS1,绿\n', tz).errors).toEqual([
      { row: 1, field: 'healthCodeAt', message: 'no "healthCodeAt" column' },
    ]);
    expect(parseStatusFile('\n\n', tz).errors).toEqual([{ row: 1, field: '', message: 'the file is empty' }]);
  });

  it('reads JSON [{id, code, at}]', () => {
    const text = JSON.stringify([
      { id: 'S1', code: 'red', at: '2026-11-23T05:00:00Z' },
      { id: 2001, code: '黄', at: '2026-11-23 08:00' },
      { id: 'S3', code: 'blue', at: '2026-11-23T05:00:00Z' },
      'S4',
    ]);
    expect(parseStatusFile(text, tz)).toEqual({
      updates: [
        { personId: 'S1', code: 'red', at: new Date('2026-11-23T05:00:00Z') },
        { personId: '2001', code: 'yellow', at: new Date('2026-11-23T00:00:00Z') },
      ],
      errors: [
        { row: 3, field: 'code', message: '"blue" is not green/绿, yellow/黄 or red/红' },
        { row: 4, field: '', message: 'expected an object {id, code, at}' },
      ],
    });
    expect(parseStatusFile('{"id":"S1"}', tz).errors).toEqual([
      { row: 1, field: '', message: 'expected a JSON array of {id, code, at}' },
    ]);
    expect(parseStatusFile('[{"id":', tz).errors[0]?.message).toMatch(/^not JSON: /);
  });

  it('reads status times strictly', () => {
    expect(parseStatusTime('2026-11-23T06:30', tz)).toEqual(new Date('2026-11-22T22:30:00Z'));
    expect(parseStatusTime('2026-11-23T06:30:00.5-05:00')).toEqual(new Date('2026-11-23T11:30:00.500Z'));
    expect(parseStatusTime('2026-11-23T06:30')).toBeNull();
    expect(parseStatusTime('2026-11-23T24:00:00Z')).toBeNull();
    expect(parseStatusTime('2025-02-29 10:00', tz)).toBeNull();
    expect(parseStatusTime('2024-02-29 10:00', tz)).toEqual(new Date('2024-02-29T02:00:00Z'));
    expect(parseStatusTime('23/11/2026 06:30', tz)).toBeNull();
  });
});

function recorder() {
  const applied: { updates: StatusUpdate[]; source: FeedSource }[] = [];
  return {
    applied,
    onUpdates: (updates: StatusUpdate[], source: FeedSource) => {
      applied.push({ updates, source });
    },
  };
}

describe('the status feed from a URL', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-23T06:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls on its schedule and applies whole answers only', async () => {
    const bodies = [
      'id,healthCode,healthCodeAt\nS1,red,2026-11-23 05:00\n',
      'id,healthCode,healthCodeAt\nS1,green,2026-11-23 05:00\nS2,紫,2026-11-23 05:00\n',
      '[{"id":"S2","code":"yellow","at":"2026-11-23T00:00:00Z"}]',
    ];
    const calls: string[] = [];
    const fetch: FetchLike = async (requested) => {
      calls.push(requested);
      const body = bodies.shift();
      return body === undefined ? new Response('down', { status: 503 }) : new Response(body);
    };
    const r = recorder();
    const feed = new StatusFeed({ timeZone: tz, url, pollMs: 5 * 60_000, fetch, onUpdates: r.onUpdates });
    feed.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.applied).toEqual([
      {
        updates: [{ personId: 'S1', code: 'red', at: new Date('2026-11-22T21:00:00Z') }],
        source: { kind: 'url', url },
      },
    ]);
    expect(feed.status()).toMatchObject({
      url,
      lastPollAt: new Date('2026-11-23T06:00:00Z'),
      lastPollError: null,
      lastPollUpdates: 1,
    });

    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(calls).toHaveLength(2);
    expect(r.applied).toHaveLength(1);
    expect(feed.status()).toMatchObject({
      lastPollAt: new Date('2026-11-23T06:00:00Z'),
      lastPollError: `${url}: 1 error(s): row 3, healthCode: "紫" is not green/绿, yellow/黄 or red/红; nothing applied`,
    });

    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(r.applied[1]?.updates).toEqual([
      { personId: 'S2', code: 'yellow', at: new Date('2026-11-23T00:00:00Z') },
    ]);
    expect(feed.status()).toMatchObject({
      lastPollAt: new Date('2026-11-23T06:10:00Z'),
      lastPollError: null,
    });

    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(feed.status()).toMatchObject({
      lastPollAt: new Date('2026-11-23T06:10:00Z'),
      lastPollError: `HTTP 503 from ${url}`,
    });
    feed.stop();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(calls).toHaveLength(4);
  });
});

describe('the status feed from a drop folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'status-drop-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const files = (sub = '') => readdirSync(join(dir, sub)).sort();

  it('reads a file once it has settled, applies it, and moves it to done/', async () => {
    const r = recorder();
    const feed = new StatusFeed({
      timeZone: tz,
      dropDir: dir,
      onUpdates: r.onUpdates,
      now: () => new Date('2026-11-23T06:00:00Z'),
    });
    writeFileSync(join(dir, 'status-1.csv'), '学号,健康码,状态时间\nS1,红,2026-11-23 05:00\n');
    writeFileSync(join(dir, 'status-2.json.part'), '[');
    await feed.scanDropDir();
    expect(r.applied).toEqual([]);
    await feed.scanDropDir();
    expect(r.applied).toEqual([
      {
        updates: [{ personId: 'S1', code: 'red', at: new Date('2026-11-22T21:00:00Z') }],
        source: { kind: 'file', name: 'status-1.csv' },
      },
    ]);
    expect(files()).toEqual(['done', 'status-2.json.part']);
    expect(files('done')).toEqual(['status-1.csv']);
    expect(feed.status()).toMatchObject({
      filesDone: 1,
      filesRejected: 0,
      lastFile: {
        name: 'status-1.csv',
        at: new Date('2026-11-23T06:00:00Z'),
        outcome: 'done',
        updates: 1,
        errors: 0,
      },
      lastDropError: null,
    });

    // The same name again does not overwrite the first.
    writeFileSync(join(dir, 'status-1.csv'), '[]');
    await feed.scanDropDir();
    await feed.scanDropDir();
    expect(files('done')).toEqual(['status-1-2.csv', 'status-1.csv']);
    expect(r.applied[1]?.updates).toEqual([]);
  });

  it('waits for a file still being written', async () => {
    const r = recorder();
    const feed = new StatusFeed({ timeZone: tz, dropDir: dir, onUpdates: r.onUpdates });
    const file = join(dir, 'status.csv');
    writeFileSync(file, 'id,healthCode,healthCodeAt\nS1,green,2026-11-23 05:00\n');
    await feed.scanDropDir();
    writeFileSync(file, 'id,healthCode,healthCodeAt\nS1,green,2026-11-23 05:00\nS2,red,2026-11-23 05:00\n');
    await feed.scanDropDir();
    expect(r.applied).toEqual([]);
    await feed.scanDropDir();
    expect(r.applied[0]?.updates.map((u) => u.personId)).toEqual(['S1', 'S2']);
  });

  it('moves a file with any bad row to rejected/, its errors beside it, and applies nothing', async () => {
    const r = recorder();
    const feed = new StatusFeed({ timeZone: tz, dropDir: dir, onUpdates: r.onUpdates });
    writeFileSync(
      join(dir, 'bad.csv'),
      'id,healthCode,healthCodeAt\nS1,green,2026-11-23 05:00\nS2,紫,soon\n',
    );
    await feed.scanDropDir();
    await feed.scanDropDir();
    expect(r.applied).toEqual([]);
    expect(files()).toEqual(['rejected']);
    expect(files('rejected')).toEqual(['bad.csv', 'bad.csv.errors.txt']);
    expect(readFileSync(join(dir, 'rejected', 'bad.csv.errors.txt'), 'utf8')).toBe(
      'row 3, healthCode: "紫" is not green/绿, yellow/黄 or red/红\n' +
        'row 3, healthCodeAt: "soon" is not ISO 8601 or YYYY-MM-DD HH:mm\n',
    );
    expect(feed.status()).toMatchObject({
      filesDone: 0,
      filesRejected: 1,
      lastFile: { outcome: 'rejected', errors: 2 },
    });
  });

  it('rejects a file whose updates could not be applied', async () => {
    const feed = new StatusFeed({
      timeZone: tz,
      dropDir: dir,
      onUpdates: () => {
        throw new Error('database is locked');
      },
    });
    writeFileSync(join(dir, 's.json'), '[{"id":"S1","code":"green","at":"2026-11-23T05:00:00Z"}]');
    await feed.scanDropDir();
    await feed.scanDropDir();
    expect(files('rejected')).toEqual(['s.json', 's.json.errors.txt']);
    expect(readFileSync(join(dir, 'rejected', 's.json.errors.txt'), 'utf8')).toBe(
      'not applied: database is locked\n',
    );
  });

  it('reads a GBK file as Excel saves it', async () => {
    const r = recorder();
    const feed = new StatusFeed({ timeZone: tz, dropDir: dir, onUpdates: r.onUpdates });
    // 学号,健康码,状态时间 / S1,黄,2026-11-23 05:00 in GBK
    const gbk = Buffer.concat([
      Buffer.from([0xd1, 0xa7, 0xba, 0xc5, 0x2c, 0xbd, 0xa1, 0xbf, 0xb5, 0xc2, 0xeb, 0x2c]),
      Buffer.from([0xd7, 0xb4, 0xcc, 0xac, 0xca, 0xb1, 0xbc, 0xe4, 0x0a]),
      Buffer.from('S1,'),
      Buffer.from([0xbb, 0xc6]),
      Buffer.from(',2026-11-23 05:00\n'),
    ]);
    writeFileSync(join(dir, 'gbk.csv'), gbk);
    await feed.scanDropDir();
    await feed.scanDropDir();
    expect(r.applied[0]?.updates).toEqual([
      { personId: 'S1', code: 'yellow', at: new Date('2026-11-22T21:00:00Z') },
    ]);
  });

  it('scans on its schedule once started, creating the folder', async () => {
    const r = recorder();
    const drop = join(dir, 'incoming');
    const feed = new StatusFeed({ timeZone: tz, dropDir: drop, scanMs: 20, onUpdates: r.onUpdates });
    feed.start();
    await vi.waitFor(() => expect(files()).toEqual(['incoming']));
    writeFileSync(join(drop, 'a.csv'), 'id,healthCode,healthCodeAt\nS1,green,2026-11-23 05:00\n');
    await vi.waitFor(() => expect(r.applied).toHaveLength(1));
    feed.stop();
    expect(files('incoming')).toEqual(['done']);
  });
});
