import { AbsenceTracker } from '../../kiosk/absences/tracker.ts';
import { configSchema, type KioskConfig } from '../../kiosk/config/schema.ts';
import { AbsenceStore } from '../../kiosk/store/absences.ts';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { ScreeningStore } from '../../kiosk/store/screenings.ts';
import { DAY, roster, screeningAt, sessions, TZ } from '../absences/fixtures.ts';
import { ManualClock } from '../absences/manual-clock.ts';

const lane = (id: string, name: string) => ({
  id,
  name,
  devices: [{ id: `t${id}`, role: 'thermometer', model: 'k3-ascii', port: 'simulated' }],
});

export const config: KioskConfig = configSchema.parse({
  school: { id: 'test-001', name: '测试学校', timezone: TZ },
  sessions,
  lanes: [lane('1', '一号通道'), lane('2', '二号通道'), lane('3', '三号通道')],
});

export interface Day {
  db: Db;
  screenings: ScreeningStore;
  tracker: AbsenceTracker;
  clock: ManualClock;
  close(): void;
}

export function openDay(dataDir: string): Day {
  const db = openDatabase(dataDir);
  new PeopleStore(db).replaceRoster(roster, 'roster.csv', 'x');
  const clock = ManualClock.at(DAY, '06:00');
  const tracker = new AbsenceTracker({
    store: new AbsenceStore(db),
    roster: () => new PeopleStore(db).current(),
    sessions,
    timeZone: TZ,
    now: () => clock.now(),
  });
  return { db, screenings: new ScreeningStore(db), tracker, clock, close: () => db.close() };
}

/**
 * A day at the test school. 晨检: 张三丰 passes, 王五 has a fever at the gate, 李四 is off sick with a
 * cough (a follow-up call recorded), 赵六 on personal leave. 午检: everyone screened (a zero report).
 * 晚检 (boarders): 王五 screened, 赵六 absent, reason unknown.
 */
export function fillDay(day: Day): void {
  const { screenings, tracker, clock } = day;
  screenings.commit(screeningAt('07:05', 'S1', { temperatureC: 36.62 }));
  screenings.commit(screeningAt('07:06', 'S3', { temperatureC: 38.14, decision: 'fever', laneId: '2' }));
  screenings.commit(screeningAt('07:06', null, { temperatureC: 36.4, decision: 'no_identity', laneId: '2' }));
  for (const [t, id] of [
    ['12:40', 'S1'],
    ['12:41', 'S2'],
    ['12:41', 'S3'],
    ['12:42', 'S4'],
  ] as const) {
    screenings.commit(screeningAt(t, id, { temperatureC: 36.5 }));
  }
  screenings.commit(screeningAt('18:45', 'S3', { temperatureC: 36.8 }));
  clock.jumpTo(ManualClock.at(DAY, '20:30').now());
  for (const s of ['morning', 'noon', 'evening']) tracker.takeRollCall(DAY, s);
  const morning = tracker.list({ date: DAY, session: 'morning' });
  const s2 = morning.find((a) => a.personId === 'S2')?.id ?? '';
  const s4 = morning.find((a) => a.personId === 'S4')?.id ?? '';
  tracker.update(
    s2,
    {
      reason: 'sick',
      symptoms: ['cough'],
      doctorSeen: false,
      diagnosis: '=1+1, "急性"咽炎',
      followUps: [{ at: '2026-11-23T09:05:00+08:00', by: '王老师', note: '家长说咳嗽，在家休息' }],
    },
    'nurse',
  );
  tracker.update(s4, { reason: 'personal' }, 'nurse');
}
