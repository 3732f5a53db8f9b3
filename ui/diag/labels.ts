// What diagnostics calls things, short, in Chinese and English.
import type { CodecCounters } from '../../contract/diag-events.ts';
import type { Bilingual } from '../../drivers/types.ts';
import type { DeviceRole, DeviceState } from '../shared/domain.ts';
import type { OfflineWording } from '../shared/live-link.ts';
import { formatAge } from './format.ts';

export type { Bilingual };

export const ROLE_LABELS: Record<DeviceRole, Bilingual> = {
  thermometer: { zh: '测温', en: 'thermometer' },
  scanner: { zh: '扫码', en: 'scanner' },
  'card-reader': { zh: '读卡', en: 'card reader' },
  relay: { zh: '闸机继电器', en: 'gate relay' },
};

export const STATE_LABELS: Record<DeviceState, Bilingual> = {
  online: { zh: '在线', en: 'online' },
  offline: { zh: '离线', en: 'offline' },
  error: { zh: '故障', en: 'error' },
};

export type CounterKey =
  | keyof CodecCounters
  | 'reconnects'
  | 'bytesRx'
  | 'bytesTx'
  | 'lastFrame'
  | 'framesNotShown'
  | 'orderUnknown';

/** The counter cells of a device card, in order; `bad` ones turn amber when not zero. */
export const COUNTERS: readonly { key: CounterKey; label: Bilingual; bad: boolean }[] = [
  { key: 'frames', label: { zh: '帧', en: 'frames' }, bad: false },
  { key: 'badChecksums', label: { zh: '校验错', en: 'bad cksum' }, bad: true },
  { key: 'bytesSkipped', label: { zh: '跳过字节', en: 'skipped' }, bad: true },
  { key: 'resyncs', label: { zh: '重同步', en: 'resyncs' }, bad: true },
  { key: 'oversize', label: { zh: '超长', en: 'oversize' }, bad: true },
  { key: 'reconnects', label: { zh: '重连', en: 'reconnects' }, bad: true },
  { key: 'bytesRx', label: { zh: '收字节', en: 'rx' }, bad: false },
  { key: 'bytesTx', label: { zh: '发字节', en: 'tx' }, bad: false },
  { key: 'lastFrame', label: { zh: '上一帧', en: 'last frame' }, bad: false },
  { key: 'framesNotShown', label: { zh: '未显示', en: 'not shown' }, bad: true },
  { key: 'orderUnknown', label: { zh: '通道顺序不明', en: 'lane order unknown' }, bad: true },
];

/** Silence after which an online device's last-frame age turns amber, then red. */
export const FRAME_AGE_WARN_MS = 5_000;
export const FRAME_AGE_ALARM_MS = 30_000;

/** The banner under the title bar while the page is not live. */
export const OFFLINE_WORDING: OfflineWording = {
  texts: {
    connecting: { zh: '正在连接服务器…', en: 'Connecting to the server…' },
    disconnected: { zh: '与服务器断开连接', en: 'Disconnected from the server — reconnecting…' },
    refused: { zh: '服务器拒绝连接', en: 'The server refused this page' },
  },
  elapsed: (ms) => formatAge(ms).replace(' ago', ''),
  waiting: (age) => `waiting ${age}`,
  offlineFor: (age) => `offline for ${age}`,
};
