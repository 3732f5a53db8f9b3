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
