// The live log: every chunk of bytes each way as a hex dump beside its ASCII, with the events the
// codec decoded from it. At most MAX_ROWS_PER_DEVICE rows per device are kept; paused, it stops
// moving and holds what arrives meanwhile (within the same cap) until resumed.
import type { DiagDevice, DiagFrame } from '../../contract/diag-events.ts';
import { byId, el } from '../shared/dom.ts';
import { button } from './dom.ts';
import { byteCells, chunkRows, describeEvent, formatClock } from './format.ts';

export const MAX_ROWS_PER_DEVICE = 300;
const BYTES_PER_LINE = 16;
/** Within this many pixels of the end counts as "at the end": the log keeps following. */
const FOLLOW_SLACK_PX = 40;

export class FrameLog {
  private readonly rowsRoot = byId('log-rows');
  private readonly chipsRoot = byId('log-filter');
  private readonly pauseButton = byId<HTMLButtonElement>('log-pause');
  private readonly clearButton = byId<HTMLButtonElement>('log-clear');
  private readonly eventsOnlyBox = byId<HTMLInputElement>('log-events-only');
  private readonly statusText = byId('log-status');
  private readonly latestButton = byId<HTMLButtonElement>('log-latest');
  private readonly emptyNote = byId('log-empty');

  /** Rendered rows per device, oldest first. */
  private readonly rows = new Map<string, HTMLElement[]>();
  /** Frames that arrived while paused or since the last paint, oldest first. */
  private pending: DiagFrame[] = [];
  private readonly pendingPerDevice = new Map<string, number>();
  private heldWhilePaused = 0;
  private paused = false;
  private paintQueued = false;
  /** Devices shown; empty = all. */
  private readonly filter = new Set<string>();
  private devices: DiagDevice[] = [];
  private readonly chips = new Map<string, HTMLButtonElement>();
  private allChip: HTMLButtonElement | null = null;
  /** Told whenever the filter changes, so cards can show which one the log follows. */
  onFilterChange: (shown: ReadonlySet<string>) => void = () => {};

  constructor() {
    this.pauseButton.addEventListener('click', () => this.setPaused(!this.paused));
    this.clearButton.addEventListener('click', () => this.clear());
    this.eventsOnlyBox.addEventListener('change', () => this.applyFilter());
    this.latestButton.addEventListener('click', () => this.scrollToEnd());
    this.rowsRoot.addEventListener('scroll', () => this.updateLatestButton(), { passive: true });
    this.renderStatus();
  }

  /** The device list changed: one filter chip per device; rows of devices that left are dropped. */
  setDevices(devices: DiagDevice[]): void {
    this.devices = devices;
    const ids = new Set(devices.map((d) => d.deviceId));
    for (const [id, list] of this.rows) {
      if (ids.has(id)) continue;
      for (const row of list) row.remove();
      this.rows.delete(id);
    }
    for (const id of [...this.filter]) if (!ids.has(id)) this.filter.delete(id);

    this.chips.clear();
    const all = button('chip chip-all', '全部', 'All');
    all.addEventListener('click', () => this.showOnly(null));
    this.allChip = all;
    const chips: HTMLElement[] = [all];
    for (const d of devices) {
      const chip = el('button', 'chip');
      chip.type = 'button';
      chip.dataset.deviceId = d.deviceId;
      chip.title = `${d.laneName} · ${d.deviceId} · ${d.label}`;
      chip.append(el('span', 'chip-id', d.deviceId), el('span', 'chip-lane', d.laneName));
      chip.addEventListener('click', () => this.toggle(d.deviceId));
      this.chips.set(d.deviceId, chip);
      chips.push(chip);
    }
    this.chipsRoot.replaceChildren(...chips);
    this.applyFilter();
  }

  add(frame: DiagFrame): void {
    this.pending.push(frame);
    const n = (this.pendingPerDevice.get(frame.deviceId) ?? 0) + 1;
    this.pendingPerDevice.set(frame.deviceId, n);
    if (n > MAX_ROWS_PER_DEVICE) this.dropOldestPending(frame.deviceId);
    if (this.paused) {
      this.heldWhilePaused = this.pending.length;
      this.renderStatus();
      return;
    }
    this.queuePaint();
  }

  /** Shows only this device, or everything again if it already was the only one shown. */
  focus(deviceId: string): void {
    if (this.filter.size === 1 && this.filter.has(deviceId)) this.showOnly(null);
    else this.showOnly(deviceId);
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.pauseButton.setAttribute('aria-pressed', String(paused));
    this.pauseButton.classList.toggle('is-paused', paused);
    const [zh, en] = paused ? ['继续', 'Resume'] : ['暂停', 'Pause'];
    const [zhNode, enNode] = this.pauseButton.children;
    if (zhNode) zhNode.textContent = zh;
    if (enNode) enNode.textContent = en;
    document.body.classList.toggle('is-log-paused', paused);
    if (!paused) {
      this.heldWhilePaused = 0;
      this.queuePaint();
    }
    this.renderStatus();
  }

