import type { Db } from '../store/database.ts';
import type { ScreeningRecord } from '../store/screenings.ts';
import type { ScreeningState } from './change-feed.ts';
import { ensureDeskTables } from './desk-schema.ts';

/**
 * On a gate, what the school's other gates did, as the desk sent it: the screenings that count for
 * repeats (a pupil screened at the north gate who walks to the south gate is "本时段已检测"), and the
 * cases the desk closed, so such a repeat is decided afresh after a nurse's decision. Known only
 * while the gate hears from the desk; without it, each gate knows its own.
 */
export class SchoolScreenings {
  private readonly latestStmt;
  private readonly closedStmt;

  constructor(db: Db) {
    ensureDeskTables(db);
    this.latestStmt = db
      .prepare(
        `SELECT record FROM desk_screenings WHERE person_id = ? AND local_date = ? AND session = ?
         ORDER BY at DESC, id DESC LIMIT 1`,
      )
      .pluck();
    this.closedStmt = db.prepare(
      'SELECT 1 FROM desk_closed_cases WHERE person_id = ? AND closed_at > ? LIMIT 1',
    );
  }

  earlierInSession(personId: string, localDate: string, session: string): ScreeningRecord | null {
    const json = this.latestStmt.get(personId, localDate, session) as string | undefined;
    if (json === undefined) return null;
    const s = JSON.parse(json) as ScreeningState;
    return { ...s, identityText: null };
  }

  closedSince(personId: string, at: string): boolean {
    return this.closedStmt.get(personId, at) !== undefined;
  }
}
