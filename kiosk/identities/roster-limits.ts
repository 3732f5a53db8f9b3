/**
 * How big a roster file may be. A school has at most a few thousand people; the bounds keep a wrong
 * file (a year's export, a zip bomb) from taking the kiosk's memory while the lanes are deciding.
 */
export interface RosterLimits {
  /** People: rows below the header. */
  maxRows: number;
  /** What an .xlsx file may unzip to, all its parts together. */
  maxUnzippedBytes: number;
  /** Characters in any one cell, read or ignored. */
  maxCellChars: number;
}

export const defaultRosterLimits: RosterLimits = {
  maxRows: 20_000,
  maxUnzippedBytes: 50 * 1024 * 1024,
  maxCellChars: 1000,
};

/** The config's `rosterLimits` block (sizes in MB) as limits. */
export function rosterLimitsOf(config: {
  maxRows: number;
  maxUnzippedMB: number;
  maxCellChars: number;
}): RosterLimits {
  return {
    maxRows: config.maxRows,
    maxUnzippedBytes: Math.round(config.maxUnzippedMB * 1024 * 1024),
    maxCellChars: config.maxCellChars,
  };
}

/** The most a roster file may be, uploaded or read from disk: a school's roster is well under 2 MB. */
export const MAX_ROSTER_FILE_MB = 10;

export const fileTooLarge = {
  zh: `文件超过 ${MAX_ROSTER_FILE_MB} MB，名单文件最多 ${MAX_ROSTER_FILE_MB} MB`,
  en: `the file is larger than ${MAX_ROSTER_FILE_MB} MB, the most a roster file may be`,
};

export type RosterRefusalCode =
  | 'too_many_rows'
  | 'too_many_cells'
  | 'unzipped_too_large'
  | 'too_much_to_read';

/** A file refused as a whole for being too big, before or while it was read: which bound, and why. */
export interface RosterRefusal {
  code: RosterRefusalCode;
  /** The config key that sets the bound. */
  limit: string;
  /** The bound, in the unit the key takes. */
  max: number;
  zh: string;
  en: string;
}

/** Bytes as MB with one decimal. */
export const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** What was found, said in both languages. */
export interface Found {
  zh: string;
  en: string;
}

export function tooManyRows(limits: RosterLimits, found: Found): RosterRefusal {
  return {
    code: 'too_many_rows',
    limit: 'rosterLimits.maxRows',
    max: limits.maxRows,
    zh: `名单行数过多（${found.zh}），一份名单最多 ${limits.maxRows} 人（配置 rosterLimits.maxRows）`,
    en: `too many rows (${found.en}); a roster has at most ${limits.maxRows} people (config rosterLimits.maxRows)`,
  };
}

export function tooManyCells(limits: RosterLimits, cells: number, maxCells: number): RosterRefusal {
  return {
    code: 'too_many_cells',
    limit: 'rosterLimits.maxRows',
    max: limits.maxRows,
    zh: `工作簿单元格过多（${cells} 个），${limits.maxRows} 人的名单最多 ${maxCells} 个（配置 rosterLimits.maxRows）`,
    en: `too many cells (${cells}); a roster of at most ${limits.maxRows} people has at most ${maxCells} (config rosterLimits.maxRows)`,
  };
}

export function unzippedTooLarge(limits: RosterLimits, found: Found): RosterRefusal {
  const max = megabytes(limits.maxUnzippedBytes);
  return {
    code: 'unzipped_too_large',
    limit: 'rosterLimits.maxUnzippedMB',
    max,
    zh: `工作簿解压后过大（${found.zh}），上限 ${max} MB（配置 rosterLimits.maxUnzippedMB）`,
    en: `the workbook unzips to too much (${found.en}); at most ${max} MB (config rosterLimits.maxUnzippedMB)`,
  };
}

/** The reader itself ran out of room: the file is far past what a roster needs. */
export function tooMuchToRead(limits: RosterLimits, heapMB: number): RosterRefusal {
  return {
    code: 'too_much_to_read',
    limit: 'rosterLimits.maxRows',
    max: limits.maxRows,
    zh: `读取此文件需要超过 ${heapMB} MB 内存，已停止；一份名单最多 ${limits.maxRows} 人（配置 rosterLimits.maxRows）`,
    en: `reading the file needed more than ${heapMB} MB of memory and was stopped; a roster has at most ${limits.maxRows} people (config rosterLimits.maxRows)`,
  };
}

/** Thrown while reading when a bound is crossed; the reader answers it as a refusal. */
export class RosterLimitExceeded extends Error {
  override name = 'RosterLimitExceeded';
  constructor(readonly refusal: RosterRefusal) {
    super(refusal.en);
  }
}
