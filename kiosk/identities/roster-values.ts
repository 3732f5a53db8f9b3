import type { HealthCode } from '../policy/types.ts';
import { zonedToInstant } from '../time/zoned.ts';
import type { Person } from './person.ts';
import type { Said } from './roster-sheet.ts';

/** A cell's value, or why it is not one; the messages are shown to the person who made the file. */
export type Parsed<T> = { value: T } | { problem: Said };

const kinds: Record<string, Person['kind']> = {
  student: 'student',
  学生: 'student',
  staff: 'staff',
  教职工: 'staff',
};

const codes: Record<string, HealthCode> = {
  green: 'green',
  绿: 'green',
  绿码: 'green',
  yellow: 'yellow',
  黄: 'yellow',
  黄码: 'yellow',
  red: 'red',
  红: 'red',
  红码: 'red',
  '': 'unknown',
  unknown: 'unknown',
};

const yesNo: Record<string, boolean> = {
  yes: true,
  是: true,
  y: true,
  '1': true,
  true: true,
  no: false,
  否: false,
  n: false,
  '0': false,
  false: false,
  '': false,
};

/** The longest a free-text field may be, in characters. */
export const fieldMaxChars = { id: 32, name: 64, class: 32, card: 64 } as const;

/** A cell's text quoted in a message: at most 40 characters of it. */
export function quote(text: string): string {
  const chars = Array.from(text);
  return chars.length > 40 ? `"${chars.slice(0, 40).join('')}…"` : `"${text}"`;
}

/** Length in characters (not UTF-16 units). */
export const charCount = (text: string) => Array.from(text).length;

/** Full-width letters and digits (typed with a Chinese input method) read as their ASCII selves. */
const fold = (text: string) => text.normalize('NFKC').toLowerCase();

export function parseKind(text: string): Parsed<Person['kind']> {
  const kind = kinds[fold(text)];
  return kind
    ? { value: kind }
    : {
        problem: {
          zh: `${quote(text)} 不是 学生/student 或 教职工/staff`,
          en: `${quote(text)} is not student/学生 or staff/教职工`,
        },
      };
}

export function parseHealthCode(text: string): Parsed<HealthCode> {
  const code = codes[fold(text)];
  return code
    ? { value: code }
    : {
        problem: {
          zh: `${quote(text)} 不是 绿/green、黄/yellow 或 红/red`,
          en: `${quote(text)} is not green/绿, yellow/黄 or red/红`,
        },
      };
}

export function parseBoarder(text: string): Parsed<boolean> {
  const boarder = yesNo[fold(text)];
  return boarder === undefined
    ? { problem: { zh: `${quote(text)} 不是 是/yes 或 否/no`, en: `${quote(text)} is not yes/是 or no/否` } }
    : { value: boarder };
}

const chineseGrades = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

/** 1–12, written `3`, `3年级`, `三年级`, `Grade 3`, `初一` (7) … `高三` (12). */
export function parseGrade(text: string): Parsed<number> {
  const t = fold(text).replace(/\s+/g, '');
  let grade = Number.NaN;
  const digits = /^(?:grade)?(\d{1,2})(?:年级)?$/.exec(t);
  const chinese = /^(.{1,2})年级$/.exec(t);
  const stage = /^([初高])(?:中)?([一二三])(?:年级)?$/.exec(t);
  if (digits?.[1]) grade = Number(digits[1]);
  else if (chinese?.[1]) grade = chineseGrades.indexOf(chinese[1]) + 1;
  else if (stage?.[1] && stage[2]) grade = (stage[1] === '初' ? 6 : 9) + chineseGrades.indexOf(stage[2]) + 1;
  return grade >= 1 && grade <= 12
    ? { value: grade }
    : { problem: { zh: `无法识别的年级 ${quote(text)}`, en: `unknown grade ${quote(text)}` } };
}

