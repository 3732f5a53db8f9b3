import type { Clock } from '../../kiosk/time/clock.ts';
import { zonedToInstant } from '../../kiosk/time/zoned.ts';

/** A clock that moves only when told to, firing the timers that fall due on the way, in order. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(private current: number) {}

  static at(date: string, time: string, timeZone = 'Asia/Shanghai'): ManualClock {
    return new ManualClock(zonedToInstant(date, time, timeZone).getTime());
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.current + Math.max(ms, 0), fn, seq: this.seq++ };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves to `to`, firing each timer due by then at its own time. */
  advanceTo(to: number): void {
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next || next.at > to) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = to;
  }

  /** The wall clock is set to another time: nothing fires until the clock moves on. */
  jumpTo(to: number): void {
    this.current = to;
  }

  advanceToLocal(date: string, time: string, timeZone = 'Asia/Shanghai'): void {
    this.advanceTo(zonedToInstant(date, time, timeZone).getTime());
  }
}
