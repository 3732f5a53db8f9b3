import type { Person } from '../identities/person.ts';
import type { Db } from './database.ts';

interface Row {
  id: string;
  name: string;
  kind: Person['kind'];
  grade: number | null;
  class_name: string | null;
  card: string | null;
  guardian_phone: string | null;
  boarder: number;
  health_code: Person['healthCode'];
  health_code_at: string | null;
  return_certificate_due: number;
}

export interface RosterImportResult {
  added: number;
  updated: number;
  left: number;
}

/** The people table: the current roster, and people who have left (kept for their history). */
export class PeopleStore {
  constructor(private readonly db: Db) {}

  /** Everyone on the current roster. */
  current(): Person[] {
    return (this.db.prepare('SELECT * FROM people WHERE left_at IS NULL ORDER BY id').all() as Row[]).map(
      fromRow,
    );
  }

  get(id: string): Person | null {
    const row = this.db.prepare('SELECT * FROM people WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  lastImportHash(file: string): string | null {
    const row = this.db
      .prepare('SELECT sha256 FROM roster_imports WHERE file = ? ORDER BY id DESC LIMIT 1')
      .get(file) as { sha256: string } | undefined;
    return row?.sha256 ?? null;
  }

  /** Replaces the roster in one transaction; people missing from it are marked as left. */
  replaceRoster(
    people: readonly Person[],
    file: string,
    sha256: string,
    at = new Date(),
  ): RosterImportResult {
    return this.db.transaction(() => {
      const existing = new Set(
        (this.db.prepare('SELECT id FROM people WHERE left_at IS NULL').all() as { id: string }[]).map(
          (r) => r.id,
        ),
      );
      // Cards move between people on re-import; clear them first so the UNIQUE constraint holds.
      this.db.prepare('UPDATE people SET card = NULL').run();
      const upsert = this.db.prepare(
        `INSERT INTO people (id, name, kind, grade, class_name, card, guardian_phone, boarder, health_code, health_code_at)
         VALUES (@id, @name, @kind, @grade, @className, @card, @guardianPhone, @boarder, @healthCode, @healthCodeAt)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, grade = excluded.grade,
           class_name = excluded.class_name, card = excluded.card, guardian_phone = excluded.guardian_phone,
           boarder = excluded.boarder, health_code = excluded.health_code, health_code_at = excluded.health_code_at,
           left_at = NULL`,
      );
      let added = 0;
      for (const p of people) {
        if (!existing.delete(p.id)) added++;
        upsert.run({ ...p, boarder: p.boarder ? 1 : 0 });
      }
      const leave = this.db.prepare('UPDATE people SET left_at = ? WHERE id = ?');
      for (const id of existing) leave.run(at.toISOString(), id);
      this.db
        .prepare('INSERT INTO roster_imports (at, file, sha256, people) VALUES (?, ?, ?, ?)')
        .run(at.toISOString(), file, sha256, people.length);
      return { added, updated: people.length - added, left: existing.size };
    })();
  }

  /** Moves every status time forward by the same amount (demo: a roster exported "just now"). */
  shiftStatusTimes(toNewest: Date): void {
    const newest = this.db
      .prepare(
        'SELECT max(health_code_at) AS at FROM people WHERE left_at IS NULL AND health_code_at IS NOT NULL',
      )
      .get() as { at: string | null };
    if (!newest.at) return;
    const shiftMs = toNewest.getTime() - new Date(newest.at).getTime();
    const rows = this.db
      .prepare('SELECT id, health_code_at FROM people WHERE health_code_at IS NOT NULL')
      .all() as { id: string; health_code_at: string }[];
    const update = this.db.prepare('UPDATE people SET health_code_at = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const r of rows)
        update.run(new Date(new Date(r.health_code_at).getTime() + shiftMs).toISOString(), r.id);
    })();
  }
}

function fromRow(r: Row): Person {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    grade: r.grade,
    className: r.class_name,
    card: r.card,
    guardianPhone: r.guardian_phone,
    boarder: r.boarder === 1,
    healthCode: r.health_code,
    healthCodeAt: r.health_code_at,
    returnCertificateDue: r.return_certificate_due === 1,
  };
}
