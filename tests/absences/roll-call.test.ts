import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Absence } from '../../kiosk/absences/absence.ts';
import { CheckScheduler } from '../../kiosk/absences/check-scheduler.ts';
import { AbsenceTracker } from '../../kiosk/absences/tracker.ts';
import { AbsenceStore } from '../../kiosk/store/absences.ts';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { ScreeningStore } from '../../kiosk/store/screenings.ts';
import { tempDir } from '../helpers/kiosk.ts';
import { DAY, roster, screeningAt, sessions, TZ } from './fixtures.ts';
import { ManualClock } from './manual-clock.ts';

describe('absences at each cut-off (因病缺勤缺课追踪)', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let screenings: ScreeningStore;
  let clock: ManualClock;
  let tracker: AbsenceTracker;
  let scheduler: CheckScheduler;
  let updates: Absence[];

  const outbox = () =>
    db.prepare("SELECT record_id, data FROM outbox WHERE kind = 'absence' ORDER BY seq").all() as {
      record_id: string;
      data: string;
    }[];
  const listed = (session: string) =>
    tracker
      .list({ date: DAY, session })
      .map((a) => a.personId)
      .sort();

  beforeEach(() => {
    dir = tempDir('gk-absence-');
    db = openDatabase(dir.path);
    new PeopleStore(db).replaceRoster(roster, 'roster.csv', 'x');
    screenings = new ScreeningStore(db);
    clock = ManualClock.at(DAY, '06:00');
    tracker = new AbsenceTracker({
      store: new AbsenceStore(db),
      roster: () => new PeopleStore(db).current(),
      sessions,
      timeZone: TZ,
      now: () => clock.now(),
    });
    updates = [];
    tracker.on('update', (a) => updates.push(a));
    scheduler = new CheckScheduler({
      sessions,
      timeZone: TZ,
      clock,
      cutoffPassed: (date, id) => {
        tracker.takeRollCall(date, id);
      },
      dayBegan: () => {},
    });
  });
  afterEach(() => {
    scheduler.stop();
    db.close();
    dir.remove();
  });

  it('lists the pupils not screened by the cut-off, only when the cut-off comes; staff are not listed', () => {
    scheduler.start();
    screenings.commit(screeningAt('07:10', 'S1'));
    screenings.commit(screeningAt('07:12', 'S3', { decision: 'retake', temperatureC: 34.1 }));
    screenings.commit(screeningAt('07:20', null, { decision: 'no_identity' }));
    clock.advanceToLocal(DAY, '08:29');
    expect(listed('morning')).toEqual([]);
    clock.advanceToLocal(DAY, '08:30');
    // S1 screened, S3 at the gate (a re-take still counts); S2 and S4 missing; T1 is staff.
    expect(listed('morning')).toEqual(['S2', 'S4']);
    const s2 = tracker.list({ date: DAY, session: 'morning' }).find((a) => a.personId === 'S2');
    expect(s2).toMatchObject({
      reason: 'unknown',
      chased: true,
      status: 'open',
      revision: 1,
      name: '李四',
      grade: 1,
      className: '1班',
    });
    expect(Date.parse(s2?.listedAt ?? '')).toBeGreaterThanOrEqual(ManualClock.at(DAY, '08:30').now());
    expect(updates.map((a) => a.personId).sort()).toEqual(['S2', 'S4']);
    const queued = outbox();
    expect(queued.map((r) => r.record_id).sort()).toEqual(
      tracker
        .list({ date: DAY })
        .map((a) => `${a.id}:1`)
        .sort(),
    );
    expect(JSON.parse(queued[0]?.data ?? '{}')).toMatchObject({
      localDate: DAY,
      session: 'morning',
      reason: 'unknown',
      status: 'open',
    });
  });

  it('closes the absence when the pupil arrives after the cut-off, and says so', () => {
    scheduler.start();
    screenings.commit(screeningAt('07:10', 'S1'));
    clock.advanceToLocal(DAY, '08:30');
    const absence = tracker.list({ date: DAY, session: 'morning' }).find((a) => a.personId === 'S2');
    expect(absence?.status).toBe('open');
    clock.advanceToLocal(DAY, '08:52');
    const late = screeningAt('08:52', 'S2');
    expect(late.session).toBe('unscheduled');
    screenings.commit(late);
    const closed = tracker.noteScreening(late);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({
      id: absence?.id,
      status: 'arrived',
      arrivedAt: late.at,
      arrivalScreeningId: late.id,
      chased: false,
      revision: 2,
      updatedBy: 'late arrival',
    });
    expect(updates.at(-1)?.status).toBe('arrived');
    expect(outbox().map((r) => r.record_id)).toContain(`${absence?.id}:2`);
    // Seen again (a repeat on the display): nothing more changes.
    expect(tracker.noteScreening(late)).toEqual([]);
  });

  it('closes an absence of a pupil screened just before the cut-off but recorded after the roll call', () => {
    scheduler.start();
    screenings.commit(screeningAt('07:10', 'S1'));
    clock.advanceToLocal(DAY, '08:30');
    const slow = screeningAt('08:29', 'S2');
    expect(slow.session).toBe('morning');
    screenings.commit(slow);
    expect(tracker.noteScreening(slow).map((a) => [a.personId, a.session, a.status])).toEqual([
      ['S2', 'morning', 'arrived'],
    ]);
  });

  it('does not count a pupil who turns up in the noon window as late for the morning', () => {
    scheduler.start();
    screenings.commit(screeningAt('07:10', 'S1'));
    clock.advanceToLocal(DAY, '08:30');
    const noon = screeningAt('12:40', 'S2');
    expect(noon.session).toBe('noon');
    screenings.commit(noon);
    expect(tracker.noteScreening(noon)).toEqual([]);
    expect(tracker.list({ date: DAY, session: 'morning' }).find((a) => a.personId === 'S2')?.status).toBe(
      'open',
    );
  });

  it('lists a pupil already screened late as arrived when the roll call ran late (kiosk off at the cut-off)', () => {
    screenings.commit(screeningAt('07:10', 'S1'));
    screenings.commit(screeningAt('08:45', 'S2'));
    clock.jumpTo(ManualClock.at(DAY, '09:15').now());
    scheduler.start();
    const morning = tracker.list({ date: DAY, session: 'morning' });
    expect(morning.map((a) => [a.personId, a.status])).toEqual([
      ['S2', 'arrived'],
      ['S3', 'open'],
      ['S4', 'open'],
    ]);
  });

  it('expects only boarders at the boarders-only evening check (晚检)', () => {
    scheduler.start();
    screenings.commit(screeningAt('07:10', 'S1'));
    screenings.commit(screeningAt('18:40', 'S3'));
    clock.advanceToLocal(DAY, '20:00');
    expect(listed('evening')).toEqual(['S4']);
    expect(tracker.list({ date: DAY, session: 'noon' })).toEqual([]);
  });

  it('lists nobody at a check where nobody at all was screened (no school, or the kiosk was off)', () => {
    scheduler.start();
    clock.advanceToLocal(DAY, '08:30');
    expect(listed('morning')).toEqual([]);
    expect(new AbsenceStore(db).rollCall(DAY, 'morning')).toMatchObject({ outcome: 'no_screenings' });
  });

  it('takes each roll call once, across restarts', () => {
    screenings.commit(screeningAt('07:10', 'S1'));
    clock.jumpTo(ManualClock.at(DAY, '09:00').now());
    expect(tracker.takeRollCall(DAY, 'morning')?.listed).toHaveLength(3);
    expect(tracker.takeRollCall(DAY, 'morning')).toBeNull();
    scheduler.start();
    expect(tracker.list({ date: DAY })).toHaveLength(3);
    expect(outbox()).toHaveLength(3);
  });

  it('records reasons, symptoms and follow-ups; an unknown reason stays chased until resolved', () => {
    screenings.commit(screeningAt('07:10', 'S1'));
    clock.jumpTo(ManualClock.at(DAY, '09:00').now());
    tracker.takeRollCall(DAY, 'morning');
    const id = tracker.list({ date: DAY }).find((a) => a.personId === 'S2')?.id ?? '';
    const call = { at: '2026-11-23T09:05:00+08:00', by: '王老师', note: '家长未接电话' };
    expect(tracker.update(id, { reason: 'unknown', followUps: [call] }, 'nurse')?.chased).toBe(true);
    const sick = tracker.update(
      id,
      { reason: 'sick', symptoms: ['fever', 'cough'], doctorSeen: true, diagnosis: '上呼吸道感染' },
      'nurse',
    );
    expect(sick).toMatchObject({
      reason: 'sick',
      chased: false,
      symptoms: ['fever', 'cough'],
      doctorSeen: true,
      diagnosis: '上呼吸道感染',
      followUps: [call],
      revision: 3,
      updatedBy: 'nurse',
    });
    // Personal leave: the clinical fields go.
    expect(tracker.update(id, { reason: 'personal' }, 'nurse')).toMatchObject({
      symptoms: [],
      doctorSeen: null,
      diagnosis: null,
      followUps: [call],
    });
    expect(
      outbox()
        .filter((r) => r.record_id.startsWith(id))
        .map((r) => r.record_id),
    ).toEqual([`${id}:1`, `${id}:2`, `${id}:3`, `${id}:4`]);
  });
});
