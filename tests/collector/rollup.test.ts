import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from '../../server/collector/collector.ts';
import type { DistrictDay } from '../../server/collector/district-queries.ts';
import { createLogger } from '../../server/logger.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { inParallel } from '../helpers/raw-http.ts';

const DAY = '2026-11-23';
const at = (minute: number) => new Date(Date.parse('2026-11-23T00:00:00Z') + minute * 60_000).toISOString();

interface Rec {
  id: string;
  kind: string;
  at: string;
  data: Record<string, unknown>;
}

/**
 * The day's figures counted straight from every stored record, as the overview did before it had a
 * rollup: people (or, with nobody scanned, readings) screened and flagged per check and over the day,
 * absences by their latest revision, direct reports. The rollup must always agree with this.
 */
async function countedFromRecords(pool: Pool, date: string) {
  const { rows } = await pool.query<{
    school_id: string;
    session: string;
    screened: number;
    flagged: number;
    absent: number;
  }>(
    `WITH s AS (
       SELECT school_id, data->>'session' AS session, coalesce(data->>'personId', id) AS person,
              data->>'decision' IN ('fever', 'code_yellow', 'code_red') AS flagged
       FROM records WHERE kind = 'screening' AND local_date = $1::date AND NOT data ? 'resolves'
         AND data->>'decision' NOT IN ('retake', 'not_measured')
     ), a AS (
       SELECT DISTINCT ON (school_id, data->>'session', coalesce(data->>'absenceId', id))
              school_id, data->>'session' AS session, data->>'status' IS DISTINCT FROM 'arrived' AS open
       FROM records WHERE kind = 'absence' AND local_date = $1::date
       ORDER BY school_id, data->>'session', coalesce(data->>'absenceId', id),
                coalesce((data->>'revision')::int, -1) DESC, at DESC
     )
     SELECT school_id, session, sum(screened)::int AS screened, sum(flagged)::int AS flagged, sum(absent)::int AS absent
     FROM (
       SELECT school_id, session, count(DISTINCT person) AS screened,
              count(DISTINCT person) FILTER (WHERE flagged) AS flagged, 0 AS absent FROM s GROUP BY 1, 2
       UNION ALL
       SELECT school_id, '', count(DISTINCT person), count(DISTINCT person) FILTER (WHERE flagged), 0 FROM s GROUP BY 1
       UNION ALL
       SELECT school_id, session, 0, 0, count(*) FILTER (WHERE open) FROM a GROUP BY 1, 2
       UNION ALL
       SELECT school_id, '', 0, 0, count(*) FILTER (WHERE open) FROM a GROUP BY 1
     ) x GROUP BY 1, 2`,
    [date],
  );
  const out = new Map<string, { screened: number; flagged: number; absent: number }>();
  for (const r of rows) {
    if (r.screened || r.flagged || r.absent)
      out.set(`${r.school_id}/${r.session}`, { screened: r.screened, flagged: r.flagged, absent: r.absent });
  }
  return out;
}

function fromOverview(day: DistrictDay) {
  const out = new Map<string, { screened: number; flagged: number; absent: number }>();
  for (const s of day.schools) {
    const whole = { screened: s.screened, flagged: s.flagged, absent: s.absent };
    if (whole.screened || whole.flagged || whole.absent) out.set(`${s.schoolId}/`, whole);
    for (const c of s.checks) {
      if (c.screened || c.flagged || c.absent)
        out.set(`${s.schoolId}/${c.session}`, { screened: c.screened, flagged: c.flagged, absent: c.absent });
    }
  }
  return out;
}

