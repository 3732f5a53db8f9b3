import type { SessionConfig } from '../config/schema.ts';

/**
 * The check a screening at `time` (`HH:mm`) is late for: the last one whose cut-off has passed, as long
 * as the screening falls outside every window. A pupil who turns up in the noon window missed the
 * morning; they were not late for it.
 */
export function lateFor(time: string, sessions: readonly SessionConfig[]): SessionConfig | null {
  if (sessions.some((s) => s.start <= time && time < s.cutoff)) return null;
  let latest: SessionConfig | null = null;
  for (const s of sessions) if (s.cutoff <= time && (!latest || s.cutoff > latest.cutoff)) latest = s;
  return latest;
}
