import { connect } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CollectorOptions,
  type RunningCollector,
  startCollector,
} from '../../server/collector/collector.ts';
import { createLogger } from '../../server/logger.ts';
import { waitUntil } from '../helpers/kiosk.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const screening = (id: string, note = '') => ({
  id,
  kind: 'screening',
  at: new Date().toISOString(),
  data: {
    laneId: '1',
    session: 'morning',
    localDate: '2026-11-30',
    personId: `P-${id}`,
    temperatureC: 36.6,
    healthCode: 'green',
    decision: 'pass',
    ...(note ? { note } : {}),
  },
});

let batchNo = 0;
function batchBody(ids: string[], note = ''): { key: string; body: string } {
  const key = `adm-${process.pid}-${++batchNo}`;
  return {
    key,
    body: JSON.stringify({
      schoolId: 'school-a',
      kioskId: `gate-${batchNo}`,
      batchId: key,
      records: ids.map((id) => screening(id, note)),
    }),
  };
}

/** Sends only the request head (a body of `length` bytes announced, none sent); resolves to what comes back. */
function headOnly(port: number, key: string, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (c) => {
      text += c.toString();
      if (/\r\n\r\n[\s\S]*\}$/.test(text)) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`no answer before the body was sent; got ${JSON.stringify(text)}`));
    });
    socket.write(
      `POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: ${key}\r\nContent-Length: ${length}\r\n\r\n`,
    );
  });
}

describe('admission control', () => {
  let pgServer: TestPostgres;
  let databaseUrl: string;
  let collector: RunningCollector | null = null;
  let blocker: pg.Client | null = null;

  const start = async (over: Partial<CollectorOptions>) => {
    collector = await startCollector({ databaseUrl, port: 0, logger: createLogger('silent'), ...over });
    return collector;
  };
  const post = (c: RunningCollector, b: { key: string; body: string }, signal?: AbortSignal) =>
    fetch(`${c.url}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': b.key },
      body: b.body,
      ...(signal ? { signal } : {}),
    });
  /** Holds every batch in the database until released: stores wait for the lock. */
  const blockStores = async () => {
    blocker = new pg.Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE schools IN EXCLUSIVE MODE');
  };
  const release = async () => {
    await blocker?.query('COMMIT');
    await blocker?.end();
    blocker = null;
  };
  const stored = async (prefix: string) =>
    (
      await (collector as RunningCollector).pool.query<{ id: string }>(
        'SELECT id FROM records WHERE id LIKE $1 ORDER BY id',
        [`${prefix}%`],
      )
    ).rows.map((r) => r.id);

  beforeAll(async () => {
    pgServer = await startPostgres();
    databaseUrl = await pgServer.createDatabase();
  });
  afterEach(async () => {
    await release();
    await collector?.stop();
    collector = null;
  });
  afterAll(async () => {
    await pgServer?.stop();
  });

  it('answers 503 with Retry-After at once, before reading the body, when the requests in flight are at the bound', async () => {
    const c = await start({ maxInFlight: 2 });
    await blockStores();
    const held = [post(c, batchBody(['held-1'])), post(c, batchBody(['held-2']))];
    await waitUntil(() => c.admission().inFlight === 2, 5000, 'two requests in flight');

    const answer = await headOnly(c.port, 'adm-refused', 100_000);
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toMatch(/\r\nRetry-After: \d+\r\n/i);
    const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4).replace(/^[0-9a-f]+\r\n/, ''));
    expect(json.error).toMatchObject({ code: 'busy', zh: expect.stringContaining('繁忙') });

    await release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect(await stored('held-')).toEqual(['held-1', 'held-2']);
    expect(c.admission()).toMatchObject({ inFlight: 0, refused: 1 });
  });

  it('bounds the bytes being read and parsed, whatever the count', async () => {
    const c = await start({ maxInFlight: 50, maxParseBytes: 150_000, maxBodyBytes: 100_000 });
    await blockStores();
    const big = batchBody(['bytes-1'], 'x'.repeat(80_000));
    const held = post(c, big);
    await waitUntil(() => c.admission().inFlight === 1, 5000, 'one large request in flight');
    const refused = await post(c, batchBody(['bytes-2'], 'y'.repeat(80_000)));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A small one still fits beside it.
    const small = post(c, batchBody(['bytes-3']));
    await waitUntil(() => c.admission().inFlight === 2, 5000, 'the small request admitted');
    await release();
    expect((await held).status).toBe(200);
    expect((await small).status).toBe(200);
    expect(await stored('bytes-')).toEqual(['bytes-1', 'bytes-3']);
  });

  it('gives kiosks refused together turns one after another, not the same second', async () => {
    const c = await start({ maxInFlight: 1 });
    await blockStores();
    const held = post(c, batchBody(['turn-0']));
    await waitUntil(() => c.admission().inFlight === 1, 5000, 'one request in flight');
    const waits: number[] = [];
    for (let i = 1; i <= 8; i++) {
      const res = await post(c, batchBody([`turn-${i}`]));
      expect(res.status).toBe(503);
      waits.push(Number(res.headers.get('retry-after')));
    }
    expect(waits[0]).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1] as number);
    expect(waits.at(-1)).toBeGreaterThan(waits[0] as number);
    await release();
    expect((await held).status).toBe(200);
  });

  it('stops the work of a request whose kiosk gave up waiting', async () => {
    const c = await start({ poolSize: 1, maxInFlight: 5 });
    await blockStores();
    const first = post(c, batchBody(['gone-0']));
    await waitUntil(() => c.admission().inFlight === 1, 5000, 'the first request in flight');
    // The second waits for the only connection; its kiosk times out.
    const giveUp = new AbortController();
    const second = post(c, batchBody(['gone-1', 'gone-2']), giveUp.signal).catch((e: Error) => e);
    await waitUntil(() => c.admission().inFlight === 2, 5000, 'the second request in flight');
    giveUp.abort();
    expect(await second).toBeInstanceOf(Error);
    await waitUntil(() => c.admission().abandoned === 1, 5000, 'the second request seen abandoned');
    await release();
    expect((await first).status).toBe(200);
    // A later request queues behind the abandoned one: once it is answered, that one would have been stored.
    expect((await post(c, batchBody(['gone-3']))).status).toBe(200);
    expect(await stored('gone-')).toEqual(['gone-0', 'gone-3']);
  });

  it('answers busy with Retry-After while its database is out of reach', async () => {
    const c = await start({});
    const admin = new pg.Client({ connectionString: pgServer.url });
    await admin.connect();
    const dbName = new URL(databaseUrl).pathname.slice(1);
    const allow = (yes: boolean) => admin.query(`ALTER DATABASE "${dbName}" WITH ALLOW_CONNECTIONS ${yes}`);
    try {
      await allow(false);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [dbName],
      );
      const res = await post(c, batchBody(['down-1']));
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('busy');
      await allow(true);
      expect((await post(c, batchBody(['down-2']))).status).toBe(200);
    } finally {
      await allow(true);
      await admin.end();
    }
    expect(await stored('down-')).toEqual(['down-2']);
  });
});
