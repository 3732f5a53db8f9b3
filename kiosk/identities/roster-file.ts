import { zonedToInstant } from '../time/zoned.ts';
import { parseCsv } from './csv.ts';
import type { Person } from './person.ts';

export interface RosterError {
  /** 1-based line of the file (the header is row 1). */
  row: number;
  field: string;
  message: string;
}

export type RosterParse = { ok: true; people: Person[] } | { ok: false; errors: RosterError[] };

/** Column names of the contract, by English or Chinese header. */
const headers: Record<string, keyof RosterColumns> = {
  id: 'id',
  学号: 'id',
  工号: 'id',
  '学号/工号': 'id',
  name: 'name',
  姓名: 'name',
  grade: 'grade',
  年级: 'grade',
  class: 'class',
  班级: 'class',
  kind: 'kind',
  类型: 'kind',
  card: 'card',
  卡号: 'card',
  guardianphone: 'guardianPhone',
  监护人电话: 'guardianPhone',
  boarder: 'boarder',
  住宿: 'boarder',
  healthcode: 'healthCode',
  健康码: 'healthCode',
  healthcodeat: 'healthCodeAt',
  状态时间: 'healthCodeAt',
};

interface RosterColumns {
  id: string;
  name: string;
  grade: string;
  class: string;
  kind: string;
  card: string;
  guardianPhone: string;
  boarder: string;
  healthCode: string;
  healthCodeAt: string;
}

const kinds: Record<string, Person['kind']> = {
  student: 'student',
  学生: 'student',
  staff: 'staff',
  教职工: 'staff',
};
const codes: Record<string, Person['healthCode']> = {
  green: 'green',
  绿: 'green',
  绿码: 'green',
  yellow: 'yellow',
  黄: 'yellow',
  黄码: 'yellow',
  red: 'red',
  红: 'red',
  红码: 'red',
  '': 'unknown',
  unknown: 'unknown',
};
const yesNo: Record<string, boolean> = {
  yes: true,
  是: true,
  y: true,
  '1': true,
  no: false,
  否: false,
  n: false,
  '0': false,
  '': false,
};

/**
 * Reads a roster CSV (UTF-8) into people: every row is checked and every problem reported with its
 * row and field; any problem means no people at all, so nothing half-imports.
 */
export function parseRosterCsv(text: string, timeZone: string): RosterParse {
  const rows = parseCsv(text).filter((r) => r.some((f) => f.trim() !== ''));
  const errors: RosterError[] = [];
  const header = rows[0];
  if (!header) return { ok: false, errors: [{ row: 1, field: '', message: 'the file is empty' }] };
  const columns = header.map((h) => headers[h.trim().replace(/\s+/g, '').toLowerCase()] ?? headers[h.trim()]);
  for (const required of ['id', 'name', 'kind'] as const) {
    if (!columns.includes(required))
      errors.push({ row: 1, field: required, message: `no "${required}" column` });
  }
  if (errors.length) return { ok: false, errors };

  const people: Person[] = [];
  const ids = new Map<string, number>();
  const cards = new Map<string, number>();
  rows.slice(1).forEach((fields, index) => {
    const row = index + 2;
    const v = {} as RosterColumns;
    columns.forEach((col, i) => {
      if (col) v[col] = (fields[i] ?? '').trim();
    });
    const fail = (field: string, message: string) => errors.push({ row, field, message });
    if (!v.id) fail('id', 'empty id');
    if (!v.name) fail('name', 'empty name');
    const kind = kinds[(v.kind ?? '').toLowerCase()];
    if (!kind) fail('kind', `"${v.kind ?? ''}" is not student/学生 or staff/教职工`);
    let grade: number | null = null;
    if (v.grade) {
      grade = Number(v.grade.replace(/年级$/, ''));
      if (!Number.isInteger(grade) || grade < 1 || grade > 12) fail('grade', `unknown grade "${v.grade}"`);
    } else if (kind === 'student') fail('grade', 'a student needs a grade');
    const healthCode = codes[(v.healthCode ?? '').toLowerCase()];
    if (!healthCode) fail('healthCode', `"${v.healthCode}" is not green/绿, yellow/黄 or red/红`);
    let healthCodeAt: string | null = null;
    if (v.healthCodeAt) {
      healthCodeAt = parseStatusTime(v.healthCodeAt, timeZone);
      if (!healthCodeAt) fail('healthCodeAt', `"${v.healthCodeAt}" is not ISO 8601 or YYYY-MM-DD HH:mm`);
    }
    const boarder = yesNo[(v.boarder ?? '').toLowerCase()];
    if (boarder === undefined) fail('boarder', `"${v.boarder}" is not yes/是 or no/否`);
    if (v.id) {
      const first = ids.get(v.id);
      if (first) fail('id', `duplicate id "${v.id}" (also row ${first})`);
      else ids.set(v.id, row);
    }
    if (v.card) {
      const first = cards.get(v.card);
      if (first) fail('card', `card "${v.card}" is used twice (also row ${first})`);
      else cards.set(v.card, row);
    }
    if (v.id && v.name && kind && healthCode && boarder !== undefined) {
      people.push({
        id: v.id,
        name: v.name,
        kind,
        grade,
        className: v.class || null,
        card: v.card || null,
        guardianPhone: v.guardianPhone || null,
        boarder,
        healthCode,
        healthCodeAt,
        returnCertificateDue: false,
      });
    }
  });
  return errors.length ? { ok: false, errors } : { ok: true, people };
}

function parseStatusTime(text: string, timeZone: string): string | null {
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/.exec(text);
  if (local?.[1] && local[2]) return zonedToInstant(local[1], local[2], timeZone).toISOString();
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}
