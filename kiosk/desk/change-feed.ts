import { cardsOf, type Person } from '../identities/person.ts';
import type { Db } from '../store/database.ts';
import { PeopleStore } from '../store/people.ts';
import { type ScreeningRecord, ScreeningStore } from '../store/screenings.ts';

/** A person as the desk holds them: what a gate needs to decide about them. */
export type PersonState = Person & { cards: string[]; leftAt: string | null };

/** A case the desk's nurse closed: a gate that holds it closes its copy too. */
export interface CaseClosedState {
  id: string;
  personId: string | null;
  disposition: string | null;
  closedAt: string | null;
  closedBy: string | null;
}

/** A screening that counts for repeats, made at any gate or the desk; no scanned text. */
export type ScreeningState = Omit<ScreeningRecord, 'identityText'>;

export type Change =
  | { kind: 'person'; person: PersonState }
  | { kind: 'case_closed'; closed: CaseClosedState }
  | { kind: 'screening'; screening: ScreeningState };

export interface ChangePage {
  changes: Change[];
  /** The cursor to ask from next time. */
  next: number;
  /** The whole roster, not a difference: the gate replaces what it holds. */
  snapshot: boolean;
}

/**
 * The desk's changes for its gates, by cursor (`desk_changes.seq`). A gate that asks from 0 gets the
 * whole roster; one that asks from later gets each person and case changed since, once, as they
 * stand now (ten changes to one person are one), in order of their last change.
 */
export class ChangeFeed {
  private readonly lastSeq;
  private readonly after;
  private readonly oldest;
  private readonly people: PeopleStore;
  private readonly leftAt;
  private readonly closed;
  private readonly screenings: ScreeningStore;

  constructor(db: Db) {
    this.lastSeq = db
      .prepare("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'desk_changes'), 0)")
      .pluck();
    this.oldest = db.prepare('SELECT min(seq) FROM desk_changes').pluck();
    this.after = db.prepare('SELECT seq, kind, key FROM desk_changes WHERE seq > ? ORDER BY seq LIMIT ?');
    this.people = new PeopleStore(db);
    this.screenings = new ScreeningStore(db);
    this.leftAt = db.prepare('SELECT left_at FROM people WHERE id = ?').pluck();
    this.closed = db.prepare(
      "SELECT id, person_id, disposition, closed_at, closed_by FROM cases WHERE id = ? AND status = 'closed'",
    );
  }

  /** The newest cursor: a gate there has everything. */
  head(): number {
    return this.lastSeq.get() as number;
  }

  page(after: number, limit = 2000): ChangePage {
    // From the start, from past the newest (a desk restored from an older backup), or from before
    // the oldest change kept (a gate away longer than the desk keeps its notes): the whole roster.
    const oldest = (this.oldest.get() as number | null) ?? 0;
    if (after <= 0 || after > this.head() || after < oldest - 1) {
      const next = this.head();
      const changes: Change[] = this.people
        .current()
        .map((p) => ({ kind: 'person', person: { ...p, cards: cardsOf(p), leftAt: null } }));
      return { changes, next, snapshot: true };
    }
    const rows = this.after.all(after, limit) as { seq: number; kind: string; key: string }[];
    const last = new Map<string, { kind: string; key: string }>();
    for (const r of rows) {
      const k = `${r.kind}\n${r.key}`;
      last.delete(k);
      last.set(k, r);
    }
    const changes: Change[] = [];
    for (const { kind, key } of last.values()) {
      if (kind === 'person') {
        const p = this.people.get(key);
        if (p) {
          const leftAt = (this.leftAt.get(key) as string | null | undefined) ?? null;
          changes.push({ kind: 'person', person: { ...p, cards: cardsOf(p), leftAt } });
        }
      } else if (kind === 'screening') {
        const found = this.screenings.get(key);
        if (found) {
          const { identityText: _scanned, ...screening } = found;
          changes.push({ kind: 'screening', screening });
        }
      } else if (kind === 'case_closed') {
        const c = this.closed.get(key) as
          | {
              id: string;
              person_id: string | null;
              disposition: string | null;
              closed_at: string | null;
              closed_by: string | null;
            }
          | undefined;
        if (c) {
          changes.push({
            kind: 'case_closed',
            closed: {
              id: c.id,
              personId: c.person_id,
              disposition: c.disposition,
              closedAt: c.closed_at,
              closedBy: c.closed_by,
            },
          });
        }
      }
    }
    return {
      changes,
      next: rows.length > 0 ? (rows[rows.length - 1] as { seq: number }).seq : after,
      snapshot: false,
    };
  }
}
