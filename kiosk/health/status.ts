import type { HealthCode } from '../policy/types.ts';

export type HealthSource = 'roster' | 'status_feed' | 'signed_pass' | 'lookup';

/** A person's health-code colour, when it was issued, and where the kiosk learnt it. */
export interface HealthStatus {
  code: HealthCode;
  /** When the status was issued; null when nobody knows. */
  at: Date | null;
  source: HealthSource;
}

const severity: Record<HealthCode, number> = { unknown: 0, green: 1, yellow: 2, red: 3 };

/**
 * The status that counts among several: the newest `at` wins, whatever its source, so a newer red or
 * yellow beats an older green and a newer green clears an older red; equal times give the more
 * severe colour. An `unknown` colour says nothing, so it counts only when nothing else is known.
 */
export function newestStatus(statuses: Iterable<HealthStatus | null | undefined>): HealthStatus | null {
  let best: HealthStatus | null = null;
  for (const s of statuses) {
    if (!s) continue;
    if (!best || newer(s, best)) best = s;
  }
  return best;
}

function newer(a: HealthStatus, b: HealthStatus): boolean {
  if ((a.code === 'unknown') !== (b.code === 'unknown')) return b.code === 'unknown';
  const ta = time(a);
  const tb = time(b);
  if (ta !== tb) return ta > tb;
  return severity[a.code] > severity[b.code];
}

function time(s: HealthStatus): number {
  const t = s.at?.getTime();
  return t === undefined || Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}
