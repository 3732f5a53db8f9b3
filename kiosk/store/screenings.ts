import type { Decision, HealthCode, Reason } from '../policy/types.ts';
import { Outbox } from '../upload/outbox.ts';
import type { Db } from './database.ts';

export interface ScreeningRecord {
  id: string;
  at: string;
  localDate: string;
  laneId: string;
  session: string;
  personId: string | null;
  identityText: string | null;
  temperatureC: number | null;
  temperatureSource: string | null;
  /** Raw forehead and ambient values when the body temperature was estimated from them. */
  objectC: number | null;
  ambientC: number | null;
  calibrationId: number | null;
  healthCode: HealthCode;
  decision: Decision;
  reasons: Reason[];
}

/** A day's screening as the forms and the summary count it. */
export interface DayScreening {
  id: string;
  at: string;
  laneId: string;
  session: string;
  personId: string | null;
  temperatureC: number | null;
  decision: Decision;
}

export interface ScreeningFilter {
  date?: string;
  lane?: string;
  session?: string;
  decision?: string;
  limit?: number;
}

interface Row {
  id: string;
  at: string;
  local_date: string;
  lane_id: string;
  session: string;
  person_id: string | null;
  identity_text: string | null;
  temperature_c: number | null;
  temperature_source: string | null;
  object_c: number | null;
  ambient_c: number | null;
  calibration_id: number | null;
  health_code: HealthCode;
  decision: Decision;
  reasons: string;
}

/** Commits batches of screenings elsewhere (another thread): each record's error, or null where durable. */
export interface BatchWriter {
  commit(records: readonly ScreeningRecord[]): Promise<(Error | null)[]>;
}

type EarlierLookup = (personId: string, localDate: string, session: string) => ScreeningRecord | null;

/** The screenings table, and the outbox row each screening is queued with for the district. */
export class ScreeningStore {
  private readonly insertScreening;
  private readonly commitTx;
  private readonly earlier;
  private readonly byPerson;
  private readonly inCommit: ((record: ScreeningRecord) => void)[] = [];
  private readonly elsewhere: EarlierLookup[] = [];
  private readonly commitBatchTx;
  private batch: { record: ScreeningRecord; done: (err: Error | null) => void }[] = [];
  private writer: BatchWriter | null = null;
  /** Transactions (one fsync each) and the records they carried, for the bench. */
  readonly commits = { transactions: 0, records: 0 };

  constructor(private readonly db: Db) {
    this.insertScreening = db.prepare(
      `INSERT INTO screenings (id, at, local_date, lane_id, session, person_id, identity_text, temperature_c,
         temperature_source, object_c, ambient_c, calibration_id, health_code, decision, reasons)
       VALUES (@id, @at, @localDate, @laneId, @session, @personId, @identityText, @temperatureC,
         @temperatureSource, @objectC, @ambientC, @calibrationId, @healthCode, @decision, @reasons)`,
    );
    this.earlier = db.prepare(
      `SELECT * FROM screenings WHERE person_id = ? AND local_date = ? AND session = ?
         AND decision NOT IN ('retake', 'not_measured') AND temperature_c IS NOT NULL
       ORDER BY at DESC, id DESC LIMIT 1`,
    );
    this.byPerson = db.prepare(
      `SELECT * FROM screenings WHERE person_id = ? AND local_date >= ? ORDER BY at, id LIMIT ?`,
    );
    const insert = (r: ScreeningRecord) => {
      this.insertScreening.run({ ...r, reasons: JSON.stringify(r.reasons) });
      Outbox.enqueue(db, {
        recordId: r.id,
        kind: 'screening',
        at: r.at,
        data: JSON.stringify(uploadData(r)),
      });
      for (const hook of this.inCommit) hook(r);
    };
    this.commitTx = db.transaction(insert);
    this.commitBatchTx = db.transaction((records: readonly ScreeningRecord[]) => {
      for (const r of records) insert(r);
    });
  }

