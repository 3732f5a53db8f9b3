import type { Express } from 'express';
import type { PortFactory } from '../drivers/transport/port-factory.ts';
import { loadConfig } from '../kiosk/config/load.ts';
import type { KioskConfig } from '../kiosk/config/schema.ts';
import type { Lane } from '../kiosk/lanes/lane.ts';
import type { Db } from '../kiosk/store/database.ts';
import type { Clock } from '../kiosk/time/clock.ts';
import { type DemoAccount, demoDisplay } from './demo-accounts.ts';
import type { LaneDevice } from './devices.ts';
import { buildHealthSources } from './health-sources.ts';
import { createLogger, type Logger } from './logger.ts';
import { buildDevicesPart } from './parts/devices-part.ts';
import { buildLanesPart } from './parts/lanes-part.ts';
import { type Part, startParts, stopParts } from './parts/part.ts';
import { buildSchoolPart } from './parts/school-part.ts';
import { buildStorePart, type StorePart } from './parts/store-part.ts';
import { buildWebPart } from './parts/web-part.ts';
import { keptDemoChecks } from './simulation/demo-checks.ts';
import { freshDataFolder, seedDemoMorning } from './simulation/demo-morning.ts';

export interface StartOptions {
  configPath: string;
  /** Overrides the config's `dataDir`. */
  dataDir?: string;
  port?: number;
  host?: string;
  logger?: Logger;
  openRealPort?: PortFactory;
  /** Seed for simulated devices, for repeatable runs. */
  seed?: number;
  /** The lanes' clock (tests pin the time of day to a session). */
  clock?: Clock;
  /**
   * Commit screenings on this thread's connection instead of the writer thread: for tests that
   * change that connection (make the file look full) and expect the lanes' commits to meet it.
   */
  commitOnThisThread?: boolean;
}

export interface RunningKiosk {
  url: string;
  /** The HTTP app (its router is the route table, each route with its access). */
  app: Express;
  port: number;
  config: KioskConfig;
  db: Db;
  lanes: Lane[];
  devices: LaneDevice[];
  /** Screening commits since start: transactions (one fsync each) and the records they carried. */
  commits: { readonly transactions: number; readonly records: number };
  /** Re-reads the roster into the in-memory directory after a change made straight in the store. */
  refreshPeople(): void;
  /** Demo configs only: the accounts made for this start, with their passwords. */
  demoAccounts: DemoAccount[];
  /** Demo configs only: a display token for every lane, kept across starts on the same data folder. */
  demoDisplayToken: string | null;
  /** Demo configs only: which check the demo opened, said on start. */
  demoNotice: { zh: string; en: string } | null;
  stop(): Promise<void>;
}

/**
 * The composition root: builds the parts from the config (store and upload, health sources, lanes,
 * devices, web), lists them once, and starts them in that order and stops them in the reverse one.
 */
export async function startKiosk(opts: StartOptions): Promise<RunningKiosk> {
  const log = opts.logger ?? createLogger();
  const config = loadConfig(opts.configPath);
  if (opts.dataDir !== undefined) config.dataDir = opts.dataDir;
  const startedAt = Date.now();
  const now = () => opts.clock?.now() ?? Date.now();
  // The demo lays its check windows around its start, so that a check is open whenever it starts (and
  // keeps them through a restart while they still fit).
  const demoDay = config.simulation.demoDay
    ? keptDemoChecks(config.sessions, new Date(now()), config.school.timezone, config.dataDir)
    : null;
  if (demoDay) config.sessions = demoDay.sessions;

  const store = await buildStorePart(
    config,
    {
      commitOnThisThread: opts.commitOnThisThread === true,
      now,
      statusesBefore: Math.min(now(), demoDay?.since ?? now()),
    },
    log,
  );
  const health = buildHealthSources(config, store.db, store.directory, store.refreshPeople, log);
  const lanes = buildLanesPart(config, store, health, opts.clock ? { clock: opts.clock } : {}, log);
  if (demoDay && freshDataFolder(store.db)) {
    const seeded = seedDemoMorning({
      db: store.db,
      config,
      checks: demoDay,
      screenings: store.screenings,
      cases: lanes.cases,
      now: now(),
    });
    log.info({ ...seeded, zh: '演示：今天到此刻的记录已生成' }, 'demo: the day so far seeded');
  }
  const school = buildSchoolPart(config, { store, lanes }, now, log);
  const devices = buildDevicesPart(
    config,
    lanes.lanes,
    store.directory,
    {
      ...(opts.openRealPort ? { openRealPort: opts.openRealPort } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    },
    log,
  );
  const { demoAccounts, demoDisplayToken } = await accessAtStart(config, store, log);
  const host = opts.host ?? config.server.host;
  const web = buildWebPart(
    config,
    { store, lanes, devices: devices.devices, school: school.school },
    { host, ...(opts.port !== undefined ? { port: opts.port } : {}), demoDisplayToken, now },
    log,
  );

  const parts: Part[] = [
    store.part,
    { name: 'health sources', ...health },
    lanes.part,
    school.part,
    devices.part,
    web.part,
  ];
  await startParts(parts);
  const port = web.port();
  const secure = config.server.tls !== undefined;
  const url = `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info(
    {
      zh: '闸机已就绪',
      url,
      lanes: lanes.lanes.length,
      people: store.directory.size,
      dataDir: config.dataDir,
      readyMs: Date.now() - startedAt,
    },
    'gate-kiosk ready',
  );
  let stopping: Promise<void> | null = null;
  return {
    url,
    app: web.app,
    port,
    config,
    db: store.db,
    lanes: lanes.lanes,
    devices: devices.devices,
    commits: store.screenings.commits,
    refreshPeople: store.refreshPeople,
    demoAccounts,
    demoDisplayToken,
    demoNotice: demoDay?.notice ?? null,
    stop: () => {
      stopping ??= stopParts(parts);
      return stopping;
    },
  };
}

/** Demo configs: the accounts made for this start and a display token for every lane; else a nudge to make the first admin. */
async function accessAtStart(config: KioskConfig, store: StorePart, log: Logger) {
  const demoAccounts = await store.demoAccounts;
  const demoDisplayToken = config.simulation.demoAccounts
    ? demoDisplay(
        store.displayTokens,
        config.lanes.map((l) => l.id),
        config.dataDir,
      )
    : null;
  if (!config.simulation.demoAccounts && store.users.count() === 0) {
    log.warn(
      { zh: '还没有账户：用 `gate-kiosk user add --name 名字 --role admin` 建第一个管理员' },
      'no accounts yet: create the first admin with `gate-kiosk user add --name NAME --role admin`',
    );
  }
  return { demoAccounts, demoDisplayToken };
}
