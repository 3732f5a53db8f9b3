import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from '../../server/collector/collector.ts';
import { createLogger } from '../../server/logger.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

interface Answer {
  accepted: string[];
  duplicate: string[];
  rejected: { id: string; reason: string; zh: string }[];
}

const screening = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  kind: 'screening',
  at: '2026-11-23T00:10:00.000Z',
  data: {
    laneId: '1',
    session: 'morning',
    localDate: '2026-11-23',
    personId: `P-${id}`,
    temperatureC: 36.6,
    temperatureSource: 'device_body',
    healthCode: 'green',
    decision: 'pass',
    reasons: [],
    ...over,
  },
});

let batchNo = 0;
const batch = (records: unknown[], over: Record<string, unknown> = {}) => ({
  schoolId: 'school-a',
  kioskId: 'gate-1',
  batchId: `batch-${process.pid}-${++batchNo}`,
  records,
  ...over,
});

describe('the collector: POST /v1/batches', () => {
  let pgServer: TestPostgres;
  let collector: RunningCollector;
  let databaseUrl: string;

  const post = async (body: unknown, key?: string | null) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const k = key === undefined ? (body as { batchId?: string }).batchId : key;
    if (k) headers['idempotency-key'] = k;
    const res = await fetch(`${collector.url}/v1/batches`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Answer & { error?: { details?: unknown } } };
  };
  const stored = async (schoolId = 'school-a') =>
    (
      await collector.pool.query<{ id: string; n: number }>(
        'SELECT id, count(*) OVER (PARTITION BY id)::int AS n FROM records WHERE school_id = $1 ORDER BY received_seq',
        [schoolId],
      )
    ).rows;

  beforeAll(async () => {
    pgServer = await startPostgres();
    databaseUrl = await pgServer.createDatabase();
    collector = await startCollector({
      databaseUrl,
      port: 0,
      logger: createLogger('silent'),
      maxBodyBytes: 200_000,
    });
  });
  afterAll(async () => {
    await collector?.stop();
    await pgServer?.stop();
  });

  it('accepts a batch and stores each record once, in the order sent', async () => {
    const res = await post(batch([screening('r1'), screening('r2'), screening('r3')]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: ['r1', 'r2', 'r3'], duplicate: [], rejected: [] });
    expect((await stored()).map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
  });

  it('answers a resent batch (same key) with the same answer, storing nothing again', async () => {
    const b = batch([screening('r4'), { id: 'bad-1', kind: 'screening', at: 'yesterday', data: {} }]);
    const first = await post(b);
    const again = await post(b);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(first.body.accepted).toEqual(['r4']);
    expect((await stored()).filter((r) => r.id === 'r4')).toEqual([{ id: 'r4', n: 1 }]);
  });

  it('answers a resend of the same bytes from its key alone, even while storing is held up', async () => {
    const b = batch([screening('fast-1'), screening('fast-2'), { id: 'fast-bad', kind: 'visit' }]);
    const first = await post(b);
    expect(first.body.accepted).toEqual(['fast-1', 'fast-2']);
    const blocker = new pg.Client({ connectionString: databaseUrl });
    await blocker.connect();
    try {
      // Nothing can be stored now; a resend needs only the answer kept under its key.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE schools, records IN EXCLUSIVE MODE');
      const again = await post(b);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    // The same records in other bytes (spaced differently) are the same batch too.
    const spaced = JSON.stringify(b, null, 2);
    const res = await fetch(`${collector.url}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': b.batchId },
      body: spaced,
    });
    expect(await res.json()).toEqual(first.body);
  });

  it('answers records it already holds as duplicates, whatever batch they come in', async () => {
    const res = await post(batch([screening('r1'), screening('r5'), screening('r5')]));
    expect(res.body).toEqual({ accepted: ['r5'], duplicate: ['r1', 'r5'], rejected: [] });
    expect((await stored()).every((r) => r.n === 1)).toBe(true);
  });

  it('rejects a bad record with a reason and takes the good ones of the same batch', async () => {
    const res = await post(
      batch([
        screening('ok-1'),
        { ...screening('bad-kind'), kind: 'visit' },
        { ...screening('bad-at'), at: '23/11/2026 08:10' },
        screening('bad-temp', { temperatureC: 'hot' }),
        screening('bad-decision', { decision: 'maybe' }),
        { id: 'bad-data', kind: 'absence', at: '2026-11-23T00:10:00Z', data: [] },
        { id: 'bad-absence', kind: 'absence', at: '2026-11-23T00:10:00Z', data: { personId: 'S1' } },
        screening('ok-2'),
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body.accepted).toEqual(['ok-1', 'ok-2']);
    const reasons = Object.fromEntries(res.body.rejected.map((r) => [r.id, r.reason]));
    expect(Object.keys(reasons)).toEqual([
      'bad-kind',
      'bad-at',
      'bad-temp',
      'bad-decision',
      'bad-data',
      'bad-absence',
    ]);
    expect(reasons['bad-kind']).toMatch(/^kind: must be one of screening, case, absence, daily_summary/);
    expect(reasons['bad-at']).toMatch(/^at: /);
    expect(reasons['bad-temp']).toMatch(/^data\.temperatureC: /);
    expect(reasons['bad-decision']).toMatch(/^data\.decision: /);
    expect(reasons['bad-data']).toBe('data: must be an object');
    expect(reasons['bad-absence']).toMatch(/data\.localDate: .*data\.session: .*data\.reason: /);
    // Each reason also in Chinese, naming the same field.
    const zh = Object.fromEntries(res.body.rejected.map((r) => [r.id, r.zh]));
    expect(zh['bad-kind']).toMatch(/^kind：记录类型须为 screening、case、absence、daily_summary 之一/);
    expect(zh['bad-at']).toBe('at：须为带时区的 ISO 8601 时间（收到 "23/11/2026 08:10"）');
    expect(zh['bad-data']).toBe('data：须为对象');
    expect(zh['bad-absence']).toMatch(/^记录内容不符合要求：data\.localDate、data\.session、data\.reason/);
    const ids = (await stored()).map((r) => r.id);
    expect(ids).toContain('ok-2');
    expect(ids.filter((id) => id.startsWith('bad-'))).toEqual([]);
  });

  it('takes every kind of the contract with the fields it needs', async () => {
    const at = '2026-11-23T08:10:00+08:00';
    const res = await post(
      batch([
        { id: 'c1', kind: 'case', at, data: { personId: 'S1', status: 'open', directReport: true } },
        { id: 'c2', kind: 'case', at, data: { personId: null, status: 'open', decision: 'fever' } },
        {
          id: 'a1',
          kind: 'absence',
          at,
          data: { personId: 'S2', localDate: '2026-11-23', session: 'morning', reason: 'sick' },
        },
        {
          id: 'd1',
          kind: 'daily_summary',
          at,
          data: { localDate: '2026-11-23', screened: 10, flagged: 0, absent: 1 },
        },
      ]),
    );
    expect(res.body).toEqual({ accepted: ['c1', 'c2', 'a1', 'd1'], duplicate: [], rejected: [] });
  });

  it('keeps the same record id of two schools apart', async () => {
    const res = await post(batch([screening('r1')], { schoolId: 'school-b' }));
    expect(res.body.accepted).toEqual(['r1']);
    expect((await stored('school-b')).map((r) => r.id)).toEqual(['r1']);
  });

  it('stores a batch sent many times at once exactly once, and gives every sender the same answer', async () => {
    const b = batch(Array.from({ length: 50 }, (_, i) => screening(`burst-${i}`)));
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(b)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    for (const a of answers) expect(a.body).toEqual(answers[0]?.body);
    expect(answers[0]?.body.accepted).toHaveLength(50);
    const burst = (await stored()).filter((r) => r.id.startsWith('burst-'));
    expect(burst).toHaveLength(50);
    expect(burst.every((r) => r.n === 1)).toBe(true);
  });

  it('answers 400 naming the field for a malformed body', async () => {
    const noSchool = await post({ kioskId: 'k', batchId: 'x1', records: [] });
    expect(noSchool.status).toBe(400);
    expect(noSchool.body.error).toMatchObject({ code: 'invalid_request', details: [{ field: 'schoolId' }] });

    const noId = await post(batch([screening('fine'), { kind: 'screening' }]));
    expect(noId.status).toBe(400);
    expect(noId.body.error).toMatchObject({ details: [{ field: 'records[1].id' }] });

    const notArray = await post(batch('everything' as unknown as unknown[]));
    expect(notArray.body.error).toMatchObject({ details: [{ field: 'records' }] });

    const notJson = await post('{"schoolId": "school-a", "records": [', 'k-1');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatchObject({ code: 'invalid_json' });
  });

  it('needs the Idempotency-Key header, equal to the batchId', async () => {
    const missing = await post(batch([screening('hdr-1')]), null);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      zh: '缺少 Idempotency-Key 请求头',
      en: 'the Idempotency-Key header is missing',
      details: [{ field: 'Idempotency-Key', zh: '必填：与 batchId 相同' }],
    });
    const other = await post(batch([screening('hdr-1')]), 'not-the-batch-id');
    expect(other.status).toBe(400);
    expect(other.body.error).toMatchObject({ details: [{ field: 'Idempotency-Key' }] });
    expect((await stored()).some((r) => r.id === 'hdr-1')).toBe(false);
  });

  it('refuses a key reused for other records, and a body over the size limit', async () => {
    const b = batch([screening('key-1')]);
    expect((await post(b)).status).toBe(200);
    const reused = await post({ ...b, records: [screening('key-2')] });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({
      code: 'idempotency_conflict',
      zh: expect.stringMatching(/已用于另一批不同的记录$/),
    });
    expect((await stored()).some((r) => r.id === 'key-2')).toBe(false);

    const big = batch(Array.from({ length: 800 }, (_, i) => screening(`big-${i}`)));
    const tooLarge = await post(big);
    expect(tooLarge.status).toBe(413);
    expect((await stored()).some((r) => r.id.startsWith('big-'))).toBe(false);
  });

  it('takes a gzip-compressed batch like any other', async () => {
    const b = batch([screening('gz-1'), screening('gz-2')]);
    const res = await fetch(`${collector.url}/v1/batches`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'idempotency-key': b.batchId,
      },
      body: gzipSync(JSON.stringify(b)),
    });
    expect(await res.json()).toEqual({ accepted: ['gz-1', 'gz-2'], duplicate: [], rejected: [] });
  });

  it('counts an empty batch as a sign of life from the kiosk', async () => {
    const res = await post(batch([], { kioskId: 'gate-quiet' }));
    expect(res.body).toEqual({ accepted: [], duplicate: [], rejected: [] });
    const kiosks = await collector.pool.query("SELECT id FROM kiosks WHERE id = 'gate-quiet'");
    expect(kiosks.rowCount).toBe(1);
  });
});
