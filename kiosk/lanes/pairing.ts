import type { IdentityEvent } from '../../drivers/types.ts';

export interface Clock {
  now(): number;
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

export type PairingOutput<T> =
  /** A code was scanned; the lane waits for its temperature. */
  | { kind: 'waiting'; identity: IdentityEvent; at: number }
  /** Ready to decide: both arrived within the window, or a temperature nobody scanned for. */
  | { kind: 'paired'; identity: IdentityEvent | null; temperature: T; at: number }
  /** A scan whose temperature never came within the window. */
  | { kind: 'expired'; identity: IdentityEvent };

interface Pending<T> {
  event: T;
  at: number;
  cancel: () => void;
}

/**
 * Pairs one lane's identity and temperature when they arrive within `windowMs` of each other, in
 * either order (inclusive at the window's edge). A newer scan replaces a waiting one; a temperature
 * left alone for the whole window is given out with no identity.
 */
export class LanePairing<T> {
  private identity: Pending<IdentityEvent> | null = null;
  private temperature: Pending<T> | null = null;

  constructor(
    private readonly windowMs: number,
    private readonly output: (out: PairingOutput<T>) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  onIdentity(event: IdentityEvent): void {
    const now = this.clock.now();
    const t = this.temperature;
    if (t && now - t.at <= this.windowMs) {
      t.cancel();
      this.temperature = null;
      this.output({ kind: 'paired', identity: event, temperature: t.event, at: now });
      return;
    }
    this.identity?.cancel();
    const cancel = this.clock.setTimer(this.windowMs + 1, () => {
      if (this.identity?.event !== event) return;
      this.identity = null;
      this.output({ kind: 'expired', identity: event });
    });
    this.identity = { event, at: now, cancel };
    this.output({ kind: 'waiting', identity: event, at: now });
  }

  onTemperature(event: T): void {
    const now = this.clock.now();
    const id = this.identity;
    if (id && now - id.at <= this.windowMs) {
      id.cancel();
      this.identity = null;
      this.output({ kind: 'paired', identity: id.event, temperature: event, at: now });
      return;
    }
    this.flushTemperature();
    const cancel = this.clock.setTimer(this.windowMs + 1, () => {
      if (this.temperature?.event === event) this.flushTemperature();
    });
    this.temperature = { event, at: now, cancel };
  }

  /** Gives out a waiting temperature with no identity (on its timer, or when a newer one arrives). */
  private flushTemperature(): void {
    const t = this.temperature;
    if (!t) return;
    t.cancel();
    this.temperature = null;
    this.output({ kind: 'paired', identity: null, temperature: t.event, at: t.at });
  }

  dispose(): void {
    this.identity?.cancel();
    this.temperature?.cancel();
    this.identity = null;
    this.temperature = null;
  }
}
