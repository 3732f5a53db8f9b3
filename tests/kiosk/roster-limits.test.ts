// A roster file is bounded before and while it is read: people, what a workbook unzips to (as its
// directory states it, and as it really inflates), and the characters of any cell. Free text is capped
// per field and loses invisible and text-direction characters. Figures are printed, never asserted.
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { maskName } from '../../kiosk/identities/mask.ts';
import type { RosterRead } from '../../kiosk/identities/roster-file.ts';
import { defaultRosterLimits, type RosterLimits } from '../../kiosk/identities/roster-limits.ts';
import { readRosterOffThread } from '../../kiosk/identities/roster-off-thread.ts';
import { readRoster } from '../../kiosk/identities/roster-read.ts';
import { countSheet, zipEntries } from '../../kiosk/identities/workbook-bounds.ts';
import { rosterCsv, rosterWorkbook, zip, zipBomb } from '../helpers/roster-files.ts';

const tz = 'Asia/Shanghai';
const utf8 = (text: string) => new TextEncoder().encode(text);
const limits = (over: Partial<RosterLimits>): RosterLimits => ({ ...defaultRosterLimits, ...over });

function refusal(read: RosterRead) {
  if (read.ok || !read.refusal)
    throw new Error(`expected a refusal, got ${JSON.stringify(read).slice(0, 300)}`);
  return read.refusal;
}

