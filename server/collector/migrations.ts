import type { Pool } from 'pg';
import { migration2 } from './migration-2.ts';

/** The collector's PostgreSQL schema, one version at a time; never edit a released one. */
export const collectorMigrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'schools, kiosks, batches, records, direct reports',
    sql: `
      CREATE TABLE schools (
        id             text PRIMARY KEY,
        first_seen_at  timestamptz NOT NULL DEFAULT now(),
        last_batch_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE kiosks (
        school_id      text NOT NULL REFERENCES schools (id),
        id             text NOT NULL,
        first_seen_at  timestamptz NOT NULL DEFAULT now(),
        last_batch_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (school_id, id)
      );
      -- One row per Idempotency-Key with the answer given, so a batch sent again gets the same answer.
      CREATE TABLE batches (
        idempotency_key   text PRIMARY KEY,
        school_id         text NOT NULL,
        kiosk_id          text NOT NULL,
        record_ids_sha256 text NOT NULL,
        records           integer NOT NULL,
        received_at       timestamptz NOT NULL DEFAULT now(),
        answer            jsonb
      );
      CREATE INDEX batches_by_time ON batches (received_at);
      -- A record id is stored once per school, however often it is sent.
      CREATE TABLE records (
        school_id     text NOT NULL REFERENCES schools (id),
        id            text NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('screening', 'case', 'absence', 'daily_summary')),
        at            timestamptz NOT NULL,
        local_date    date,
        kiosk_id      text NOT NULL,
        batch_key     text NOT NULL,
        data          jsonb NOT NULL,
        received_seq  bigint GENERATED ALWAYS AS IDENTITY,
        received_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (school_id, id)
      );
      CREATE INDEX records_by_day ON records (local_date, school_id, kind);
      CREATE TABLE direct_reports (
        school_id    text NOT NULL,
        record_id    text NOT NULL,
        reported_at  timestamptz NOT NULL,
        answered_at  timestamptz,
        answered_by  text,
        PRIMARY KEY (school_id, record_id),
        FOREIGN KEY (school_id, record_id) REFERENCES records (school_id, id)
      );
      CREATE INDEX direct_reports_unanswered ON direct_reports (reported_at) WHERE answered_at IS NULL;
    `,
  },
  {
    version: 2,
    name: 'rollup per school, day and check; records partitioned by day; keyed by school',
    sql: migration2,
  },
];

export class CollectorSchemaError extends Error {}

/**
 * Brings the schema up to date in one transaction under an advisory lock: collectors started at the
 * same moment take turns, and the later ones find nothing left to do.
 */
export async function migrateCollector(
  pool: Pool,
  opts: { timeZone?: string } = {},
): Promise<{ from: number; to: number }> {
  const newest = collectorMigrations.at(-1)?.version ?? 0;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('gate-kiosk collector schema'))");
    await client.query("SELECT set_config('gate_kiosk.time_zone', $1, true)", [
      opts.timeZone ?? 'Asia/Shanghai',
    ]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS collector_schema (
         version     integer PRIMARY KEY,
         name        text NOT NULL,
         applied_at  timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ v: number }>(
      'SELECT coalesce(max(version), 0)::int AS v FROM collector_schema',
    );
    const from = rows[0]?.v ?? 0;
    if (from > newest) {
      throw new CollectorSchemaError(
        `the collector database is at schema version ${from}, newer than this program (${newest}): upgrade gate-kiosk`,
      );
    }
    for (const m of collectorMigrations) {
      if (m.version <= from) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO collector_schema (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await client.query('COMMIT');
    return { from, to: Math.max(from, newest) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
