import { zonedMoment } from '../../kiosk/time/zoned.ts';
import type { DistrictDay } from './district-queries.ts';

const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** Month, day and time in the schools' zone: `MM/DD HH:mm`. */
function clock(iso: string, timeZone: string): string {
  const { date, time } = zonedMoment(new Date(iso), timeZone);
  return `${date.slice(5, 7)}/${date.slice(8, 10)} ${time}`;
}

/** The district view: one row per school for the day, then the direct reports nobody has answered. */
export function districtPage(day: DistrictDay, timeZone: string): string {
  const schoolRows = day.schools
    .map(
      (s) => `<tr>
        <td>${escapeHtml(s.schoolId)}</td>
        <td class="n">${s.screened}</td>
        <td class="n${s.flagged > 0 ? ' warn' : ''}">${s.flagged}</td>
        <td class="n">${s.absent}</td>
        <td class="checks">${
          s.checks
            .map(
              (c) =>
                `<span>${escapeHtml(c.session)} ${c.screened}${c.flagged > 0 ? ` · <b class="warn">${c.flagged}</b>` : ''}${c.absent > 0 ? ` · 缺 ${c.absent}` : ''}</span>`,
            )
            .join(' ') || '–'
        }</td>
        <td class="n${s.unansweredDirectReports > 0 ? ' alarm' : ''}">${s.unansweredDirectReports}</td>
        <td class="n">${s.kiosks}</td>
        <td>${escapeHtml(clock(s.lastBatchAt, timeZone))}</td>
      </tr>`,
    )
    .join('');
  const reportRows = day.directReports
    .map(
      (r) => `<tr>
        <td>${escapeHtml(clock(r.reportedAt, timeZone))}</td>
        <td>${escapeHtml(r.schoolId)}</td>
        <td>${escapeHtml(r.personId ?? '')}</td>
        <td>${escapeHtml(r.kioskId)}</td>
        <td><form method="post" action="/district/direct-reports/answer">
          <input type="hidden" name="schoolId" value="${escapeHtml(r.schoolId)}">
          <input type="hidden" name="recordId" value="${escapeHtml(r.recordId)}">
          <input name="by" placeholder="经办人 / handled by" maxlength="64">
          <button type="submit">已处理 Answered</button>
        </form></td>
      </tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="30">
<title>区教育局 晨午检汇总 · District screening overview</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2rem; color: #1d2433; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
  table { border-collapse: collapse; min-width: 40rem; }
  th, td { padding: .4rem .8rem; border-bottom: 1px solid #d8dde6; text-align: left; }
  th { background: #f1f4f9; font-weight: 600; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  td:first-child { white-space: nowrap; }
  td.checks span { margin-right: .8rem; white-space: nowrap; } td.checks { font-size: .9rem; }
  td.warn, b.warn { color: #a15c00; font-weight: 600; } td.alarm { color: #b3261e; font-weight: 700; }
  .empty { color: #5b6475; }
</style>
</head>
<body>
<h1>晨午检汇总 · Screening overview <small>${escapeHtml(day.date)}</small></h1>
<table id="schools">
  <thead><tr><th>学校 School</th><th class="n">已检 Screened</th><th class="n">异常 Flagged</th>
  <th class="n">缺勤人次 Absences</th><th>各次检查 Checks</th><th class="n">未回复直报 Unanswered reports</th><th class="n">终端 Kiosks</th>
  <th>最近上报 Last upload</th></tr></thead>
  <tbody>${schoolRows || '<tr><td colspan="8" class="empty">尚无学校上报 · No school has reported yet</td></tr>'}</tbody>
</table>
<h2>未回复的直报 · Direct reports awaiting an answer</h2>
<table id="direct-reports">
  <thead><tr><th>时间 Time</th><th>学校 School</th><th>人员 Person</th><th>终端 Kiosk</th><th></th></tr></thead>
  <tbody>${reportRows || '<tr><td colspan="5" class="empty">无 · None</td></tr>'}</tbody>
</table>
</body>
</html>
`;
}
