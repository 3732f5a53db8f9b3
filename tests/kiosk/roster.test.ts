import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskName } from '../../kiosk/identities/mask.ts';
import { parseRosterCsv } from '../../kiosk/identities/roster-file.ts';
import { sessionOf } from '../../kiosk/sessions/session-of.ts';

const tz = 'Asia/Shanghai';

describe('the roster file', () => {
  it('reads the demo roster: 300+ pupils over 6 grades, staff, and some yellow, red and stale codes', () => {
    const parsed = parseRosterCsv(readFileSync('fixtures/roster/demo-roster.csv', 'utf8'), tz);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
    const pupils = parsed.people.filter((p) => p.kind === 'student');
    expect(pupils.length).toBeGreaterThanOrEqual(300);
    expect(new Set(pupils.map((p) => p.grade))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    expect(parsed.people.some((p) => p.kind === 'staff')).toBe(true);
    expect(parsed.people.filter((p) => p.healthCode === 'red').length).toBeGreaterThan(0);
    expect(parsed.people.filter((p) => p.healthCode === 'yellow').length).toBeGreaterThan(0);
    expect(parsed.people.filter((p) => p.healthCode === 'unknown').length).toBeGreaterThan(0);
    expect(new Set(parsed.people.map((p) => p.healthCodeAt)).size).toBeGreaterThan(2);
    expect(parsed.people.map((p) => p.name)).toEqual(
      expect.arrayContaining(['阿卜杜拉·艾山', '欧阳娜娜', '𠮷田一']),
    );
  });

  it('reads English headers, a BOM, quoted fields and local status times', () => {
    const parsed = parseRosterCsv(
      '\ufeffid,name,grade,class,kind,card,boarder,healthCode,healthCodeAt\r\n' +
        'S1,"Smith, Anna",3,2班,student,0040856634,yes,green,2026-11-23 06:00\r\n' +
        'T1,周老师,,,staff,,no,黄,2026-11-22T22:00:00Z\r\n',
      tz,
    );
    expect(parsed).toEqual({
      ok: true,
      people: [
        expect.objectContaining({
          id: 'S1',
          name: 'Smith, Anna',
          grade: 3,
          boarder: true,
          card: '0040856634',
        }),
        expect.objectContaining({ id: 'T1', kind: 'staff', grade: null, healthCode: 'yellow' }),
      ],
    });
    if (parsed.ok) expect(parsed.people[0]?.healthCodeAt).toBe('2026-11-22T22:00:00.000Z');
  });

  it('reports every bad row by row and field, and gives no people', () => {
    const parsed = parseRosterCsv(
      '学号,姓名,年级,班级,类型,卡号,健康码\n' +
        'S1,张三,1,1班,学生,C1,绿\n' +
        'S1,李四,2,1班,学生,C2,绿\n' +
        'S3,,9x,1班,学生,C1,紫\n' +
        'S4,王五,1,1班,家长,,绿\n',
      tz,
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors[1]).toMatchObject({ zh: '姓名为空', en: 'empty name' });
    expect(parsed.errors.map(({ row, field, message }) => ({ row, field, message }))).toEqual([
      { row: 3, field: 'id', message: 'duplicate id "S1" (also row 2)' },
      { row: 4, field: 'name', message: 'empty name' },
      { row: 4, field: 'grade', message: 'unknown grade "9x"' },
      { row: 4, field: 'healthCode', message: '"紫" is not green/绿, yellow/黄 or red/红' },
      { row: 4, field: 'card', message: 'card "C1" is used twice (also row 2)' },
      { row: 5, field: 'kind', message: '"家长" is not student/学生 or staff/教职工' },
    ]);
  });

  it('names a missing column', () => {
    expect(parseRosterCsv('name,grade\n张三,1\n', tz)).toEqual({
      ok: false,
      errors: [
        { row: 1, field: 'id', message: 'no "id" column', zh: '缺少 "id" 列', en: 'no "id" column' },
        { row: 1, field: 'kind', message: 'no "kind" column', zh: '缺少 "kind" 列', en: 'no "kind" column' },
      ],
    });
  });
});

describe('names on public screens', () => {
  it.each([
    ['张三丰', '张*丰'],
    ['李四', '李*'],
    ['欧阳娜娜', '欧**娜'],
    ['阿卜杜拉·艾山', '阿***山'],
    [`张${'x'.repeat(1998)}丰`, '张***丰'],
    ['𠮷田一', '𠮷*一'],
    ['王', '*'],
    ['Anna Smith', 'A. S.'],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});

describe('sessions', () => {
  const sessions = [
    { id: 'morning', name: '晨检', start: '06:30', cutoff: '08:30', boardersOnly: false },
    { id: 'noon', name: '午检', start: '12:30', cutoff: '14:00', boardersOnly: false },
  ];
  it.each([
    ['2026-11-22T22:30:00Z', '2026-11-23', 'morning'],
    ['2026-11-23T00:29:59Z', '2026-11-23', 'morning'],
    ['2026-11-23T00:30:00Z', '2026-11-23', 'unscheduled'],
    ['2026-11-23T05:00:00Z', '2026-11-23', 'noon'],
    ['2026-11-22T22:29:00Z', '2026-11-23', 'unscheduled'],
    ['2026-11-23T16:30:00Z', '2026-11-24', 'unscheduled'],
  ])('%s is %s %s in Shanghai', (at, date, sessionId) => {
    expect(sessionOf(new Date(at), sessions, tz)).toMatchObject({ date, sessionId });
  });
});
