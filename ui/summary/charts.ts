// Two charts per lane, drawn as SVG: arrivals per minute, and the gate temperature histogram.
import type { LaneFigures, SessionFigures } from './api.ts';
import { svg, svgText } from './svg.ts';

const W = 720;
const H = 170;
const M = { left: 36, right: 10, top: 18, bottom: 24 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

export const toMinutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};
const hhmm = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The minutes every lane's arrival chart spans, so lanes can be compared at a glance. */
export function arrivalRange(lanes: readonly LaneFigures[]): { from: number; to: number } | null {
  const minutes = lanes.flatMap((l) => l.arrivals.map((a) => toMinutes(a.minute)));
  if (minutes.length === 0) return null;
  let from = Math.min(...minutes);
  let to = Math.max(...minutes);
  // At least half an hour, so a handful of arrivals do not fill the width.
  if (to - from < 30) {
    const pad = Math.ceil((30 - (to - from)) / 2);
    from = Math.max(0, from - pad);
    to = Math.min(24 * 60 - 1, to + pad);
  }
  return { from, to };
}

function frame(kind: string, laneId: string, label: string): SVGSVGElement {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label }, 'chart');
  root.dataset.kind = kind;
  root.dataset.laneId = laneId;
  root.append(svgText('title', label));
  return root;
}

function yAxis(root: SVGSVGElement, max: number): void {
  for (const v of max > 1 ? [0, Math.ceil(max / 2), max] : [0, max]) {
    const y = M.top + PLOT_H - (v / Math.max(max, 1)) * PLOT_H;
    root.append(
      svg('line', { x1: M.left, x2: W - M.right, y1: y, y2: y }, 'grid'),
      svgText('text', String(v), { x: M.left - 6, y: y + 4, 'text-anchor': 'end' }, 'tick'),
    );
  }
}

export function arrivalsChart(
  lane: LaneFigures,
  range: { from: number; to: number },
  maxCount: number,
  sessions: readonly SessionFigures[],
): SVGSVGElement {
  const total = lane.arrivals.reduce((n, a) => n + a.count, 0);
  const root = frame('arrivals', lane.laneId, `${lane.name}: ${total} arrivals`);
  const span = range.to - range.from + 1;
  const x = (minute: number) => M.left + ((minute - range.from) / span) * PLOT_W;
  for (const s of sessions) {
    const from = Math.max(toMinutes(s.start), range.from);
    const to = Math.min(toMinutes(s.cutoff), range.to + 1);
    if (to <= from) continue;
    root.append(
      svg('rect', { x: x(from), y: M.top, width: x(to) - x(from), height: PLOT_H }, 'window'),
      svgText('text', s.name, { x: x(from) + 4, y: M.top - 5 }, 'window-label'),
    );
  }
  yAxis(root, maxCount);
  const barW = Math.max(PLOT_W / span - 1, 1);
  for (const a of lane.arrivals) {
    const m = toMinutes(a.minute);
    if (m < range.from || m > range.to) continue;
    const h = (a.count / Math.max(maxCount, 1)) * PLOT_H;
    const bar = svg('rect', { x: x(m), y: M.top + PLOT_H - h, width: barW, height: h }, 'bar');
    bar.dataset.minute = a.minute;
    bar.dataset.count = String(a.count);
    bar.append(svgText('title', `${a.minute}  ${a.count} 人`));
    root.append(bar);
  }
  const step = [5, 10, 15, 30, 60, 120, 180].find((s) => span / s <= 8) ?? 240;
  for (let m = Math.ceil(range.from / step) * step; m <= range.to; m += step) {
    root.append(
      svg('line', { x1: x(m), x2: x(m), y1: M.top + PLOT_H, y2: M.top + PLOT_H + 4 }, 'axis'),
      svgText('text', hhmm(m), { x: x(m), y: H - 6, 'text-anchor': 'middle' }, 'tick'),
    );
  }
  root.append(svg('line', { x1: M.left, x2: W - M.right, y1: M.top + PLOT_H, y2: M.top + PLOT_H }, 'axis'));
  return root;
}

export function temperatureChart(
  lane: LaneFigures,
  feverC: number | null,
  maxBin: number,
  drifting: boolean,
): SVGSVGElement {
  const t = lane.temperatures;
  const root = frame(
    'temperatures',
    lane.laneId,
    `${lane.name}: ${t.readings} readings, median ${t.medianC === null ? '–' : t.medianC.toFixed(2)} °C`,
  );
  if (drifting) root.classList.add('drifting');
  const n = Math.max(t.counts.length, 1);
  const toC = t.fromC + n * t.binC;
  const x = (c: number) => M.left + ((c - t.fromC) / (toC - t.fromC)) * PLOT_W;
  yAxis(root, maxBin);
  t.counts.forEach((count, i) => {
    if (count === 0) return;
    const fromC = t.fromC + i * t.binC;
    const h = (count / Math.max(maxBin, 1)) * PLOT_H;
    const bar = svg(
      'rect',
      {
        x: x(fromC) + 0.5,
        y: M.top + PLOT_H - h,
        width: Math.max(x(fromC + t.binC) - x(fromC) - 1, 1),
        height: h,
      },
      feverC !== null && fromC >= feverC - 1e-9 ? 'bin fever' : 'bin',
    );
    bar.dataset.fromC = fromC.toFixed(1);
    bar.dataset.count = String(count);
    bar.append(svgText('title', `${fromC.toFixed(1)}–${(fromC + t.binC).toFixed(1)} °C  ${count} 人`));
    root.append(bar);
  });
  for (let c = Math.ceil(t.fromC * 2) / 2; c <= toC + 1e-9; c += 0.5) {
    root.append(
      svg('line', { x1: x(c), x2: x(c), y1: M.top + PLOT_H, y2: M.top + PLOT_H + 4 }, 'axis'),
      svgText('text', c.toFixed(1), { x: x(c), y: H - 6, 'text-anchor': 'middle' }, 'tick'),
    );
  }
  root.append(svg('line', { x1: M.left, x2: W - M.right, y1: M.top + PLOT_H, y2: M.top + PLOT_H }, 'axis'));
  if (feverC !== null && feverC >= t.fromC && feverC <= toC) {
    root.append(
      svg('line', { x1: x(feverC), x2: x(feverC), y1: M.top, y2: M.top + PLOT_H }, 'fever-line'),
      svgText('text', `发热 ≥ ${feverC.toFixed(1)}`, { x: x(feverC) + 4, y: M.top + 10 }, 'fever-label'),
    );
  }
  if (t.medianC !== null) {
    const mx = x(Math.min(Math.max(t.medianC, t.fromC), toC));
    const median = svg('line', { x1: mx, x2: mx, y1: M.top - 4, y2: M.top + PLOT_H }, 'median');
    median.dataset.medianC = t.medianC.toFixed(2);
    root.append(
      median,
      svgText('text', `中位数 ${t.medianC.toFixed(2)}`, { x: mx + 4, y: M.top - 6 }, 'median-label'),
    );
  }
  if (t.below > 0 || t.above > 0) {
    root.append(
      svgText(
        'text',
        `< ${t.fromC.toFixed(1)}: ${t.below}   ≥ ${toC.toFixed(1)}: ${t.above}`,
        { x: W - M.right, y: M.top - 6, 'text-anchor': 'end' },
        'outside',
      ),
    );
  }
  return root;
}
