import { EventEmitter } from 'node:events';

export interface ClockJump {
  direction: 'backwards' | 'forward';
  /** How far the wall clock moved beyond the time that passed; always positive. */
  deltaMs: number;
  /** The wall clock just after the jump. */
  at: Date;
}

export interface ClockImplausible {
  /** What the wall clock says. */
  at: Date;
  earliest: Date;
}

export interface ClockWatchStatus {
  lastJump: ClockJump | null;
  /** Set while the wall clock reads earlier than is possible. */
  implausible: ClockImplausible | null;
}

export interface ClockWatchOptions {
  checkMs?: number;
  toleranceMs?: number;
  /** No kiosk of this build runs before this; a clock earlier than it lost its time (an RTC without battery). */
  earliest?: Date;
  wallNow?: () => number;
  monotonicNow?: () => number;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/** No kiosk of this build runs before this: a clock that reads earlier lost its time. */
export const EARLIEST_PLAUSIBLE = new Date('2026-01-01T00:00:00Z');

type ClockWatchEvents = { jump: [ClockJump]; implausible: [ClockImplausible] };

/**
 * Notices the wall clock jumping (an NTP step, a person setting the time, a clock that lost its time
 * at boot), since every pass expiry and status age depends on it: the wall clock should move as much
 * as the monotonic clock between two checks.
 */
export class ClockWatch extends EventEmitter<ClockWatchEvents> {
  private readonly checkMs: number;
  private readonly toleranceMs: number;
  private readonly earliest: Date;
  private readonly wallNow: () => number;
  private readonly monotonicNow: () => number;
  private readonly setIntervalFn: (callback: () => void, ms: number) => unknown;
  private readonly clearIntervalFn: (handle: unknown) => void;
  private handle: unknown = null;
  private last: { wall: number; monotonic: number } | null = null;
  private lastJump: ClockJump | null = null;
  private implausible: ClockImplausible | null = null;

  constructor(options: ClockWatchOptions = {}) {
    super();
    this.checkMs = options.checkMs ?? 1000;
    this.toleranceMs = options.toleranceMs ?? 2000;
    this.earliest = options.earliest ?? EARLIEST_PLAUSIBLE;
    this.wallNow = options.wallNow ?? Date.now;
    this.monotonicNow = options.monotonicNow ?? (() => performance.now());
    this.setIntervalFn =
      options.setInterval ??
      ((callback, ms) => {
        const handle = setInterval(callback, ms);
        handle.unref?.();
        return handle;
      });
    this.clearIntervalFn =
      options.clearInterval ?? ((handle) => clearInterval(handle as ReturnType<typeof setInterval>));
  }

  /** Checks the clock's plausibility at once (listeners added before `start` hear it), then watches. */
  start(): void {
    if (this.handle !== null) return;
    this.last = { wall: this.wallNow(), monotonic: this.monotonicNow() };
    this.checkPlausible(this.last.wall);
    this.handle = this.setIntervalFn(() => this.check(), this.checkMs);
  }

  stop(): void {
    if (this.handle !== null) this.clearIntervalFn(this.handle);
    this.handle = null;
    this.last = null;
  }

  /** One comparison of the two clocks since the previous one. */
  check(): void {
    const now = { wall: this.wallNow(), monotonic: this.monotonicNow() };
    const previous = this.last;
    this.last = now;
    if (!previous) return;
    const driftMs = now.wall - previous.wall - (now.monotonic - previous.monotonic);
    if (Math.abs(driftMs) <= this.toleranceMs) return;
    const jump: ClockJump = {
      direction: driftMs < 0 ? 'backwards' : 'forward',
      deltaMs: Math.round(Math.abs(driftMs)),
      at: new Date(now.wall),
    };
    this.lastJump = jump;
    this.emit('jump', jump);
    this.checkPlausible(now.wall);
  }

  status(): ClockWatchStatus {
    return { lastJump: this.lastJump, implausible: this.implausible };
  }

  private checkPlausible(wall: number): void {
    if (wall >= this.earliest.getTime()) {
      this.implausible = null;
      return;
    }
    if (this.implausible) return;
    this.implausible = { at: new Date(wall), earliest: this.earliest };
    this.emit('implausible', this.implausible);
  }
}
