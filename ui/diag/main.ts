// Device diagnostics for maintenance staff: every device by lane with its state and counters, the
// raw bytes both ways with their decoded events, self-tests, fixture replay, and the calibration of
// forehead thermometers. Live from the server's `/diag` namespace, for a logged-in maintenance or
// admin account.

import { io, type Socket } from 'socket.io-client';
import type {
  DiagClientEvents,
  DiagDevice,
  DiagServerEvents,
  ReplayReply,
  SelfTestReply,
} from '../../contract/diag-events.ts';
import { byId, el } from '../shared/dom.ts';
import { keepLive, LinkChip, OfflineNotice } from '../shared/live-link.ts';
import { type Role, requireSession, toLogin, userBar } from '../shared/session.ts';
import { fetchLanes, useSession } from './calibration-api.ts';
import { CalibrationPanel } from './calibration-panel.ts';
import { type DeviceActions, DeviceCard } from './device-card.ts';
import { bilingual } from './dom.ts';
import { FrameLog } from './frame-log.ts';
import { OFFLINE_WORDING } from './labels.ts';
import {
  type CounterView,
  parseCounters,
  parseDeviceStatus,
  parseDevices,
  parseFrame,
  parseReplayReply,
  parseSelfTestReply,
} from './payloads.ts';
import { UploadPanel } from './upload-panel.ts';

/** A self-test waits for the device; the server gives up first, this only covers a lost answer. */
const SELF_TEST_WAIT_MS = 30_000;
const REPLAY_WAIT_MS = 10_000;
/** Who may open this page: the roles with `devices:diagnose`. */
const ROLES: readonly Role[] = ['maintenance', 'admin'];

const lanesRoot = byId('lanes');
const summary = byId('summary');
const banner = new OfflineNotice('banner', OFFLINE_WORDING);
const log = new FrameLog();
const cards = new Map<string, DeviceCard>();
const panels = new Map<string, CalibrationPanel>();
let deviceSignature = '';

// --- who is logged in ------------------------------------------------------------------------

const session = await requireSession(ROLES);
useSession(session);
byId('session').append(userBar(session));
const upload = new UploadPanel(session);
lanesRoot.before(upload.element);
upload.start();

// --- socket ----------------------------------------------------------------------------------

// The session cookie goes with the handshake.
const socket: Socket<DiagServerEvents, DiagClientEvents> = io('/diag');

function noAnswerWithin(ms: number): ReplayReply {
  const en = `no answer from the server within ${ms / 1000} s`;
  return { ok: false, detail: en, zh: `服务器 ${ms / 1000} 秒内没有应答`, en };
}

const actions: DeviceActions = {
  async selfTest(deviceId: string): Promise<SelfTestReply> {
    try {
      const reply = await socket.timeout(SELF_TEST_WAIT_MS).emitWithAck('selftest', { deviceId });
      return parseSelfTestReply(reply);
    } catch {
      return { ...noAnswerWithin(SELF_TEST_WAIT_MS), elapsedMs: null };
    }
  },
  async replay(deviceId: string, fixture: string): Promise<ReplayReply> {
    try {
      const reply = await socket.timeout(REPLAY_WAIT_MS).emitWithAck('replay', { deviceId, fixture });
      return parseReplayReply(reply);
    } catch {
      return noAnswerWithin(REPLAY_WAIT_MS);
    }
  },
  focusLog(deviceId: string): void {
    log.focus(deviceId);
  },
};

log.onFilterChange = (shown) => {
  for (const [id, card] of cards) card.setFocused(shown.size === 1 && shown.has(id));
};

socket.on('devices', (payload) => {
  const devices = parseDevices(payload);
  if (!devices) {
    console.warn('diag: ignored a malformed device list', payload);
    return;
  }
  const signature = JSON.stringify(devices);
  if (signature !== deviceSignature) {
    deviceSignature = signature;
    showDevices(devices);
  }
  void showCalibrations();
});

socket.on('counters', (payload) => {
  const list = parseCounters(payload);
  if (!list) return;
  for (const c of list) cards.get(c.deviceId)?.update(c);
  showSummary(list);
});

socket.on('frame', (payload) => {
  const frame = parseFrame(payload);
  if (!frame) {
    console.warn('diag: ignored a malformed frame', payload);
    return;
  }
  log.add(frame);
  const card = cards.get(frame.deviceId);
  for (const event of frame.events) {
    card?.showEvent(event);
    if (event.kind === 'temperature' && event.objectC !== undefined) {
      const panel = panels.get(frame.laneId);
      if (panel && (panel.deviceId === null || panel.deviceId === frame.deviceId)) {
        panel.noteReading(event.objectC);
      }
    }
  }
});

