import type { Db } from '../store/database.ts';
import { ScreeningStore } from '../store/screenings.ts';
import { Outbox } from '../upload/outbox.ts';

export interface PurgeResult {
  /** Screenings whose raw temperatures, scan text and reason texts were removed. */
  screenings: number;
  /** Uploaded outbox rows removed (they held a copy of the same raw values). */
  outboxRows: number;
  before: string;
}

/**
 * Health data is kept the fewest days the rules allow: `days` after a screening, once it has reached
 * the district, its raw temperatures and scanned text go, and its reasons keep only their codes. The
 * row itself stays, so counts and daily summaries do not change. Nothing not yet uploaded is touched.
 */
export function purgeRawData(db: Db, days: number, now = new Date()): PurgeResult {
  const before = new Date(now.getTime() - days * 86_400_000).toISOString();
  const screenings = new ScreeningStore(db);
  return db.transaction(() => ({
    screenings: screenings.scrubUploadedBefore(before),
    outboxRows: Outbox.deleteSentBefore(db, before),
    before,
  }))();
}
