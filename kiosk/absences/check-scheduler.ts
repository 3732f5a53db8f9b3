import type { SessionConfig } from '../config/schema.ts';
import type { Clock } from '../time/clock.ts';
import { zonedMoment, zonedToInstant } from '../time/zoned.ts';
import { addDays } from './local-date.ts';

export interface CheckSchedulerOptions {
  sessions: readonly SessionConfig[];
  timeZone: string;
  clock: Clock;
  /** Today's check is over. Called again after a restart, so it must do nothing the second time. */
  cutoffPassed(localDate: string, sessionId: string): void;
  /** A day began, or the kiosk started: the days before `today` are over. */
  dayBegan(today: string): void;
  /** Wakes at least this often, so a clock set forward or back is noticed. */
  maxSleepMs?: number;
  onError?(err: Error, job: ScheduledJob): void;
}

export type ScheduledJob =
  | { kind: 'roll call'; localDate: string; sessionId: string }
  | { kind: 'day close'; today: string };

/**
 * Runs each check's roll call at its cut-off, and the day's close after midnight, from an injected
 * clock. On start it catches up with every cut-off already passed today.
 */
export class CheckScheduler {
  private readonly maxSleepMs: number;
  private cancel: (() => void) | null = null;
  private running = false;
  private day: string | null = null;
  private readonly done = new Set<string>();

  constructor(private readonly opts: CheckSchedulerOptions) {
    this.maxSleepMs = opts.maxSleepMs ?? 60_000;
  }

  start(): void {
    this.running = true;
    this.runDue();
  }

  stop(): void {
    this.running = false;
    this.cancel?.();
    this.cancel = null;
  }

  /** Does whatever is due by the clock now, then sleeps until the next cut-off or midnight. */
  runDue(): void {
    this.cancel?.();
    this.cancel = null;
    const now = this.opts.clock.now();
    const { date, time } = zonedMoment(new Date(now), this.opts.timeZone);
    if (this.day !== date) {
      this.day = date;
      this.done.clear();
      this.attempt({ kind: 'day close', today: date }, () => this.opts.dayBegan(date));
    }
    const byCutoff = [...this.opts.sessions].sort((a, b) => a.cutoff.localeCompare(b.cutoff));
    for (const s of byCutoff) {
      if (s.cutoff > time || this.done.has(s.id)) continue;
      const job = { kind: 'roll call', localDate: date, sessionId: s.id } as const;
      if (this.attempt(job, () => this.opts.cutoffPassed(date, s.id))) this.done.add(s.id);
    }
    if (this.running) this.sleep(now, date, time, byCutoff);
  }

  private sleep(now: number, date: string, time: string, byCutoff: readonly SessionConfig[]): void {
    const next = byCutoff.find((s) => s.cutoff > time);
    const wakeAt = next
      ? zonedToInstant(date, next.cutoff, this.opts.timeZone).getTime()
      : zonedToInstant(addDays(date, 1), '00:00', this.opts.timeZone).getTime();
    const delayMs = Math.min(Math.max(wakeAt - now + 1, 0), this.maxSleepMs);
    this.cancel = this.opts.clock.setTimer(delayMs, () => {
      this.cancel = null;
      this.runDue();
    });
  }

  private attempt(job: ScheduledJob, run: () => void): boolean {
    try {
      run();
      return true;
    } catch (err) {
      this.opts.onError?.(err as Error, job);
      return false;
    }
  }
}
