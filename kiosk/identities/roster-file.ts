import type { Person } from './person.ts';
import { columnLetter, columnOfHeader, HEADER_SEARCH_ROWS, type RosterColumn } from './roster-columns.ts';
import { csvSheet } from './roster-csv.ts';
import {
  defaultRosterLimits,
  RosterLimitExceeded,
  type RosterLimits,
  type RosterRefusal,
  tooManyRows,
} from './roster-limits.ts';
import type { Said, SheetCell, SheetRow } from './roster-sheet.ts';
import { hasDirectionControls, visibleText } from './roster-text.ts';
import {
  charCount,
  fieldMaxChars,
  formatDateCell,
  isShortenedNumber,
  type Parsed,
  parseBoarder,
  parseCards,
  parseGrade,
  parseHealthCode,
  parseKind,
  parsePhone,
  parseStatusTime,
  quote,
  statusTimeOfDateCell,
} from './roster-values.ts';

export interface RosterIssue {
  /** The spreadsheet row (the header is row 1); 0 for the file as a whole. */
  row: number;
  /** The column (`id`, `card`, …), `file` for the file as a whole, or the header text of an ignored column. */
  field: string;
  /** The problem in English (the same as `en`), kept for readers of the earlier answer. */
  message: string;
  zh: string;
  en: string;
}
export type RosterError = RosterIssue;

/** A problem at a row and field, said in both languages. */
export function rosterIssue(row: number, field: string, said: Said): RosterIssue {
  return { row, field, message: said.en, zh: said.zh, en: said.en };
}

export type RosterParse = { ok: true; people: Person[] } | { ok: false; errors: RosterError[] };

/** A read roster: everyone in it (with the row each came from) or every problem; warnings either way. */
export type RosterRead =
  | { ok: true; people: Person[]; rows: number[]; warnings: RosterIssue[] }
  | { ok: false; errors: RosterError[]; warnings: RosterIssue[]; refusal?: RosterRefusal };

const required: readonly RosterColumn[] = ['id', 'name', 'kind'];

/** Reads a roster CSV (UTF-8) into people; any problem means no people at all. */
export function parseRosterCsv(text: string, timeZone: string): RosterParse {
  let read: RosterRead;
  try {
    read = parseRosterSheet(csvSheet(text), timeZone);
  } catch (err) {
    if (!(err instanceof RosterLimitExceeded)) throw err;
    read = refusedFile(err.refusal);
  }
  return read.ok ? { ok: true, people: read.people } : { ok: false, errors: read.errors };
}

export function fileProblem(said: Said): RosterRead {
  return { ok: false, errors: [rosterIssue(0, 'file', said)], warnings: [] };
}

/** A file refused for a bound it crossed: a problem of the file as a whole, and which bound. */
export function refusedFile(refusal: RosterRefusal): RosterRead {
  return { ok: false, errors: [rosterIssue(0, 'file', refusal)], warnings: [], refusal };
}

/**
 * Checks every row and reports every problem with its row and field; any problem means no people at
 * all, so nothing half-imports. More people than `limits.maxRows` refuses the file as a whole.
 */
