import type { CaseDecision, Disposition, RecheckMethod } from '../cases/case-rules.ts';
import { opensCase } from '../cases/case-rules.ts';
import type { Symptom } from '../cases/symptoms.ts';
import type { HealthCode } from '../policy/types.ts';
import { Outbox } from '../upload/outbox.ts';
import type { Db } from './database.ts';
import { newRecordId } from './ids.ts';
import type { ScreeningRecord } from './screenings.ts';

export interface Recheck {
  id: string;
  caseId: string;
  at: string;
  temperatureC: number;
  method: RecheckMethod;
  symptoms: Symptom[];
  note: string | null;
  recordedBy: string;
}

export interface GuardianContact {
  name: string;
  phone: string;
  calledAt: string;
}

export interface CaseClosing {
  disposition: Disposition;
  note: string | null;
  guardianContact: GuardianContact | null;
  at: string;
  recordedBy: string;
}

/** A flagged entrant handed to the nurse: opened by the screening, closed by a disposition. */
export interface CaseRecord {
  id: string;
  screeningId: string;
  openedAt: string;
  localDate: string;
  personId: string | null;
  laneId: string;
  decision: CaseDecision;
  gateTemperatureC: number | null;
  healthCode: HealthCode;
  status: 'open' | 'closed';
  rechecks: Recheck[];
  closing: CaseClosing | null;
  /** When a clinical re-check first confirmed the fever (直报 queued then). */
  confirmedFeverAt: string | null;
}

export interface CaseFilter {
  status?: 'open' | 'closed';
  date?: string;
  limit?: number;
}

interface CaseRow {
  id: string;
  screening_id: string;
  opened_at: string;
  local_date: string;
  person_id: string | null;
  lane_id: string;
  decision: CaseDecision;
  gate_temperature_c: number | null;
  health_code: HealthCode;
  status: 'open' | 'closed';
  disposition: Disposition | null;
  disposition_note: string | null;
  guardian_contact: string | null;
  closed_at: string | null;
  closed_by: string | null;
  confirmed_fever_at: string | null;
}

interface RecheckRow {
  id: string;
  case_id: string;
  at: string;
  temperature_c: number;
  method: RecheckMethod;
  symptoms: string;
  note: string | null;
  recorded_by: string;
}

/** Outbox priority of a direct report (直报): sent before everything else waiting. */
const DIRECT_REPORT_PRIORITY = 1;

/**
 * The cases and case_rechecks tables, and the outbox rows (kind `case`) each change is queued with.
 * Outbox record ids are stable: the case id when opened, the re-check id, and the case id with
 * `/closed` or `/direct-report`, so a case can never queue the same change twice.
 */
export class CaseStore {
  private readonly insertCase;
  private readonly insertRecheck;
  private readonly selectCase;
  private readonly selectByScreening;
  private readonly selectRechecks;
  private readonly updateClosed;
  private readonly updateConfirmed;
  private readonly selectClosedSince;
  private readonly elsewhere: ((personId: string, at: string) => boolean)[] = [];

