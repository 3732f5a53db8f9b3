import { reasonLabels } from '../absences/reasons.ts';
import type { CheckCounts, CheckRow, SessionCheck } from './checks-record.ts';

/** The words of the printed 晨午检 record, shared by the workbook and the CSV file. */

export const checkColumns = [
  '序号',
  '学号',
  '姓名',
  '出勤',
  '体温(°C)',
  '症状',
  '是否就诊',
  '诊断',
  '随访',
] as const;

export function attendanceText(r: CheckRow): string {
  switch (r.attendance) {
    case 'present':
      return '出勤';
    case 'late':
      return `迟到 ${r.arrivedAt ?? ''}`.trim();
    case 'absent':
      return `缺勤（${reasonLabels[r.reason ?? 'unknown'].zh}）`;
    case 'not_screened':
      return '未检';
  }
}

/** One row's cells after 序号, in `checkColumns` order. */
export function rowCells(r: CheckRow): string[] {
  const here = r.attendance === 'present' || r.attendance === 'late';
  return [
    r.personId,
    r.name,
    attendanceText(r),
    r.temperatureC === null ? '' : r.temperatureC.toFixed(1),
    r.symptoms.join('、') || (here ? '无' : ''),
    r.doctorSeen === null ? '' : r.doctorSeen ? '是' : '否',
    r.diagnosis ?? '',
    r.followUps.join('；'),
  ];
}

export function sessionTitle(s: SessionCheck['session']): string {
  return `${s.name}（${s.start}–${s.cutoff}${s.boardersOnly ? '，住宿生' : ''}）`;
}

export function countsText(c: CheckCounts): string {
  const parts = [`应到 ${c.expected} 人`, `实到 ${c.present + c.late} 人`];
  if (c.late > 0) parts.push(`其中迟到 ${c.late} 人`);
  parts.push(`缺勤 ${c.absent} 人（因病 ${c.sick}，事假 ${c.personal}，原因不明 ${c.unknown}）`);
  if (c.notScreened > 0) parts.push(`未检 ${c.notScreened} 人`);
  return parts.join('　');
}

/** 零报告 said in words on the form, or how many are ill. */
export function zeroReportText(c: CheckCounts, scope: '本班' | '全校'): string {
  return c.ill === 0
    ? `零报告：${scope}本时段无发热等症状学生，无因病缺勤。`
    : `${scope}本时段有症状或因病缺勤 ${c.ill} 人。`;
}
