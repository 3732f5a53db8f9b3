import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { ValidRecord } from './record-rules.ts';

/** The contract's answer to a batch. */
export interface BatchAnswer {
  accepted: string[];
  duplicate: string[];
  rejected: { id: string; reason: string }[];
}

/** A batch after validation: the records to store, and those already refused with a reason. */
export interface CheckedBatch {
  idempotencyKey: string;
  schoolId: string;
  kioskId: string;
  /** Every record id of the batch, in order (what the key stands for). */
  recordIds: string[];
  valid: ValidRecord[];
  rejected: { id: string; reason: string }[];
}

/** The same Idempotency-Key came with other records: not a resend, a different batch. */
export class IdempotencyConflict extends Error {}

export function recordIdsDigest(ids: readonly string[]): string {
  const hash = createHash('sha256');
  for (const id of ids) hash.update(`${id}\n`);
  return hash.digest('hex');
}

/**
 * Stores a batch in one transaction. The key is claimed first: a second request with the same key
 * waits for the first to commit and then returns its answer. Records go in with ON CONFLICT DO
 * NOTHING on (school, id), so a record already held is answered as a duplicate and never stored twice.
 */
export async function storeBatch(
  pool: Pool,
  batch: CheckedBatch,
): Promise<{ answer: BatchAnswer; replay: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await storeIn(client, batch);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function storeIn(
  client: PoolClient,
  batch: CheckedBatch,
): Promise<{ answer: BatchAnswer; replay: boolean }> {
  const { schoolId, kioskId } = batch;
  if (batch.recordIds.length === 0) {
    await seen(client, schoolId, kioskId);
    return { answer: { accepted: [], duplicate: [], rejected: [] }, replay: false };
  }
  const digest = recordIdsDigest(batch.recordIds);
  const claimed = await client.query(
    `INSERT INTO batches (idempotency_key, school_id, kiosk_id, record_ids_sha256, records)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1`,
    [batch.idempotencyKey, schoolId, kioskId, digest, batch.recordIds.length],
  );
  if (claimed.rowCount === 0) {
    const { rows } = await client.query<{
      school_id: string;
      record_ids_sha256: string;
      answer: BatchAnswer;
    }>('SELECT school_id, record_ids_sha256, answer FROM batches WHERE idempotency_key = $1', [
      batch.idempotencyKey,
    ]);
    const earlier = rows[0];
    if (!earlier?.answer || earlier.school_id !== schoolId || earlier.record_ids_sha256 !== digest) {
      throw new IdempotencyConflict(
        `Idempotency-Key ${batch.idempotencyKey} was already used for a different batch`,
      );
    }
    await seen(client, schoolId, kioskId);
    return { answer: earlier.answer, replay: true };
  }
  await seen(client, schoolId, kioskId);

  const fresh = new Map<string, ValidRecord>();
  const repeatedInBatch: string[] = [];
  for (const r of batch.valid) {
    if (fresh.has(r.id)) repeatedInBatch.push(r.id);
    else fresh.set(r.id, r);
  }
  const records = [...fresh.values()];
  const inserted =
    records.length === 0
      ? new Set<string>()
      : new Set(
          (
            await client.query<{ id: string }>(
              `INSERT INTO records (school_id, id, kind, at, local_date, kiosk_id, batch_key, data)
               SELECT $1, r.id, r.kind, r.at, r.local_date, $2, $3, r.data
               FROM unnest($4::text[], $5::text[], $6::timestamptz[], $7::date[], $8::jsonb[])
                 WITH ORDINALITY AS r (id, kind, at, local_date, data, n)
               ORDER BY r.n
               ON CONFLICT (school_id, id) DO NOTHING
               RETURNING id`,
              [
                schoolId,
                kioskId,
                batch.idempotencyKey,
                records.map((r) => r.id),
                records.map((r) => r.kind),
                records.map((r) => r.at),
                records.map((r) => r.localDate),
                records.map((r) => JSON.stringify(r.data)),
              ],
            )
          ).rows.map((row) => row.id),
        );
  const reports = records.filter((r) => r.directReport && inserted.has(r.id));
  if (reports.length > 0) {
    await client.query(
      `INSERT INTO direct_reports (school_id, record_id, reported_at)
       SELECT $1, r.id, r.at FROM unnest($2::text[], $3::timestamptz[]) AS r (id, at)
       ON CONFLICT DO NOTHING`,
      [schoolId, reports.map((r) => r.id), reports.map((r) => r.at)],
    );
  }
  const answer: BatchAnswer = {
    accepted: records.filter((r) => inserted.has(r.id)).map((r) => r.id),
    duplicate: [...records.filter((r) => !inserted.has(r.id)).map((r) => r.id), ...repeatedInBatch],
    rejected: batch.rejected,
  };
  await client.query('UPDATE batches SET answer = $2 WHERE idempotency_key = $1', [
    batch.idempotencyKey,
    JSON.stringify(answer),
  ]);
  return { answer, replay: false };
}

async function seen(client: PoolClient, schoolId: string, kioskId: string): Promise<void> {
  await client.query(
    `INSERT INTO schools (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET last_batch_at = now()`,
    [schoolId],
  );
  await client.query(
    `INSERT INTO kiosks (school_id, id) VALUES ($1, $2)
     ON CONFLICT (school_id, id) DO UPDATE SET last_batch_at = now()`,
    [schoolId, kioskId],
  );
}
