// One lane's tile: a full colour field for the lane's latest decision, the message in Chinese
// and English, who and what was measured, and the health of the lane's devices.
import type {
  DeviceSnapshot,
  LaneCalibration,
  LaneSnapshot,
  LaneUpdate,
} from '../../contract/display-events.ts';
import { el } from '../shared/dom.ts';
import type { DeviceState } from '../shared/domain.ts';
import { createToneIcon } from './icons.ts';
import {
  DEVICE_ROLE_LABELS,
  DEVICE_STATE_LABELS,
  formatTemperatureC,
  gradesLabel,
  HEALTH_CODE_LABELS,
  type Tone,
  toneOf,
} from './labels.ts';

/** Longer Chinese messages are set on two lines. */
const LONG_MESSAGE_CHARS = 8;
const PHRASE_END = /[\s，,、；;：:。！!]/u;

interface MessageLayout {
  lines: 1 | 2;
  charsPerLine: number;
  /** Break only between phrases (at a space or punctuation), not inside a word. */
  breakAtPhrase: boolean;
}

export function messageLayout(zh: string): MessageLayout {
  const chars = [...zh];
  if (chars.length <= LONG_MESSAGE_CHARS)
    return { lines: 1, charsPerLine: chars.length, breakAtPhrase: false };
  const even = Math.ceil(chars.length / 2);
  let best = chars.length;
  chars.forEach((char, i) => {
    if (PHRASE_END.test(char)) best = Math.min(best, Math.max(i + 1, chars.length - i - 1));
  });
  // A phrase break that leaves lines of very different lengths would waste the tile's width.
  if (best <= even + 3) return { lines: 2, charsPerLine: best, breakAtPhrase: true };
  return { lines: 2, charsPerLine: even, breakAtPhrase: false };
}

export type TileTimeFormat = (iso: string) => string;

export class LaneTile {
  readonly laneId: string;
  readonly element: HTMLElement;
  private shownSeq = Number.NEGATIVE_INFINITY;
  private tone: Tone = 'idle';
  private readonly devices = new Map<string, DeviceSnapshot>();
  private readonly calibration: LaneCalibration | null;
  /** The update shown, kept to say it again when a device goes down or comes back. */
  private shown: LaneUpdate | null = null;

  private readonly time = el('time', 'lane-time');
  private readonly iconSlot = el('div', 'lane-icon');
  private readonly messageZh = el('div', 'lane-msg-zh');
  private readonly messageEn = el('div', 'lane-msg-en');
  private readonly hint = el('div', 'lane-hint');
  private readonly hintZh = el('span', 'hint-zh');
  private readonly hintEn = el('span', 'hint-en');
  private readonly facts = el('div', 'lane-facts');
  private readonly person = el('div', 'lane-person');
  private readonly personName = el('span', 'person-name');
  private readonly personClass = el('span', 'person-class');
  private readonly temperature = el('div', 'lane-temp');
  private readonly temperatureValue = el('span', 'temp-value');
  private readonly codeBadge = el('div', 'code-badge');
  private readonly codeZh = el('span', 'code-zh');
  private readonly codeEn = el('span', 'code-en');
  private readonly warning = el('div', 'lane-warning');
  private readonly warningText = el('span', 'lane-warning-text');
  private readonly deviceList = el('ul', 'lane-devices');

