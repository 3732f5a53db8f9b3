// Reading the school's roster files: xlsx as Excel shows it, CSV in every encoding Excel in China
// writes, headers in English or Chinese, and every bad row named by its row and field.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeGb18030 } from '../../drivers/text-decode.ts';
import type { Person } from '../../kiosk/identities/person.ts';
import type { RosterRead } from '../../kiosk/identities/roster-file.ts';
import { readRoster, rosterFormatOf } from '../../kiosk/identities/roster-read.ts';
import { parseGrade, parsePhone, parseStatusTime } from '../../kiosk/identities/roster-values.ts';

const tz = 'Asia/Shanghai';
const utf8 = (text: string) => new TextEncoder().encode(text);
const fixture = (name: string) => readFileSync(`fixtures/roster/${name}`);
/** A wall-clock time as a spreadsheet date cell holds it. */
const dateCell = (wall: string) => new Date(`${wall}:00Z`);

async function workbook(rows: ExcelJS.CellValue[][], format?: (sheet: ExcelJS.Worksheet) => void) {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('名单');
  for (const row of rows) sheet.addRow(row);
  format?.(sheet);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

function people(read: RosterRead): Person[] {
  if (!read.ok) throw new Error(`expected people, got ${JSON.stringify(read.errors.slice(0, 5))}`);
  return read.people;
}

const byId = (list: Person[], id: string) => {
  const p = list.find((x) => x.id === id);
  if (!p) throw new Error(`no ${id} in ${list.map((x) => x.id).join(',')}`);
  return p;
};

describe('an .xlsx roster', () => {
  it('reads the first sheet as Excel shows it: rich text, formulas, numbers with zeros, date cells', async () => {
    const read = await readRoster(fixture('roster-good.xlsx'), tz);
    const list = people(read);
    expect(list.map((p) => p.id)).toEqual([
      'S0001',
      'S0002',
      'S0003',
      'S0005',
      'S0006',
      'S0007',
      'S0008',
      'T0001',
    ]);
    if (read.ok) expect(read.rows).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(byId(list, 'S0001')).toMatchObject({
      name: '张三丰',
      grade: 1,
      cards: ['0040856634', '0040856635'],
      card: '0040856634',
      guardianPhone: '13800000001',
      // 06:00 at the school (a date cell) is 22:00 UTC the day before.
      healthCodeAt: '2026-11-22T22:00:00.000Z',
    });
    expect(byId(list, 'S0002')).toMatchObject({ grade: 2, healthCode: 'yellow' });
    expect(byId(list, 'S0005')).toMatchObject({ name: '欧阳娜娜', grade: 6, healthCode: 'unknown' });
    expect(byId(list, 'S0006')).toMatchObject({
      name: '阿卜杜拉·艾山',
      card: '0040007919',
      healthCode: 'green',
      guardianPhone: '+8613800000006',
      healthCodeAt: '2026-11-22T23:30:00.000Z',
    });
    expect(byId(list, 'S0007').name).toBe('𠮷田一');
    expect(byId(list, 'S0008').name).toBe('买买提·吐尔逊');
    expect(byId(list, 'T0001')).toMatchObject({ kind: 'staff', grade: null, className: null });
    expect(read.warnings).toEqual([
      {
        row: 1,
        field: '备注',
        message: 'column K is not a roster column; ignored',
        zh: '第 K 列不是名单列，已忽略',
        en: 'column K is not a roster column; ignored',
      },
    ]);
  });

  it('uses the first sheet, finds the header under a title line, keeps real row numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const first = wb.addWorksheet('2026秋季');
    first.addRow(['示例学校 2026 年秋季学生名单']);
    first.addRow([]);
    first.addRow(['学号', '姓名', '类型', '年级']);
    first.addRow(['S1', '张三', '学生', 1]);
    first.addRow([]);
    first.addRow(['S2', '李四', '学生', '']);
    wb.addWorksheet('other').addRow(['id', 'name', 'kind']);
    const read = await readRoster(new Uint8Array(await wb.xlsx.writeBuffer()), tz);
    expect(read).toMatchObject({
      ok: false,
      errors: [{ row: 6, field: 'grade', message: 'a student needs a grade' }],
      warnings: [{ row: 1, field: '', message: 'above the header row; ignored' }],
    });
  });

  it('reports cells it cannot show: error values, formulas never calculated, numbers past 15 digits', async () => {
    const bytes = await workbook([
      ['id', 'name', 'kind', 'grade', 'card'],
      ['S1', { formula: 'A1&B1' }, 'student', 1, ''],
      ['S2', '李四', 'student', { formula: '1/0', result: { error: '#DIV/0!' } }, ''],
      // An 18-digit number typed into a General cell.
      ['S3', '王五', 'student', 2, Number('110101200001011234')],
    ]);
    const read = await readRoster(bytes, tz);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'name'],
      [3, 'grade'],
      [4, 'card'],
    ]);
    expect(read.errors[0]?.message).toMatch(/formula with no saved value/);
    expect(read.errors[1]?.message).toMatch(/#DIV\/0!/);
    expect(read.errors[2]?.message).toMatch(/longer than Excel keeps exactly/);
  });

  it('shows numbers as their format does and dates in other columns as text', async () => {
    const bytes = await workbook(
      [
        ['学号', '姓名', '类型', '年级', '卡号', '班级'],
        [20260001, '张三', '学生', 3, 856634, dateCell('2026-09-01T00:00')],
      ],
      (sheet) => {
        sheet.getCell('E2').numFmt = '0000000000';
      },
    );
    expect(people(await readRoster(bytes, tz))[0]).toMatchObject({
      id: '20260001',
      card: '0000856634',
      className: '2026-09-01',
    });
  });

  it('says what is wrong with a file that is not a workbook', async () => {
    const zipJunk = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]);
    expect(await readRoster(zipJunk, tz)).toMatchObject({
      ok: false,
      errors: [{ row: 0, field: 'file', message: expect.stringMatching(/^not a readable \.xlsx workbook/) }],
    });
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(await readRoster(xls, tz)).toMatchObject({
      ok: false,
      errors: [{ row: 0, field: 'file', message: expect.stringMatching(/Excel 97–2003/) }],
    });
  });
});

