// The demo lays its check windows around the moment it starts: whatever the hour, a check is open,
// the one before it (if the day has room) is over, and every window is a valid one within the day.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../kiosk/config/load.ts';
import { sessionOf } from '../../kiosk/sessions/session-of.ts';
import { zonedToInstant } from '../../kiosk/time/zoned.ts';
import { DEFAULT_CONFIG } from '../../server/defaults.ts';
import { demoChecks } from '../../server/simulation/demo-checks.ts';

const TZ = 'Asia/Shanghai';
const DATE = '2026-11-30';
const configured = loadConfig(DEFAULT_CONFIG).sessions;
const at = (time: string) => zonedToInstant(DATE, time, TZ);

describe('the demo check windows', () => {
  it('opens 午检 around the start and closes 晨检 before it, at any hour', () => {
    for (const time of ['00:31', '02:00', '03:10', '07:00', '09:15', '13:00', '20:00', '23:30']) {
      const checks = demoChecks(configured, at(time), TZ);
      if (!checks) throw new Error('no checks');
      expect(checks.date).toBe(DATE);
      // The start falls in the open check, as the lanes will see it.
      expect(sessionOf(at(time), checks.sessions, TZ).sessionId, time).toBe('noon');
      expect(checks.open.name).toBe('午检');
      for (const s of checks.sessions) expect(s.start < s.cutoff, `${time} ${s.id}`).toBe(true);
      const earlier = checks.earlier;
      if (!earlier) throw new Error(`no earlier check at ${time}`);
      expect(earlier.id).toBe('morning');
      expect(earlier.cutoff < checks.open.start, time).toBe(true);
      expect(checks.notice.zh).toContain(`午检（${checks.open.start}–${checks.open.cutoff}）正在进行`);
      expect(checks.notice.en).toContain(`晨检 (${earlier.start}–${earlier.cutoff}) is over`);
    }
  });

  it('keeps the config windows’ order, and drops a check the day has no room for', () => {
    const morning = demoChecks(configured, at('09:15'), TZ);
    expect(morning?.sessions.map((s) => [s.id, s.start, s.cutoff])).toEqual([
      ['morning', '06:20', '08:00'],
      ['noon', '08:45', '10:45'],
      ['evening', '11:15', '12:45'],
    ]);
    const late = demoChecks(configured, at('23:30'), TZ);
    expect(late?.sessions.map((s) => s.id)).toEqual(['morning', 'noon']);
    expect(late?.open.cutoff).toBe('23:59');
  });

  it('has no earlier check in the first minutes of the day', () => {
    const checks = demoChecks(configured, at('00:10'), TZ);
    expect(checks?.earlier).toBeNull();
    expect(checks?.sessions[0]?.id).toBe('noon');
    expect(sessionOf(at('00:10'), checks?.sessions ?? [], TZ).sessionId).toBe('noon');
  });
});
