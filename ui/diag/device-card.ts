// One device's card: who it is, its state in words and colour, its counters, its last decoded
// event, and the actions maintenance staff may run on it (self-test, fixture replay).

import type { DeviceEvent, DiagDevice, ReplayReply, SelfTestReply } from '../../contract/diag-events.ts';
import { explainDetail } from '../../drivers/transport/link-detail.ts';
import { el } from '../shared/dom.ts';
import type { DeviceState } from '../shared/domain.ts';
import { bilingual, button } from './dom.ts';
import { describeEvent, formatAge, formatBytes, formatCount, summarizeEvent } from './format.ts';
import {
  COUNTERS,
  type CounterKey,
  FRAME_AGE_ALARM_MS,
  FRAME_AGE_WARN_MS,
  ROLE_LABELS,
  STATE_LABELS,
} from './labels.ts';
import type { CounterView } from './payloads.ts';

export interface DeviceActions {
  selfTest(deviceId: string): Promise<SelfTestReply>;
  replay(deviceId: string, fixture: string): Promise<ReplayReply>;
  /** Shows only this device in the log (or everything again). */
  focusLog(deviceId: string): void;
}

type Level = 'ok' | 'warn' | 'alarm' | '';

export class DeviceCard {
  readonly element: HTMLElement;
  private readonly stateText: HTMLElement;
  private readonly detailText: HTMLElement;
  private readonly nextStep = el('p', 'device-next');
  private readonly portText: HTMLElement;
  private readonly cells = new Map<CounterKey, { cell: HTMLElement; value: HTMLElement }>();
  private readonly lastEventText: HTMLElement;
  private readonly lastEventAge: HTMLElement;
  /** Self-test and replay answers, one line each, shown once there is one. */
  private readonly results = el('div', 'device-results');
  private readonly focusButton: HTMLButtonElement;
  private readonly previous = new Map<CounterKey, number>();
  private state: DeviceState = 'offline';
  /** The last frame age as of `ageAt` (performance.now()), or null if no frame yet. */
  private frameAgeMs: number | null = null;
  private ageAt = 0;
  private lastEventAt: number | null = null;

  constructor(
    readonly device: DiagDevice,
    private readonly actions: DeviceActions,
  ) {
    const root = el('article', 'device');
    root.dataset.deviceId = device.deviceId;
    root.dataset.laneId = device.laneId;
    root.dataset.role = device.role;
    root.dataset.state = 'offline';
    root.dataset.simulated = String(device.simulated);
    this.element = root;

    const head = el('header', 'device-head');
    const dot = el('span', 'state-dot');
    dot.setAttribute('aria-hidden', 'true');
    const role = ROLE_LABELS[device.role];
    this.stateText = el('span', 'device-state');
    // The id doubles as the log filter: click to see only this device's bytes.
    this.focusButton = el('button', 'device-id', device.deviceId);
    this.focusButton.type = 'button';
    this.focusButton.title = '只看此设备的日志 · show only this device in the log';
    this.focusButton.setAttribute('aria-pressed', 'false');
    this.focusButton.addEventListener('click', () => this.actions.focusLog(device.deviceId));
    head.append(dot, this.focusButton, bilingual('device-role', role.zh, role.en), this.stateText);

    const model = el('div', 'device-model');
    model.append(
      device.simulated
        ? bilingual('device-kind is-sim', '模拟', 'simulated')
        : bilingual('device-kind is-real', '实机', 'real device'),
      el('code', 'model-name', device.model),
      el('span', 'model-label', device.label),
    );
    model.title = `${device.label} (${device.model})`;

    const port = el('div', 'device-port');
    this.portText = el('code', 'port-path', '—');
    this.detailText = el('p', 'device-detail');
    port.append(bilingual('field-label', '端口', 'port'), this.portText);
    this.nextStep.setAttribute('role', 'note');

    const counters = el('dl', 'counters');
    this.lastEventText = el('span', 'last-event', '—');
    this.lastEventAge = el('span', 'last-event-age');
    for (const c of COUNTERS) {
      const cell = el('div', 'counter');
      cell.dataset.counter = c.key;
      const dt = el('dt', 'counter-label');
      dt.append(el('span', 'zh', c.label.zh), el('span', 'en', c.label.en));
      dt.title = `${c.label.zh} ${c.label.en}`;
      const value = el('dd', 'counter-value', c.key === 'lastFrame' ? 'never' : '0');
      cell.append(dt, value);
      if (c.key === 'framesNotShown') cell.hidden = true;
      counters.append(cell);
      this.cells.set(c.key, { cell, value });
      if (c.key === 'lastFrame') counters.append(this.lastEventCell());
    }

    const actionsRow = el('div', 'device-actions');
    if (device.canSelfTest) actionsRow.append(this.selfTestControls());
    if (device.simulated) actionsRow.append(this.replayControls());

    root.tabIndex = -1;
    root.append(head, model, port, this.detailText, this.nextStep, counters);
    if (actionsRow.childElementCount > 0) root.append(actionsRow);
    root.append(this.results);
    this.setState('offline', 'waiting for the server');
  }

