/** The roster's columns by the contract's English names. */
export const rosterColumns = [
  'id',
  'name',
  'grade',
  'class',
  'kind',
  'card',
  'guardianPhone',
  'boarder',
  'healthCode',
  'healthCodeAt',
] as const;
export type RosterColumn = (typeof rosterColumns)[number];

/** A title line or two above the header is common in school sheets; look this far for the header. */
export const HEADER_SEARCH_ROWS = 10;

/** Header texts, after `normalizeHeader`, that name each column. */
const headerNames: Record<string, RosterColumn> = {
  id: 'id',
  学号: 'id',
  工号: 'id',
  '学号/工号': 'id',
  学工号: 'id',
  name: 'name',
  姓名: 'name',
  grade: 'grade',
  年级: 'grade',
  class: 'class',
  classname: 'class',
  班级: 'class',
  kind: 'kind',
  type: 'kind',
  类型: 'kind',
  card: 'card',
  cards: 'card',
  cardnumber: 'card',
  卡号: 'card',
  门禁卡号: 'card',
  校园卡号: 'card',
  guardianphone: 'guardianPhone',
  监护人电话: 'guardianPhone',
  家长电话: 'guardianPhone',
  boarder: 'boarder',
  住宿: 'boarder',
  是否住宿: 'boarder',
  住校: 'boarder',
  healthcode: 'healthCode',
  健康码: 'healthCode',
  healthcodeat: 'healthCodeAt',
  状态时间: 'healthCodeAt',
  健康码时间: 'healthCodeAt',
};

/**
 * `Guardian phone`, `guardian_phone`, `*姓名` and `卡号（多张用;分隔）` all name their column: case,
 * spaces, underscores, required-field stars and a trailing note in brackets do not count.
 */
function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(/\([^()]*\)$/, '')
    .replace(/[\s_*-]/g, '');
}

export function columnOfHeader(text: string): RosterColumn | undefined {
  return headerNames[normalizeHeader(text)];
}

/** Spreadsheet column letters: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}
