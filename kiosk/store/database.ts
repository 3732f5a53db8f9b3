import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type CipherDatabase from 'better-sqlite3-multiple-ciphers';
import { type DatabaseKey, DatabaseKeyError } from './database-key.ts';
import { migrations } from './migrations.ts';
import { makePrivateDir, makePrivateFile, tightenFile } from './private-files.ts';
import { upgradeSchema } from './schema-upgrade.ts';

export type Db = Database.Database;

export const DATABASE_FILE = 'gate-kiosk.sqlite';

/** SQLite's files beside the database; each takes the database file's mode when SQLite makes it. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Opens (creating if needed) the kiosk's SQLite file in `dataDir`: WAL with synchronous=FULL, so a
 * committed screening survives a kill or a power cut, then brings the schema up to date. The folder
 * is made (or tightened to) 0700 and the files 0600, whatever the umask. With a key the file is
 * encrypted (SQLCipher 4 format: AES-256, HMAC-SHA512 per page).
 */
export function openDatabase(dataDir: string, key: DatabaseKey | null = null): Db {
  makePrivateDir(dataDir);
  const file = join(dataDir, DATABASE_FILE);
  // Made before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
  makePrivateFile(file);
  for (const side of SIDE_FILES) tightenFile(file + side);
  const db = key ? openEncrypted(file, key) : openPlain(file);
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

/**
 * Opens an existing database file as it is (no folder made, no migration, modes left alone): plain,
 * or unlocked with `key` when it is encrypted. For copies, checks and commands beside a running kiosk.
 */
export function openExistingDatabase(
  file: string,
  key: DatabaseKey | null,
  options: { readonly?: boolean } = {},
): Db {
  const opts = { readonly: options.readonly ?? false, fileMustExist: true };
  if (databaseFileKind(file) !== 'other') return new Database(file, opts);
  if (!key) {
    throw new DatabaseKeyError(
      `${file} 已加密（或已损坏）：请在配置的 encryption 中给出密钥`,
      `${file} is encrypted (or damaged): give its key in the config's encryption block`,
    );
  }
  const db = openCipher(file, opts);
  try {
    unlock(db, key, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Whether the file is a plain SQLite database (`plain`), another file (`other`: encrypted), or `empty`. */
export function databaseFileKind(file: string): 'plain' | 'other' | 'empty' {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(PLAIN_HEADER.length);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n === 0) return 'empty';
    return n === head.length && head.equals(PLAIN_HEADER) ? 'plain' : 'other';
  } finally {
    closeSync(fd);
  }
}

function openPlain(file: string): Db {
  if (databaseFileKind(file) === 'other') {
    throw new DatabaseKeyError(
      `${file} 不是未加密的 SQLite 数据库：它已加密（请在配置的 encryption 中给出密钥）或已损坏`,
      `${file} is not a plain SQLite database: it is encrypted (give its key in the config's encryption block) or damaged`,
    );
  }
  return new Database(file);
}

function openEncrypted(file: string, key: DatabaseKey): Db {
  if (databaseFileKind(file) === 'plain') {
    throw new DatabaseKeyError(
      `${file} 尚未加密：请先停止 kiosk，再执行 gate-kiosk db encrypt`,
      `${file} is not encrypted yet: stop the kiosk and run gate-kiosk db encrypt`,
    );
  }
  const db = openCipher(file);
  try {
    unlock(db, key, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

let cipherBuild: typeof CipherDatabase | null = null;

/**
 * The cipher build of SQLite, set to the SQLCipher 4 format; the same API as better-sqlite3. Loaded
 * the first time a key is in use, so a kiosk on a plain file keeps one SQLite library in memory.
 */
function openCipher(file: string, options: Database.Options = {}): Db {
  cipherBuild ??= createRequire(import.meta.url)('better-sqlite3-multiple-ciphers') as typeof CipherDatabase;
  const db = new cipherBuild(file, options) as unknown as Db;
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  return db;
}

function unlock(db: Db, key: DatabaseKey, file: string): void {
  (db as unknown as CipherDatabase.Database).key(key.bytes);
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_NOTADB') throw err;
    throw new DatabaseKeyError(
      `${key.from} 打不开 ${file}：密钥不对，或文件已损坏`,
      `the key (${key.from}) does not open ${file}: a wrong key, or a damaged file`,
    );
  }
}

/**
 * Encrypts the plain database in `dataDir` in place with `key` (the kiosk must be stopped: the file
 * may have no other user). Every page is rewritten inside one transaction, so a crash leaves the
 * file as it was. Returns the number of pages encrypted.
 */
export function encryptDatabase(dataDir: string, key: DatabaseKey): { pages: number } {
  const file = join(dataDir, DATABASE_FILE);
  let kind: ReturnType<typeof databaseFileKind>;
  try {
    kind = databaseFileKind(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new DatabaseKeyError(`${file} 不存在`, `${file} does not exist`);
  }
  if (kind === 'other') {
    throw new DatabaseKeyError(
      `${file} 已加密（或不是 SQLite 数据库）`,
      `${file} is encrypted already (or is not an SQLite database)`,
    );
  }
  makePrivateDir(dataDir);
  for (const side of SIDE_FILES) tightenFile(file + side);
  const db = openCipher(file, { timeout: 0 });
  try {
    let mode: unknown;
    try {
      // Leaving WAL needs the file to itself: this fails while the kiosk or a command has it open.
      db.pragma('wal_checkpoint(TRUNCATE)');
      mode = db.pragma('journal_mode = DELETE', { simple: true });
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    }
    if (mode !== 'delete') {
      throw new DatabaseKeyError(
        `${file} 正在使用：请先停止 kiosk（及其他 gate-kiosk 命令）`,
        `${file} is in use: stop the kiosk (and any other gate-kiosk command) first`,
      );
    }
    const pages = db.pragma('page_count', { simple: true }) as number;
    (db as unknown as CipherDatabase.Database).rekey(key.bytes);
    db.pragma('journal_mode = WAL');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return { pages };
  } finally {
    db.close();
    for (const side of SIDE_FILES) tightenFile(file + side);
  }
}

export function schemaVersion(db: Db): number {
  return (db.pragma('user_version', { simple: true }) as number) ?? 0;
}

/** Up to date in one transaction, after a copy of the old file; refuses a file from a newer build. */
export function migrate(db: Db): void {
  upgradeSchema(db, migrations);
}