describe('the day overview kept as batches are stored', () => {
  let pgServer: TestPostgres;
  let collector: RunningCollector;
  let batchNo = 0;
  let runs = 0;
  const send = async (schoolId: string, kioskId: string, records: Rec[], batchId = `b-${++batchNo}`) => {
    const res = await fetch(`${collector.url}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': batchId },
      body: JSON.stringify({ schoolId, kioskId, batchId, records }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { accepted: string[]; duplicate: string[] };
  };
  const overview = async (date = DAY) =>
    (await (await fetch(`${collector.url}/v1/district/day?date=${date}`)).json()) as DistrictDay;

  beforeAll(async () => {
    pgServer = await startPostgres();
    collector = await startCollector({
      databaseUrl: await pgServer.createDatabase(),
      port: 0,
      logger: createLogger('silent'),
    });
  });
  afterAll(async () => {
    await collector?.stop();
    await pgServer?.stop();
  });

  it('counts a person once per check and once for the day, flagged once, absences by their latest revision', async () => {
    const screening = (id: string, person: string | null, session: string, decision: string, extra = {}) => ({
      id,
      kind: 'screening',
      at: at(30),
      data: {
        laneId: '1',
        session,
        localDate: DAY,
        personId: person,
        temperatureC: 36.5,
        healthCode: 'green',
        decision,
        ...extra,
      },
    });
    const absence = (id: string, person: string, session: string, revision: number, status: string) => ({
      id,
      kind: 'absence',
      at: at(60 + revision),
      data: {
        absenceId: `abs-${person}-${session}`,
        revision,
        status,
        personId: person,
        localDate: DAY,
        session,
        reason: 'sick',
      },
    });
    await send('s-one', 'gate-1', [
      screening('m1', 'P1', 'morning', 'pass'),
      screening('m2', 'P2', 'morning', 'retake'),
      screening('m3', 'P2', 'morning', 'pass'),
      screening('m4', null, 'morning', 'unknown_person'),
      screening('m5', null, 'morning', 'unknown_person', { resolves: 'm4' }),
      screening('m6', 'P3', 'morning', 'not_measured'),
    ]);
    // P1 again at noon, now with a fever; P2 at noon; P4 absent from noon, then the revisions out of order.
    await send('s-one', 'gate-2', [
      screening('n1', 'P1', 'noon', 'fever'),
      screening('n2', 'P2', 'noon', 'pass'),
      absence('a1', 'P4', 'noon', 1, 'arrived'),
    ]);
    await send('s-one', 'gate-2', [
      absence('a0', 'P4', 'noon', 0, 'open'),
      absence('a2', 'P5', 'noon', 0, 'open'),
      absence('a3', 'P6', 'noon', 0, 'open'),
    ]);
    await send('s-one', 'gate-2', [absence('a4', 'P6', 'noon', 1, 'arrived')]);
    // The same P1 is flagged at the morning check too, later: the day still counts one flagged person.
    await send('s-one', 'gate-1', [screening('m7', 'P1', 'morning', 'code_yellow')]);

    const s = (await overview()).schools.find((x) => x.schoolId === 's-one');
    expect(s).toMatchObject({ screened: 3, flagged: 1, absent: 1 });
    expect(s?.checks).toEqual([
      { session: 'morning', screened: 3, flagged: 1, absent: 0 },
      { session: 'noon', screened: 2, flagged: 1, absent: 1 },
    ]);
    expect(fromOverview(await overview())).toEqual(await countedFromRecords(collector.pool, DAY));
  });

  it('agrees with a count over the stored records, however batches are split, repeated and sent at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            school: fc.constantFrom('north', 'south'),
            kind: fc.constantFrom('screening', 'absence'),
            person: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null, freq: 8 }),
            session: fc.constantFrom('morning', 'noon'),
            decision: fc.constantFrom('pass', 'pass', 'fever', 'code_red', 'retake', 'not_measured'),
            resolves: fc.boolean(),
            revision: fc.integer({ min: 0, max: 3 }),
            minute: fc.integer({ min: 0, max: 600 }),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        async (specs, batchSize, seed) => {
          const run = `r${seed}-${++runs}`;
          const bySchool = new Map<string, Rec[]>();
          specs.forEach((x, i) => {
            const person = x.person === null ? null : `${run}-p${x.person}`;
            const rec: Rec =
              x.kind === 'screening' || person === null
                ? {
                    id: `${run}-${i}`,
                    kind: 'screening',
                    at: at(x.minute),
                    data: {
                      laneId: '1',
                      session: x.session,
                      localDate: DAY,
                      personId: person,
                      temperatureC: 36.6,
                      healthCode: 'green',
                      decision: x.decision,
                      ...(x.resolves ? { resolves: `${run}-0` } : {}),
                    },
                  }
                : {
                    id: `${run}-${i}`,
                    kind: 'absence',
                    at: at(x.minute),
                    data: {
                      absenceId: `${run}-abs-${person}-${x.session}`,
                      // A kiosk never sends two versions of one revision: here an odd one is a late arrival.
                      revision: x.revision,
                      status: x.revision % 2 === 1 ? 'arrived' : 'open',
                      personId: person,
                      localDate: DAY,
                      session: x.session,
                      reason: 'sick',
                    },
                  };
            const list = bySchool.get(x.school) ?? [];
            list.push(rec);
            bySchool.set(x.school, list);
          });
          // Each school's records in batches from two gates at once; every batch sent twice, some records in two batches.
          const jobs: [string, string, Rec[]][] = [];
          for (const [school, recs] of bySchool) {
            for (let i = 0; i < recs.length; i += batchSize) {
              const slice = recs.slice(i, i + batchSize + (i % 2));
              jobs.push([`${run}-${school}`, `gate-${(i / batchSize) % 2}`, slice]);
            }
          }
          await inParallel([...jobs, ...jobs], 6, async ([school, kiosk, recs]) => {
            const key = createHash('sha256').update(`${school}/${kiosk}/${recs.map((r) => r.id).join(',')}`);
            await send(school, kiosk, recs, key.digest('hex'));
          });
          const rollup = fromOverview(await overview());
          const counted = await countedFromRecords(collector.pool, DAY);
          const mine = (m: Map<string, unknown>) => new Map([...m].filter(([k]) => k.startsWith(`${run}-`)));
          expect(mine(rollup)).toEqual(mine(counted));
        },
      ),
      { numRuns: 80, seed: 20261123, endOnFailure: true },
    );
  });
});
