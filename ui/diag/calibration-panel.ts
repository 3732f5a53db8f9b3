// A lane's forehead-thermometer calibration: when it was last done, and a table where staff pair
// the module's forehead reading with a clinical thermometer's reading of the same person, then save.

import { el } from '../shared/dom.ts';
import {
  type CalibrationPoint,
  type CalibrationStatus,
  fetchCalibration,
  pointField,
  saveCalibration,
} from './calibration-api.ts';
import { bilingual, button } from './dom.ts';
import { formatAge, formatC, formatDateTime, parseDecimal } from './format.ts';

const FIRST_ROWS = 3;

interface PairRow {
  row: HTMLTableRowElement;
  number: HTMLElement;
  objectC: HTMLInputElement;
  clinicalC: HTMLInputElement;
}

export class CalibrationPanel {
  readonly element: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly fitLine: HTMLElement;
  private readonly latestValue: HTMLElement;
  private readonly latestAge: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly result: HTMLOutputElement;
  private readonly saveButton: HTMLButtonElement;
  private rows: PairRow[] = [];
  private latest: { objectC: number; at: number } | null = null;
  /** The lane's forehead thermometer, once the server has said which it is. */
  deviceId: string | null = null;

  constructor(
    readonly laneId: string,
    laneName: string,
  ) {
    const root = el('section', 'calibration');
    root.dataset.laneId = laneId;
    this.element = root;

    const head = el('header', 'cal-head');
    head.append(bilingual('cal-title', '额温校准', 'Forehead calibration'), el('span', 'cal-lane', laneName));
    this.statusLine = el('div', 'cal-status', '…');
    this.fitLine = el('div', 'cal-fit');

    const latest = el('div', 'cal-latest');
    this.latestValue = el('span', 'cal-latest-value', '—');
    this.latestAge = el('span', 'cal-latest-age', 'no forehead reading yet');
    latest.append(bilingual('field-label', '最新额温', 'latest forehead'), this.latestValue, this.latestAge);

    const table = el('table', 'cal-table');
    const thead = el('thead');
    const headRow = el('tr');
    const th = (zh: string, en: string, className = ''): HTMLTableCellElement => {
      const cell = el('th', className);
      cell.append(bilingual('', zh, en));
      return cell;
    };
    headRow.append(
      th('#', '', 'cal-n'),
      th('额温读数 °C', 'forehead reading'),
      th('临床读数 °C', 'clinical reading'),
      el('th', 'cal-remove-col'),
    );
    thead.append(headRow);
    this.body = el('tbody');
    table.append(thead, this.body);

    const actions = el('div', 'cal-actions');
    const add = button('btn', '+ 添加一组', 'Add pair');
    add.addEventListener('click', () => this.addRow()?.objectC.focus());
    this.saveButton = button('btn btn-primary cal-save', '保存校准', 'Save calibration');
    this.saveButton.addEventListener('click', () => void this.save());
    this.result = el('output', 'cal-result');
    actions.append(add, this.saveButton);

    root.append(head, this.statusLine, this.fitLine, latest, table, actions, this.result);
    for (let i = 0; i < FIRST_ROWS; i++) this.addRow();
  }

  async refresh(): Promise<void> {
    try {
      const status = await fetchCalibration(this.laneId);
      if (status) this.showStatus(status);
    } catch (err) {
      this.statusLine.textContent = `calibration status unavailable: ${(err as Error).message}`;
      this.statusLine.dataset.level = 'warn';
    }
  }

  /** A forehead (object) reading from this lane's thermometer. */
  noteReading(objectC: number): void {
    this.latest = { objectC, at: performance.now() };
    this.latestValue.textContent = formatC(objectC);
    this.tick();
  }

  tick(): void {
    if (this.latest) this.latestAge.textContent = formatAge(performance.now() - this.latest.at);
  }

  private showStatus(status: CalibrationStatus): void {
    this.deviceId = status.deviceId;
    const c = status.calibration;
    this.element.dataset.stale = String(status.stale);
    this.statusLine.dataset.level = status.stale ? 'warn' : 'ok';
    if (!c) {
      this.statusLine.textContent = `${status.deviceId} · 从未校准 never calibrated: add at least 3 pairs`;
      this.fitLine.textContent = '';
      return;
    }
    const age = status.ageDays === null ? '' : ` · ${status.ageDays} 天 days ago`;
    const stale = status.stale ? ' · 已过期 stale: calibrate again' : '';
    this.statusLine.textContent = `${status.deviceId} · 上次校准 last ${formatDateTime(new Date(c.at))}${age}${stale}`;
    this.fitLine.textContent = `${describeFit(c)} · ${c.points.length} pairs`;
  }

