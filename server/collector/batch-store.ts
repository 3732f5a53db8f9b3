import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import type { DayPartitions } from './partitions.ts';
import type { ValidRecord } from './record-rules.ts';

/** The contract's answer to a batch. */
export interface BatchAnswer {
  accepted: string[];
  duplicate: string[];
  /** `zh`: the reason in Chinese (absent in answers stored before it was given). */
  rejected: { id: string; reason: string; zh?: string }[];
}

/** A batch after validation: the records to store, and those already refused with a reason. */
export interface CheckedBatch {
  idempotencyKey: string;
  schoolId: string;
  kioskId: string;
  /** Every record id of the batch, in order (what the key stands for). */
  recordIds: string[];
  /** SHA-256 of the body as received: a resend with the same bytes is answered without parsing. */
  bodySha256: string;
  valid: ValidRecord[];
  rejected: { id: string; reason: string; zh: string }[];
}

/** What the collector holds for an Idempotency-Key. */
export interface EarlierBatch {
  /** The answer as first given, as JSON text (sent again as it is). */
  answer: string;
  recordIdsSha256: string;
  bodySha256: string | null;
}

/** The same Idempotency-Key came with other records: not a resend, a different batch. */
export class IdempotencyConflict extends Error {}

/** The client gave up before the batch's turn at the database came: nothing was stored. */
export class Abandoned extends Error {}

/** Decisions that send someone to the nurse or keep them out. */
export const FLAGGED_DECISIONS: readonly string[] = ['fever', 'code_yellow', 'code_red'];
const NOT_SCREENED: readonly string[] = ['retake', 'not_measured'];

export function recordIdsDigest(ids: readonly string[]): string {
  const hash = createHash('sha256');
  for (const id of ids) hash.update(`${id}\n`);
  return hash.digest('hex');
}

/** The UTC date of a record's time: the day its row is stored under, which never changes for it. */
export function storageDay(at: string): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** What one record adds to the day's figures (see `collector_store_batch`). */
export interface RecordFacts {
  /** The local date it counts for. */
  date: string | null;
  session: string | null;
  /** The person (a screening) or the absence. */
  key: string | null;
  marks: number;
  revision: number | null;
}

export const MARK = { screened: 1, flagged: 2, directReport: 4, absence: 8, absenceOpen: 16 } as const;

export function recordFacts(r: ValidRecord, timeZone: string): RecordFacts {
  const d = r.data;
  const none: RecordFacts = { date: null, session: null, key: null, marks: 0, revision: null };
  if (r.kind === 'screening') {
    // A guard's answer to a screening (`resolves`) is the same arrival, not a new one.
    if ('resolves' in d || NOT_SCREENED.includes(d.decision as string)) return none;
    const personId = typeof d.personId === 'string' ? d.personId : null;
    return {
      date: r.localDate,
      session: d.session as string,
      key: personId ?? r.id,
      marks: MARK.screened | (FLAGGED_DECISIONS.includes(d.decision as string) ? MARK.flagged : 0),
      revision: null,
    };
  }
  if (r.kind === 'absence') {
    return {
      date: r.localDate,
      session: d.session as string,
      key: typeof d.absenceId === 'string' ? d.absenceId : r.id,
      marks: MARK.absence | (d.status === 'arrived' ? 0 : MARK.absenceOpen),
      revision: typeof d.revision === 'number' ? d.revision : -1,
    };
  }
  if (r.directReport) {
    return {
      date: r.localDate ?? zonedMoment(new Date(r.at), timeZone).date,
      session: '',
      key: null,
      marks: MARK.directReport,
      revision: null,
    };
  }
  return none;
}

