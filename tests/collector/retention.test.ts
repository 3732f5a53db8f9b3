import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from '../../server/collector/collector.ts';
import { addDays, DayPartitions } from '../../server/collector/partitions.ts';
import { upkeep } from '../../server/collector/upkeep.ts';
import { createLogger } from '../../server/logger.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

interface Answer {
  accepted: string[];
  duplicate: string[];
  rejected: { id: string; reason: string; zh: string }[];
}

const screening = (id: string, at: string) => ({
  id,
  kind: 'screening',
  at,
  data: {
    laneId: '1',
    session: 'morning',
    localDate: at.slice(0, 10),
    personId: `P-${id}`,
    temperatureC: 36.6,
    healthCode: 'green',
    decision: 'pass',
  },
});

const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => `${addDays(today, -n)}T03:00:00.000Z`;

describe('day partitions and retention', () => {
  let pgServer: TestPostgres;
  let collector: RunningCollector;
  let databaseUrl: string;
  let n = 0;
  const send = async (records: unknown[], batchId = `ret-${++n}`) => {
    const res = await fetch(`${collector.url}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': batchId },
      body: JSON.stringify({ schoolId: 'school-r', kioskId: 'gate-1', batchId, records }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Answer;
  };
  const partitionsOf = async (table: string) =>
    (
      await collector.pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = $1::regclass ORDER BY 1`,
        [table],
      )
    ).rows.map((r) => r.name);
  const partName = (table: string, date: string) => `${table}_p${date.replace(/-/g, '')}`;

  beforeAll(async () => {
    pgServer = await startPostgres();
    databaseUrl = await pgServer.createDatabase();
    collector = await startCollector({
      databaseUrl,
      port: 0,
      logger: createLogger('silent'),
      retention: { keepDays: 60, batchesKeepDays: 10, partitionsAhead: 3 },
    });
  });
  afterAll(async () => {
    await collector?.stop();
    await pgServer?.stop();
  });

  it('has the coming days partitioned before any record arrives', async () => {
    const parts = await partitionsOf('records');
    for (let d = -1; d <= 3; d++) expect(parts).toContain(partName('records', addDays(today, d)));
    expect(await partitionsOf('check_people')).toContain(partName('check_people', addDays(today, 3)));
  });

  it('files a record of an old day in a partition of its own, made when it comes', async () => {
    const at = daysAgo(40);
    expect(await send([screening('old-40', at)])).toEqual({
      accepted: ['old-40'],
      duplicate: [],
      rejected: [],
    });
    const row = await collector.pool.query<{ part: string }>(
      "SELECT tableoid::regclass::text AS part FROM records WHERE id = 'old-40'",
    );
    expect(row.rows[0]?.part).toBe(partName('records', at.slice(0, 10)));
    // Sent again in another batch, it is found on its day.
    expect(await send([screening('old-40', at)])).toMatchObject({ accepted: [], duplicate: ['old-40'] });
  });

  it('refuses records from a clock far ahead, and records older than the district keeps', async () => {
    const ahead = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const answer = await send([
      screening('ahead', ahead),
      screening('too-old', daysAgo(90)),
      screening('fine', daysAgo(1)),
    ]);
    expect(answer.accepted).toEqual(['fine']);
    const reasons = Object.fromEntries(answer.rejected.map((r) => [r.id, r.reason]));
    expect(reasons.ahead).toMatch(/^at: more than 2 days ahead of the district's clock/);
    expect(reasons['too-old']).toMatch(/^at: older than the district keeps records \(60 days/);
    const zh = Object.fromEntries(answer.rejected.map((r) => [r.id, r.zh]));
    expect(zh.ahead).toMatch(/^at：比区级服务器时间超前 2 天以上/);
    expect(zh['too-old']).toMatch(/^at：早于区级保存期限（60 天/);
  });

  it('leaves days to a partition made by another scheme (pg_partman, say)', async () => {
    await collector.pool.query(
      `CREATE TABLE records_other_scheme PARTITION OF records FOR VALUES FROM ('${addDays(today, -25)}') TO ('${addDays(today, -20)}')`,
    );
    expect((await send([screening('other', daysAgo(22))])).accepted).toEqual(['other']);
    const row = await collector.pool.query<{ part: string }>(
      "SELECT tableoid::regclass::text AS part FROM records WHERE id = 'other'",
    );
    expect(row.rows[0]?.part).toBe('records_other_scheme');
  });

  it('drops whole days past the kept days and forgets old answers, still answering their resends', async () => {
    const at = daysAgo(50);
    const first = await send([screening('aging', at)], 'ret-aging');
    expect(first.accepted).toEqual(['aging']);
    // Time passes: that answer is 20 days old, the day 70.
    await collector.pool.query(
      "UPDATE batches SET received_at = now() - interval '20 days' WHERE idempotency_key = 'ret-aging'",
    );
    const partitions = new DayPartitions(collector.pool);
    const done = await upkeep(collector.pool, partitions, {
      keepDays: 60,
      batchesKeepDays: 10,
      partitionsAhead: 3,
    });
    expect(done.batchesDeleted).toBe(1);
    expect(done.partitionsDropped).toBe(0);
    // Resent after its answer was forgotten: the record is found as a duplicate, not stored twice.
    expect(await send([screening('aging', at)], 'ret-aging')).toMatchObject({
      accepted: [],
      duplicate: ['aging'],
    });
    const copies = await collector.pool.query("SELECT count(*)::int AS n FROM records WHERE id = 'aging'");
    expect(copies.rows[0].n).toBe(1);

    const later = new Date(Date.now() + 25 * 86_400_000);
    const dropped = await upkeep(
      collector.pool,
      partitions,
      { keepDays: 60, batchesKeepDays: 10, partitionsAhead: 3 },
      later,
    );
    expect(dropped.partitionsDropped).toBeGreaterThanOrEqual(1);
    expect(await partitionsOf('records')).not.toContain(partName('records', at.slice(0, 10)));
    const gone = await collector.pool.query(
      "SELECT count(*)::int AS n FROM records WHERE id IN ('aging', 'old-40')",
    );
    expect(gone.rows[0].n).toBe(0);
    expect(await partitionsOf('records')).toContain('records_other_scheme');
  });
});