  setState(state: DeviceState, detail: string): void {
    this.state = state;
    this.element.dataset.state = state;
    const label = STATE_LABELS[state];
    this.stateText.textContent = `${label.zh} ${label.en}`;
    const said = explainDetail(state, detail, this.device.role);
    this.detailText.replaceChildren(el('span', 'zh', said.zh), ' ', el('span', 'en', said.en));
    this.detailText.title = detail;
    this.nextStep.hidden = said.next === null || state === 'online';
    if (said.next) {
      this.nextStep.replaceChildren(
        el('span', 'zh', `下一步：${said.next.zh}`),
        ' ',
        el('span', 'en', `Next: ${said.next.en}`),
      );
    }
    this.renderFrameAge();
  }

  /** Whether the log is showing only this device: the focus button says so. */
  setFocused(focused: boolean): void {
    this.element.classList.toggle('is-focused', focused);
    this.focusButton.setAttribute('aria-pressed', String(focused));
  }

  update(c: CounterView): void {
    this.setState(c.state, c.detail);
    this.portText.textContent = c.path ?? '—';
    this.portText.title = c.path ?? 'no port open';
    const values: [CounterKey, number, string][] = [
      ['frames', c.counters.frames, formatCount(c.counters.frames)],
      ['badChecksums', c.counters.badChecksums, formatCount(c.counters.badChecksums)],
      ['bytesSkipped', c.counters.bytesSkipped, formatCount(c.counters.bytesSkipped)],
      ['resyncs', c.counters.resyncs, formatCount(c.counters.resyncs)],
      ['oversize', c.counters.oversize, formatCount(c.counters.oversize)],
      ['reconnects', c.reconnects, formatCount(c.reconnects)],
      ['bytesRx', c.bytesRx, formatBytes(c.bytesRx)],
      ['bytesTx', c.bytesTx, formatBytes(c.bytesTx)],
      ['framesNotShown', c.framesNotShown, formatCount(c.framesNotShown)],
      ['orderUnknown', c.orderUnknown, formatCount(c.orderUnknown)],
    ];
    for (const [key, n, text] of values) {
      const target = this.cells.get(key);
      if (!target) continue;
      target.value.textContent = text;
      target.value.dataset.n = String(n);
      const bad = COUNTERS.find((x) => x.key === key)?.bad === true;
      target.cell.dataset.level = bad && n > 0 ? 'warn' : '';
      const before = this.previous.get(key);
      if (before !== undefined && n > before) bump(target.cell);
      this.previous.set(key, n);
    }
    const notShown = this.cells.get('framesNotShown');
    if (notShown) notShown.cell.hidden = c.framesNotShown === 0;
    this.frameAgeMs = c.lastFrameAgeMs;
    this.ageAt = performance.now();
    this.renderFrameAge();
  }

  /** A decoded event just arrived from this device. */
  showEvent(event: DeviceEvent): void {
    this.lastEventText.textContent = summarizeEvent(event);
    this.lastEventText.title = describeEvent(event);
    this.lastEventText.dataset.kind = event.kind;
    this.lastEventAt = performance.now();
    this.renderLastEventAge();
    bump(this.lastEventText.closest('.counter') ?? this.lastEventText);
  }

