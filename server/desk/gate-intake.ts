import { dispositions, opensCase } from '../../kiosk/cases/case-rules.ts';
import type { CaseRecord, CaseStore } from '../../kiosk/store/cases.ts';
import type { Db } from '../../kiosk/store/database.ts';
import { newRecordId } from '../../kiosk/store/ids.ts';
import type { ScreeningRecord } from '../../kiosk/store/screenings.ts';
import type { BatchAnswer } from '../../kiosk/upload/post-batch.ts';
import { checkRecord, type ValidRecord } from '../collector/record-rules.ts';

/** What a batch from a gate brought that the desk's pages and checks must hear about. */
export interface IntakeResult {
  answer: BatchAnswer;
  /** Cases now open on the desk (for the nurse console). */
  opened: CaseRecord[];
  /** Screenings now on the desk (late arrivals close absences). */
  screenings: ScreeningRecord[];
}

/** A gate's lane as the desk names it: the gate's id, then the lane's. */
export const gateLaneId = (gateId: string, laneId: string) => `${gateId}/${laneId}`;

const DIRECT_REPORT_PRIORITY = 1;

/**
 * Takes a gate's records into the desk's own store: each once, by its id (a resend, a gate restored
 * from a backup, or two gates cloned from one image never count twice). A screening becomes one of
 * the desk's screenings, on the lane `<gate>/<lane>`; a case opened at the gate becomes the desk's,
 * with the same id, for the nurse. Every record is queued in the desk's outbox for the district,
 * unchanged but for `gateId` and `gateKioskId` in its data and the gate named in its lane.
 */
export class GateIntake {
  private readonly received;
  private readonly insertScreening;
  private readonly insertCase;
  private readonly closeCase;
  private readonly insertOutbox;
  private readonly screeningKnown;
  private readonly personKnown;
  private readonly fileOne;
  private readonly tx;

