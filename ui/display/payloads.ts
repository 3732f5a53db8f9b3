// Checks what arrives on the socket before it reaches the page: a malformed event is dropped
// (and logged) instead of breaking a tile the guard relies on.
import type {
  DeviceSnapshot,
  DeviceStatusEvent,
  LaneCalibration,
  LanePerson,
  LaneSnapshot,
  LaneState,
  LaneUpdate,
  ServerInfo,
} from '../../contract/display-events.ts';
import {
  DECISIONS,
  DEVICE_ROLES,
  DEVICE_STATES,
  GUARD_ACTIONS,
  HEALTH_CODES,
  isOneOf,
} from '../shared/domain.ts';

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const LANE_STATES: readonly LaneState[] = ['idle', 'waiting', 'decided'];

export function parseLaneUpdate(value: unknown): LaneUpdate | null {
  if (!isRecord(value)) return null;
  const { laneId, seq, at, state, message } = value;
  if (typeof laneId !== 'string' || typeof seq !== 'number' || !isOneOf(LANE_STATES, state)) return null;
  const update: LaneUpdate = {
    laneId,
    seq,
    at: typeof at === 'string' ? at : new Date().toISOString(),
    state,
    message: {
      zh: isRecord(message) && typeof message.zh === 'string' ? message.zh : '',
      en: isRecord(message) && typeof message.en === 'string' ? message.en : '',
    },
  };
  if (isOneOf(DECISIONS, value.decision)) update.decision = value.decision;
  const person = parsePerson(value.person);
  if (person) update.person = person;
  if (typeof value.temperatureC === 'number' && Number.isFinite(value.temperatureC)) {
    update.temperatureC = value.temperatureC;
  }
  if (isOneOf(HEALTH_CODES, value.healthCode)) update.healthCode = value.healthCode;
  if (typeof value.screeningId === 'string') update.screeningId = value.screeningId;
  const hint = value.hint;
  if (isRecord(hint) && typeof hint.zh === 'string' && typeof hint.en === 'string') {
    update.hint = { zh: hint.zh, en: hint.en };
  }
  if (value.repeat === true) update.repeat = true;
  if (isOneOf(GUARD_ACTIONS, value.action)) update.action = value.action;
  if (typeof value.resolvedBy === 'string') update.resolvedBy = value.resolvedBy;
  return update;
}

function parsePerson(value: unknown): LanePerson | null {
  if (!isRecord(value) || typeof value.displayName !== 'string') return null;
  return {
    displayName: value.displayName,
    className: typeof value.className === 'string' ? value.className : '',
  };
}

function parseDevice(value: unknown): DeviceSnapshot | null {
  if (!isRecord(value) || typeof value.id !== 'string' || !isOneOf(DEVICE_ROLES, value.role)) return null;
  return {
    id: value.id,
    role: value.role,
    model: typeof value.model === 'string' ? value.model : '',
    simulated: value.simulated === true,
    state: isOneOf(DEVICE_STATES, value.state) ? value.state : 'offline',
    lastFrameAt: typeof value.lastFrameAt === 'string' ? value.lastFrameAt : null,
  };
}

export function parseLanes(value: unknown): LaneSnapshot[] | null {
  if (!Array.isArray(value)) return null;
  const lanes: LaneSnapshot[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item.id !== 'string') continue;
    const devices = Array.isArray(item.devices) ? item.devices.map(parseDevice) : [];
    const update = parseLaneUpdate(item.update) ?? {
      laneId: item.id,
      seq: 0,
      at: new Date().toISOString(),
      state: 'idle',
      message: { zh: '请扫码', en: 'Scan your code' },
    };
    lanes.push({
      id: item.id,
      name: typeof item.name === 'string' ? item.name : item.id,
      grades: Array.isArray(item.grades) ? item.grades.filter((g): g is number => typeof g === 'number') : [],
      devices: devices.filter((d): d is DeviceSnapshot => d !== null),
      calibration: parseCalibration(item.calibration),
      update,
    });
  }
  return lanes;
}

function parseCalibration(value: unknown): LaneCalibration | null {
  if (!isRecord(value) || typeof value.stale !== 'boolean') return null;
  return {
    at: typeof value.at === 'string' ? value.at : null,
    ageDays: typeof value.ageDays === 'number' ? value.ageDays : null,
    stale: value.stale,
  };
}

export function parseDeviceStatus(value: unknown): DeviceStatusEvent | null {
  if (!isRecord(value)) return null;
  const { laneId, deviceId, state } = value;
  if (typeof laneId !== 'string' || typeof deviceId !== 'string' || !isOneOf(DEVICE_STATES, state)) {
    return null;
  }
  return { laneId, deviceId, state };
}

/**
 * `server:info` as a page reads it: the zone (else the browser's own) and the upload are left out
 * when absent, the warnings are null.
 */
export type ReadServerInfo = Omit<ServerInfo, 'timezone' | 'upload'> &
  Partial<Pick<ServerInfo, 'timezone' | 'upload'>>;

export function parseServerInfo(value: unknown): ReadServerInfo | null {
  if (!isRecord(value)) return null;
  const info: ReadServerInfo = {
    schoolName: typeof value.schoolName === 'string' ? value.schoolName : '',
    sessionName: typeof value.sessionName === 'string' ? value.sessionName : null,
    now: typeof value.now === 'string' ? value.now : new Date().toISOString(),
    clockWarning: null,
    storageWarning: null,
  };
  if (typeof value.timezone === 'string') info.timezone = value.timezone;
  const u = value.upload;
  if (isRecord(u) && typeof u.online === 'boolean' && typeof u.pending === 'number') {
    info.upload = {
      configured: u.configured === true,
      online: u.online,
      offlineSince: typeof u.offlineSince === 'string' ? u.offlineSince : null,
      pending: u.pending,
    };
  }
  const sw = value.storageWarning;
  if (isRecord(sw) && typeof sw.zh === 'string' && typeof sw.en === 'string') {
    info.storageWarning = { zh: sw.zh, en: sw.en };
  }
  const w = value.clockWarning;
  if (isRecord(w) && typeof w.zh === 'string' && typeof w.en === 'string') {
    info.clockWarning = { zh: w.zh, en: w.en, at: typeof w.at === 'string' ? w.at : '' };
  }
  return info;
}
