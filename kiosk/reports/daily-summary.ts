import type { KioskConfig } from '../config/schema.ts';
import { type Decision, decisions, uncountedDecisions } from '../policy/types.ts';
import { UNSCHEDULED } from '../sessions/session-of.ts';
import { AbsenceStore } from '../store/absences.ts';
import type { Db } from '../store/database.ts';
import { buildChecksRecord } from './checks-record.ts';
import { flaggedDecisions } from './day-flags.ts';
import { openCaseCount, screeningsOfDay } from './day-records.ts';
import { arrivalsPerMinute, type Histogram, temperatureHistogram } from './lane-charts.ts';
import { laneDrifts, median, round2 } from './lane-drift.ts';

export { flaggedDecisions } from './day-flags.ts';

export interface ClassFigures {
  label: string;
  grade: number | null;
  className: string | null;
  expected: number;
  screened: number;
  late: number;
  absent: number;
}

export interface SessionFigures extends Omit<ClassFigures, 'label' | 'grade' | 'className'> {
  id: string;
  name: string;
  start: string;
  cutoff: string;
  boardersOnly: boolean;
  rollCallAt: string | null;
  notScreened: number;
  zeroReport: boolean;
  classes: ClassFigures[];
}

export interface LaneFigures {
  laneId: string;
  name: string;
  screenings: number;
  arrivals: { minute: string; count: number }[];
  temperatures: Histogram & { readings: number; medianC: number | null };
}

export interface LaneDriftWarning {
  code: 'lane_drift';
  laneId: string;
  laneName: string;
  medianC: number;
  othersMedianC: number;
  deltaC: number;
  zh: string;
  en: string;
}

/** `GET /api/summary`: the day's figures, and what the `daily_summary` record carries. */
export interface DailySummary {
  date: string;
  school: { id: string; name: string; timezone: string };
  generatedAt: string;
  feverC: number;
  /** Screenings of the day; a re-take is not counted again. */
  screenings: number;
  sessions: SessionFigures[];
  flagged: { total: number; byDecision: Record<Decision, number> };
  /** Screenings outside every check window (时段外), and how many of them were flagged. */
  outsideChecks: { screenings: number; flagged: number };
  /** Pupils ill (a symptom, a fever at the gate, or absent because sick), summed over the checks. */
  ill: number;
  openCases: number;
  absences: {
    total: number;
    open: number;
    /** Closed by a late arrival. */
    arrived: number;
    chased: number;
    /** Of the absences still open. */
    byReason: { sick: number; personal: number; unknown: number };
  };
  lanes: LaneFigures[];
  warnings: LaneDriftWarning[];
  /** 零报告 for the whole day: nobody ill in any check, and nothing flagged that day, in or out of a check. */
  zeroReport: boolean;
}

export type SummaryConfig = Pick<KioskConfig, 'school' | 'sessions' | 'lanes' | 'rules'>;

