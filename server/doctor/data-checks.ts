import { existsSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { dailyBackups, integrityProblems } from '../../kiosk/store/backup.ts';
import { backupDirOf } from '../../kiosk/store/backup-schedule.ts';
import { DATABASE_FILE, openExistingDatabase } from '../../kiosk/store/database.ts';
import type { DatabaseKey } from '../../kiosk/store/database-key.ts';
import { migrations } from '../../kiosk/store/migrations.ts';
import { newestSchema, SchemaTooNewError, schemaVersionOf } from '../../kiosk/store/schema-upgrade.ts';
import { bilingual } from '../commands/command-failure.ts';
import { run } from '../service/system.ts';
import { canWriteIn } from './access.ts';
import { type CheckResult, pass, problem, type Subject, skip } from './check.ts';

const MiB = 1024 * 1024;
const mb = (bytes: number) => `${Math.round(bytes / MiB)} MB`;

/** The data folder: there, writable, room left, 0700 and the subject's own. */
export function dataFolderChecks(dataDir: string, subject: Subject): CheckResult[] {
  if (!existsSync(dataDir)) {
    return [
      problem(
        'data.folder',
        'warn',
        { zh: `数据文件夹 ${dataDir} 还不存在`, en: `the data folder ${dataDir} does not exist yet` },
        { zh: 'kiosk 第一次启动时会建立它', en: 'the kiosk makes it at its first start' },
      ),
    ];
  }
  const out: CheckResult[] = [];
  const write = canWriteIn(subject, dataDir);
  out.push(
    write.ok
      ? pass(
          'data.writable',
          `数据文件夹可写（${subject.name}）`,
          `the data folder is writable (${subject.name})`,
          {
            dataDir,
          },
        )
      : problem(
          'data.writable',
          'fail',
          {
            zh: `${subject.name} 不能写入数据文件夹 ${dataDir}：${write.error ?? ''}`,
            en: `${subject.name} cannot write in the data folder ${dataDir}: ${write.error ?? ''}`,
          },
          {
            zh: `让它属于运行 kiosk 的用户：sudo chown -R ${subject.name}: ${dataDir}；若是只读挂载，重新以读写挂载`,
            en: `give it to the user the kiosk runs as: sudo chown -R ${subject.name}: ${dataDir}; if it is mounted read-only, mount it read-write`,
          },
          { dataDir },
        ),
  );
  const fs = statfsSync(dataDir);
  const free = fs.bavail * fs.bsize;
  const total = fs.blocks * fs.bsize;
  out.push(
    free < 512 * MiB
      ? problem(
          'data.space',
          'fail',
          { zh: `磁盘只剩 ${mb(free)}`, en: `only ${mb(free)} left on the disk` },
          {
            zh: '腾出空间：删除不需要的文件，或把旧备份移到别处（backup.keep 可减少保留的份数）',
            en: 'make room: delete what is not needed, or move old backups elsewhere (backup.keep keeps fewer)',
          },
          { freeBytes: free, totalBytes: total },
        )
      : free < 2048 * MiB
        ? problem(
            'data.space',
            'warn',
            { zh: `磁盘剩余 ${mb(free)}，偏少`, en: `${mb(free)} left on the disk, which is little` },
            { zh: '留意空间；不足 512 MB 时视为故障', en: 'watch it; below 512 MB it counts as a fault' },
            { freeBytes: free, totalBytes: total },
          )
        : pass('data.space', `磁盘剩余 ${mb(free)}`, `${mb(free)} free on the disk`, {
            freeBytes: free,
            totalBytes: total,
          }),
  );
  const st = statSync(dataDir);
  const mode = st.mode & 0o777;
  const ownerName = run('id', ['-nu', String(st.uid)]).stdout.trim() || String(st.uid);
  const ownedRight = subject.user === null ? st.uid === process.getuid?.() : ownerName === subject.user;
  out.push(
    (mode & 0o077) !== 0 || !ownedRight
      ? problem(
          'data.permissions',
          'fail',
          {
            zh: `数据文件夹的权限是 ${mode.toString(8).padStart(4, '0')}，属于 ${ownerName}：其他用户能读到学生的健康数据`,
            en: `the data folder is ${mode.toString(8).padStart(4, '0')}, owned by ${ownerName}: others could read pupils' health data`,
          },
          {
            zh: `sudo chown -R ${subject.name}: ${dataDir} && sudo chmod 700 ${dataDir}`,
            en: `sudo chown -R ${subject.name}: ${dataDir} && sudo chmod 700 ${dataDir}`,
          },
          { mode: mode.toString(8), owner: ownerName },
        )
      : pass(
          'data.permissions',
          `数据文件夹权限 ${mode.toString(8).padStart(4, '0')}，属于 ${ownerName}`,
          `the data folder is ${mode.toString(8).padStart(4, '0')}, owned by ${ownerName}`,
        ),
  );
  return out;
}

/** The SQLite file: integrity_check, schema, and a WAL that has not grown without bound. */
export function databaseChecks(
  dataDir: string,
  key: DatabaseKey | null,
  keyError: unknown = null,
): CheckResult[] {
  const file = join(dataDir, DATABASE_FILE);
  if (!existsSync(file)) {
    return [
      problem(
        'database.integrity',
        'warn',
        { zh: `还没有数据库 ${file}`, en: `no database yet at ${file}` },
        { zh: 'kiosk 第一次启动时会建立它', en: 'the kiosk makes it at its first start' },
      ),
    ];
  }
  const out: CheckResult[] = [];
  let db: Database.Database | null = null;
  try {
    if (keyError) throw keyError;
    db = openExistingDatabase(file, key, { readonly: true });
    const version = schemaVersionOf(db);
    const newest = newestSchema(migrations);
    if (version > newest) {
      const e = new SchemaTooNewError(file, version, newest);
      out.push(
        problem(
          'database.integrity',
          'fail',
          { zh: e.zh, en: e.en },
          { zh: '安装写过它的那个更新版本', en: 'install the newer version that wrote it' },
        ),
      );
    } else {
      const started = performance.now();
      const problems = integrityProblems(db);
      const ms = Math.round(performance.now() - started);
      out.push(
        problems.length > 0
          ? problem(
              'database.integrity',
              'fail',
              {
                zh: `数据库未通过完整性检查：${problems.slice(0, 3).join('；')}`,
                en: `the database failed SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`,
              },
              {
                zh: '停止 kiosk，用最近的备份恢复：sudo gate-kiosk restore 备份文件',
                en: 'stop the kiosk and restore the newest backup: sudo gate-kiosk restore BACKUP',
              },
              { problems: problems.slice(0, 20) },
            )
          : pass(
              'database.integrity',
              `数据库完整性检查通过（结构版本 ${version}，${ms} 毫秒）`,
              `the database passes SQLite's integrity check (schema version ${version}, ${ms} ms)`,
              { schema: version, ms },
            ),
      );
    }
  } catch (err) {
    const said = bilingual(err);
    out.push(
      problem(
        'database.integrity',
        'fail',
        {
          zh: `打不开数据库 ${file}：${said?.zh ?? (err as Error).message}`,
          en: `cannot open the database ${file}: ${said?.en ?? (err as Error).message}`,
        },
        said
          ? {
              zh: '密钥见 README“加密 SQLite 文件”；文件若已损坏，停止 kiosk 并用备份恢复',
              en: 'for the key see the README, "Encrypting the SQLite file"; if the file is damaged, stop the kiosk and restore a backup',
            }
          : {
              zh: '若它已损坏，停止 kiosk 并用备份恢复：sudo gate-kiosk restore 备份文件',
              en: 'if it is damaged, stop the kiosk and restore a backup: sudo gate-kiosk restore BACKUP',
            },
      ),
    );
  } finally {
    db?.close();
  }
  const wal = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
  const next = {
    zh: 'WAL 只在没有长时间读取时才能收回：重启 kiosk（sudo systemctl restart gate-kiosk）；若一再变大，请查日志',
    en: 'the WAL is folded back only between long reads: restart the kiosk (sudo systemctl restart gate-kiosk); if it keeps growing, read the log',
  };
  out.push(
    wal >= 512 * MiB
      ? problem(
          'database.wal',
          'fail',
          { zh: `WAL 文件有 ${mb(wal)}`, en: `the WAL file is ${mb(wal)}` },
          next,
          {
            walBytes: wal,
          },
        )
      : wal >= 64 * MiB
        ? problem(
            'database.wal',
            'warn',
            { zh: `WAL 文件有 ${mb(wal)}`, en: `the WAL file is ${mb(wal)}` },
            next,
            {
              walBytes: wal,
            },
          )
        : pass('database.wal', `WAL 文件 ${mb(wal)}`, `the WAL file is ${mb(wal)}`, { walBytes: wal }),
  );
  return out;
}

/** The newest daily copy: there, and no older than two days when daily copies are set. */
export function backupCheck(config: KioskConfig, now = Date.now()): CheckResult {
  const dir = backupDirOf(config);
  const newest = dailyBackups(dir)[0];
  const daily = config.backup.daily;
  const setUp = {
    zh: `在配置中设置每日备份，如 backup: { daily: "12:30" }；或手动：sudo gate-kiosk backup`,
    en: `set daily copies in the config, e.g. backup: { daily: "12:30" }; or by hand: sudo gate-kiosk backup`,
  };
  if (!newest) {
    return problem(
      'backup.age',
      daily ? 'fail' : 'warn',
      { zh: `${dir} 中还没有备份`, en: `no backup in ${dir} yet` },
      daily
        ? {
            zh: `每日备份设在 ${daily}，却还没有一份：看日志（sudo gate-kiosk logs --level warn），或手动 sudo gate-kiosk backup`,
            en: `daily copies are set for ${daily} and none exists: read the log (sudo gate-kiosk logs --level warn), or run sudo gate-kiosk backup`,
          }
        : setUp,
      { dir },
    );
  }
  const hours = Math.round((now - newest.mtimeMs) / 3_600_000);
  const detail = { dir, newest: newest.file, ageHours: hours };
  if (hours > 48) {
    return problem(
      'backup.age',
      daily ? 'fail' : 'warn',
      {
        zh: `最新的备份已有 ${hours} 小时：${newest.file}`,
        en: `the newest backup is ${hours} hours old: ${newest.file}`,
      },
      daily
        ? {
            zh: '每日备份没有按时完成：看日志（sudo gate-kiosk logs --level warn）',
            en: 'the daily copy has not been made: read the log (sudo gate-kiosk logs --level warn)',
          }
        : setUp,
      detail,
    );
  }
  if (!daily)
    return problem(
      'backup.age',
      'warn',
      {
        zh: `最新的备份 ${hours} 小时前，但没有设置每日备份`,
        en: `the newest backup is ${hours} hours old, but no daily copies are set`,
      },
      setUp,
      detail,
    );
  return pass(
    'backup.age',
    `最新的备份 ${hours} 小时前：${newest.file}`,
    `the newest backup is ${hours} hours old: ${newest.file}`,
    detail,
  );
}

export const noConfig = (id: string): CheckResult =>
  skip(id, '配置无效，未检查', 'not checked: the config is invalid');
