import { chownSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { Command } from 'commander';
import { loadConfig } from '../../kiosk/config/load.ts';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import {
  type BackupCopy,
  BackupError,
  backupDatabase,
  integrityProblems,
  takeDailyBackup,
} from '../../kiosk/store/backup.ts';
import { backupDirOf } from '../../kiosk/store/backup-schedule.ts';
import { DATABASE_FILE, databaseFileKind, openExistingDatabase } from '../../kiosk/store/database.ts';
import { type DatabaseKey, readDatabaseKey } from '../../kiosk/store/database-key.ts';
import { migrations } from '../../kiosk/store/migrations.ts';
import { newestSchema, SchemaTooNewError, schemaVersionOf } from '../../kiosk/store/schema-upgrade.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { runningKiosk } from '../service/run-marker.ts';
import { systemdRunning, unitState } from '../service/system.ts';
import { SERVICE_NAME } from '../service/unit.ts';
import { bilingual, CommandFailure } from './command-failure.ts';
import { type DataOptions, withDataOptions } from './kiosk-data.ts';

function configOf(o: DataOptions): KioskConfig {
  const config = loadConfig(resolve(o.config));
  if (o.data !== undefined) config.dataDir = resolve(o.data);
  return config;
}

/** Files made by root in the kiosk's folders go to the folder's owner, so the service can use them. */
function giveToOwnerOf(dir: string, ...paths: string[]): void {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = statSync(dir);
  for (const p of paths) chownSync(p, uid, gid);
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** `gate-kiosk backup` and `gate-kiosk restore FILE`. */
export function registerBackupCommands(program: Command): void {
  withDataOptions(
    program
      .command('backup')
      .description(
        "copy the database while the kiosk runs (SQLite's online backup): today's copy in backups/ of the data folder (or backup.dir), the newest backup.keep kept",
      )
      .option('--out <file>', 'write this file instead of the day’s copy (not counted among the daily ones)')
      .option('--json', 'print JSON'),
  ).action(async (o: DataOptions & { out?: string; json?: boolean }) => {
    const config = configOf(o);
    const key = readDatabaseKey(config.encryption);
    const source = openSource(join(config.dataDir, DATABASE_FILE), key);
    let copy: BackupCopy & { removed?: string[] };
    try {
      if (o.out !== undefined) copy = await backupDatabase(source, resolve(o.out), { verify: true, key });
      else {
        const dir = backupDirOf(config);
        const made = !existsSync(dir);
        const today = zonedMoment(new Date(), config.school.timezone).date;
        copy = await takeDailyBackup(source, dir, today, config.backup.keep, { verify: true, key });
        if (made) giveToOwnerOf(config.dataDir, dir);
        giveToOwnerOf(config.dataDir, copy.file);
      }
    } finally {
      source.close();
    }
    if (o.json) process.stdout.write(`${JSON.stringify(copy)}\n`);
    else {
      process.stdout.write(
        `备份完成：${copy.file}（${mb(copy.bytes)}，${copy.ms} 毫秒，完整性检查通过）\n` +
          `backup written: ${copy.file} (${mb(copy.bytes)}, ${copy.ms} ms, integrity check ok)\n`,
      );
      for (const f of copy.removed ?? []) process.stdout.write(`  删除旧备份 / removed the old copy ${f}\n`);
    }
  });

  withDataOptions(
    program
      .command('restore')
      .description(
        'put a backup in place of the database (the kiosk must be stopped): checked first, the current file kept aside',
      )
      .argument('<file>', 'a backup made by gate-kiosk backup')
      .option('--json', 'print JSON'),
  ).action(async (file: string, o: DataOptions & { json?: boolean }) => {
    const config = configOf(o);
    const result = await restore(
      resolve(file),
      config.dataDir,
      config.encryption ? readDatabaseKey(config.encryption) : null,
    );
    if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        `已恢复 ${result.from}：结构版本 ${result.schema}，${result.screenings} 条筛查记录，${result.pending} 条待上传到区里\n` +
          `restored ${result.from}: schema version ${result.schema}, ${result.screenings} screenings, ${result.pending} records waiting for the district\n`,
      );
      if (result.keptAside)
        process.stdout.write(`原来的数据库保留在 / the previous database is kept as ${result.keptAside}\n`);
      if (config.encryption && !result.encrypted)
        process.stdout.write(
          '这份备份没有加密：启动前先运行 gate-kiosk db encrypt\n' +
            'this backup is not encrypted: run gate-kiosk db encrypt before starting the kiosk\n',
        );
      process.stdout.write(
        '再次启动 kiosk（sudo systemctl start gate-kiosk）：区里已有的记录会被答复为重复，不会存两次\n' +
          'start the kiosk again (sudo systemctl start gate-kiosk): records the district already has are answered as duplicates, never stored twice\n',
      );
    }
  });
}

