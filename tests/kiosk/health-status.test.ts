import { describe, expect, it } from 'vitest';
import { type HealthStatus, newestStatus } from '../../kiosk/health/status.ts';

const at = (iso: string | null) => (iso === null ? null : new Date(iso));
const status = (
  code: HealthStatus['code'],
  time: string | null,
  source: HealthStatus['source'],
): HealthStatus => ({
  code,
  at: at(time),
  source,
});

describe('the status that counts', () => {
  const rosterGreen = status('green', '2026-11-22T08:00:00Z', 'roster');
  const feedRed = status('red', '2026-11-23T05:00:00Z', 'status_feed');
  const passGreen = status('green', '2026-11-23T06:00:00Z', 'signed_pass');

  it('is the newest, whatever its source or colour', () => {
    expect(newestStatus([rosterGreen, feedRed])).toBe(feedRed);
    expect(newestStatus([feedRed, rosterGreen])).toBe(feedRed);
    expect(newestStatus([rosterGreen, feedRed, passGreen])).toBe(passGreen);
  });

  it('is the more severe of two with the same time', () => {
    const lookupYellow = status('yellow', '2026-11-23T05:00:00Z', 'lookup');
    const lookupGreen = status('green', '2026-11-23T05:00:00Z', 'lookup');
    expect(newestStatus([lookupGreen, lookupYellow])).toBe(lookupYellow);
    expect(newestStatus([lookupYellow, feedRed])).toBe(feedRed);
    expect(newestStatus([feedRed, lookupYellow, lookupGreen])).toBe(feedRed);
  });

  it('ranks a status without a time below any with one', () => {
    const undated = status('red', null, 'roster');
    expect(newestStatus([undated, rosterGreen])).toBe(rosterGreen);
    expect(newestStatus([undated, null, undefined])).toBe(undated);
  });

  it('lets an unknown colour count only when nothing is known', () => {
    const unknownNow = status('unknown', '2026-11-23T07:00:00Z', 'lookup');
    expect(newestStatus([rosterGreen, unknownNow])).toBe(rosterGreen);
    const unknownRoster = status('unknown', null, 'roster');
    expect(newestStatus([unknownRoster, unknownNow])).toBe(unknownNow);
    expect(newestStatus([])).toBeNull();
  });
});
