import { describe, expect, it } from 'vitest';
import { busyDelayMs, MIN_BUSY_WAIT_MS } from '../../kiosk/upload/backoff.ts';
import { MAX_RETRY_AFTER_MS, retryAfterMs } from '../../kiosk/upload/post-batch.ts';

describe('Retry-After from a busy collector', () => {
  const now = Date.parse('2026-11-30T08:00:00Z');

  it('is read as seconds or as an HTTP date, and an unreadable one is ignored', () => {
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Mon, 30 Nov 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 30 Nov 2026 07:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
    // A header asking for days parks the kiosk for an hour at most.
    expect(retryAfterMs('864000', now)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('is never cut short, and kiosks told the same second come back spread over a fifth more (5 s at most)', () => {
    expect(busyDelayMs(10_000, () => 0)).toBe(10_000);
    expect(busyDelayMs(10_000, () => 0.5)).toBe(11_000);
    expect(busyDelayMs(10_000, () => 1)).toBe(12_000);
    expect(busyDelayMs(0, () => 0)).toBe(MIN_BUSY_WAIT_MS);
    // A long wait is spread over 5 s at most.
    expect(busyDelayMs(120_000, () => 1)).toBe(125_000);
  });
});
