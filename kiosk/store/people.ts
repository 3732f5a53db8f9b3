import { cardsOf, type Person } from '../identities/person.ts';
import { planRosterImport, type RosterPlan } from '../identities/roster-plan.ts';
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

/** A person as the day's forms show them, whether or not still on the roster. */
export interface PersonOnForm {
  id: string;
  name: string;
  kind: 'student' | 'staff';
  grade: number | null;
  className: string | null;
  boarder: boolean;
}

export interface RosterImportResult {
  added: number;
  updated: number;
  left: number;
}

/**
 * The people table: the current roster, and people who have left (kept for their history). A person's
 * cards are in person_identities; `people.card` keeps the first of them for older readers.
 */
export class PeopleStore {
  constructor(private readonly db: Db) {}

  /** The people with these ids, whether or not they are still on the roster. */
  byIds(ids: readonly string[]): Map<string, PersonOnForm> {
    const found = new Map<string, PersonOnForm>();
    const stmt = this.db.prepare(
      'SELECT id, name, kind, grade, class_name, boarder FROM people WHERE id = ?',
    );
    for (const id of ids) {
      const r = stmt.get(id) as
        | Pick<Row, 'id' | 'name' | 'kind' | 'grade' | 'class_name' | 'boarder'>
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

  /** Everyone on the current roster. */
  current(): Person[] {
    const rows = this.db.prepare('SELECT * FROM people WHERE left_at IS NULL ORDER BY id').all() as Row[];
    const cards = new Map<string, string[]>();
    const identities = this.db
      .prepare(
        "SELECT person_id, value FROM person_identities WHERE kind = 'card' ORDER BY person_id, position",
      )
      .all() as { person_id: string; value: string }[];
    for (const i of identities) {
      const list = cards.get(i.person_id);
      if (list) list.push(i.value);
      else cards.set(i.person_id, [i.value]);
    }
    return rows.map((r) => fromRow(r, cards.get(r.id) ?? []));
  }

  get(id: string): Person | null {
    const row = this.db.prepare('SELECT * FROM people WHERE id = ?').get(id) as Row | undefined;
    if (!row) return null;
    const cards = this.db
      .prepare("SELECT value FROM person_identities WHERE person_id = ? AND kind = 'card' ORDER BY position")
      .pluck()
      .all(id) as string[];
    return fromRow(row, cards);
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
    const plan = this.applyRoster(people, file, sha256, at);
    return { added: plan.added.length, updated: plan.updated.length, left: plan.removed.length };
  }

  /**
   * `replaceRoster`, answering with what changed. Only the people the import changes are written
   * (a desk's gates pull those, and a re-import of the same roster writes nothing but its entry).
   */
  applyRoster(people: readonly Person[], file: string, sha256: string, at = new Date()): RosterPlan {
    return this.db.transaction(() => {
      const plan = planRosterImport(this.current(), people);
      const dropCards = this.db.prepare('DELETE FROM person_identities WHERE person_id = ?');
      const clearCard = this.db.prepare('UPDATE people SET card = NULL WHERE id = ? AND card IS NOT NULL');
      // A card moves to its new holder: whoever else holds it now lets go first, so the UNIQUE
      // constraints hold in any order.
      const freeIdentity = this.db.prepare(
        'DELETE FROM person_identities WHERE value = ? AND person_id <> ?',
      );
      const freeCard = this.db.prepare('UPDATE people SET card = NULL WHERE card = ? AND id <> ?');
      const upsert = this.db.prepare(
        `INSERT INTO people (id, name, kind, grade, class_name, card, guardian_phone, boarder, health_code, health_code_at)
         VALUES (@id, @name, @kind, @grade, @className, @card, @guardianPhone, @boarder, @healthCode, @healthCodeAt)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, grade = excluded.grade,
           class_name = excluded.class_name, card = excluded.card, guardian_phone = excluded.guardian_phone,
           boarder = excluded.boarder, health_code = excluded.health_code, health_code_at = excluded.health_code_at,
           left_at = NULL`,
      );
      const addCard = this.db.prepare(
        "INSERT INTO person_identities (person_id, kind, value, position) VALUES (?, 'card', ?, ?)",
      );
      const leave = this.db.prepare('UPDATE people SET left_at = ? WHERE id = ?');
      // People who leave give up their cards.
      for (const p of plan.removed) {
        dropCards.run(p.id);
        clearCard.run(p.id);
        leave.run(at.toISOString(), p.id);
      }
      const newCards = [
        ...plan.added,
        ...plan.updated.filter((u) => u.fields.includes('card')).map((u) => u.person),
      ];
      for (const p of newCards) {
        dropCards.run(p.id);
        for (const card of cardsOf(p)) {
          freeIdentity.run(card, p.id);
          freeCard.run(card, p.id);
        }
      }
      for (const p of [...plan.added, ...plan.updated.map((u) => u.person)]) upsert.run(personColumns(p));
      for (const p of newCards)
        cardsOf(p).forEach((card, position) => {
          addCard.run(p.id, card, position);
        });
      this.db
        .prepare('INSERT INTO roster_imports (at, file, sha256, people) VALUES (?, ?, ?, ?)')
        .run(at.toISOString(), file, sha256, people.length);
      return plan;
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

/** A person's columns in the people table, as statements name them (`@id`, `@className`, …). */
export function personColumns(p: Person) {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    grade: p.grade,
    className: p.className,
    card: cardsOf(p)[0] ?? null,
    guardianPhone: p.guardianPhone,
    boarder: p.boarder ? 1 : 0,
    healthCode: p.healthCode,
    healthCodeAt: p.healthCodeAt,
  };
}

function fromRow(r: Row, cards: string[]): Person {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    grade: r.grade,
    className: r.class_name,
    card: cards[0] ?? r.card,
    cards: cards.length || !r.card ? cards : [r.card],
    guardianPhone: r.guardian_phone,
    boarder: r.boarder === 1,
    healthCode: r.health_code,
    healthCodeAt: r.health_code_at,
    returnCertificateDue: r.return_certificate_due === 1,
  };
}
