import type { Pool } from 'pg';
import type { Logger } from '../logger.ts';
import { addDays, type DayPartitions } from './partitions.ts';

export interface RetentionOptions {
  /** Records are kept this many days (whole day partitions dropped after); null keeps them all. */
  keepDays: number | null;
  /** Rows of `batches` (the answers kept for resends) are deleted after this many days. */
  batchesKeepDays: number;
  /** Day partitions are made this many days ahead. */
  partitionsAhead: number;
}

export const defaultRetention: RetentionOptions = { keepDays: null, batchesKeepDays: 30, partitionsAhead: 7 };

const DELETE_CHUNK = 5000;

/** One round of upkeep: partitions ahead, old partitions dropped, old answers deleted. */
export async function upkeep(
  pool: Pool,
  partitions: DayPartitions,
  retention: RetentionOptions,
  now = new Date(),
): Promise<{ partitionsDropped: number; batchesDeleted: number }> {
  const today = now.toISOString().slice(0, 10);
  await partitions.makeAhead(today, retention.partitionsAhead);
  let partitionsDropped = 0;
  if (retention.keepDays !== null) {
    const before = addDays(today, -retention.keepDays);
    partitionsDropped = await partitions.dropBefore(before);
    await pool.query('DELETE FROM check_absences WHERE local_date < $1::date', [before]);
  }
  let batchesDeleted = 0;
  for (;;) {
    const result = await pool.query(
      `DELETE FROM batches b USING (
         SELECT school_id, idempotency_key FROM batches
         WHERE received_at < $1::timestamptz - make_interval(days => $2) LIMIT $3
       ) old
       WHERE b.school_id = old.school_id AND b.idempotency_key = old.idempotency_key`,
      [now.toISOString(), retention.batchesKeepDays, DELETE_CHUNK],
    );
    batchesDeleted += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < DELETE_CHUNK) break;
  }
  return { partitionsDropped, batchesDeleted };
}

/** Upkeep at start and every hour after, until stopped; a failed round is logged and tried next hour. */
export function scheduleUpkeep(
  pool: Pool,
  partitions: DayPartitions,
  retention: RetentionOptions,
  log: Logger,
  everyMs = 3_600_000,
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    running = upkeep(pool, partitions, retention).then(
      (done) => {
        if (done.partitionsDropped > 0 || done.batchesDeleted > 0)
          log.info({ ...done, zh: '收集端例行清理' }, 'collector upkeep');
      },
      (err) =>
        log.warn(
          { zh: '收集端例行清理失败，一小时后重试', err },
          'collector upkeep failed; tried again in an hour',
        ),
    );
  };
  const timer = setInterval(round, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
