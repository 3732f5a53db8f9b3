// What the gate display calls things, in Chinese and English, and the colour each decision takes.

import type { LaneState } from '../../contract/display-events.ts';
import type { Decision, DeviceRole, DeviceState, GuardAction, HealthCode } from '../shared/domain.ts';
import type { OfflineWording } from '../shared/live-link.ts';
import { formatElapsed } from '../shared/school-time.ts';

/** The colour field of a tile; also picks the alert sound. */
export type Tone = 'idle' | 'waiting' | 'green' | 'amber' | 'red';

const DECISION_TONES: Record<Decision, Tone> = {
  pass: 'green',
  fever: 'red',
  code_red: 'red',
  retake: 'amber',
  code_yellow: 'amber',
  verify: 'amber',
  unknown_person: 'amber',
  no_identity: 'amber',
  not_measured: 'amber',
};

/** Once a guard has answered, the tile takes the colour of what was done. */
const ACTION_TONES: Record<GuardAction, Tone> = {
  admit_checked: 'green',
  register_visitor: 'green',
  refuse: 'red',
  send_to_nurse: 'amber',
  measure_again: 'amber',
};

export function toneOf(state: LaneState, decision: Decision | undefined, action?: GuardAction): Tone {
  if (state === 'waiting') return 'waiting';
  if (state === 'decided' && action !== undefined) return ACTION_TONES[action];
  if (state === 'decided' && decision !== undefined) return DECISION_TONES[decision];
  return 'idle';
}

export const HEALTH_CODE_LABELS: Record<HealthCode, { zh: string; en: string }> = {
  green: { zh: '绿码', en: 'Green' },
  yellow: { zh: '黄码', en: 'Yellow' },
  red: { zh: '红码', en: 'Red' },
  unknown: { zh: '未知', en: 'Unknown' },
};

export const DEVICE_ROLE_LABELS: Record<DeviceRole, { zh: string; en: string }> = {
  thermometer: { zh: '测温枪', en: 'Thermometer' },
  scanner: { zh: '扫码器', en: 'Scanner' },
  'card-reader': { zh: '读卡器', en: 'Card reader' },
  relay: { zh: '闸机', en: 'Gate relay' },
};

export const DEVICE_STATE_LABELS: Record<DeviceState, { zh: string; en: string }> = {
  online: { zh: '在线', en: 'online' },
  offline: { zh: '离线', en: 'offline' },
  error: { zh: '故障', en: 'error' },
};

/** "1–3 年级" for a lane assigned to grades 1, 2, 3; "" for a lane open to all. */
export function gradesLabel(grades: readonly number[]): string {
  if (grades.length === 0) return '';
  const sorted = [...grades].sort((a, b) => a - b);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const contiguous = sorted.every((g, i) => i === 0 || g === (sorted[i - 1] ?? g) + 1);
  if (first === last) return `${first} 年级`;
  if (contiguous) return `${first}–${last} 年级`;
  return `${sorted.join('、')} 年级`;
}

export function formatTemperatureC(temperatureC: number): string {
  return temperatureC.toFixed(1);
}

/** The full-screen notice while the display is not receiving live updates. */
export const OFFLINE_WORDING: OfflineWording = {
  texts: {
    connecting: { zh: '正在连接服务器…', en: 'Connecting to server…' },
    disconnected: { zh: '与服务器断开连接', en: 'Disconnected from server — reconnecting…' },
    refused: { zh: '服务器拒绝了此显示屏', en: 'The server refused this display' },
  },
  elapsed: formatElapsed,
  waiting: (elapsed) => `已等待 ${elapsed} · waiting ${elapsed}`,
  offlineFor: (elapsed) => `已断开 ${elapsed} · offline for ${elapsed}`,
};
