import { describe, expect, it } from 'vitest';
import { type ClockImplausible, type ClockJump, ClockWatch } from '../../kiosk/time/clock-watch.ts';

/** Two clocks the test moves, and the interval the watch asked for. */
function clocks(wallIso = '2026-11-23T06:00:00Z') {
  const c = {
    wall: new Date(wallIso).getTime(),
    monotonic: 1000,
    intervalMs: null as number | null,
    cleared: false,
    /** Time passing normally. */
    pass(ms: number) {
      c.wall += ms;
      c.monotonic += ms;
    },
  };
  return c;
}

function watch(c: ReturnType<typeof clocks>, options: { toleranceMs?: number } = {}) {
  const w = new ClockWatch({
    ...options,
    wallNow: () => c.wall,
    monotonicNow: () => c.monotonic,
    setInterval: (_callback, ms) => {
      c.intervalMs = ms;
      return 'handle';
    },
    clearInterval: (handle) => {
      c.cleared = handle === 'handle';
    },
  });
  const jumps: ClockJump[] = [];
  const implausible: ClockImplausible[] = [];
  w.on('jump', (j) => jumps.push(j));
  w.on('implausible', (i) => implausible.push(i));
  return { w, jumps, implausible };
}

describe('the clock watch', () => {
  it('stays quiet while both clocks move together, even when the process stalls', () => {
    const c = clocks();
    const { w, jumps, implausible } = watch(c);
    w.start();
    expect(c.intervalMs).toBe(1000);
    for (let i = 0; i < 10; i++) {
      c.pass(1000);
      w.check();
    }
    c.pass(30_000);
    w.check();
    c.pass(1000);
    c.wall += 1999;
    w.check();
    expect(jumps).toEqual([]);
    expect(implausible).toEqual([]);
    expect(w.status()).toEqual({ lastJump: null, implausible: null });
  });

  it('reports the wall clock going back', () => {
    const c = clocks();
    const { w, jumps } = watch(c);
    w.start();
    c.pass(1000);
    c.wall -= 3_600_000;
    w.check();
    const jump = { direction: 'backwards', deltaMs: 3_600_000, at: new Date('2026-11-23T05:00:01Z') };
    expect(jumps).toEqual([jump]);
    expect(w.status().lastJump).toEqual(jump);
    c.pass(1000);
    w.check();
    expect(jumps).toHaveLength(1);
  });

  it('reports the wall clock leaping forward beyond the tolerance', () => {
    const c = clocks();
    const { w, jumps } = watch(c, { toleranceMs: 5000 });
    w.start();
    c.pass(1000);
    c.wall += 5000;
    w.check();
    expect(jumps).toEqual([]);
    c.pass(1000);
    c.wall += 5001;
    w.check();
    expect(jumps).toEqual([
      { direction: 'forward', deltaMs: 5001, at: new Date('2026-11-23T06:00:12.001Z') },
    ]);
  });

  it('says at start that a clock before 2026 cannot be right, and clears it once the time is set', () => {
    const c = clocks('2000-01-01T00:00:05Z');
    const { w, jumps, implausible } = watch(c);
    w.start();
    const notice = { at: new Date('2000-01-01T00:00:05Z'), earliest: new Date('2026-01-01T00:00:00Z') };
    expect(implausible).toEqual([notice]);
    expect(w.status().implausible).toEqual(notice);

    c.pass(1000);
    c.wall = new Date('2026-11-23T06:00:00Z').getTime();
    w.check();
    expect(jumps).toMatchObject([{ direction: 'forward', at: new Date('2026-11-23T06:00:00Z') }]);
    expect(w.status().implausible).toBeNull();
    expect(implausible).toHaveLength(1);
  });

  it('stops its interval', () => {
    const c = clocks();
    const { w } = watch(c);
    w.start();
    w.stop();
    expect(c.cleared).toBe(true);
  });
});
