/**
 * Slows password guessing: after 5 failures for an account or from an address, each further
 * attempt waits twice as long as the last (1 s, 2 s, 4 s … up to 15 min). A success clears the
 * account's count.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly freeAttempts = 5,
    private readonly maxLockMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds to wait before another attempt for these keys may be tried; 0 when allowed. */
  waitMs(keys: readonly string[]): number {
    const t = this.now();
    return Math.max(0, ...keys.map((k) => (this.failures.get(k)?.until ?? 0) - t));
  }

  failed(keys: readonly string[]): void {
    for (const key of keys) {
      const f = this.failures.get(key) ?? { count: 0, until: 0 };
      f.count++;
      const over = f.count - this.freeAttempts + 1;
      f.until = over > 0 ? this.now() + Math.min(this.maxLockMs, 1000 * 2 ** (over - 1)) : 0;
      this.failures.set(key, f);
    }
    if (this.failures.size > 10_000) this.prune();
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }

  private prune(): void {
    const t = this.now();
    for (const [k, f] of this.failures) if (f.until < t - this.maxLockMs) this.failures.delete(k);
  }
}