  clear(): void {
    for (const list of this.rows.values()) for (const row of list) row.remove();
    this.rows.clear();
    this.pending = [];
    this.pendingPerDevice.clear();
    this.heldWhilePaused = 0;
    this.renderStatus();
  }

  private showOnly(deviceId: string | null): void {
    this.filter.clear();
    if (deviceId !== null) this.filter.add(deviceId);
    this.applyFilter();
  }

  private toggle(deviceId: string): void {
    if (this.filter.has(deviceId)) this.filter.delete(deviceId);
    else this.filter.add(deviceId);
    if (this.filter.size === this.devices.length) this.filter.clear();
    this.applyFilter();
  }

  private shows(deviceId: string, hasEvent: boolean): boolean {
    if (this.eventsOnlyBox.checked && !hasEvent) return false;
    return this.filter.size === 0 || this.filter.has(deviceId);
  }

  private applyFilter(): void {
    for (const [id, chip] of this.chips) chip.setAttribute('aria-pressed', String(this.filter.has(id)));
    this.allChip?.setAttribute('aria-pressed', String(this.filter.size === 0));
    for (const [id, list] of this.rows) {
      for (const row of list) row.hidden = !this.shows(id, row.dataset.hasEvent === 'true');
    }
    this.onFilterChange(this.filter);
    this.renderStatus();
    this.scrollToEnd();
  }

  private dropOldestPending(deviceId: string): void {
    const index = this.pending.findIndex((f) => f.deviceId === deviceId);
    if (index < 0) return;
    this.pending.splice(index, 1);
    this.pendingPerDevice.set(deviceId, (this.pendingPerDevice.get(deviceId) ?? 1) - 1);
  }

  private queuePaint(): void {
    if (this.paintQueued) return;
    this.paintQueued = true;
    requestAnimationFrame(() => {
      this.paintQueued = false;
      if (!this.paused) this.paint();
    });
  }

  private paint(): void {
    if (this.pending.length === 0) return;
    const follow = this.atEnd();
    const fragment = document.createDocumentFragment();
    for (const frame of this.pending) {
      const row = renderRow(frame);
      row.hidden = !this.shows(frame.deviceId, frame.events.length > 0);
      let list = this.rows.get(frame.deviceId);
      if (!list) {
        list = [];
        this.rows.set(frame.deviceId, list);
      }
      list.push(row);
      fragment.append(row);
    }
    this.pending = [];
    this.pendingPerDevice.clear();
    this.rowsRoot.append(fragment);
    for (const list of this.rows.values()) {
      while (list.length > MAX_ROWS_PER_DEVICE) list.shift()?.remove();
    }
    if (follow) this.scrollToEnd();
    else this.updateLatestButton();
    this.renderStatus();
  }

  private atEnd(): boolean {
    const r = this.rowsRoot;
    return r.scrollHeight - r.scrollTop - r.clientHeight < FOLLOW_SLACK_PX;
  }

  private scrollToEnd(): void {
    this.rowsRoot.scrollTop = this.rowsRoot.scrollHeight;
    this.updateLatestButton();
  }

  private updateLatestButton(): void {
    this.latestButton.hidden = this.atEnd();
  }

  private renderStatus(): void {
    let total = 0;
    let shown = 0;
    for (const list of this.rows.values()) {
      total += list.length;
      for (const row of list) if (!row.hidden) shown++;
    }
    this.emptyNote.hidden = shown > 0;
    const parts = [`${shown} / ${total} lines`];
    if (this.paused) parts.push(`paused · ${this.heldWhilePaused} held`);
    this.statusText.textContent = parts.join(' · ');
  }
}

/** One row: time, device, direction, hex dump with ASCII, decoded events. */
function renderRow(frame: DiagFrame): HTMLElement {
  const row = el('div', 'log-row');
  row.dataset.deviceId = frame.deviceId;
  row.dataset.dir = frame.dir;
  row.dataset.hasEvent = String(frame.events.length > 0);

  const time = el('time', 'log-time', formatClock(new Date(frame.at)));
  time.dateTime = frame.at;
  const device = el('span', 'log-device', frame.deviceId);
  const dir = el('span', 'log-dir', frame.dir === 'rx' ? '←rx' : '→tx');
  dir.title = frame.dir === 'rx' ? '设备 → 主机 device to host' : '主机 → 设备 host to device';

  const cells = byteCells(frame.hex);
  const lines = chunkRows(cells, BYTES_PER_LINE);
  const hex = el(
    'span',
    'log-hex',
    lines
      .map((line) =>
        line
          .map((c, i) => (i === BYTES_PER_LINE / 2 ? ` ${c.hex}` : c.hex))
          .join(' ')
          .padEnd(BYTES_PER_LINE * 3, ' '),
      )
      .join('\n'),
  );
  const ascii = el('span', 'log-ascii', lines.map((line) => line.map((c) => c.char).join('')).join('\n'));
  const size = el('span', 'log-size', `${cells.length} B`);

  const events = el('span', 'log-events');
  for (const event of frame.events) {
    const chip = el('span', 'log-event', describeEvent(event));
    chip.dataset.kind = event.kind;
    events.append(chip);
  }
  row.append(time, device, dir, hex, ascii, size, events);
  return row;
}
