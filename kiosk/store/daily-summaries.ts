import { Outbox } from '../upload/outbox.ts';
import type { Db } from './database.ts';
import { newRecordId } from './ids.ts';

/**
 * The day's summary as queued for the district: one per school-local date, queued once, with its
 * outbox record (kind `daily_summary`) in the same transaction.
 */
export class DailySummaryStore {
  constructor(private readonly db: Db) {}

  has(localDate: string): boolean {
    return this.db.prepare('SELECT 1 FROM daily_summaries WHERE local_date = ?').get(localDate) !== undefined;
  }

  get(localDate: string): { recordId: string; at: string; data: Record<string, unknown> } | null {
    const row = this.db.prepare('SELECT * FROM daily_summaries WHERE local_date = ?').get(localDate) as
      | { record_id: string; at: string; data: string }
      | undefined;
    return row
      ? { recordId: row.record_id, at: row.at, data: JSON.parse(row.data) as Record<string, unknown> }
      : null;
  }

  /** Queues the day's record unless it was queued before; true when this call queued it. */
  queue(localDate: string, data: Record<string, unknown>, at: Date): boolean {
    return this.db.transaction(() => {
      if (this.has(localDate)) return false;
      const recordId = newRecordId(at.getTime());
      const json = JSON.stringify(data);
      this.db
        .prepare('INSERT INTO daily_summaries (local_date, record_id, at, data) VALUES (?, ?, ?, ?)')
        .run(localDate, recordId, at.toISOString(), json);
      Outbox.enqueue(this.db, { recordId, kind: 'daily_summary', at: at.toISOString(), data: json });
      return true;
    })();
  }

  /** Days in [from, to] with any screening and no summary yet, oldest first. */
  daysToClose(from: string, to: string): string[] {
    return this.db
      .prepare(
        `SELECT DISTINCT local_date FROM screenings WHERE local_date >= ? AND local_date <= ?
           AND local_date NOT IN (SELECT local_date FROM daily_summaries)
         ORDER BY local_date`,
      )
      .pluck()
      .all(from, to) as string[];
  }
}
