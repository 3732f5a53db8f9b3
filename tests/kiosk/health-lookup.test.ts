import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HealthLookup, parseLookupAnswer } from '../../kiosk/health/lookup.ts';

const timeoutMs = 300;
const hourMs = 3_600_000;
const now = new Date('2026-11-23T06:00:00Z');
const requests = new Map<string, number>();
/** Requests whose connection the client dropped before the answer was complete. */
const abandoned = new Set<string>();
let server: Server;
let url: string;

const json = (value: unknown) => JSON.stringify(value);

/** The person id picks how the district's server behaves. */
function behave(id: string, res: ServerResponse) {
  const answer = (status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
  switch (id) {
    case 'S1':
    case 'S2':
      return answer(200, json({ code: id === 'S1' ? 'green' : 'red', at: '2026-11-23T05:00:00Z' }));
    case 'local-time':
      return answer(200, json({ code: 'yellow', at: '2026-11-23T13:00:00+08:00' }));
    case 'stale':
      return answer(200, json({ code: 'green', at: '2026-11-22T10:00:00Z' }));
    case 'delayed':
      setTimeout(() => answer(200, json({ code: 'green', at: '2026-11-23T05:00:00Z' })), 100);
      return;
    case 'slow':
      setTimeout(() => answer(200, json({ code: 'green', at: '2026-11-23T05:00:00Z' })), 3000);
      return;
    case 'hang-after-headers':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"code":');
      return;
    case 'trickle': {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'close':
      res.socket?.destroy();
      return;
    case 'error500':
      return answer(500, json({ error: 'database down' }));
    case 'garbage':
      return answer(200, '<html>Service Unavailable</html>');
    case 'shape':
      return answer(200, json({ colour: 'green', time: '2026-11-23T05:00:00Z' }));
    case 'purple':
      return answer(200, json({ code: 'purple', at: '2026-11-23T05:00:00Z' }));
    case 'bad-time':
      return answer(200, json({ code: 'green', at: 'yesterday' }));
    default:
      return answer(404, json({ error: 'unknown' }));
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
    requests.set(id, (requests.get(id) ?? 0) + 1);
    res.on('close', () => {
      if (!res.writableFinished) abandoned.add(id);
    });
    behave(id, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lookup`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests.clear();
  abandoned.clear();
});

const newLookup = () => new HealthLookup({ url, timeoutMs, cacheForMs: 24 * hourMs });

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work;
  return { value, ms: performance.now() - start };
}

describe('the online lookup', () => {
  it('answers a status with its time, from the lookup source', async () => {
    const lookup = newLookup();
    expect(await lookup.lookup('S1', now)).toEqual({
      code: 'green',
      at: new Date('2026-11-23T05:00:00Z'),
      source: 'lookup',
    });
    expect(await lookup.lookup('local-time', now)).toEqual({
      code: 'yellow',
      at: new Date('2026-11-23T05:00:00Z'),
      source: 'lookup',
    });
    expect(lookup.status()).toEqual({
      ok: true,
      lastError: null,
      lastErrorAt: null,
      failures: 0,
      successes: 2,
    });
  });

  it.each([
    ['slow', /within 300 ms/],
    ['hang-after-headers', /within 300 ms/],
    ['trickle', /within 300 ms/],
  ])('gives up on a server that is %s by about the timeout', async (id, error) => {
    const lookup = newLookup();
    const { value, ms } = await timed(lookup.lookup(id, now));
    expect(value).toBeNull();
    expect(ms).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(ms).toBeLessThan(timeoutMs + 500);
    expect(lookup.status()).toMatchObject({
      ok: false,
      failures: 1,
      successes: 0,
      lastError: expect.stringMatching(error),
    });
    // The request is dropped, not left reading in the background.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(abandoned.has(id)).toBe(true);
  });

  it('resolves by the timeout even when the request ignores its abort signal', async () => {
    const lookup = new HealthLookup({
      url,
      timeoutMs,
      cacheForMs: hourMs,
      fetch: () => new Promise(() => {}),
    });
    const { value, ms } = await timed(lookup.lookup('S1', now));
    expect(value).toBeNull();
    expect(ms).toBeLessThan(timeoutMs + 500);
    expect(lookup.status().failures).toBe(1);
  });

  it.each([
    ['close', /127\.0\.0\.1/],
    ['error500', /^HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/lookup$/],
    ['garbage', /the answer is not JSON$/],
    ['shape', /expected \{"code", "at"\} as strings$/],
    ['purple', /unknown code "purple"$/],
    ['bad-time', /"yesterday" is not an ISO time with a zone$/],
  ])('falls back (null) when the server answers %s', async (id, error) => {
    const lookup = new HealthLookup({
      url,
      timeoutMs,
      cacheForMs: 24 * hourMs,
      now: () => new Date('2026-11-23T06:00:01Z'),
    });
    const { value, ms } = await timed(lookup.lookup(id, now));
    expect(value).toBeNull();
    expect(ms).toBeLessThan(timeoutMs + 500);
    expect(lookup.status()).toEqual({
      ok: false,
      lastError: expect.stringMatching(error),
      lastErrorAt: new Date('2026-11-23T06:00:01Z'),
      failures: 1,
      successes: 0,
    });
    expect(requests.get(id)).toBe(1);
  });

  it('falls back when nothing listens, and recovers when the server answers again', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = new HealthLookup({ url: `http://127.0.0.1:${port}/lookup`, timeoutMs, cacheForMs: hourMs });
    expect(await down.lookup('S1', now)).toBeNull();
    expect(down.status()).toMatchObject({
      ok: false,
      failures: 1,
      lastError: expect.stringContaining('ECONNREFUSED'),
    });

    const lookup = newLookup();
    expect(await lookup.lookup('error500', now)).toBeNull();
    expect(await lookup.lookup('S1', now)).not.toBeNull();
    expect(lookup.status()).toMatchObject({
      ok: true,
      failures: 1,
      successes: 1,
      lastError: `HTTP 500 from ${url}`,
    });
  });

  it('does not ask again while the answer is fresh, and asks again once its status is stale', async () => {
    const lookup = newLookup();
    await lookup.lookup('S1', now);
    expect(await lookup.lookup('S1', new Date(now.getTime() + 22 * hourMs))).toMatchObject({ code: 'green' });
    expect(requests.get('S1')).toBe(1);
    // The status was issued at 05:00, so it is stale after 05:00 the next day.
    await lookup.lookup('S1', new Date('2026-11-24T05:00:00Z'));
    expect(requests.get('S1')).toBe(2);
    // A clock that went back before the answer cannot vouch for it.
    await lookup.lookup('S1', new Date('2026-11-23T04:00:00Z'));
    expect(requests.get('S1')).toBe(3);
    expect(lookup.status().successes).toBe(3);
  });

  it('keeps an answer whose status is already old only until that status is stale', async () => {
    const lookup = newLookup();
    await lookup.lookup('stale', now);
    await lookup.lookup('stale', new Date('2026-11-23T09:59:00Z'));
    expect(requests.get('stale')).toBe(1);
    await lookup.lookup('stale', new Date('2026-11-23T10:00:00Z'));
    expect(requests.get('stale')).toBe(2);
  });

  it('does not keep failures: the next scan asks again', async () => {
    const lookup = newLookup();
    await lookup.lookup('garbage', now);
    await lookup.lookup('garbage', now);
    expect(requests.get('garbage')).toBe(2);
    expect(lookup.status().failures).toBe(2);
  });

  it('shares one request among concurrent lookups for the same person', async () => {
    const lookup = newLookup();
    const answers = await Promise.all([
      lookup.lookup('delayed', now),
      lookup.lookup('delayed', now),
      lookup.lookup('delayed', now),
      lookup.lookup('S2', now),
    ]);
    expect(requests.get('delayed')).toBe(1);
    expect(requests.get('S2')).toBe(1);
    expect(answers[0]).toBe(answers[1]);
    expect(answers[0]).toBe(answers[2]);
    expect(answers[3]).toMatchObject({ code: 'red' });
    expect(lookup.status().successes).toBe(2);
  });

  it('starts on the scan (prefetch), so the lookup at the reading joins it', async () => {
    const lookup = newLookup();
    lookup.prefetch('delayed', now);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { value, ms } = await timed(lookup.lookup('delayed', now));
    expect(value).toMatchObject({ code: 'green' });
    expect(requests.get('delayed')).toBe(1);
    expect(ms).toBeLessThan(100);
  });

  it('reads answers strictly', () => {
    expect(parseLookupAnswer('{"code":"red","at":"2026-11-23T05:00:00.250Z"}')).toEqual({
      code: 'red',
      at: new Date('2026-11-23T05:00:00.250Z'),
      source: 'lookup',
    });
    expect(parseLookupAnswer('[]')).toBe('expected {"code", "at"}');
    expect(parseLookupAnswer('{"code":"green","at":"2026-11-23 05:00"}')).toBe(
      '"2026-11-23 05:00" is not an ISO time with a zone',
    );
    expect(parseLookupAnswer('{"code":"green","at":"2026-02-30T05:00:00Z"}')).toMatch(/is not an ISO time/);
    expect(parseLookupAnswer('{"code":"unknown","at":"2026-11-23T05:00:00Z"}')).toBe(
      'unknown code "unknown"',
    );
  });
});
