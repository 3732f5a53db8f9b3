// The `/diag` socket.io namespace: what the server (server/sockets/diag.ts) sends and the diagnostics
// page asks. Types only.
import type { Bilingual, CodecCounters, DeviceEvent } from '../drivers/types.ts';
import type { DeviceRole, DeviceState } from './vocabulary.ts';

/**
 * A device's events as its codec decodes them; on `/diag` a scan's `text` is already masked by the
 * server: one `*` a character (`*********`).
 */
export type { CodecCounters, DeviceEvent, IdentityEvent, TemperatureEvent } from '../drivers/types.ts';

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
  /** The device's lane's own counts, or null when the lane keeps none. */
  lane: LaneCounts | null;
}

export interface LaneCounts {
  /** Times the order of the lane's scans and readings could not be known (people sent to verify). */
  orderUnknown: number;
  /** People who scanned and were never measured. */
  notMeasured: number;
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

/** What was asked and what came of it: `zh` and `en`; `detail` is the English, as before. */
export interface DiagAnswer extends Bilingual {
  ok: boolean;
  detail: string;
}

export interface SelfTestReply extends DiagAnswer {
  /** Time to the answer, or null when there was none. */
  elapsedMs: number | null;
}

export interface ReplayRequest {
  deviceId: string;
  /** A name from the device's `fixtures`. */
  fixture: string;
}

export type ReplayReply = DiagAnswer;

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