  constructor(
    snapshot: LaneSnapshot,
    private readonly formatTime: TileTimeFormat,
  ) {
    this.laneId = snapshot.id;
    const tile = el('section', 'lane');
    tile.dataset.laneId = snapshot.id;
    tile.dataset.testid = 'lane-tile';
    tile.setAttribute('aria-label', snapshot.name);
    this.element = tile;

    const head = el('header', 'lane-head');
    const title = el('div', 'lane-title');
    title.append(el('span', 'lane-name', snapshot.name));
    const grades = gradesLabel(snapshot.grades);
    if (grades) title.append(el('span', 'lane-grades', grades));
    head.append(title, this.time);

    const main = el('div', 'lane-main');
    main.setAttribute('aria-live', 'polite');
    const headline = el('div', 'lane-headline');
    this.messageZh.dataset.testid = 'lane-message';
    headline.append(this.iconSlot, this.messageZh);
    this.hint.dataset.testid = 'lane-hint';
    this.hint.append(this.hintZh, this.hintEn);
    main.append(headline, this.messageEn, this.hint);

    this.person.append(this.personName, this.personClass);
    this.temperature.append(this.temperatureValue, el('span', 'temp-unit', '°C'));
    this.codeBadge.append(this.codeZh, this.codeEn);
    this.facts.append(this.person, this.temperature, this.codeBadge);

    this.warning.append(this.warningText);
    this.warning.setAttribute('role', 'status');
    this.warning.hidden = true;

    tile.append(head, main, this.facts, this.warning, this.deviceList);

    this.calibration = snapshot.calibration;
    for (const device of snapshot.devices) this.devices.set(device.id, device);
    this.renderDevices();
    this.applyUpdate(snapshot.update);
  }

  get currentTone(): Tone {
    return this.tone;
  }

  /** Shows the update unless an update with a higher seq is already shown; returns whether it did. */
  applyUpdate(update: LaneUpdate): boolean {
    if (update.laneId !== this.laneId || update.seq < this.shownSeq) return false;
    this.shownSeq = update.seq;
    this.shown = update;
    this.show(update);
    return true;
  }

  /** What the tile says: the server's message, except where the tile knows better (see `tileMessage`). */
  private show(update: LaneUpdate): void {
    const tile = this.element;
    const fault = laneFault([...this.devices.values()]);
    const message = tileMessage(update, [...this.devices.values()], fault);
    tile.dataset.fault = update.state === 'decided' ? 'none' : fault;
    const tone =
      update.state !== 'decided' && fault !== 'none'
        ? 'amber'
        : toneOf(update.state, update.decision, update.action);
    tile.dataset.state = update.state;
    tile.dataset.action = update.action ?? 'none';
    tile.dataset.decision = update.state === 'decided' && update.decision ? update.decision : 'none';
    tile.dataset.tone = tone;
    if (tone !== this.tone || this.iconSlot.childElementCount === 0) {
      this.iconSlot.replaceChildren(createToneIcon(tone));
    }
    this.tone = tone;

    this.messageZh.textContent = message.zh;
    this.messageEn.textContent = message.en;
    const by = update.resolvedBy;
    this.hintZh.textContent = update.hint ? update.hint.zh : by ? `门卫 ${by} 已处理` : '';
    this.hintEn.textContent = update.hint ? update.hint.en : by ? `handled by ${by}` : '';
    this.hint.hidden = update.hint === undefined && by === undefined;
    // The font shrinks with the message's length; a long message takes two lines.
    const layout = messageLayout(message.zh);
    tile.dataset.msgLines = String(layout.lines);
    tile.dataset.msgBreak = layout.breakAtPhrase ? 'phrase' : 'any';
    tile.style.setProperty('--msg-len', String(Math.max(3, layout.charsPerLine)));
    tile.style.setProperty('--msg-en-len', String(Math.max(12, message.en.length)));

    this.time.textContent = update.state === 'idle' ? '' : this.formatTime(update.at);
    this.time.dateTime = update.at;

    const person = update.person;
    this.personName.textContent = person?.displayName ?? '';
    this.personClass.textContent = person?.className ?? '';
    this.person.hidden = person === undefined;

    const temperatureC = update.temperatureC;
    this.temperatureValue.textContent = temperatureC === undefined ? '' : formatTemperatureC(temperatureC);
    this.temperature.hidden = temperatureC === undefined;

    const code = update.healthCode;
    if (code) {
      this.codeBadge.dataset.code = code;
      this.codeZh.textContent = HEALTH_CODE_LABELS[code].zh;
      this.codeEn.textContent = HEALTH_CODE_LABELS[code].en;
    }
    this.codeBadge.hidden = code === undefined;

    this.facts.hidden = person === undefined && temperatureC === undefined && code === undefined;
  }

  /** Returns whether the device belongs to this lane. */
  setDeviceState(deviceId: string, state: DeviceState): boolean {
    const device = this.devices.get(deviceId);
    if (!device) return false;
    if (device.state !== state) {
      this.devices.set(deviceId, { ...device, state });
      this.renderDevices();
    }
    return true;
  }