async function workbook(rows: ExcelJS.CellValue[][]) {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('名单');
  for (const row of rows) sheet.addRow(row);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('people per roster (rosterLimits.maxRows)', () => {
  it('takes exactly the limit and refuses one more, in a workbook and in a CSV', async () => {
    const at = limits({ maxRows: 50 });
    for (const file of [rosterWorkbook(50), rosterCsv(50)]) {
      const read = await readRoster(file, tz, at);
      expect(read.ok && read.people.length).toBe(50);
    }
    for (const file of [rosterWorkbook(51), rosterCsv(51)]) {
      const read = await readRoster(file, tz, at);
      expect(refusal(read)).toEqual({
        code: 'too_many_rows',
        limit: 'rosterLimits.maxRows',
        max: 50,
        zh: '名单行数过多（51 人），一份名单最多 50 人（配置 rosterLimits.maxRows）',
        en: 'too many rows (51 people); a roster has at most 50 people (config rosterLimits.maxRows)',
      });
      // The whole file is the problem: nothing of it is read as people.
      expect(read).toMatchObject({ ok: false, errors: [{ row: 0, field: 'file' }] });
    }
  });

  it('stops reading a long CSV at the limit, blank lines not counted', async () => {
    const blankLines = utf8(`id,name,kind\n${'\n'.repeat(5000)}S1,张三,教职工\n`);
    expect((await readRoster(blankLines, tz, limits({ maxRows: 1 }))).ok).toBe(true);
    const t0 = performance.now();
    const read = await readRoster(rosterCsv(300_000), tz);
    const ms = performance.now() - t0;
    expect(refusal(read).en).toBe(
      'too many rows (more than 20010 rows); a roster has at most 20000 people (config rosterLimits.maxRows)',
    );
    console.log(`300,000-row CSV (7.5 MB) refused on this thread in ${ms.toFixed(0)} ms`);
  });

  it('counts the rows of a workbook in its XML before the workbook is built', async () => {
    const file = rosterWorkbook(300_000);
    const sheet = zipEntries(file).find((e) => e.name === 'xl/worksheets/sheet1.xml');
    const t0 = performance.now();
    const read = await readRoster(file, tz);
    const ms = performance.now() - t0;
    expect(refusal(read)).toMatchObject({
      code: 'too_many_rows',
      zh: '名单行数过多（工作簿有 300001 行），一份名单最多 20000 人（配置 rosterLimits.maxRows）',
      en: 'too many rows (300001 rows in the workbook); a roster has at most 20000 people (config rosterLimits.maxRows)',
    });
    console.log(
      `300,000-row workbook (${(file.length / 1e6).toFixed(1)} MB, sheet ${((sheet?.size ?? 0) / 1e6).toFixed(1)} MB unzipped) refused on this thread in ${ms.toFixed(0)} ms`,
    );
  });

  it('counts rows with a value, prefixed tags too, not rows that only carry a format', () => {
    const xml = Buffer.from(
      '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>' +
        '<row r="2" s="3" customFormat="1"/><row r="3"><c r="A3" s="2"/></row>' +
        '<x:row r="4"><x:c r="A4" t="inlineStr"><x:is><x:t>S1</x:t></x:is></x:c></x:row>' +
        '<row r="5"><c r="A5"><f>1+1</f></c></row></sheetData></worksheet>',
    );
    expect(countSheet(xml)).toEqual({ rows: 5, rowsWithValues: 3, cells: 4 });
  });
});

describe('what a workbook unzips to (rosterLimits.maxUnzippedMB)', () => {
  it('refuses a zip bomb from the sizes its directory states, before unzipping anything', async () => {
    const bomb = await zipBomb(350, false);
    const t0 = performance.now();
    const read = await readRoster(bomb, tz);
    const ms = performance.now() - t0;
    expect(refusal(read)).toEqual({
      code: 'unzipped_too_large',
      limit: 'rosterLimits.maxUnzippedMB',
      max: 50,
      zh: '工作簿解压后过大（350 MB），上限 50 MB（配置 rosterLimits.maxUnzippedMB）',
      en: 'the workbook unzips to too much (350 MB); at most 50 MB (config rosterLimits.maxUnzippedMB)',
    });
    console.log(
      `zip bomb ${(bomb.length / 1e6).toFixed(2)} MB → 350 MB, stated: refused in ${ms.toFixed(1)} ms`,
    );
  });

  it('refuses a part that unzips to more than it states, stopping at the stated size', async () => {
    const bomb = await zipBomb(350, true);
    const before = process.memoryUsage().rss;
    const t0 = performance.now();
    const read = await readRoster(bomb, tz);
    const ms = performance.now() - t0;
    expect(refusal(read)).toMatchObject({
      code: 'unzipped_too_large',
      en: 'the workbook unzips to too much (xl/worksheets/sheet1.xml unzips to more than the 1024 bytes it states); at most 50 MB (config rosterLimits.maxUnzippedMB)',
    });
    console.log(
      `zip bomb ${(bomb.length / 1e6).toFixed(2)} MB → 350 MB, stated as 1 KB: refused in ${ms.toFixed(1)} ms, ` +
        `resident memory ${((process.memoryUsage().rss - before) / 1e6).toFixed(0)} MB more than before`,
    );
  });

  it('refuses parts that together state more than the limit, and says what is damaged', async () => {
    const part = (name: string) => ({ name, data: ' '.repeat(600_000) });
    const read = await readRoster(
      zip([part('xl/a.xml'), part('xl/b.xml')]),
      tz,
      limits({ maxUnzippedBytes: 1024 * 1024 }),
    );
    expect(refusal(read).en).toBe(
      'the workbook unzips to too much (1.1 MB); at most 1 MB (config rosterLimits.maxUnzippedMB)',
    );
    const truncated = zip([part('xl/a.xml')]).subarray(0, 200);
    expect(await readRoster(Buffer.concat([truncated, Buffer.alloc(22)]), tz)).toMatchObject({
      ok: false,
      errors: [{ row: 0, field: 'file', message: expect.stringMatching(/^not a readable \.xlsx workbook/) }],
    });
  });
});

describe('cells and fields', () => {
  it('reports a cell over rosterLimits.maxCellChars by row and field, ignored columns too', async () => {
    const long = 'x'.repeat(1001);
    const csv = utf8(`id,name,kind,备注\nS1,张三,教职工,${long}\nS2,${long},教职工,\n`);
    expect(await readRoster(csv, tz)).toMatchObject({
      ok: false,
      errors: [
        {
          row: 2,
          field: '备注',
          message: '1001 characters; a cell holds at most 1000 (config rosterLimits.maxCellChars)',
        },
        {
          row: 3,
          field: 'name',
          message: '1001 characters; a cell holds at most 1000 (config rosterLimits.maxCellChars)',
        },
      ],
    });
  });

  it('caps ids, names and classes, and reports the row and field over', async () => {
    const name64 = `${'很长的名字'.repeat(12)}很长的名`;
    const ok = await readRoster(
      utf8(`id,name,kind,class\n${'S'.repeat(32)},${name64},教职工,${'班'.repeat(32)}\n`),
      tz,
    );
    expect(ok.ok && ok.people[0]?.name).toBe(name64);
    const read = await readRoster(
      utf8(`id,name,kind,class\n${'S'.repeat(33)},张三,教职工,\nS2,${name64}名,教职工,${'班'.repeat(33)}\n`),
      tz,
    );
    expect(read).toMatchObject({
      ok: false,
      errors: [
        { row: 2, field: 'id', message: '33 characters; an id has at most 32' },
        { row: 3, field: 'name', message: '65 characters; a name has at most 64' },
        { row: 3, field: 'class', message: '33 characters; a class has at most 32' },
      ],
    });
    // A long value is quoted in a message by its first 40 characters only.
    const kind = await readRoster(utf8(`id,name,kind\nS1,张三,${'学'.repeat(500)}\n`), tz);
    expect(kind).toMatchObject({
      ok: false,
      errors: [
        { row: 2, field: 'kind', message: `"${'学'.repeat(40)}…" is not student/学生 or staff/教职工` },
      ],
    });
  });

  it('strips text-direction and zero-width characters, warning of the direction ones', async () => {
    const csv = utf8(
      'id,name,kind,class,card\n' +
        '\u200bS1\ufeff,\u202e张三丰\u202c,教职工,\u2066高一\u00ad(3)班\u2069,C\u200d1\n' +
        'S2,李\u200b四,教职工,,\n',
    );
    const read = await readRoster(csv, tz);
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.people.map((p) => [p.id, p.name, p.className, p.cards])).toEqual([
      ['S1', '张三丰', '高一(3)班', ['C1']],
      ['S2', '李四', null, []],
    ]);
    expect(read.warnings).toEqual([
      {
        row: 2,
        field: '',
        message: 'text-direction control characters (such as U+202E) removed',
        zh: '已删除改变文字方向的控制字符（如 U+202E）',
        en: 'text-direction control characters (such as U+202E) removed',
      },
    ]);
    const xlsx = await readRoster(
      await workbook([
        ['学号', '姓名', '类型'],
        ['S1', '\u202e张三丰', '教职工'],
      ]),
      tz,
    );
    expect(xlsx.ok && xlsx.people[0]?.name).toBe('张三丰');
  });

  it('joins a name broken over lines and runs of spaces into one line', async () => {
    const read = await readRoster(utf8('id,name,kind\nS1,"Anna\r\nMaria   Smith",教职工\n'), tz);
    expect(read.ok && read.people[0]?.name).toBe('Anna Maria Smith');
  });

  it('masks only what shows: a control kept from an older import is not on the display', () => {
    expect(maskName('\u202e张三丰')).toBe('张*丰');
    expect(maskName('张\u200b三\u2066丰\u2069')).toBe('张*丰');
    expect(maskName('\u202eAnna Smith')).toBe('A. S.');
  });
});

