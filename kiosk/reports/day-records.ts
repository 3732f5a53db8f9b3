import { CaseStore } from '../store/cases.ts';
import type { Db } from '../store/database.ts';
import { PeopleStore, type PersonOnForm } from '../store/people.ts';
import { type DayScreening, ScreeningStore } from '../store/screenings.ts';

/** A day's screenings and people, for the forms and the summary; each table's SQL is in its store. */

export type { DayScreening, PersonOnForm };

export function screeningsOfDay(db: Db, localDate: string): DayScreening[] {
  return new ScreeningStore(db).ofDay(localDate);
}

/** The people with these ids, whether or not they are still on the roster. */
export function peopleByIds(db: Db, ids: readonly string[]): Map<string, PersonOnForm> {
  return new PeopleStore(db).byIds(ids);
}

/** Cases still open (none on a database without the nurse's cases table). */
export function openCaseCount(db: Db): number {
  return CaseStore.openCount(db);
}
