// A zero report (零报告) is claimed only for what had nobody ill and nothing flagged: a fever screened
// outside every check, or a yellow code in a check, takes it away from the exports and the summary.
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportChecks } from '../../kiosk/reports/checks-export.ts';
import { buildDailySummary, dailySummaryRecord } from '../../kiosk/reports/daily-summary.ts';
import { screeningAt } from '../absences/fixtures.ts';
import { tempDir } from '../helpers/kiosk.ts';
import { config, type Day, openDay } from './day-fixture.ts';

const DATE = '2026-11-25';

async function workbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  return wb;
}

/** Every text cell of every sheet. */
function texts(wb: ExcelJS.Workbook): string[] {
  const out: string[] = [];
  for (const ws of wb.worksheets)
    ws.eachRow((row) => {
      row.eachCell((cell) => {
        if (typeof cell.value === 'string') out.push(cell.value);
      });
    });
  return out;
}

describe('the zero report', () => {
  let dir: ReturnType<typeof tempDir>;
  let day: Day;
  beforeEach(() => {
    dir = tempDir('gk-zero-');
    day = openDay(dir.path);
    // 午检: every pupil screened and well.
    for (const [t, id] of [
      ['12:40', 'S1'],
      ['12:41', 'S2'],
      ['12:41', 'S3'],
      ['12:42', 'S4'],
    ] as const) {
      day.screenings.commit(screeningAt(t, id, { date: DATE, temperatureC: 36.5 }));
    }
  });
  afterEach(() => {
    day.close();
    dir.remove();
  });

  it('is claimed for a check with nobody ill and nothing flagged that day', async () => {
    const file = await exportChecks(day.db, config, { date: DATE, session: 'noon', format: 'xlsx' });
    expect(file.record.zeroReport).toBe(true);
    const wb = await workbook(file.bytes);
    expect(wb.getWorksheet('汇总')?.getCell('A3').value).toBe(
      `零报告：${DATE} 全校各时段无发热等症状学生，无因病缺勤，无异常。`,
    );
    expect(wb.getWorksheet('1年级1班')?.getCell('A4').value).toBe(
      '零报告：本班本时段无发热等症状学生，无因病缺勤。',
    );
    expect(buildDailySummary(day.db, config, DATE).outsideChecks).toEqual({ screenings: 0, flagged: 0 });
  });

  it('is claimed nowhere once a fever was screened outside every check that day', async () => {
    day.screenings.commit(
      screeningAt('17:10', 'S1', { date: DATE, temperatureC: 38.4, decision: 'fever', healthCode: 'green' }),
    );
    for (const session of ['noon', undefined]) {
      const file = await exportChecks(day.db, config, {
        date: DATE,
        format: 'xlsx',
        ...(session ? { session } : {}),
      });
      expect(file.record.zeroReport).toBe(false);
      expect(file.record.flags).toMatchObject({ total: 1, outside: 1 });
      expect(file.record.sessions.every((s) => !s.zeroReport)).toBe(true);
      const all = texts(await workbook(file.bytes));
      expect(all.filter((t) => t.includes('零报告'))).toEqual([]);
      expect(all).toContain(`不能报零：${DATE} 当日异常 1 人次，其中检测时段外 1 人次。`);
      expect(all).toContain('不能报零：全校当日有异常（检测时段外 1 人次），见异常统计。');
    }
    const csv = await exportChecks(day.db, config, { date: DATE, format: 'csv' });
    expect(csv.bytes.toString('utf8')).not.toContain('零报告');

    const summary = buildDailySummary(day.db, config, DATE);
    expect(summary.zeroReport).toBe(false);
    expect(summary.sessions.map((s) => s.zeroReport)).toEqual([false, false, false]);
    expect(summary.outsideChecks).toEqual({ screenings: 1, flagged: 1 });
    expect(summary.ill).toBe(0);
    // What the district receives of the day says the same.
    const record = dailySummaryRecord(summary);
    expect(record.zeroReport).toBe(false);
    expect(record.sessions.map((x) => x.zeroReport)).toEqual([false, false, false]);
  });

  it('is not claimed for a check where a yellow code was flagged, though nobody was ill', async () => {
    day.screenings.commit(
      screeningAt('12:50', 'S2', { date: DATE, decision: 'code_yellow', healthCode: 'yellow' }),
    );
    const file = await exportChecks(day.db, config, { date: DATE, session: 'noon', format: 'xlsx' });
    const noon = file.record.sessions[0];
    expect(noon?.counts.ill).toBe(0);
    expect(noon?.flagged).toBe(1);
    expect(noon?.zeroReport).toBe(false);
    const wb = await workbook(file.bytes);
    expect(wb.getWorksheet('1年级1班')?.getCell('A4').value).toBe(
      '不能报零：全校当日有异常（本时段 1 人次），见异常统计。',
    );
    expect(texts(wb).filter((t) => t.includes('零报告'))).toEqual([]);
    expect(buildDailySummary(day.db, config, DATE).zeroReport).toBe(false);
  });
});
