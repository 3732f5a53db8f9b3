/**
 * Slows password guessing: after 5 tries for an account or 20 from an address, each further try
 * waits twice as long as the last (1 s, 2 s, 4 s … up to 15 min).
 *
 * A try is counted when it begins, before its password is checked: checking takes a while (scrypt),
 * and tries sent all at once would otherwise all pass the count before the first one failed. A right
 * password clears the account's count and takes its try back from the address.
 */
export class LoginThrottle {
  private readonly tries = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly freeAttempts = 5,
    private readonly maxLockMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds to wait before another try for these keys may begin; 0 when it may. */
  waitMs(keys: readonly string[]): number {
    const t = this.now();
    return Math.max(0, ...keys.map((k) => (this.tries.get(k)?.until ?? 0) - t));
  }

  /** Counts a try for each key now, before its password is checked; the next try may have to wait. */
  begin(keys: readonly string[]): void {
    for (const key of keys) {
      const f = this.tries.get(key) ?? { count: 0, until: 0 };
      f.count++;
      const over = f.count - this.freeAttempts + 1;
      f.until = over > 0 ? this.now() + Math.min(this.maxLockMs, 1000 * 2 ** (over - 1)) : 0;
      this.tries.set(key, f);
    }
    if (this.tries.size > 10_000) this.prune();
  }

  /** The password was right: the key's tries are forgotten. */
  succeeded(key: string): void {
    this.tries.delete(key);
  }

  /** The password was right: one try is taken back from the key (a shared address keeps the rest). */
  refund(key: string): void {
    const f = this.tries.get(key);
    if (!f) return;
    f.count--;
    if (f.count <= 0) this.tries.delete(key);
    else if (f.count < this.freeAttempts) f.until = 0;
  }

  private prune(): void {
    const t = this.now();
    for (const [k, f] of this.tries) if (f.until < t - this.maxLockMs) this.tries.delete(k);
  }
}

/**
 * The throttle keys of a login try. Tries at the kiosk's own machine count for the account apart
 * from tries from anywhere else, so guessing from another address never locks the account's owner
 * out at the gate itself.
 */
export function loginKeys(
  name: string,
  address: string,
  ownHost: boolean,
): { account: string[]; address: string[] } {
  return {
    account: [ownHost ? `account-here:${name}` : `account:${name}`],
    address: [`address:${address}`],
  };
}
