/** Retry delays after failed uploads: doubling from `initialMs`, never beyond `maxMs`. */
export interface RetryBackoff {
  initialMs: number;
  maxMs: number;
}

export const defaultRetryBackoff: RetryBackoff = { initialMs: 1000, maxMs: 300_000 };

/**
 * The wait before retry number `failures` (1 = after the first failure), with "equal jitter": half the
 * delay fixed, half random, so the kiosks of a district that lost its link together do not all come
 * back in the same second.
 */
export function retryDelayMs(
  failures: number,
  backoff: RetryBackoff,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(0, failures - 1), 30);
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The wait after a busy answer that asked for `retryAfterMs`: never sooner, and up to a fifth later
 * (5 s at most) at random, so kiosks told the same second do not all come back in it.
 */
export function busyDelayMs(retryAfterMs: number, random: () => number = Math.random): number {
  const base = Math.max(MIN_BUSY_WAIT_MS, retryAfterMs);
  return Math.round(base + random() * Math.min(base / 5, MAX_BUSY_SPREAD_MS));
}

/** How much later than Retry-After a kiosk may come back, at most. */
export const MAX_BUSY_SPREAD_MS = 5_000;

/** A busy answer is never followed sooner than this, whatever its Retry-After says. */
export const MIN_BUSY_WAIT_MS = 1000;
