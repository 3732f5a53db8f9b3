import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FetchLike } from '../../kiosk/health/fetch-text.ts';
import { parseRevocations, RevocationList } from '../../kiosk/health/revocations.ts';

const url = 'http://district.example/revoked';
const minuteMs = 60_000;

/** A district server whose next answers the test sets; it counts the requests. */
function district() {
  const answers: (() => Response)[] = [];
  const calls: string[] = [];
  const fetch: FetchLike = async (requested) => {
    calls.push(requested);
    const next = answers.shift();
    if (!next) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 10.0.0.9:80') });
    return next();
  };
  return {
    fetch,
    calls,
    answer: (status: number, body: unknown) =>
      answers.push(() => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status })),
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-23T06:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the revocation list', () => {
  it('holds the config list without a URL, and never fetches', () => {
    const list = new RevocationList({ revoked: ['j1', 'j2'] });
    list.start();
    expect(list.has('j1')).toBe(true);
    expect(list.has('j3')).toBe(false);
    expect(list.status()).toEqual({ lastFetchAt: null, lastError: null, count: 2 });
  });

  it('fetches at start and on its schedule, adding to the config list', async () => {
    const d = district();
    d.answer(200, ['j3', 'j1']);
    d.answer(200, { revoked: ['j4'] });
    const list = new RevocationList({ revoked: ['j1', 'j2'], url, refreshMs: 15 * minuteMs, fetch: d.fetch });
    list.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(d.calls).toEqual([url]);
    expect(['j1', 'j2', 'j3', 'j4'].map((j) => list.has(j))).toEqual([true, true, true, false]);
    expect(list.status()).toEqual({
      lastFetchAt: new Date('2026-11-23T06:00:00Z'),
      lastError: null,
      count: 3,
    });

    await vi.advanceTimersByTimeAsync(15 * minuteMs - 1);
    expect(d.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(d.calls).toHaveLength(2);
    // The district's list replaces its earlier one; the config's stays.
    expect(['j1', 'j2', 'j3', 'j4'].map((j) => list.has(j))).toEqual([true, true, false, true]);
    expect(list.status()).toEqual({
      lastFetchAt: new Date('2026-11-23T06:15:00Z'),
      lastError: null,
      count: 3,
    });
    list.stop();
  });

  it('keeps the last good list when a fetch fails, and says why', async () => {
    const d = district();
    d.answer(200, ['j3']);
    d.answer(500, 'oops');
    d.answer(200, '<html>');
    d.answer(200, { revoked: [1, 2] });
    const list = new RevocationList({ url, refreshMs: minuteMs, fetch: d.fetch });
    list.start();
    await vi.advanceTimersByTimeAsync(0);
    const good = { lastFetchAt: new Date('2026-11-23T06:00:00Z'), count: 1 };

    await vi.advanceTimersByTimeAsync(minuteMs);
    expect(list.status()).toEqual({ ...good, lastError: `HTTP 500 from ${url}` });
    await vi.advanceTimersByTimeAsync(minuteMs);
    expect(list.status()).toEqual({ ...good, lastError: `${url}: the answer is not JSON` });
    await vi.advanceTimersByTimeAsync(minuteMs);
    expect(list.status()).toEqual({ ...good, lastError: `${url}: every revoked jti must be a string` });
    await vi.advanceTimersByTimeAsync(minuteMs);
    expect(list.status()).toEqual({ ...good, lastError: `${url}: connect ECONNREFUSED 10.0.0.9:80` });
    expect(list.has('j3')).toBe(true);

    d.answer(200, []);
    await vi.advanceTimersByTimeAsync(minuteMs);
    expect(list.status()).toEqual({
      lastFetchAt: new Date('2026-11-23T06:05:00Z'),
      lastError: null,
      count: 0,
    });
    expect(list.has('j3')).toBe(false);
    list.stop();
  });

  it('stops fetching when stopped', async () => {
    const d = district();
    for (let i = 0; i < 5; i++) d.answer(200, []);
    const list = new RevocationList({ url, refreshMs: minuteMs, fetch: d.fetch });
    list.start();
    list.start();
    await vi.advanceTimersByTimeAsync(2 * minuteMs);
    expect(d.calls).toHaveLength(3);
    list.stop();
    await vi.advanceTimersByTimeAsync(10 * minuteMs);
    expect(d.calls).toHaveLength(3);
  });

  it('reads an array or {revoked}, and nothing else', () => {
    expect(parseRevocations('["a","b"]')).toEqual(['a', 'b']);
    expect(parseRevocations('{"revoked":["c"],"updatedAt":"x"}')).toEqual(['c']);
    expect(parseRevocations('{"jti":["c"]}')).toBe('expected a JSON array of jti or {"revoked": [...]}');
    expect(parseRevocations('null')).toBe('expected a JSON array of jti or {"revoked": [...]}');
  });
});
