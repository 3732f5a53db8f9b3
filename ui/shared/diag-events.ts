// Events of the `/diag` Socket.IO namespace, as the diagnostics page receives and sends them.
import type { DeviceRole, DeviceState } from './domain.ts';

/** A thermometer's reading: only the fields the model reports. */
export interface TemperatureEvent {
  kind: 'temperature';
  bodyC?: number;
  objectC?: number;
  ambientC?: number;
  /** The device's own remark (K3: `weak high`, `weak low`). */
  remark?: string;
}

/** A scan or card; `text` is already masked by the server: one `*` a character (`*********`). */
export interface IdentityEvent {
  kind: 'identity';
  text: string;
  source: 'scan' | 'card';
  /** AIM symbology identifier such as `]Q1`. */
  symbology?: string;
}

export type DeviceEvent = TemperatureEvent | IdentityEvent;

/** One device as listed on connect. */
export interface DiagDevice {
  laneId: string;
  laneName: string;
  deviceId: string;
  role: DeviceRole;
  /** Config model name, e.g. `k3-ascii`. */
  model: string;
  /** The model's human name, e.g. `K3 Pro thermometer (ASCII lines)`. */
  label: string;
  simulated: boolean;
  canSelfTest: boolean;
  /** The model streams or is polled, so silence is a fault; other devices are quiet between people. */
  expectsTraffic: boolean;
  /** Fixture transcripts recorded for this model (file names). */
  fixtures: string[];
}

export interface CodecCounters {
  frames: number;
  badChecksums: number;
  bytesSkipped: number;
  oversize: number;
  resyncs: number;
}

/** One device's link and codec counters; sent for every device once a second. */
export interface DiagCounters {
  laneId: string;
  deviceId: string;
  state: DeviceState;
  detail: string;
  /** The serial path in use, or null while none is open. */
  path: string | null;
  counters: CodecCounters;
  reconnects: number;
  bytesRx: number;
  bytesTx: number;
  /** Ms since the last valid frame at the time of sending, or null if none yet. */
  lastFrameAgeMs: number | null;
  /** Frames over the server's per-second budget, counted but not sent. */
  framesNotShown: number;
  /** The device's lane: times the order of its scans and readings could not be known (people sent to verify). */
  orderUnknown: number;
}

export type FrameDirection = 'rx' | 'tx';

/** Bytes that crossed the wire, with what the codec made of them. */
export interface DiagFrame {
  laneId: string;
  deviceId: string;
  /** ISO time. */
  at: string;
  /** rx = device → host, tx = host → device. */
  dir: FrameDirection;
  /** Lower-case hex; a scanner's text bytes are `**`. */
  hex: string;
  /** The first of `events`, kept for older clients. */
  event?: DeviceEvent;
  events: DeviceEvent[];
}

export interface DiagDeviceStatus {
  laneId: string;
  deviceId: string;
  state: DeviceState;
  detail: string;
}

export interface SelfTestRequest {
  deviceId: string;
}

export interface SelfTestReply {
  ok: boolean;
  detail: string;
  /** Time to the answer, or null when there was none. */
  elapsedMs: number | null;
}

export interface ReplayRequest {
  deviceId: string;
  /** A name from the device's `fixtures`. */
  fixture: string;
}

export interface ReplayReply {
  ok: boolean;
  detail: string;
}

/** What the server emits on `/diag`. */
export interface DiagServerEvents {
  devices: (devices: DiagDevice[]) => void;
  counters: (counters: DiagCounters[]) => void;
  frame: (frame: DiagFrame) => void;
  'device:status': (status: DiagDeviceStatus) => void;
}

/** What the page asks of the server, each answered through the acknowledgement. */
export interface DiagClientEvents {
  selftest: (request: SelfTestRequest, ack: (reply: SelfTestReply) => void) => void;
  replay: (request: ReplayRequest, ack: (reply: ReplayReply) => void) => void;
}
