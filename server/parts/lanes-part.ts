import { createDailyChecks } from '../../kiosk/absences/daily-checks.ts';
import { CaseDesk } from '../../kiosk/cases/case-desk.ts';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { GuardDesk } from '../../kiosk/guard/guard-desk.ts';
import { Lane } from '../../kiosk/lanes/lane.ts';
import { laneOfGrade, laneRules } from '../../kiosk/lanes/lane-rules.ts';
import { Screener } from '../../kiosk/screening/screener.ts';
import { CalibrationStore } from '../../kiosk/store/calibrations.ts';
import { GuardActionStore } from '../../kiosk/store/guard-actions.ts';
import { ReturnCertificateStore } from '../../kiosk/store/return-certificates.ts';
import { foreheadThermometers } from '../../kiosk/thermometry/forehead-thermometers.ts';
import { LaneCalibrations } from '../../kiosk/thermometry/lane-calibrations.ts';
import type { Clock } from '../../kiosk/time/clock.ts';
import type { HealthSources } from '../health-sources.ts';
import type { Logger } from '../logger.ts';
import type { Part } from './part.ts';
import type { StorePart } from './store-part.ts';

/**
 * The lanes and what decides at them: the screener, each lane's thresholds and calibration, the
 * nurse's case desk, the guard's desk and the daily roll calls. A lane's commit that fails on the disk
 * is reported to the storage health; its next commit clears it.
 */
export function buildLanesPart(
  config: KioskConfig,
  store: StorePart,
  health: HealthSources,
  opts: { clock?: Clock },
  log: Logger,
) {
  const screener = new Screener({
    sessions: config.sessions,
    timeZone: config.school.timezone,
    identities: health.identities,
    health: health.health,
    store: store.screenings,
    changedSince: (personId, at) => store.cases.closedSince(personId, at),
  });
  const calibrations = new LaneCalibrations(
    new CalibrationStore(store.db),
    foreheadThermometers(config.lanes),
    config.thermometry.calibrationMaxAgeDays,
  );
  const { calibrationMaxAgeDays: _age, ...presence } = config.thermometry;
  const grades = laneOfGrade(config.lanes);
  const clock = opts.clock ? { clock: opts.clock } : {};
  const lanes = config.lanes.map(
    (lc) =>
      new Lane({
        config: lc,
        context: { laneId: lc.id, rules: laneRules(config.rules, lc), laneOfGrade: grades },
        screener,
        visits: {
          scanWaitMs: config.rules.pairWindowS * 1000,
          retakeWindowMs: config.rules.retakeWindowS * 1000,
          readingFirstMs: config.rules.readingFirstMs,
          scanToMeasureMs: config.rules.scanToMeasureMs,
          orderGraceMs: config.rules.orderGraceMs,
          portSkewMs: config.rules.portSkewMs,
        },
        holdMs: config.rules.decisionHoldS * 1000,
        presence,
        calibration: () => calibrations.get(lc.id),
        ...clock,
      }),
  );
  for (const lane of lanes) logLane(lane, store, log.child({ lane: lane.id }));
  const cases = new CaseDesk({
    store: store.cases,
    screenings: store.screenings,
    people: store.directory,
    certificates: new ReturnCertificateStore(store.db),
    feverC: config.rules.feverC,
    onPeopleChange: store.refreshPeople,
    lanes,
  });
  const gate = new GuardDesk({
    store: new GuardActionStore(store.db),
    screenings: store.screenings,
    cases,
    lanes,
  });
  const dailyChecks = createDailyChecks({
    db: store.db,
    config,
    lanes,
    ...clock,
    onError: (err, job) =>
      log.error({ zh: '每日晨午检：一项任务失败', err, job }, 'daily checks: a job failed'),
  });
  const part: Part = {
    name: 'lanes',
    // A gate takes no roll call and makes no day summary: its desk does, for all gates.
    start: () => {
      if (!config.desk) dailyChecks.start();
    },
    stop() {
      dailyChecks.stop();
      for (const lane of lanes) lane.dispose();
    },
  };
  return { part, lanes, calibrations, cases, gate, absences: dailyChecks.absences };
}

export type LanesPart = ReturnType<typeof buildLanesPart>;

/** A lane's decisions and failures in the log; its commits keep the storage health and the uploader current. */
function logLane(lane: Lane, store: StorePart, laneLog: Logger): void {
  lane.on('failure', (err) => {
    const fault = store.storage.note(err);
    laneLog.error(
      {
        zh: fault ? `检测未能记录：${fault.message.zh}` : '检测未能记录',
        err,
        ...(fault ? { storage: fault.code } : {}),
      },
      fault ? `screening not recorded: ${fault.message.en}` : 'screening not recorded',
    );
  });
  lane.on('screened', ({ record, repeat }) => {
    if (!repeat) {
      store.storage.clear();
      store.uploader.nudge();
    }
    laneLog.info({ zh: '已检测', screening: record.id, decision: record.decision }, 'screened');
  });
  lane.on('ambiguous', (info) =>
    laneLog.info(
      { ...info, zh: '扫码与测温的先后无法确定：相关人员人工核验' },
      'order of scans and readings unknown: the people involved verify by hand',
    ),
  );
}
