import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { Server } from 'socket.io';
import { FixtureLibrary } from '../drivers/fixture-library.ts';
import { type DeviceModelName, deviceModel } from '../drivers/registry.ts';
import type { PortFactory } from '../drivers/transport/port-factory.ts';
import { createDailyChecks } from '../kiosk/absences/daily-checks.ts';
import { LoginThrottle } from '../kiosk/auth/login-throttle.ts';
import { CaseDesk } from '../kiosk/cases/case-desk.ts';
import { loadConfig } from '../kiosk/config/load.ts';
import type { KioskConfig } from '../kiosk/config/schema.ts';
import { gateLinkOf, uploadTargetOf } from '../kiosk/desk/gate-link.ts';
import { GuardDesk } from '../kiosk/guard/guard-desk.ts';
import { PersonDirectory } from '../kiosk/identities/directory.ts';
import { rosterLimitsOf } from '../kiosk/identities/roster-limits.ts';
import { syncRosterFile } from '../kiosk/identities/roster-sync.ts';
import { Lane } from '../kiosk/lanes/lane.ts';
import { purgeRawData } from '../kiosk/privacy/retention.ts';
import { Screener } from '../kiosk/screening/screener.ts';
import { sessionOf } from '../kiosk/sessions/session-of.ts';
import { AuditLog } from '../kiosk/store/audit-log.ts';
import { SessionStore } from '../kiosk/store/auth-sessions.ts';
import { dailyBackupOffThread } from '../kiosk/store/backup-off-thread.ts';
import { backupDirOf, scheduleDailyBackups } from '../kiosk/store/backup-schedule.ts';
import { CalibrationStore } from '../kiosk/store/calibrations.ts';
import { type Db, openDatabase } from '../kiosk/store/database.ts';
import { readDatabaseKey } from '../kiosk/store/database-key.ts';
import { DisplayTokenStore } from '../kiosk/store/display-tokens.ts';
import { GuardActionStore } from '../kiosk/store/guard-actions.ts';
import { PeopleStore } from '../kiosk/store/people.ts';
import { ReturnCertificateStore } from '../kiosk/store/return-certificates.ts';
import { screeningsWithCases } from '../kiosk/store/screening-commits.ts';
import { UserStore } from '../kiosk/store/users.ts';
import { WriterThread } from '../kiosk/store/writer-thread.ts';
import { LaneCalibrations } from '../kiosk/thermometry/lane-calibrations.ts';
import type { Clock } from '../kiosk/time/clock.ts';
import { ClockWatch } from '../kiosk/time/clock-watch.ts';
import { kioskIdFor } from '../kiosk/upload/kiosk-id.ts';
import { Outbox } from '../kiosk/upload/outbox.ts';
import { logUploads } from '../kiosk/upload/upload-log.ts';
import { Uploader } from '../kiosk/upload/uploader.ts';
import { accessControl, installAccessControl } from './auth/access.ts';
import { guardedRouter, routingProblems } from './auth/guarded-router.ts';
import { closeMainNamespace } from './auth/socket-guard.ts';
import { attachBarriers } from './barrier.ts';
import { type DemoAccount, demoDisplay, ensureDemoAccounts } from './demo-accounts.ts';
import { schoolRole } from './desk/desk-role.ts';
import { buildDevices, type LaneDevice } from './devices.ts';
import { buildHealthSources } from './health-sources.ts';
import { absencesRoutes } from './http/absences-routes.ts';
import { calibrationRoutes } from './http/calibration-routes.ts';
import { casesRoutes } from './http/cases-routes.ts';
import { errorHandler, notFound } from './http/errors.ts';
import { exportsRoutes } from './http/exports-routes.ts';
import { guardRoutes } from './http/guard-routes.ts';
import { lanesRoutes } from './http/lanes-routes.ts';
import { metricsRoutes } from './http/metrics.ts';
import { outboxRoutes } from './http/outbox-routes.ts';
import { peopleRoutes } from './http/people-routes.ts';
import { rosterRoutes } from './http/roster-routes.ts';
import { screeningsRoutes } from './http/screenings-routes.ts';
import { securityHeaders } from './http/security-headers.ts';
import { sessionRoutes } from './http/session-routes.ts';
import { simRoutes } from './http/sim-routes.ts';
import { summaryRoutes } from './http/summary-routes.ts';
import { createLogger, type Logger } from './logger.ts';
import { startAutoArrivals } from './simulation/auto-arrivals.ts';
import { attachDiagNamespace } from './sockets/diag.ts';
import { attachDisplayNamespace } from './sockets/display.ts';
import { attachNurseNamespace } from './sockets/nurse.ts';
import { socketOriginCheck } from './sockets/origin.ts';
import { VERSION } from './version.ts';

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
  /** Demo configs only: a display token for every lane, made at this start. */
  demoDisplayToken: string | null;
  stop(): Promise<void>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const uiDist = join(root, 'ui', 'dist');
