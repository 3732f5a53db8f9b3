import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import { classifyStorageError } from '../../kiosk/store/storage-fault.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { DisplayClient, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';
import { insertOutboxRows } from './records.ts';

describe('storage faults, told apart from other errors', () => {
  it('names a full disk, a read-only database and a failing disk in Chinese and English', () => {
    const fault = (code: string) => classifyStorageError(Object.assign(new Error('x'), { code }));
    expect(fault('SQLITE_FULL')).toMatchObject({
      code: 'full',
      message: { zh: expect.stringContaining('存储空间已满') },
    });
    expect(fault('SQLITE_READONLY')?.code).toBe('read_only');
    expect(fault('SQLITE_READONLY_DBMOVED')?.code).toBe('read_only');
    expect(fault('SQLITE_IOERR_WRITE')).toMatchObject({ code: 'io_error', detail: 'SQLITE_IOERR_WRITE: x' });
    expect(fault('ENOSPC')?.code).toBe('full');
    expect(fault('SQLITE_CONSTRAINT_UNIQUE')).toBeNull();
    expect(classifyStorageError(new Error('no code'))).toBeNull();
  });
});

describe('a kiosk whose database cannot be written', () => {
  const dir = tempDir('gk-storage-');
  let kiosk: RunningKiosk | null = null;
  let display: DisplayClient | null = null;
  const logLines: { level: number; msg: string; err?: { code?: string } }[] = [];
  afterEach(async () => {
    display?.close();
    await kiosk?.stop();
    dir.remove();
  });

  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line) logLines.push(JSON.parse(line));
        done();
      },
    }),
  );

  const arrive = async (k: RunningKiosk, d: DisplayClient, identity: string) => {
    const from = d.mark;
    expect(
      (await postJson(`${k.url}/api/sim/lanes/1/arrivals`, { identity, temperatureC: 36.5 })).status,
    ).toBe(202);
    return d.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === '1' && u.state === 'decided',
      10_000,
      from,
    );
  };

  it('keeps deciding, shows "not recorded" on the lane, logs the cause, and records again once space is back', async () => {
    kiosk = await startTestKiosk(dir.path, { logger, commitOnThisThread: true });
    display = new DisplayClient(kiosk.url);
    await display.connected();
    const failures: Error[] = [];
    kiosk.lanes[0]?.on('failure', (err) => failures.push(err));

    const db = kiosk.db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
    expect(() => {
      for (;;) insertOutboxRows(db, 1);
    }).toThrow(/full/);

    const full = await arrive(kiosk, display, 'VISITOR-1');
    expect(full).toMatchObject({ decision: 'verify', message: { zh: '记录失败 请人工核验' } });
    expect(full.screeningId).toBeUndefined();
    expect(failures.map((e) => classifyStorageError(e)?.code)).toEqual(['full']);
    expect(logLines.some((l) => l.level >= 50 && l.err?.code === 'SQLITE_FULL')).toBe(true);

    db.pragma('max_page_count = 1073741823');
    db.pragma('query_only = 1');
    const readOnly = await arrive(kiosk, display, 'VISITOR-2');
    expect(readOnly.message.zh).toBe('记录失败 请人工核验');
    expect(classifyStorageError(failures[1])?.code).toBe('read_only');

    db.pragma('query_only = 0');
    const recorded = await arrive(kiosk, display, 'VISITOR-3');
    expect(recorded).toMatchObject({ decision: 'unknown_person', screeningId: expect.any(String) });
    expect(db.prepare('SELECT count(*) AS n FROM screenings').get()).toEqual({ n: 1 });
  });
});