  private addRow(): PairRow | null {
    const row = el('tr', 'cal-row');
    const number = el('td', 'cal-n');
    const input = (label: string): HTMLInputElement => {
      const box = el('input', 'cal-input');
      box.type = 'text';
      box.inputMode = 'decimal';
      box.autocomplete = 'off';
      box.placeholder = '36.50';
      box.setAttribute('aria-label', label);
      box.addEventListener('input', () => box.removeAttribute('aria-invalid'));
      return box;
    };
    const objectC = input('额温读数 forehead reading °C');
    const clinicalC = input('临床读数 clinical reading °C');
    const useLatest = button('btn btn-small use-latest', '用最新', 'use latest');
    useLatest.title = 'Fill in the latest forehead reading of this lane’s thermometer';
    useLatest.addEventListener('click', () => {
      if (!this.latest) {
        this.say('warn', '还没有额温读数 no forehead reading yet: measure someone first');
        return;
      }
      objectC.value = this.latest.objectC.toFixed(2);
      objectC.removeAttribute('aria-invalid');
      clinicalC.focus();
    });
    const remove = button('btn btn-small btn-quiet cal-remove', '删除', 'remove');
    const pair: PairRow = { row, number, objectC, clinicalC };
    remove.addEventListener('click', () => {
      this.rows = this.rows.filter((r) => r !== pair);
      row.remove();
      this.renumber();
    });
    const forehead = el('td', 'cal-forehead');
    forehead.append(objectC, useLatest);
    const clinical = el('td');
    clinical.append(clinicalC);
    const last = el('td', 'cal-remove-col');
    last.append(remove);
    row.append(number, forehead, clinical, last);
    this.body.append(row);
    this.rows.push(pair);
    this.renumber();
    return pair;
  }

  private renumber(): void {
    this.rows.forEach((r, i) => {
      r.number.textContent = String(i + 1);
    });
  }

  private say(level: 'ok' | 'warn' | 'error', text: string): void {
    this.result.dataset.level = level;
    this.result.textContent = text;
  }

  private async save(): Promise<void> {
    for (const r of this.rows) {
      r.objectC.removeAttribute('aria-invalid');
      r.clinicalC.removeAttribute('aria-invalid');
    }
    const points: CalibrationPoint[] = [];
    const sent: PairRow[] = [];
    const problems: string[] = [];
    this.rows.forEach((r, i) => {
      const a = r.objectC.value.trim();
      const b = r.clinicalC.value.trim();
      if (a === '' && b === '') return;
      const objectC = parseDecimal(a);
      const clinicalC = parseDecimal(b);
      if (objectC === null) {
        r.objectC.setAttribute('aria-invalid', 'true');
        problems.push(`row ${i + 1}: forehead reading ${a === '' ? 'missing' : `"${a}" is not a number`}`);
      }
      if (clinicalC === null) {
        r.clinicalC.setAttribute('aria-invalid', 'true');
        problems.push(`row ${i + 1}: clinical reading ${b === '' ? 'missing' : `"${b}" is not a number`}`);
      }
      if (objectC !== null && clinicalC !== null) {
        points.push({ objectC, clinicalC });
        sent.push(r);
      }
    });
    if (problems.length > 0) {
      this.say('error', `✗ ${problems.join('; ')}`);
      return;
    }
    this.saveButton.disabled = true;
    this.say('warn', 'saving…');
    const saved = await saveCalibration(this.laneId, points);
    this.saveButton.disabled = false;
    if (saved.ok) {
      this.say('ok', `✓ 已保存 saved: ${describeFit(saved.calibration)} · ${points.length} pairs`);
      for (const r of this.rows) r.row.remove();
      this.rows = [];
      for (let i = 0; i < FIRST_ROWS; i++) this.addRow();
      await this.refresh();
      return;
    }
    const { error } = saved;
    const named = error.details.map((d) => {
      const at = pointField(d.field);
      const target = at ? sent[at.index] : undefined;
      if (target && at) {
        if (at.key !== 'clinicalC') target.objectC.setAttribute('aria-invalid', 'true');
        if (at.key !== 'objectC') target.clinicalC.setAttribute('aria-invalid', 'true');
        const rowNo = this.rows.indexOf(target) + 1;
        const what =
          at.key === 'objectC' ? '额温 forehead' : at.key === 'clinicalC' ? '临床 clinical' : '读数对 pair';
        return `第 ${rowNo} 行 ${what} (${d.field})：${d.zh}${d.zh !== d.message ? ` · ${d.message}` : ''}`;
      }
      return `${d.field}：${d.zh}${d.zh !== d.message ? ` · ${d.message}` : ''}`;
    });
    this.say(
      'error',
      `✗ 未保存：${named.length > 0 ? named.join('；') : `${error.zh} · not saved: ${error.message}`}`,
    );
  }
}

function describeFit(c: { slope: number; intercept: number; residualSdC: number }): string {
  const sign = c.intercept < 0 ? '−' : '+';
  return `body = ${c.slope.toFixed(4)} × forehead ${sign} ${Math.abs(c.intercept).toFixed(4)} · residual SD ${c.residualSdC.toFixed(3)} °C`;
}