export function parseRosterSheet(
  sheet: readonly SheetRow[],
  timeZone: string,
  limits: RosterLimits = defaultRosterLimits,
): RosterRead {
  const rows = sheet.filter((r) => r.cells.some((c) => cellText(c) !== ''));
  const errors: RosterError[] = [];
  const warnings: RosterIssue[] = [];
  const headerAt = Math.max(
    0,
    rows.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => r.cells.filter((c) => columnOfCell(c)).length >= 2),
  );
  const header = rows[headerAt];
  if (!header) return fileProblem({ zh: '文件是空的', en: 'the file is empty' });
  for (const above of rows.slice(0, headerAt))
    warnings.push(
      rosterIssue(above.row, '', { zh: '在表头行之上，已忽略', en: 'above the header row; ignored' }),
    );

  const columns = new Map<RosterColumn, number>();
  header.cells.forEach((cell, index) => {
    const text = cellText(cell);
    const column = columnOfCell(cell);
    if (!column) {
      if (text !== '') {
        warnings.push(
          rosterIssue(header.row, Array.from(text).slice(0, 40).join(''), {
            zh: `第 ${columnLetter(index)} 列不是名单列，已忽略`,
            en: `column ${columnLetter(index)} is not a roster column; ignored`,
          }),
        );
      }
      return;
    }
    const first = columns.get(column);
    if (first === undefined) columns.set(column, index);
    else {
      errors.push(
        rosterIssue(header.row, column, {
          zh: `有两列 "${column}"（${columnLetter(first)} 列和 ${columnLetter(index)} 列）`,
          en: `two "${column}" columns (${columnLetter(first)} and ${columnLetter(index)})`,
        }),
      );
    }
  });
  for (const column of required) {
    if (!columns.has(column))
      errors.push(
        rosterIssue(header.row, column, { zh: `缺少 "${column}" 列`, en: `no "${column}" column` }),
      );
  }
  if (errors.length) return { ok: false, errors, warnings };
  const body = rows.slice(headerAt + 1);
  if (body.length === 0)
    return {
      ...fileProblem({ zh: '文件中只有表头，没有人员', en: 'no people in the file, only a header' }),
      warnings,
    };
  if (body.length > limits.maxRows)
    return {
      ...refusedFile(tooManyRows(limits, { zh: `${body.length} 人`, en: `${body.length} people` })),
      warnings,
    };

  const people: Person[] = [];
  const personRows: number[] = [];
  const idRows = new Map<string, number>();
  const cardRows = new Map<string, number>();
  const fieldOfIndex = (index: number): string => {
    for (const [column, at] of columns) if (at === index) return column;
    const text = cellText(header.cells[index] ?? '');
    return text ? Array.from(text).slice(0, 40).join('') : columnLetter(index);
  };
  for (const r of body) {
    const before = errors.length;
    const fail = (field: string, said: Said) => errors.push(rosterIssue(r.row, field, said));
    // Any cell, read or ignored, is bounded; an over-long one is reported and not read further.
    const tooLong = new Set<number>();
    r.cells.forEach((cell, index) => {
      if (typeof cell !== 'string' || cell.length <= limits.maxCellChars) return;
      tooLong.add(index);
      fail(fieldOfIndex(index), {
        zh: `${cell.length} 个字符；一个单元格最多 ${limits.maxCellChars} 个（配置 rosterLimits.maxCellChars）`,
        en: `${cell.length} characters; a cell holds at most ${limits.maxCellChars} (config rosterLimits.maxCellChars)`,
      });
    });
    let redirected = false;
    const cellOf = (column: RosterColumn): SheetCell => {
      const index = columns.get(column);
      return index === undefined ? '' : (r.cells[index] ?? '');
    };
    /** The cell's text, or null when it cannot be read (the problem is already reported). */
    const text = (column: RosterColumn): string | null => {
      const index = columns.get(column);
      if (index !== undefined && tooLong.has(index)) return null;
      const cell = cellOf(column);
      if (typeof cell === 'object' && !(cell instanceof Date)) {
        fail(column, cell.unreadable);
        return null;
      }
      if (typeof cell === 'string' && hasDirectionControls(cell)) redirected = true;
      const t = cellText(cell);
      if (t.includes('\ufffd')) {
        fail(column, {
          zh: `${quote(t)} 中有因文件编码丢失的字符；请存为 CSV UTF-8 或 .xlsx`,
          en: `${quote(t)} has characters lost to the file's encoding; save it as CSV UTF-8 or .xlsx`,
        });
        return null;
      }
      return t;
    };
    /** Free text (a name, a class): line breaks and runs of spaces are one space; at most `max` characters. */
    const words = (column: 'name' | 'class', max: number): string | null => {
      const t = text(column)?.replace(/\s+/g, ' ') ?? null;
      if (t !== null && charCount(t) > max) {
        fail(column, {
          zh: `${charCount(t)} 个字符；${column === 'name' ? '姓名' : '班级'}最多 ${max} 个`,
          en: `${charCount(t)} characters; a ${column} has at most ${max}`,
        });
        return null;
      }
      return t;
    };
    const value = <T>(column: RosterColumn, parse: (text: string) => Parsed<T>): T | undefined => {
      const t = text(column);
      if (t === null) return undefined;
      const parsed = parse(t);
      if ('problem' in parsed) {
        fail(column, parsed.problem);
        return undefined;
      }
      return parsed.value;
    };

    const id = text('id');
    if (id === '') fail('id', { zh: '学号为空', en: 'empty id' });
    else if (id !== null && charCount(id) > fieldMaxChars.id)
      fail('id', {
        zh: `${charCount(id)} 个字符；学号最多 ${fieldMaxChars.id} 个`,
        en: `${charCount(id)} characters; an id has at most ${fieldMaxChars.id}`,
      });
    else if (id !== null && isShortenedNumber(id))
      fail('id', {
        zh: `"${id}" 是被 Excel 缩写的数字；请把该列设为文本格式后重新导出`,
        en: `"${id}" is a number Excel shortened; format the column as text and export the file again`,
      });
    const name = words('name', fieldMaxChars.name);
    if (name === '') fail('name', { zh: '姓名为空', en: 'empty name' });
    const kind = value('kind', parseKind);
    const gradeText = text('grade');
    let grade: number | null = null;
    if (gradeText) grade = value('grade', parseGrade) ?? null;
    else if (gradeText === '' && kind === 'student')
      fail('grade', { zh: '学生须填写年级', en: 'a student needs a grade' });
    const className = words('class', fieldMaxChars.class);
    const healthCode = value('healthCode', parseHealthCode);
    const healthCodeAt = statusTime(cellOf('healthCodeAt'), timeZone, () => text('healthCodeAt'), fail);
    const boarder = value('boarder', parseBoarder);
    const phoneText = text('guardianPhone');
    const guardianPhone = phoneText ? (value('guardianPhone', parsePhone) ?? null) : null;
    if (id) {
      const first = idRows.get(id);
      if (first)
        fail('id', {
          zh: `学号 "${id}" 重复（第 ${first} 行也有）`,
          en: `duplicate id "${id}" (also row ${first})`,
        });
      else idRows.set(id, r.row);
    }
    const cards = value('card', parseCards) ?? [];
    const inRow = new Set<string>();
    for (const card of cards) {
      const first = cardRows.get(card);
      if (inRow.has(card))
        fail('card', { zh: `卡号 "${card}" 填了两次`, en: `card "${card}" is listed twice` });
      else if (first)
        fail('card', {
          zh: `卡号 "${card}" 重复使用（第 ${first} 行也有）`,
          en: `card "${card}" is used twice (also row ${first})`,
        });
      else cardRows.set(card, r.row);
      inRow.add(card);
    }

    if (redirected) {
      warnings.push(
        rosterIssue(r.row, '', {
          zh: '已删除改变文字方向的控制字符（如 U+202E）',
          en: 'text-direction control characters (such as U+202E) removed',
        }),
      );
    }
    if (errors.length > before || !id || !name || !kind || !healthCode || boarder === undefined) continue;
    people.push({
      id,
      name,
      kind,
      grade,
      className: className || null,
      card: cards[0] ?? null,
      cards,
      guardianPhone,
      boarder,
      healthCode,
      healthCodeAt: healthCodeAt ?? null,
      returnCertificateDue: false,
    });
    personRows.push(r.row);
  }
  // A scan is looked up by id first, so a card equal to someone else's id would never find its owner.
  for (const [card, row] of cardRows) {
    const idRow = idRows.get(card);
    if (idRow !== undefined && idRow !== row)
      errors.push(
        rosterIssue(row, 'card', {
          zh: `卡号 "${card}" 同时是第 ${idRow} 行的学号`,
          en: `card "${card}" is also the id of row ${idRow}`,
        }),
      );
  }
  if (errors.length) return { ok: false, errors: errors.sort((a, b) => a.row - b.row), warnings };
  return { ok: true, people, rows: personRows, warnings };
}

function statusTime(
  cell: SheetCell,
  timeZone: string,
  text: () => string | null,
  fail: (field: string, said: Said) => void,
): string | null | undefined {
  if (cell instanceof Date) return statusTimeOfDateCell(cell, timeZone);
  const t = text();
  if (!t) return null;
  const parsed = parseStatusTime(t, timeZone);
  if ('problem' in parsed) {
    fail('healthCodeAt', parsed.problem);
    return undefined;
  }
  return parsed.value;
}

/** Text without invisible and text-direction characters, spaces (full-width ones too) trimmed. */
function cellText(cell: SheetCell): string {
  if (typeof cell === 'string') return visibleText(cell);
  if (cell instanceof Date) return formatDateCell(cell);
  return '';
}

function columnOfCell(cell: SheetCell): RosterColumn | undefined {
  const text = cellText(cell);
  return text ? columnOfHeader(text) : undefined;
}