/** Digits with an optional +86, 7 to 15 digits; spaces and dashes between groups are dropped. */
export function parsePhone(text: string): Parsed<string> {
  const phone = text.normalize('NFKC').replace(/[\s-]/g, '');
  return /^(\+86)?\d{7,15}$/.test(phone)
    ? { value: phone }
    : {
        problem: {
          zh: `${quote(text)} 不是电话号码（7 到 15 位数字，可带 +86）`,
          en: `${quote(text)} is not a phone number (7 to 15 digits, optionally +86)`,
        },
      };
}

/** What Excel shows for a long number in a narrow column, e.g. 4.00857E+09: the digits are gone. */
const shortenedNumber = /^\d(\.\d+)?e\+\d+$/i;

/** A card cell may hold several cards separated by `;`, `；`, `|` or `/`. */
export function parseCards(text: string): Parsed<string[]> {
  const cards = text
    .normalize('NFKC')
    .split(/[;|/]/)
    .map((c) => c.trim())
    .filter((c) => c !== '');
  for (const card of cards) {
    if (shortenedNumber.test(card)) {
      return {
        problem: {
          zh: `${quote(card)} 是被 Excel 缩写的数字；请把该列设为文本格式后重新导出`,
          en: `${quote(card)} is a number Excel shortened; format the column as text and export the file again`,
        },
      };
    }
    if (charCount(card) > fieldMaxChars.card)
      return {
        problem: {
          zh: `卡号 ${quote(card)} 超过 ${fieldMaxChars.card} 个字符`,
          en: `card ${quote(card)} is longer than ${fieldMaxChars.card} characters`,
        },
      };
    if (/\s/.test(card))
      return {
        problem: {
          zh: `卡号 ${quote(card)} 中有空格；多张卡请用 ";" 分隔`,
          en: `card ${quote(card)} has a space in it; separate cards with ";"`,
        },
      };
  }
  return { value: cards };
}

export function isShortenedNumber(text: string): boolean {
  return shortenedNumber.test(text);
}

const localTime = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/**
 * ISO 8601 with an offset is an instant; `YYYY-MM-DD HH:mm` (also with `/`, seconds, one-digit
 * month, day or hour, as Excel writes it, or a date alone) is wall-clock time at the school.
 */
export function parseStatusTime(text: string, timeZone: string): Parsed<string> {
  const problem = {
    problem: {
      zh: `${quote(text)} 不是 ISO 8601 或 YYYY-MM-DD HH:mm 格式的时间`,
      en: `${quote(text)} is not ISO 8601 or YYYY-MM-DD HH:mm`,
    },
  };
  const t = text.normalize('NFKC');
  const local = localTime.exec(t);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
    const wall = wallClock(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
    return wall ? { value: atSchool(wall, timeZone) } : problem;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t)) return problem;
  const at = new Date(t);
  return Number.isNaN(at.getTime()) ? problem : { value: at.toISOString() };
}

/** The wall-clock time of a date cell: spreadsheets store it without a zone, read back as UTC. */
export function statusTimeOfDateCell(date: Date, timeZone: string): string {
  const rounded = new Date(Math.round(date.getTime() / 1000) * 1000);
  return atSchool(rounded, timeZone);
}

/** `2026-11-23 06:00` (seconds only when there are some) for a date cell shown as text. */
export function formatDateCell(date: Date): string {
  const rounded = new Date(Math.round(date.getTime() / 1000) * 1000);
  const iso = rounded.toISOString();
  const time = iso.slice(11, 19);
  if (time === '00:00:00') return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${time.endsWith(':00') ? time.slice(0, 5) : time}`;
}

/** A Date whose UTC fields are the given wall-clock time, or null when the fields are out of range. */
function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number): Date | null {
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const same =
    at.getUTCFullYear() === y &&
    at.getUTCMonth() === mo - 1 &&
    at.getUTCDate() === d &&
    at.getUTCHours() === h &&
    at.getUTCMinutes() === mi &&
    at.getUTCSeconds() === s;
  return same ? at : null;
}

function atSchool(wall: Date, timeZone: string): string {
  const iso = wall.toISOString();
  const instant = zonedToInstant(iso.slice(0, 10), iso.slice(11, 16), timeZone);
  return new Date(instant.getTime() + wall.getUTCSeconds() * 1000).toISOString();
}