  constructor(
    db: Db,
    private readonly cases: CaseStore,
    private readonly now: () => number = Date.now,
  ) {
    this.received = db.prepare(
      `INSERT OR IGNORE INTO desk_received (record_id, gate_id, kiosk_id, kind, at, received_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.insertScreening = db.prepare(
      `INSERT OR IGNORE INTO screenings (id, at, local_date, lane_id, session, person_id, identity_text,
         temperature_c, temperature_source, object_c, ambient_c, calibration_id, health_code, decision, reasons)
       VALUES (@id, @at, @localDate, @laneId, @session, @personId, NULL, @temperatureC, @temperatureSource,
         @objectC, @ambientC, NULL, @healthCode, @decision, @reasons)`,
    );
    this.insertCase = db.prepare(
      `INSERT OR IGNORE INTO cases (id, screening_id, opened_at, local_date, person_id, lane_id, decision,
         gate_temperature_c, health_code)
       VALUES (@id, @screeningId, @openedAt, @localDate, @personId, @laneId, @decision, @gateTemperatureC,
         @healthCode)`,
    );
    this.closeCase = db.prepare(
      `UPDATE cases SET status = 'closed', disposition = @disposition, closed_at = @closedAt,
         closed_by = @closedBy WHERE id = @id AND status = 'open'`,
    );
    this.insertOutbox = db.prepare(
      'INSERT OR IGNORE INTO outbox (record_id, kind, at, data, priority) VALUES (?, ?, ?, ?, ?)',
    );
    this.screeningKnown = db.prepare('SELECT 1 FROM screenings WHERE id = ?').pluck();
    this.personKnown = db.prepare('SELECT 1 FROM people WHERE id = ?').pluck();
    // One record's filing, in a savepoint of the batch's transaction: a record the desk cannot file
    // is rejected on its own, with the reason, and the others are taken.
    this.fileOne = db.transaction((r: ValidRecord, gateId: string, kioskId: string, at: string) => {
      const filed: { opened: string[]; screening: ScreeningRecord | null } = { opened: [], screening: null };
      if (this.received.run(r.id, gateId, kioskId, r.kind, r.at, at).changes === 0) return null;
      const data: Record<string, unknown> = { ...r.data, gateId, gateKioskId: kioskId };
      if (typeof data.laneId === 'string') data.laneId = gateLaneId(gateId, data.laneId);
      if (r.kind === 'screening') {
        const s = this.screening(r, data);
        filed.screening = s;
        if (s.personId === null && opensCase(s.decision)) {
          // A gate queues no case record for an unidentified entrant: the desk opens its own.
          const c = this.openUnidentified(s);
          if (c) filed.opened.push(c);
        }
      } else if (r.kind === 'case') {
        const c = this.caseEvent(r, data);
        if (c) filed.opened.push(c);
      }
      this.insertOutbox.run(
        r.id,
        r.kind,
        r.at,
        JSON.stringify(data),
        r.directReport ? DIRECT_REPORT_PRIORITY : 0,
      );
      return filed;
    });
    this.tx = db.transaction((gateId: string, kioskId: string, records: ValidRecord[]) => {
      const accepted: string[] = [];
      const duplicate: string[] = [];
      const rejected: { id: string; reason: string }[] = [];
      const opened: string[] = [];
      const screenings: ScreeningRecord[] = [];
      const at = new Date(this.now()).toISOString();
      for (const r of records) {
        if (r.kind === 'case' && !this.screeningKnownFor(r)) continue; // its screening first: unanswered, sent again
        let filed: ReturnType<typeof this.fileOne>;
        try {
          filed = this.fileOne(r, gateId, kioskId, at);
        } catch (err) {
          rejected.push({ id: r.id, reason: `the desk could not file it: ${(err as Error).message}` });
          continue;
        }
        if (filed === null) {
          duplicate.push(r.id);
          continue;
        }
        accepted.push(r.id);
        opened.push(...filed.opened);
        if (filed.screening) screenings.push(filed.screening);
      }
      return { accepted, duplicate, rejected, opened, screenings };
    });
  }

  take(
    gateId: string,
    kioskId: string,
    raw: readonly (Record<string, unknown> & { id: string })[],
  ): IntakeResult {
    const valid: ValidRecord[] = [];
    const rejected: { id: string; reason: string }[] = [];
    for (const r of raw) {
      const checked = checkRecord(r);
      if (checked.ok) valid.push(checked.record);
      else rejected.push({ id: r.id, reason: checked.reason });
    }
    // A case's screening goes first, wherever each stands in the batch.
    valid.sort((a, b) => Number(a.kind !== 'screening') - Number(b.kind !== 'screening'));
    const filed = this.tx(gateId, kioskId, valid);
    const { accepted, duplicate, opened, screenings } = filed;
    rejected.push(...filed.rejected);
    return {
      answer: { accepted, duplicate, rejected },
      opened: opened.flatMap((id) => this.cases.get(id) ?? []),
      screenings,
    };
  }

  /** A case opened at a gate names its screening, which the desk must hold first. */
  private screeningKnownFor(r: ValidRecord): boolean {
    const d = r.data as { event?: unknown; screeningId?: unknown };
    if (d.event !== 'opened' || typeof d.screeningId !== 'string') return true;
    return this.screeningKnown.get(d.screeningId) !== undefined;
  }

  /** The desk's copy names only people on the desk's roster (the gate's came from it); the district's copy is as sent. */
  private knownPerson(id: string | null): string | null {
    return id !== null && this.personKnown.get(id) !== undefined ? id : null;
  }

  private screening(r: ValidRecord, data: Record<string, unknown>): ScreeningRecord {
    const d = data as {
      laneId: string;
      session: string;
      localDate: string;
      personId: string | null;
      temperatureC: number | null;
      temperatureSource?: string | null;
      objectC?: number | null;
      ambientC?: number | null;
      healthCode: ScreeningRecord['healthCode'];
      decision: ScreeningRecord['decision'];
      reasons?: string[];
    };
    const s: ScreeningRecord = {
      id: r.id,
      at: r.at,
      localDate: d.localDate,
      laneId: d.laneId,
      session: d.session,
      personId: d.personId,
      identityText: null,
      temperatureC: d.temperatureC,
      temperatureSource: d.temperatureSource ?? null,
      objectC: d.objectC ?? null,
      ambientC: d.ambientC ?? null,
      calibrationId: null,
      healthCode: d.healthCode,
      decision: d.decision,
      reasons: (d.reasons ?? []).map((code) => ({ code, zh: code, en: code })),
    };
    this.insertScreening.run({
      ...s,
      personId: this.knownPerson(s.personId),
      reasons: JSON.stringify(s.reasons),
    });
    return s;
  }

  private caseEvent(r: ValidRecord, data: Record<string, unknown>): string | null {
    const d = data as {
      caseId?: string;
      event?: string;
      screeningId?: string;
      personId: string | null;
      localDate?: string;
      openedAt?: string;
      laneId?: string;
      decision?: string;
      gateTemperatureC?: number | null;
      healthCode?: string;
      disposition?: string | null;
      closedAt?: string | null;
    };
    if (!d.caseId) return null;
    if (
      d.event === 'opened' &&
      d.screeningId &&
      d.decision &&
      opensCase(d.decision as ScreeningRecord['decision'])
    ) {
      const changes = this.insertCase.run({
        id: d.caseId,
        screeningId: d.screeningId,
        openedAt: d.openedAt ?? r.at,
        localDate: d.localDate ?? r.localDate ?? r.at.slice(0, 10),
        personId: this.knownPerson(d.personId),
        laneId: d.laneId ?? '',
        decision: d.decision,
        gateTemperatureC: d.gateTemperatureC ?? null,
        healthCode: d.healthCode ?? 'unknown',
      }).changes;
      return changes > 0 ? d.caseId : null;
    }
    if (d.event === 'closed' && isDisposition(d.disposition) && typeof d.closedAt === 'string') {
      // Closed at the gate (a guard checked a `verify` by hand): the desk's copy closes too.
      this.closeCase.run({
        id: d.caseId,
        disposition: d.disposition,
        closedAt: d.closedAt,
        closedBy: 'gate',
      });
    }
    return null;
  }

  private openUnidentified(s: ScreeningRecord): string | null {
    if (!opensCase(s.decision)) return null;
    const id = newRecordId(Date.parse(s.at));
    this.insertCase.run({
      id,
      screeningId: s.id,
      openedAt: s.at,
      localDate: s.localDate,
      personId: null,
      laneId: s.laneId,
      decision: s.decision,
      gateTemperatureC: s.temperatureC,
      healthCode: s.healthCode,
    });
    return id;
  }
}

const isDisposition = (v: unknown): v is string => (dispositions as readonly unknown[]).includes(v);
