// The day's figures as tiles and tables.

import { bilingualText as bilingual, el } from '../shared/dom.ts';
import { DECISIONS } from '../shared/domain.ts';
import type { SessionFigures, Summary } from './api.ts';
import { DECISION_LABELS, REASON_LABELS } from './labels.ts';

function tile(key: string, zh: string, en: string, value: number, alarm = false): HTMLElement {
  const box = el('div', alarm && value > 0 ? 'figure alarm' : 'figure');
  box.dataset.figure = key;
  const dt = el('dt');
  dt.append(bilingual(zh, en));
  const dd = el('dd', 'value', String(value));
  box.append(dt, dd);
  return box;
}

function sessionTile(s: SessionFigures): HTMLElement {
  const box = el('div', 'figure');
  box.dataset.figure = `session-${s.id}`;
  const dt = el('dt');
  dt.append(bilingual(`${s.name} 已检 / 应到`, 'screened / expected'));
  box.append(dt, el('dd', 'value', `${s.screened + s.late} / ${s.expected}`));
  return box;
}

export function renderFigures(root: HTMLElement, s: Summary): void {
  root.replaceChildren(
    tile('screenings', '检测人次', 'screenings', s.screenings),
    ...s.sessions.map(sessionTile),
    tile('flagged', '异常', 'flagged', s.flagged.total, true),
    tile('outside', '时段外检测', 'outside the checks', s.outsideChecks.screenings),
    // The kiosk counts the cases open now, whatever day is shown: said so for another day.
    isToday(s)
      ? tile('open-cases', '未结案例', 'open cases', s.openCases, true)
      : tile('open-cases', '目前未结案例（各日）', 'open now, any day', s.openCases, true),
    tile('absent', '缺勤', 'absent', s.absences.open, true),
    tile('chased', '待追踪', 'being chased', s.absences.chased, true),
    tile('late', '迟到已到', 'came late', s.absences.arrived),
  );
}

/** Whether the summary is of the school's today. */
function isToday(s: Summary): boolean {
  try {
    return (
      new Intl.DateTimeFormat('en-CA', { timeZone: s.timeZone }).format(new Date(s.generatedAt)) === s.date
    );
  } catch {
    return true;
  }
}

/**
 * 零报告 only for a day on which nothing at all was flagged, in a check or outside every one: a fever
 * screened after hours is still a fever that day.
 */
export function zeroReportHolds(s: Summary): boolean {
  return s.zeroReport && s.flagged.total === 0;
}

export function renderZeroReport(node: HTMLElement, s: Summary): void {
  const zero = zeroReportHolds(s);
  node.dataset.zero = String(zero);
  const outside = s.outsideChecks.flagged;
  node.replaceChildren(
    zero
      ? bilingual(
          '零报告：今日各时段无发热等症状学生，无因病缺勤。',
          'Zero report: nobody ill at any check today.',
        )
      : s.ill > 0
        ? bilingual(
            `不能报零：今日有症状或因病缺勤 ${s.ill} 人次，异常 ${s.flagged.total} 人次，见晨午检记录。`,
            `No zero report: ${s.ill} ill at the checks and ${s.flagged.total} flagged today; see the check records.`,
          )
        : bilingual(
            `不能报零：当日有 ${s.flagged.total} 人次异常${outside > 0 ? `（其中检测时段外 ${outside} 人次）` : ''}，见下方异常统计。`,
            `No zero report: ${s.flagged.total} flagged that day${outside > 0 ? ` (${outside} outside the checks)` : ''}; see the flags below.`,
          ),
  );
}

