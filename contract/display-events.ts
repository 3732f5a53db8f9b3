// The `/display` socket.io namespace (the gate display, the guard's tablet) and `GET /api/lanes`: what
// the server sends (server/sockets/display.ts, server/lane-views.ts) and the pages read. Types only.
import type {
  BilingualText,
  Decision,
  DeviceRole,
  DeviceState,
  GuardAction,
  HealthCode,
} from './vocabulary.ts';

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

/** A lane and its devices' live state, as `GET /api/lanes` lists it. */
export interface LaneView {
  id: string;
  name: string;
  grades: number[];
  devices: DeviceSnapshot[];
  calibration: LaneCalibration | null;
}

/** A lane with its current tile, as the `lanes` snapshot carries it. */
export interface LaneSnapshot extends LaneView {
  update: LaneUpdate;
}

export interface DeviceStatusEvent {
  laneId: string;
  deviceId: string;
  state: DeviceState;
}

/** The school and its clock: what every live page is told on connect (`server:info`). */
export interface SchoolClock {
  schoolName: string;
  /** IANA time zone of the school (e.g. Asia/Shanghai). */
  timezone: string;
  /** 晨检 / 午检 / 晚检 while a check session is open, else null. */
  sessionName: string | null;
  /** The server's clock, ISO time. */
  now: string;
}

/** What the displays are told besides the lanes, on connect and every 30 s. */
export interface ServerInfo extends SchoolClock {
  /** The kiosk's clock jumped or is implausible: expiry checks depend on it. */
  clockWarning: { zh: string; en: string; at: string } | null;
  /** The upload to the district: connected, or offline since when with how many waiting. */
  upload: { configured: boolean; online: boolean; offlineSince: string | null; pending: number };
  /** Records cannot be written: disk full, read-only. */
  storageWarning: BilingualText | null;
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
