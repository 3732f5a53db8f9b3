import { reasonLabels } from '../absences/reasons.ts';
import type { CheckCounts, CheckRow, ChecksRecord, SessionCheck } from './checks-record.ts';

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

/**
 * 零报告 said in words on the form, or why it cannot be: how many are ill, or what was flagged (in this
 * check, or outside every check that day). A zero report is claimed only when nobody is ill in `c` and
 * nothing at all was flagged in the check or outside the checks.
 */
export function zeroReportText(
  c: CheckCounts,
  scope: '本班' | '全校',
  flags: { inCheck: number; outside: number },
): string {
  if (c.ill > 0) return `${scope}本时段有症状或因病缺勤 ${c.ill} 人。`;
  if (flags.inCheck > 0 || flags.outside > 0) {
    const where = [
      flags.inCheck > 0 ? `本时段 ${flags.inCheck} 人次` : '',
      flags.outside > 0 ? `检测时段外 ${flags.outside} 人次` : '',
    ].filter(Boolean);
    return `不能报零：全校当日有异常（${where.join('，')}），见异常统计。`;
  }
  return `零报告：${scope}本时段无发热等症状学生，无因病缺勤。`;
}

/** The day as a whole: 零报告 only with nobody ill at any check and nothing flagged that day. */
export function dayZeroReportText(record: ChecksRecord): string {
  if (record.zeroReport) return `零报告：${record.date} 全校各时段无发热等症状学生，无因病缺勤，无异常。`;
  const ill = record.sessions.reduce((n, s) => n + s.counts.ill, 0);
  const parts = [`异常 ${record.flags.total} 人次`];
  if (record.flags.outside > 0) parts.push(`其中检测时段外 ${record.flags.outside} 人次`);
  if (ill > 0) parts.push(`有症状或因病缺勤 ${ill} 人次`);
  return `不能报零：${record.date} 当日${parts.join('，')}。`;
}
