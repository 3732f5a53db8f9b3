import { csvSheetFromBytes } from './roster-csv.ts';
import { fileProblem, parseRosterSheet, type RosterRead, refusedFile } from './roster-file.ts';
import { defaultRosterLimits, RosterLimitExceeded, type RosterLimits } from './roster-limits.ts';
import { UnreadableRosterFile } from './roster-sheet.ts';
import { xlsxSheet } from './roster-xlsx.ts';

export type RosterFormat = 'csv' | 'xlsx';

/** The roster formats by file name; null for anything else. */
export function rosterFormatOf(fileName: string): RosterFormat | null {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext === 'csv' || ext === 'xlsx' ? ext : null;
}

/** An .xlsx file is a zip archive. */
export function isWorkbook(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Excel 97–2003 files, and password-protected .xlsx, are OLE compound files. */
function isCompoundFile(bytes: Uint8Array): boolean {
  return bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
}

/**
 * Reads a roster by its content, whatever it is called: a workbook's first sheet, or CSV text. A file
 * past the limits is refused as soon as that shows, before it is read in full. This runs on the
 * thread that calls it: the kiosk calls it through `readRosterOffThread`.
 */
export async function readRoster(
  bytes: Uint8Array,
  timeZone: string,
  limits: RosterLimits = defaultRosterLimits,
): Promise<RosterRead> {
  try {
    if (!isWorkbook(bytes)) return readCsvRoster(bytes, timeZone, limits);
    return parseRosterSheet(await xlsxSheet(bytes, limits), timeZone, limits);
  } catch (err) {
    if (err instanceof UnreadableRosterFile) return fileProblem({ zh: err.zh, en: err.en });
    if (err instanceof RosterLimitExceeded) return refusedFile(err.refusal);
    throw err;
  }
}

/** CSV in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16. */
function readCsvRoster(bytes: Uint8Array, timeZone: string, limits: RosterLimits): RosterRead {
  if (isCompoundFile(bytes)) {
    return fileProblem({
      zh: '这是 Excel 97–2003（.xls）或加了密码的工作簿；请另存为不加密码的 .xlsx，或存为 CSV',
      en: 'an Excel 97–2003 (.xls) or password-protected workbook; save it as .xlsx without a password, or as CSV',
    });
  }
  if (bytes.includes(0) && !(bytes[0] === 0xff || bytes[0] === 0xfe))
    return fileProblem({
      zh: '不是文本文件；名单须为 .xlsx 或 .csv',
      en: 'not a text file; a roster is .xlsx or .csv',
    });
  return parseRosterSheet(csvSheetFromBytes(bytes, limits), timeZone, limits);
}