describe('reading in a worker thread', () => {
  it('answers as reading on this thread does, and refuses a 300,000-row workbook', async () => {
    const good = rosterWorkbook(2000);
    const here = await readRoster(good, tz);
    expect(await readRosterOffThread(good, tz)).toEqual(here);
    const big = rosterWorkbook(300_000);
    const t0 = performance.now();
    const read = await readRosterOffThread(big, tz);
    expect(refusal(read).code).toBe('too_many_rows');
    console.log(
      `300,000-row workbook refused in a worker (started from the TypeScript sources) in ${(performance.now() - t0).toFixed(0)} ms`,
    );
    // The bytes handed to the worker were a copy: the caller's are still there.
    expect(big.length).toBeGreaterThan(1_000_000);
  });

  it('answers a reader that ran out of its heap as a refused file; this thread goes on', async () => {
    const read = await readRosterOffThread(rosterWorkbook(20_000), tz, defaultRosterLimits, 16);
    expect(refusal(read)).toEqual({
      code: 'too_much_to_read',
      limit: 'rosterLimits.maxRows',
      max: 20_000,
      zh: '读取此文件需要超过 16 MB 内存，已停止；一份名单最多 20000 人（配置 rosterLimits.maxRows）',
      en: 'reading the file needed more than 16 MB of memory and was stopped; a roster has at most 20000 people (config rosterLimits.maxRows)',
    });
    expect((await readRosterOffThread(rosterWorkbook(3), tz)).ok).toBe(true);
  });
});
