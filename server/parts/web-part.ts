import { readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { FixtureLibrary } from '../../drivers/fixture-library.ts';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { sessionOf } from '../../kiosk/sessions/session-of.ts';
import {
  type ClockWarning,
  clockJumpWarning,
  implausibleClockWarning,
} from '../../kiosk/time/clock-warning.ts';
import { ClockWatch } from '../../kiosk/time/clock-watch.ts';
import { closeMainNamespace } from '../auth/socket-guard.ts';
import { PROJECT_ROOT } from '../defaults.ts';
import type { LaneDevice } from '../devices.ts';
import type { Logger } from '../logger.ts';
import { coalesceFrames } from '../sockets/coalesce-frames.ts';
import { attachDiagNamespace } from '../sockets/diag.ts';
import { attachDisplayNamespace } from '../sockets/display.ts';
import { attachNurseNamespace } from '../sockets/nurse.ts';
import { socketOriginCheck } from '../sockets/origin.ts';
import type { LanesPart } from './lanes-part.ts';
import type { Part } from './part.ts';
import type { SchoolPart } from './school-part.ts';
import type { StorePart } from './store-part.ts';
import { buildWebApp, type WebAppDeps } from './web-app.ts';

const transcriptsDir = join(PROJECT_ROOT, 'fixtures', 'transcripts');

export interface WebOptions {
  host?: string;
  port?: number;
  demoDisplayToken: string | null;
  now: () => number;
}

/**
 * The web: the HTTP app, its server (HTTPS with `server.tls`) and the socket.io namespaces of the
 * display, diagnostics and the nurse, with what the displays are told besides the lanes (the school,
 * the check, the upload, the storage and the clock). Started last: it listens once everything it
 * shows is running.
 */
export function buildWebPart(
  config: KioskConfig,
  parts: { store: StorePart; lanes: LanesPart; devices: readonly LaneDevice[]; school: SchoolPart['school'] },
  opts: WebOptions,
  log: Logger,
) {
  const { store, lanes, devices, school } = parts;
  const sources = { sessions: store.sessions, displays: store.displayTokens };
  let display: { broadcastLanes(): void; broadcastInfo(): void } | null = null;
  const deps: WebAppDeps = {
    config,
    store,
    lanes,
    devices,
    school,
    sources,
    demoDisplayToken: opts.demoDisplayToken,
    calibrated: () => display?.broadcastLanes(),
    now: opts.now,
  };
  const app = buildWebApp(deps, log);
  const http = config.server.tls
    ? createHttpsServer(
        { cert: readFileSync(config.server.tls.cert), key: readFileSync(config.server.tls.key) },
        app,
      )
    : createServer(app);
  const io = new Server(http, {
    serveClient: false,
    allowRequest: socketOriginCheck({
      secure: config.server.tls !== undefined,
      allowed: config.server.allowedOrigins ?? [],
      log: log.child({ part: 'sockets' }),
    }),
  });
  closeMainNamespace(io);
  coalesceFrames(io);
  const info = displayInfo(config, store, opts.now);
  display = attachDisplayNamespace(io, lanes.lanes, devices, lanes.calibrations, sources, info.get);
  const broadcastInfo = display.broadcastInfo;
  const clock = info.follow(lanes, broadcastInfo, log);
  attachDiagNamespace(
    io,
    devices,
    new Map(config.lanes.map((l) => [l.id, l.name])),
    new FixtureLibrary(transcriptsDir),
    sources,
    (laneId) => lanes.lanes.find((l) => l.id === laneId)?.counts ?? null,
  );
  const nurse = attachNurseNamespace(io, lanes.cases, sources, store.audit, () => ({
    schoolName: config.school.name,
    timezone: config.school.timezone,
    sessionName: sessionOf(new Date(opts.now()), config.sessions, config.school.timezone).sessionName,
    now: new Date(opts.now()).toISOString(),
  }));
  lanes.absences.on('update', (absence) => nurse.namespace.emit('absence:update', absence));
  const part: Part = {
    name: 'web',
    async start() {
      await listen(http, opts.host ?? config.server.host, opts.port ?? config.server.port);
      clock.start();
    },
    async stop() {
      clock.stop();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
  return { part, app, port: () => (http.address() as AddressInfo).port };
}

function listen(http: HttpServer, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}

/**
 * What the displays are told besides the lanes: the school and the check, the upload indicator, a
 * storage fault and a clock that cannot be trusted. `follow` sends it again when any of these changes
 * (after decisions at most once a second, off the lanes' path) and watches the clock once started.
 */
function displayInfo(config: KioskConfig, store: StorePart, now: () => number) {
  let clockWarning: ClockWarning | null = null;
  const get = () => {
    const u = store.uploader.status();
    return {
      schoolName: config.school.name,
      timezone: config.school.timezone,
      sessionName: sessionOf(new Date(now()), config.sessions, config.school.timezone).sessionName,
      now: new Date(now()).toISOString(),
      clockWarning,
      upload: {
        configured: u.endpoint !== null,
        online: u.online,
        offlineSince: u.offlineSince,
        pending: u.pending,
      },
      storageWarning: u.storage ? u.storage.message : null,
    };
  };
  const follow = (lanes: LanesPart, broadcast: () => void, log: Logger) => {
    // The indicator's "N waiting" moves with every decision and every batch.
    for (const event of ['online', 'offline', 'batch'] as const) store.uploader.on(event, broadcast);
    store.storage.on('fault', broadcast);
    let soon: NodeJS.Timeout | null = null;
    for (const lane of lanes.lanes) {
      lane.on('screened', () => {
        soon ??= setTimeout(() => {
          soon = null;
          broadcast();
        }, 1000);
      });
    }
    const clockLog = log.child({ part: 'clock' });
    const clockWatch = new ClockWatch();
    clockWatch.on('jump', (jump) => {
      clockWarning = clockJumpWarning(jump);
      clockLog.warn(
        { zh: '系统时钟跳变：通行证有效期和健康状态时效都依赖它', ...jump },
        'the system clock jumped: pass expiry and status ages depend on it',
      );
      broadcast();
    });
    clockWatch.on('implausible', (implausible) => {
      clockWarning = implausibleClockWarning(implausible);
      clockLog.error(
        { zh: '系统时钟早于本版本的构建日期：请校准时间', at: implausible.at },
        'the system clock reads a date before this build: set the time',
      );
      broadcast();
    });
    return {
      start: () => clockWatch.start(),
      stop() {
        clockWatch.stop();
        if (soon) clearTimeout(soon);
      },
    };
  };
  return { get, follow };
}
