import type { KioskConfig } from '../config/schema.ts';
import type { Lane } from '../lanes/lane.ts';
import { closeDaysBefore } from '../reports/day-close.ts';
import { AbsenceStore } from '../store/absences.ts';
import type { Db } from '../store/database.ts';
import { PeopleStore } from '../store/people.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { CheckScheduler, type ScheduledJob } from './check-scheduler.ts';
import { AbsenceTracker } from './tracker.ts';

export interface DailyChecksOptions {
  db: Db;
  config: Pick<KioskConfig, 'school' | 'sessions' | 'lanes' | 'rules'>;
  lanes: readonly Lane[];
  /** The roll calls' clock; the lanes' clock in tests. */
  clock?: Clock;
  onError?(err: Error, job: ScheduledJob | { kind: 'late arrival' }): void;
  /** New records are in the outbox (to wake the uploader). */
  onQueued?(): void;
}

export interface DailyChecks {
  absences: AbsenceTracker;
  /** Runs whatever is due by the clock now (also what the timer does). */
  runDue(): void;
  start(): void;
  stop(): void;
}

/**
 * The day's rhythm: a roll call at each check's cut-off (and, at start, for those passed while the
 * kiosk was off today), late arrivals closing absences, and the day's summary queued after midnight.
 */
export function createDailyChecks(opts: DailyChecksOptions): DailyChecks {
  const clock = opts.clock ?? systemClock;
  const people = new PeopleStore(opts.db);
  const absences = new AbsenceTracker({
    store: new AbsenceStore(opts.db),
    roster: () => people.current(),
    sessions: opts.config.sessions,
    timeZone: opts.config.school.timezone,
    now: () => clock.now(),
  });
  absences.on('failure', (err) => opts.onError?.(err, { kind: 'late arrival' }));
  absences.on('update', () => opts.onQueued?.());
  const scheduler = new CheckScheduler({
    sessions: opts.config.sessions,
    timeZone: opts.config.school.timezone,
    clock,
    cutoffPassed: (date, sessionId) => {
      absences.takeRollCall(date, sessionId);
    },
    dayBegan: (today) => {
      if (closeDaysBefore(opts.db, opts.config, today, new Date(clock.now())).length > 0) opts.onQueued?.();
    },
    onError: (err, job) => opts.onError?.(err, job),
  });
  let unwatch: (() => void) | null = null;
  return {
    absences,
    runDue: () => scheduler.runDue(),
    start: () => {
      unwatch ??= absences.watch(opts.lanes);
      scheduler.start();
    },
    stop: () => {
      scheduler.stop();
      unwatch?.();
      unwatch = null;
    },
  };
}
