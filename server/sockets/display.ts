import type { Namespace, Server, Socket } from 'socket.io';
import type {
  DisplayClientEvents,
  DisplayServerEvents,
  LaneSnapshot,
  ServerInfo,
} from '../../contract/display-events.ts';
import type { Lane } from '../../kiosk/lanes/lane.ts';
import type { LaneCalibrations } from '../../kiosk/thermometry/lane-calibrations.ts';
import type { PrincipalSources } from '../auth/principal.ts';
import { guardNamespace, socketPrincipal } from '../auth/socket-guard.ts';
import type { LaneDevice } from '../devices.ts';
import { laneViews } from '../lane-views.ts';

type DisplaySocket = Socket<DisplayClientEvents, DisplayServerEvents>;

const room = (laneId: string) => `lane:${laneId}`;

/**
 * Namespace `/display`: a `lanes` snapshot (with each lane's current tile) on connect, then
 * `lane:update` and `device:status` as they happen. A paired display sees only its own lanes.
 */
export function attachDisplayNamespace(
  io: Server,
  lanes: readonly Lane[],
  devices: readonly LaneDevice[],
  calibrations: LaneCalibrations,
  sources: PrincipalSources,
  info: () => ServerInfo,
): { broadcastLanes(): void; broadcastInfo(): void } {
  const ns: Namespace<DisplayClientEvents, DisplayServerEvents> = io.of('/display');
  const guard = guardNamespace(ns, sources, 'display:read', { displayTokens: true });
  const lanesOf = (socket: DisplaySocket): ReadonlySet<string> => {
    const p = socketPrincipal(socket);
    return new Set(p?.kind === 'display' ? p.display.lanes : lanes.map((l) => l.id));
  };
  const snapshotFor = (allowed: ReadonlySet<string>): LaneSnapshot[] =>
    laneViews(lanes, devices, calibrations)
      .flatMap((view, i) => {
        const lane = lanes[i];
        return lane ? [{ ...view, update: lane.latest }] : [];
      })
      .filter((view) => allowed.has(view.id));
  const sendLanes = (socket: DisplaySocket) => socket.emit('lanes', snapshotFor(lanesOf(socket)));
  ns.on('connection', (socket) => {
    for (const laneId of lanesOf(socket)) void socket.join(room(laneId));
    socket.emit('server:info', info());
    sendLanes(socket);
  });
  for (const lane of lanes) {
    lane.on('update', (update) => ns.to(room(lane.id)).emit('lane:update', update));
    lane.on('flag', (update) => ns.to(room(lane.id)).emit('lane:flag', update));
  }
  for (const d of devices) {
    d.link.on('state', (state) =>
      ns.to(room(d.laneId)).emit('device:status', { laneId: d.laneId, deviceId: d.config.id, state }),
    );
  }
  const timer = setInterval(() => ns.emit('server:info', info()), 30_000);
  timer.unref();
  io.on('close', () => {
    clearInterval(timer);
    guard.stop();
  });
  return {
    broadcastLanes: () => {
      for (const socket of ns.sockets.values()) sendLanes(socket);
    },
    broadcastInfo: () => ns.emit('server:info', info()),
  };
}
