// The daily summary for the nurse and the school office: screened against expected by check and
// class, flagged counts, open cases, absences by reason, and per lane the arrivals per minute and the
// gate temperature distribution, with a warning when one lane's thermometer reads unlike the others.

import { bilingualText as bilingual, byId, el } from '../shared/dom.ts';
import { requireSession, userBar } from '../shared/session.ts';
import { fetchSummary, type Summary } from './api.ts';
import { arrivalRange, arrivalsChart, temperatureChart } from './charts.ts';
import {
  renderAbsences,
  renderFigures,
  renderFlagged,
  renderSessions,
  renderWarnings,
  renderZeroReport,
  schoolTime,
} from './figures.ts';

const REFRESH_MS = 60_000;

const status = byId('status');
const page = byId('page');
const dateInput = byId<HTMLInputElement>('date');

const session = await requireSession(['nurse', 'admin']);
byId('session').append(userBar(session));

let shownDate: string | null = new URLSearchParams(window.location.search).get('date');
let loading = 0;

function say(text: string, state: 'info' | 'error' = 'info'): void {
  status.textContent = text;
  status.dataset.state = state;
}

function laneCard(name: string, chart: SVGSVGElement, note: string): HTMLElement {
  const figure = el('figure', 'lane-chart');
  figure.dataset.laneId = chart.dataset.laneId ?? '';
  const caption = el('figcaption');
  caption.append(el('strong', '', name), ' ', el('span', 'note', note));
  figure.append(caption, chart);
  return figure;
}

function renderCharts(s: Summary): void {
  const arrivals = byId('arrivals');
  const range = arrivalRange(s.lanes);
  if (!range) {
    arrivals.replaceChildren(el('p', 'empty', '今日尚无到校记录 · no arrivals yet'));
  } else {
    const max = Math.max(1, ...s.lanes.flatMap((l) => l.arrivals.map((a) => a.count)));
    arrivals.replaceChildren(
      ...s.lanes.map((l) =>
        laneCard(l.name, arrivalsChart(l, range, max, s.sessions), `${l.screenings} 人次 · screenings`),
      ),
    );
  }
  const maxBin = Math.max(1, ...s.lanes.flatMap((l) => l.temperatures.counts));
  const drifting = new Set(s.warnings.map((w) => w.laneId));
  byId('temperatures').replaceChildren(
    ...s.lanes.map((l) => {
      const t = l.temperatures;
      const median = t.medianC === null ? '–' : `${t.medianC.toFixed(2)} °C`;
      const card = laneCard(
        l.name,
        temperatureChart(l, s.feverC, maxBin, drifting.has(l.laneId)),
        `${t.readings} 个读数，中位数 ${median} · readings, median`,
      );
      if (drifting.has(l.laneId)) card.classList.add('drifting');
      return card;
    }),
  );
}

function render(s: Summary): void {
  document.title = `每日汇总 ${s.date} · Daily summary`;
  byId('school').textContent = s.schoolName;
  dateInput.value = s.date;
  for (const format of ['xlsx', 'csv'] as const) {
    byId<HTMLAnchorElement>(`download-${format}`).href =
      `/api/exports/checks?${new URLSearchParams({ date: s.date, format })}`;
  }
  renderWarnings(byId('warnings'), s);
  renderFigures(byId('figures'), s);
  renderZeroReport(byId('zero-report'), s);
  renderSessions(byId('sessions'), s);
  renderAbsences(byId('absences'), s);
  renderFlagged(byId('flagged'), s);
  renderCharts(s);
  page.hidden = false;
  say(`更新于 ${schoolTime(s.generatedAt, s.timeZone, true)} · updated`);
  document.body.dataset.loaded = s.date;
}

async function load(): Promise<void> {
  const mine = ++loading;
  const answer = await fetchSummary(session, shownDate);
  if (mine !== loading) return;
  if (answer.kind === 'summary') {
    render(answer.summary);
    return;
  }
  if (answer.kind === 'forbidden') {
    page.hidden = true;
    status.replaceChildren(
      bilingual(`无权查看每日汇总：${answer.refusal.zh}`, `Not allowed: ${answer.refusal.en}`),
    );
    status.dataset.state = 'error';
    return;
  }
  say(`无法读取汇总：${answer.refusal.zh} · Could not load the summary: ${answer.refusal.en}`, 'error');
}

byId<HTMLFormElement>('day-form').addEventListener('submit', (event) => {
  event.preventDefault();
  shownDate = dateInput.value || null;
  const url = new URL(window.location.href);
  if (shownDate) url.searchParams.set('date', shownDate);
  else url.searchParams.delete('date');
  window.history.replaceState(null, '', url);
  void load();
});

window.setInterval(() => void load(), REFRESH_MS);
say('正在读取 … · Loading …');
await load();
