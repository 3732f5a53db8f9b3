// Checks what arrives on the socket before it reaches the page: a malformed event is dropped (and
// logged) instead of breaking the view of the other devices.
import type {
  CodecCounters,
  DeviceEvent,
  DiagAnswer,
  DiagCounters,
  DiagDevice,
  DiagDeviceStatus,
  DiagFrame,
  ReplayReply,
  SelfTestReply,
} from '../../contract/diag-events.ts';
import { DEVICE_ROLES, DEVICE_STATES, isOneOf } from '../shared/domain.ts';

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function count(value: unknown): number {
  return finite(value) ?? 0;
}

export function parseDevices(value: unknown): DiagDevice[] | null {
  if (!Array.isArray(value)) return null;
  const devices: DiagDevice[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item.laneId !== 'string' || typeof item.deviceId !== 'string') continue;
    if (!isOneOf(DEVICE_ROLES, item.role)) continue;
    devices.push({
      laneId: item.laneId,
      laneName: typeof item.laneName === 'string' ? item.laneName : item.laneId,
      deviceId: item.deviceId,
      role: item.role,
      model: typeof item.model === 'string' ? item.model : '',
      label: typeof item.label === 'string' ? item.label : '',
      simulated: item.simulated === true,
      canSelfTest: item.canSelfTest === true,
      expectsTraffic: item.expectsTraffic === true,
      fixtures: Array.isArray(item.fixtures)
        ? item.fixtures.filter((f): f is string => typeof f === 'string')
        : [],
    });
  }
  return devices;
}

function parseCodecCounters(value: unknown): CodecCounters {
  const c = isRecord(value) ? value : {};
  return {
    frames: count(c.frames),
    badChecksums: count(c.badChecksums),
    bytesSkipped: count(c.bytesSkipped),
    oversize: count(c.oversize),
    resyncs: count(c.resyncs),
  };
}

/** A device's counters as the page shows them, with its lane's count of unknown orders. */
export type CounterView = Omit<DiagCounters, 'lane'> & { orderUnknown: number };

export function parseCounters(value: unknown): CounterView[] | null {
  if (!Array.isArray(value)) return null;
  const out: CounterView[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item.deviceId !== 'string') continue;
    out.push({
      laneId: typeof item.laneId === 'string' ? item.laneId : '',
      deviceId: item.deviceId,
      state: isOneOf(DEVICE_STATES, item.state) ? item.state : 'offline',
      detail: typeof item.detail === 'string' ? item.detail : '',
      path: typeof item.path === 'string' ? item.path : null,
      counters: parseCodecCounters(item.counters),
      reconnects: count(item.reconnects),
      bytesRx: count(item.bytesRx),
      bytesTx: count(item.bytesTx),
      lastFrameAgeMs: finite(item.lastFrameAgeMs) ?? null,
      framesNotShown: count(item.framesNotShown),
      orderUnknown: isRecord(item.lane) ? count(item.lane.orderUnknown) : 0,
    });
  }
  return out;
}

export function parseEvent(value: unknown): DeviceEvent | null {
  if (!isRecord(value)) return null;
  if (value.kind === 'temperature') {
    const event: DeviceEvent = { kind: 'temperature' };
    const bodyC = finite(value.bodyC);
    const objectC = finite(value.objectC);
    const ambientC = finite(value.ambientC);
    if (bodyC !== undefined) event.bodyC = bodyC;
    if (objectC !== undefined) event.objectC = objectC;
    if (ambientC !== undefined) event.ambientC = ambientC;
    if (typeof value.remark === 'string' && value.remark !== '') event.remark = value.remark;
    return event;
  }
  if (value.kind === 'identity' && typeof value.text === 'string') {
    const event: DeviceEvent = {
      kind: 'identity',
      text: value.text,
      source: value.source === 'card' ? 'card' : 'scan',
    };
    if (typeof value.symbology === 'string') event.symbology = value.symbology;
    return event;
  }
  return null;
}

export function parseFrame(value: unknown): DiagFrame | null {
  if (!isRecord(value)) return null;
  const { laneId, deviceId, at, dir, hex } = value;
  if (typeof deviceId !== 'string' || (dir !== 'rx' && dir !== 'tx') || typeof hex !== 'string') return null;
  const listed = Array.isArray(value.events) ? value.events : value.event !== undefined ? [value.event] : [];
  const events = listed.map(parseEvent).filter((e): e is DeviceEvent => e !== null);
  const frame: DiagFrame = {
    laneId: typeof laneId === 'string' ? laneId : '',
    deviceId,
    at: typeof at === 'string' ? at : new Date().toISOString(),
    dir,
    hex,
    events,
  };
  if (events[0]) frame.event = events[0];
  return frame;
}

export function parseDeviceStatus(value: unknown): DiagDeviceStatus | null {
  if (!isRecord(value)) return null;
  const { laneId, deviceId, state, detail } = value;
  if (typeof deviceId !== 'string' || !isOneOf(DEVICE_STATES, state)) return null;
  return {
    laneId: typeof laneId === 'string' ? laneId : '',
    deviceId,
    state,
    detail: typeof detail === 'string' ? detail : '',
  };
}

const NO_VALID_ANSWER = { zh: '服务器未给出有效应答', en: 'no valid answer from the server' };

/** An answer's words: `zh` and `en`, or the English `detail` alone from an older server. */
function answerOf(value: Record<string, unknown>): DiagAnswer {
  const detail = typeof value.detail === 'string' ? value.detail : '';
  const en = typeof value.en === 'string' ? value.en : detail;
  const zh = typeof value.zh === 'string' ? value.zh : en;
  return { ok: value.ok === true, detail: en, zh, en };
}

export function parseSelfTestReply(value: unknown): SelfTestReply {
  if (!isRecord(value)) return { ok: false, detail: NO_VALID_ANSWER.en, ...NO_VALID_ANSWER, elapsedMs: null };
  return { ...answerOf(value), elapsedMs: finite(value.elapsedMs) ?? null };
}

export function parseReplayReply(value: unknown): ReplayReply {
  if (!isRecord(value)) return { ok: false, detail: NO_VALID_ANSWER.en, ...NO_VALID_ANSWER };
  return answerOf(value);
}
