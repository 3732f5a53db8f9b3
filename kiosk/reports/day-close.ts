import { addDays } from '../absences/local-date.ts';
import { DailySummaryStore } from '../store/daily-summaries.ts';
import type { Db } from '../store/database.ts';
import { buildDailySummary, dailySummaryRecord, type SummaryConfig } from './daily-summary.ts';

/** How far back a kiosk that was off catches up with days it never closed. */
export const CLOSE_DAYS_BACK = 7;

/** Queues a `daily_summary` record for each day before `today` that had screenings and has none yet. */
export function closeDaysBefore(db: Db, config: SummaryConfig, today: string, now = new Date()): string[] {
  const store = new DailySummaryStore(db);
  const days = store.daysToClose(addDays(today, -CLOSE_DAYS_BACK), addDays(today, -1));
  for (const day of days) store.queue(day, dailySummaryRecord(buildDailySummary(db, config, day, now)), now);
  return days;
}