const transcriptsDir = join(root, 'fixtures', 'transcripts');

/** The composition root: builds store, roster, devices, lanes and the web server from the config. */
export async function startKiosk(opts: StartOptions): Promise<RunningKiosk> {
  const log = opts.logger ?? createLogger();
  const config = loadConfig(opts.configPath);
  if (opts.dataDir !== undefined) config.dataDir = opts.dataDir;
  const startedAt = Date.now();

  const databaseKey = readDatabaseKey(config.encryption);
  const db = openDatabase(config.dataDir, databaseKey);
  const people = new PeopleStore(db);
  if (config.roster) {
    const result = await syncRosterFile(people, config.roster, config.school.timezone, {
      audit: new AuditLog(db),
      limits: rosterLimitsOf(config.rosterLimits),
    });
    if (result !== 'unchanged') log.info({ file: config.roster, ...result }, 'roster imported');
  }
  const now = () => opts.clock?.now() ?? Date.now();
  if (config.simulation.freshenRosterStatuses) people.shiftStatusTimes(new Date(now() - 3_600_000));
  const directory = new PersonDirectory(people.current());
  const { screenings, cases: caseStore } = screeningsWithCases(db);
  const users = new UserStore(db);
  // The demo's account hashes (scrypt, off the main thread) are made while the writer thread starts.
  const demoAccountsMade = config.simulation.demoAccounts ? ensureDemoAccounts(users) : Promise.resolve([]);
  demoAccountsMade.catch(() => {});
  // The lanes' commits (and their fsyncs) happen on a thread of their own, never on the one that reads the ports.
  const writer = opts.commitOnThisThread ? null : new WriterThread(config.dataDir, databaseKey);
  if (writer) {
    await writer.ready;
    screenings.useWriter(writer);
  }
  const gateLink = gateLinkOf(config);
  const kioskId = kioskIdFor(config.dataDir);
  const uploader = new Uploader({
    outbox: new Outbox(db, config.school.timezone),
    ...uploadTargetOf(config, gateLink),
    schoolId: config.school.id,
    kioskId,
  });
  logUploads(uploader, log.child({ part: 'upload' }), { demo: config.simulation.demoAccounts });
  const healthSources = buildHealthSources(
    config,
    db,
    directory,
    () => directory.replace(people.current()),
    log,
  );
  const screener = new Screener({
    sessions: config.sessions,
    timeZone: config.school.timezone,
    identities: healthSources.identities,
    health: healthSources.health,
    store: screenings,
    changedSince: (personId, at) => caseStore.closedSince(personId, at),
  });
  const uploadInfo = () => {
    const u = uploader.status();
    return {
      upload: {
        configured: u.endpoint !== null,
        online: u.online,
        offlineSince: u.offlineSince,
        pending: u.pending,
      },
      storageWarning: u.storage ? u.storage.message : null,
    };
  };
  const clockWatch = new ClockWatch();
  let clockWarning: { zh: string; en: string; at: string } | null = null;
  const laneOfGrade = new Map<number, { id: string; name: string }>();
  for (const lc of config.lanes)
    for (const g of lc.grades) if (!laneOfGrade.has(g)) laneOfGrade.set(g, { id: lc.id, name: lc.name });

  const foreheadThermometers = new Map<string, string>();
  for (const lc of config.lanes) {
    const t = lc.devices.find((d) => deviceModel(d.model as DeviceModelName).reports === 'object');
    if (t) foreheadThermometers.set(lc.id, t.id);
  }
  const calibrations = new LaneCalibrations(
    new CalibrationStore(db),
    foreheadThermometers,
    config.thermometry.calibrationMaxAgeDays,
  );
  const { calibrationMaxAgeDays: _age, ...presence } = config.thermometry;
  const lanes = config.lanes.map(
    (lc) =>
      new Lane({
        config: lc,
        context: {
          laneId: lc.id,
          rules: {
            ...config.rules,
            feverC: lc.rules?.feverC ?? config.rules.feverC,
            minPlausibleC: lc.rules?.minPlausibleC ?? config.rules.minPlausibleC,
          },
          laneOfGrade,
        },
        screener,
        visits: {
          scanWaitMs: config.rules.pairWindowS * 1000,
          retakeWindowMs: config.rules.retakeWindowS * 1000,
          readingFirstMs: config.rules.readingFirstMs,
          orderGraceMs: config.rules.orderGraceMs,
        },
        holdMs: config.rules.decisionHoldS * 1000,
        presence,
        calibration: () => calibrations.get(lc.id),
        ...(opts.clock ? { clock: opts.clock } : {}),
      }),
  );
  const deviceSet = buildDevices(config, {
    ...(opts.openRealPort ? { openRealPort: opts.openRealPort } : {}),
    ...(opts.seed !== undefined
      ? { seed: opts.seed }
      : config.simulation.seed !== undefined
        ? { seed: config.simulation.seed }
        : {}),
  });
  const devices = deviceSet.devices;
  for (const lane of lanes) {
    const laneLog = log.child({ lane: lane.id });
    lane.on('failure', (err) => {
      const fault = uploader.noteStorageFault(err);
      laneLog.error(
        { err, ...(fault ? { storage: fault.code } : {}) },
        fault
          ? `screening not recorded: ${fault.message.en} / ${fault.message.zh}`
          : 'screening not recorded',
      );
    });
    lane.on('screened', ({ repeat }) => {
      if (repeat) return;
      uploader.clearStorageFault();
      uploader.nudge();
    });
    lane.on('ambiguous', (info) =>
      laneLog.info(info, 'order of scans and readings unknown: the people involved verify by hand'),
    );
    lane.on('screened', ({ record }) =>
      laneLog.info({ screening: record.id, decision: record.decision }, 'screened'),
    );
  }
  const cases = new CaseDesk({
    store: caseStore,
    screenings,
    people: directory,
    certificates: new ReturnCertificateStore(db),
    feverC: config.rules.feverC,
    onPeopleChange: () => directory.replace(people.current()),
    lanes,
  });
  const gate = new GuardDesk({ store: new GuardActionStore(db), screenings, cases, lanes });
  const dailyChecks = createDailyChecks({
    db,
    config,
    lanes,
    ...(opts.clock ? { clock: opts.clock } : {}),
    onError: (err, job) => log.error({ err, job }, 'daily checks: a job failed'),
  });
  const school = schoolRole({
    db,
    schoolId: config.school.id,
    kioskId,
    sessions: config.sessions,
    timeZone: config.school.timezone,
    now,
    retentionDays: config.retention.days,
    link: gateLink,
    caseStore,
    screenings,
    cases,
    absences: dailyChecks.absences,
    uploader,
    onPeopleChange: () => directory.replace(people.current()),
    log,
  });

  for (const d of devices) {
    const lane = lanes.find((l) => l.id === d.laneId);
    const devLog = log.child({ lane: d.laneId, device: d.config.id });
    const deviceId = d.config.id;
    d.link.on('event', (event, stamp) => lane?.accept(event, { deviceId, ...stamp }));
    d.link.on('state', (state, detail) => devLog.info({ state, detail }, 'device state'));
  }

  const sessions = new SessionStore(db, config.server.sessionIdleMin * 60_000);
  const displayTokens = new DisplayTokenStore(db);
  const audit = new AuditLog(db);
  const sources = { sessions, displays: displayTokens };
  const secure = config.server.tls !== undefined;
  const demoAccounts = await demoAccountsMade;
  const demoDisplayToken = config.simulation.demoAccounts
    ? demoDisplay(
        displayTokens,
        config.lanes.map((l) => l.id),
      )
    : null;
  if (!config.simulation.demoAccounts && users.count() === 0) {
    log.warn('no accounts yet: create the first admin with `gate-kiosk user add --name NAME --role admin`');
  }

  const app = express();
  // One spelling per path: `/api/cases/` and `/API/cases` are not `/api/cases`, so they reach no
  // handler and no guard decides about them. Every route names its access beside its handler
  // (`guardedRouter`), and the kiosk does not start when one does not.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.disable('x-powered-by');
  app.use(securityHeaders(secure));
  // No answer is cached (API data, refusals, 404s) but the page files, below.
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  installAccessControl(app, accessControl(sources, config.server.metricsToken));
  app.use(
    sessionRoutes({
      users,
      sessions,
      sources,
      throttle: new LoginThrottle(5),
      addressThrottle: new LoginThrottle(20),
      audit,
      secureCookie: secure,
    }),
  );
  const site = guardedRouter();
  site.get('/healthz', 'public', (_req, res) => {
    res.json({ status: 'ok', version: VERSION });
  });
  // The demo opens straight on its gate display; a real kiosk's display is paired with `display add`.
  site.get('/', 'public', (_req, res) =>
    res.redirect(302, demoDisplayToken ? `/display/?token=${demoDisplayToken}` : '/display/'),
  );
  site.get('/diag', 'public', (_req, res) => res.redirect(302, '/diag/'));
  site.get('/display', 'public', (req, res) => {
    const q = req.originalUrl.indexOf('?');
    res.redirect(302, `/display/${q >= 0 ? req.originalUrl.slice(q) : ''}`);
  });
  site.get('/favicon.ico', 'public', (_req, res) => {
    res.status(204).end();
  });
  app.use(site.router);
  app.use(lanesRoutes(lanes, devices, calibrations));
  let broadcastLanes = () => {};
  app.use(
    calibrationRoutes(
      calibrations,
      lanes.map((l) => l.id),
      () => broadcastLanes(),
    ),
  );
  app.use(screeningsRoutes(screenings, audit));
  app.use(metricsRoutes(lanes, devices, () => uploader.status()));
  app.use(outboxRoutes(uploader));
  app.use(
    peopleRoutes(directory, new ReturnCertificateStore(db), audit, () => directory.replace(people.current())),
  );
  app.use(casesRoutes(cases, audit));
  app.use(guardRoutes(gate, audit));
  app.use(
    absencesRoutes({
      absences: dailyChecks.absences,
      audit,
      sessions: config.sessions,
      timeZone: config.school.timezone,
      now,
    }),
  );
  app.use(exportsRoutes({ db, config, audit, now }));
  app.use(summaryRoutes({ db, config: school.summaryConfig(config), now }));

  app.use(simRoutes(devices));
  for (const router of school.routers) app.use(router);
  app.use(
    rosterRoutes(people, config.school.timezone, (current) => directory.replace(current), {
      audit,
      limits: rosterLimitsOf(config.rosterLimits),
    }),
  );
  // What no route answered under /api and /metrics ends here, before any file is looked for.
  app.use(['/api', '/metrics'], notFound);
  // The pages: built files only, which hold no data (what they show comes through the API and sockets).
  if (!existsSync(uiDist)) log.warn({ uiDist }, 'the browser pages are not built: run `npm run build`');
  const staticPages = express.static(uiDist, { index: 'index.html', maxAge: '1h' });
  app.use((req, res, next) => {
    res.removeHeader('Cache-Control');
    staticPages(req, res, next);
  });
  app.use(notFound);
  app.use(errorHandler(log));
  const routing = routingProblems(app);
  if (routing.length > 0) throw new Error(`routing: ${routing.join('; ')}`);

  const http = config.server.tls
    ? createHttpsServer(
        { cert: readFileSync(config.server.tls.cert), key: readFileSync(config.server.tls.key) },
        app,
      )
    : createServer(app);
  const io = new Server(http, {
    serveClient: false,
    allowRequest: socketOriginCheck({
      secure,
      allowed: config.server.allowedOrigins ?? [],
      log: log.child({ part: 'sockets' }),
    }),
  });
  closeMainNamespace(io);
  const display = attachDisplayNamespace(io, lanes, devices, calibrations, sources, () => ({
    schoolName: config.school.name,
    timezone: config.school.timezone,
    sessionName: sessionOf(new Date(now()), config.sessions, config.school.timezone).sessionName,
    now: new Date(now()).toISOString(),
    clockWarning,
    ...uploadInfo(),
  }));
  broadcastLanes = display.broadcastLanes;
  // The indicator's "N waiting" moves with every decision and every batch.
  for (const event of ['online', 'offline', 'storage', 'batch'] as const) {
    uploader.on(event, () => display.broadcastInfo());
  }
  // Decisions can come many a second: tell the displays at most once a second, off the lanes' path.
  let infoSoon: NodeJS.Timeout | null = null;
  for (const lane of lanes) {
    lane.on('screened', () => {
      infoSoon ??= setTimeout(() => {
        infoSoon = null;
        display.broadcastInfo();
      }, 1000);
    });
  }
  const clockLog = log.child({ part: 'clock' });
  clockWatch.on('jump', (jump) => {
    const minutes = Math.round(jump.deltaMs / 60_000);
    const size = minutes >= 1 ? `${minutes} 分钟` : `${Math.round(jump.deltaMs / 1000)} 秒`;
    const sizeEn = minutes >= 1 ? `${minutes} min` : `${Math.round(jump.deltaMs / 1000)} s`;
    clockWarning =
      jump.direction === 'backwards'
        ? { zh: `系统时间回拨了 ${size}`, en: `The clock went back ${sizeEn}`, at: jump.at.toISOString() }
        : { zh: `系统时间前跳了 ${size}`, en: `The clock jumped ahead ${sizeEn}`, at: jump.at.toISOString() };
    clockLog.warn({ ...jump }, 'the system clock jumped: pass expiry and status ages depend on it');
    display.broadcastInfo();
  });
  clockWatch.on('implausible', ({ at }) => {
    clockWarning = {
      zh: `系统时间不可信（${at.toISOString().slice(0, 10)}）`,
      en: `The system clock is wrong (${at.toISOString().slice(0, 10)})`,
      at: at.toISOString(),
    };
    clockLog.error({ at }, 'the system clock reads a date before this build: set the time');
    display.broadcastInfo();
  });

  attachDiagNamespace(
    io,
    devices,
    new Map(config.lanes.map((l) => [l.id, l.name])),
    new FixtureLibrary(transcriptsDir),
    sources,
    (laneId) => lanes.find((l) => l.id === laneId)?.counts ?? null,
  );
  const nurse = attachNurseNamespace(io, cases, sources, audit, () => ({
    schoolName: config.school.name,
    timezone: config.school.timezone,
    sessionName: sessionOf(new Date(now()), config.sessions, config.school.timezone).sessionName,
    now: new Date(now()).toISOString(),
  }));
  dailyChecks.absences.on('update', (absence) => nurse.namespace.emit('absence:update', absence));

  const host = opts.host ?? config.server.host;
  const port = opts.port ?? config.server.port;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  deviceSet.start();
  // A gate takes no roll call and makes no day summary: its desk does, for all gates.
  if (school.role === 'desk') dailyChecks.start();
  school.start();
  const stopBarriers = attachBarriers(lanes, devices, log);
  healthSources.start();
  uploader.start();
  clockWatch.start();
  const purgeLog = log.child({ part: 'retention' });
  const purge = () => {
    try {
      const result = purgeRawData(db, config.retention.days);
      purgeLog.info({ days: config.retention.days, ...result }, 'raw health data past retention purged');
      audit.append('system', 'retention_purge', { days: config.retention.days, ...result });
    } catch (err) {
      purgeLog.error({ err }, 'retention purge failed');
    }
  };
  purge();
  const purgeTimer = setInterval(purge, 24 * 3_600_000);
  purgeTimer.unref();
  const backupLog = log.child({ part: 'backup' });
  const dailyBackups = config.backup.daily
    ? scheduleDailyBackups({
        copy: (localDate) =>
          dailyBackupOffThread({
            dataDir: config.dataDir,
            key: databaseKey,
            dir: backupDirOf(config),
            localDate,
            keep: config.backup.keep,
          }),
        dir: backupDirOf(config),
        daily: config.backup.daily,
        timeZone: config.school.timezone,
        now,
        firstCheckMs: 5000,
        onCopy: (copy) => backupLog.info({ ...copy }, 'daily backup written'),
        onError: (err) => backupLog.error({ err }, 'daily backup failed'),
      })
    : null;
  const stopArrivals = startAutoArrivals({
    perMinute: config.simulation.autoArrivalsPerMin,
    devices,
    directory,
  });
  const bound = (http.address() as AddressInfo).port;
  const url = `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  log.info(
    {
      url,
      lanes: lanes.length,
      people: directory.size,
      dataDir: config.dataDir,
      readyMs: Date.now() - startedAt,
    },
    'gate-kiosk ready',
  );

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await uploader.stop();
      await school.stop();
      stopArrivals();
      dailyChecks.stop();
      stopBarriers();
      healthSources.stop();
      clockWatch.stop();
      clearInterval(purgeTimer);
      await dailyBackups?.stop();
      if (infoSoon) clearTimeout(infoSoon);
      await deviceSet.stop();
      for (const lane of lanes) lane.dispose();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        http.closeAllConnections();
      });
      await writer?.close();
      db.close();
    })();
    return stopping;
  };
  return {
    url,
    app,
    port: bound,
    config,
    db,
    lanes,
    devices,
    commits: screenings.commits,
    refreshPeople: () => directory.replace(people.current()),
    demoAccounts,
    demoDisplayToken,
    stop,
  };
}
