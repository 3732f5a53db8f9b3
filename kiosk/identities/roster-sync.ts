import { readFileSync } from 'node:fs';
import type { PeopleStore, RosterImportResult } from '../store/people.ts';
import type { RosterError } from './roster-file.ts';
import { rosterHash } from './roster-import.ts';
import { isWorkbook, readCsvRoster, readRoster } from './roster-read.ts';

/** A roster file with bad rows: nothing of it was imported. `errors` lists every one. */
export class RosterImportError extends Error {
  constructor(
    readonly file: string,
    readonly errors: RosterError[],
  ) {
    super(`${file}: ${errors.length} ${errors.length === 1 ? 'error' : 'errors'}, nothing imported`);
    this.name = 'RosterImportError';
  }
}

/** `row 3, card: card "C1" is used twice (also row 2)`; a problem of the whole file is its message alone. */
export function describeRosterError(e: RosterError): string {
  if (e.row === 0) return e.message;
  return e.field ? `row ${e.row}, ${e.field}: ${e.message}` : `row ${e.row}: ${e.message}`;
}

/** The error to throw for a roster that cannot be imported: the file's own problem, or its bad rows. */
export function rosterFailure(file: string, errors: RosterError[]): Error {
  const whole = errors.length === 1 && errors[0]?.row === 0 ? errors[0] : undefined;
  return whole
    ? new Error(`${file}: ${whole.message}; nothing imported`)
    : new RosterImportError(file, errors);
}

/** Imports the config's roster file (.csv or .xlsx) when its content changed since the last import. */
export async function syncRosterFile(
  people: PeopleStore,
  file: string,
  timeZone: string,
): Promise<RosterImportResult | 'unchanged'> {
  const bytes = readFileSync(file);
  const sha256 = rosterHash(bytes);
  if (people.lastImportHash(file) === sha256) return 'unchanged';
  const read = isWorkbook(bytes) ? await readRoster(bytes, timeZone) : readCsvRoster(bytes, timeZone);
  if (!read.ok) throw rosterFailure(file, read.errors);
  return people.replaceRoster(read.people, file, sha256);
}
