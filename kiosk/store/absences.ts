import { type Absence, type AbsenceChange, absenceRecordId, type FollowUp } from '../absences/absence.ts';
import type { AbsenceReason, Symptom } from '../absences/reasons.ts';
import { UNSCHEDULED } from '../sessions/session-of.ts';
import { Outbox } from '../upload/outbox.ts';
import type { Db } from './database.ts';
import { newRecordId } from './ids.ts';

/** One check's roll call: when it was taken, and whom it expected. */
export interface RollCall {
  localDate: string;
  session: string;
  at: string;
  /** `no_screenings`: nobody at all was screened (no school that day, or the kiosk was off): nobody listed. */
  outcome: 'listed' | 'no_screenings';
  expected: string[];
}

export interface NewAbsence {
  personId: string;
  /** Already screened after the cut-off when the roll call ran late. */
  arrival: { at: string; screeningId: string } | null;
}

export interface AbsenceFilter {
  date: string;
  session?: string;
}

interface Row {
  id: string;
  local_date: string;
  session: string;
  person_id: string;
  listed_at: string;
  reason: AbsenceReason;
  symptoms: string;
  doctor_seen: number | null;
  diagnosis: string | null;
  follow_ups: string;
  arrived_at: string | null;
  arrival_screening_id: string | null;
  revision: number;
  updated_at: string;
  updated_by: string;
  name: string;
  grade: number | null;
  class_name: string | null;
}

const SELECT = `SELECT a.*, p.name, p.grade, p.class_name FROM absences a JOIN people p ON p.id = a.person_id`;

/**
 * The absences table and the roll calls that fill it. Every absence, and every change to one, is
 * queued in the outbox in the same transaction (kind `absence`, one record per revision).
 */
export class AbsenceStore {
  private readonly byId;

  constructor(private readonly db: Db) {
    this.byId = db.prepare(`${SELECT} WHERE a.id = ?`);
  }

  rollCall(localDate: string, session: string): RollCall | null {
    const row = this.db
      .prepare('SELECT * FROM roll_calls WHERE local_date = ? AND session = ?')
      .get(localDate, session) as
      | { local_date: string; session: string; at: string; outcome: RollCall['outcome']; expected: string }
      | undefined;
    return row
      ? {
          localDate: row.local_date,
          session: row.session,
          at: row.at,
          outcome: row.outcome,
          expected: JSON.parse(row.expected) as string[],
        }
      : null;
  }

  /** The roll call and its absences in one transaction; a roll call already taken is left as it is. */
  recordRollCall(rollCall: RollCall, absent: readonly NewAbsence[]): Absence[] {
    return this.db.transaction(() => {
      const claimed = this.db
        .prepare(
          `INSERT OR IGNORE INTO roll_calls (local_date, session, at, outcome, expected) VALUES (?, ?, ?, ?, ?)`,
        )
        .run(
          rollCall.localDate,
          rollCall.session,
          rollCall.at,
          rollCall.outcome,
          JSON.stringify(rollCall.expected),
        );
      if (claimed.changes === 0) return [];
      const insert = this.db.prepare(
        `INSERT OR IGNORE INTO absences (id, local_date, session, person_id, listed_at, arrived_at,
           arrival_screening_id, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'roll call')`,
      );
      const listed: Absence[] = [];
      for (const a of absent) {
        const id = newRecordId(Date.parse(rollCall.at));
        const done = insert.run(
          id,
          rollCall.localDate,
          rollCall.session,
          a.personId,
          rollCall.at,
          a.arrival?.at ?? null,
          a.arrival?.screeningId ?? null,
          rollCall.at,
        );
        if (done.changes === 0) continue;
        const absence = this.get(id);
        if (absence) {
          this.queue(absence);
          listed.push(absence);
        }
      }
      return listed;
    })();
  }