describe('a .csv roster', () => {
  const text =
    '学号,姓名,年级,班级,类型,卡号,监护人电话,住宿,健康码,状态时间\r\n' +
    'S1,欧阳娜娜,一年级,1班,学生,0040856634,13800000001,否,绿,2026-11-23 06:00\r\n' +
    'S2,阿卜杜拉·艾山,2,1班,学生,,,是,黄,2026/11/23 6:30\r\n' +
    'S3,𠮷田一,六年级,1班,学生,,,否,红,2026-11-22T22:00:00Z\r\n';
  const expected = [
    { id: 'S1', name: '欧阳娜娜', grade: 1, card: '0040856634', boarder: false, healthCode: 'green' },
    { id: 'S2', name: '阿卜杜拉·艾山', grade: 2, boarder: true, healthCodeAt: '2026-11-22T22:30:00.000Z' },
    { id: 'S3', name: '𠮷田一', grade: 6, healthCode: 'red', healthCodeAt: '2026-11-22T22:00:00.000Z' },
  ];

  it.each([
    ['UTF-8', utf8(text)],
    ['UTF-8 with BOM', utf8(`\ufeff${text}`)],
    ['GB18030', encodeGb18030(text)],
  ])('reads %s with names intact', async (_encoding, bytes) => {
    const list = people(await readRoster(bytes, tz));
    expect(list).toEqual(expected.map((e) => expect.objectContaining(e)));
  });

  it('reads the GBK fixture as Excel in China saves it (not valid UTF-8)', async () => {
    const bytes = fixture('roster-gbk.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const list = people(await readRoster(bytes, tz));
    expect(list.map((p) => p.name)).toEqual(['欧阳娜娜', '阿卜杜拉·艾山', '司马光', '诸葛亮']);
    expect(byId(list, 'G001')).toMatchObject({
      grade: 3,
      cards: ['0040100001', '0040100002'],
      healthCodeAt: '2026-11-22T22:00:00.000Z',
    });
    expect(byId(list, 'G002').healthCode).toBe('yellow');
    expect(byId(list, 'G004')).toMatchObject({
      kind: 'staff',
      cards: ['0040100004', '0040100005'],
      guardianPhone: '01012345678',
    });
  });

  it('reads Excel "Unicode text" (UTF-16 with tabs) and keeps ="0123" as text', async () => {
    const tsv = '\ufeffid\tname\tkind\tgrade\tcard\r\nS1\t张三\tstudent\t1\t="0040856634"\r\n';
    const bytes = new Uint8Array(Buffer.from(tsv, 'utf16le'));
    expect(people(await readRoster(bytes, tz))[0]).toMatchObject({ name: '张三', card: '0040856634' });
  });

  it('trims spaces, full-width ones too, but keeps the inside of names', async () => {
    const csv = 'id, name ,kind,grade\n  S1\u3000,\u3000欧阳 娜娜 ,学生, 1 \n';
    expect(people(await readRoster(utf8(csv), tz))[0]).toMatchObject({
      id: 'S1',
      name: '欧阳 娜娜',
      grade: 1,
    });
  });

  it('takes headers in any order and any case, and several cards in one cell', async () => {
    const csv =
      'Health Code,Card,Kind,Name,ID,Grade,Guardian_Phone,*Boarder\n' +
      'yellow,C1；C2 | C3/C4,staff,周老师,T1,,+86 139-0000-0001,yes\n';
    expect(people(await readRoster(utf8(csv), tz))[0]).toMatchObject({
      id: 'T1',
      kind: 'staff',
      card: 'C1',
      cards: ['C1', 'C2', 'C3', 'C4'],
      guardianPhone: '+8613900000001',
      boarder: true,
      healthCode: 'yellow',
    });
  });
});

describe('bad rows', () => {
  it('reports every bad row of the fixture by row and field, and gives no people', async () => {
    const read = await readRoster(fixture('roster-bad.csv'), tz);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors.map((e) => `${e.row} ${e.field}`)).toEqual([
      '3 id',
      '4 card',
      '5 grade',
      '6 name',
      '7 kind',
      '8 healthCode',
      '9 healthCodeAt',
      '10 guardianPhone',
      '11 boarder',
      '12 card',
      '13 card',
      '14 grade',
      '15 id',
      '16 card',
    ]);
    // Every problem in both languages, the English one also as `message`.
    for (const e of read.errors) {
      expect(e.en).toBe(e.message);
      expect(e.zh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(read.errors.find((e) => e.row === 3)?.zh).toBe('学号 "S1001" 重复（第 2 行也有）');
    expect(read.errors.find((e) => e.row === 14)?.zh).toBe('学生须填写年级');
    expect(read.errors.map(({ row, field, message }) => ({ row, field, message }))).toEqual(
      expect.arrayContaining([
        { row: 3, field: 'id', message: 'duplicate id "S1001" (also row 2)' },
        { row: 4, field: 'card', message: 'card "C100" is used twice (also row 2)' },
        { row: 5, field: 'grade', message: 'unknown grade "七十"' },
        { row: 6, field: 'name', message: 'empty name' },
        { row: 7, field: 'kind', message: '"家长" is not student/学生 or staff/教职工' },
        { row: 8, field: 'healthCode', message: '"紫" is not green/绿, yellow/黄 or red/红' },
        { row: 9, field: 'healthCodeAt', message: '"2026-13-01 08:00" is not ISO 8601 or YYYY-MM-DD HH:mm' },
        {
          row: 10,
          field: 'guardianPhone',
          message: '"12345" is not a phone number (7 to 15 digits, optionally +86)',
        },
        { row: 11, field: 'boarder', message: '"也许" is not yes/是 or no/否' },
        { row: 12, field: 'card', message: 'card "C111" is listed twice' },
        { row: 14, field: 'grade', message: 'a student needs a grade' },
        { row: 15, field: 'id', message: 'empty id' },
        { row: 16, field: 'card', message: 'card "S1001" is also the id of row 2' },
      ]),
    );
    expect(read.errors[10]?.message).toMatch(/4\.00857E\+09" is a number Excel shortened/);
    expect(read.warnings).toEqual([
      {
        row: 1,
        field: '备注',
        message: 'column K is not a roster column; ignored',
        zh: '第 K 列不是名单列，已忽略',
        en: 'column K is not a roster column; ignored',
      },
    ]);
  });

  it('reports several problems of one row, and the same in an xlsx', async () => {
    const bytes = await workbook([
      ['学号', '姓名', '年级', '类型', '住宿', '健康码', '状态时间'],
      ['S1', '', '13', '学生', 'maybe', 'blue', 'yesterday'],
    ]);
    const read = await readRoster(bytes, tz);
    expect(read.ok ? [] : read.errors.map((e) => e.field)).toEqual([
      'name',
      'grade',
      'healthCode',
      'healthCodeAt',
      'boarder',
    ]);
  });

  it('names missing and doubled columns on the header row', async () => {
    expect(await readRoster(utf8('姓名,年级,班级\n张三,1,1班\n'), tz)).toMatchObject({
      ok: false,
      errors: [
        { row: 1, field: 'id', message: 'no "id" column' },
        { row: 1, field: 'kind', message: 'no "kind" column' },
      ],
    });
    expect(await readRoster(utf8('学号,姓名,类型,name\nS1,张三,学生,张三\n'), tz)).toMatchObject({
      ok: false,
      errors: [{ row: 1, field: 'name', message: 'two "name" columns (B and D)' }],
    });
  });

  it('refuses an empty file, a header alone, and text the encoding lost', async () => {
    expect(await readRoster(new Uint8Array(), tz)).toMatchObject({
      ok: false,
      errors: [{ row: 0, field: 'file', message: 'the file is empty' }],
    });
    expect(await readRoster(utf8('id,name,kind\n\n'), tz)).toMatchObject({
      ok: false,
      errors: [{ row: 0, field: 'file', message: 'no people in the file, only a header' }],
    });
    expect(await readRoster(utf8('id,name,kind\nS1,张\ufffd,教职工\n'), tz)).toMatchObject({
      ok: false,
      errors: [{ row: 2, field: 'name', message: expect.stringMatching(/lost to the file's encoding/) }],
    });
  });
});

describe('cell values', () => {
  it.each([
    ['1', 1],
    ['12', 12],
    ['3年级', 3],
    ['三年级', 3],
    ['六年级', 6],
    ['十二年级', 12],
    ['Grade 4', 4],
    ['初一', 7],
    ['高三', 12],
    ['４', 4],
  ])('grade %s is %d', (text, grade) => {
    expect(parseGrade(text)).toEqual({ value: grade });
  });

  it.each(['0', '13', '七十', '一', 'x', '1.5'])('grade %s is unknown', (text) => {
    expect(parseGrade(text)).toEqual({
      problem: { zh: `无法识别的年级 "${text}"`, en: `unknown grade "${text}"` },
    });
  });

  it.each([
    ['13800000001', '13800000001'],
    ['+86 138 0000 0001', '+8613800000001'],
    ['010-12345678', '01012345678'],
    ['1234567', '1234567'],
  ])('phone %s is %s', (text, phone) => {
    expect(parsePhone(text)).toEqual({ value: phone });
  });

  it.each(['123456', '1234567890123456', '138-0000-000x', '+1 2025550123'])('phone %s is refused', (text) => {
    expect(parsePhone(text)).toHaveProperty('problem');
  });

  it.each([
    ['2026-11-23 06:00', '2026-11-22T22:00:00.000Z'],
    ['2026/11/23 6:00', '2026-11-22T22:00:00.000Z'],
    ['2026-11-23T06:00', '2026-11-22T22:00:00.000Z'],
    ['2026-11-23 06:00:30', '2026-11-22T22:00:30.000Z'],
    ['2026-11-23', '2026-11-22T16:00:00.000Z'],
    ['2026-11-23T06:00:00+08:00', '2026-11-22T22:00:00.000Z'],
    ['2026-11-22T22:00:00Z', '2026-11-22T22:00:00.000Z'],
  ])('status time %s is %s', (text, iso) => {
    expect(parseStatusTime(text, tz)).toEqual({ value: iso });
  });

  it.each(['2026-02-30 08:00', '2026-11-23 24:00', 'yesterday', '23/11/2026'])(
    'status time %s is refused',
    (text) => {
      expect(parseStatusTime(text, tz)).toHaveProperty('problem');
    },
  );

  it('knows roster files by name', () => {
    expect(['a.xlsx', 'B.CSV', 'a.xls', 'a.csv.txt', 'csv'].map(rosterFormatOf)).toEqual([
      'xlsx',
      'csv',
      null,
      null,
      null,
    ]);
  });
});

describe('any roster round-trips', () => {
  const nameChar = fc.constantFrom(...'张王李欧阳娜艾山阿卜杜拉买提𠮷田一龘丶〇'.split(/(?:)/u), '·');
  const person = fc.record({
    name: fc.array(nameChar, { minLength: 1, maxLength: 8 }).map((cs) => cs.join('')),
    grade: fc.integer({ min: 1, max: 12 }),
    cards: fc.array(fc.stringMatching(/^[0-9]{6,10}$/), { maxLength: 3 }),
    boarder: fc.boolean(),
  });
  const rosters = fc.array(person, { minLength: 1, maxLength: 12 }).map((list) => {
    const seen = new Set<string>();
    return list.map((p, i) => ({
      ...p,
      id: `S${i}`,
      cards: p.cards.filter((c) => {
        if (seen.has(c)) return false;
        seen.add(c);
        return true;
      }),
    }));
  });

  it('through CSV (UTF-8 and GB18030) and xlsx alike', async () => {
    await fc.assert(
      fc.asyncProperty(rosters, async (list) => {
        const header = ['学号', '姓名', '年级', '类型', '卡号', '住宿'];
        const rows = list.map((p) => [
          p.id,
          p.name,
          p.grade,
          '学生',
          p.cards.join(';'),
          p.boarder ? '是' : '否',
        ]);
        const csv = [header, ...rows].map((r) => r.join(',')).join('\r\n');
        const want = list.map((p) => ({
          id: p.id,
          name: p.name,
          grade: p.grade,
          cards: p.cards,
          boarder: p.boarder,
        }));
        const pick = (read: RosterRead) =>
          people(read).map((p) => ({
            id: p.id,
            name: p.name,
            grade: p.grade,
            cards: p.cards,
            boarder: p.boarder,
          }));
        expect(pick(await readRoster(utf8(csv), tz))).toEqual(want);
        expect(pick(await readRoster(encodeGb18030(csv), tz))).toEqual(want);
        expect(pick(await readRoster(await workbook([header, ...rows]), tz))).toEqual(want);
      }),
      { numRuns: 25 },
    );
  });
});