/** The answer this collector gave to a key before, if any. */
export async function earlierBatch(pool: Pool, schoolId: string, key: string): Promise<EarlierBatch | null> {
  const { rows } = await pool.query<{
    answer: string | null;
    record_ids_sha256: string;
    body_sha256: string | null;
  }>(
    `SELECT answer::text AS answer, record_ids_sha256, body_sha256 FROM batches
     WHERE school_id = $1 AND idempotency_key = $2`,
    [schoolId, key],
  );
  const row = rows[0];
  if (!row?.answer) return null;
  return { answer: row.answer, recordIdsSha256: row.record_ids_sha256, bodySha256: row.body_sha256 };
}

const MISSING_PARTITION = '23514';
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Stores a batch in one call of `collector_store_batch` (one round trip, one transaction): records go
 * in with ON CONFLICT DO NOTHING on (school, day, id), so a record already held is answered as a
 * duplicate and never stored twice; the day's figures, the kiosk's sign of life and the answer are
 * kept in the same transaction. Resolves to the answer as JSON text. A key another request took at
 * the same moment gets that request's answer, or an IdempotencyConflict for other records.
 */
export async function storeBatch(
  pool: Pool,
  partitions: DayPartitions,
  batch: CheckedBatch,
  timeZone: string,
  abandoned: () => boolean = () => false,
): Promise<{ answer: string; replay: boolean }> {
  const seen = new Set<string>();
  const records: ValidRecord[] = [];
  const repeated: string[] = [];
  for (const r of batch.valid) {
    if (seen.has(r.id)) repeated.push(r.id);
    else {
      seen.add(r.id);
      records.push(r);
    }
  }
  const facts = records.map((r) => recordFacts(r, timeZone));
  const empty = batch.recordIds.length === 0;
  const digest = recordIdsDigest(batch.recordIds);
  const params = [
    batch.schoolId,
    batch.kioskId,
    empty ? null : batch.idempotencyKey,
    digest,
    batch.bodySha256,
    batch.recordIds.length,
    records.map((r) => r.id),
    records.map((r) => r.kind),
    records.map((r) => r.at),
    records.map((r) => r.localDate),
    records.map((r) => JSON.stringify(r.data)),
    facts.map((f) => f.date),
    facts.map((f) => f.session),
    facts.map((f) => f.key),
    facts.map((f) => f.marks),
    facts.map((f) => f.revision),
    repeated,
    JSON.stringify(batch.rejected),
  ];
  const needs = {
    records: records.map((r) => storageDay(r.at)),
    people: facts.filter((f) => f.marks & MARK.screened).map((f) => f.date as string),
  };
  for (let attempt = 0; ; attempt++) {
    await partitions.ensure('records', needs.records);
    await partitions.ensure('check_people', needs.people);
    // The wait for a connection can be long when the district is busy: a request its kiosk has
    // given up on meanwhile stops here, before any work in the database.
    const client = await pool.connect();
    if (abandoned()) {
      client.release();
      throw new Abandoned('the client closed the connection while the batch waited for the database');
    }
    try {
      const { rows } = await client.query<{ answer: string }>(
        `SELECT collector_store_batch($1, $2, $3, $4, $5, $6, $7::text[], $8::text[], $9::timestamptz[],
           $10::date[], $11::jsonb[], $12::date[], $13::text[], $14::text[], $15::int[], $16::int[],
           $17::text[], $18::jsonb) AS answer`,
        params,
      );
      return { answer: (rows[0] as { answer: string }).answer, replay: false };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'GK409') {
        const earlier = await earlierBatch(pool, batch.schoolId, batch.idempotencyKey);
        if (earlier && earlier.recordIdsSha256 === digest) return { answer: earlier.answer, replay: true };
        throw new IdempotencyConflict(
          `Idempotency-Key ${batch.idempotencyKey} was already used for a different batch`,
        );
      }
      if (attempt < 2 && code === MISSING_PARTITION && /no partition/.test((err as Error).message)) {
        // A partition was dropped or made elsewhere since this process looked: look again.
        partitions.forget();
        continue;
      }
      if (attempt < 2 && code && RETRYABLE.has(code)) continue;
      throw err;
    } finally {
      client.release();
    }
  }
}
