import { parseCsv } from './csv.ts';
import type { SheetRow } from './roster-sheet.ts';
import { decodeRosterText } from './roster-text.ts';

/** The rows of a CSV roster as a spreadsheet would number them (a quoted line break stays in its row). */
export function csvSheet(text: string): SheetRow[] {
  return parseCsv(text, delimiterOf(text)).map((fields, index) => ({
    row: index + 1,
    cells: fields.map(unwrapExcelText),
  }));
}

export function csvSheetFromBytes(bytes: Uint8Array): SheetRow[] {
  return csvSheet(decodeRosterText(bytes).text);
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
