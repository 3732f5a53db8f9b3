import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDailyChecks } from '../../kiosk/absences/daily-checks.ts';
import { buildDailySummary } from '../../kiosk/reports/daily-summary.ts';
import { openCaseCount } from '../../kiosk/reports/day-records.ts';
import { laneDrifts } from '../../kiosk/reports/lane-drift.ts';
import { DAY, screeningAt } from '../absences/fixtures.ts';
import { ManualClock } from '../absences/manual-clock.ts';
import { tempDir } from '../helpers/kiosk.ts';
import { config, type Day, fillDay, openDay } from './day-fixture.ts';

const around = (centreC: number, n = 25) =>
  Array.from({ length: n }, (_, i) => Math.round((centreC + ((i % 5) - 2) * 0.1) * 100) / 100);

describe('lane drift: a thermometer reading unlike the other lanes', () => {
  it('names the one lane of three whose median is more than 0.3 °C from the others', () => {
    const drifts = laneDrifts([
      { laneId: '1', readingsC: around(36.5) },
      { laneId: '2', readingsC: around(36.45) },
      { laneId: '3', readingsC: around(35.9) },
    ]);
    expect(drifts.filter((d) => d.drifting)).toEqual([
      { laneId: '3', medianC: 35.9, othersMedianC: 36.45, deltaC: -0.55, drifting: true },
    ]);
  });

  it('names both of two lanes that disagree, and neither within 0.3 °C', () => {
    expect(
      laneDrifts([
        { laneId: '1', readingsC: around(36.6) },
        { laneId: '2', readingsC: around(36.2) },
      ]).map((d) => [d.laneId, d.deltaC, d.drifting]),
    ).toEqual([
      ['1', 0.4, true],
      ['2', -0.4, true],
    ]);
    expect(
      laneDrifts([
        { laneId: '1', readingsC: around(36.5) },
        { laneId: '2', readingsC: around(36.2) },
      ]).some((d) => d.drifting),
    ).toBe(false);
  });

  it('leaves out lanes with too few readings to judge', () => {
    const drifts = laneDrifts([
      { laneId: '1', readingsC: around(36.5) },
      { laneId: '2', readingsC: around(35.0, 19) },
    ]);
    expect(drifts).toEqual([]);
  });
});

describe('the daily summary', () => {
  let dir: ReturnType<typeof tempDir>;
  let day: Day;
  beforeEach(() => {
    dir = tempDir('gk-summary-');
    day = openDay(dir.path);
    fillDay(day);
  });
  afterEach(() => {
    day.close();
    dir.remove();
  });

  it('counts screened / expected by check and class, flags, absences by reason and arrivals per lane', () => {
    const s = buildDailySummary(day.db, config, DAY, new Date(day.clock.now()));
    expect(s.sessions.map((x) => [x.id, x.screened, x.expected, x.absent, x.zeroReport])).toEqual([
      ['morning', 2, 4, 2, false],
      ['noon', 4, 4, 0, true],
      ['evening', 1, 2, 1, true],
    ]);
    expect(s.sessions[0]?.classes).toEqual([
      { label: '1年级1班', grade: 1, className: '1班', expected: 2, screened: 1, late: 0, absent: 1 },
      { label: '1年级2班', grade: 1, className: '2班', expected: 1, screened: 1, late: 0, absent: 0 },
      { label: '2年级1班', grade: 2, className: '1班', expected: 1, screened: 0, late: 0, absent: 1 },
    ]);
    expect(s.screenings).toBe(8);
    expect(s.flagged.total).toBe(1);
    expect(s.flagged.byDecision).toMatchObject({ fever: 1, pass: 6, no_identity: 1 });
    expect(s.absences).toEqual({
      total: 3,
      open: 3,
      arrived: 0,
      chased: 1,
      byReason: { sick: 1, personal: 1, unknown: 1 },
    });
    expect(s.zeroReport).toBe(false);
    const lane1 = s.lanes.find((l) => l.laneId === '1');
    expect(lane1?.arrivals).toEqual([
      { minute: '07:05', count: 1 },
      { minute: '12:40', count: 1 },
      { minute: '12:41', count: 2 },
      { minute: '12:42', count: 1 },
      { minute: '18:45', count: 1 },
    ]);
    const lane2 = s.lanes.find((l) => l.laneId === '2');
    expect(lane2?.temperatures).toMatchObject({ readings: 2, medianC: 37.27, below: 0, above: 0 });
    expect(lane2?.temperatures.counts[14]).toBe(1);
    expect(lane2?.temperatures.counts[31]).toBe(1);
    expect(s.warnings).toEqual([]);
  });

  it('warns when one lane’s median drifts from the others', () => {
    const at = (i: number) => `07:${String(10 + (i % 40)).padStart(2, '0')}`;
    for (const [laneId, centreC] of [
      ['1', 36.5],
      ['2', 36.45],
      ['3', 35.95],
    ] as const) {
      for (const [i, t] of around(centreC, 30).entries()) {
        day.screenings.commit(screeningAt(at(i), null, { laneId, temperatureC: t }));
      }
    }
    const s = buildDailySummary(day.db, config, DAY);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatchObject({
      code: 'lane_drift',
      laneId: '3',
      laneName: '三号通道',
      deltaC: -0.5,
    });
    expect(s.warnings[0]?.zh).toContain('三号通道体温中位数 35.95 °C');
    expect(s.warnings[0]?.en).toContain('check its thermometer');
  });

  it('queues one daily_summary record once the day is over, and only once across restarts', () => {
    const clock = ManualClock.at(DAY, '21:00');
    const start = () => {
      const checks = createDailyChecks({ db: day.db, config, lanes: [], clock });
      checks.start();
      return checks;
    };
    const first = start();
    const summaries = () =>
      day.db.prepare("SELECT record_id, data FROM outbox WHERE kind = 'daily_summary'").all() as {
        record_id: string;
        data: string;
      }[];
    expect(summaries()).toEqual([]);
    clock.advanceToLocal('2026-11-24', '00:00');
    expect(summaries()).toHaveLength(1);
    expect(JSON.parse(summaries()[0]?.data ?? '{}')).toMatchObject({
      localDate: DAY,
      screened: 8,
      flagged: 1,
      absent: 3,
      absencesByReason: { sick: 1, personal: 1, unknown: 1 },
      zeroReport: false,
    });
    first.stop();
    start().stop();
    expect(summaries()).toHaveLength(1);
  });

  it('counts open cases from the cases table when there is one', () => {
    const db = new Database(':memory:');
    expect(openCaseCount(db)).toBe(0);
    db.exec(
      "CREATE TABLE cases (id TEXT, status TEXT); INSERT INTO cases VALUES ('a','open'),('b','open'),('c','closed')",
    );
    expect(openCaseCount(db)).toBe(2);
    db.close();
  });
});
