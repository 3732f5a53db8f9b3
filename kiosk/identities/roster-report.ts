import type { RosterIssue } from './roster-file.ts';
import type { RosterField, RosterPlan } from './roster-plan.ts';

/** One person in an import report: enough to recognise them, no contact or health data. */
export interface RosterPersonLine {
  /** The row of the file; null for people who are not in it. */
  row: number | null;
  id: string;
  name: string;
  kind: 'student' | 'staff';
  grade: number | null;
  class: string | null;
}

/** The answer of `POST /api/roster/import` and `gate-kiosk roster import --json`. */
export interface RosterImportReport {
  /** People written; 0 on a dry run. */
  imported: number;
  dryRun: boolean;
  counts: { added: number; updated: number; removed: number; unchanged: number };
  added: RosterPersonLine[];
  updated: (RosterPersonLine & { fields: RosterField[] })[];
  removed: RosterPersonLine[];
  warnings: RosterIssue[];
  errors: [];
}

export function rosterImportReport(
  plan: RosterPlan,
  opts: { dryRun: boolean; imported: number; rowOf: ReadonlyMap<string, number>; warnings: RosterIssue[] },
): RosterImportReport {
  const line = (p: RosterPlan['added'][number]): RosterPersonLine => ({
    row: opts.rowOf.get(p.id) ?? null,
    id: p.id,
    name: p.name,
    kind: p.kind,
    grade: p.grade,
    class: p.className,
  });
  return {
    imported: opts.dryRun ? 0 : opts.imported,
    dryRun: opts.dryRun,
    counts: {
      added: plan.added.length,
      updated: plan.updated.length,
      removed: plan.removed.length,
      unchanged: plan.unchanged,
    },
    added: plan.added.map(line),
    updated: plan.updated.map((u) => ({ ...line(u.person), fields: u.fields })),
    removed: plan.removed.map(line),
    warnings: opts.warnings,
    errors: [],
  };
}
