// The forms and the summary through the running kiosk: the 晨午检 download (xlsx and csv), audited;
// `gate-kiosk export` on the same data; `GET /api/summary` with a drifting lane.
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailySummary } from '../../kiosk/reports/daily-summary.ts';
import { ScreeningStore } from '../../kiosk/store/screenings.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { screeningAt } from '../absences/fixtures.ts';
import { clockAt } from '../helpers/clock.ts';
import {
  authedFetch,
  getJson,
  loginAs,
  postJson,
  startTestKiosk,
  TEST_CONFIG,
  tempDir,
  waitUntil,
} from '../helpers/kiosk.ts';

const run = promisify(execFile);

async function gateKiosk(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/gate-kiosk.js', ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the 晨午检 export and the daily summary, through the kiosk', () => {
  const dir = tempDir('gk-exports-');
  const dataDir = join(dir.path, 'data');
  let kiosk: RunningKiosk;
  let lanesClock = clockAt('07:30');
  const clock = {
    now: () => lanesClock.now(),
    setTimer: (ms: number, fn: () => void) => lanesClock.setTimer(ms, fn),
  };
  const today = () => zonedMoment(new Date(lanesClock.now()), 'Asia/Shanghai').date;
  const audits = (action: string) =>
    (
      kiosk.db.prepare('SELECT actor, detail FROM audit_log WHERE action = ? ORDER BY id').all(action) as {
        actor: string;
        detail: string;
      }[]
    ).map((r) => ({ actor: r.actor, detail: JSON.parse(r.detail) as Record<string, unknown> }));

  beforeAll(async () => {
    kiosk = await startTestKiosk(dataDir, { clock });
    for (const [lane, id, t] of [
      ['1', 'S0001', 36.6],
      ['2', 'S0004', 36.4],
    ] as const) {
      expect(
        (await postJson(`${kiosk.url}/api/sim/lanes/${lane}/arrivals`, { identity: id, temperatureC: t }))
          .status,
      ).toBe(202);
    }
    await waitUntil(
      async () => (await getJson<unknown[]>(`${kiosk.url}/api/screenings?date=${today()}`)).length === 2,
      10_000,
      'two screenings',
    );
    // The kiosk is off at the cut-off and back at 08:31: it takes the morning's roll call as it starts.
    await kiosk.stop();
    lanesClock = clockAt('08:31');
    kiosk = await startTestKiosk(dataDir, { clock });
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  it('downloads the morning record as a workbook, and logs who exported which check', async () => {
    const res = await authedFetch(
      `${kiosk.url}/api/exports/checks?date=${today()}&session=morning&format=xlsx`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="checks-${today()}-morning.xlsx"`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as Parameters<typeof wb.xlsx.load>[0]);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '汇总',
      '1年级1班',
      '2年级3班',
      '4年级2班',
      '5年级1班',
      '6年级2班',
    ]);
    const ws = wb.getWorksheet('1年级1班');
    expect(ws?.getCell('A1').value).toBe('测试学校 晨午检记录表');
    // 赵六's status is days old: verified by hand, a flag, so the check claims no zero report.
    expect(ws?.getCell('A4').value).toBe('不能报零：全校当日有异常（本时段 1 人次），见异常统计。');
    expect([1, 2, 3, 4, 5].map((c) => ws?.getCell(6, c).value)).toEqual([1, 'S0001', '张三丰', '出勤', 36.6]);
    expect(wb.getWorksheet('2年级3班')?.getCell('D6').value).toBe('缺勤（原因不明）');
    expect(audits('export_checks')).toEqual([
      {
        actor: 'test-admin',
        detail: {
          date: today(),
          session: 'morning',
          format: 'xlsx',
          pupils: 5,
          zeroReport: false,
          flagged: 1,
        },
      },
    ]);
  });

  it('downloads CSV with a byte-order mark', async () => {
    const res = await authedFetch(
      `${kiosk.url}/api/exports/checks?date=${today()}&session=morning&format=csv`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain(`${today()},晨检,1年级1班,1,S0001,张三丰,出勤,36.6,无,,,\r\n`);
    expect(audits('export_checks').at(-1)?.detail).toMatchObject({ format: 'csv' });
  });

  it('refuses a bad request with 400 naming the field, and a guard with 403', async () => {
    for (const [query, field] of [
      ['format=pdf', 'format'],
      ['session=lunch', 'session'],
      ['date=23/11/2026', 'date'],
    ] as const) {
      const res = await authedFetch(`${kiosk.url}/api/exports/checks?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { details: { field: string }[] } };
      expect(body.error.details.map((d) => d.field)).toContain(field);
    }
    await loginAs(kiosk, 'guard-1', 'guard');
    expect((await authedFetch(`${kiosk.url}/api/exports/checks`)).status).toBe(403);
    expect((await authedFetch(`${kiosk.url}/api/summary`)).status).toBe(403);
    await loginAs(kiosk, 'test-admin', 'admin');
  });

  it('writes the same record with `gate-kiosk export`, audited as the command line', async () => {
    const out = join(dir.path, 'morning.csv');
    const common = ['--config', TEST_CONFIG, '--data', dataDir];
    const ok = await gateKiosk(
      'export',
      '--date',
      today(),
      '--session',
      'morning',
      '--format',
      'csv',
      '--out',
      out,
      ...common,
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('不能报零（当日异常 1 人次');
    expect(ok.stdout).toContain('no zero report (1 flagged that day');
    const csv = readFileSync(out);
    // It holds pupils' names: for the user who wrote it only.
    expect((statSync(out).mode & 0o777).toString(8)).toBe('600');
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('S0002,李四,缺勤（原因不明）');
    expect(audits('export_checks').at(-1)).toMatchObject({
      actor: 'cli',
      detail: { session: 'morning', format: 'csv', out },
    });

    const xlsx = join(dir.path, 'day.xlsx');
    expect(
      (await gateKiosk('export', '--date', today(), '--format', 'xlsx', '--out', xlsx, ...common)).code,
    ).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets.map((w) => w.name)).toContain('午检 1年级1班');

    const unknown = await gateKiosk(
      'export',
      '--date',
      today(),
      '--session',
      'lunch',
      '--format',
      'csv',
      '--out',
      out,
      ...common,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--session: no session "lunch"');
    const usage = await gateKiosk('export', '--date', today(), '--format', 'pdf', '--out', out, ...common);
    expect(usage.code).toBe(2);
    expect(
      (await gateKiosk('export', '--date', '2026-13-01', '--format', 'csv', '--out', out, ...common)).code,
    ).toBe(2);
  });

  it('answers the day’s figures, warning of a lane that reads unlike the other', async () => {
    const screenings = new ScreeningStore(kiosk.db);
    const date = today();
    for (let i = 0; i < 25; i++) {
      const minute = `07:${String(10 + i).padStart(2, '0')}`;
      screenings.commit(
        screeningAt(minute, null, {
          date,
          laneId: '1',
          temperatureC: 36.5 + ((i % 5) - 2) / 10,
          decision: 'no_identity',
        }),
      );
      screenings.commit(
        screeningAt(minute, null, {
          date,
          laneId: '2',
          temperatureC: 35.9 + ((i % 5) - 2) / 10,
          decision: 'no_identity',
        }),
      );
    }
    const s = await getJson<DailySummary>(`${kiosk.url}/api/summary?date=${date}`);
    expect(s.date).toBe(date);
    const morning = s.sessions.find((x) => x.id === 'morning');
    expect(morning).toMatchObject({ expected: 5, screened: 2, absent: 3 });
    expect(morning?.classes.map((c) => [c.label, c.screened, c.expected])).toEqual([
      ['1年级1班', 1, 1],
      ['2年级3班', 0, 1],
      ['4年级2班', 0, 1],
      ['5年级1班', 1, 1],
      ['6年级2班', 0, 1],
    ]);
    expect(s.absences.byReason).toEqual({ sick: 0, personal: 0, unknown: 3 });
    expect(s.warnings.map((w) => [w.laneId, w.deltaC])).toEqual([
      ['1', 0.6],
      ['2', -0.6],
    ]);
    expect((await getJson<DailySummary>(`${kiosk.url}/api/summary`)).date).toBe(date);
  });
});
