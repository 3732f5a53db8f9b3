import type ExcelJS from 'exceljs';
import type { ChecksRecord, ClassCheck, SessionCheck } from './checks-record.ts';
import {
  checkColumns,
  countsText,
  dayZeroReportText,
  rowCells,
  sessionTitle,
  zeroReportText,
} from './checks-text.ts';

/** Rows above each class's table: title, date and check, counts, zero report; then the header. */
export const HEADER_ROW = 5;
const A4 = 9;
const TEMPERATURE_COLUMN = checkColumns.indexOf('体温(°C)') + 1;
const widths = [6, 11, 10, 16, 9, 20, 9, 18, 40];
const thin: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/** The 晨午检 record as a printable workbook: a summary sheet, then one A4 sheet per class and check. */
export async function checksWorkbook(record: ChecksRecord): Promise<Buffer> {
  // Loaded when a workbook is asked for: a kiosk starts without it.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = record.school.name;
  wb.created = new Date(record.generatedAt);
  const names = new Set<string>();
  summarySheet(wb, record, uniqueName('汇总', names));
  for (const s of record.sessions) {
    for (const c of s.classes) {
      const name = record.sessions.length > 1 ? `${s.session.name} ${c.label}` : c.label;
      classSheet(wb, record, s, c, uniqueName(name, names));
    }
  }
  // exceljs types its buffer as an ArrayBuffer; in Node it is a Buffer.
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function newSheet(wb: ExcelJS.Workbook, name: string, landscape: boolean): ExcelJS.Worksheet {
  return wb.addWorksheet(name, {
    pageSetup: {
      paperSize: A4,
      orientation: landscape ? 'landscape' : 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '第 &P 页 共 &N 页' },
  });
}

function titleRow(ws: ExcelJS.Worksheet, row: number, lastColumn: number, text: string, size: number): void {
  ws.mergeCells(row, 1, row, lastColumn);
  const cell = ws.getCell(row, 1);
  cell.value = text;
  cell.font = { size, bold: size > 12 };
  cell.alignment = { horizontal: size > 12 ? 'center' : 'left', vertical: 'middle', wrapText: true };
}

function tableRow(ws: ExcelJS.Worksheet, row: number, values: (string | number)[], header = false): void {
  const r = ws.getRow(row);
  values.forEach((v, i) => {
    const cell = r.getCell(i + 1);
    cell.value = v;
    cell.border = thin;
    cell.alignment = { vertical: 'middle', wrapText: true, horizontal: header ? 'center' : 'left' };
    if (header) {
      cell.font = { bold: true };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8ECF0' } };
    }
  });
}

function classSheet(
  wb: ExcelJS.Workbook,
  record: ChecksRecord,
  s: SessionCheck,
  c: ClassCheck,
  name: string,
): void {
  const ws = newSheet(wb, name, true);
  const last = checkColumns.length;
  ws.columns = widths.map((width) => ({ width }));
  titleRow(ws, 1, last, `${record.school.name} 晨午检记录表`, 16);
  titleRow(ws, 2, last, `日期：${record.date}　时段：${sessionTitle(s.session)}　班级：${c.label}`, 11);
  titleRow(ws, 3, last, countsText(c.counts), 11);
  const flags = { inCheck: s.flagged, outside: record.flags.outside };
  titleRow(ws, 4, last, zeroReportText(c.counts, '本班', flags), 11);
  if (c.counts.ill === 0 && s.zeroReport) ws.getCell(4, 1).font = { size: 11, bold: true };
  tableRow(ws, HEADER_ROW, [...checkColumns], true);
  c.rows.forEach((r, i) => {
    const cells: (string | number)[] = [i + 1, ...rowCells(r)];
    // The temperature stays a number in the workbook, shown to a tenth.
    if (r.temperatureC !== null) cells[TEMPERATURE_COLUMN - 1] = Math.round(r.temperatureC * 10) / 10;
    tableRow(ws, HEADER_ROW + 1 + i, cells);
  });
  ws.getColumn(TEMPERATURE_COLUMN).numFmt = '0.0';
  const signRow = HEADER_ROW + c.rows.length + 2;
  titleRow(
    ws,
    signRow,
    last,
    '检查人（签字）：＿＿＿＿＿＿　　班主任（签字）：＿＿＿＿＿＿　　校医（签字）：＿＿＿＿＿＿',
    11,
  );
  ws.pageSetup.printTitlesRow = `${HEADER_ROW}:${HEADER_ROW}`;
  ws.views = [{ state: 'frozen', ySplit: HEADER_ROW }];
}

const summaryColumns = ['班级', '应到', '实到', '迟到', '缺勤', '因病', '事假', '原因不明', '有症状/因病'];

function summarySheet(wb: ExcelJS.Workbook, record: ChecksRecord, name: string): void {
  const ws = newSheet(wb, name, false);
  const last = summaryColumns.length;
  ws.columns = [16, 8, 8, 8, 8, 8, 8, 10, 12].map((width) => ({ width }));
  titleRow(ws, 1, last, `${record.school.name} 晨午检汇总`, 16);
  titleRow(ws, 2, last, `日期：${record.date}`, 11);
  titleRow(ws, 3, last, dayZeroReportText(record), 11);
  ws.getCell(3, 1).font = { size: 11, bold: true };
  let row = 4;
  for (const s of record.sessions) {
    titleRow(ws, row++, last, sessionTitle(s.session), 12);
    ws.getCell(row - 1, 1).font = { size: 12, bold: true };
    titleRow(
      ws,
      row++,
      last,
      zeroReportText(s.counts, '全校', { inCheck: s.flagged, outside: record.flags.outside }),
      11,
    );
    tableRow(ws, row++, summaryColumns, true);
    for (const c of [...s.classes, { label: '合计', counts: s.counts }]) {
      const n = c.counts;
      tableRow(ws, row++, [
        c.label,
        n.expected,
        n.present + n.late,
        n.late,
        n.absent,
        n.sick,
        n.personal,
        n.unknown,
        n.ill,
      ]);
    }
    row++;
  }
}

/** Excel's rules for a sheet name: at most 31 characters, none of \ / ? * [ ] :, unique. */
function uniqueName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[\\/?*[\]:]/g, '-').slice(0, 31) || 'Sheet';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++)
    name = `${base.slice(0, 31 - String(n).length - 1)}~${n}`;
  taken.add(name.toLowerCase());
  return name;
}