socket.on('device:status', (payload) => {
  const status = parseDeviceStatus(payload);
  if (status) cards.get(status.deviceId)?.setState(status.state, status.detail);
});

keepLive(socket, {
  views: [new LinkChip(), banner],
  // The session ended (idle timeout, logout in another tab) or no longer has the role.
  onSessionRefused: (status) => toLogin(status === 403 ? ROLES : []),
});

// --- devices by lane -------------------------------------------------------------------------

function showDevices(devices: DiagDevice[]): void {
  cards.clear();
  panels.clear();
  const lanes = new Map<string, { name: string; devices: DiagDevice[] }>();
  for (const d of devices) {
    const lane = lanes.get(d.laneId) ?? { name: d.laneName, devices: [] };
    lane.devices.push(d);
    lanes.set(d.laneId, lane);
  }
  const sections: HTMLElement[] = [];
  for (const [laneId, lane] of lanes) {
    const section = el('section', 'lane');
    section.dataset.laneId = laneId;
    const head = el('header', 'lane-head');
    head.append(
      el('h2', 'lane-name', lane.name),
      el('span', 'lane-id', `通道 lane ${laneId}`),
      el('span', 'lane-count', `${lane.devices.length} devices`),
    );
    const grid = el('div', 'lane-devices');
    for (const d of lane.devices) {
      const card = new DeviceCard(d, actions);
      cards.set(d.deviceId, card);
      grid.append(card.element);
    }
    section.append(head, grid);
    sections.push(section);
  }
  if (sections.length === 0) {
    const empty = el('p', 'lanes-empty');
    empty.append(bilingual('', '配置中没有设备', 'No devices in the configuration'));
    sections.push(empty);
  }
  lanesRoot.replaceChildren(...sections);
  log.setDevices(devices);
}

/** Adds a calibration panel to each lane with a forehead thermometer, and refreshes its status. */
async function showCalibrations(): Promise<void> {
  let lanes: Awaited<ReturnType<typeof fetchLanes>>;
  try {
    lanes = await fetchLanes();
  } catch (err) {
    console.warn('diag: could not read the lanes', err);
    return;
  }
  for (const lane of lanes) {
    if (lane.calibration === null) continue;
    let panel = panels.get(lane.id);
    if (!panel) {
      const section = lanesRoot.querySelector<HTMLElement>(`.lane[data-lane-id="${CSS.escape(lane.id)}"]`);
      if (!section) continue;
      panel = new CalibrationPanel(lane.id, lane.name);
      panels.set(lane.id, panel);
      section.append(panel.element);
    }
    void panel.refresh();
  }
}

/** Brings the first device in that state into view, with the focus on it. */
function pointAt(state: string): void {
  const device = lanesRoot.querySelector<HTMLElement>(`.device[data-state="${state}"]`);
  if (!device) return;
  device.scrollIntoView({ block: 'center' });
  device.focus({ preventScroll: true });
  device.classList.add('is-pointed');
  window.setTimeout(() => device.classList.remove('is-pointed'), 2_000);
}

function showSummary(list: CounterView[]): void {
  const by = { online: 0, offline: 0, error: 0 };
  for (const c of list) by[c.state]++;
  const parts: [string, string, string, number][] = [
    ['total', '设备', 'devices', list.length],
    ['online', '在线', 'online', by.online],
    ['offline', '离线', 'offline', by.offline],
    ['error', '故障', 'error', by.error],
  ];
  summary.replaceChildren(
    ...parts.map(([state, zh, en, n]) => {
      // "1 离线" goes to that device.
      const jumps = n > 0 && (state === 'offline' || state === 'error');
      const item = jumps ? el('button', 'summary-item') : el('span', 'summary-item');
      if (item instanceof HTMLButtonElement) {
        item.type = 'button';
        item.title = `转到${zh}的设备 · go to the ${en} device`;
        item.addEventListener('click', () => pointAt(state));
      }
      item.dataset.state = state;
      item.dataset.zero = String(n === 0);
      item.append(el('strong', 'summary-n', String(n)), bilingual('summary-label', zh, en));
      return item;
    }),
  );
}

// --- clock -----------------------------------------------------------------------------------

window.setInterval(() => {
  for (const card of cards.values()) card.tick();
  for (const panel of panels.values()) panel.tick();
  banner.tick();
}, 200);
