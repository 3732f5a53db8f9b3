import type { Router } from 'express';
import type { AbsenceTracker } from '../../kiosk/absences/tracker.ts';
import type { CaseDesk } from '../../kiosk/cases/case-desk.ts';
import type { SessionConfig } from '../../kiosk/config/schema.ts';
import { ChangeFeed } from '../../kiosk/desk/change-feed.ts';
import { ensureDeskTables, ensureDeskTriggers } from '../../kiosk/desk/desk-schema.ts';
import { deskUpkeep } from '../../kiosk/desk/desk-upkeep.ts';
import type { GateLink } from '../../kiosk/desk/gate-link.ts';
import { GateRegistry } from '../../kiosk/desk/gate-registry.ts';
import { SchoolScreenings } from '../../kiosk/desk/school-screenings.ts';
import { DeskPull } from '../../kiosk/desk/state-pull.ts';
import type { CaseStore } from '../../kiosk/store/cases.ts';
import type { Db } from '../../kiosk/store/database.ts';
import type { ScreeningStore } from '../../kiosk/store/screenings.ts';
import type { Uploader } from '../../kiosk/upload/uploader.ts';
import type { Logger } from '../logger.ts';
import { deskStatusRoutes } from './desk-status-routes.ts';
import { GateIntake } from './gate-intake.ts';
import { gateRoutes } from './gate-routes.ts';
import { type SummaryConfig, withGateLanes } from './school-lanes.ts';

export interface SchoolRoleOptions {
  db: Db;
  schoolId: string;
  kioskId: string;
  sessions: readonly SessionConfig[];
  timeZone: string;
  /** The kiosk's clock (the lanes' in tests). */
  now: () => number;
  /** `retention.days`: how long the school tables keep what is done with. */
  retentionDays: number;
  /** Set on a gate: its desk. */
  link: GateLink | null;
  caseStore: CaseStore;
  screenings: ScreeningStore;
  cases: CaseDesk;
  absences: AbsenceTracker;
  uploader: Uploader;
  /** The people table changed: re-read the roster the lanes use. */
  onPeopleChange(): void;
  log: Logger;
}

export interface SchoolRole {
  role: 'desk' | 'gate';
  /** What the day's summary covers: on a desk, its gates' lanes too. */
  summaryConfig(config: SummaryConfig): SummaryConfig;
  /** `/api/desk`, and on a desk the routes its gates use. */
  routers: Router[];
  gates: GateRegistry | null;
  pull: DeskPull | null;
  start(): void;
  stop(): Promise<void>;
}

/**
 * A kiosk's part in a school with several gates. A gate (`desk` in its config) pulls the roster and
 * people's states from its desk; its records go to the desk by the uploader. Any other kiosk can be
 * a desk: it answers gates it knows (`gate add`), takes their records as its own and forwards them.
 */
export function schoolRole(opts: SchoolRoleOptions): SchoolRole {
  const log = opts.log.child({ part: 'desk' });
  const upkeep = dailyUpkeep(opts, log);
  ensureDeskTables(opts.db);
  if (opts.link) {
    const pull = new DeskPull({
      db: opts.db,
      url: opts.link.url,
      token: opts.link.token,
      kioskId: opts.kioskId,
      fetch: opts.link.fetch,
    });
    const elsewhere = new SchoolScreenings(opts.db);
    opts.screenings.alsoEarlierFrom((personId, date, session) =>
      elsewhere.earlierInSession(personId, date, session),
    );
    opts.caseStore.alsoClosedFrom((personId, at) => elsewhere.closedSince(personId, at));
    pull.on('people', (count) => {
      opts.onPeopleChange();
      log.info({ zh: '总台的人员信息有变动', count }, 'people changed at the desk');
    });
    pull.on('online', () => log.info({ zh: '已连上总台', url: opts.link?.url }, 'reached the desk'));
    pull.on('offline', (error) =>
      log.warn(
        { zh: '总台无法连接：按本机副本判定', error },
        'the desk is out of reach: deciding with the local copy',
      ),
    );
    return {
      role: 'gate',
      routers: [deskStatusRoutes({ pull })],
      gates: null,
      pull,
      summaryConfig: (config) => config,
      start: () => {
        upkeep.start();
        pull.start();
      },
      stop: () => {
        upkeep.stop();
        return pull.stop();
      },
    };
  }
  const gates = new GateRegistry(opts.db);
  if (gates.hasGates()) ensureDeskTriggers(opts.db);
  const intake = new GateIntake(opts.db, opts.caseStore, opts.now);
  const forGates = gateRoutes({
    schoolId: opts.schoolId,
    gates,
    intake,
    now: opts.now,
    feed: new ChangeFeed(opts.db),
    onIntake: (result, gateId) => {
      for (const c of result.opened) opts.cases.emit('opened', c);
      for (const s of result.screenings) {
        try {
          opts.absences.noteScreening(s);
        } catch (err) {
          log.error(
            { zh: '一条闸机检测未能结束对应的缺勤', err, gateId },
            'a gate screening did not close its absence',
          );
        }
      }
      opts.uploader.nudge();
    },
  });
  const routers = [
    forGates,
    deskStatusRoutes({ gates, sessions: opts.sessions, timeZone: opts.timeZone, now: opts.now }),
  ];
  return {
    role: 'desk',
    summaryConfig: (config) => withGateLanes(config, opts.db),
    routers,
    gates,
    pull: null,
    start: () => upkeep.start(),
    stop: async () => upkeep.stop(),
  };
}

/** The school tables' upkeep: at start, then once a day. */
function dailyUpkeep(opts: SchoolRoleOptions, log: Logger): { start(): void; stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  const run = () => {
    try {
      const done = deskUpkeep(opts.db, opts.retentionDays, new Date(opts.now()));
      if (Object.values(done).some((n) => n > 0))
        log.info({ ...done, zh: '学校数据表：旧记录已清除' }, 'school tables: old rows removed');
    } catch (err) {
      log.error({ zh: '学校数据表：例行清理失败', err }, 'school tables: upkeep failed');
    }
  };
  return {
    start: () => {
      run();
      timer ??= setInterval(run, 24 * 3_600_000);
      timer.unref();
    },
    stop: () => {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
