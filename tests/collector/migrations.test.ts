import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordIdsDigest } from '../../server/collector/batch-store.ts';
import { startCollector } from '../../server/collector/collector.ts';
import type { DistrictDay } from '../../server/collector/district-queries.ts';
import { collectorMigrations } from '../../server/collector/migrations.ts';
import { createLogger } from '../../server/logger.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

describe('the collector schema', () => {
  let pgServer: TestPostgres;
  beforeAll(async () => {
    pgServer = await startPostgres();
  });
  afterAll(async () => {
    await pgServer?.stop();
  });

  it('is created once when several collectors start on an empty database at the same moment', async () => {
    const databaseUrl = await pgServer.createDatabase();
    const collectors = await Promise.all(
      Array.from({ length: 4 }, () =>
        startCollector({ databaseUrl, port: 0, logger: createLogger('silent') }),
      ),
    );
    try {
      const applied = await collectors[0]?.pool.query(
        'SELECT version FROM collector_schema ORDER BY version',
      );
      expect(applied?.rows.map((r) => r.version)).toEqual(collectorMigrations.map((m) => m.version));
      for (const c of collectors) expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    } finally {
      await Promise.all(collectors.map((c) => c.stop()));
    }
  });

  it('refuses to start on a database from a newer collector, saying which versions', async () => {
    const databaseUrl = await pgServer.createDatabase();
    const first = await startCollector({ databaseUrl, port: 0, logger: createLogger('silent') });
    await first.pool.query("INSERT INTO collector_schema (version, name) VALUES (999, 'from the future')");
    await first.stop();
    await expect(startCollector({ databaseUrl, port: 0, logger: createLogger('silent') })).rejects.toThrow(
      /schema version 999, newer than this program/,
    );
  });

  it('upgrades a version-1 database with its data: records kept in order, the overview built from them', async () => {
    const databaseUrl = await pgServer.createDatabase();
    const v1 = new pg.Client({ connectionString: databaseUrl });
    await v1.connect();
    const first = collectorMigrations[0] as { version: number; name: string; sql: string };
    await v1.query(`CREATE TABLE collector_schema (version integer PRIMARY KEY, name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    await v1.query(first.sql);
    await v1.query('INSERT INTO collector_schema (version, name) VALUES ($1, $2)', [
      first.version,
      first.name,
    ]);
    // What version 1 stored for two schools: one with every kind of fact, one with many screenings
    // whose times cross midnight UTC.
    const day = '2026-11-20';
    const screening = (id: string, person: string | null, session: string, decision: string, at: string) =>
      [
        'old-east',
        id,
        'screening',
        at,
        day,
        {
          laneId: '1',
          session,
          localDate: day,
          personId: person,
          temperatureC: 36.6,
          healthCode: 'green',
          decision,
        },
      ] as const;
    const absence = (id: string, person: string, revision: number, status: string) =>
      [
        'old-east',
        id,
        'absence',
        `2026-11-20T01:0${revision}:00Z`,
        day,
        {
          absenceId: `abs-${person}`,
          revision,
          status,
          personId: person,
          localDate: day,
          session: 'morning',
          reason: 'sick',
        },
      ] as const;
    const rows = [
      screening('e1', 'P1', 'morning', 'pass', '2026-11-19T23:50:00Z'),
      screening('e2', 'P2', 'morning', 'retake', '2026-11-20T00:01:00Z'),
      screening('e3', 'P2', 'morning', 'pass', '2026-11-20T00:02:00Z'),
      screening('e4', null, 'morning', 'unknown_person', '2026-11-20T00:03:00Z'),
      screening('e5', 'P1', 'noon', 'fever', '2026-11-20T04:00:00Z'),
      absence('e6', 'P3', 0, 'open'),
      absence('e7', 'P3', 1, 'arrived'),
      absence('e8', 'P4', 0, 'open'),
      [
        'old-east',
        'e9',
        'case',
        '2026-11-20T04:05:00Z',
        day,
        { personId: 'P1', status: 'open', directReport: true, localDate: day },
      ],
      [
        'old-east',
        'e10',
        'case',
        '2026-11-20T05:00:00Z',
        null,
        { personId: 'P7', status: 'open', directReport: true },
      ],
      ...Array.from(
        { length: 200 },
        (_, i) =>
          [
            'old-west',
            `w${i}`,
            'screening',
            new Date(Date.parse('2026-11-19T22:00:00Z') + i * 60_000).toISOString(),
            day,
            {
              laneId: '1',
              session: 'morning',
              localDate: day,
              personId: `W${i % 150}`,
              temperatureC: 36.6,
              healthCode: 'green',
              decision: i % 50 === 0 ? 'fever' : 'pass',
            },
          ] as const,
      ),
    ];
    for (const school of ['old-east', 'old-west']) {
      await v1.query('INSERT INTO schools (id) VALUES ($1)', [school]);
      await v1.query("INSERT INTO kiosks (school_id, id) VALUES ($1, 'gate-1')", [school]);
    }
    for (const [school, id, kind, at, localDate, data] of rows) {
      await v1.query(
        `INSERT INTO records (school_id, id, kind, at, local_date, kiosk_id, batch_key, data)
         VALUES ($1, $2, $3, $4, $5, 'gate-1', 'old-batch-1', $6)`,
        [school, id, kind, at, localDate, JSON.stringify(data)],
      );
    }
    await v1.query(
      `INSERT INTO direct_reports (school_id, record_id, reported_at) VALUES
       ('old-east', 'e9', '2026-11-20T04:05:00Z'), ('old-east', 'e10', '2026-11-20T05:00:00Z')`,
    );
    const oldAnswer = { accepted: ['e1', 'e2', 'e3'], duplicate: [], rejected: [] };
    await v1.query(
      `INSERT INTO batches (idempotency_key, school_id, kiosk_id, record_ids_sha256, records, answer)
       VALUES ('old-batch-1', 'old-east', 'gate-1', $1, 3, $2)`,
      [recordIdsDigest(['e1', 'e2', 'e3']), JSON.stringify(oldAnswer)],
    );
    const before = (await v1.query<{ id: string }>('SELECT id FROM records ORDER BY received_seq')).rows;
    await v1.end();

    const c = await startCollector({ databaseUrl, port: 0, logger: createLogger('silent') });
    try {
      const versions = await c.pool.query('SELECT version FROM collector_schema ORDER BY version');
      expect(versions.rows.map((r) => r.version)).toEqual([1, 2]);
      const after = await c.pool.query<{ id: string; part: string; at: Date }>(
        'SELECT id, tableoid::regclass::text AS part, at FROM records ORDER BY received_seq',
      );
      expect(after.rows.map((r) => r.id)).toEqual(before.map((r) => r.id));
      for (const r of after.rows)
        expect(r.part).toBe(`records_p${r.at.toISOString().slice(0, 10).replace(/-/g, '')}`);

      const overview = (await (await fetch(`${c.url}/v1/district/day?date=${day}`)).json()) as DistrictDay;
      const east = overview.schools.find((s) => s.schoolId === 'old-east');
      expect(east).toMatchObject({
        screened: 3,
        flagged: 1,
        absent: 1,
        directReports: 2,
        unansweredDirectReports: 2,
      });
      expect(east?.checks).toEqual([
        { session: 'morning', screened: 3, flagged: 0, absent: 1 },
        { session: 'noon', screened: 1, flagged: 1, absent: 0 },
      ]);
      expect(overview.schools.find((s) => s.schoolId === 'old-west')).toMatchObject({
        screened: 150,
        flagged: 3,
      });
      expect(overview.directReports.map((r) => [r.recordId, r.personId, r.kioskId])).toEqual([
        ['e9', 'P1', 'gate-1'],
        ['e10', 'P7', 'gate-1'],
      ]);

      const send = (batchId: string, records: unknown[]) =>
        fetch(`${c.url}/v1/batches`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': batchId },
          body: JSON.stringify({ schoolId: 'old-east', kioskId: 'gate-1', batchId, records }),
        });
      const asSent = (id: string) => {
        const r = rows.find((x) => x[1] === id) as (typeof rows)[number];
        return { id, kind: r[2], at: r[3], data: r[5] };
      };
      // The batch version 1 answered is answered the same; its key with other records is refused.
      const resend = await send('old-batch-1', ['e1', 'e2', 'e3'].map(asSent));
      expect(resend.status).toBe(200);
      expect(await resend.json()).toEqual(oldAnswer);
      expect((await send('old-batch-1', ['e1', 'e2'].map(asSent))).status).toBe(422);
      // A record version 1 holds is a duplicate; a new one of that day is counted on top of the old figures.
      const fresh = {
        id: 'e11',
        kind: 'screening',
        at: '2026-11-20T00:30:00Z',
        data: {
          laneId: '1',
          session: 'morning',
          localDate: day,
          personId: 'P9',
          temperatureC: 36.6,
          healthCode: 'green',
          decision: 'pass',
        },
      };
      const mixed = await send('new-batch-1', [asSent('e5'), fresh]);
      expect(await mixed.json()).toEqual({ accepted: ['e11'], duplicate: ['e5'], rejected: [] });
      const seq = await c.pool.query<{ id: string }>(
        'SELECT id FROM records ORDER BY received_seq DESC LIMIT 1',
      );
      expect(seq.rows[0]?.id).toBe('e11');
      const later = (await (await fetch(`${c.url}/v1/district/day?date=${day}`)).json()) as DistrictDay;
      expect(later.schools.find((s) => s.schoolId === 'old-east')).toMatchObject({ screened: 4, flagged: 1 });
    } finally {
      await c.stop();
    }
  });

  it('names the database it cannot reach, without its password', async () => {
    const url = `postgres://district:s3cret@127.0.0.1:${pgServer.port}/no_such_db`;
    const failure = startCollector({ databaseUrl: url, port: 0, logger: createLogger('silent') });
    await expect(failure).rejects.toThrow(/no_such_db/);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });
});
