// One case in the console's compact list: decision, who, class, lane, gate reading, health code,
// waiting time. Pressing it opens the case beside the list.
import { el } from '../shared/dom.ts';
import { CODE_LABELS } from '../shared/domain.ts';
import { formatElapsed, type SchoolTime } from '../shared/school-time.ts';
import type { CaseView } from './case-payloads.ts';
import { DECISION_LABELS, DISPOSITION_LABELS } from './labels.ts';

export interface RowContext {
  time: SchoolTime;
  laneName(laneId: string): string;
  onOpen(caseId: string): void;
}

export class CaseRow {
  readonly element = el('li', 'case-row');
  private view: CaseView;
  private readonly button = el('button', 'case-row-button');
  private readonly decision = el('span', 'row-decision');
  private readonly name = el('span', 'row-name');
  private readonly classLabel = el('span', 'row-class');
  private readonly lane = el('span', 'row-lane');
  private readonly reading = el('span', 'row-reading');
  private readonly code = el('span', 'row-code');
  private readonly wait = el('span', 'row-wait');

  constructor(
    view: CaseView,
    private readonly ctx: RowContext,
  ) {
    this.view = view;
    this.button.type = 'button';
    this.button.append(
      this.decision,
      this.name,
      this.classLabel,
      this.lane,
      this.reading,
      this.code,
      this.wait,
    );
    this.button.addEventListener('click', () => ctx.onOpen(this.view.id));
    this.element.append(this.button);
    this.render();
  }

  get id(): string {
    return this.view.id;
  }

  get current(): CaseView {
    return this.view;
  }

  update(view: CaseView): void {
    this.view = view;
    this.render();
  }

  set selected(on: boolean) {
    this.element.dataset.selected = String(on);
    if (on) this.button.setAttribute('aria-current', 'true');
    else this.button.removeAttribute('aria-current');
  }

  focus(): void {
    this.button.focus();
  }

  /** Whether the case matches what the nurse typed: name, class, id (any part, any case). */
  matches(query: string): boolean {
    const q = query.trim().toLowerCase();
    if (!q) return true;
    const v = this.view;
    const hay = [v.person?.name ?? '', v.classLabel, v.personId ?? '', v.person?.className ?? '']
      .join(' ')
      .toLowerCase();
    return q.split(/\s+/).every((part) => hay.includes(part));
  }

  tick(): void {
    const v = this.view;
    const opened = Date.parse(v.openedAt);
    const until = v.closedAt ? Date.parse(v.closedAt) : this.ctx.time.now();
    const ms = Number.isFinite(opened) ? Math.max(0, until - opened) : 0;
    this.wait.textContent =
      v.status === 'open' ? formatElapsed(ms) : this.ctx.time.clock(v.closedAt ?? v.openedAt);
    this.wait.dataset.ms = String(ms);
    this.element.dataset.long = String(v.status === 'open' && ms > 10 * 60_000);
  }

  private render(): void {
    const v = this.view;
    const e = this.element;
    e.dataset.caseId = v.id;
    e.dataset.decision = v.decision;
    e.dataset.status = v.status;
    e.dataset.disposition = v.disposition ?? 'none';
    const d = DECISION_LABELS[v.decision];
    this.decision.textContent = d.zh;
    this.decision.title = d.en;
    this.name.textContent = v.person?.name ?? v.personId ?? '身份不明';
    this.classLabel.textContent = v.classLabel;
    this.lane.textContent = this.ctx.laneName(v.laneId);
    this.reading.textContent = v.gateTemperatureC === null ? '—' : `${v.gateTemperatureC.toFixed(1)} °C`;
    const c = CODE_LABELS[v.healthCode];
    this.code.textContent = c.zh;
    this.code.dataset.code = v.healthCode;
    if (v.status === 'closed' && v.disposition) {
      this.decision.textContent = `${d.zh} → ${DISPOSITION_LABELS[v.disposition].zh}`;
    }
    this.button.setAttribute(
      'aria-label',
      `${d.zh} ${this.name.textContent} ${v.classLabel} ${this.lane.textContent} ${this.reading.textContent} ${c.zh}`,
    );
    this.tick();
  }
}
