import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PeopleStore, RosterImportResult } from '../store/people.ts';
import { parseRosterCsv, type RosterError } from './roster-file.ts';

export class RosterImportError extends Error {
  constructor(
    readonly file: string,
    readonly errors: RosterError[],
  ) {
    const first = errors
      .slice(0, 5)
      .map((e) => `row ${e.row}, ${e.field}: ${e.message}`)
      .join('; ');
    super(
      `${file}: ${errors.length} bad row field(s), nothing imported: ${first}${errors.length > 5 ? '; …' : ''}`,
    );
    this.name = 'RosterImportError';
  }
}

/** Imports the config's roster file when its content changed since the last import. */
export function syncRosterFile(
  people: PeopleStore,
  file: string,
  timeZone: string,
): RosterImportResult | 'unchanged' {
  const bytes = readFileSync(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (people.lastImportHash(file) === sha256) return 'unchanged';
  const parsed = parseRosterCsv(bytes.toString('utf8'), timeZone);
  if (!parsed.ok) throw new RosterImportError(file, parsed.errors);
  return people.replaceRoster(parsed.people, file, sha256);
}
