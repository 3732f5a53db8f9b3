/** A message for the person who made the file, in Chinese and English. */
export interface Said {
  zh: string;
  en: string;
}

/** A cell as the spreadsheet shows it: its text, a date (an xlsx date cell), or why it cannot be read. */
export type SheetCell = string | Date | { unreadable: Said };

export interface SheetRow {
  /** The row number a spreadsheet program shows, 1-based. */
  row: number;
  cells: SheetCell[];
}

/** The file as a whole cannot be read as a roster (not a workbook, no sheet, …). */
export class UnreadableRosterFile extends Error {
  override name = 'UnreadableRosterFile';
  readonly zh: string;
  readonly en: string;
  constructor(said: Said) {
    super(said.en);
    this.zh = said.zh;
    this.en = said.en;
  }
}
