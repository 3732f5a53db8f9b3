import type { StatusUpdate } from '../health/status-file.ts';
import type { Db } from './database.ts';

export interface StatusApplyResult {
  applied: number;
  /** Not newer than what the kiosk already holds. */
  older: number;
  /** Ids not on the roster. */
  unknown: number;
}

/**
 * Applies the district's status updates to the roster in one transaction: a status replaces the
 * person's only when it is newer, so a late file cannot turn a newer red back to an older green.
 */
export function applyStatusUpdates(db: Db, updates: readonly StatusUpdate[]): StatusApplyResult {
  const find = db.prepare('SELECT health_code_at FROM people WHERE id = ? AND left_at IS NULL');
  const update = db.prepare('UPDATE people SET health_code = ?, health_code_at = ? WHERE id = ?');
  return db.transaction(() => {
    const result: StatusApplyResult = { applied: 0, older: 0, unknown: 0 };
    for (const u of updates) {
      const row = find.get(u.personId) as { health_code_at: string | null } | undefined;
      if (!row) result.unknown++;
      else if (row.health_code_at !== null && new Date(row.health_code_at) >= u.at) result.older++;
      else {
        update.run(u.code, u.at.toISOString(), u.personId);
        result.applied++;
      }
    }
    return result;
  })();
}
