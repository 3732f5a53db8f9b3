import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { type RunningCollector, startCollector } from '../../server/collector/collector.ts';
import type { DistrictDay } from '../../server/collector/district-queries.ts';
import { createLogger } from '../../server/logger.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const today = zonedMoment(new Date(), 'Asia/Shanghai').date;
const at = new Date().toISOString();

const screening = (id: string, personId: string | null, decision: string, localDate = today) => ({
  id,
  kind: 'screening',
  at,
  data: {
    laneId: '1',
    session: 'morning',
    localDate,
    personId,
    temperatureC: 36.5,
    healthCode: 'green',
    decision,
  },
});
const absence = (id: string, personId: string, revision = 0, status = 'open') => ({
  id,
  kind: 'absence',
  at,
  data: {
    absenceId: `absence-${personId}`,
    revision,
    status,
    personId,
    localDate: today,
    session: 'morning',
    reason: 'sick',
  },
});
const directReport = (id: string, personId: string) => ({
  id,
  kind: 'case',
  at,
  data: { personId, status: 'open', directReport: true, localDate: today },
});

describe('the district view', () => {
  let pgServer: TestPostgres;
  let collector: RunningCollector;
  let n = 0;
  const send = async (schoolId: string, kioskId: string, records: unknown[]) => {
    const batchId = `view-${++n}`;
    const res = await fetch(`${collector.url}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': batchId },
      body: JSON.stringify({ schoolId, kioskId, batchId, records }),
    });
    expect(res.status).toBe(200);
  };
  const day = async () => (await (await fetch(`${collector.url}/v1/district/day`)).json()) as DistrictDay;

  beforeAll(async () => {
    pgServer = await startPostgres();
    collector = await startCollector({
      databaseUrl: await pgServer.createDatabase(),
      port: 0,
      logger: createLogger('silent'),
    });
    await send('school-east', 'gate-1', [
      screening('e1', 'S1', 'pass'),
      screening('e2', 'S2', 'fever'),
      screening('e3', 'S3', 'retake'),
      screening('e4', 'S3', 'code_yellow'),
      screening('e5', null, 'unknown_person'),
      screening('e-old', 'S9', 'fever', '2020-01-01'),
      absence('e6', 'S4'),
      directReport('e7', 'S2'),
    ]);
    await send('school-east', 'gate-2', [screening('e8', 'S5', 'pass'), absence('e9', 'S6')]);
    // S6 came late after all; a guard resolved the stranger's screening (the same arrival, not a new one).
    await send('school-east', 'gate-2', [
      absence('e10', 'S6', 1, 'arrived'),
      {
        ...screening('e11', null, 'unknown_person'),
        data: { ...screening('x', null, 'unknown_person').data, resolves: 'e5' },
      },
    ]);
    await send('school-west', 'gate-1', [screening('w1', 'T1', 'pass'), directReport('w2', 'T7')]);
  });
  afterAll(async () => {
    await collector?.stop();
    await pgServer?.stop();
  });

  it("lists every school with today's screened, flagged and still absent people", async () => {
    const d = await day();
    expect(d.date).toBe(today);
    expect(d.schools.map((s) => [s.schoolId, s.screened, s.flagged, s.absent, s.kiosks])).toEqual([
      ['school-east', 5, 2, 1, 2],
      ['school-west', 1, 0, 0, 1],
    ]);
  });

  it('lists direct reports until someone at the district answers them', async () => {
    expect((await day()).directReports.map((r) => [r.schoolId, r.personId])).toEqual([
      ['school-east', 'S2'],
      ['school-west', 'T7'],
    ]);
    const page = await (await fetch(`${collector.url}/`)).text();
    expect(page).toContain('school-east');
    expect(page).toContain('未回复的直报');
    expect(page).toContain('value="e7"');

    const answered = await fetch(`${collector.url}/district/direct-reports/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ schoolId: 'school-east', recordId: 'e7', by: '王老师' }),
      redirect: 'manual',
    });
    expect(answered.status).toBe(303);
    const after = await day();
    expect(after.directReports.map((r) => r.recordId)).toEqual(['w2']);
    expect(after.schools.find((s) => s.schoolId === 'school-east')?.unansweredDirectReports).toBe(0);

    const again = await fetch(`${collector.url}/district/direct-reports/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ schoolId: 'school-east', recordId: 'e7' }),
    });
    expect(again.status).toBe(404);
  });

  it('escapes what schools send before putting it on the page', async () => {
    await send('<script>alert(1)</script>', 'gate-1', [screening('x1', 'S1', 'pass')]);
    const page = await (await fetch(`${collector.url}/`)).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;');
  });
});
