import { createHash } from 'node:crypto';
import type { AuditLog } from '../store/audit-log.ts';
import type { PeopleStore } from '../store/people.ts';
import type { RosterError, RosterIssue, RosterRead } from './roster-file.ts';
import type { RosterLimits, RosterRefusal } from './roster-limits.ts';
import { readRosterOffThread } from './roster-off-thread.ts';
import { planRosterImport } from './roster-plan.ts';
import { type RosterImportReport, rosterImportReport } from './roster-report.ts';

export interface RosterImportRequest {
  bytes: Uint8Array;
  /** What the import is recorded as: the file's path, or where an upload came from. */
  source: string;
  timeZone: string;
  dryRun: boolean;
  /** Who asked, as the audit log names them: a user's name, `cli`, `system`. */
  actor: string;
  limits?: RosterLimits;
  at?: Date;
}

export type RosterImportOutcome =
  | { ok: true; report: RosterImportReport }
  | { ok: false; errors: RosterError[]; warnings: RosterIssue[]; refusal?: RosterRefusal };

export interface RosterImportDeps {
  people: Pick<PeopleStore, 'current' | 'applyRoster'>;
  audit: AuditLog;
  /** How a file is read; a worker thread unless told otherwise. */
  read?: (bytes: Uint8Array, timeZone: string, limits?: RosterLimits) => Promise<RosterRead>;
}

export function rosterHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The audit entry of a refused import: why, and where (rows and fields, never cell contents). */
export interface RosterRefusalEntry {
  file: string;
  dryRun: boolean;
  /** A refusal's code, `unreadable` for a file that is not a roster, `bad_rows`, or the request's problem. */
  reason: string;
  message: string;
  bytes?: number;
  sha256?: string;
  errors?: RosterError[];
}

export function auditRosterRefusal(audit: AuditLog, actor: string, entry: RosterRefusalEntry): void {
  const { errors, ...rest } = entry;
  audit.append(actor, 'roster_import_refused', {
    ...rest,
    ...(errors
      ? {
          errorCount: errors.length,
          errorsAt: errors.slice(0, 20).map((e) => ({ row: e.row, field: e.field })),
        }
      : {}),
  });
}

/** Why a read roster is refused, for the audit log. */
export function refusalOf(
  read: Extract<RosterRead, { ok: false }>,
): Pick<RosterRefusalEntry, 'reason' | 'message' | 'errors'> {
  const whole = read.errors.length === 1 && read.errors[0]?.row === 0 ? read.errors[0] : undefined;
  return {
    reason: read.refusal?.code ?? (whole ? 'unreadable' : 'bad_rows'),
    message: whole?.message ?? `${read.errors.length} ${read.errors.length === 1 ? 'error' : 'errors'}`,
    errors: read.errors,
  };
}

/**
 * Reads a roster file off the event loop and, unless it is a dry run, replaces the roster with it:
 * all rows or none. Every attempt goes into the audit log with who asked and the counts, or why it
 * was refused; a real import and its entry are written in one transaction.
 */
export async function importRoster(
  deps: RosterImportDeps,
  req: RosterImportRequest,
): Promise<RosterImportOutcome> {
  const sha256 = rosterHash(req.bytes);
  const base = { file: req.source, dryRun: req.dryRun, bytes: req.bytes.length, sha256 };
  let read: RosterRead;
  try {
    read = await (deps.read ?? readRosterOffThread)(req.bytes, req.timeZone, req.limits);
  } catch (err) {
    auditRosterRefusal(deps.audit, req.actor, { ...base, reason: 'reader_failed', message: String(err) });
    throw err;
  }
  if (!read.ok) {
    auditRosterRefusal(deps.audit, req.actor, { ...base, ...refusalOf(read) });
    return read;
  }
  const rowOf = new Map(read.people.map((p, i) => [p.id, read.rows[i] ?? 0]));
  const report = (plan: ReturnType<typeof planRosterImport>) =>
    rosterImportReport(plan, {
      dryRun: req.dryRun,
      imported: read.people.length,
      rowOf,
      warnings: read.warnings,
    });
  const counts = (r: RosterImportReport) => ({ ...base, people: read.people.length, counts: r.counts });
  if (req.dryRun) {
    const preview = report(planRosterImport(deps.people.current(), read.people));
    deps.audit.append(req.actor, 'roster_dry_run', counts(preview));
    return { ok: true, report: preview };
  }
  const imported = deps.audit.record(
    req.actor,
    'roster_import',
    () => report(deps.people.applyRoster(read.people, req.source, sha256, req.at)),
    counts,
  );
  return { ok: true, report: imported };
}
