// What an import would do, and what is wrong with a file, as tables a school office can read.
import { bilingualText as bilingual, el } from '../shared/dom.ts';
import { columnLabel, counts, kindLabel } from './labels.ts';
import type { ImportReport, Issue, PersonLine, UpdatedLine } from './roster-api.ts';

/** Long lists are cut here; the counts above them are complete. */
const SHOWN_PER_LIST = 20;

export function renderErrors(tbody: HTMLElement, errors: readonly Issue[]): void {
  tbody.replaceChildren(
    ...errors.map((e) => {
      const tr = el('tr');
      tr.dataset.row = String(e.row);
      tr.dataset.field = e.field;
      const message = el('td', 'message');
      message.append(bilingual(e.zh, e.en));
      tr.append(
        el('td', 'row-number', e.row === 0 ? '—' : String(e.row)),
        el('td', 'field', columnLabel(e.field)),
        message,
      );
      return tr;
    }),
  );
}

export function renderCounts(dl: HTMLElement, report: ImportReport): void {
  dl.replaceChildren(
    ...(Object.keys(counts) as (keyof typeof counts)[]).map((kind) => {
      const item = el('div');
      item.dataset.kind = kind;
      const dt = el('dt');
      dt.append(bilingual(counts[kind][0], counts[kind][1]));
      item.append(dt, el('dd', '', String(report.counts[kind])));
      return item;
    }),
  );
}

export function renderWarnings(ul: HTMLElement, warnings: readonly Issue[]): void {
  ul.replaceChildren(
    ...warnings.map((w) => {
      const where = [w.row ? `第 ${w.row} 行 row ${w.row}` : '', w.field].filter(Boolean).join(' · ');
      const li = el('li', '', where ? `${where}: ` : '');
      li.append(bilingual(w.zh, w.en));
      return li;
    }),
  );
}

export function renderChanges(root: HTMLElement, report: ImportReport): void {
  root.replaceChildren(
    changeList('added', report.added, report.counts.added, ['新增', 'Added']),
    changeList('updated', report.updated, report.counts.updated, ['更新', 'Updated']),
    changeList('removed', report.removed, report.counts.removed, [
      '标记离校（保留记录）',
      'Marked left (history kept)',
    ]),
  );
}

function changeList(
  kind: 'added' | 'updated' | 'removed',
  people: readonly (PersonLine | UpdatedLine)[],
  total: number,
  [zh, en]: readonly [string, string],
): HTMLElement {
  const section = el('section', 'change-list');
  section.dataset.kind = kind;
  const title = el('h3');
  title.append(bilingual(`${zh} ${total}`, en));
  section.append(title);
  if (total === 0) {
    section.append(el('p', 'more', '无 · none'));
    return section;
  }
  const table = el('table', 'grid');
  const head = el('tr');
  for (const [hz, he] of [
    ['行', 'Row'],
    ['学号/工号', 'Id'],
    ['姓名', 'Name'],
    ['类型', 'Kind'],
    ['年级 班级', 'Grade, class'],
    ...(kind === 'updated' ? [['变更', 'Changed']] : []),
  ]) {
    const th = el('th');
    th.scope = 'col';
    th.append(bilingual(hz ?? '', he ?? ''));
    head.append(th);
  }
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const p of people.slice(0, SHOWN_PER_LIST)) {
    const tr = el('tr');
    tr.dataset.id = p.id;
    tr.append(
      el('td', 'row-number', p.row === null ? '—' : String(p.row)),
      el('td', 'roster-text', p.id),
      el('td', 'roster-text', p.name),
      el('td', 'kind', kindLabel(p.kind)),
      el(
        'td',
        'roster-text',
        [p.grade === null ? '' : `${p.grade} 年级`, p.class ?? ''].filter(Boolean).join(' '),
      ),
    );
    if ('fields' in p) tr.append(el('td', '', p.fields.map(columnLabel).join('、')));
    tbody.append(tr);
  }
  table.append(thead, tbody);
  section.append(table);
  if (total > SHOWN_PER_LIST) {
    section.append(
      el('p', 'more', `另有 ${total - SHOWN_PER_LIST} 人未列出 · ${total - SHOWN_PER_LIST} more not listed`),
    );
  }
  return section;
}
