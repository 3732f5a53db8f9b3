import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportChecks } from '../../kiosk/reports/checks-export.ts';
import { DAY } from '../absences/fixtures.ts';
import { tempDir } from '../helpers/kiosk.ts';
import { config, type Day, fillDay, openDay } from './day-fixture.ts';

async function workbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  return wb;
}

/** A row's values from column 1, as exceljs reads them back. */
function rowValues(ws: ExcelJS.Worksheet, row: number, columns = 9): unknown[] {
  return Array.from({ length: columns }, (_, i) => ws.getCell(row, i + 1).value ?? '');
}

describe('the 晨午检 record', () => {
  let dir: ReturnType<typeof tempDir>;
  let day: Day;
  beforeEach(() => {
    dir = tempDir('gk-checks-');
    day = openDay(dir.path);
    fillDay(day);
  });
  afterEach(() => {
    day.close();
    dir.remove();
  });

  it('writes a printable workbook: a summary, then one A4 sheet per class and check, cell by cell', async () => {
    const file = await exportChecks(day.db, config, { date: DAY, format: 'xlsx' });
    expect(file.fileName).toBe(`checks-${DAY}.xlsx`);
    expect(file.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = await workbook(file.bytes);
    expect(wb.worksheets.map((ws) => ws.name)).toEqual([
      '汇总',
      '晨检 1年级1班',
      '晨检 1年级2班',
      '晨检 2年级1班',
      '午检 1年级1班',
      '午检 1年级2班',
      '午检 2年级1班',
      '晚检 1年级2班',
      '晚检 2年级1班',
    ]);

    const ws = wb.getWorksheet('晨检 1年级1班');
    if (!ws) throw new Error('no sheet');
    expect(ws.getCell('A1').value).toBe('测试学校 晨午检记录表');
    expect(ws.getCell('A2').value).toBe(`日期：${DAY}　时段：晨检（06:30–08:30）　班级：1年级1班`);
    expect(ws.getCell('A3').value).toBe('应到 2 人　实到 1 人　缺勤 1 人（因病 1，事假 0，原因不明 0）');
    expect(ws.getCell('A4').value).toBe('本班本时段有症状或因病缺勤 1 人。');
    expect(rowValues(ws, 5)).toEqual([
      '序号',
      '学号',
      '姓名',
      '出勤',
      '体温(°C)',
      '症状',
      '是否就诊',
      '诊断',
      '随访',
    ]);
    expect(rowValues(ws, 6)).toEqual([1, 'S1', '张三丰', '出勤', 36.6, '无', '', '', '']);
    expect(rowValues(ws, 7)).toEqual([
      2,
      'S2',
      '李四',
      '缺勤（因病）',
      '',
      '咳嗽',
      '否',
      '=1+1, "急性"咽炎',
      '11-23 09:05 王老师：家长说咳嗽，在家休息',
    ]);
    expect(ws.getCell('E6').numFmt).toBe('0.0');
    expect(String(ws.getCell('A9').value)).toContain('检查人（签字）');
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
    });
    expect(ws.pageSetup.printTitlesRow).toBe('5:5');

    const fever = wb.getWorksheet('晨检 1年级2班');
    expect(rowValues(fever as ExcelJS.Worksheet, 6)).toEqual([
      1,
      'S3',
      '王五',
      '出勤',
      38.1,
      '发热',
      '',
      '',
      '',
    ]);
    const leave = wb.getWorksheet('晨检 2年级1班');
    expect(rowValues(leave as ExcelJS.Worksheet, 6)).toEqual([
      1,
      'S4',
      '赵六',
      '缺勤（事假）',
      '',
      '',
      '',
      '',
      '',
    ]);
    const evening = wb.getWorksheet('晚检 2年级1班');
    expect(evening?.getCell('A2').value).toBe(
      `日期：${DAY}　时段：晚检（18:30–20:00，住宿生）　班级：2年级1班`,
    );
    expect(rowValues(evening as ExcelJS.Worksheet, 6)).toEqual([
      1,
      'S4',
      '赵六',
      '缺勤（原因不明）',
      '',
      '',
      '',
      '',
      '',
    ]);

    const summary = wb.getWorksheet('汇总');
    if (!summary) throw new Error('no summary');
    expect(summary.getCell('A1').value).toBe('测试学校 晨午检汇总');
    expect(summary.getCell('A4').value).toBe('晨检（06:30–08:30）');
    expect(summary.getCell('A5').value).toBe('全校本时段有症状或因病缺勤 2 人。');
    expect(rowValues(summary, 6)).toEqual([
      '班级',
      '应到',
      '实到',
      '迟到',
      '缺勤',
      '因病',
      '事假',
      '原因不明',
      '有症状/因病',
    ]);
    expect(rowValues(summary, 7)).toEqual(['1年级1班', 2, 1, 0, 1, 1, 0, 0, 1]);
    expect(rowValues(summary, 10)).toEqual(['合计', 4, 2, 0, 2, 1, 1, 0, 2]);
  });

  it('says 零报告 on a check with nobody ill, for the class and for the school', async () => {
    const file = await exportChecks(day.db, config, { date: DAY, session: 'noon', format: 'xlsx' });
    expect(file.fileName).toBe(`checks-${DAY}-noon.xlsx`);
    const wb = await workbook(file.bytes);
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['汇总', '1年级1班', '1年级2班', '2年级1班']);
    const ws = wb.getWorksheet('1年级1班');
    expect(ws?.getCell('A4').value).toBe('零报告：本班本时段无发热等症状学生，无因病缺勤。');
    expect(ws?.getCell('A3').value).toBe('应到 2 人　实到 2 人　缺勤 0 人（因病 0，事假 0，原因不明 0）');
    expect(wb.getWorksheet('汇总')?.getCell('A5').value).toBe(
      '零报告：全校本时段无发热等症状学生，无因病缺勤。',
    );
    expect(file.record.sessions[0]?.zeroReport).toBe(true);
  });

  it('still yields the zero report on a day nobody was screened', async () => {
    const file = await exportChecks(day.db, config, {
      date: '2026-11-24',
      session: 'morning',
      format: 'xlsx',
    });
    const wb = await workbook(file.bytes);
    const ws = wb.getWorksheet('1年级1班');
    expect(ws?.getCell('A4').value).toBe('零报告：本班本时段无发热等症状学生，无因病缺勤。');
    expect(ws?.getCell('A3').value).toBe(
      '应到 2 人　实到 0 人　缺勤 0 人（因病 0，事假 0，原因不明 0）　未检 2 人',
    );
    expect(rowValues(ws as ExcelJS.Worksheet, 6).slice(0, 4)).toEqual([1, 'S1', '张三丰', '未检']);
  });

  it('writes CSV in UTF-8 with a byte-order mark, one line per pupil and check', async () => {
    const file = await exportChecks(day.db, config, { date: DAY, session: 'morning', format: 'csv' });
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = file.bytes.toString('utf8').slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toEqual([
      '日期,时段,班级,序号,学号,姓名,出勤,体温(°C),症状,是否就诊,诊断,随访',
      `${DAY},晨检,1年级1班,1,S1,张三丰,出勤,36.6,无,,,`,
      // A cell that would run as a formula is quoted and starts with an apostrophe.
      `${DAY},晨检,1年级1班,2,S2,李四,缺勤（因病）,,咳嗽,否,"'=1+1, ""急性""咽炎",11-23 09:05 王老师：家长说咳嗽，在家休息`,
      `${DAY},晨检,1年级2班,1,S3,王五,出勤,38.1,发热,,,`,
      `${DAY},晨检,2年级1班,1,S4,赵六,缺勤（事假）,,,,,`,
    ]);
  });
});