  get(id: string): Absence | null {
    const row = this.byId.get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  list(filter: AbsenceFilter): Absence[] {
    const rows = (
      filter.session
        ? this.db
            .prepare(
              `${SELECT} WHERE a.local_date = ? AND a.session = ? ORDER BY a.listed_at, p.grade, p.class_name, p.id`,
            )
            .all(filter.date, filter.session)
        : this.db
            .prepare(`${SELECT} WHERE a.local_date = ? ORDER BY a.listed_at, p.grade, p.class_name, p.id`)
            .all(filter.date)
    ) as Row[];
    return rows.map(fromRow);
  }

  /** A person's absences of a day that no arrival has closed yet. */
  openOf(personId: string, localDate: string): Absence[] {
    return (
      this.db
        .prepare(`${SELECT} WHERE a.person_id = ? AND a.local_date = ? AND a.arrived_at IS NULL`)
        .all(personId, localDate) as Row[]
    ).map(fromRow);
  }

  /** Records a reason, symptoms, a doctor's visit or follow-ups; a reason other than sick clears the clinical fields. */
  update(id: string, change: AbsenceChange, actor: string, at: Date): Absence | null {
    return this.db.transaction(() => {
      const current = this.get(id);
      if (!current) return null;
      const sick = change.reason === 'sick';
      const next = {
        reason: change.reason,
        symptoms: sick ? (change.symptoms ?? current.symptoms) : [],
        doctorSeen: sick ? (change.doctorSeen === undefined ? current.doctorSeen : change.doctorSeen) : null,
        diagnosis: sick ? (change.diagnosis === undefined ? current.diagnosis : change.diagnosis) : null,
        followUps: change.followUps ?? current.followUps,
      };
      this.db
        .prepare(
          `UPDATE absences SET reason = ?, symptoms = ?, doctor_seen = ?, diagnosis = ?, follow_ups = ?,
             revision = revision + 1, updated_at = ?, updated_by = ? WHERE id = ?`,
        )
        .run(
          next.reason,
          JSON.stringify(next.symptoms),
          next.doctorSeen === null ? null : next.doctorSeen ? 1 : 0,
          next.diagnosis,
          JSON.stringify(next.followUps),
          at.toISOString(),
          actor,
          id,
        );
      const updated = this.get(id);
      if (updated) this.queue(updated);
      return updated;
    })();
  }

  /** Closes an open absence because the pupil was screened after the cut-off; null if already closed. */
  markArrived(id: string, arrival: { at: string; screeningId: string }, at: Date): Absence | null {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE absences SET arrived_at = ?, arrival_screening_id = ?, revision = revision + 1, updated_at = ?,
             updated_by = 'late arrival' WHERE id = ? AND arrived_at IS NULL`,
        )
        .run(arrival.at, arrival.screeningId, at.toISOString(), id);
      if (changed.changes === 0) return null;
      const updated = this.get(id);
      if (updated) this.queue(updated);
      return updated;
    })();
  }

  /** Everyone with a screening in this check (a re-take counts: they were at the gate). */
  screenedIn(localDate: string, session: string): Set<string> {
    return new Set(
      this.db
        .prepare(
          'SELECT DISTINCT person_id FROM screenings WHERE local_date = ? AND session = ? AND person_id IS NOT NULL',
        )
        .pluck()
        .all(localDate, session) as string[],
    );
  }

  /** Whether anyone at all was screened in this check. */
  anyScreeningIn(localDate: string, session: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM screenings WHERE local_date = ? AND session = ? LIMIT 1')
        .get(localDate, session) !== undefined
    );
  }

  /** Screenings outside every window at or after an instant, oldest first: who came late. */
  screeningsBetweenChecks(
    localDate: string,
    from: string,
  ): { personId: string; screeningId: string; at: string }[] {
    return this.db
      .prepare(
        `SELECT person_id AS personId, id AS screeningId, at FROM screenings
         WHERE local_date = ? AND session = ? AND at >= ? AND person_id IS NOT NULL ORDER BY at, id`,
      )
      .all(localDate, UNSCHEDULED, from) as { personId: string; screeningId: string; at: string }[];
  }

  private queue(a: Absence): void {
    Outbox.enqueue(this.db, {
      recordId: absenceRecordId(a.id, a.revision),
      kind: 'absence',
      at: a.updatedAt,
      once: true,
      data: JSON.stringify({
        absenceId: a.id,
        revision: a.revision,
        personId: a.personId,
        localDate: a.localDate,
        session: a.session,
        reason: a.reason,
        symptoms: a.symptoms,
        doctorSeen: a.doctorSeen,
        diagnosis: a.diagnosis,
        followUps: a.followUps,
        status: a.status,
        listedAt: a.listedAt,
        arrivedAt: a.arrivedAt,
      }),
    });
  }
}

function fromRow(r: Row): Absence {
  const arrived = r.arrived_at !== null;
  return {
    id: r.id,
    localDate: r.local_date,
    session: r.session,
    personId: r.person_id,
    name: r.name,
    grade: r.grade,
    className: r.class_name,
    listedAt: r.listed_at,
    reason: r.reason,
    symptoms: JSON.parse(r.symptoms) as Symptom[],
    doctorSeen: r.doctor_seen === null ? null : r.doctor_seen === 1,
    diagnosis: r.diagnosis,
    followUps: JSON.parse(r.follow_ups) as FollowUp[],
    status: arrived ? 'arrived' : 'open',
    arrivedAt: r.arrived_at,
    arrivalScreeningId: r.arrival_screening_id,
    chased: !arrived && r.reason === 'unknown',
    revision: r.revision,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}
