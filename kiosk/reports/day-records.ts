import type { Decision } from '../policy/types.ts';
import type { Db } from '../store/database.ts';

/** Read-only queries over a day's screenings and people, for the forms and the summary. */

export interface DayScreening {
  id: string;
  at: string;
  laneId: string;
  session: string;
  personId: string | null;
  temperatureC: number | null;
  decision: Decision;
}

export interface PersonOnForm {
  id: string;
  name: string;
  kind: 'student' | 'staff';
  grade: number | null;
  className: string | null;
  boarder: boolean;
}

export function screeningsOfDay(db: Db, localDate: string): DayScreening[] {
  return db
    .prepare(
      `SELECT id, at, lane_id AS laneId, session, person_id AS personId, temperature_c AS temperatureC, decision
       FROM screenings WHERE local_date = ? ORDER BY at, id`,
    )
    .all(localDate) as DayScreening[];
}

/** The people with these ids, whether or not they are still on the roster. */
export function peopleByIds(db: Db, ids: readonly string[]): Map<string, PersonOnForm> {
  const found = new Map<string, PersonOnForm>();
  const stmt = db.prepare('SELECT id, name, kind, grade, class_name, boarder FROM people WHERE id = ?');
  for (const id of ids) {
    const r = stmt.get(id) as
      | {
          id: string;
          name: string;
          kind: PersonOnForm['kind'];
          grade: number | null;
          class_name: string | null;
          boarder: number;
        }
      | undefined;
    if (r)
      found.set(id, {
        id: r.id,
        name: r.name,
        kind: r.kind,
        grade: r.grade,
        className: r.class_name,
        boarder: r.boarder === 1,
      });
  }
  return found;
}

/**
 * Cases still open, counted from the nurse's `cases` table when this database has one. The table
 * belongs to the cases part of the kiosk; read defensively so the summary works with or without it.
 */
export function openCaseCount(db: Db): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cases'").get();
  if (!table) return 0;
  const columns = new Set(
    (db.prepare('PRAGMA table_info(cases)').all() as { name: string }[]).map((c) => c.name),
  );
  if (!columns.has('status')) return 0;
  try {
    return db.prepare("SELECT count(*) FROM cases WHERE status = 'open'").pluck().get() as number;
  } catch {
    return 0;
  }
}
