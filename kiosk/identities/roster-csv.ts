import { csvRows } from './csv.ts';
import { HEADER_SEARCH_ROWS } from './roster-columns.ts';
import { defaultRosterLimits, RosterLimitExceeded, type RosterLimits, tooManyRows } from './roster-limits.ts';
import type { SheetRow } from './roster-sheet.ts';
import { decodeRosterText } from './roster-text.ts';

/**
 * The rows of a CSV roster as a spreadsheet would number them (a quoted line break stays in its row).
 * Reading stops, with `RosterLimitExceeded`, once there are more rows with text than a header, the
 * lines above it and `limits.maxRows` people.
 */
export function csvSheet(text: string, limits: RosterLimits = defaultRosterLimits): SheetRow[] {
  const maxRows = limits.maxRows + HEADER_SEARCH_ROWS;
  const rows: SheetRow[] = [];
  let filled = 0;
  for (const fields of csvRows(text, delimiterOf(text))) {
    const cells = fields.map(unwrapExcelText);
    rows.push({ row: rows.length + 1, cells });
    if (cells.some((c) => c.trim() !== '') && ++filled > maxRows)
      throw new RosterLimitExceeded(
        tooManyRows(limits, { zh: `超过 ${maxRows} 行`, en: `more than ${maxRows} rows` }),
      );
  }
  return rows;
}

export function csvSheetFromBytes(bytes: Uint8Array, limits: RosterLimits = defaultRosterLimits): SheetRow[] {
  return csvSheet(decodeRosterText(bytes).text, limits);
}

/** Tab for Excel's "Unicode text", semicolon where Excel's list separator is one; else comma. */
function delimiterOf(text: string): ',' | '\t' | ';' {
  const end = text.search(/[\r\n]/);
  const header = end < 0 ? text : text.slice(0, end);
  const count = (c: string) => header.split(c).length - 1;
  const commas = count(',');
  if (count('\t') > commas) return '\t';
  if (count(';') > commas) return ';';
  return ',';
}

/** `="0040856634"` is how spreadsheets are told to keep leading zeros in a CSV. */
function unwrapExcelText(field: string): string {
  const m = /^\s*="(.*)"\s*$/s.exec(field);
  return m?.[1] !== undefined ? m[1].replace(/""/g, '"') : field;
}
