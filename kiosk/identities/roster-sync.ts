import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { AuditLog } from '../store/audit-log.ts';
import type { PeopleStore, RosterImportResult } from '../store/people.ts';
import type { RosterError } from './roster-file.ts';
import { auditRosterRefusal, refusalOf, rosterHash } from './roster-import.ts';
import { fileTooLarge, MAX_ROSTER_FILE_MB, type RosterLimits, type RosterRefusal } from './roster-limits.ts';
import { readRosterOffThread } from './roster-off-thread.ts';

/** A roster file with bad rows: nothing of it was imported. `errors` lists every one. */
export class RosterImportError extends Error {
  constructor(
    readonly file: string,
    readonly errors: RosterError[],
  ) {
    super(`${file}: ${errors.length} ${errors.length === 1 ? 'error' : 'errors'}, nothing imported`);
    this.name = 'RosterImportError';
  }

  /** The headline in Chinese: how many bad rows, nothing imported. */
  get zhHeadline(): string {
    return `${this.file}：有 ${this.errors.length} 处错误，未导入任何人`;
  }
}

/**
 * `第 3 行，card：卡号 "C1" 重复使用（第 2 行也有）` and `row 3, card: card "C1" is used twice (also
 * row 2)`; a problem of the whole file is its message alone.
 */
export function describeRosterError(e: RosterError): { zh: string; en: string } {
  if (e.row === 0) return { zh: e.zh, en: e.en };
  return e.field
    ? { zh: `第 ${e.row} 行，${e.field}：${e.zh}`, en: `row ${e.row}, ${e.field}: ${e.en}` }
    : { zh: `第 ${e.row} 行：${e.zh}`, en: `row ${e.row}: ${e.en}` };
}

/** A roster file over `MAX_ROSTER_FILE_MB`: not read at all. */
export class RosterFileTooLarge extends Error {
  constructor(
    readonly file: string,
    readonly bytes: number,
  ) {
    super(`${file}: ${fileTooLarge.zh}；未导入 · ${fileTooLarge.en}; nothing imported`);
    this.name = 'RosterFileTooLarge';
  }
}

/** A roster file's bytes; a file over `MAX_ROSTER_FILE_MB` throws `RosterFileTooLarge` unread. */
export function readRosterFile(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_ROSTER_FILE_MB * 1024 * 1024) throw new RosterFileTooLarge(file, size);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The error to throw for a roster that cannot be imported: a bound it crossed (in Chinese, then
 * English), the file's own problem, or its bad rows.
 */
export function rosterFailure(file: string, errors: RosterError[], refusal?: RosterRefusal): Error {
  if (refusal) return new Error(`${file}: ${refusal.zh}；未导入 · ${refusal.en}; nothing imported`);
  const whole = errors.length === 1 && errors[0]?.row === 0 ? errors[0] : undefined;
  return whole
    ? new Error(`${file}: ${whole.zh}；未导入 · ${whole.en}; nothing imported`)
    : new RosterImportError(file, errors);
}

/**
 * Imports the config's roster file (.csv or .xlsx) when its content changed since the last import,
 * reading it off the event loop; the import, or why it was refused, goes into the audit log as `system`'s.
 */
export async function syncRosterFile(
  people: PeopleStore,
  file: string,
  timeZone: string,
  opts: { audit: AuditLog; limits?: RosterLimits },
): Promise<RosterImportResult | 'unchanged'> {
  let bytes: Buffer;
  try {
    bytes = readRosterFile(file);
  } catch (err) {
    if (err instanceof RosterFileTooLarge) {
      auditRosterRefusal(opts.audit, 'system', {
        file,
        dryRun: false,
        bytes: err.bytes,
        reason: 'too_large',
        message: fileTooLarge.en,
      });
    }
    throw err;
  }
  const sha256 = rosterHash(bytes);
  if (people.lastImportHash(file) === sha256) return 'unchanged';
  const read = await readRosterOffThread(bytes, timeZone, opts.limits);
  const base = { file, dryRun: false, bytes: bytes.length, sha256 };
  if (!read.ok) {
    auditRosterRefusal(opts.audit, 'system', { ...base, ...refusalOf(read) });
    throw rosterFailure(file, read.errors, read.refusal);
  }
  return opts.audit.record(
    'system',
    'roster_import',
    () => people.replaceRoster(read.people, file, sha256),
    (result) => ({ ...base, people: read.people.length, counts: result }),
  );
}
