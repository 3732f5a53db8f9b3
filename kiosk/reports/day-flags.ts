import type { Decision } from '../policy/types.ts';
import { UNSCHEDULED } from '../sessions/session-of.ts';
import type { DayScreening } from './day-records.ts';

/** Decisions that send someone to the nurse: each opens a case. */
export const flaggedDecisions: readonly Decision[] = ['fever', 'code_yellow', 'code_red', 'verify'];

/** What was flagged on a day: in each check, and outside every check (时段外). */
export interface DayFlags {
  total: number;
  bySession: Record<string, number>;
  /** Flagged outside every check window. */
  outside: number;
}

export function dayFlags(screenings: readonly DayScreening[]): DayFlags {
  const bySession: Record<string, number> = {};
  let total = 0;
  for (const s of screenings) {
    if (!flaggedDecisions.includes(s.decision)) continue;
    total++;
    bySession[s.session] = (bySession[s.session] ?? 0) + 1;
  }
  return { total, bySession, outside: bySession[UNSCHEDULED] ?? 0 };
}