  private renderDevices(): void {
    const pills: HTMLElement[] = [];
    const problems: string[] = [];
    const problemsEn: string[] = [];
    for (const device of this.devices.values()) {
      const role = DEVICE_ROLE_LABELS[device.role];
      const state = DEVICE_STATE_LABELS[device.state];
      const pill = el('li', 'device-pill');
      pill.dataset.deviceId = device.id;
      pill.dataset.state = device.state;
      pill.title = `${device.id} · ${device.model}${device.simulated ? ' (simulated)' : ''}`;
      pill.append(
        el('span', 'pill-dot'),
        el('span', 'pill-role', role.zh),
        el('span', 'pill-state', state.zh),
      );
      if (device.simulated) pill.append(el('span', 'pill-sim', '模拟'));
      pills.push(pill);
      if (device.state !== 'online') {
        problems.push(`${role.zh}${state.zh}`);
        problemsEn.push(`${role.en} ${state.en}`);
      }
    }
    this.deviceList.replaceChildren(...pills);
    // A device that went down or came back changes what an idle or waiting lane asks for.
    if (this.shown && this.shown.state !== 'decided') this.show(this.shown);
    const calibration = this.calibration;
    if (calibration?.stale) {
      if (calibration.ageDays === null) {
        problems.push('测温未校准');
        problemsEn.push('thermometer not calibrated');
      } else {
        problems.push(`测温校准已过期（${Math.floor(calibration.ageDays)} 天）`);
        problemsEn.push(`calibration ${Math.floor(calibration.ageDays)} days old`);
      }
    }
    this.element.dataset.calibrationStale = String(calibration?.stale === true);
    const hasProblem = problems.length > 0;
    this.warning.hidden = !hasProblem;
    this.element.dataset.devicesOk = String(!hasProblem);
    this.warningText.replaceChildren(
      el('span', 'warning-zh', problems.join('，')),
      el('span', 'warning-en', problemsEn.join(', ')),
    );
  }
}

export type LaneFault = 'none' | 'scanner' | 'card-reader' | 'thermometer';

/** What stops the lane from screening anyone: no way to say who you are, or nothing to measure with. */
export function laneFault(devices: readonly DeviceSnapshot[]): LaneFault {
  const identity = devices.filter((d) => d.role === 'scanner' || d.role === 'card-reader');
  if (identity.length > 0 && identity.every((d) => d.state !== 'online')) {
    return identity.some((d) => d.role === 'scanner') ? 'scanner' : 'card-reader';
  }
  const thermometers = devices.filter((d) => d.role === 'thermometer');
  if (thermometers.length > 0 && thermometers.every((d) => d.state !== 'online')) return 'thermometer';
  return 'none';
}

const FAULT_MESSAGES: Record<Exclude<LaneFault, 'none'>, { zh: string; en: string }> = {
  scanner: { zh: '扫码器故障，请找门卫', en: 'Scanner out of order: see the guard' },
  'card-reader': { zh: '读卡器故障，请找门卫', en: 'Card reader out of order: see the guard' },
  thermometer: { zh: '测温枪故障，请找门卫', en: 'Thermometer out of order: see the guard' },
};

/**
 * What the tile says for an update. The lane knows what it can do: a lane whose scanner is down says
 * so instead of "请扫码", and a card-reader lane asks for the card; otherwise the server's message (a
 * fever's says 体温异常, with the reading in English).
 */
export function tileMessage(
  update: LaneUpdate,
  devices: readonly DeviceSnapshot[],
  fault: LaneFault = laneFault(devices),
): { zh: string; en: string } {
  if (update.state !== 'decided' && fault !== 'none') return FAULT_MESSAGES[fault];
  if (update.state === 'idle') {
    const scanner = devices.some((d) => d.role === 'scanner' && d.state === 'online');
    const card = devices.some((d) => d.role === 'card-reader' && d.state === 'online');
    if (card && scanner) return { zh: '请扫码或刷卡', en: 'Scan your code or tap your card' };
    if (card) return { zh: '请刷卡', en: 'Tap your card' };
    return update.message;
  }
  return update.message;
}
