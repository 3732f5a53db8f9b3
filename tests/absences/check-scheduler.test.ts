import { describe, expect, it } from 'vitest';
import { CheckScheduler } from '../../kiosk/absences/check-scheduler.ts';
import type { SessionConfig } from '../../kiosk/config/schema.ts';
import { ManualClock } from './manual-clock.ts';

const sessions: SessionConfig[] = [
  { id: 'morning', name: '晨检', start: '06:30', cutoff: '08:30', boardersOnly: false },
  { id: 'noon', name: '午检', start: '12:30', cutoff: '14:00', boardersOnly: false },
  { id: 'evening', name: '晚检', start: '18:30', cutoff: '20:00', boardersOnly: true },
];
const DAY = '2026-11-23';

function scheduler(clock: ManualClock, fail: Set<string> = new Set()) {
  const calls: string[] = [];
  const s = new CheckScheduler({
    sessions,
    timeZone: 'Asia/Shanghai',
    clock,
    cutoffPassed: (date, id) => {
      if (fail.has(id)) throw new Error(`${id} failed`);
      calls.push(`cutoff ${date} ${id}`);
    },
    dayBegan: (today) => calls.push(`day ${today}`),
  });
  return { s, calls };
}

describe('the roll-call scheduler', () => {
  it('takes each roll call when its cut-off comes, not before, and closes the day after midnight', () => {
    const clock = ManualClock.at(DAY, '07:00');
    const { s, calls } = scheduler(clock);
    s.start();
    expect(calls).toEqual([`day ${DAY}`]);
    clock.advanceToLocal(DAY, '08:29');
    expect(calls).toEqual([`day ${DAY}`]);
    clock.advanceToLocal(DAY, '08:30');
    expect(calls).toEqual([`day ${DAY}`, `cutoff ${DAY} morning`]);
    clock.advanceToLocal(DAY, '13:59');
    expect(calls).toHaveLength(2);
    clock.advanceToLocal(DAY, '20:00');
    expect(calls).toEqual([
      `day ${DAY}`,
      `cutoff ${DAY} morning`,
      `cutoff ${DAY} noon`,
      `cutoff ${DAY} evening`,
    ]);
    clock.advanceToLocal('2026-11-24', '00:00');
    expect(calls.at(-1)).toBe('day 2026-11-24');
    clock.advanceToLocal('2026-11-24', '08:30');
    expect(calls.at(-1)).toBe('cutoff 2026-11-24 morning');
    s.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('catches up at start with every cut-off already passed today, in order', () => {
    const clock = ManualClock.at(DAY, '15:10');
    const { s, calls } = scheduler(clock);
    s.start();
    expect(calls).toEqual([`day ${DAY}`, `cutoff ${DAY} morning`, `cutoff ${DAY} noon`]);
    s.stop();
  });

  it('tries a failed roll call again at its next wake, and no other twice', () => {
    const clock = ManualClock.at(DAY, '08:31');
    const fail = new Set(['morning']);
    const { s, calls } = scheduler(clock, fail);
    s.start();
    expect(calls).toEqual([`day ${DAY}`]);
    fail.clear();
    clock.advanceToLocal(DAY, '08:33');
    expect(calls).toEqual([`day ${DAY}`, `cutoff ${DAY} morning`]);
    clock.advanceToLocal(DAY, '09:30');
    expect(calls).toEqual([`day ${DAY}`, `cutoff ${DAY} morning`]);
    s.stop();
  });

  it('notices a clock set forward past a cut-off within a minute', () => {
    const clock = ManualClock.at(DAY, '07:00');
    const { s, calls } = scheduler(clock);
    s.start();
    clock.jumpTo(ManualClock.at(DAY, '09:00').now());
    expect(calls).not.toContain(`cutoff ${DAY} morning`);
    clock.advanceTo(clock.now() + 60_000);
    expect(calls).toContain(`cutoff ${DAY} morning`);
    s.stop();
  });
});