  /**
   * Cases still open. Read defensively (a database without the cases table, or an older one, has
   * none), so the summary works on any database it is shown.
   */
  static openCount(db: Db): number {
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

  constructor(private readonly db: Db) {
    this.insertCase = db.prepare(
      `INSERT INTO cases (id, screening_id, opened_at, local_date, person_id, lane_id, decision,
         gate_temperature_c, health_code)
       VALUES (@id, @screeningId, @openedAt, @localDate, @personId, @laneId, @decision, @gateTemperatureC,
         @healthCode)`,
    );
    this.insertRecheck = db.prepare(
      `INSERT INTO case_rechecks (id, case_id, at, temperature_c, method, symptoms, note, recorded_by)
       VALUES (@id, @caseId, @at, @temperatureC, @method, @symptoms, @note, @recordedBy)`,
    );
    this.selectCase = db.prepare('SELECT * FROM cases WHERE id = ?');
    this.selectByScreening = db.prepare('SELECT * FROM cases WHERE screening_id = ?');
    this.selectRechecks = db.prepare('SELECT * FROM case_rechecks WHERE case_id = ? ORDER BY at, id');
    this.updateClosed = db.prepare(
      `UPDATE cases SET status = 'closed', disposition = @disposition, disposition_note = @note,
         guardian_contact = @guardianContact, closed_at = @at, closed_by = @recordedBy
       WHERE id = @id AND status = 'open'`,
    );
    this.selectClosedSince = db.prepare(
      'SELECT 1 FROM cases WHERE person_id = ? AND closed_at IS NOT NULL AND closed_at > ? LIMIT 1',
    );
    this.updateConfirmed = db.prepare(
      'UPDATE cases SET confirmed_fever_at = ? WHERE id = ? AND confirmed_fever_at IS NULL',
    );
  }

  /** Whether a case of this person was closed after `at` (ISO), here or where `alsoClosedFrom` looks. */
  closedSince(personId: string, at: string): boolean {
    if (this.selectClosedSince.get(personId, at) !== undefined) return true;
    return this.elsewhere.some((closedSince) => closedSince(personId, at));
  }

  /** Cases closed elsewhere (at the school's desk, of another gate) count too. */
  alsoClosedFrom(closedSince: (personId: string, at: string) => boolean): void {
    this.elsewhere.push(closedSince);
  }

  /**
   * Opens the case a screening calls for, if any. Called inside the screening's own transaction,
   * so the screening, its case and their outbox rows are durable together or not at all.
   */
  openFor(screening: ScreeningRecord): CaseRecord | null {
    if (!opensCase(screening.decision)) return null;
    const opened: CaseRecord = {
      id: newRecordId(Date.parse(screening.at)),
      screeningId: screening.id,
      openedAt: screening.at,
      localDate: screening.localDate,
      personId: screening.personId,
      laneId: screening.laneId,
      decision: screening.decision,
      gateTemperatureC: screening.temperatureC,
      healthCode: screening.healthCode,
      status: 'open',
      rechecks: [],
      closing: null,
      confirmedFeverAt: null,
    };
    this.insertCase.run({
      id: opened.id,
      screeningId: opened.screeningId,
      openedAt: opened.openedAt,
      localDate: opened.localDate,
      personId: opened.personId,
      laneId: opened.laneId,
      decision: opened.decision,
      gateTemperatureC: opened.gateTemperatureC,
      healthCode: opened.healthCode,
    });
    this.queue(opened.id, opened.openedAt, opened, 'opened');
    return opened;
  }

  get(id: string): CaseRecord | null {
    const row = this.selectCase.get(id) as CaseRow | undefined;
    return row ? this.fromRow(row) : null;
  }

  byScreening(screeningId: string): CaseRecord | null {
    const row = this.selectByScreening.get(screeningId) as CaseRow | undefined;
    return row ? this.fromRow(row) : null;
  }

  /** Oldest first: the one who has waited longest comes first. */
  list(filter: CaseFilter = {}): CaseRecord[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: filter.limit ?? 500 };
    if (filter.status) {
      where.push('status = @status');
      params.status = filter.status;
    }
    if (filter.date) {
      where.push('local_date = @date');
      params.date = filter.date;
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY opened_at, id LIMIT @limit`,
      )
      .all(params) as CaseRow[];
    return rows.map((r) => this.fromRow(r));
  }

  /** Stores a re-check; when it confirms a fever for the first time, queues the direct report with it. */
  addRecheck(recheck: Recheck, confirmsFever: boolean): CaseRecord {
    return this.db.transaction(() => {
      this.insertRecheck.run({ ...recheck, symptoms: JSON.stringify(recheck.symptoms) });
      const confirmedNow =
        confirmsFever && this.updateConfirmed.run(recheck.at, recheck.caseId).changes === 1;
      const updated = this.mustGet(recheck.caseId);
      this.queue(recheck.id, recheck.at, updated, 'recheck');
      if (confirmedNow) this.queue(`${updated.id}/direct-report`, recheck.at, updated, 'direct_report');
      return updated;
    })();
  }

  /**
   * Closes an open case; `alsoInTransaction` runs in the same transaction (the return-certificate
   * flag). Null when the case was not open.
   */
  close(id: string, closing: CaseClosing, alsoInTransaction?: () => void): CaseRecord | null {
    return this.db.transaction(() => {
      const changed = this.updateClosed.run({
        id,
        disposition: closing.disposition,
        note: closing.note,
        guardianContact: closing.guardianContact ? JSON.stringify(closing.guardianContact) : null,
        at: closing.at,
        recordedBy: closing.recordedBy,
      }).changes;
      if (changed !== 1) return null;
      alsoInTransaction?.();
      const closed = this.mustGet(id);
      this.queue(`${id}/closed`, closing.at, closed, 'closed');
      return closed;
    })();
  }

  private mustGet(id: string): CaseRecord {
    const c = this.get(id);
    if (!c) throw new Error(`case ${id} vanished inside its own transaction`);
    return c;
  }

  /** The district's collector takes case records for known people only; an unidentified entrant's screening is uploaded anyway. */
  private queue(recordId: string, at: string, c: CaseRecord, event: CaseEvent): void {
    if (c.personId === null) return;
    const priority = event === 'direct_report' ? DIRECT_REPORT_PRIORITY : 0;
    Outbox.enqueue(this.db, {
      recordId,
      kind: 'case',
      at,
      data: JSON.stringify(uploadData(c, event)),
      priority,
    });
  }

  private fromRow(row: CaseRow): CaseRecord {
    const rechecks = (this.selectRechecks.all(row.id) as RecheckRow[]).map(
      (r): Recheck => ({
        id: r.id,
        caseId: r.case_id,
        at: r.at,
        temperatureC: r.temperature_c,
        method: r.method,
        symptoms: JSON.parse(r.symptoms) as Symptom[],
        note: r.note,
        recordedBy: r.recorded_by,
      }),
    );
    return {
      id: row.id,
      screeningId: row.screening_id,
      openedAt: row.opened_at,
      localDate: row.local_date,
      personId: row.person_id,
      laneId: row.lane_id,
      decision: row.decision,
      gateTemperatureC: row.gate_temperature_c,
      healthCode: row.health_code,
      status: row.status,
      rechecks,
      closing:
        row.disposition && row.closed_at
          ? {
              disposition: row.disposition,
              note: row.disposition_note,
              guardianContact: row.guardian_contact
                ? (JSON.parse(row.guardian_contact) as GuardianContact)
                : null,
              at: row.closed_at,
              recordedBy: row.closed_by ?? '',
            }
          : null,
      confirmedFeverAt: row.confirmed_fever_at,
    };
  }
}

type CaseEvent = 'opened' | 'recheck' | 'closed' | 'direct_report';

/** What the district receives of a case: readings, symptoms and outcome; no notes, names or phone numbers. */
function uploadData(c: CaseRecord, event: CaseEvent) {
  return {
    caseId: c.id,
    event,
    screeningId: c.screeningId,
    personId: c.personId,
    status: c.status,
    localDate: c.localDate,
    openedAt: c.openedAt,
    laneId: c.laneId,
    decision: c.decision,
    gateTemperatureC: c.gateTemperatureC,
    healthCode: c.healthCode,
    rechecks: c.rechecks.map((r) => ({
      at: r.at,
      temperatureC: r.temperatureC,
      method: r.method,
      symptoms: r.symptoms,
    })),
    confirmedFever: c.confirmedFeverAt !== null,
    disposition: c.closing?.disposition ?? null,
    closedAt: c.closing?.at ?? null,
    guardianCalledAt: c.closing?.guardianContact?.calledAt ?? null,
    ...(event === 'direct_report' ? { directReport: true, confirmedFeverAt: c.confirmedFeverAt } : {}),
  };
}
