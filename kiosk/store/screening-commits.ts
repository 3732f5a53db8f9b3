import { CaseStore } from './cases.ts';
import type { Db } from './database.ts';
import { ScreeningStore } from './screenings.ts';

/**
 * The screenings store as every commit needs it, on whichever thread commits: a fever, a yellow or
 * a red code opens its case in the screening's own transaction.
 */
export function screeningsWithCases(db: Db): { screenings: ScreeningStore; cases: CaseStore } {
  const screenings = new ScreeningStore(db);
  const cases = new CaseStore(db);
  screenings.alsoInCommit((record) => cases.openFor(record));
  return { screenings, cases };
}
