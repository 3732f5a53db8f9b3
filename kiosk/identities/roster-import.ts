import { createHash } from 'node:crypto';
import type { PeopleStore } from '../store/people.ts';
import type { RosterError, RosterIssue } from './roster-file.ts';
import { planRosterImport } from './roster-plan.ts';
import { readRoster } from './roster-read.ts';
import { type RosterImportReport, rosterImportReport } from './roster-report.ts';

export interface RosterImportRequest {
  bytes: Uint8Array;
  /** What the import is recorded as: the file's path, or where an upload came from. */
  source: string;
  timeZone: string;
  dryRun: boolean;
  at?: Date;
}

export type RosterImportOutcome =
  | { ok: true; report: RosterImportReport }
  | { ok: false; errors: RosterError[]; warnings: RosterIssue[] };

export function rosterHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a roster file and, unless it is a dry run, replaces the roster with it: all rows or none. */
export async function importRoster(
  store: Pick<PeopleStore, 'current' | 'applyRoster'>,
  req: RosterImportRequest,
): Promise<RosterImportOutcome> {
  const read = await readRoster(req.bytes, req.timeZone);
  if (!read.ok) return read;
  const plan = req.dryRun
    ? planRosterImport(store.current(), read.people)
    : store.applyRoster(read.people, req.source, rosterHash(req.bytes), req.at);
  const rowOf = new Map(read.people.map((p, i) => [p.id, read.rows[i] ?? 0]));
  return {
    ok: true,
    report: rosterImportReport(plan, {
      dryRun: req.dryRun,
      imported: read.people.length,
      rowOf,
      warnings: read.warnings,
    }),
  };
}
