import { parseCsv } from '../identities/csv.ts';
import { parseStatusTime } from './status-time.ts';

export type KnownCode = 'green' | 'yellow' | 'red';

export interface StatusUpdate {
  personId: string;
  code: KnownCode;
  at: Date;
}

export interface StatusFileError {
  /** CSV: 1-based line of the file, the header being row 1. JSON: 1-based position in the array. */
  row: number;
  field: string;
  message: string;
}

export interface StatusFileParse {
  updates: StatusUpdate[];
  errors: StatusFileError[];
}

type Column = 'id' | 'healthCode' | 'healthCodeAt';

/** The roster's headers for these three columns; other columns are ignored, so a roster file also reads. */
const headers: Record<string, Column> = {
  id: 'id',
  学号: 'id',
  工号: 'id',
  '学号/工号': 'id',
  healthcode: 'healthCode',
  健康码: 'healthCode',
  healthcodeat: 'healthCodeAt',
  状态时间: 'healthCodeAt',
};

const codes: Record<string, KnownCode> = {
  green: 'green',
  绿: 'green',
  绿码: 'green',
  yellow: 'yellow',
  黄: 'yellow',
  黄码: 'yellow',
  red: 'red',
  红: 'red',
  红码: 'red',
};

/**
 * The district's status file: CSV (`id,healthCode,healthCodeAt` by English or Chinese header) or JSON
 * (`[{id, code, at}]`). Every bad row is reported; a caller applies the updates only when there are no
 * errors, so a file never half-applies.
 */
export function parseStatusFile(text: string, timeZone: string): StatusFileParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const start = body.trimStart()[0];
  return start === '[' || start === '{' ? parseJson(body, timeZone) : parseCsvRows(body, timeZone);
}

function parseCsvRows(text: string, timeZone: string): StatusFileParse {
  const rows = parseCsv(text);
  const errors: StatusFileError[] = [];
  const updates: StatusUpdate[] = [];
  const header = rows[0];
  if (!header || rows.every((r) => r.every((f) => f.trim() === ''))) {
    return { updates, errors: [{ row: 1, field: '', message: 'the file is empty' }] };
  }
  const columns = header.map((h) => headers[h.trim().replace(/\s+/g, '').toLowerCase()] ?? headers[h.trim()]);
  for (const required of ['id', 'healthCode', 'healthCodeAt'] as const) {
    if (!columns.includes(required))
      errors.push({ row: 1, field: required, message: `no "${required}" column` });
  }
  if (errors.length) return { updates, errors };
  const seen = new Map<string, number>();
  rows.forEach((fields, index) => {
    if (index === 0 || fields.every((f) => f.trim() === '')) return;
    const value = (column: Column) => (fields[columns.indexOf(column)] ?? '').trim();
    const update = checkRow(
      index + 1,
      value('id'),
      value('healthCode'),
      value('healthCodeAt'),
      timeZone,
      seen,
      csvFields,
    );
    if ('errors' in update) errors.push(...update.errors);
    else updates.push(update);
  });
  return { updates, errors };
}

function parseJson(text: string, timeZone: string): StatusFileParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { updates: [], errors: [{ row: 1, field: '', message: `not JSON: ${(error as Error).message}` }] };
  }
  if (!Array.isArray(value)) {
    return {
      updates: [],
      errors: [{ row: 1, field: '', message: 'expected a JSON array of {id, code, at}' }],
    };
  }
  const errors: StatusFileError[] = [];
  const updates: StatusUpdate[] = [];
  const seen = new Map<string, number>();
  value.forEach((item: unknown, index) => {
    const row = index + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push({ row, field: '', message: 'expected an object {id, code, at}' });
      return;
    }
    const { id, code, at } = item as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
    const update = checkRow(row, text(id), text(code), text(at), timeZone, seen, jsonFields);
    if ('errors' in update) errors.push(...update.errors);
    else updates.push(update);
  });
  return { updates, errors };
}

const csvFields = { code: 'healthCode', at: 'healthCodeAt' };
const jsonFields = { code: 'code', at: 'at' };

function checkRow(
  row: number,
  id: string,
  codeText: string,
  atText: string,
  timeZone: string,
  seen: Map<string, number>,
  fields: { code: string; at: string },
): StatusUpdate | { errors: StatusFileError[] } {
  const errors: StatusFileError[] = [];
  if (!id) errors.push({ row, field: 'id', message: 'empty id' });
  else {
    const first = seen.get(id);
    if (first !== undefined)
      errors.push({ row, field: 'id', message: `duplicate id "${id}" (also row ${first})` });
    else seen.set(id, row);
  }
  const code = codes[codeText.toLowerCase()];
  if (!code)
    errors.push({ row, field: fields.code, message: `"${codeText}" is not green/绿, yellow/黄 or red/红` });
  const at = atText ? parseStatusTime(atText, timeZone) : null;
  if (!at) {
    errors.push({
      row,
      field: fields.at,
      message: atText ? `"${atText}" is not ISO 8601 or YYYY-MM-DD HH:mm` : 'empty status time',
    });
  }
  if (errors.length || !code || !at) return { errors };
  return { personId: id, code, at };
}
