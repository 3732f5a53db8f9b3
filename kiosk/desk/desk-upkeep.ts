import type { Db } from '../store/database.ts';
import { ensureDeskTables } from './desk-schema.ts';

export interface DeskUpkeepResult {
  changes: number;
  received: number;
  screenings: number;
  closedCases: number;
}

const DAY_MS = 86_400_000;

/**
 * Keeps the school tables from growing without end, once a day. On a desk: change notes older than
 * `retentionDays` (a gate whose cursor is older than what is kept is sent the whole roster again;
 * the newest note always stays) and the record of what gates sent, kept twice as long as the outbox
 * keeps what it sent. On a gate: other gates' screenings and the desk's closed cases older than
 * three days (repeats are within a check, decisions afresh within days).
 */
export function deskUpkeep(db: Db, retentionDays: number, now = new Date()): DeskUpkeepResult {
  ensureDeskTables(db);
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  return db.transaction(() => ({
    changes: db
      .prepare('DELETE FROM desk_changes WHERE at < ? AND seq < (SELECT max(seq) FROM desk_changes)')
      .run(before(retentionDays)).changes,
    received: db.prepare('DELETE FROM desk_received WHERE received_at < ?').run(before(2 * retentionDays))
      .changes,
    screenings: db.prepare('DELETE FROM desk_screenings WHERE at < ?').run(before(3)).changes,
    closedCases: db.prepare('DELETE FROM desk_closed_cases WHERE closed_at < ?').run(before(3)).changes,
  }))();
}
