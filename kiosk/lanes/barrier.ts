import type { Screened } from '../screening/screener.ts';

/** The barrier opens for a pass and for nothing else: every flag keeps it shut for the guard. */
export function barrierOpensFor(screened: Screened): boolean {
  return screened.record.decision === 'pass';
}
