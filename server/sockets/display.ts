import type { Server } from 'socket.io';
import type { Lane } from '../../kiosk/lanes/lane.ts';
import type { LaneCalibrations } from '../../kiosk/thermometry/lane-calibrations.ts';
import type { LaneDevice } from '../devices.ts';
import { laneViews } from '../http/lanes-routes.ts';

export interface ServerInfo {
  schoolName: string;
  timezone: string;
  sessionName: string | null;
  now: string;
  /** The system clock jumped or is implausible: every expiry check depends on it. */
  clockWarning: { zh: string; en: string; at: string } | null;
}

/**
 * Namespace `/display`: a `lanes` snapshot (with each lane's current tile) on connect, then
 * `lane:update` and `device:status` as they happen.
 */
export function attachDisplayNamespace(
  io: Server,
  lanes: readonly Lane[],
  devices: readonly LaneDevice[],
  calibrations: LaneCalibrations,
  info: () => ServerInfo,
): { broadcastLanes(): void; broadcastInfo(): void } {
  const ns = io.of('/display');
  const snapshot = () =>
    laneViews(lanes, devices, calibrations).map((view, i) => ({ ...view, update: lanes[i]?.latest }));
  ns.on('connection', (socket) => {
    socket.emit('server:info', info());
    socket.emit('lanes', snapshot());
  });
  for (const lane of lanes) lane.on('update', (update) => ns.emit('lane:update', update));
  for (const d of devices) {
    d.link.on('state', (state) =>
      ns.emit('device:status', { laneId: d.laneId, deviceId: d.config.id, state }),
    );
  }
  const timer = setInterval(() => ns.emit('server:info', info()), 30_000);
  timer.unref();
  io.on('close', () => clearInterval(timer));
  return {
    broadcastLanes: () => ns.emit('lanes', snapshot()),
    broadcastInfo: () => ns.emit('server:info', info()),
  };
}