export function buildDailySummary(
  db: Db,
  config: SummaryConfig,
  date: string,
  now = new Date(),
  drift: { limitC?: number; minReadings?: number } = {},
): DailySummary {
  const tz = config.school.timezone;
  const screenings = screeningsOfDay(db, date).filter((s) => !uncountedDecisions.includes(s.decision));
  const checks = buildChecksRecord(db, config, date, undefined, now);
  const sessions: SessionFigures[] = checks.sessions.map((s) => ({
    id: s.session.id,
    name: s.session.name,
    start: s.session.start,
    cutoff: s.session.cutoff,
    boardersOnly: s.session.boardersOnly,
    rollCallAt: s.rollCallAt,
    expected: s.counts.expected,
    screened: s.counts.present,
    late: s.counts.late,
    absent: s.counts.absent,
    notScreened: s.counts.notScreened,
    zeroReport: s.zeroReport,
    classes: s.classes.map((c) => ({
      label: c.label,
      grade: c.grade,
      className: c.className,
      expected: c.counts.expected,
      screened: c.counts.present,
      late: c.counts.late,
      absent: c.counts.absent,
    })),
  }));

  const byDecision = Object.fromEntries(decisions.map((d) => [d, 0])) as Record<Decision, number>;
  for (const s of screeningsOfDay(db, date)) byDecision[s.decision]++;
  const flagged = flaggedDecisions.reduce((n, d) => n + byDecision[d], 0);

  const absences = new AbsenceStore(db).list({ date });
  const byReason = { sick: 0, personal: 0, unknown: 0 };
  for (const a of absences) if (a.status === 'open') byReason[a.reason]++;

  const readings = new Map<string, number[]>();
  const lanes: LaneFigures[] = config.lanes.map((lane) => {
    const mine = screenings.filter((s) => s.laneId === lane.id);
    const temps = mine.flatMap((s) => (s.temperatureC === null ? [] : [s.temperatureC]));
    readings.set(lane.id, temps);
    const m = median(temps);
    return {
      laneId: lane.id,
      name: lane.name,
      screenings: mine.length,
      arrivals: arrivalsPerMinute(mine, tz),
      temperatures: {
        ...temperatureHistogram(temps),
        readings: temps.length,
        medianC: m === null ? null : round2(m),
      },
    };
  });
  const warnings: LaneDriftWarning[] = laneDrifts(
    [...readings].map(([laneId, readingsC]) => ({ laneId, readingsC })),
    drift,
  )
    .filter((d) => d.drifting)
    .map((d) => {
      const laneName = config.lanes.find((l) => l.id === d.laneId)?.name ?? d.laneId;
      const dir = d.deltaC > 0 ? { zh: '高', en: 'above' } : { zh: '低', en: 'below' };
      const gap = Math.abs(d.deltaC).toFixed(2);
      return {
        code: 'lane_drift',
        laneId: d.laneId,
        laneName,
        medianC: d.medianC,
        othersMedianC: d.othersMedianC,
        deltaC: d.deltaC,
        zh: `${laneName}体温中位数 ${d.medianC.toFixed(2)} °C，比其他通道（${d.othersMedianC.toFixed(2)} °C）${dir.zh} ${gap} °C：请用体温计核对该通道的测温仪`,
        en: `${laneName}: median ${d.medianC.toFixed(2)} °C, ${gap} °C ${dir.en} the other lanes (${d.othersMedianC.toFixed(2)} °C); check its thermometer against a clinical one`,
      };
    });

  return {
    date,
    school: { id: config.school.id, name: config.school.name, timezone: tz },
    generatedAt: now.toISOString(),
    feverC: config.rules.feverC,
    screenings: screenings.length,
    sessions,
    flagged: { total: flagged, byDecision },
    outsideChecks: {
      screenings: screenings.filter((s) => s.session === UNSCHEDULED).length,
      flagged: checks.flags.outside,
    },
    ill: checks.sessions.reduce((n, s) => n + s.counts.ill, 0),
    openCases: openCaseCount(db),
    absences: {
      total: absences.length,
      open: absences.filter((a) => a.status === 'open').length,
      arrived: absences.filter((a) => a.status === 'arrived').length,
      chased: absences.filter((a) => a.chased).length,
      byReason,
    },
    lanes,
    warnings,
    zeroReport: checks.zeroReport && flagged === 0,
  };
}

/** What the district receives of a day: counts only, no names. */
export function dailySummaryRecord(s: DailySummary) {
  return {
    localDate: s.date,
    screened: s.screenings,
    flagged: s.flagged.total,
    absent: s.absences.open,
    byDecision: s.flagged.byDecision,
    absencesByReason: s.absences.byReason,
    lateArrivals: s.absences.arrived,
    openCases: s.openCases,
    zeroReport: s.zeroReport,
    sessions: s.sessions.map((x) => ({
      id: x.id,
      expected: x.expected,
      screened: x.screened,
      late: x.late,
      absent: x.absent,
      zeroReport: x.zeroReport,
    })),
    laneDrift: s.warnings.map((w) => ({ laneId: w.laneId, medianC: w.medianC, deltaC: w.deltaC })),
  };
}
