// Events of the `/display` Socket.IO namespace, as the gate display receives them.
import type { BilingualText, Decision, DeviceRole, DeviceState, GuardAction, HealthCode } from './domain.ts';

export type LaneState = 'idle' | 'waiting' | 'decided';

export interface DeviceSnapshot {
  id: string;
  role: DeviceRole;
  model: string;
  simulated: boolean;
  state: DeviceState;
  /** ISO time of the last frame the device sent, or null if none yet. */
  lastFrameAt: string | null;
}

export interface LanePerson {
  /** Masked for public screens: 张三丰 → 张*丰. */
  displayName: string;
  className: string;
}

export interface LaneUpdate {
  laneId: string;
  /** Grows per lane; an update with a lower seq than the one shown is stale. */
  seq: number;
  /** ISO time. */
  at: string;
  state: LaneState;
  decision?: Decision;
  person?: LanePerson;
  temperatureC?: number;
  healthCode?: HealthCode;
  message: BilingualText;
  /** A second line: the lane this person should use, or that they were already screened. */
  hint?: BilingualText;
  /** The person was already screened this session; this is their earlier decision. */
  repeat?: boolean;
  screeningId?: string;
  /** A guard answered this decision by hand; `message` says what was done. */
  action?: GuardAction;
  /** The guard's account. */
  resolvedBy?: string;
}

/** Forehead thermometers only: when the lane was last calibrated and whether that is too long ago. */
export interface LaneCalibration {
  at: string | null;
  ageDays: number | null;
  stale: boolean;
}

export interface LaneSnapshot {
  id: string;
  name: string;
  grades: number[];
  devices: DeviceSnapshot[];
  calibration: LaneCalibration | null;
  update: LaneUpdate;
}

export interface DeviceStatusEvent {
  laneId: string;
  deviceId: string;
  state: DeviceState;
}

export interface ServerInfo {
  schoolName: string;
  /** 晨检 / 午检 / 晚检 while a check session is open, else null. */
  sessionName: string | null;
  /** The server's clock, ISO time. */
  now: string;
  /** IANA time zone of the school (e.g. Asia/Shanghai); the browser's own zone if absent. */
  timezone?: string;
  /** The kiosk's clock jumped or is implausible: expiry checks depend on it. */
  clockWarning?: { zh: string; en: string; at: string };
  /** The upload to the district. */
  upload?: { configured: boolean; online: boolean; offlineSince: string | null; pending: number };
  /** Records cannot be written: disk full, read-only. */
  storageWarning?: { zh: string; en: string };
}

/** What the server emits on `/display`. */
export interface DisplayServerEvents {
  lanes: (lanes: LaneSnapshot[]) => void;
  'lane:update': (update: LaneUpdate) => void;
  /** A decision for the guard that leaves the tile alone (someone scanned and was never measured). */
  'lane:flag': (update: LaneUpdate) => void;
  'device:status': (status: DeviceStatusEvent) => void;
  'server:info': (info: ServerInfo) => void;
}

/** The display sends nothing. */
// biome-ignore lint/complexity/noBannedTypes: socket.io's event map for "no events"
export type DisplayClientEvents = {};