/** `HH:mm` of an instant in the school's time zone. */
export function schoolTime(iso: string, timeZone: string, seconds = false): string {
  const options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (seconds) options.second = '2-digit';
  try {
    return new Intl.DateTimeFormat('zh-CN', { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat('zh-CN', options).format(new Date(iso));
  }
}

function cutoffState(s: SessionFigures, timeZone: string): HTMLElement {
  if (s.rollCallAt)
    return el('span', 'state done', `已点名 ${schoolTime(s.rollCallAt, timeZone)} · roll call taken`);
  return el('span', 'state', `截止 ${s.cutoff} 后点名 · roll call at the cut-off`);
}

function sessionTable(s: SessionFigures, timeZone: string): HTMLElement {
  const section = el('section', 'session');
  section.dataset.session = s.id;
  const head = el('header', 'session-head');
  const title = el('h3');
  title.append(el('span', 'zh', s.name), ' ', el('span', 'window', `${s.start}–${s.cutoff}`));
  if (s.boardersOnly) title.append(' ', el('span', 'tag', '住宿生 boarders'));
  head.append(title, cutoffState(s, timeZone));
  const table = el('table', 'grid');
  const thead = el('thead');
  const hr = el('tr');
  for (const [zh, en] of [
    ['班级', 'class'],
    ['已检 / 应到', 'screened / expected'],
    ['', ''],
    ['迟到', 'late'],
    ['缺勤', 'absent'],
  ] as const) {
    const th = el('th');
    th.scope = 'col';
    if (zh) th.append(bilingual(zh, en));
    hr.append(th);
  }
  thead.append(hr);
  const body = el('tbody');
  const rows = [...s.classes, { ...s, label: '合计' }];
  rows.forEach((c, i) => {
    const tr = el('tr', i === rows.length - 1 ? 'total' : '');
    tr.dataset.class = c.label;
    tr.dataset.screened = String(c.screened);
    tr.dataset.expected = String(c.expected);
    const meter = el('meter');
    meter.min = 0;
    meter.max = Math.max(c.expected, 1);
    meter.value = c.screened + c.late;
    meter.title = `${c.screened + c.late} / ${c.expected}`;
    const absent = el('td', c.absent > 0 ? 'num alarm' : 'num', String(c.absent));
    tr.append(
      el('th', '', c.label),
      el('td', 'num', `${c.screened} / ${c.expected}`),
      el('td', 'meter-cell'),
      el('td', 'num', String(c.late)),
      absent,
    );
    tr.children[2]?.append(meter);
    body.append(tr);
  });
  table.append(thead, body);
  section.append(head, table);
  if (s.classes.length === 0) section.append(el('p', 'empty', '没有应检学生 · nobody expected'));
  return section;
}

export function renderSessions(root: HTMLElement, s: Summary): void {
  root.replaceChildren(
    ...(s.sessions.length > 0
      ? s.sessions.map((x) => sessionTable(x, s.timeZone))
      : [el('p', 'empty', '配置中没有检测时段 · no checks in the config')]),
  );
}

function countList(
  entries: { key: string; zh: string; en: string; count: number; alarm?: boolean }[],
): HTMLElement {
  const table = el('table', 'grid counts');
  const body = el('tbody');
  for (const e of entries) {
    const tr = el('tr');
    tr.dataset.key = e.key;
    const th = el('th');
    th.scope = 'row';
    th.append(bilingual(e.zh, e.en));
    tr.append(th, el('td', e.alarm && e.count > 0 ? 'num alarm' : 'num', String(e.count)));
    body.append(tr);
  }
  table.append(body);
  return table;
}

export function renderAbsences(root: HTMLElement, s: Summary): void {
  const r = s.absences.byReason;
  root.replaceChildren(
    countList([
      { key: 'sick', ...REASON_LABELS.sick, count: r.sick, alarm: true },
      { key: 'personal', ...REASON_LABELS.personal, count: r.personal },
      { key: 'unknown', ...REASON_LABELS.unknown, count: r.unknown, alarm: true },
      { key: 'arrived', zh: '迟到（已到校）', en: 'came late', count: s.absences.arrived },
    ]),
  );
}

export function renderFlagged(root: HTMLElement, s: Summary): void {
  root.replaceChildren(
    countList(
      DECISIONS.filter((d) => d !== 'pass').map((d) => ({
        key: d,
        ...DECISION_LABELS[d],
        count: s.flagged.byDecision[d],
        alarm: d === 'fever' || d === 'code_red',
      })),
    ),
  );
}

export function renderWarnings(root: HTMLElement, s: Summary): void {
  root.hidden = s.warnings.length === 0;
  root.replaceChildren(
    ...s.warnings.map((w) => {
      const p = el('p', 'warning');
      p.dataset.laneId = w.laneId;
      p.append(el('strong', 'zh', w.zh), el('span', 'en', w.en));
      return p;
    }),
  );
}
