// The demo lays its check windows around the moment it starts: whatever the hour, a check is open,
// the one before it (if the day has room) is over, and every window is a valid one within the day.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../kiosk/config/load.ts';
import { sessionOf } from '../../kiosk/sessions/session-of.ts';
import { zonedToInstant } from '../../kiosk/time/zoned.ts';
import { DEFAULT_CONFIG } from '../../server/defaults.ts';
import { DEMO_CHECKS_FILE, demoChecks, keptDemoChecks } from '../../server/simulation/demo-checks.ts';
import { tempDir } from '../helpers/kiosk.ts';

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

  describe('through a restart', () => {
    const dir = tempDir('gk-demo-checks-');
    afterAll(() => dir.remove());
    const windows = (c: ReturnType<typeof demoChecks>) =>
      c?.sessions.map((s) => `${s.id} ${s.start}–${s.cutoff}`);

    it('keeps the windows of a start earlier the same day while its open check is still open', () => {
      const data = join(dir.path, 'kept');
      const first = keptDemoChecks(configured, at('15:10'), TZ, data);
      expect(statSync(join(data, DEMO_CHECKS_FILE)).mode & 0o777).toBe(0o600);
      // Half an hour later the same windows: the records of the first start stay in their checks.
      const again = keptDemoChecks(configured, at('15:40'), TZ, data);
      expect(windows(again)).toEqual(windows(first));
      expect(again?.notice).toEqual(first?.notice);
      expect(windows(again)).not.toEqual(windows(demoChecks(configured, at('15:40'), TZ)));
      // Once that check has closed (16:40), a start lays them afresh, so that a check is open again.
      const later = keptDemoChecks(configured, at('17:00'), TZ, data);
      expect(windows(later)).toEqual(windows(demoChecks(configured, at('17:00'), TZ)));
      expect(sessionOf(at('17:00'), later?.sessions ?? [], TZ).sessionId).toBe('noon');
      // ...and the next day too.
      const nextDay = zonedToInstant('2026-12-01', '15:20', TZ);
      expect(windows(keptDemoChecks(configured, nextDay, TZ, data))).toEqual(
        windows(demoChecks(configured, nextDay, TZ)),
      );
    });

    it('lays them afresh when the kept file is not one it wrote, or the checks changed', () => {
      const data = join(dir.path, 'changed');
      keptDemoChecks(configured, at('15:10'), TZ, data);
      const renamed = configured.map((s) => ({ ...s, id: `${s.id}-2` }));
      expect(keptDemoChecks(renamed, at('15:20'), TZ, data)?.sessions.every((s) => s.id.endsWith('-2'))).toBe(
        true,
      );
      writeFileSync(join(data, DEMO_CHECKS_FILE), 'not json');
      expect(windows(keptDemoChecks(configured, at('15:30'), TZ, data))).toEqual(
        windows(demoChecks(configured, at('15:30'), TZ)),
      );
    });
  });
});
