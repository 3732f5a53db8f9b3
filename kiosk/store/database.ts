import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.ts';
import { upgradeSchema } from './schema-upgrade.ts';

export type Db = Database.Database;

export const DATABASE_FILE = 'gate-kiosk.sqlite';

/**
 * Opens (creating if needed) the kiosk's SQLite file in `dataDir`: WAL with synchronous=FULL, so a
 * committed screening survives a kill or a power cut, then brings the schema up to date.
 */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function schemaVersion(db: Db): number {
  return (db.pragma('user_version', { simple: true }) as number) ?? 0;
}

/** Up to date in one transaction, after a copy of the old file; refuses a file from a newer build. */
export function migrate(db: Db): void {
  upgradeSchema(db, migrations);
}