function openSource(file: string, key: DatabaseKey | null): Database.Database {
  if (!existsSync(file)) {
    throw new CommandFailure(
      `没有数据库：${file}（数据文件夹对吗？用 --data 指定）`,
      `no database at ${file} (is the data folder right? give it with --data)`,
    );
  }
  return openExistingDatabase(file, key, { readonly: true });
}

export interface Restored {
  from: string;
  to: string;
  keptAside: string | null;
  schema: number;
  screenings: number;
  pending: number;
  encrypted: boolean;
}

/**
 * Puts a backup in place of the database in `dataDir`: refuses while a kiosk serves from it, checks
 * the backup's integrity and schema, copies it beside the database, moves the current file (with
 * its -wal) aside, then renames the copy into place.
 */
export async function restore(
  file: string,
  dataDir: string,
  key: DatabaseKey | null = null,
): Promise<Restored> {
  const running = runningKiosk(dataDir);
  if (running) {
    throw new CommandFailure(
      `kiosk 正在使用这个数据文件夹（进程 ${running.pid}）：先停止它（sudo systemctl stop gate-kiosk），再恢复`,
      `a kiosk is serving from this data folder (process ${running.pid}): stop it first (sudo systemctl stop gate-kiosk), then restore`,
    );
  }
  if (systemdRunning() && unitState(SERVICE_NAME)?.activeState === 'active') {
    throw new CommandFailure(
      '服务 gate-kiosk 正在运行：先 sudo systemctl stop gate-kiosk，再恢复',
      'the gate-kiosk service is running: sudo systemctl stop gate-kiosk first, then restore',
    );
  }
  if (!existsSync(file)) throw new CommandFailure(`没有这个文件：${file}`, `no such file: ${file}`);
  let backup: Database.Database;
  const encrypted = databaseFileKind(file) === 'other';
  try {
    backup = openExistingDatabase(file, key, { readonly: true });
    backup.pragma('schema_version');
  } catch (err) {
    if (bilingual(err)) throw err;
    throw new CommandFailure(
      `${file} 不是 SQLite 数据库：${(err as Error).message}`,
      `${file} is not an SQLite database: ${(err as Error).message}`,
    );
  }
  const live = join(dataDir, DATABASE_FILE);
  const partial = join(dataDir, `.${DATABASE_FILE}.restoring`);
  let schema: number;
  let screenings: number;
  let pending: number;
  try {
    let problems: string[];
    try {
      problems = integrityProblems(backup);
    } catch (err) {
      problems = [(err as Error).message];
    }
    if (problems.length > 0) {
      throw new BackupError(
        `${file} 未通过完整性检查，没有恢复：${problems.slice(0, 3).join('；')}`,
        `${file} failed SQLite's integrity check; nothing restored: ${problems.slice(0, 3).join('; ')}`,
      );
    }
    schema = schemaVersionOf(backup);
    const newest = newestSchema(migrations);
    if (schema > newest) throw new SchemaTooNewError(file, schema, newest);
    const tables = new Set(
      (backup.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      ),
    );
    if (schema < 1 || !tables.has('screenings') || !tables.has('outbox')) {
      throw new CommandFailure(`${file} 不是 gate-kiosk 的数据库`, `${file} is not a gate-kiosk database`);
    }
    screenings = (backup.prepare('SELECT count(*) AS n FROM screenings').get() as { n: number }).n;
    pending = (
      backup.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").get() as { n: number }
    ).n;
    await backupDatabase(backup, partial, { key: encrypted ? key : null });
  } finally {
    backup.close();
  }
  let keptAside: string | null = null;
  if (existsSync(live)) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    keptAside = join(dataDir, `${DATABASE_FILE}.before-restore-${stamp}`);
    renameSync(live, keptAside);
    for (const side of ['-wal', '-shm']) {
      if (!existsSync(live + side)) continue;
      if (side === '-wal') renameSync(live + side, keptAside + side);
      else rmSync(live + side, { force: true });
    }
  }
  giveToOwnerOf(dataDir, partial);
  renameSync(partial, live);
  return { from: file, to: live, keptAside, schema, screenings, pending, encrypted };
}
