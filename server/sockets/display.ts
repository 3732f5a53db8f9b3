import type { Server } from 'socket.io';
import type { Lane } from '../../kiosk/lanes/lane.ts';
import type { LaneDevice } from '../devices.ts';
import { laneViews } from '../http/lanes-routes.ts';

export interface ServerInfo {
  schoolName: string;
  timezone: string;
  sessionName: string | null;
  now: string;
}

/**
 * Namespace `/display`: a `lanes` snapshot (with each lane's current tile) on connect, then
 * `lane:update` and `device:status` as they happen.
 */
export function attachDisplayNamespace(
  io: Server,
  lanes: readonly Lane[],
  devices: readonly LaneDevice[],
  info: () => ServerInfo,
): void {
  const ns = io.of('/display');
  ns.on('connection', (socket) => {
    socket.emit('server:info', info());
    socket.emit(
      'lanes',
      laneViews(lanes, devices).map((view, i) => ({ ...view, update: lanes[i]?.latest })),
    );
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
}
