// The roster's columns and the import's words, in Chinese and English.

const columns: Record<string, [string, string]> = {
  id: ['学号/工号', 'id'],
  name: ['姓名', 'name'],
  grade: ['年级', 'grade'],
  class: ['班级', 'class'],
  kind: ['类型', 'kind'],
  card: ['卡号', 'card'],
  guardianPhone: ['监护人电话', 'guardian phone'],
  boarder: ['住宿', 'boarder'],
  healthCode: ['健康码', 'health code'],
  healthCodeAt: ['状态时间', 'status time'],
  file: ['文件', 'file'],
};

/** `卡号 (card)`; an unknown name (an ignored column's header) as it is. */
export function columnLabel(field: string): string {
  const label = columns[field];
  if (!label) return field || '—';
  return `${label[0]} (${label[1]})`;
}

export const kindLabel = (kind: string): string => (kind === 'staff' ? '教职工' : '学生');

export const counts = {
  added: ['新增', 'added'],
  updated: ['更新', 'updated'],
  removed: ['标记离校', 'marked left'],
  unchanged: ['不变', 'unchanged'],
} as const;
