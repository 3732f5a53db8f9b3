import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { databaseFileKind, openExistingDatabase } from './database.ts';
import type { DatabaseKey } from './database-key.ts';

type Db = Database.Database;

/** Daily copies are named for the school's date; a second copy the same day replaces that day's. */
const DAILY = /^gate-kiosk-(\d{4}-\d{2}-\d{2})\.sqlite$/;

export function dailyBackupName(localDate: string): string {
  return `gate-kiosk-${localDate}.sqlite`;
}

export interface BackupCopy {
  file: string;
  bytes: number;
  pages: number;
  ms: number;
}

/** A backup that could not be made or trusted; said in both languages. */
export class BackupError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'BackupError';
  }
}

export interface BackupOptions {
  /**
   * Pages copied per step. The kiosk's own connection copies a little at a time between the lanes'
   * work (its own commits reach the copy as they happen); another process copies everything in one
   * step, a snapshot that writers in WAL mode never wait for (a copy in steps would start over at
   * every commit of the kiosk).
   */
  pagesPerStep?: number;
  /** Runs SQLite's integrity_check on the copy before it takes its name. */
  verify?: boolean;
  /**
   * The key of an encrypted database (to open its copy). An encrypted database is copied with
   * `VACUUM INTO` (SQLite's backup cannot copy the cipher's pages into a new file): as consistent,
   * and encrypted with the same key.
   */
  key?: DatabaseKey | null;
}

/**
 * SQLite's online backup of `db` into `file` (`VACUUM INTO` for an encrypted one): written beside
 * it, made a single self-contained file (rollback journal mode, so no -wal beside it), synced, then
 * renamed into place; 0600.
 */
export async function backupDatabase(db: Db, file: string, opts: BackupOptions = {}): Promise<BackupCopy> {
  const started = performance.now();
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const partial = join(dir, `.${basename(file)}.${process.pid}.partial`);
  rmSync(partial, { force: true });
  try {
    const key = opts.key ?? null;
    let pages: number;
    if (databaseFileKind(db.name) === 'other') {
      db.prepare('VACUUM INTO ?').run(partial);
      pages = db.pragma('page_count', { simple: true }) as number;
    } else {
      const step = opts.pagesPerStep ?? 0x7fffffff;
      pages = (await db.backup(partial, { progress: () => step })).totalPages;
    }
    const copy = openExistingDatabase(partial, key);
    try {
      copy.pragma('journal_mode = DELETE');
      if (opts.verify) {
        const problems = integrityProblems(copy);
        if (problems.length > 0) {
          throw new BackupError(
            `备份副本未通过完整性检查：${problems.slice(0, 3).join('；')}`,
            `the copy failed SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`,
          );
        }
      }
    } finally {
      copy.close();
    }
    chmodSync(partial, 0o600);
    syncFile(partial);
    renameSync(partial, file);
    syncFile(dir);
    return {
      file,
      bytes: statSync(file).size,
      pages,
      ms: Math.round(performance.now() - started),
    };
  } catch (err) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
    throw err;
  }
}

/** Each line of `PRAGMA integrity_check` that is not "ok"; empty for a sound file. */
export function integrityProblems(db: Db): string[] {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).filter((line) => line !== 'ok');
}

/** The daily copies in `dir`, newest first. */
export function dailyBackups(dir: string): { file: string; date: string; mtimeMs: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .flatMap((name) => {
      const date = DAILY.exec(name)?.[1];
      if (!date) return [];
      const file = join(dir, name);
      return [{ file, date, mtimeMs: statSync(file).mtimeMs }];
    })
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}

/** Keeps the newest `keep` daily copies in `dir`; returns the files removed. */
export function pruneDailyBackups(dir: string, keep: number): string[] {
  const old = dailyBackups(dir).slice(keep);
  for (const b of old) rmSync(b.file, { force: true });
  return old.map((b) => b.file);
}

/** Today's daily copy (replacing an earlier one of the same day), then the oldest beyond `keep` go. */
export async function takeDailyBackup(
  db: Db,
  dir: string,
  localDate: string,
  keep: number,
  opts: BackupOptions = {},
): Promise<BackupCopy & { removed: string[] }> {
  const copy = await backupDatabase(db, join(dir, dailyBackupName(localDate)), opts);
  return { ...copy, removed: pruneDailyBackups(dir, keep) };
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