  /** Keeps the ages moving between the server's once-a-second counters. */
  tick(): void {
    this.renderFrameAge();
    this.renderLastEventAge();
  }

  private lastEventCell(): HTMLElement {
    const cell = el('div', 'counter counter-event');
    cell.dataset.counter = 'lastEvent';
    const dt = el('dt', 'counter-label');
    dt.append(el('span', 'zh', '最近事件'), el('span', 'en', 'last event'));
    const value = el('dd', 'counter-value');
    value.append(this.lastEventText, this.lastEventAge);
    cell.append(dt, value);
    return cell;
  }

  private renderFrameAge(): void {
    const target = this.cells.get('lastFrame');
    if (!target) return;
    if (this.frameAgeMs === null) {
      target.value.textContent = 'never';
      target.cell.dataset.level = '';
      return;
    }
    const age = this.frameAgeMs + (performance.now() - this.ageAt);
    target.value.textContent = formatAge(age);
    let level: Level = '';
    // Only a streaming or polled device is expected to talk all the time; a scanner is quiet between people.
    if (this.state === 'online' && this.device.expectsTraffic) {
      level = age > FRAME_AGE_ALARM_MS ? 'alarm' : age > FRAME_AGE_WARN_MS ? 'warn' : 'ok';
    }
    target.cell.dataset.level = level;
  }

  private renderLastEventAge(): void {
    this.lastEventAge.textContent =
      this.lastEventAt === null ? '' : ` ${formatAge(performance.now() - this.lastEventAt)}`;
  }

  private selfTestControls(): HTMLElement {
    const wrap = el('div', 'action action-selftest');
    const run = button('btn selftest', '自检', 'Self-test');
    const result = el('output', 'action-result selftest-result');
    this.results.append(result);
    run.addEventListener('click', () => {
      run.disabled = true;
      result.dataset.ok = 'pending';
      result.textContent = '自检中… running…';
      void this.actions
        .selfTest(this.device.deviceId)
        .then((r) => {
          result.dataset.ok = String(r.ok);
          const elapsed = r.elapsedMs === null ? '' : ` (${r.elapsedMs} ms)`;
          result.textContent = `${r.ok ? '✓ 通过' : '✗ 失败'}${elapsed}：${r.zh} · ${r.ok ? 'passed' : 'failed'}: ${r.en}`;
          result.title = `${r.zh}\n${r.en}`;
        })
        .finally(() => {
          run.disabled = false;
        });
    });
    wrap.append(run);
    return wrap;
  }

  private replayControls(): HTMLElement {
    const wrap = el('div', 'action action-replay');
    const picker = el('select', 'fixture-picker');
    picker.setAttribute('aria-label', '回放文件 Fixture');
    for (const name of this.device.fixtures) {
      const option = el('option', '', name);
      option.value = name;
      picker.append(option);
    }
    const run = button('btn replay', '回放', 'Replay');
    const result = el('output', 'action-result replay-result');
    this.results.append(result);
    if (this.device.fixtures.length === 0) {
      picker.append(el('option', '', '（此型号没有录制文件 no fixtures for this model）'));
      picker.disabled = true;
      run.disabled = true;
    }
    run.addEventListener('click', () => {
      const fixture = picker.value;
      if (!fixture) return;
      run.disabled = true;
      result.dataset.ok = 'pending';
      result.textContent = '正在开始… starting…';
      void this.actions
        .replay(this.device.deviceId, fixture)
        .then((r) => {
          result.dataset.ok = String(r.ok);
          result.textContent = r.ok ? `▶ ${r.zh} · ${r.en}` : `✗ 失败：${r.zh} · failed: ${r.en}`;
          result.title = `${r.zh}\n${r.en}`;
        })
        .finally(() => {
          run.disabled = false;
        });
    });
    wrap.append(picker, run);
    return wrap;
  }
}

/** Briefly marks an element whose value just went up. */
function bump(node: HTMLElement): void {
  node.classList.remove('is-bumped');
  void node.offsetWidth;
  node.classList.add('is-bumped');
}
