import type pg from 'pg';
import type { Db } from '../../kiosk/store/database.ts';
import { newRecordId } from '../../kiosk/store/ids.ts';
import type { ScreeningRecord } from '../../kiosk/store/screenings.ts';

/** A screening as the lanes commit it (of someone not on the roster, so no person row is needed). */
export const screeningRecord = (over: Partial<ScreeningRecord> = {}): ScreeningRecord => ({
  id: newRecordId(),
  at: new Date().toISOString(),
  localDate: '2026-11-23',
  laneId: '1',
  session: 'morning',
  personId: null,
  identityText: 'VISITOR',
  temperatureC: 36.6,
  temperatureSource: 'device_body',
  objectC: null,
  ambientC: null,
  calibrationId: null,
  healthCode: 'green',
  decision: 'unknown_person',
  reasons: [],
  ...over,
});

/** A screening's `data` as the outbox holds it, with any extra fields. */
export const screeningData = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    laneId: '1',
    session: 'morning',
    localDate: '2026-11-23',
    personId: 'S0001',
    temperatureC: 36.6,
    temperatureSource: 'device_body',
    objectC: null,
    ambientC: null,
    healthCode: 'green',
    decision: 'pass',
    reasons: [],
    ...extra,
  });

/** Outbox rows written straight into the table, in one transaction (a backlog in a second). */
export function insertOutboxRows(
  db: Db,
  count: number,
  opts: { kind?: string; priority?: number; data?: string } = {},
): string[] {
  const insert = db.prepare(
    'INSERT INTO outbox (record_id, kind, at, data, priority) VALUES (?, ?, ?, ?, ?)',
  );
  const ids: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = newRecordId();
      insert.run(
        id,
        opts.kind ?? 'screening',
        new Date().toISOString(),
        opts.data ?? screeningData(),
        opts.priority ?? 0,
      );
      ids.push(id);
    }
  })();
  return ids;
}

/** What the collector holds for a school: each record id with how many rows it has, in arrival order. */
export async function collectorRecords(
  pool: pg.Pool,
  schoolId: string,
): Promise<{ id: string; copies: number }[]> {
  const { rows } = await pool.query<{ id: string; copies: number }>(
    `SELECT id, count(*) OVER (PARTITION BY id)::int AS copies FROM records WHERE school_id = $1 ORDER BY received_seq`,
    [schoolId],
  );
  return rows;
}

export function outboxStatuses(db: Db): Record<string, number> {
  const rows = db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as {
    status: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
