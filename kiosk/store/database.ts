import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.ts';
import { makePrivateDir, makePrivateFile, tightenFile } from './private-files.ts';

export type Db = Database.Database;

export const DATABASE_FILE = 'gate-kiosk.sqlite';

/** SQLite's files beside the database; each takes the database file's mode when SQLite makes it. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * Opens (creating if needed) the kiosk's SQLite file in `dataDir`: WAL with synchronous=FULL, so a
 * committed screening survives a kill or a power cut, then brings the schema up to date. The folder
 * is made (or tightened to) 0700 and the files 0600, whatever the umask.
 */
export function openDatabase(dataDir: string): Db {
  makePrivateDir(dataDir);
  const file = join(dataDir, DATABASE_FILE);
  // Made before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
  makePrivateFile(file);
  for (const side of SIDE_FILES) tightenFile(file + side);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    for (const side of SIDE_FILES) tightenFile(file + side);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return (db.pragma('user_version', { simple: true }) as number) ?? 0;
}

export function migrate(db: Db): void {
  const current = schemaVersion(db);
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const newest = ordered.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`the database is at schema version ${current}, newer than this program (${newest})`);
  }
  for (const m of ordered) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