  /**
   * Commits `record` together with every other record handed in during this turn of the event loop:
   * one transaction, one fsync for all of them, here or in the writer thread (`useWriter`). Resolves
   * once it is durable; rejects if it is not.
   */
  commitSoon(record: ScreeningRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.batch.length === 0) setImmediate(() => void this.flush());
      this.batch.push({ record, done: (err) => (err ? reject(err) : resolve()) });
    });
  }

  /** Hands `commitSoon`'s batches to another thread's connection (see screening-writer.ts). */
  useWriter(writer: BatchWriter): void {
    this.writer = writer;
  }

  private async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const records = batch.map((b) => b.record);
    let errors: (Error | null)[];
    try {
      errors = this.writer ? await this.writer.commit(records) : this.commitMany(records);
      if (this.writer) {
        this.commits.transactions++;
        this.commits.records += errors.filter((e) => e === null).length;
      }
    } catch (err) {
      // The writer thread is gone: nothing it did not answer is lost, it is committed here.
      if (this.writer && err instanceof Error && err.name === 'WriterGone') {
        this.writer = null;
        errors = this.commitMany(records);
      } else errors = records.map(() => err as Error);
    }
    batch.forEach((b, i) => {
      b.done(errors[i] ?? null);
    });
  }

  /**
   * Commits the records in one transaction; when that fails, each on its own, so one bad record
   * fails alone. Returns each record's error, or null where it is durable.
   */
  commitMany(records: readonly ScreeningRecord[]): (Error | null)[] {
    try {
      this.commitBatchTx(records);
      this.commits.transactions++;
      this.commits.records += records.length;
      return records.map(() => null);
    } catch (batchErr) {
      if (records.length === 1) return [batchErr as Error];
      return records.map((r) => {
        try {
          this.commit(r);
          return null;
        } catch (err) {
          return err as Error;
        }
      });
    }
  }

  /**
   * Durable when it returns (WAL, synchronous=FULL): the screening and its outbox row, with whatever
   * `alsoInCommit` adds (a nurse's case), or none of them.
   */
  commit(record: ScreeningRecord): void {
    this.commitTx(record);
    this.commits.transactions++;
    this.commits.records++;
  }

  /** Runs `hook` inside every later commit's transaction: what it writes stands or falls with the screening. */
  alsoInCommit(hook: (record: ScreeningRecord) => void): void {
    this.inCommit.push(hook);
  }

  /** A person's screenings on or after a school-local date, oldest first. */
  forPerson(personId: string, fromDate: string, limit = 100): ScreeningRecord[] {
    return (this.byPerson.all(personId, fromDate, limit) as Row[]).map(fromRow);
  }

  get(id: string): ScreeningRecord | null {
    const row = this.db.prepare('SELECT * FROM screenings WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  list(filter: ScreeningFilter = {}): ScreeningRecord[] {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    if (filter.date) {
      where.push('local_date = @date');
      params.date = filter.date;
    }
    if (filter.lane) {
      where.push('lane_id = @lane');
      params.lane = filter.lane;
    }
    if (filter.session) {
      where.push('session = @session');
      params.session = filter.session;
    }
    if (filter.decision) {
      where.push('decision = @decision');
      params.decision = filter.decision;
    }
    params.limit = filter.limit ?? 1000;
    const sql = `SELECT * FROM screenings ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY at DESC, id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map(fromRow);
  }

  /** The screening that counts for this person in this session: the latest with a reading that was not a re-take. */
  earlierInSession(personId: string, localDate: string, session: string): ScreeningRecord | null {
    const row = this.earlier.get(personId, localDate, session) as Row | undefined;
    let found = row ? fromRow(row) : null;
    for (const elsewhere of this.elsewhere) {
      const other = elsewhere(personId, localDate, session);
      if (other && (found === null || other.at > found.at)) found = other;
    }
    return found;
  }

  /** Screenings made elsewhere (the school's other gates) count for repeats too. */
  alsoEarlierFrom(lookup: EarlierLookup): void {
    this.elsewhere.push(lookup);
  }

  /** Every screening of a school-local day, in order. */
  ofDay(localDate: string): DayScreening[] {
    return this.db
      .prepare(
        `SELECT id, at, lane_id AS laneId, session, person_id AS personId, temperature_c AS temperatureC, decision
         FROM screenings WHERE local_date = ? ORDER BY at, id`,
      )
      .all(localDate) as DayScreening[];
  }

  /**
   * Removes the raw values of screenings before `before` that have reached the district: temperatures,
   * scanned text, and the texts of their reasons (the codes stay). The rows themselves stay. How many.
   */
  scrubUploadedBefore(before: string): number {
    const rows = this.db
      .prepare(
        `SELECT s.id, s.reasons FROM screenings s JOIN outbox o ON o.record_id = s.id
         WHERE s.at < ? AND o.status = 'sent'
           AND (s.temperature_c IS NOT NULL OR s.object_c IS NOT NULL OR s.ambient_c IS NOT NULL
                OR s.identity_text IS NOT NULL OR s.reasons LIKE '%"zh"%')`,
      )
      .all(before) as { id: string; reasons: string }[];
    const scrub = this.db.prepare(
      `UPDATE screenings SET temperature_c = NULL, object_c = NULL, ambient_c = NULL, identity_text = NULL,
         reasons = ? WHERE id = ?`,
    );
    for (const row of rows) {
      const codes = (JSON.parse(row.reasons) as { code: string }[]).map((r) => ({
        code: r.code,
        zh: '',
        en: '',
      }));
      scrub.run(JSON.stringify(codes), row.id);
    }
    return rows.length;
  }

  pendingUploads(): number {
    return (
      this.db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").get() as { n: number }
    ).n;
  }
}

function fromRow(row: Row): ScreeningRecord {
  return {
    id: row.id,
    at: row.at,
    localDate: row.local_date,
    laneId: row.lane_id,
    session: row.session,
    personId: row.person_id,
    identityText: row.identity_text,
    temperatureC: row.temperature_c,
    temperatureSource: row.temperature_source,
    objectC: row.object_c,
    ambientC: row.ambient_c,
    calibrationId: row.calibration_id,
    healthCode: row.health_code,
    decision: row.decision,
    reasons: JSON.parse(row.reasons) as Reason[],
  };
}

/** What the district receives of a screening: no raw scanned text. */
function uploadData(r: ScreeningRecord) {
  return {
    laneId: r.laneId,
    session: r.session,
    localDate: r.localDate,
    personId: r.personId,
    temperatureC: r.temperatureC,
    temperatureSource: r.temperatureSource,
    objectC: r.objectC,
    ambientC: r.ambientC,
    healthCode: r.healthCode,
    decision: r.decision,
    reasons: r.reasons.map((x) => x.code),
  };
}
