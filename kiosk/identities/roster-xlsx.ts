import type ExcelJS from 'exceljs';
import { defaultRosterLimits, type RosterLimits } from './roster-limits.ts';
import { type SheetCell, type SheetRow, UnreadableRosterFile } from './roster-sheet.ts';
import { checkWorkbookBounds } from './workbook-bounds.ts';

/**
 * The first sheet of an .xlsx workbook, each cell as the spreadsheet shows it. The archive is checked
 * against the limits first (`RosterLimitExceeded`), so the workbook reader only sees bounded files.
 */
export async function xlsxSheet(
  bytes: Uint8Array,
  limits: RosterLimits = defaultRosterLimits,
): Promise<SheetRow[]> {
  checkWorkbookBounds(bytes, limits);
  // Loaded only for a file within the limits: a refusal does not wait for the workbook reader.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    // exceljs's typings call a Node Buffer an ArrayBuffer; a Buffer is what it reads.
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await workbook.xlsx.load(data as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch (err) {
    const why = (err as Error).message;
    throw new UnreadableRosterFile({
      zh: `不是可读的 .xlsx 工作簿（${why}）；请在 Excel 中另存为不加密码的 .xlsx，或存为 CSV`,
      en: `not a readable .xlsx workbook (${why}); save it from Excel as .xlsx without a password, or as CSV`,
    });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new UnreadableRosterFile({ zh: '工作簿中没有工作表', en: 'the workbook has no sheets' });
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: SheetCell[] = [];
    for (let col = 1; col <= row.cellCount; col++) {
      const cell = row.getCell(col);
      cells.push(shown(cell.value, cell.numFmt));
    }
    rows.push({ row: rowNumber, cells });
  });
  return rows;
}

function shown(value: ExcelJS.CellValue, numFmt: string | undefined): SheetCell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberShown(value, numFmt);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value;
  if ('error' in value)
    return {
      unreadable: { zh: `单元格显示错误 ${value.error}`, en: `the cell shows the error ${value.error}` },
    };
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    if (value.result === undefined)
      return {
        unreadable: {
          zh: '公式没有保存的结果；请在 Excel 中打开文件再保存一次',
          en: 'a formula with no saved value; open the file in Excel and save it again',
        },
      };
    return shown(value.result, numFmt);
  }
  if ('hyperlink' in value) return shown(value.text as ExcelJS.CellValue, numFmt);
  return '';
}

/** Excel keeps 15 significant digits: a longer number (an 18-digit id typed as a number) has lost digits. */
function numberShown(n: number, numFmt: string | undefined): SheetCell {
  if (Number.isInteger(n) && Math.abs(n) >= 1e15) {
    return {
      unreadable: {
        zh: `数字 ${n} 超出 Excel 能精确保存的位数；请把该列设为文本格式后重新输入`,
        en: `the number ${n} is longer than Excel keeps exactly; format the column as text and type it again`,
      },
    };
  }
  const zeros = numFmt ? /^(0+)(?:\.(0+))?$/.exec(numFmt) : null;
  if (zeros?.[1]) {
    const fixed = n.toFixed(zeros[2]?.length ?? 0);
    const [whole = '', fraction] = fixed.split('.');
    const padded = whole.startsWith('-')
      ? `-${whole.slice(1).padStart(zeros[1].length, '0')}`
      : whole.padStart(zeros[1].length, '0');
    return fraction === undefined ? padded : `${padded}.${fraction}`;
  }
  return String(Number(n.toPrecision(15)));
}
