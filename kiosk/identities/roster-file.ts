import type { Person } from './person.ts';
import { columnLetter, columnOfHeader, type RosterColumn } from './roster-columns.ts';
import { csvSheet } from './roster-csv.ts';
import type { SheetCell, SheetRow } from './roster-sheet.ts';
import {
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
  statusTimeOfDateCell,
} from './roster-values.ts';

export interface RosterIssue {
  /** The spreadsheet row (the header is row 1); 0 for the file as a whole. */
  row: number;
  /** The column (`id`, `card`, …), `file` for the file as a whole, or the header text of an ignored column. */
  field: string;
  message: string;
}
export type RosterError = RosterIssue;

export type RosterParse = { ok: true; people: Person[] } | { ok: false; errors: RosterError[] };

/** A read roster: everyone in it (with the row each came from) or every problem; warnings either way. */
export type RosterRead =
  | { ok: true; people: Person[]; rows: number[]; warnings: RosterIssue[] }
  | { ok: false; errors: RosterError[]; warnings: RosterIssue[] };

const required: readonly RosterColumn[] = ['id', 'name', 'kind'];
/** A title line or two above the header is common in school sheets; look this far for the header. */
const HEADER_SEARCH_ROWS = 10;

/** Reads a roster CSV (UTF-8) into people; any problem means no people at all. */
export function parseRosterCsv(text: string, timeZone: string): RosterParse {
  const read = parseRosterSheet(csvSheet(text), timeZone);
  return read.ok ? { ok: true, people: read.people } : { ok: false, errors: read.errors };
}

export function fileProblem(message: string): RosterRead {
  return { ok: false, errors: [{ row: 0, field: 'file', message }], warnings: [] };
}

/**
 * Checks every row and reports every problem with its row and field; any problem means no people at
 * all, so nothing half-imports.
 */
export function parseRosterSheet(sheet: readonly SheetRow[], timeZone: string): RosterRead {
  const rows = sheet.filter((r) => r.cells.some((c) => cellText(c) !== ''));
  const errors: RosterError[] = [];
  const warnings: RosterIssue[] = [];
  const headerAt = Math.max(
    0,
    rows.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => r.cells.filter((c) => columnOfCell(c)).length >= 2),
  );
  const header = rows[headerAt];
  if (!header) return fileProblem('the file is empty');
  for (const above of rows.slice(0, headerAt))
    warnings.push({ row: above.row, field: '', message: 'above the header row; ignored' });

  const columns = new Map<RosterColumn, number>();
  header.cells.forEach((cell, index) => {
    const text = cellText(cell);
    const column = columnOfCell(cell);
    if (!column) {
      if (text !== '') {
        warnings.push({
          row: header.row,
          field: text,
          message: `column ${columnLetter(index)} is not a roster column; ignored`,
        });
      }
      return;
    }
    const first = columns.get(column);
    if (first === undefined) columns.set(column, index);
    else {
      errors.push({
        row: header.row,
        field: column,
        message: `two "${column}" columns (${columnLetter(first)} and ${columnLetter(index)})`,
      });
    }
  });
  for (const column of required) {
    if (!columns.has(column))
      errors.push({ row: header.row, field: column, message: `no "${column}" column` });
  }
  if (errors.length) return { ok: false, errors, warnings };
  const body = rows.slice(headerAt + 1);
  if (body.length === 0) return { ...fileProblem('no people in the file, only a header'), warnings };

  const people: Person[] = [];
  const personRows: number[] = [];
  const idRows = new Map<string, number>();
  const cardRows = new Map<string, number>();
  for (const r of body) {
    const before = errors.length;
    const fail = (field: string, message: string) => errors.push({ row: r.row, field, message });
    const cellOf = (column: RosterColumn): SheetCell => {
      const index = columns.get(column);
      return index === undefined ? '' : (r.cells[index] ?? '');
    };
    /** The cell's text, or null when it cannot be read (the problem is already reported). */
    const text = (column: RosterColumn): string | null => {
      const cell = cellOf(column);
      if (typeof cell === 'object' && !(cell instanceof Date)) {
        fail(column, cell.unreadable);
        return null;
      }
      const t = cellText(cell);
      if (t.includes('\ufffd')) {
        fail(column, `"${t}" has characters lost to the file's encoding; save it as CSV UTF-8 or .xlsx`);
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
    if (id === '') fail('id', 'empty id');
    else if (id !== null && isShortenedNumber(id))
      fail('id', `"${id}" is a number Excel shortened; format the column as text and export the file again`);
    const name = text('name');
    if (name === '') fail('name', 'empty name');
    const kind = value('kind', parseKind);
    const gradeText = text('grade');
    let grade: number | null = null;
    if (gradeText) grade = value('grade', parseGrade) ?? null;
    else if (gradeText === '' && kind === 'student') fail('grade', 'a student needs a grade');
    const className = text('class');
    const healthCode = value('healthCode', parseHealthCode);
    const healthCodeAt = statusTime(cellOf('healthCodeAt'), timeZone, () => text('healthCodeAt'), fail);
    const boarder = value('boarder', parseBoarder);
    const phoneText = text('guardianPhone');
    const guardianPhone = phoneText ? (value('guardianPhone', parsePhone) ?? null) : null;
    if (id) {
      const first = idRows.get(id);
      if (first) fail('id', `duplicate id "${id}" (also row ${first})`);
      else idRows.set(id, r.row);
    }
    const cards = value('card', parseCards) ?? [];
    const inRow = new Set<string>();
    for (const card of cards) {
      const first = cardRows.get(card);
      if (inRow.has(card)) fail('card', `card "${card}" is listed twice`);
      else if (first) fail('card', `card "${card}" is used twice (also row ${first})`);
      else cardRows.set(card, r.row);
      inRow.add(card);
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
      errors.push({ row, field: 'card', message: `card "${card}" is also the id of row ${idRow}` });
  }
  if (errors.length) return { ok: false, errors: errors.sort((a, b) => a.row - b.row), warnings };
  return { ok: true, people, rows: personRows, warnings };
}

function statusTime(
  cell: SheetCell,
  timeZone: string,
  text: () => string | null,
  fail: (field: string, message: string) => void,
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

const invisibleEnds = /^[\s\u200b-\u200d\u2060]+|[\s\u200b-\u200d\u2060]+$/g;

/** Text with spaces (full-width ones too) and invisible characters trimmed from both ends. */
function cellText(cell: SheetCell): string {
  if (typeof cell === 'string') return cell.replace(invisibleEnds, '');
  if (cell instanceof Date) return formatDateCell(cell);
  return '';
}

function columnOfCell(cell: SheetCell): RosterColumn | undefined {
  const text = cellText(cell);
  return text ? columnOfHeader(text) : undefined;
}
