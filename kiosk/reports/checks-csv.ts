import type { ChecksRecord } from './checks-record.ts';
import { checkColumns, rowCells } from './checks-text.ts';

const BOM = '\uFEFF';

/**
 * The 晨午检 record as one CSV table, one line per pupil and check: UTF-8 with a byte-order mark and
 * CRLF line ends, so Excel opens it in the right encoding.
 */
export function checksCsv(record: ChecksRecord): string {
  const lines = [['日期', '时段', '班级', ...checkColumns]];
  for (const s of record.sessions) {
    for (const c of s.classes) {
      c.rows.forEach((r, i) => {
        lines.push([record.date, s.session.name, c.label, String(i + 1), ...rowCells(r)]);
      });
    }
  }
  const body = lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n');
  return `${BOM}${body}\r\n`;
}

function csvCell(value: string): string {
  // A cell starting with = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
