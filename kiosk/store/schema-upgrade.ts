import { chmodSync, chownSync, closeSync, fsyncSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';

type Db = Database.Database;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Where copies taken before an upgrade (and daily ones, unless `backup.dir` says otherwise) go. */
export const BACKUPS_DIR = 'backups';

/** The file was written by a newer gate-kiosk: this build must not touch it. */
export class SchemaTooNewError extends Error {
  readonly zh: string;
  readonly en: string;
  constructor(
    readonly file: string,
    readonly found: number,
    readonly newest: number,
  ) {
    const zh =
      `数据库 ${file} 的结构版本是 ${found}，比本程序认识的最高版本 ${newest} 新：它由更新的 gate-kiosk 写过。` +
      '本程序不会改动它。请重新安装那个更新的版本，或用 gate-kiosk restore 恢复本版本做的备份。';
    const en =
      `the database ${file} is at schema version ${found}, newer than this build knows (up to ${newest}): ` +
      'a newer gate-kiosk wrote it. This build leaves it untouched. Install that newer version again, ' +
      'or restore a backup made by this version with gate-kiosk restore.';
    super(en);
    this.name = 'SchemaTooNewError';
    this.zh = zh;
    this.en = en;
  }
}

export function schemaVersionOf(db: Db): number {
  return (db.pragma('user_version', { simple: true }) as number) ?? 0;
}

export function newestSchema(migrations: readonly Migration[]): number {
  return Math.max(0, ...migrations.map((m) => m.version));
}

/**
 * Brings the schema up to date: refuses a file newer than these migrations, copies an existing file
 * aside first (`backups/gate-kiosk-before-v{to}-from-v{from}-{time}.sqlite`), then applies every
 * pending migration in one transaction, so a failure leaves the file exactly as it was.
 */
export function upgradeSchema(
  db: Db,
  migrations: readonly Migration[],
): { from: number; to: number; backup: string | null } {
  const from = schemaVersionOf(db);
  const newest = newestSchema(migrations);
  if (from > newest) throw new SchemaTooNewError(db.name, from, newest);
  const pending = [...migrations].filter((m) => m.version > from).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return { from, to: from, backup: null };
  const backup = from > 0 ? copyBeforeUpgrade(db, from, newest) : null;
  // Immediate: the write lock first, then the version read again, so two processes opening the same
  // file at once (the kiosk and a command) do not both migrate it.
  db.transaction(() => {
    const now = schemaVersionOf(db);
    if (now > newest) throw new SchemaTooNewError(db.name, now, newest);
    for (const m of pending) if (m.version > now) db.exec(m.sql);
    db.pragma(`user_version = ${newest}`);
  }).immediate();
  return { from, to: newest, backup };
}

function copyBeforeUpgrade(db: Db, from: number, to: number): string {
  const dir = join(dirname(db.name), BACKUPS_DIR);
  const made = mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const file = join(dir, `gate-kiosk-before-v${to}-from-v${from}-${stamp}.sqlite`);
  // A consistent copy of the whole file in one statement, WAL included.
  db.prepare('VACUUM INTO ?').run(file);
  chmodSync(file, 0o600);
  // A command run by root upgrades the service's file: what it makes stays the file owner's.
  if (process.getuid?.() === 0) {
    const { uid, gid } = statSync(db.name);
    if (made) chownSync(dir, uid, gid);
    chownSync(file, uid, gid);
  }
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return file;
}
